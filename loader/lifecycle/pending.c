/* pending.c - markers of commands in flight, and the recovery of what a
 * dead command left behind (see pending.h for the rule). */
#include "pending.h"

#include "bpffs.h"
#include "pin_dir.h"
#include "sockops_own.h"
#include "xdp_attach.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <linux/bpf.h>

void rl_pending_name(const struct rl_pending *p, char *out, size_t len)
{
	switch (p->kind) {
	case RL_PENDING_XDP:
		snprintf(out, len, RL_PENDING_PREFIX "xdp_%d", p->ifindex);
		break;
	case RL_PENDING_SOCKOPS:
		snprintf(out, len, RL_PENDING_PREFIX "sockops");
		break;
	case RL_PENDING_LOAD:
		snprintf(out, len, RL_PENDING_PREFIX "load");
		break;
	}
}

int rl_pending_parse(const char *name, struct rl_pending *p)
{
	const char *rest;
	char *end;
	long ifindex;

	if (strncmp(name, RL_PENDING_PREFIX, strlen(RL_PENDING_PREFIX)))
		return -EINVAL;
	rest = name + strlen(RL_PENDING_PREFIX);
	p->ifindex = 0;
	if (!strcmp(rest, "sockops")) {
		p->kind = RL_PENDING_SOCKOPS;
		return 0;
	}
	if (!strcmp(rest, "load")) {
		p->kind = RL_PENDING_LOAD;
		return 0;
	}
	if (strncmp(rest, "xdp_", 4))
		return -EINVAL;
	ifindex = strtol(rest + 4, &end, 10);
	if (end == rest + 4 || *end || ifindex <= 0 || ifindex > 0x7fffffff)
		return -EINVAL;
	p->kind = RL_PENDING_XDP;
	p->ifindex = (int)ifindex;
	return 0;
}

static int marker_path(const char *dir, const struct rl_pending *p, char out[PATH_MAX],
		       struct rl_diag *d)
{
	char name[64];

	rl_pending_name(p, name, sizeof(name));
	if (snprintf(out, PATH_MAX, "%s/%s", dir, name) >= PATH_MAX)
		return rl_err(d, ENAMETOOLONG, "pin directory '%s' is too long", dir);
	return 0;
}

int rl_pending_begin(const char *dir, const struct rl_pending *p, struct rl_undo *undo,
		     struct rl_diag *d)
{
	struct rl_undo_step s = { .kind = RL_UNDO_RMDIR };
	int created = 0, err = marker_path(dir, p, s.path, d);

	if (!err)
		err = rl_bpffs_mkdir_p(s.path, &created, d);
	if (!err && created)
		err = rl_undo_push(undo, &s, d);
	return err;
}

int rl_pending_commit(const char *dir, const struct rl_pending *p, struct rl_diag *d)
{
	char path[PATH_MAX];
	int err = marker_path(dir, p, path, d);

	if (!err)
		err = rl_bpffs_rmdir(path, d);
	return err == -ENOENT ? 0 : err;
}

/* ---- recovery ------------------------------------------------------------ */

struct attached_ids {
	uint32_t xdp[3];          /* the device's native, skb and hw programs */
};

static bool prog_attached(const struct rl_pin_entry *e, const struct rl_pending *p,
			  const struct attached_ids *a)
{
	char cg[PATH_MAX];

	if (e->fd < 0 || e->o.kind != RL_OBJ_PROG)
		return false;
	switch (p->kind) {
	case RL_PENDING_XDP:
		return e->o.type == BPF_PROG_TYPE_XDP &&
		       (e->o.id == a->xdp[0] || e->o.id == a->xdp[1] || e->o.id == a->xdp[2]);
	case RL_PENDING_SOCKOPS:
		return e->o.type == BPF_PROG_TYPE_SOCK_OPS && rl_sockops_attached_elsewhere(e->o.id, cg);
	case RL_PENDING_LOAD:
		return false;     /* `rawload load` attaches nothing */
	}
	return false;
}

static bool any_attached(const struct rl_pin_dir *pd, const struct rl_pending *p,
			 const struct attached_ids *a)
{
	for (int i = 0; i < pd->n; i++)
		if (prog_attached(&pd->e[i], p, a))
			return true;
	return false;
}

/* Every pin (and symbolic link) of pd goes; subdirectories stay. */
static int unpin_all(struct rl_pin_dir *pd, struct rl_recovery *r, struct rl_diag *d)
{
	for (int i = 0; i < pd->n; i++) {
		if (pd->e[i].what == RL_PIN_SUBDIR)
			continue;
		if (rl_pin_dir_unlink(pd, i, d))
			return -EIO;
		r->unpinned++;
	}
	return 0;
}

/* xdp --replace died with DIR/rawload_staging standing.  If the swap
 * happened, our staged program is the one attached: move the staged pins
 * over the displaced program's (rename(2) on bpffs replaces atomically), as
 * the dead command would have.  If not, the displaced program is still
 * attached and pinned in DIR: the staged pins go. */
static int recover_staging(struct rl_pin_dir *top, const struct rl_pending *p,
			   const struct attached_ids *a, struct rl_recovery *r, struct rl_diag *d)
{
	static struct rl_pin_dir st;     /* static: ~300 KiB */
	char path[PATH_MAX];
	bool swapped;
	int err = 0;

	if (snprintf(path, sizeof(path), "%s/%s", top->path, RL_STAGING_DIR) >= (int)sizeof(path))
		return rl_err(d, ENAMETOOLONG, "'%s' is too long", top->path);
	st.dfd = -1;
	if (rl_pin_dir_read(&st, path, d)) {
		rl_diag_clear(d);
		return 0;                        /* none: nothing staged */
	}
	swapped = any_attached(&st, p, a);
	for (int i = 0; i < st.n && !err; i++) {
		if (st.e[i].what == RL_PIN_SUBDIR)
			continue;
		if (!swapped) {
			err = rl_pin_dir_unlink(&st, i, d);
			r->unpinned += !err;
		} else if (renameat(st.dfd, st.e[i].name, top->dfd, st.e[i].name)) {
			err = rl_err(d, errno, "rename '%s' into '%s': %s", st.e[i].path, top->path,
				     strerror(errno));
		} else {
			r->moved++;
		}
	}
	rl_pin_dir_release(&st);
	if (!err)
		err = rl_bpffs_rmdir(path, d);
	return err;
}

static int recover_marker(const char *dir, const struct rl_pending *p, struct rl_recovery *r,
			  struct rl_diag *d)
{
	static struct rl_pin_dir pd;     /* static: ~300 KiB */
	struct attached_ids a = { { 0 } };
	struct rl_xdp_state xs;
	int err;

	if (p->kind == RL_PENDING_XDP) {
		err = rl_xdp_query(p->ifindex, &xs, d);
		if (err && err != -ENODEV)
			return err;
		if (!err) {
			a.xdp[0] = xs.drv_prog_id;
			a.xdp[1] = xs.skb_prog_id;
			a.xdp[2] = xs.hw_prog_id;
		}
	}
	pd.dfd = -1;
	err = rl_pin_dir_read(&pd, dir, d);
	if (err)
		return err;
	err = rl_pin_dir_check(&pd, d);
	if (!err && p->kind == RL_PENDING_XDP)
		err = recover_staging(&pd, p, &a, r, d);
	if (!err) {
		/* read again: a swap's staged pins now stand in dir */
		rl_pin_dir_release(&pd);
		pd.dfd = -1;
		err = rl_pin_dir_read(&pd, dir, d);
	}
	if (!err) {
		if (any_attached(&pd, p, &a))
			r->kept = true;
		else
			err = unpin_all(&pd, r, d);
	}
	rl_pin_dir_release(&pd);
	return err;
}

int rl_recover_pin_dir(const char *dir, struct rl_recovery *r, struct rl_diag *d)
{
	static struct rl_pin_dir pd;     /* static: ~300 KiB */
	struct rl_pending found[8];
	char path[PATH_MAX];
	int n = 0, err = 0;

	memset(r, 0, sizeof(*r));
	pd.dfd = -1;
	err = rl_pin_dir_read(&pd, dir, d);
	if (err)
		return err;
	for (int i = 0; i < pd.n && n < 8; i++)
		if (pd.e[i].what == RL_PIN_SUBDIR && !rl_pending_parse(pd.e[i].name, &found[n]))
			n++;
	rl_pin_dir_release(&pd);
	for (int i = 0; i < n && !err; i++) {
		err = recover_marker(dir, &found[i], r, d);
		if (!err)
			err = rl_pending_commit(dir, &found[i], d);
		r->markers += !err;
	}
	if (err)
		return err;
	/* empty now: the directory was only the dead command's */
	if (snprintf(path, sizeof(path), "%s", dir) < (int)sizeof(path) && rmdir(path) == 0)
		r->removed_dir = true;
	return 0;
}

int rl_pending_clear_all(const char *dir, struct rl_diag *d)
{
	static struct rl_pin_dir pd;     /* static: ~300 KiB */
	struct rl_pending p;
	int err = 0;

	pd.dfd = -1;
	err = rl_pin_dir_read(&pd, dir, d);
	for (int i = 0; !err && i < pd.n; i++)
		if (pd.e[i].what == RL_PIN_SUBDIR && !rl_pending_parse(pd.e[i].name, &p) &&
		    unlinkat(pd.dfd, pd.e[i].name, AT_REMOVEDIR))
			err = rl_err(d, errno, "rmdir '%s': %s", pd.e[i].path, strerror(errno));
	rl_pin_dir_release(&pd);
	return err;
}

bool rl_pin_dir_has_pending(const char *dir, const struct rl_pending *filter)
{
	static struct rl_pin_dir pd;     /* static: ~300 KiB */
	struct rl_diag d = { "" };
	bool found = false;

	pd.dfd = -1;
	if (rl_pin_dir_read(&pd, dir, &d))
		return false;
	for (int i = 0; i < pd.n && !found; i++) {
		struct rl_pending p;

		if (pd.e[i].what != RL_PIN_SUBDIR)
			continue;
		if (!rl_pending_parse(pd.e[i].name, &p))
			found = !filter || (p.kind == filter->kind &&
					    (p.kind != RL_PENDING_XDP || p.ifindex == filter->ifindex));
		else if (!strcmp(pd.e[i].name, RL_STAGING_DIR))
			found = !filter || filter->kind == RL_PENDING_XDP;
	}
	rl_pin_dir_release(&pd);
	return found;
}
