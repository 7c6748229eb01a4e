/* tc_msg.c - building and reading the tc rtnetlink messages (see tc_msg.h).
 *
 * libmnl writes and walks the attributes; this file decides which ones to
 * write and checks every length before it reads a value.  No sockets here.
 */
#include "tc_msg.h"
#include "xdp_msg.h"   /* rl_xdp_parse_ack: the NLMSG_ERROR of any request */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_ether.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

/* tcm_info's protocol is in network byte order (tc_new_tfilter reads it
 * with TC_H_MIN and compares it with skb->protocol). */
static uint16_t be16(uint16_t v)
{
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	return (uint16_t)((v >> 8) | (v << 8));
#else
	return v;
#endif
}

const char *rl_tc_hook_name(enum rl_tc_hook hook)
{
	return hook == RL_TC_INGRESS ? "ingress" : "egress";
}

uint32_t rl_tc_parent(enum rl_tc_hook hook)
{
	return TC_H_MAKE(TC_H_CLSACT, hook == RL_TC_INGRESS ? TC_H_MIN_INGRESS : TC_H_MIN_EGRESS);
}

uint32_t rl_tc_clsact_handle(void)
{
	return TC_H_MAKE(TC_H_CLSACT, 0);
}

/* nlmsghdr + tcmsg: the common start of every request. */
static struct nlmsghdr *put_tc_header(void *buf, size_t buflen, uint16_t type, uint16_t flags,
				      int ifindex, uint32_t seq, struct tcmsg **tcm)
{
	struct nlmsghdr *nlh;

	if (!buf || ifindex <= 0 || buflen < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(**tcm)))
		return NULL;
	/* zeroed whole: libmnl leaves an attribute's padding as it finds it,
	 * and a string attribute ("clsact", a program name) has some */
	memset(buf, 0, buflen);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	/* zeroed: tcm_family AF_UNSPEC (0), as for links */
	*tcm = mnl_nlmsg_put_extra_header(nlh, sizeof(**tcm));
	(*tcm)->tcm_ifindex = ifindex;
	return nlh;
}

struct nlmsghdr *rl_tc_build_qdisc(void *buf, size_t buflen, uint16_t type, int ifindex,
				   uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct tcmsg *tcm;
	uint16_t flags = NLM_F_REQUEST | NLM_F_ACK;

	if (type != RTM_NEWQDISC && type != RTM_DELQDISC)
		return NULL;
	/* CREATE|EXCL: make one, never modify the qdisc already there
	 * (tc_modify_qdisc answers EEXIST, "Exclusivity flag on"). */
	if (type == RTM_NEWQDISC)
		flags |= NLM_F_CREATE | NLM_F_EXCL;
	nlh = put_tc_header(buf, buflen, type, flags, ifindex, seq, &tcm);
	if (!nlh)
		return NULL;
	/* TC_H_CLSACT == TC_H_INGRESS: the slot beside the device's root
	 * qdisc, dev->ingress_queue, where clsact and ingress live. */
	tcm->tcm_parent = TC_H_CLSACT;
	tcm->tcm_handle = rl_tc_clsact_handle();
	if (!mnl_attr_put_strz_check(nlh, buflen, TCA_KIND, "clsact"))
		return NULL;
	return nlh;
}

static struct nlmsghdr *filter_header(void *buf, size_t buflen, uint16_t type, uint16_t flags,
				      const struct rl_tc_filter_req *r)
{
	struct nlmsghdr *nlh;
	struct tcmsg *tcm;

	if (!r->prio || !r->handle)
		return NULL;
	nlh = put_tc_header(buf, buflen, type, flags, r->ifindex, r->seq, &tcm);
	if (!nlh)
		return NULL;
	tcm->tcm_parent = rl_tc_parent(r->hook);
	tcm->tcm_handle = r->handle;
	/* every protocol: the program looks at the frame itself */
	tcm->tcm_info = TC_H_MAKE((uint32_t)r->prio << 16, be16(ETH_P_ALL));
	if (!mnl_attr_put_strz_check(nlh, buflen, TCA_KIND, "bpf"))
		return NULL;
	return nlh;
}

struct nlmsghdr *rl_tc_build_newfilter(void *buf, size_t buflen, const struct rl_tc_filter_req *r)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;

	if (r->prog_fd < 0)
		return NULL;
	/* CREATE|EXCL: tc_new_tfilter refuses (EEXIST) a handle already used,
	 * so another tool's filter is never changed. */
	nlh = filter_header(buf, buflen, RTM_NEWTFILTER,
			    NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL, r);
	if (!nlh)
		return NULL;
	nest = mnl_attr_nest_start_check(nlh, buflen, TCA_OPTIONS);
	if (!nest || !mnl_attr_put_u32_check(nlh, buflen, TCA_BPF_FD, (uint32_t)r->prog_fd) ||
	    (r->name && !mnl_attr_put_strz_check(nlh, buflen, TCA_BPF_NAME, r->name)) ||
	    !mnl_attr_put_u32_check(nlh, buflen, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT))
		return NULL;
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

struct nlmsghdr *rl_tc_build_delfilter(void *buf, size_t buflen, const struct rl_tc_filter_req *r)
{
	return filter_header(buf, buflen, RTM_DELTFILTER, NLM_F_REQUEST | NLM_F_ACK, r);
}

struct nlmsghdr *rl_tc_build_dump(void *buf, size_t buflen, int ifindex, enum rl_tc_hook hook,
				  uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct tcmsg *tcm;

	nlh = put_tc_header(buf, buflen, RTM_GETTFILTER, NLM_F_REQUEST | NLM_F_DUMP, ifindex, seq, &tcm);
	if (nlh)
		tcm->tcm_parent = rl_tc_parent(hook);
	return nlh;
}

static void get_str(const struct nlattr *a, char *out, size_t len)
{
	size_t n = mnl_attr_get_payload_len(a);
	const char *p = mnl_attr_get_payload(a);

	n = n < len - 1 ? n : len - 1;
	memcpy(out, p, n);
	out[n] = '\0';
}

static void parse_bpf_options(const struct nlattr *opts, struct rl_tc_filter *f)
{
	const struct nlattr *a;

	mnl_attr_for_each_nested(a, opts) {
		bool u32 = mnl_attr_get_payload_len(a) >= sizeof(uint32_t);

		switch (mnl_attr_get_type(a)) {
		case TCA_BPF_NAME:
			get_str(a, f->name, sizeof(f->name));
			break;
		case TCA_BPF_ID:
			if (u32)
				f->prog_id = mnl_attr_get_u32(a);
			break;
		case TCA_BPF_FLAGS:
			if (u32)
				f->bpf_flags = mnl_attr_get_u32(a);
			break;
		}
	}
}

int rl_tc_parse_filter(const struct nlmsghdr *nlh, struct rl_tc_filter *f, struct rl_diag *d)
{
	const struct tcmsg *tcm;
	const struct nlattr *a, *opts = NULL;

	memset(f, 0, sizeof(*f));
	if (nlh->nlmsg_type != RTM_NEWTFILTER)
		return rl_err(d, EBADMSG, "expected RTM_NEWTFILTER (%d), got message type %u",
			      RTM_NEWTFILTER, nlh->nlmsg_type);
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*tcm))
		return rl_err(d, EBADMSG, "RTM_NEWTFILTER of %u bytes is shorter than nlmsghdr + tcmsg",
			      nlh->nlmsg_len);
	tcm = mnl_nlmsg_get_payload(nlh);
	f->parent = tcm->tcm_parent;
	f->prio = (uint16_t)(TC_H_MAJ(tcm->tcm_info) >> 16);
	f->protocol = be16((uint16_t)TC_H_MIN(tcm->tcm_info));
	f->handle = tcm->tcm_handle;
	/* mnl_attr_for_each stops at the first attribute that does not fit */
	mnl_attr_for_each(a, nlh, sizeof(*tcm)) {
		if (mnl_attr_get_type(a) == TCA_KIND)
			get_str(a, f->kind, sizeof(f->kind));
		else if (mnl_attr_get_type(a) == TCA_OPTIONS)
			opts = a;
	}
	if (opts && !strcmp(f->kind, "bpf"))
		parse_bpf_options(opts, f);
	return 0;
}

int rl_tc_parse_dump(const void *buf, size_t len, uint32_t seq, struct rl_tc_filter *out,
		     int max, int *n, struct rl_diag *d)
{
	const struct nlmsghdr *nlh = buf;
	int rem = len > 0x7fffffff ? 0x7fffffff : (int)len, err;

	*n = 0;
	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		struct rl_tc_filter f;

		if (nlh->nlmsg_seq != seq)
			return rl_err(d, EPROTO, "reply has nlmsg_seq %u, expected %u", nlh->nlmsg_seq, seq);
		if (nlh->nlmsg_type == NLMSG_DONE)
			return 0;
		if (nlh->nlmsg_type == NLMSG_ERROR) {
			err = rl_xdp_parse_ack(nlh, (size_t)nlh->nlmsg_len, seq, NULL, d);
			return err ? err : rl_err(d, EBADMSG, "a dump answered with an ACK");
		}
		err = rl_tc_parse_filter(nlh, &f, d);
		if (err)
			return err;
		if (!f.handle)        /* the priority slot itself (tcf_chain_dump) */
			continue;
		if (*n < max)
			out[*n] = f;
		(*n)++;
	}
	return rl_err(d, EBADMSG, "dump of %zu bytes ends without NLMSG_DONE", len);
}

const char *rl_tc_attr_name(uint16_t type)
{
#define N(x) [x] = #x
	static const char *const names[] = {
		N(TCA_UNSPEC), N(TCA_KIND), N(TCA_OPTIONS), N(TCA_STATS), N(TCA_XSTATS),
		N(TCA_RATE), N(TCA_FCNT), N(TCA_STATS2), N(TCA_STAB), N(TCA_PAD),
		N(TCA_DUMP_INVISIBLE), N(TCA_CHAIN), N(TCA_HW_OFFLOAD), N(TCA_INGRESS_BLOCK),
		N(TCA_EGRESS_BLOCK), N(TCA_DUMP_FLAGS),
	};

	return type < MNL_ARRAY_SIZE(names) ? names[type] : NULL;
}

const char *rl_tc_bpf_attr_name(uint16_t type)
{
	static const char *const names[] = {
		N(TCA_BPF_UNSPEC), N(TCA_BPF_ACT), N(TCA_BPF_POLICE), N(TCA_BPF_CLASSID),
		N(TCA_BPF_OPS_LEN), N(TCA_BPF_OPS), N(TCA_BPF_FD), N(TCA_BPF_NAME),
		N(TCA_BPF_FLAGS), N(TCA_BPF_FLAGS_GEN), N(TCA_BPF_TAG), N(TCA_BPF_ID),
	};
#undef N

	return type < MNL_ARRAY_SIZE(names) ? names[type] : NULL;
}

const char *rl_tc_msg_type_name(uint16_t type)
{
	switch (type) {
	case RTM_NEWQDISC:   return "RTM_NEWQDISC";
	case RTM_DELQDISC:   return "RTM_DELQDISC";
	case RTM_GETQDISC:   return "RTM_GETQDISC";
	case RTM_NEWTFILTER: return "RTM_NEWTFILTER";
	case RTM_DELTFILTER: return "RTM_DELTFILTER";
	case RTM_GETTFILTER: return "RTM_GETTFILTER";
	}
	return NULL;
}

const char *rl_tc_attr_at(const struct nlmsghdr *req, uint32_t offs)
{
	const struct nlattr *a, *n;

	mnl_attr_for_each(a, req, sizeof(struct tcmsg)) {
		if ((const char *)a - (const char *)req == (long)offs)
			return rl_tc_attr_name(mnl_attr_get_type(a));
		if (mnl_attr_get_type(a) != TCA_OPTIONS)
			continue;
		mnl_attr_for_each_nested(n, a) {
			if ((const char *)n - (const char *)req == (long)offs)
				return rl_tc_bpf_attr_name(mnl_attr_get_type(n));
		}
	}
	return NULL;
}

int rl_tc_record_name(char *buf, size_t len, const struct rl_tc_record *r)
{
	return snprintf(buf, len, "tc_%d_%s_%u_%u%s", r->ifindex, rl_tc_hook_name(r->hook),
			(unsigned)r->prio, r->handle, r->made_clsact ? "_clsact" : "");
}

bool rl_tc_record_parse(const char *name, struct rl_tc_record *r)
{
	char hook[16], tail[16] = "";
	unsigned prio, handle;
	int ifindex, used = 0;

	memset(r, 0, sizeof(*r));
	if (sscanf(name, "tc_%d_%15[a-z]_%u_%u%n", &ifindex, hook, &prio, &handle, &used) != 4 ||
	    ifindex <= 0 || !prio || prio > 0xffff || !handle)
		return false;
	snprintf(tail, sizeof(tail), "%s", name + used);
	if (tail[0] && strcmp(tail, "_clsact"))
		return false;
	if (strcmp(hook, "ingress") && strcmp(hook, "egress"))
		return false;
	r->ifindex = ifindex;
	r->hook = strcmp(hook, "ingress") ? RL_TC_EGRESS : RL_TC_INGRESS;
	r->prio = (uint16_t)prio;
	r->handle = handle;
	r->made_clsact = tail[0] != '\0';
	return true;
}
