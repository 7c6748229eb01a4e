/* prog_ref.c - open a program already in the kernel by pin path, id or pin
 * directory (see prog_ref.h), and check its type before anything changes.
 *
 * Kernel interfaces: BPF_OBJ_GET, BPF_PROG_GET_FD_BY_ID,
 * BPF_OBJ_GET_INFO_BY_FD (all through loader/kernel/sys_bpf.c).
 */
#include "prog_ref.h"

#include "bpf_objects.h"
#include "object.h"
#include "pin_dir.h"
#include "sys_bpf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int rl_prog_ref_parse_id(const char *ref, uint32_t *id)
{
	unsigned long long v;
	char *end;

	if (strncmp(ref, "id:", 3))
		return 0;
	if (ref[3] < '0' || ref[3] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(ref + 3, &end, 10);
	if (errno || *end || v == 0 || v > UINT32_MAX)
		return -EINVAL;
	*id = (uint32_t)v;
	return 1;
}

/* The program behind fd: id, type, name.  Then the type check. */
static int describe(struct rl_prog_ref *r, const char *what, uint32_t want_type, struct rl_diag *d)
{
	struct rl_bpf_obj o;
	int err = rl_obj_describe(r->fd, &o);

	if (err)
		return rl_err(d, err, "%s: BPF_OBJ_GET_INFO_BY_FD: %s", what, strerror(-err));
	if (o.kind != RL_OBJ_PROG)
		return rl_err(d, EINVAL, "%s is a %s (id %u), not a program", what,
			      rl_obj_kind_name(o.kind), o.id);
	r->id = o.id;
	r->type = o.type;
	snprintf(r->name, sizeof(r->name), "%s", o.name);
	if (o.type != want_type)
		return rl_err(d, EINVAL, "%s: program %u '%s' is a %s program, not %s", what, o.id,
			      o.name, rl_prog_type_name(o.type), rl_prog_type_name(want_type));
	return 0;
}

/* A pin directory: its only program of want_type (the lab's `rawload load
 * OBJ --pin DIR` leaves one program and its maps there). */
static int pick_from_dir(const char *dir, uint32_t want_type, char out[PATH_MAX], struct rl_diag *d)
{
	static struct rl_pin_dir pd;     /* static: ~300 KiB */
	char names[256] = "";
	int n = 0, err;

	pd.dfd = -1;
	err = rl_pin_dir_read(&pd, dir, d);
	if (err)
		return err;
	for (int i = 0; i < pd.n; i++) {
		const struct rl_pin_entry *e = &pd.e[i];

		if (e->fd < 0 || e->o.kind != RL_OBJ_PROG || e->o.type != want_type)
			continue;
		if (!n++)
			snprintf(out, PATH_MAX, "%s", e->path);
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", n > 1 ? ", " : "",
			 e->name);
	}
	rl_pin_dir_release(&pd);
	if (n == 1)
		return 0;
	if (!n)
		return rl_err(d, ENOENT, "%s holds no pinned %s program", dir, rl_prog_type_name(want_type));
	return rl_err(d, EINVAL, "%s holds %d %s programs (%s): name one, e.g. %s", dir, n,
		      rl_prog_type_name(want_type), names, out);
}

int rl_prog_ref_open(const char *ref, uint32_t want_type, struct rl_prog_ref *r,
		     struct rl_diag *d)
{
	struct stat st;
	char what[PATH_MAX + 16], *slash;
	uint32_t id;
	int is_id = rl_prog_ref_parse_id(ref, &id), err;

	memset(r, 0, sizeof(*r));
	r->fd = -1;
	if (is_id < 0)
		return rl_err(d, EINVAL, "'%s': a program is named by a pin path or id:N (N > 0)", ref);
	if (is_id) {
		snprintf(what, sizeof(what), "program id %u", id);
		r->fd = rl_sys_prog_get_fd_by_id(id);
		if (r->fd < 0)
			return rl_err(d, r->fd, "%s: BPF_PROG_GET_FD_BY_ID: %s%s", what, strerror(-r->fd),
				      r->fd == -ENOENT ? " (no program has that id; see `bpftool prog`)" : "");
	} else {
		if (stat(ref, &st))
			return rl_err(d, errno, "'%s': %s", ref, strerror(errno));
		snprintf(r->pin_path, sizeof(r->pin_path), "%s", ref);
		if (S_ISDIR(st.st_mode) && (err = pick_from_dir(ref, want_type, r->pin_path, d)) != 0)
			return err;
		snprintf(what, sizeof(what), "%s", r->pin_path);
		r->fd = rl_pin_open(r->pin_path, &(struct rl_bpf_obj){ 0 }, d);
		if (r->fd < 0) {
			char why[sizeof(d->msg)];

			snprintf(why, sizeof(why), "%s", d->msg);
			return rl_err(d, r->fd, "%s: %s (not a BPF pin?)", what, why);
		}
		snprintf(r->pin_dir, sizeof(r->pin_dir), "%s", r->pin_path);
		slash = strrchr(r->pin_dir, '/');
		if (slash && slash != r->pin_dir)
			*slash = '\0';
		else
			snprintf(r->pin_dir, sizeof(r->pin_dir), "%s", slash ? "/" : ".");
	}
	err = describe(r, what, want_type, d);
	if (err) {
		close(r->fd);
		r->fd = -1;
	}
	return err;
}
