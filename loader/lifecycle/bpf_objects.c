/* bpf_objects.c - what a BPF fd or pin is, where pins are, and when an id is gone.
 *
 * User space names kernel BPF objects three ways: by fd (this process's
 * reference), by pin (a bpffs path holding a reference) and by id (global,
 * never reused while the object lives).  The helpers here go between them:
 *
 *   pin path --BPF_OBJ_GET--> fd --BPF_OBJ_GET_INFO_BY_FD--> kind, id, name
 *   id --BPF_*_GET_FD_BY_ID--> fd     (-ENOENT once the object is freed)
 *
 * The kind of an fd is not in the info struct: the kernel's anon inode name
 * tells it ("anon_inode:bpf-prog" in /proc/self/fd/N).
 */
#include "bpf_objects.h"

#include "bpffs.h"
#include "sys_bpf.h"

#include <dirent.h>
#include <stdio.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define PIN_SEARCH_DEPTH 6     /* bpffs trees are shallow; a bound keeps loops out */

/* ---- what an fd is ------------------------------------------------------ */

enum rl_obj_kind rl_fd_kind(int fd)
{
	char link[64], target[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return RL_OBJ_UNKNOWN;
	target[n] = '\0';
	/* bpf_prog_new_fd / bpf_map_new_fd / bpf_link_new_fd call
	 * anon_inode_getfd("bpf-prog" | "bpf-map" | "bpf-link"); a link made by
	 * BPF_LINK_CREATE is "bpf_link" (bpf_link_prime). */
	if (!strcmp(target, "anon_inode:bpf-prog"))
		return RL_OBJ_PROG;
	if (!strcmp(target, "anon_inode:bpf-map"))
		return RL_OBJ_MAP;
	if (!strcmp(target, "anon_inode:bpf-link") || !strcmp(target, "anon_inode:bpf_link"))
		return RL_OBJ_LINK;
	return RL_OBJ_UNKNOWN;
}

const char *rl_obj_kind_name(enum rl_obj_kind k)
{
	return k == RL_OBJ_PROG ? "program" : k == RL_OBJ_MAP ? "map" :
	       k == RL_OBJ_LINK ? "link" : "object";
}

int rl_obj_describe(int fd, struct rl_bpf_obj *o)
{
	union {
		struct bpf_prog_info prog;
		struct bpf_map_info map;
		struct bpf_link_info link;
	} info;
	uint32_t len = sizeof(info);
	int err;

	memset(o, 0, sizeof(*o));
	memset(&info, 0, sizeof(info));
	o->kind = rl_fd_kind(fd);
	if (o->kind == RL_OBJ_UNKNOWN)
		return -EBADF;
	/* one command for every kind: bpf_obj_get_info_by_fd looks at the
	 * file's f_op and fills the matching struct */
	err = rl_sys_obj_info(fd, &info, &len);
	if (err)
		return err;
	if (o->kind == RL_OBJ_PROG) {
		o->id = info.prog.id;
		o->type = info.prog.type;
		memcpy(o->name, info.prog.name, sizeof(o->name));
	} else if (o->kind == RL_OBJ_MAP) {
		o->id = info.map.id;
		o->type = info.map.type;
		memcpy(o->name, info.map.name, sizeof(o->name));
	} else {
		o->id = info.link.id;
		o->type = info.link.type;
	}
	o->name[sizeof(o->name) - 1] = '\0';
	return 0;
}

int rl_pin_open(const char *path, struct rl_bpf_obj *o, struct rl_diag *d)
{
	/* flags 0 (read-write): bpf_obj_get_user refuses any other for programs */
	int fd = rl_sys_obj_get(path, 0), err;

	if (fd < 0)
		return rl_err(d, fd, "BPF_OBJ_GET: %s", strerror(-fd));
	err = rl_obj_describe(fd, o);
	if (err) {
		close(fd);
		return rl_err(d, err, "BPF_OBJ_GET_INFO_BY_FD: %s", strerror(-err));
	}
	return fd;
}

int rl_prog_info(int fd, struct bpf_prog_info *info, uint32_t *map_ids, uint32_t max)
{
	uint32_t len = sizeof(*info), nr;
	int err;

	/* first call: the counts; the kernel copies arrays only into buffers
	 * we name, and only as many entries as we say fit */
	memset(info, 0, sizeof(*info));
	err = rl_sys_obj_info(fd, info, &len);
	if (err || !info->nr_map_ids || !map_ids || !max)
		return err ? err : (int)info->nr_map_ids;
	nr = info->nr_map_ids;
	memset(info, 0, sizeof(*info));
	info->nr_map_ids = nr < max ? nr : max;
	info->map_ids = (uint64_t)(uintptr_t)map_ids;
	len = sizeof(*info);
	err = rl_sys_obj_info(fd, info, &len);
	if (err)
		return err;
	/* nr_map_ids now holds the full count again (bpf_prog_get_info_by_fd) */
	return (int)info->nr_map_ids;
}

/* ---- pins ----------------------------------------------------------- */

int rl_bpffs_mount_root(char out[PATH_MAX])
{
	return rl_mountinfo_find("bpf", RL_BPFFS_DEFAULT_MNT, out, PATH_MAX, NULL);
}

int rl_pin_root(char out[PATH_MAX])
{
	char mnt[PATH_MAX];
	int err = rl_bpffs_mount_root(mnt);

	if (err)
		return err;
	snprintf(out, PATH_MAX, "%.4080s/rawload", mnt);
	return 0;
}

int rl_pin_walk(const char *dir, int max_depth, rl_pin_fn fn, void *ctx)
{
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort), rc = 0;

	if (n < 0)
		return -errno;
	for (int i = 0; i < n; i++) {
		char path[PATH_MAX];
		struct stat st;
		const char *e = names[i]->d_name;

		if (rc || !strcmp(e, ".") || !strcmp(e, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e);
		if (lstat(path, &st))
			continue;
		if (S_ISDIR(st.st_mode)) {
			if (max_depth > 0) {
				rc = rl_pin_walk(path, max_depth - 1, fn, ctx);
				if (rc < 0 && rc != -EACCES && rc != -ENOENT)
					rc = 0; /* an unreadable subdir is not the caller's error */
			}
		} else if (S_ISREG(st.st_mode)) {
			rc = fn(ctx, path);
		}
	}
	for (int i = 0; i < n; i++)
		free(names[i]);
	free(names);
	return rc;
}

struct pin_search {
	uint32_t id;
	enum rl_obj_kind kind;
	char (*paths)[PATH_MAX];
	int max, found;
};

static int match_pin(void *ctx, const char *path)
{
	struct pin_search *s = ctx;
	struct rl_bpf_obj o;
	int fd = rl_pin_open(path, &o, NULL);

	if (fd < 0)
		return 0; /* not a BPF pin we can open (e.g. a bpf_iter file): skip */
	close(fd);
	if (o.kind == s->kind && o.id == s->id) {
		if (s->found < s->max)
			snprintf(s->paths[s->found], PATH_MAX, "%s", path);
		s->found++;
	}
	return 0;
}

int rl_find_pins_for_id(const char *root, uint32_t id, bool is_map, char paths[][PATH_MAX], int max)
{
	struct pin_search s = { id, is_map ? RL_OBJ_MAP : RL_OBJ_PROG, paths, max, 0 };
	char dflt[PATH_MAX];
	int err;

	if (!root) {
		err = rl_pin_root(dflt);
		if (err)
			return err;
		root = dflt;
	}
	err = rl_pin_walk(root, PIN_SEARCH_DEPTH, match_pin, &s);
	if (err == -ENOENT)
		return 0; /* no such directory: nothing is pinned there */
	return err < 0 ? err : s.found;
}

int rl_wait_freed(uint32_t id, bool is_map, int timeout_ms)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };

	for (int waited = 0;; waited += 10) {
		int fd = is_map ? rl_sys_map_get_fd_by_id(id) : rl_sys_prog_get_fd_by_id(id);

		/* the id leaves the idr when the last reference goes
		 * (bpf_prog_free_id / bpf_map_free_id) */
		if (fd == -ENOENT)
			return 0;
		if (fd >= 0)
			close(fd);
		if (waited >= timeout_ms)
			return -EEXIST;
		nanosleep(&tick, NULL);
	}
}
