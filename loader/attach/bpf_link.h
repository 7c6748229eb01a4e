/* bpf_link.h - attachments that are themselves BPF objects (BPF_LINK_CREATE).
 *
 * A link holds its program on a hook for as long as a reference to the link
 * lives - an fd or a pin in bpffs.  So a loader that dies before it pins the
 * link leaves nothing attached (the kernel closes the fd, bpf_link_release
 * detaches), and no other tool can silently replace what a link holds.
 *
 * Kernel interfaces: bpf(2) BPF_LINK_CREATE (XDP: Linux 5.9, link_create ->
 * bpf_xdp_link_attach -> dev_xdp_attach_link -> dev_xdp_attach; cgroup:
 * 5.7, cgroup_bpf_link_attach; sockmap: 6.10, sock_map_link_create),
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
	uint32_t map_id;       /* sockmap (0 once detached) */
	uint32_t attach_type;  /* cgroup, sockmap: BPF_CGROUP_SOCK_OPS, BPF_SK_MSG_VERDICT ... */
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

/* ---- links on a target fd: cgroups (5.7) and sockmaps (6.10) ---------- */

/* enum bpf_link_type, Linux 6.10; newer than our UAPI headers.  Its info is
 * struct { __u32 map_id; __u32 attach_type; } sockmap. */
#define RL_BPF_LINK_TYPE_SOCKMAP 14

/* BPF_LINK_CREATE with attach_type on target_fd - a cgroup v2 directory
 * (link_create -> cgroup_bpf_link_attach: the link is one entry of the
 * cgroup's BPF_F_ALLOW_MULTI list) or a sockmap/sockhash (link_create ->
 * sock_map_link_create: the map's one slot for that attach type) - then
 * BPF_OBJ_PIN at pin_path with an RL_UNDO_UNLINK pushed.  *link_fd and
 * *link_id are the link's; the caller closes the fd after the undo list ran
 * or was forgotten (closing an unpinned link is what detaches it).  `what`
 * names the link in messages ("cgroup", "sockmap"). */
int rl_link_create_pinned(int prog_fd, int target_fd, uint32_t attach_type, const char *what,
			  const char *pin_path, struct rl_undo *undo, int *link_fd, uint32_t *link_id,
			  struct rl_diag *d);

/* The first link matching want: its type, and when set (not 0) its
 * prog_id, ifindex, cgroup_id, map_id and attach_type.  1 and *li filled,
 * 0 none, -errno. */
int rl_link_find(const struct rl_link_info *want, struct rl_link_info *li, struct rl_diag *d);

#endif
