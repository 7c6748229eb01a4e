/* tc_msg.h - the rtnetlink messages that attach a BPF program to tc (cls_bpf).
 *
 * Pure: bytes in, bytes out, like xdp_msg.h.  The same functions build what
 * --explain prints, what the unit tests compare and what tc_attach.c sends.
 *
 * Every tc message is a struct nlmsghdr, a struct tcmsg and attributes:
 *
 *   +--------------------+ 16 bytes  nlmsg_len, type, flags, seq, pid = 0
 *   | struct nlmsghdr    |
 *   +--------------------+ 20 bytes  tcm_family = AF_UNSPEC, tcm_ifindex,
 *   | struct tcmsg       |           tcm_handle, tcm_parent, tcm_info
 *   +--------------------+
 *   | TCA_KIND           |  "clsact" (a qdisc) or "bpf" (the cls_bpf classifier)
 *   | TCA_OPTIONS|NESTED |  filters only:
 *   |  TCA_BPF_FD        |    u32: the program fd
 *   |  TCA_BPF_NAME      |    string: shown by `tc filter show`
 *   |  TCA_BPF_FLAGS     |    u32: TCA_BPF_FLAG_ACT_DIRECT, the program's return
 *   +--------------------+         value is the verdict (TC_ACT_SHOT drops)
 *
 * The clsact qdisc (handle ffff:, parent TC_H_CLSACT) has no queue: it only
 * holds two filter blocks, ingress (parent ffff:fff2) and egress (ffff:fff3).
 * A filter is named by (parent, priority, protocol, handle): tcm_info holds
 * priority << 16 | protocol (network byte order), tcm_handle the handle.
 */
#ifndef RL_TC_MSG_H
#define RL_TC_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "diag.h"

#define RL_TC_REQ_BUFSZ 256

enum rl_tc_hook { RL_TC_INGRESS, RL_TC_EGRESS };

/* One cls_bpf filter, as we add or delete it. */
struct rl_tc_filter_req {
	int ifindex;
	enum rl_tc_hook hook;
	uint16_t prio;            /* 1..0xffff; lower runs first */
	uint32_t handle;          /* cls_bpf handle, != 0 */
	int prog_fd;              /* RTM_NEWTFILTER only */
	const char *name;         /* TCA_BPF_NAME, RTM_NEWTFILTER only */
	uint32_t seq;
};

/* One filter of a dump (RTM_NEWTFILTER from RTM_GETTFILTER|NLM_F_DUMP). */
struct rl_tc_filter {
	uint32_t parent;
	uint16_t prio, protocol;  /* protocol in host order (ETH_P_ALL = 3) */
	uint32_t handle;          /* 0: the message describes the priority slot, not a filter */
	char kind[16];            /* "bpf", "u32", ... */
	char name[128];           /* TCA_BPF_NAME */
	uint32_t prog_id;         /* TCA_BPF_ID, 0 when absent */
	uint32_t bpf_flags;       /* TCA_BPF_FLAGS */
};

const char *rl_tc_hook_name(enum rl_tc_hook hook);   /* "ingress" / "egress" */
uint32_t rl_tc_parent(enum rl_tc_hook hook);         /* ffff:fff2 / ffff:fff3 */
uint32_t rl_tc_clsact_handle(void);                  /* ffff:0 */

/* RTM_NEWQDISC (create clsact; NLM_F_EXCL: EEXIST when a qdisc is there) or
 * RTM_DELQDISC (delete it, only if it is a clsact: TCA_KIND is checked by
 * the kernel).  NULL when buflen is too small or ifindex <= 0. */
struct nlmsghdr *rl_tc_build_qdisc(void *buf, size_t buflen, uint16_t type, int ifindex,
				   uint32_t seq);
/* RTM_NEWTFILTER with NLM_F_CREATE|NLM_F_EXCL: never replaces a filter. */
struct nlmsghdr *rl_tc_build_newfilter(void *buf, size_t buflen, const struct rl_tc_filter_req *r);
/* RTM_DELTFILTER of exactly (parent, prio, ETH_P_ALL, handle, "bpf"). */
struct nlmsghdr *rl_tc_build_delfilter(void *buf, size_t buflen, const struct rl_tc_filter_req *r);
/* RTM_GETTFILTER with NLM_F_DUMP: every filter under the hook. */
struct nlmsghdr *rl_tc_build_dump(void *buf, size_t buflen, int ifindex, enum rl_tc_hook hook,
				  uint32_t seq);

/* Decode one RTM_NEWTFILTER.  0, or -EBADMSG naming what is wrong. */
int rl_tc_parse_filter(const struct nlmsghdr *nlh, struct rl_tc_filter *f, struct rl_diag *d);

/* Walk the len bytes of a dump's answer: every filter (handle != 0) into
 * out[0..max), the count in *n (all of them, even past max).  0, -errno
 * for an NLMSG_ERROR (d says it), -EBADMSG / -EPROTO for a damaged one. */
int rl_tc_parse_dump(const void *buf, size_t len, uint32_t seq, struct rl_tc_filter *out,
		     int max, int *n, struct rl_diag *d);

/* Attribute names for --explain and the extack offset: TCA_* at the top,
 * TCA_BPF_* inside TCA_OPTIONS of a "bpf" filter.  NULL when unknown. */
const char *rl_tc_attr_name(uint16_t type);
const char *rl_tc_bpf_attr_name(uint16_t type);
const char *rl_tc_attr_at(const struct nlmsghdr *req, uint32_t offs);
const char *rl_tc_msg_type_name(uint16_t type);   /* "RTM_NEWTFILTER"...; NULL if not tc */

/* The record of one attachment, kept as the name of an empty directory in
 * the object's pin directory (bpffs holds only pins and directories, and
 * refuses names with a '.'):
 *   tc_<ifindex>_<ingress|egress>_<prio>_<handle>[_clsact]
 * "_clsact" when rawload created the clsact qdisc for it. */
struct rl_tc_record {
	int ifindex;
	enum rl_tc_hook hook;
	uint16_t prio;
	uint32_t handle;
	bool made_clsact;
};
int rl_tc_record_name(char *buf, size_t len, const struct rl_tc_record *r);  /* snprintf-style */
bool rl_tc_record_parse(const char *name, struct rl_tc_record *r);

#endif
