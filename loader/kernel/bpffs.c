/* bpffs.c - finding and mounting bpffs, pin directories, pins.
 *
 * Kernel side (kernel/bpf/inode.c): bpffs is a small RAM file system whose
 * inodes either are directories or each hold one reference to a prog, map
 * or link.  BPF_OBJ_PIN creates such an inode (bpf_obj_do_pin refuses with
 * EPERM when the parent directory is not a bpffs directory); unlink(2)
 * drops the reference; mkdir/rmdir work as on any file system.
 *
 * Pin directories are created carefully: rawload runs as root, and a pin
 * path like /sys/fs/bpf/rawload/x must not be redirectable through a
 * symbolic link planted by someone else.  So mkdir -p walks the path one
 * component at a time with openat(O_DIRECTORY|O_NOFOLLOW) on the directory
 * fd of the previous one, and creates with mkdirat().
 */
#include "bpffs.h"
#include "sys_bpf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

/* ---- /proc/self/mountinfo ------------------------------------------- */

/* Copy one space-separated field, turning the kernel's octal escapes
 * (show_mountinfo -> seq_path escapes " \t\n\\") back into bytes. */
static const char *copy_field(const char *s, char *out, size_t len)
{
	size_t k = 0;

	while (*s && *s != ' ' && *s != '\n') {
		char c = *s++;

		if (c == '\\' && s[0] >= '0' && s[0] <= '3' && s[1] >= '0' && s[1] <= '7' &&
		    s[2] >= '0' && s[2] <= '7') {
			c = (char)((s[0] - '0') * 64 + (s[1] - '0') * 8 + (s[2] - '0'));
			s += 3;
		}
		if (k + 1 < len)
			out[k++] = c;
	}
	if (len)
		out[k] = '\0';
	return s;
}

/* A line ends at '\n' or at the string's end. */
static bool at_end(const char *s)
{
	return *s == '\0' || *s == '\n';
}

static const char *skip_field(const char *s)
{
	while (*s == ' ')
		s++;
	while (*s && *s != ' ' && *s != '\n')
		s++;
	while (*s == ' ')
		s++;
	return s;
}

int rl_mountinfo_parse_line(const char *line, char *mnt, size_t mnt_len,
			    char *fstype, size_t fstype_len)
{
	const char *s = line;

	/* mount id, parent id, major:minor, root */
	for (int i = 0; i < 4; i++)
		s = skip_field(s);
	if (at_end(s))
		return -EINVAL;
	s = copy_field(s, mnt, mnt_len);
	/* options, then optional fields ("shared:9", "master:1") up to "-" */
	for (s = skip_field(s); !at_end(s) && !(s[0] == '-' && (s[1] == ' ' || at_end(s + 1)));
	     s = skip_field(s))
		;
	if (at_end(s))
		return -EINVAL;
	s = skip_field(s);
	if (at_end(s))
		return -EINVAL;
	copy_field(s, fstype, fstype_len);
	return 0;
}

int rl_mountinfo_find(const char *fstype, const char *prefer, char *mnt, size_t len,
		      struct rl_diag *d)
{
	char *line = NULL, m[PATH_MAX], t[64];
	size_t cap = 0;
	bool found = false;
	FILE *f;

	f = fopen("/proc/self/mountinfo", "re");
	if (!f)
		return rl_err(d, errno, "cannot read /proc/self/mountinfo: %s", strerror(errno));
	while (getline(&line, &cap, f) > 0) {
		if (rl_mountinfo_parse_line(line, m, sizeof(m), t, sizeof(t)) || strcmp(t, fstype))
			continue;
		if (!found || (prefer && !strcmp(m, prefer)))
			snprintf(mnt, len, "%s", m);
		found = true;
	}
	free(line);
	fclose(f);
	if (!found)
		return rl_err(d, ENOENT, "no %s file system is mounted (see /proc/self/mountinfo)",
			      fstype);
	return 0;
}

const char *rl_fs_magic_name(unsigned long magic)
{
	static const struct { unsigned long magic; const char *name; } fs[] = {
		{ BPF_FS_MAGIC, "bpf" }, { TMPFS_MAGIC, "tmpfs" }, { SYSFS_MAGIC, "sysfs" },
		{ PROC_SUPER_MAGIC, "proc" }, { EXT4_SUPER_MAGIC, "ext2/3/4" },
		{ XFS_SUPER_MAGIC, "xfs" }, { BTRFS_SUPER_MAGIC, "btrfs" },
		{ OVERLAYFS_SUPER_MAGIC, "overlay" }, { RAMFS_MAGIC, "ramfs" },
		{ DEBUGFS_MAGIC, "debugfs" }, { CGROUP_SUPER_MAGIC, "cgroup (v1)" },
		{ CGROUP2_SUPER_MAGIC, "cgroup2" },
	};

	for (size_t i = 0; i < sizeof(fs) / sizeof(fs[0]); i++)
		if (fs[i].magic == magic)
			return fs[i].name;
	return NULL;
}

/* ---- bpffs ---------------------------------------------------------- */

int rl_bpffs_ensure(char *mnt, size_t len, bool *mounted, struct rl_diag *d)
{
	struct statfs st;

	*mounted = false;
	/* the usual case in one statfs: bpffs at its standard place (reading
	 * and parsing /proc/self/mountinfo costs ~0.1-0.2 ms per command) */
	if (statfs(RL_BPFFS_DEFAULT_MNT, &st) == 0 && (unsigned long)st.f_type == BPF_FS_MAGIC) {
		snprintf(mnt, len, "%s", RL_BPFFS_DEFAULT_MNT);
		return 0;
	}
	if (rl_mountinfo_find("bpf", RL_BPFFS_DEFAULT_MNT, mnt, len, NULL) == 0)
		return 0;
	/* sysfs provides the empty /sys/fs/bpf directory as a mount point
	 * when the kernel has CONFIG_BPF_SYSCALL; mode=0700 keeps pins
	 * root-only as systemd mounts it */
	if (mount("bpf", RL_BPFFS_DEFAULT_MNT, "bpf", 0, "mode=0700"))
		return rl_err(d, errno, "no bpffs is mounted, and mounting one at %s failed: %s",
			      RL_BPFFS_DEFAULT_MNT, strerror(errno));
	*mounted = true;
	snprintf(mnt, len, "%s", RL_BPFFS_DEFAULT_MNT);
	return 0;
}

static int not_bpffs(struct rl_diag *d, const char *path, unsigned long type, const char *at)
{
	const char *name = rl_fs_magic_name(type);

	return rl_err(d, EINVAL, "'%s' is not on a bpffs mount (statfs type 0x%lx%s%s%s%s%s)",
		      path, type, name ? ", " : "", name ? name : "",
		      at ? " at '" : "", at ? at : "", at ? "'" : "");
}

int rl_bpffs_check(const char *path, struct rl_diag *d)
{
	struct statfs st;

	if (statfs(path, &st))
		return rl_err(d, errno, "'%s': %s", path, strerror(errno));
	if ((unsigned long)st.f_type != BPF_FS_MAGIC)
		return not_bpffs(d, path, (unsigned long)st.f_type, NULL);
	return 0;
}

/* fd is the directory that holds component `name`; `sofar` the path up to
 * and including it, for messages.  Returns an fd of the component.  With
 * created == NULL nothing is made: a missing component is an error. */
static int open_component(int fd, const char *name, const char *dir, const char *sofar,
			  int *created, struct rl_diag *d)
{
	bool made_here = false;
	struct statfs sf;
	struct stat st;
	int nfd, err;

	nfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (nfd < 0 && errno == ENOENT && created) {
		/* create only inside bpffs: a typo'd --pin /tmp/x must not
		 * leave directories behind before it is refused */
		if (fstatfs(fd, &sf))
			return rl_err(d, errno, "'%s': fstatfs: %s", sofar, strerror(errno));
		if ((unsigned long)sf.f_type != BPF_FS_MAGIC) {
			char parent[PATH_MAX];

			snprintf(parent, sizeof(parent), "%.*s", (int)(strlen(sofar) - strlen(name)),
				 sofar);
			return not_bpffs(d, dir, (unsigned long)sf.f_type, parent);
		}
		if (mkdirat(fd, name, 0700) == 0)
			made_here = true;
		else if (errno != EEXIST)
			return rl_err(d, errno, "mkdir '%s': %s", sofar, strerror(errno));
		nfd = openat(fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (nfd < 0 && made_here) {
			int saved = errno;      /* swapped under us: undo our mkdir */

			unlinkat(fd, name, AT_REMOVEDIR);
			errno = saved;
		} else if (made_here) {
			(*created)++;
		}
	}
	if (nfd >= 0)
		return nfd;
	err = errno;
	if ((err == ELOOP || err == ENOTDIR) && fstatat(fd, name, &st, AT_SYMLINK_NOFOLLOW) == 0) {
		if (S_ISLNK(st.st_mode))
			return rl_err(d, ELOOP, "'%s' is a symbolic link; pin paths must not contain any",
				      sofar);
		if (!S_ISDIR(st.st_mode))
			return rl_err(d, ENOTDIR, "'%s' exists and is not a directory", sofar);
	}
	return rl_err(d, err, "'%s': %s", sofar, strerror(err));
}

/* Walk dir one component at a time from "/" (or "."), each opened
 * O_DIRECTORY|O_NOFOLLOW relative to the previous one; with made != NULL,
 * create what is missing and count it.  `opened` gets the deepest path
 * reached.  Returns the last directory's fd or -errno. */
static int walk_dir(const char *dir, int *made, char opened[PATH_MAX], struct rl_diag *d)
{
	char buf[PATH_MAX], sofar[PATH_MAX] = "";
	char *comp, *save;
	int fd, nfd;

	opened[0] = '\0';
	if (!dir || !*dir || strlen(dir) >= sizeof(buf))
		return rl_err(d, EINVAL, "bad pin directory '%s'", dir ? dir : "");
	snprintf(buf, sizeof(buf), "%s", dir);
	fd = open(dir[0] == '/' ? "/" : ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return rl_err(d, errno, "'%s': %s", dir, strerror(errno));
	if (dir[0] == '/')
		strcpy(sofar, "/");
	for (comp = strtok_r(buf, "/", &save); comp; comp = strtok_r(NULL, "/", &save)) {
		if (!strcmp(comp, "."))
			continue;
		if (!strcmp(comp, "..")) {
			close(fd);
			return rl_err(d, EINVAL, "'%s': '..' is not allowed in a pin directory", dir);
		}
		/* sofar is at most dir, which fits in PATH_MAX */
		if (sofar[0] && sofar[strlen(sofar) - 1] != '/')
			strcat(sofar, "/");
		strcat(sofar, comp);
		nfd = open_component(fd, comp, dir, sofar, made, d);
		close(fd);
		if (nfd < 0)
			return nfd;
		fd = nfd;
		strcpy(opened, sofar);
	}
	return fd;
}

int rl_bpffs_mkdir_p(const char *dir, int *created, struct rl_diag *d)
{
	char opened[PATH_MAX];
	int fd, made = 0, err = 0;
	struct statfs sf;

	if (created)
		*created = 0;
	fd = walk_dir(dir, &made, opened, d);
	if (fd < 0)
		err = fd;
	else if (fstatfs(fd, &sf))
		err = rl_err(d, errno, "'%s': fstatfs: %s", dir, strerror(errno));
	else if ((unsigned long)sf.f_type != BPF_FS_MAGIC)
		err = not_bpffs(d, dir, (unsigned long)sf.f_type, NULL);
	if (fd >= 0)
		close(fd);
	if (err && made)
		rl_bpffs_rmdir_created(opened, made);  /* made ones end the opened path */
	else if (created)
		*created = made;
	return err;
}

void rl_path_trim_slashes(char *path)
{
	for (size_t n = strlen(path); n > 1 && path[n - 1] == '/'; n--)
		path[n - 1] = '\0';
}

int rl_bpffs_open_dir(const char *dir, struct rl_diag *d)
{
	char opened[PATH_MAX];

	return walk_dir(dir, NULL, opened, d);
}

int rl_bpffs_lock_dir(const char *dir, bool wait, struct rl_diag *d)
{
	int fd = rl_bpffs_open_dir(dir, d);

	if (fd < 0)
		return fd;
	if (flock(fd, LOCK_EX | (wait ? 0 : LOCK_NB))) {
		int err = errno;

		close(fd);
		if (err == EWOULDBLOCK)
			return rl_err(d, err, "'%s' is in use by another rawload command (it holds the "
				      "directory's lock); try again when it has finished", dir);
		return rl_err(d, err, "flock '%s': %s", dir, strerror(err));
	}
	return fd;
}

int rl_bpffs_remove(const char *path, int flags, struct rl_diag *d)
{
	char parent[PATH_MAX];
	const char *name;
	char *slash;
	int dfd, err = 0;

	snprintf(parent, sizeof(parent), "%s", path);
	rl_path_trim_slashes(parent);   /* "a/b/" removes b */
	slash = strrchr(parent, '/');
	name = slash ? slash + 1 : parent;
	if (slash == parent)
		dfd = rl_bpffs_open_dir("/", d);
	else if (slash)
		*slash = '\0', dfd = rl_bpffs_open_dir(parent, d);
	else
		dfd = rl_bpffs_open_dir(".", d);
	if (dfd < 0)
		return dfd;
	/* unlinkat never follows the last component: a link is removed
	 * itself, and AT_REMOVEDIR on one fails with ENOTDIR */
	if (unlinkat(dfd, name, flags))
		err = -errno;
	close(dfd);
	if (err == -ENOTEMPTY || err == -EEXIST)
		return rl_err(d, ENOTEMPTY, "pin directory '%s' is not empty (other pins remain)", path);
	if (err)
		return rl_err(d, -err, "%s '%s': %s", flags & AT_REMOVEDIR ? "rmdir" : "unlink", path,
			      strerror(-err));
	return 0;
}

int rl_bpffs_rmdir_created(const char *dir, int created)
{
	char buf[PATH_MAX];
	char *slash;
	int err;

	snprintf(buf, sizeof(buf), "%s", dir);
	for (int i = 0; i < created; i++) {
		rl_path_trim_slashes(buf); /* so "a/b/" removes b, then a */
		err = rl_bpffs_remove(buf, AT_REMOVEDIR, NULL);
		if (err)
			return err;
		slash = strrchr(buf, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	return 0;
}

int rl_bpffs_rmdir(const char *dir, struct rl_diag *d)
{
	return rl_bpffs_remove(dir, AT_REMOVEDIR, d);
}

int rl_bpffs_pin(int fd, const char *path, struct rl_diag *d)
{
	char parent[PATH_MAX];
	char *slash;
	int err;

	err = rl_sys_obj_pin(fd, path);
	if (!err)
		return 0;
	snprintf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	if (slash)
		*slash = '\0';
	else
		strcpy(parent, ".");
	if (err == -EEXIST)
		return rl_err(d, err, "BPF_OBJ_PIN '%s': already exists (unpin it, or pin elsewhere)", path);
	if (err == -EPERM && rl_bpffs_check(parent[0] ? parent : "/", d) < 0) {
		rl_diag_prefix(d, "BPF_OBJ_PIN '%s': ", path);
		return err;
	}
	return rl_err(d, err, "BPF_OBJ_PIN '%s': %s", path, strerror(-err));
}

int rl_bpffs_unpin(const char *path, struct rl_diag *d)
{
	/* unlink drops the pin's reference; the kernel frees the object when
	 * the last one (fd, attachment, map slot) goes */
	int err = rl_bpffs_remove(path, 0, d);

	if (err)
		rl_diag_prefix(d, "unpin: ");
	return err;
}

int rl_bpffs_default_dir(const char *mnt, const char *obj_name, char *out, size_t len)
{
	int n = snprintf(out, len, "%s/rawload/%s", mnt, obj_name);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}
