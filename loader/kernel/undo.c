/* undo.c - run the inverse of each kernel change, newest first (see undo.h). */
#include "undo.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "bpffs.h"
#include "sys_bpf.h"

int rl_undo_push(struct rl_undo *u, const struct rl_undo_step *s, struct rl_diag *d)
{
	if (u->n >= RL_UNDO_MAX)
		return rl_err(d, ENOSPC, "undo list full (%d steps)", RL_UNDO_MAX);
	if (u->n == u->cap) {
		int cap = u->cap ? u->cap * 2 : 4;
		struct rl_undo_step *steps = realloc(u->steps, (size_t)cap * sizeof(*steps));

		if (!steps)
			return rl_err(d, ENOMEM, "out of memory for the undo list");
		u->steps = steps;
		u->cap = cap;
	}
	u->steps[u->n++] = *s;
	return 0;
}

void rl_undo_forget(struct rl_undo *u)
{
	free(u->steps);
	u->steps = NULL;
	u->n = u->cap = 0;
}

static int undo_one(const struct rl_undo_step *s, struct rl_diag *d)
{
	int err = 0;

	switch (s->kind) {
	case RL_UNDO_UNLINK:
	case RL_UNDO_RMDIR:
		/* relative to the parent opened without following links, so a
		 * link planted in the path cannot redirect the removal */
		err = rl_bpffs_remove(s->path, s->kind == RL_UNDO_RMDIR ? AT_REMOVEDIR : 0, d);
		if (err == -ENOENT)
			err = 0;
		break;
	case RL_UNDO_CALL:
		err = s->fn ? s->fn(s, d) : 0;
		break;
	case RL_UNDO_PROG_DETACH:
		err = rl_sys_prog_detach(s->prog_fd, s->target_fd, s->attach_type);
		if (err)
			err = rl_err(d, err, "BPF_PROG_DETACH: %s", strerror(-err));
		break;
	}
	return err;
}

int rl_undo_run(struct rl_undo *u, struct rl_diag *d)
{
	int first = 0;

	while (u->n > 0) {
		struct rl_diag one = { "" };
		int err = undo_one(&u->steps[--u->n], &one);

		if (err && !first) {
			first = err;
			if (d)
				*d = one;
		}
	}
	rl_undo_forget(u);
	return first;
}
