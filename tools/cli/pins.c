/* pins.c - choosing and preparing the pin directory for a command, and
 * reading one back (for detach) without following links.
 *
 * Default: <bpffs>/rawload/<object name>/ (SPEC §1), bpffs mounted at
 * /sys/fs/bpf first if the machine has none.  A --pin DIR must be on bpffs:
 * BPF_OBJ_PIN only works there (bpf_obj_pin_user -> bpf_obj_do_pin checks
 * the superblock), and a clear early error beats a late EPERM.
 */
#include "bpffs.h"
#include "cli.h"
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

/* ---- a pin directory, read without following links -------------------
 *
 * detach removes what a pin directory holds, as root, so the directory is
 * opened with an O_NOFOLLOW walk (rl_bpffs_open_dir) and each entry is
 * looked at relative to that fd: fstatat(AT_SYMLINK_NOFOLLOW) tells pins
 * (regular files on bpffs) from symbolic links, which are never opened,
 * and BPF_OBJ_GET is handed /proc/self/fd/<dir fd>/<name>, a path the
 * kernel resolves through the open directory itself (proc's magic link),
 * not through the names above it.  Removal is unlinkat() on the same fd.
 */
static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct cli_pin_entry *)a)->name, ((const struct cli_pin_entry *)b)->name);
}

static void add_entry(int dfd, const char *dir, struct cli_pin_entry *e, const char *name)
{
	char via_fd[PATH_MAX];
	struct rl_diag d = { "" };
	struct stat st;

	memset(e, 0, sizeof(*e));
	e->fd = -1;
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(e->path, sizeof(e->path), "%.3800s/%.255s", dir, name);
	if (fstatat(dfd, name, &st, AT_SYMLINK_NOFOLLOW)) {
		e->err = -errno;
		snprintf(e->why, sizeof(e->why), "fstatat: %s", strerror(errno));
		return;
	}
	e->what = S_ISLNK(st.st_mode) ? CLI_PIN_LINK : S_ISDIR(st.st_mode) ? CLI_PIN_SUBDIR :
		  S_ISREG(st.st_mode) ? CLI_PIN_OBJ : CLI_PIN_OTHER;
	if (e->what != CLI_PIN_OBJ)
		return;
	snprintf(via_fd, sizeof(via_fd), "/proc/self/fd/%d/%s", dfd, name);
	e->fd = cli_pin_open(via_fd, &e->o, &d);
	if (e->fd < 0) {
		e->err = e->fd;
		snprintf(e->why, sizeof(e->why), "%s", d.msg);
	}
}

int cli_pin_dir_read(struct cli_pin_dir *pd, const char *dir, struct rl_diag *d)
{
	struct dirent *de;
	DIR *dh;
	int fd;

	pd->n = 0;
	snprintf(pd->path, sizeof(pd->path), "%s", dir);
	rl_path_trim_slashes(pd->path);
	pd->dfd = rl_bpffs_open_dir(pd->path, d);
	if (pd->dfd < 0)
		return pd->dfd;
	fd = dup(pd->dfd);
	dh = fd >= 0 ? fdopendir(fd) : NULL;
	if (!dh) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		cli_pin_dir_release(pd);
		return rl_err(d, err, "'%s': %s", dir, strerror(err));
	}
	while ((de = readdir(dh))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (pd->n >= CLI_PIN_DIR_MAX) {
			closedir(dh);
			cli_pin_dir_release(pd);
			return rl_err(d, E2BIG, "'%s' holds more than %d entries: not a pin directory "
				      "rawload made", dir, CLI_PIN_DIR_MAX);
		}
		add_entry(pd->dfd, pd->path, &pd->e[pd->n++], de->d_name);
	}
	closedir(dh);
	qsort(pd->e, (size_t)pd->n, sizeof(pd->e[0]), by_name);
	return 0;
}

int cli_pin_dir_check(const struct cli_pin_dir *pd, struct rl_diag *d)
{
	for (int i = 0; i < pd->n; i++)
		if (pd->e[i].err)
			return rl_err(d, pd->e[i].err, "cannot open pin '%s': %s", pd->e[i].path,
				      pd->e[i].why);
	return 0;
}

void cli_pin_dir_close_fds(struct cli_pin_dir *pd)
{
	for (int i = 0; i < pd->n; i++)
		if (pd->e[i].fd >= 0) {
			close(pd->e[i].fd);
			pd->e[i].fd = -1;
		}
}

void cli_pin_dir_release(struct cli_pin_dir *pd)
{
	cli_pin_dir_close_fds(pd);
	if (pd->dfd >= 0)
		close(pd->dfd);
	pd->dfd = -1;
}

int cli_pin_dir_unlink(struct cli_pin_dir *pd, int i, struct rl_diag *d)
{
	/* unlinkat never follows the name: a link is removed, not its target */
	if (unlinkat(pd->dfd, pd->e[i].name, 0))
		return rl_err(d, errno, "unlink '%s': %s", pd->e[i].path, strerror(errno));
	return 0;
}
