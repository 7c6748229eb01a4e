/* undo.h - the list of kernel changes to take back if a later step fails.
 *
 * "All or nothing" (SPEC §3): every command that changes kernel state pushes
 * the inverse of each change as it makes it - a pin is undone by unlink, an
 * XDP attach by a detach that names the program it expects, a cgroup attach
 * by BPF_PROG_DETACH with the program fd - and on failure or signal runs the
 * list backwards.  On success the list is simply forgotten.
 */
#ifndef RL_UNDO_H
#define RL_UNDO_H

#include <limits.h>
#include <stdint.h>

#include "diag.h"

enum rl_undo_kind {
	RL_UNDO_UNLINK,       /* a pin we created */
	RL_UNDO_RMDIR,        /* a pin directory we created */
	RL_UNDO_XDP_DETACH,   /* ifindex, mode, expected prog fd */
	RL_UNDO_PROG_DETACH,  /* prog fd from target fd, attach type */
};

struct rl_undo_step {
	enum rl_undo_kind kind;
	int ifindex, mode;
	int prog_fd, target_fd;   /* not owned: the caller closes them after rl_undo_run */
	uint32_t attach_type;
	char path[PATH_MAX];
};

#define RL_UNDO_MAX 64

struct rl_undo {
	struct rl_undo_step steps[RL_UNDO_MAX];
	int n;
};

int rl_undo_push(struct rl_undo *u, const struct rl_undo_step *s, struct rl_diag *d);
/* Run every step, newest first.  Returns 0 or the first error (all steps are tried). */
int rl_undo_run(struct rl_undo *u, struct rl_diag *d);
static inline void rl_undo_forget(struct rl_undo *u) { u->n = 0; }

#endif
