/* pins.c - choosing and preparing the pin directory for a command (reading
 * one back for detach is loader/lifecycle/pin_dir.c).
 *
 * Default: <bpffs>/rawload/<object name>/ (SPEC §1), bpffs mounted at
 * /sys/fs/bpf first if the machine has none.  A --pin DIR must be on bpffs:
 * BPF_OBJ_PIN only works there (bpf_obj_pin_user -> bpf_obj_do_pin checks
 * the superblock), and a clear early error beats a late EPERM.
 */
#include "bpffs.h"
#include "cli.h"
#include "pending.h"
#include "undo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void object_name(const char *path, char *out, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t n;

	snprintf(out, len, "%s", base ? base + 1 : path);
	n = strlen(out);
	if (n > 6 && !strcmp(out + n - 6, ".bpf.o"))
		out[n - 6] = '\0';
	else if (n > 2 && !strcmp(out + n - 2, ".o"))
		out[n - 2] = '\0';
}

int cli_prepare_pin_dir(const char *pin, const char *obj_path, char out[PATH_MAX],
			struct rl_undo *undo)
{
	struct rl_diag d = { "" };
	char mnt[PATH_MAX], name[128];
	bool mounted = false;
	int created = 0, err;

	err = rl_bpffs_ensure(mnt, sizeof(mnt), &mounted, &d);
	if (err)
		return cli_fail("bpffs", &d);
	/* `ip netns exec` runs us in a private mount namespace with a fresh
	 * /sys: a bpffs mounted there vanishes with the command, pins and all */
	if (mounted)
		fprintf(stderr, "rawload: mounted bpffs at %s (none was mounted; under `ip netns exec` "
			"it would vanish with the command: use `nsenter --net=/run/netns/NAME` instead)\n", mnt);
	if (pin) {
		snprintf(out, PATH_MAX, "%s", pin);
		rl_path_trim_slashes(out); /* "DIR/" names the same directory */
	} else {
		object_name(obj_path, name, sizeof(name));
		rl_bpffs_default_dir(mnt, name, out, PATH_MAX);
	}
	err = rl_bpffs_mkdir_p(out, &created, &d);
	if (!err)
		err = rl_bpffs_check(out, &d);
	if (err) {
		rl_bpffs_rmdir_created(out, created);
		return cli_fail("--pin", &d);
	}
	/* one command at a time in a directory; a dead one's leftovers are
	 * finished or undone first (pending.h) */
	err = cli_lock_pin_dir(out, false);
	if (err) {
		rl_bpffs_rmdir_created(out, created);
		return err;
	}
	/* remember each directory we made, outermost first, so undo (newest
	 * first) removes the deepest first */
	for (int i = created - 1; i >= 0; i--) {
		struct rl_undo_step s = { .kind = RL_UNDO_RMDIR };
		char *cut;

		snprintf(s.path, sizeof(s.path), "%s", out);
		for (int k = 0; k < i; k++) {
			cut = strrchr(s.path, '/');
			if (cut)
				*cut = '\0';
		}
		if (rl_undo_push(undo, &s, &d))
			return cli_fail("--pin", &d);
	}
	return 0;
}

/* ---- crash safety: the lock, the marker, the recovery (pending.h) ------- */

static int held_lock = -1;   /* closed by exit(): the kernel drops the lock however we die */

void cli_report_recovery(const char *dir, const struct rl_recovery *r)
{
	printf("recovered %s, left by a rawload command that died: ", dir);
	if (r->moved)
		printf("moved %d staged pin%s into place (its swap had happened), ", r->moved,
		       r->moved == 1 ? "" : "s");
	if (r->kept)
		printf("its program is attached, pins kept");
	else
		printf("nothing of it was attached, %d pin%s removed", r->unpinned,
		       r->unpinned == 1 ? "" : "s");
	printf("%s\n", r->removed_dir ? ", directory removed" : "");
}

int cli_lock_pin_dir(const char *dir, bool quiet)
{
	struct rl_recovery r;
	struct rl_diag d = { "" };
	int fd = rl_bpffs_lock_dir(dir, false, &d);

	if (fd < 0)
		return quiet ? EXIT_USER : cli_fail("--pin", &d);
	if (held_lock >= 0)
		close(held_lock);
	held_lock = fd;
	if (!rl_pin_dir_has_pending(dir, NULL))
		return 0;
	if (rl_recover_pin_dir(dir, &r, &d)) {
		fprintf(stderr, "rawload: %s: left by a command that died, and could not be "
			"recovered: %s\n", dir, d.msg);
		return EXIT_USER;
	}
	cli_report_recovery(dir, &r);
	if (!r.removed_dir)
		return 0;
	/* it is ours to use again: made anew, and locked anew (the lock we hold
	 * is on the directory that was removed) */
	if (rl_bpffs_mkdir_p(dir, NULL, &d))
		return cli_fail("--pin", &d);
	return cli_lock_pin_dir(dir, quiet);
}

int cli_pin_dir_begin(const char *dir, enum rl_pending_kind kind, int ifindex, struct rl_undo *undo)
{
	struct rl_pending p = { kind, ifindex };
	struct rl_diag d = { "" };

	return rl_pending_begin(dir, &p, undo, &d) ? cli_fail(dir, &d) : 0;
}

int cli_pin_dir_commit(const char *dir, enum rl_pending_kind kind, int ifindex)
{
	struct rl_pending p = { kind, ifindex };
	struct rl_diag d = { "" };

	return rl_pending_commit(dir, &p, &d) ? cli_fail(dir, &d) : 0;
}

/* What dead commands left under --pin DIR (DIR and its subdirectories) or
 * each <bpffs>/rawload/NAME: finish or undo each directory whose marker matches
 * and whose lock is free.  Returns how many directories were recovered. */
int cli_recover_dead(const char *pin, enum rl_pending_kind kind, int ifindex)
{
	struct rl_pending want = { kind, ifindex };
	char root[PATH_MAX], sub[PATH_MAX];
	struct dirent *e;
	DIR *dh;
	int n = 0;

	if (pin)
		snprintf(root, sizeof(root), "%s", pin);
	else if (rl_pin_root(root))
		return 0;
	for (int pass = 0; pass < 2; pass++) {
		dh = pass ? opendir(root) : NULL;
		if (pass && !dh)
			break;
		while (pass ? (e = readdir(dh)) != NULL : (e = NULL, pin != NULL)) {
			struct rl_recovery r;
			struct rl_diag d = { "" };
			int fd;

			if (pass && (e->d_type != DT_DIR || e->d_name[0] == '.'))
				continue;
			if (snprintf(sub, sizeof(sub), "%s%s%s", root, pass ? "/" : "",
				     pass ? e->d_name : "") >= (int)sizeof(sub))
				continue;
			if (rl_pin_dir_has_pending(sub, &want) &&
			    (fd = rl_bpffs_lock_dir(sub, false, &d)) >= 0) {
				if (rl_recover_pin_dir(sub, &r, &d))
					fprintf(stderr, "rawload: %s: could not recover: %s\n", sub, d.msg);
				else
					cli_report_recovery(sub, &r), n++;
				close(fd);
			}
			if (!pass)
				break;
		}
		if (dh)
			closedir(dh);
	}
	return n;
}
