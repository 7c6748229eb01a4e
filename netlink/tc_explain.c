/* tc_explain.c - render tc's rtnetlink messages for --explain (tc_explain.h).
 *
 * Uses the field writer of xdp_explain.c (nl_explain_internal.h), so a tc
 * message reads like an XDP one: every field its bytes and its meaning, in
 * the order they sit in memory.  Read only within nlmsg_len; attribute
 * lengths are checked by rl_nlw_attrs before a payload is touched.
 */
#include "tc_explain.h"
#include "tc_attach.h"   /* the kernel paths, constant strings */
#include "tc_msg.h"
#include "xdp_msg.h"     /* rl_nl_errno_name */

#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/pkt_cls.h>
#include <linux/pkt_sched.h>
#include <linux/rtnetlink.h>

/* TCA_OPTIONS holds TCA_BPF_* only in a "bpf" filter's message. */
static bool options_are_bpf;

/* "ffff:fff3", the way tc(8) writes a handle. */
static const char *tc_handle(char *buf, size_t len, uint32_t h)
{
	if (h == TC_H_ROOT)
		snprintf(buf, len, "root");
	else if (h == TC_H_UNSPEC)
		snprintf(buf, len, "none");
	else
		snprintf(buf, len, "%x:%x", TC_H_MAJ(h) >> 16, TC_H_MIN(h));
	return buf;
}

static const char *parent_meaning(uint32_t parent)
{
	if (parent == TC_H_CLSACT)
		return " (TC_H_CLSACT: the ingress-queue slot of the device)";
	if (parent == rl_tc_parent(RL_TC_INGRESS))
		return " (clsact ingress: packets the device receives)";
	if (parent == rl_tc_parent(RL_TC_EGRESS))
		return " (clsact egress: packets the device sends)";
	return "";
}

static void explain_tcmsg(struct rl_nlw *w, uint16_t type, const uint8_t *p)
{
	struct tcmsg t;
	char h[32];
	bool filter = type == RTM_NEWTFILTER || type == RTM_DELTFILTER || type == RTM_GETTFILTER;
	uint16_t proto;

	memcpy(&t, p, sizeof(t));
	rl_nlw_field(w, 0, "tcmsg", p, 1, "tcm_family = %s (%u)", t.tcm_family ? "?" : "AF_UNSPEC",
		     t.tcm_family);
	rl_nlw_field(w, 0, "", p + 1, 3, "tcm__pad1, tcm__pad2");
	rl_nlw_field(w, 0, "", p + 4, 4, "tcm_ifindex = %d", t.tcm_ifindex);
	if (filter)
		rl_nlw_field(w, 0, "", p + 8, 4, "tcm_handle = %u%s", t.tcm_handle,
			     t.tcm_handle ? " (the filter's handle in cls_bpf)" : "");
	else
		rl_nlw_field(w, 0, "", p + 8, 4, "tcm_handle = %s%s", tc_handle(h, sizeof(h), t.tcm_handle),
			     t.tcm_handle == rl_tc_clsact_handle() ? " (clsact's fixed handle)" : "");
	rl_nlw_field(w, 0, "", p + 12, 4, "tcm_parent = %s%s", tc_handle(h, sizeof(h), t.tcm_parent),
		     parent_meaning(t.tcm_parent));
	if (!filter) {
		rl_nlw_field(w, 0, "", p + 16, 4, "tcm_info = %u (qdiscs: refcount in replies)", t.tcm_info);
		return;
	}
	proto = (uint16_t)TC_H_MIN(t.tcm_info);
	proto = (uint16_t)((proto >> 8) | (proto << 8));
	rl_nlw_field(w, 0, "", p + 16, 4, "tcm_info = prio %u, protocol 0x%04x%s (big endian)",
		     TC_H_MAJ(t.tcm_info) >> 16, proto, proto == 3 ? " ETH_P_ALL" : "");
}

void rl_tc_explain_body(struct rl_nlw *w, uint16_t type, const uint8_t *p, size_t len)
{
	const uint8_t *a = p + sizeof(struct tcmsg);
	size_t alen;

	if (len < sizeof(struct tcmsg)) {
		rl_nlw_field(w, 0, "tcmsg", p, len, "(truncated: %zu of %zu bytes)", len,
			     sizeof(struct tcmsg));
		return;
	}
	explain_tcmsg(w, type, p);
	alen = len - sizeof(struct tcmsg);
	/* TCA_KIND comes first (tc_fill_node, and our requests): look for
	 * "bpf" before naming what TCA_OPTIONS holds */
	options_are_bpf = alen >= NLA_HDRLEN + 4 && a[2] == TCA_KIND && a[3] == 0 &&
			  !memcmp(a + NLA_HDRLEN, "bpf", 4);
	w->attrs(w, 0, a, alen, RL_NLA_TC);
}

bool rl_tc_explain_payload(struct rl_nlw *w, int depth, enum rl_nla_ctx ctx, uint16_t type,
			   const uint8_t *p, size_t n)
{
	uint32_t u32 = 0;

	if (n >= 4)
		memcpy(&u32, p, sizeof(u32));
	if ((ctx == RL_NLA_TC && type == TCA_KIND) || (ctx == RL_NLA_TC_BPF && type == TCA_BPF_NAME)) {
		rl_nlw_field(w, depth, "", p, n, "= \"%.*s\"", (int)strnlen((const char *)p, n), p);
		return true;
	}
	if (ctx == RL_NLA_TC && type == TCA_OPTIONS && options_are_bpf) {
		w->attrs(w, depth + 1, p, n, RL_NLA_TC_BPF);
		return true;
	}
	if (ctx == RL_NLA_TC && type == TCA_CHAIN && n == 4) {
		rl_nlw_field(w, depth, "", p, n, "= %u (filter chain)", u32);
		return true;
	}
	if (ctx != RL_NLA_TC_BPF || n < 4)
		return false;
	switch (type) {
	case TCA_BPF_FD:
		rl_nlw_field(w, depth, "", p, n, "= %u (a program fd of the sending process)", u32);
		return true;
	case TCA_BPF_ID:
		rl_nlw_field(w, depth, "", p, n, "= %u (program id)", u32);
		return true;
	case TCA_BPF_FLAGS:
		rl_nlw_field(w, depth, "", p, n, "= %s", u32 == TCA_BPF_FLAG_ACT_DIRECT ?
			     "TCA_BPF_FLAG_ACT_DIRECT (direct action: the return value is the verdict)" :
			     u32 ? "(unknown flags)" : "0 (classifier mode: the return value is a class id)");
		return true;
	case TCA_BPF_FLAGS_GEN:
		rl_nlw_field(w, depth, "", p, n, "= 0x%x (TCA_CLS_FLAGS_*: hardware offload)", u32);
		return true;
	case TCA_BPF_TAG:
		rl_nlw_field(w, depth, "", p, n, "(program tag: a hash of its instructions)");
		return true;
	}
	return false;
}

/* A dump's answer is many messages: one line each unless -v. */
static void tell_dump_reply(struct rl_nlw *w, const struct nlmsghdr *reply, bool whole)
{
	const struct nlmsghdr *nlh = reply;
	/* The observer gets the first message of the stream; rl_tc_filter_list
	 * ends the bytes received with a zeroed header, so the walk stops
	 * there at the latest (nlmsg_len 0 is not a message). */
	int rem = RL_NL_REPLY_BUFSZ;
	unsigned count = 0;

	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem), count++) {
		struct rl_tc_filter f;
		struct rl_diag d = { "" };

		if (whole || nlh->nlmsg_type == NLMSG_ERROR) {
			w->message(w, "reply message", nlh);
		} else if (nlh->nlmsg_type == NLMSG_DONE) {
			rl_nlw_printf(w, "  %-16s NLMSG_DONE (the end of the dump)\n", "reply");
		} else if (rl_tc_parse_filter(nlh, &f, &d) == 0) {
			if (!f.handle)
				rl_nlw_printf(w, "  %-16s RTM_NEWTFILTER, %u bytes: prio %u protocol 0x%04x "
					      "kind %s (the priority slot)\n", "reply", nlh->nlmsg_len,
					      f.prio, f.protocol, f.kind);
			else
				rl_nlw_printf(w, "  %-16s RTM_NEWTFILTER, %u bytes: prio %u handle %u kind %s"
					      " '%s' prog id %u%s\n", "reply", nlh->nlmsg_len, f.prio,
					      f.handle, f.kind, f.name, f.prog_id,
					      f.bpf_flags & TCA_BPF_FLAG_ACT_DIRECT ? " direct-action" : "");
		}
		if (nlh->nlmsg_type == NLMSG_DONE || nlh->nlmsg_type == NLMSG_ERROR || count > 64)
			break;
	}
}

size_t rl_tc_explain_step(struct rl_nlw *wp, const struct rl_nl_step *s)
{
	struct rl_nlw w = *wp;
	uint16_t type = s->req->nlmsg_type;

	rl_nlw_printf(&w, "\n[%u] netlink %s (NETLINK_ROUTE socket -> the kernel)\n", s->step,
		      rl_tc_msg_type_name(type));
	w.message(&w, "request", s->req);
	rl_nlw_printf(&w, "  %-16s %s\n", "kernel path", rl_tc_kernel_path(type));
	if (type == RTM_NEWTFILTER)
		rl_nlw_printf(&w, "  %-16s each packet: sch_handle_ingress/sch_handle_egress -> tcf_classify "
			      "-> cls_bpf_classify -> the program;\n  %-16s its return value is the verdict "
			      "(TC_ACT_OK 0 passes, TC_ACT_SHOT 2 drops)\n", "then", "");
	if (!s->reply)
		rl_nlw_printf(&w, "  %-16s none arrived\n", "reply");
	else if (type == RTM_GETTFILTER && s->reply->nlmsg_type != NLMSG_ERROR)
		tell_dump_reply(&w, s->reply, s->whole_reply);
	else
		w.message(&w, s->reply->nlmsg_type == NLMSG_ERROR ?
			       "reply (NLMSG_ERROR; error 0 is the ACK)" : "reply", s->reply);
	if (s->result == 0)
		rl_nlw_printf(&w, "  %-16s 0 (%s)\n", "result",
			      type == RTM_GETTFILTER ? "success" : "acknowledged: the kernel did it");
	else
		rl_nlw_printf(&w, "  %-16s %d %s (%s)\n", "result", s->result, rl_nl_errno_name(s->result),
			      strerror(-s->result));
	return w.len;
}
