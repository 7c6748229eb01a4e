/* cgroup.h - cgroup v2 directories and the attachments that hang off them.
 *
 * sockops programs attach to a cgroup v2 directory (BPF_CGROUP_SOCK_OPS)
 * and then see every TCP socket of every process in that cgroup and its
 * descendants.  sk_msg programs attach to a sockmap/sockhash instead
 * (BPF_SK_MSG_VERDICT) and run on sendmsg() of the sockets in that map.
 * Both go through BPF_PROG_ATTACH with the target's fd here; the same
 * targets take links (BPF_LINK_CREATE) in bpf_link.c.
 */
#ifndef RL_CGROUP_H
#define RL_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* The cgroup v2 mount point from /proc/self/mountinfo (fstype "cgroup2"):
 * /sys/fs/cgroup on pure v2 hosts, /sys/fs/cgroup/unified on hybrid ones. */
int rl_cgroup2_mount(char *mnt, size_t len, struct rl_diag *d);

/* Pure: the v2 path from the text of /proc/PID/cgroup - the line
 * "0::/user.slice/x" gives "/user.slice/x".  -ENOENT without such a line. */
int rl_cgroup_parse_self(const char *text, char *path, size_t len);

/* The cgroup this process runs in, relative to the v2 mount ("/" = root). */
int rl_cgroup_self(char *path, size_t len, struct rl_diag *d);

/* SPEC §1's default for `rawload sockops` without --cgroup: the cgroup this
 * process runs in (absolute path under the v2 mount); *is_root tells the
 * CLI that this is the whole machine's root cgroup. */
int rl_cgroup_default(char *path, size_t len, bool *is_root, struct rl_diag *d);

/* Open a cgroup v2 directory (O_RDONLY|O_DIRECTORY|O_CLOEXEC) and check with
 * fstatfs that it is one (CGROUP2_SUPER_MAGIC); a v1 hierarchy, another file
 * system or a missing path gets a message naming where v2 is mounted.
 * Returns the fd or -errno. */
int rl_cgroup_open(const char *path, struct rl_diag *d);

/* BPF_CGROUP_SOCK_OPS on a cgroup fd, always with BPF_F_ALLOW_MULTI so
 * programs other users attached stay attached (and we cannot be replaced). */
int rl_cgroup_attach_sockops(int cg_fd, int prog_fd, struct rl_diag *d);
/* Detach exactly this program (ALLOW_MULTI needs its fd to know which). */
int rl_cgroup_detach_sockops(int cg_fd, int prog_fd, struct rl_diag *d);
/* Ids of programs attached directly to this cgroup; *cnt in: capacity of
 * ids, out: how many are attached.  attach_flags may be NULL. */
int rl_cgroup_query_sockops(int cg_fd, uint32_t *ids, uint32_t *cnt, uint32_t *attach_flags,
			    struct rl_diag *d);

/* BPF_SK_MSG_VERDICT on a sockmap/sockhash fd. */
int rl_sockmap_attach_msg_verdict(int map_fd, int prog_fd, struct rl_diag *d);
int rl_sockmap_detach_msg_verdict(int map_fd, int prog_fd, struct rl_diag *d);
int rl_sockmap_query_msg_verdict(int map_fd, uint32_t *ids, uint32_t *cnt, struct rl_diag *d);

#endif
