/* cgroup.c - finding cgroup v2, and attaching sockops / sk_msg programs.
 *
 * Kernel side:
 *   - A cgroup v2 directory's fd is the target of BPF_PROG_ATTACH with
 *     attach_type BPF_CGROUP_SOCK_OPS (kernel/bpf/cgroup.c,
 *     __cgroup_bpf_attach).  The hierarchy must be v2: programs are kept
 *     per cgroup in cgrp->bpf and inherited down the v2 tree only; a v1
 *     directory fails cgroup_get_from_fd() with EBADF.
 *   - Each (cgroup, attach type) holds either one program (flags 0 or
 *     BPF_F_ALLOW_OVERRIDE) or a list (BPF_F_ALLOW_MULTI).  Flags must match
 *     what is already there, else EPERM.  rawload always uses ALLOW_MULTI so
 *     it never replaces somebody else's program.
 *   - A sockmap/sockhash fd is the target for BPF_SK_MSG_VERDICT (net/core/
 *     sock_map.c, sock_map_get_from_fd).  The map holds one program per
 *     attach type, and a socket picks up the map's programs when it is
 *     *inserted* (sock_map_link), so attach before sockets arrive.
 *
 * Hybrid hosts mount v1 controllers at /sys/fs/cgroup/<controller> and v2
 * at /sys/fs/cgroup/unified; statfs() tells them apart by f_type.
 */
#include "cgroup.h"
#include "bpffs.h"
#include "sys_bpf.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/bpf.h>
#include <linux/magic.h>
#include <stdio.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

int rl_cgroup2_mount(char *mnt, size_t len, struct rl_diag *d)
{
	return rl_mountinfo_find("cgroup2", NULL, mnt, len, d);
}

int rl_cgroup_parse_self(const char *text, char *path, size_t len)
{
	/* one line per hierarchy, "ID:CONTROLLERS:PATH"; v2 is "0::PATH"
	 * (cgroup_v2 has hierarchy id 0 and no controller list) */
	for (const char *line = text; line && *line; ) {
		const char *nl = strchr(line, '\n');
		size_t n = nl ? (size_t)(nl - line) : strlen(line);

		if (n > 3 && !strncmp(line, "0::", 3)) {
			if (n - 3 >= len)
				return -ENAMETOOLONG;
			memcpy(path, line + 3, n - 3);
			path[n - 3] = '\0';
			return 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return -ENOENT;
}

int rl_cgroup_self(char *path, size_t len, struct rl_diag *d)
{
	char text[8192];
	ssize_t n;
	int fd, err;

	fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return rl_err(d, errno, "cannot read /proc/self/cgroup: %s", strerror(errno));
	n = read(fd, text, sizeof(text) - 1);
	err = errno;
	close(fd);
	if (n < 0)
		return rl_err(d, err, "cannot read /proc/self/cgroup: %s", strerror(err));
	text[n] = '\0';
	err = rl_cgroup_parse_self(text, path, len);
	if (err)
		return rl_err(d, err, "/proc/self/cgroup has no cgroup v2 line (\"0::/path\")");
	return 0;
}

int rl_cgroup_default(char *path, size_t len, bool *is_root, struct rl_diag *d)
{
	char mnt[PATH_MAX], self[PATH_MAX];
	int err, n;

	err = rl_cgroup2_mount(mnt, sizeof(mnt), d);
	if (!err)
		err = rl_cgroup_self(self, sizeof(self), d);
	if (err)
		return err;
	*is_root = !strcmp(self, "/");
	n = snprintf(path, len, "%s%s", mnt, *is_root ? "" : self);
	if (n < 0 || (size_t)n >= len)
		return rl_err(d, ENAMETOOLONG, "cgroup path '%s%s' is too long", mnt, self);
	return 0;
}

/* The error for a directory that is not cgroup v2, naming where v2 lives. */
static int not_cgroup2(const char *path, unsigned long type, struct rl_diag *d)
{
	char v2[PATH_MAX];
	const char *name = rl_fs_magic_name(type);

	if (rl_cgroup2_mount(v2, sizeof(v2), NULL))
		snprintf(v2, sizeof(v2), "nowhere: mount -t cgroup2 none DIR");
	if (type == CGROUP_SUPER_MAGIC)
		return rl_err(d, EINVAL, "'%s' is a cgroup v1 hierarchy (statfs 0x%lx), sockops needs cgroup v2 (found at %s)",
			      path, type, v2);
	return rl_err(d, EINVAL, "'%s' is not a cgroup directory (statfs 0x%lx%s%s), sockops needs cgroup v2 (found at %s)",
		      path, type, name ? ", " : "", name ? name : "", v2);
}

int rl_cgroup_open(const char *path, struct rl_diag *d)
{
	struct statfs st;
	char v2[PATH_MAX];
	int fd, err;

	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		err = errno;
		if (err == ENOENT && rl_cgroup2_mount(v2, sizeof(v2), NULL) == 0)
			return rl_err(d, err, "cgroup '%s' does not exist (cgroup v2 is mounted at %s)",
				      path, v2);
		return rl_err(d, err, "cgroup '%s': %s", path, strerror(err));
	}
	if (fstatfs(fd, &st)) {
		err = rl_err(d, errno, "cgroup '%s': fstatfs: %s", path, strerror(errno));
		close(fd);
		return err;
	}
	if ((unsigned long)st.f_type != CGROUP2_SUPER_MAGIC) {
		close(fd);
		return not_cgroup2(path, (unsigned long)st.f_type, d);
	}
	return fd;
}

/* ---- attachments ---------------------------------------------------- */

/* Is the program behind prog_fd among those attached to cg_fd?  Used only
 * to explain an EINVAL, which the kernel returns for several reasons. */
static bool attached_here(int cg_fd, int prog_fd)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info), ids[64], cnt = 64;

	memset(&info, 0, sizeof(info));
	if (rl_sys_obj_info(prog_fd, &info, &len) ||
	    rl_sys_prog_query(cg_fd, BPF_CGROUP_SOCK_OPS, NULL, ids, &cnt))
		return false;
	for (uint32_t i = 0; i < cnt && i < 64; i++)
		if (ids[i] == info.id)
			return true;
	return false;
}

int rl_cgroup_attach_sockops(int cg_fd, int prog_fd, struct rl_diag *d)
{
	int err = rl_sys_prog_attach(prog_fd, cg_fd, BPF_CGROUP_SOCK_OPS, BPF_F_ALLOW_MULTI);
	const char *why = "";

	switch (err) {
	case 0:
		return 0;
	case -EPERM:
		/* __cgroup_bpf_attach: the flags must match the programs already
		 * there, and an ancestor's non-overridable program forbids more */
		why = " (a program is attached here or above without BPF_F_ALLOW_MULTI; see `bpftool cgroup tree`)";
		break;
	case -EINVAL:
		/* find_attach_entry() refuses the same program twice with
		 * EINVAL; a program of another type gets EINVAL too */
		why = attached_here(cg_fd, prog_fd) ?
		      " (this program is already attached to this cgroup)" :
		      " (is it a sockops program? the prog type must match the attach type)";
		break;
	case -E2BIG:
		why = " (the cgroup already holds the maximum of 64 programs for this hook)";
		break;
	}
	return rl_err(d, err, "BPF_PROG_ATTACH(BPF_CGROUP_SOCK_OPS, BPF_F_ALLOW_MULTI): %s%s",
		      strerror(-err), why);
}

int rl_cgroup_detach_sockops(int cg_fd, int prog_fd, struct rl_diag *d)
{
	int err = rl_sys_prog_detach(prog_fd, cg_fd, BPF_CGROUP_SOCK_OPS);

	if (!err)
		return 0;
	return rl_err(d, err, "BPF_PROG_DETACH(BPF_CGROUP_SOCK_OPS): %s%s", strerror(-err),
		      err == -ENOENT ? " (this program is not attached to this cgroup)" : "");
}

int rl_cgroup_query_sockops(int cg_fd, uint32_t *ids, uint32_t *cnt, uint32_t *attach_flags,
			    struct rl_diag *d)
{
	int err = rl_sys_prog_query(cg_fd, BPF_CGROUP_SOCK_OPS, attach_flags, ids, cnt);

	if (!err)
		return 0;
	return rl_err(d, err, "BPF_PROG_QUERY(BPF_CGROUP_SOCK_OPS): %s%s", strerror(-err),
		      err == -ENOSPC ? " (more programs are attached than asked for)" : "");
}

int rl_sockmap_attach_msg_verdict(int map_fd, int prog_fd, struct rl_diag *d)
{
	int err = rl_sys_prog_attach(prog_fd, map_fd, BPF_SK_MSG_VERDICT, 0);

	if (!err)
		return 0;
	return rl_err(d, err, "BPF_PROG_ATTACH(BPF_SK_MSG_VERDICT): %s%s", strerror(-err),
		      err == -EINVAL ? " (needs an sk_msg program and a sockmap or sockhash fd)" : "");
}

int rl_sockmap_detach_msg_verdict(int map_fd, int prog_fd, struct rl_diag *d)
{
	int err = rl_sys_prog_detach(prog_fd, map_fd, BPF_SK_MSG_VERDICT);

	if (!err)
		return 0;
	return rl_err(d, err, "BPF_PROG_DETACH(BPF_SK_MSG_VERDICT): %s%s", strerror(-err),
		      err == -ENOENT ? " (a different program, or none, is attached to this map)" : "");
}

int rl_sockmap_query_msg_verdict(int map_fd, uint32_t *ids, uint32_t *cnt, struct rl_diag *d)
{
	/* sock_map_bpf_prog_query (Linux 5.19+): at most one id */
	int err = rl_sys_prog_query(map_fd, BPF_SK_MSG_VERDICT, NULL, ids, cnt);

	if (!err)
		return 0;
	return rl_err(d, err, "BPF_PROG_QUERY(BPF_SK_MSG_VERDICT): %s", strerror(-err));
}
