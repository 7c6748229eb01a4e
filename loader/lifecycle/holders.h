/* holders.h - who keeps a BPF program or map alive, and what would free it.
 *
 * A program or map lives while its reference count is above zero.  Each of
 * these holds one: an open fd (in any process), a pin in bpffs, a netdev's
 * XDP slot, a cgroup attachment, a sockmap attachment, a prog-array slot
 * (programs), a program that uses it or an outer map's slot (maps).  The
 * kernel keeps no list of holders; we find them by looking everywhere the
 * kernel lets us look: also tc filters (cls_bpf), BPF links (tcx, perf
 * event, raw tracepoint, ...) and perf events with a program.
 */
#ifndef RL_HOLDERS_H
#define RL_HOLDERS_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum rl_holder_kind {
	RL_HOLD_PIN,         /* path: a pin anywhere on the bpffs mount */
	RL_HOLD_XDP,         /* path: device name, ifindex, slot: enum rl_xdp_mode */
	RL_HOLD_CGROUP,      /* path: cgroup directory, slot: attach type */
	RL_HOLD_SOCKMAP,     /* id/name: the sockmap/sockhash, slot: attach type */
	RL_HOLD_PROG_ARRAY,  /* id/name: the prog array, slot: its index */
	RL_HOLD_OUTER_MAP,   /* id/name: array/hash of maps holding this map */
	RL_HOLD_PROG_USES,   /* id/name: a program that uses this map */
	RL_HOLD_FD,          /* pid, fd, name: the process's comm */
	RL_HOLD_TC,          /* path: device, ifindex, slot: enum rl_tc_hook, prio, handle */
	RL_HOLD_LINK,        /* id: the link, slot: its BPF_LINK_TYPE_*, path: what it is on */
	RL_HOLD_PERF,        /* pid, fd, name: comm; path: the tracepoint (BPF_TASK_FD_QUERY) */
};

struct rl_holder {
	enum rl_holder_kind kind;
	uint32_t id;                    /* the holding program or map */
	uint32_t slot;
	int ifindex, pid, fd;
	uint32_t prio, handle;          /* RL_HOLD_TC: the filter */
	char name[16];
	char path[PATH_MAX];
	/* RL_HOLD_LINK on a cgroup or sockmap: the cgroup id / map id (0 once
	 * the link is detached) and the attach type, from the link's info */
	uint64_t target_id;
	uint32_t attach_type;
};

/* Every holder of program `id` (map `id` when is_map) that can be seen from
 * here: pins on the bpffs mount, XDP slots of this network namespace's
 * devices, cgroup v2 attachments (sock_ops, skb, sock, device), sockmap
 * attachments, prog-array slots, outer maps, programs using a map, tc
 * filters on this namespace's devices (SCHED_CLS programs), BPF links (a
 * cgroup or sockmap link is one holder, not also a cgroup/sockmap one; for
 * a sockhash, the sockmap links that keep it), perf
 * events of any process with the program, and open fds of other processes.  Writes up to max; returns the number written or
 * -errno (-ENOENT: no such object). */
int rl_find_holders(uint32_t id, bool is_map, struct rl_holder *out, int max);

/* "pin /sys/fs/bpf/x/prog", "XDP slot of veth-b (native mode)", ... */
void rl_holder_text(const struct rl_holder *h, char *buf, size_t len);
/* What makes this holder let go: "detach xdp veth-b", "unpin PATH", ... */
void rl_holder_release(const struct rl_holder *h, char *buf, size_t len);
/* "detach xdp veth-b + unpin PATH": every holder's release, joined. */
void rl_freed_when(const struct rl_holder *h, int n, char *buf, size_t len);

#endif
