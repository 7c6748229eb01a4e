/* explain_bpf.h - one bpf(2) call, told as a story: what was asked, which
 * kernel functions it enters, what came back.
 *
 * `rawload --explain` installs an observer on the syscall layer (sys_bpf.h)
 * and passes every (cmd, attr, result) to this formatter:
 *
 *   BPF_PROG_LOAD (cmd 5)
 *     prog_type        BPF_PROG_TYPE_XDP (6)
 *     insns            43 instructions, 344 bytes
 *     license          "GPL" (GPL-compatible: the GPL-only helpers may be called)
 *     ...
 *     kernel path      bpf_prog_load -> bpf_check (the verifier) -> ...
 *     verdict          accepted by the verifier
 *     result           fd 7 = prog id 57
 *
 * Only the attr fields the command reads are shown (each command owns one
 * struct of union bpf_attr).  Pointers in the attr point into our own
 * memory (license, pin path, verifier log, map keys), so they are read and
 * shown by content, never by address: the same call explains the same way
 * in every run, which keeps the golden tests stable.
 *
 * Pure: no I/O, no syscalls.  What a file descriptor *is* (a prog id, a
 * cgroup directory) only the process can find out, so the caller may pass
 * callbacks that say it; without them fds are shown as numbers.
 *
 * Kernel function names are those of Linux 6.x (kernel/bpf/syscall.c,
 * kernel/bpf/inode.c, kernel/bpf/cgroup.c, net/core/sock_map.c).
 */
#ifndef RL_EXPLAIN_BPF_H
#define RL_EXPLAIN_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/bpf.h>

struct rl_explain_fd_ops {
	/* A few words about fd ("prog id 57", "cgroup /sys/fs/cgroup/x"); false
	 * when it cannot tell.  Called for every fd the attr names and for
	 * the fd a call returns. */
	bool (*describe_fd)(void *ctx, int fd, char *out, size_t outlen);
	/* The shape of a map fd, so MAP_UPDATE_ELEM can show key and value
	 * bytes; false when unknown (the bytes are then not read). */
	bool (*map_shape)(void *ctx, int fd, uint32_t *map_type, uint32_t *key_size,
			  uint32_t *value_size);
	void *ctx;
	/* The device with ifindex in this network namespace: its name and its
	 * driver (ETHTOOL_GDRVINFO), for BPF_LINK_CREATE's XDP tree; false
	 * when there is none.  May be NULL. */
	bool (*describe_ifindex)(void *ctx, uint32_t ifindex, char name[16], char driver[32]);
};

/* Render one call.  result is what the wrapper returned (fd, 0 or -errno),
 * err the positive errno (0 on success).  Returns the length of the whole
 * text, snprintf-style; out is always NUL-terminated when outlen > 0. */
size_t rl_explain_bpf_call(char *out, size_t outlen, int cmd, const union bpf_attr *attr,
			   long result, int err);
/* The same, with fd descriptions from the caller (fds may be NULL). */
size_t rl_explain_bpf_call_fds(char *out, size_t outlen, int cmd, const union bpf_attr *attr,
			       long result, int err, const struct rl_explain_fd_ops *fds);

/* One step of `rawload --explain`: a blank line, "[step] ", then the call
 * as rl_explain_bpf_call_fds tells it. */
size_t rl_explain_bpf_step(char *out, size_t outlen, unsigned step, int cmd,
			   const union bpf_attr *attr, long result, int err,
			   const struct rl_explain_fd_ops *fds);

/* The kernel functions the command enters, for this attr (PROG_ATTACH goes
 * to cgroups or to sockmaps depending on attach_type). */
const char *rl_explain_bpf_path(int cmd, const union bpf_attr *attr);

/* The driver's ndo_bpf by driver name ("veth" -> "veth_xdp") and a note
 * on it; "ndo_bpf" and a general note for a driver not in the table or
 * NULL.  Shared by the RTM_SETLINK and the BPF_LINK_CREATE trees. */
const char *rl_explain_xdp_ndo(const char *driver, const char **note);

/* "BPF_MAP_CREATE" for 0 ... ; "BPF_CMD_<n>" is not returned: unknown
 * commands give NULL. */
const char *rl_explain_cmd_name(int cmd);

/* Flags as "BPF_F_ALLOW_MULTI|0x40" into out; "0" when none. */
size_t rl_explain_attach_flags(char *out, size_t outlen, uint32_t flags);
size_t rl_explain_map_flags(char *out, size_t outlen, uint32_t flags);

#endif
