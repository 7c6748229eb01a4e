/* tc_explain.h - tc's rtnetlink messages for --explain, byte by byte.
 *
 * The tc half of xdp_explain.c's narration: struct tcmsg (handle, parent
 * and tcm_info as tc writes them, "ffff:fff3"), TCA_KIND, TCA_OPTIONS with
 * cls_bpf's TCA_BPF_* inside, and one whole exchange - request, the kernel
 * path it enters (tc_new_tfilter -> ... -> cls_bpf_change), the reply:
 *
 *   [6] netlink RTM_NEWTFILTER (NETLINK_ROUTE socket -> the kernel)
 *     request, 84 bytes:
 *       nlmsghdr   54 00 00 00             nlmsg_len = 84
 *       ...
 *       tcmsg      00                      tcm_family = AF_UNSPEC (0)
 *                  ...
 *                  f3 ff ff ff             tcm_parent = ffff:fff3 (clsact egress)
 *                  03 00 01 00             tcm_info = prio 1, protocol 0x0003 (ETH_P_ALL)
 *     kernel path      tc_new_tfilter -> ... -> cls_bpf_change -> ...
 *
 * Pure: no I/O.  rl_nl_explain_step (xdp_explain.h) hands tc messages here.
 */
#ifndef RL_TC_EXPLAIN_H
#define RL_TC_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nl_explain_internal.h"
#include "xdp_explain.h"

/* The body after the nlmsghdr of an RTM_*QDISC / RTM_*TFILTER message. */
void rl_tc_explain_body(struct rl_nlw *w, uint16_t type, const uint8_t *p, size_t len);
/* The payload of a TCA_* / TCA_BPF_* attribute; false: not decoded here. */
bool rl_tc_explain_payload(struct rl_nlw *w, int depth, enum rl_nla_ctx ctx, uint16_t type,
			   const uint8_t *p, size_t n);
/* One exchange into w (rl_nl_explain_step's writer); the text's length. */
size_t rl_tc_explain_step(struct rl_nlw *w, const struct rl_nl_step *s);

#endif
