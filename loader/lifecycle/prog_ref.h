/* prog_ref.h - a program that is already in the kernel, named the way a user
 * names it on the command line (prog_ref.c): load-then-attach.
 *
 *   /sys/fs/bpf/lab/xdp_drop_ping   a pin: BPF_OBJ_GET (bpf_obj_get_user)
 *   id:42                           BPF_PROG_GET_FD_BY_ID (root only: the
 *                                   kernel checks CAP_SYS_ADMIN)
 *   /sys/fs/bpf/lab                 a pin directory holding exactly one
 *                                   program of the wanted type
 *
 * Whichever way, the fd is a new reference to the program (the kernel raises
 * its refcount, bpf_prog_inc); closing it drops that reference only.
 */
#ifndef RL_PROG_REF_H
#define RL_PROG_REF_H

#include <limits.h>
#include <stdint.h>

#include "diag.h"

struct rl_prog_ref {
	int fd;                       /* ours: the caller closes it */
	uint32_t id, type;            /* BPF_OBJ_GET_INFO_BY_FD */
	char name[16];
	char pin_path[PATH_MAX];      /* the pin it was opened by; "" for id:N */
	char pin_dir[PATH_MAX];       /* that pin's directory; "" for id:N */
};

/* Pure: "id:N" gives 1 and *id (1 .. UINT32_MAX), anything not starting
 * with "id:" gives 0 (a path), a malformed id -EINVAL. */
int rl_prog_ref_parse_id(const char *ref, uint32_t *id);

/* Open ref and check that the program's type is want_type (a
 * BPF_PROG_TYPE_*): a one-line reason in d otherwise ("... is a sched_cls
 * program, not xdp").  0 with r->fd open, or -errno with nothing open. */
int rl_prog_ref_open(const char *ref, uint32_t want_type, struct rl_prog_ref *r,
		     struct rl_diag *d);

#endif
