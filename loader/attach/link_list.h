/* link_list.h - every BPF link in the kernel, as `bpftool link list` shows
 * them (link_list.c).
 *
 * The kernel numbers links in one idr (bpf_link_prime -> bpf_link_alloc_id);
 * BPF_LINK_GET_NEXT_ID walks it, BPF_LINK_GET_FD_BY_ID opens one (root only:
 * CAP_SYS_ADMIN), BPF_OBJ_GET_INFO_BY_FD -> bpf_link_get_info_by_fd fills
 * struct bpf_link_info: type, id, prog_id, then a union whose member depends
 * on the type (the link's ops->fill_link_info):
 *
 *   offset 0  type | 4 id | 8 prog_id | 12 pad | 16 union ...
 *
 *   raw_tracepoint  16 tp_name (u64 user pointer) 24 tp_name_len
 *   tracing         16 attach_type 20 target_obj_id 24 target_btf_id
 *   cgroup          16 cgroup_id (u64) 24 attach_type
 *   iter            16 target_name (pointer) 24 target_name_len 28 map_id
 *   netns           16 netns_ino 20 attach_type
 *   xdp             16 ifindex
 *   perf_event      16 type (BPF_PERF_EVENT_*) 24 name pointer 32 name_len
 *   struct_ops      16 map_id
 *   netfilter       16 pf 20 hooknum 24 priority (s32) 28 flags
 *   tcx, netkit     16 ifindex 20 attach_type        (Linux 6.6 / 6.7)
 *   sockmap         16 map_id 20 attach_type          (Linux 6.10)
 *
 * Names (tracepoint, function, iterator target) are copied out only into a
 * buffer the caller names in the same union, so those types take a second
 * call.  The layout is written out here rather than taken from
 * <linux/bpf.h>: the build's UAPI header may predate tcx, netkit and sockmap.
 */
#ifndef RL_LINK_LIST_H
#define RL_LINK_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* enum bpf_link_type, with the numbers newer than older UAPI headers */
enum {
	RL_LINK_RAW_TP = 1, RL_LINK_TRACING = 2, RL_LINK_CGROUP = 3, RL_LINK_ITER = 4,
	RL_LINK_NETNS = 5, RL_LINK_XDP = 6, RL_LINK_PERF_EVENT = 7, RL_LINK_KPROBE_MULTI = 8,
	RL_LINK_STRUCT_OPS = 9, RL_LINK_NETFILTER = 10, RL_LINK_TCX = 11,
	RL_LINK_UPROBE_MULTI = 12, RL_LINK_NETKIT = 13, RL_LINK_SOCKMAP = 14,
};

/* One link, decoded.  Only the members its type has are set (others 0). */
struct rl_link_desc {
	uint32_t id, type, prog_id;
	uint32_t attach_type;            /* tracing, cgroup, netns, tcx, netkit, sockmap */
	uint32_t ifindex;                /* xdp, tcx, netkit */
	uint64_t cgroup_id;              /* cgroup */
	uint32_t map_id;                 /* sockmap, struct_ops, iter over a map */
	uint32_t netns_ino;              /* netns */
	uint32_t target_obj_id, target_btf_id;   /* tracing */
	uint32_t perf_type;              /* perf_event: BPF_PERF_EVENT_* (1 uprobe .. 5 tracepoint, 6 event) */
	uint32_t nf_pf, nf_hooknum;      /* netfilter */
	int32_t nf_priority;
	char name[128];                  /* raw_tp / perf_event tracepoint, kprobe function,
					    uprobe file, iter target: "" when none */
};

/* "xdp", "cgroup", "perf_event", ... as bpftool names them; "type N" never:
 * an unknown number gives "unknown". */
const char *rl_link_type_name(uint32_t type);
/* "tracepoint", "kprobe", ... for perf_type */
const char *rl_link_perf_type_name(uint32_t perf_type);
/* Does a link of this type (and perf_type) carry a name the kernel copies
 * out only into a buffer we give it?  The offset of that pointer in the
 * info (its length follows 8 bytes later), or 0. */
size_t rl_link_name_offset(uint32_t type, uint32_t perf_type);

/* Pure: bytes of a bpf_link_info as the kernel wrote them (len of them,
 * the rest counts as 0) into *out.  The name is not in those bytes: the
 * caller copies it from its own buffer.  0, or -EINVAL when len < 12. */
int rl_link_decode(const void *info, size_t len, struct rl_link_desc *out);

/* BPF_OBJ_GET_INFO_BY_FD on a link fd, twice when the type has a name.  0 or -errno. */
int rl_link_describe_fd(int fd, struct rl_link_desc *out, struct rl_diag *d);

/* Every link, in id order: up to max written, the number found returned
 * (may exceed max), or -errno.  Links freed while we walk are skipped. */
int rl_link_list(struct rl_link_desc *out, int max, struct rl_diag *d);

/* The cgroup v2 directory whose id (the kernfs node id, which is also the
 * directory's inode number on 64-bit hosts) is cgroup_id: a walk of the v2
 * mount.  0 and out set, -ENOENT when not found (no v2 mount, or the
 * cgroup is gone or outside this mount namespace). */
int rl_cgroup_path_by_id(uint64_t cgroup_id, char *out, size_t len);

#endif
