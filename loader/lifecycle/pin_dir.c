/* pin_dir.c - a pin directory, read without following links.
 *
 * detach removes what a pin directory holds, as root, so the directory is
 * opened with an O_NOFOLLOW walk (rl_bpffs_open_dir) and each entry is
 * looked at relative to that fd: fstatat(AT_SYMLINK_NOFOLLOW) tells pins
 * (regular files on bpffs) from symbolic links, which are never opened,
 * and BPF_OBJ_GET is handed /proc/self/fd/<dir fd>/<name>, a path the
 * kernel resolves through the open directory itself (proc's magic link),
 * not through the names above it.  Removal is unlinkat() on the same fd.
 */
#include "pin_dir.h"

#include "bpffs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct rl_pin_entry *)a)->name, ((const struct rl_pin_entry *)b)->name);
}

static void add_entry(int dfd, const char *dir, struct rl_pin_entry *e, const char *name)
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
	e->what = S_ISLNK(st.st_mode) ? RL_PIN_LINK : S_ISDIR(st.st_mode) ? RL_PIN_SUBDIR :
		  S_ISREG(st.st_mode) ? RL_PIN_OBJ : RL_PIN_OTHER;
	if (e->what != RL_PIN_OBJ)
		return;
	snprintf(via_fd, sizeof(via_fd), "/proc/self/fd/%d/%s", dfd, name);
	e->fd = rl_pin_open(via_fd, &e->o, &d);
	if (e->fd < 0) {
		e->err = e->fd;
		snprintf(e->why, sizeof(e->why), "%s", d.msg);
	}
}

int rl_pin_dir_read(struct rl_pin_dir *pd, const char *dir, struct rl_diag *d)
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
		rl_pin_dir_release(pd);
		return rl_err(d, err, "'%s': %s", dir, strerror(err));
	}
	while ((de = readdir(dh))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (pd->n >= RL_PIN_DIR_MAX) {
			closedir(dh);
			rl_pin_dir_release(pd);
			return rl_err(d, E2BIG, "'%s' holds more than %d entries: not a pin directory "
				      "rawload made", dir, RL_PIN_DIR_MAX);
		}
		add_entry(pd->dfd, pd->path, &pd->e[pd->n++], de->d_name);
	}
	closedir(dh);
	qsort(pd->e, (size_t)pd->n, sizeof(pd->e[0]), by_name);
	return 0;
}

int rl_pin_dir_check(const struct rl_pin_dir *pd, struct rl_diag *d)
{
	for (int i = 0; i < pd->n; i++)
		if (pd->e[i].err)
			return rl_err(d, pd->e[i].err, "cannot open pin '%s': %s", pd->e[i].path,
				      pd->e[i].why);
	return 0;
}

void rl_pin_dir_close_fds(struct rl_pin_dir *pd)
{
	for (int i = 0; i < pd->n; i++)
		if (pd->e[i].fd >= 0) {
			close(pd->e[i].fd);
			pd->e[i].fd = -1;
		}
}

void rl_pin_dir_release(struct rl_pin_dir *pd)
{
	rl_pin_dir_close_fds(pd);
	if (pd->dfd >= 0)
		close(pd->dfd);
	pd->dfd = -1;
}

int rl_pin_dir_unlink(struct rl_pin_dir *pd, int i, struct rl_diag *d)
{
	/* unlinkat never follows the name: a link is removed, not its target */
	if (unlinkat(pd->dfd, pd->e[i].name, 0))
		return rl_err(d, errno, "unlink '%s': %s", pd->e[i].path, strerror(errno));
	return 0;
}
