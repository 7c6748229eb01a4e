/* bpf_link.h - attachments that are themselves BPF objects (BPF_LINK_CREATE).
 *
 * A link holds its program on a hook for as long as a reference to the link
 * lives - an fd or a pin in bpffs.  So a loader that dies before it pins the
 * link leaves nothing attached (the kernel closes the fd, bpf_link_release
 * detaches), and no other tool can silently replace what a link holds.
 *
 * Kernel interfaces: bpf(2) BPF_LINK_CREATE (XDP: Linux 5.9, link_create ->
 * bpf_xdp_link_attach -> dev_xdp_attach_link -> dev_xdp_attach),
 * BPF_LINK_GET_NEXT_ID / BPF_LINK_GET_FD_BY_ID / BPF_OBJ_GET_INFO_BY_FD to
 * find links, BPF_LINK_DETACH (5.9) to cut one from its hook, BPF_OBJ_PIN.
 */
#ifndef RL_BPF_LINK_H
#define RL_BPF_LINK_H

#include <stdint.h>

#include "diag.h"
#include "undo.h"

/* What one link is, from BPF_OBJ_GET_INFO_BY_FD. */
struct rl_link_info {
	uint32_t id, type, prog_id;
	uint32_t ifindex;      /* XDP, tcx */
	uint64_t cgroup_id;    /* cgroup */
};

int rl_link_info_fd(int fd, struct rl_link_info *li, struct rl_diag *d);

/* The XDP link on ifindex, if any: 1 and *li filled, 0 when there is none,
 * -errno.  Only links of this network namespace's devices can match. */
int rl_xdp_link_find(int ifindex, struct rl_link_info *li, struct rl_diag *d);

/* BPF_LINK_CREATE with BPF_XDP on ifindex (xdp_flags: one XDP_FLAGS_*_MODE
 * bit), then BPF_OBJ_PIN at pin_path with an RL_UNDO_UNLINK pushed.  On
 * success *link_fd is the link; the caller closes it after the undo list ran
 * or was forgotten: closing an unpinned link is what detaches it.  On EBUSY
 * the message says who holds the device. */
int rl_xdp_link_attach(int prog_fd, int ifindex, uint32_t xdp_flags, const char *pin_path,
		       struct rl_undo *undo, int *link_fd, struct rl_diag *d);

/* BPF_LINK_DETACH on link id: the hook lets go now, whatever fds or pins of
 * the link remain elsewhere. */
int rl_link_detach_id(uint32_t id, struct rl_diag *d);

/* Poll BPF_LINK_GET_FD_BY_ID until link id is gone (bpf_link_put ->
 * bpf_link_free_id), up to timeout_ms.  0 when gone, -EEXIST when not. */
int rl_link_wait_freed(uint32_t id, int timeout_ms);

#endif
