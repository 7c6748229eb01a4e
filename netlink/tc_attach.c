/* tc_attach.c - tc's requests (tc_msg.c) sent through nl_sock.c, the
 * kernel's verdict turned into 0 or -errno with a hint of what to do.
 */
#include "tc_attach.h"
#include "xdp_msg.h"   /* rl_xdp_parse_ack, rl_nl_errno_name: any NLMSG_ERROR */

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>

#define RL_TC_DUMP_MAX 64

const char *rl_tc_kernel_path(uint16_t type)
{
	switch (type) {
	case RTM_NEWQDISC:
		return "tc_modify_qdisc -> qdisc_create(\"clsact\") -> clsact_init -> "
		       "tcf_block_get_ext (ingress and egress blocks) -> qdisc_graft(dev_ingress_queue)";
	case RTM_DELQDISC:
		return "tc_get_qdisc -> qdisc_graft(NULL) -> qdisc_put -> clsact_destroy -> "
		       "tcf_block_put_ext (the filters left in its blocks go with it)";
	case RTM_NEWTFILTER:
		return "tc_new_tfilter -> tcf_block_find -> tcf_chain_tp_insert_unique -> "
		       "tcf_proto_create(\"bpf\") -> cls_bpf_init; tp->ops->change = cls_bpf_change -> "
		       "cls_bpf_set_parms -> cls_bpf_prog_from_ufd -> "
		       "bpf_prog_get_type_dev(fd, BPF_PROG_TYPE_SCHED_CLS)";
	case RTM_DELTFILTER:
		return "tc_del_tfilter -> tfilter_del_notify -> cls_bpf_delete -> __cls_bpf_delete -> "
		       "tcf_queue_work(__cls_bpf_delete_prog: bpf_prog_put after an RCU grace period)";
	case RTM_GETTFILTER:
		return "tc_dump_tfilter -> tcf_chain_dump -> cls_bpf_walk -> cls_bpf_dump";
	}
	return NULL;
}

/* What to do about the refusals a user can act on. */
static void add_hint(struct rl_diag *d, int err, uint16_t type, const char *kmsg)
{
	if (err == -ENODEV)
		rl_nl_diag_append(d, "; no such device (see `ip link`)");
	else if (err == -EPERM)
		rl_nl_diag_append(d, "; tc needs CAP_NET_ADMIN (run as root)");
	else if (type == RTM_NEWTFILTER && err == -EEXIST)
		rl_nl_diag_append(d, "; that priority/handle is taken: run the command again");
	else if (type == RTM_NEWTFILTER && err == -EINVAL && !kmsg)
		rl_nl_diag_append(d, "; cls_bpf takes only a BPF_PROG_TYPE_SCHED_CLS program");
	else if (type == RTM_NEWTFILTER && err == -ENOENT)
		rl_nl_diag_append(d, "; the device has no clsact qdisc");
}

/* One request that the kernel acknowledges.  what: "egress, prio 1". */
static int exchange(const struct nlmsghdr *req, const char *what, struct rl_diag *d)
{
	char reply[RL_NL_REPLY_BUFSZ] __attribute__((aligned(8)));
	const struct tcmsg *tcm = mnl_nlmsg_get_payload(req);
	struct rl_nl_ack ack = { 0 };
	ssize_t n;
	int err;

	n = rl_nl_call(req, reply, sizeof(reply), d);
	err = n < 0 ? (int)n : rl_xdp_parse_ack((const void *)reply, (size_t)n, req->nlmsg_seq, &ack, d);
	rl_nl_notify(req, n < 0 ? NULL : reply, err);
	if (err == 0)
		return 0;
	rl_diag_prefix(d, "%s on ifindex %d (%s): ", rl_tc_msg_type_name(req->nlmsg_type),
		       tcm->tcm_ifindex, what);
	if (ack.has_offs && rl_tc_attr_at(req, ack.offs))
		rl_nl_diag_append(d, " [at %s]", rl_tc_attr_at(req, ack.offs));
	add_hint(d, err, req->nlmsg_type, ack.msg);
	return err;
}

static int qdisc(uint16_t type, int ifindex, struct rl_diag *d)
{
	char buf[RL_TC_REQ_BUFSZ] __attribute__((aligned(8)));
	struct nlmsghdr *req = rl_tc_build_qdisc(buf, sizeof(buf), type, ifindex, rl_nl_next_seq());

	if (!req)
		return rl_err(d, EINVAL, "%s: invalid ifindex %d", rl_tc_msg_type_name(type), ifindex);
	return exchange(req, "clsact", d);
}

int rl_tc_clsact_ensure(int ifindex, bool *made, struct rl_diag *d)
{
	struct rl_diag quiet = { "" };
	int err = qdisc(RTM_NEWQDISC, ifindex, &quiet);

	*made = err == 0;
	/* EEXIST: a qdisc is in the slot already - a clsact somebody made
	 * (tc, another loader) that we share and never delete */
	if (err == -EEXIST)
		return 0;
	if (err && d)
		*d = quiet;
	return err;
}

int rl_tc_clsact_delete(int ifindex, struct rl_diag *d)
{
	return qdisc(RTM_DELQDISC, ifindex, d);
}

int rl_tc_filter_list(int ifindex, enum rl_tc_hook hook, struct rl_tc_filter *out, int max,
		      int *n, struct rl_diag *d)
{
	char buf[RL_TC_REQ_BUFSZ] __attribute__((aligned(8)));
	char reply[RL_NL_REPLY_BUFSZ] __attribute__((aligned(8)));
	uint32_t seq = rl_nl_next_seq();
	struct nlmsghdr *req = rl_tc_build_dump(buf, sizeof(buf), ifindex, hook, seq);
	ssize_t got;
	int err;

	*n = 0;
	if (!req)
		return rl_err(d, EINVAL, "RTM_GETTFILTER: invalid ifindex %d", ifindex);
	got = rl_nl_call(req, reply, sizeof(reply) - NLMSG_HDRLEN, d);
	if (got >= 0)   /* a zero header after the stream: --explain's walk ends there */
		memset(reply + got, 0, NLMSG_HDRLEN);
	err = got < 0 ? (int)got : rl_tc_parse_dump(reply, (size_t)got, seq, out, max, n, d);
	rl_nl_notify(req, got < 0 ? NULL : reply, err);
	if (err)
		rl_diag_prefix(d, "RTM_GETTFILTER on ifindex %d (%s): ", ifindex, rl_tc_hook_name(hook));
	return err;
}

int rl_tc_free_prio(int ifindex, enum rl_tc_hook hook, uint16_t *prio, struct rl_diag *d)
{
	struct rl_tc_filter f[RL_TC_DUMP_MAX];
	int n, err = rl_tc_filter_list(ifindex, hook, f, RL_TC_DUMP_MAX, &n, d);
	uint32_t p;

	if (err)
		return err;
	if (n > RL_TC_DUMP_MAX)
		return rl_err(d, E2BIG, "ifindex %d (%s): more than %d filters", ifindex,
			      rl_tc_hook_name(hook), RL_TC_DUMP_MAX);
	for (p = 1; p <= 0xffff; p++) {
		bool used = false;

		for (int i = 0; i < n && !used; i++)
			used = f[i].prio == p;
		if (!used)
			break;
	}
	*prio = (uint16_t)p;
	return 0;
}

static const char *filter_what(char *buf, size_t len, const struct rl_tc_filter_req *r)
{
	snprintf(buf, len, "%s, prio %u, handle %u", rl_tc_hook_name(r->hook), (unsigned)r->prio,
		 r->handle);
	return buf;
}

int rl_tc_filter_add(struct rl_tc_filter_req *r, struct rl_diag *d)
{
	char buf[RL_TC_REQ_BUFSZ] __attribute__((aligned(8))), what[64];
	struct nlmsghdr *req;

	r->seq = rl_nl_next_seq();
	req = rl_tc_build_newfilter(buf, sizeof(buf), r);
	if (!req)
		return rl_err(d, EINVAL, "RTM_NEWTFILTER: invalid request (ifindex %d, fd %d, prio %u)",
			      r->ifindex, r->prog_fd, (unsigned)r->prio);
	return exchange(req, filter_what(what, sizeof(what), r), d);
}

int rl_tc_filter_del(int ifindex, enum rl_tc_hook hook, uint16_t prio, uint32_t handle,
		     struct rl_diag *d)
{
	struct rl_tc_filter_req r = { .ifindex = ifindex, .hook = hook, .prio = prio,
				      .handle = handle, .prog_fd = -1, .seq = rl_nl_next_seq() };
	char buf[RL_TC_REQ_BUFSZ] __attribute__((aligned(8))), what[64];
	struct nlmsghdr *req = rl_tc_build_delfilter(buf, sizeof(buf), &r);

	if (!req)
		return rl_err(d, EINVAL, "RTM_DELTFILTER: invalid request (ifindex %d, prio %u)",
			      ifindex, (unsigned)prio);
	return exchange(req, filter_what(what, sizeof(what), &r), d);
}

int rl_tc_clsact_delete_if_unused(int ifindex, int *users, struct rl_diag *d)
{
	struct rl_tc_filter f[4];
	int n_in, n_eg, err;

	*users = 0;
	err = rl_tc_filter_list(ifindex, RL_TC_INGRESS, f, 4, &n_in, d);
	if (!err)
		err = rl_tc_filter_list(ifindex, RL_TC_EGRESS, f, 4, &n_eg, d);
	if (err)
		return err;
	*users = n_in + n_eg;
	if (*users)
		return 0;
	err = rl_tc_clsact_delete(ifindex, d);
	return err ? err : 1;
}

static int undo_filter(const struct rl_undo_step *s, struct rl_diag *d)
{
	return rl_tc_filter_del(s->ifindex, (enum rl_tc_hook)s->mode, (uint16_t)s->attach_type,
				(uint32_t)s->target_fd, d);
}

static int undo_clsact(const struct rl_undo_step *s, struct rl_diag *d)
{
	int users;
	int err = rl_tc_clsact_delete_if_unused(s->ifindex, &users, d);

	return err < 0 ? err : 0;
}

struct rl_undo_step rl_tc_undo_filter_step(int ifindex, enum rl_tc_hook hook, uint16_t prio,
					   uint32_t handle)
{
	return (struct rl_undo_step){ .kind = RL_UNDO_CALL, .fn = undo_filter, .ifindex = ifindex,
				      .mode = (int)hook, .attach_type = prio, .target_fd = (int)handle,
				      .prog_fd = -1 };
}

struct rl_undo_step rl_tc_undo_clsact_step(int ifindex)
{
	return (struct rl_undo_step){ .kind = RL_UNDO_CALL, .fn = undo_clsact, .ifindex = ifindex,
				      .prog_fd = -1, .target_fd = -1 };
}
