/* tc_attach.h - attach and detach a BPF program at tc (clsact + cls_bpf)
 * over rtnetlink.
 *
 * The socket side of tc: each call sends one request built by tc_msg.c
 * through nl_sock.c and turns the kernel's answer - with its extended-ack
 * words - into 0 or -errno and a one-line rl_diag:
 *
 *   RTM_NEWTFILTER on ifindex 7 (egress, prio 1, handle 1): EINVAL (kernel:
 *   'Filter kind and protocol must be specified')
 *
 * Kernel path of an attach (net/sched/cls_api.c, cls_bpf.c):
 *   tc_new_tfilter -> tcf_block_find -> tcf_chain_tp_insert_unique ->
 *   tcf_proto_create("bpf") -> cls_bpf_init; then tp->ops->change =
 *   cls_bpf_change -> cls_bpf_set_parms -> cls_bpf_prog_from_ufd ->
 *   bpf_prog_get_type_dev(fd, BPF_PROG_TYPE_SCHED_CLS)
 * and from then on every packet through the hook runs
 *   sch_handle_egress / sch_handle_ingress -> tcf_classify -> cls_bpf_classify.
 *
 * Never prints: --explain watches through the observer of nl_sock.h.
 */
#ifndef RL_TC_ATTACH_H
#define RL_TC_ATTACH_H

#include <stdbool.h>

#include "diag.h"
#include "nl_sock.h"
#include "tc_msg.h"
#include "undo.h"

/* Make the clsact qdisc on the device unless a qdisc already sits in its
 * slot.  *made = true when this call created it.  0 or -errno. */
int rl_tc_clsact_ensure(int ifindex, bool *made, struct rl_diag *d);
/* Delete the device's clsact qdisc (and with it every filter left in it). */
int rl_tc_clsact_delete(int ifindex, struct rl_diag *d);

/* Every filter under the hook (RTM_GETTFILTER dump): up to max into out,
 * the count in *n.  No clsact qdisc: 0 filters. */
int rl_tc_filter_list(int ifindex, enum rl_tc_hook hook, struct rl_tc_filter *out, int max,
		      int *n, struct rl_diag *d);
/* The lowest priority >= 1 that no filter under the hook uses. */
int rl_tc_free_prio(int ifindex, enum rl_tc_hook hook, uint16_t *prio, struct rl_diag *d);

/* Add / delete one cls_bpf filter; r->seq is set here. */
int rl_tc_filter_add(struct rl_tc_filter_req *r, struct rl_diag *d);
int rl_tc_filter_del(int ifindex, enum rl_tc_hook hook, uint16_t prio, uint32_t handle,
		     struct rl_diag *d);

/* Undo steps (RL_UNDO_CALL) of an attach: delete exactly our filter
 * (mode = hook, attach_type = prio, target_fd = handle), and the clsact
 * qdisc we made, only while no filter is left under either hook. */
struct rl_undo_step rl_tc_undo_filter_step(int ifindex, enum rl_tc_hook hook, uint16_t prio,
					   uint32_t handle);
struct rl_undo_step rl_tc_undo_clsact_step(int ifindex);
/* Delete the clsact qdisc if no filter is under ingress or egress.  1 when
 * deleted, 0 when kept (*users = the filters found), -errno. */
int rl_tc_clsact_delete_if_unused(int ifindex, int *users, struct rl_diag *d);

/* The kernel functions a request enters, for --explain; NULL for a type
 * that is not tc's. */
const char *rl_tc_kernel_path(uint16_t nlmsg_type);

#endif
