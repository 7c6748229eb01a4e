/* undo.h - the list of kernel changes to take back if a later step fails.
 *
 * "All or nothing" (SPEC §3): every command that changes kernel state pushes
 * the inverse of each change as it makes it - a pin is undone by unlink, a
 * cgroup attach by BPF_PROG_DETACH with the program fd, an XDP attach by the
 * netlink backend's own detach that names the program it expects - and on
 * failure or signal runs the list backwards.  On success the list is simply
 * forgotten.
 *
 * This file sits in the kernel layer and knows only bpf(2) and bpffs.  An
 * attach backend above it (netlink/, loader/attach/) undoes its own change
 * through RL_UNDO_CALL: the step carries the backend's function, so the
 * lower layer never calls up by name.
 */
#ifndef RL_UNDO_H
#define RL_UNDO_H

#include <limits.h>
#include <stdint.h>

#include "diag.h"

enum rl_undo_kind {
	RL_UNDO_UNLINK,       /* a pin we created */
	RL_UNDO_RMDIR,        /* a pin directory we created */
	RL_UNDO_PROG_DETACH,  /* prog fd from target fd, attach type */
	RL_UNDO_CALL,         /* fn(step): an attach backend's own inverse */
};

struct rl_undo_step;
typedef int (*rl_undo_fn)(const struct rl_undo_step *s, struct rl_diag *d);

struct rl_undo_step {
	enum rl_undo_kind kind;
	rl_undo_fn fn;            /* RL_UNDO_CALL: reads the fields below it needs */
	int ifindex, mode;
	int prog_fd, target_fd;   /* not owned: the caller closes them after rl_undo_run */
	uint32_t attach_type;
	char path[PATH_MAX];
};

#define RL_UNDO_MAX 64

/* The steps live on the heap and grow as they are pushed: a step carries a
 * PATH_MAX path, and 64 of them inline made every command zero 256 KiB of
 * stack first (65 page faults, a third of `rawload load`'s).  `{ .n = 0 }`
 * is an empty list; rl_undo_run and rl_undo_forget both release it. */
struct rl_undo {
	struct rl_undo_step *steps;
	int n, cap;
};

int rl_undo_push(struct rl_undo *u, const struct rl_undo_step *s, struct rl_diag *d);
/* Run every step, newest first, then empty the list.  Returns 0 or the
 * first error (all steps are tried). */
int rl_undo_run(struct rl_undo *u, struct rl_diag *d);
/* Success: keep every change, empty the list. */
void rl_undo_forget(struct rl_undo *u);

#endif
