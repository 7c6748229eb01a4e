/* bpf_objects.h - what a BPF fd or pin is, where pins are, and when an id
 * is gone (bpf_objects.c).  The lifecycle layer: used by detach and show to
 * find rawload's own objects again, never printing. */
#ifndef RL_BPF_OBJECTS_H
#define RL_BPF_OBJECTS_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include <linux/bpf.h>

#include "diag.h"

enum rl_obj_kind { RL_OBJ_UNKNOWN, RL_OBJ_PROG, RL_OBJ_MAP, RL_OBJ_LINK };

/* What BPF_OBJ_GET_INFO_BY_FD says about any object, kind-independent. */
struct rl_bpf_obj {
	enum rl_obj_kind kind;
	uint32_t id;
	uint32_t type;                  /* prog, map or link type */
	char name[16];                  /* BPF_OBJ_NAME_LEN; "" for links */
};

/* Is id among the n ids?  (Kernel object ids are small sets here: a
 * cgroup's programs, a directory's pins.) */
static inline bool rl_id_in(uint32_t id, const uint32_t *ids, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* The kernel names the anon inode behind a BPF fd "bpf-prog", "bpf-map" or
 * "bpf-link": readlink(/proc/self/fd/N) tells the kinds apart. */
enum rl_obj_kind rl_fd_kind(int fd);
const char *rl_obj_kind_name(enum rl_obj_kind k);     /* "program", "map", "link" */
/* Fill o from an fd of any kind.  0 or -errno. */
int rl_obj_describe(int fd, struct rl_bpf_obj *o);
/* BPF_OBJ_GET_INFO_BY_FD for a program, twice: once for the counts, then
 * with room for up to max map ids.  Returns the number of maps the program
 * uses (may exceed max) or -errno.  info->map_ids points at map_ids after. */
int rl_prog_info(int fd, struct bpf_prog_info *info, uint32_t *map_ids, uint32_t max);
/* BPF_OBJ_GET + rl_obj_describe.  Returns the fd (caller closes) or -errno
 * with a reason in d. */
int rl_pin_open(const char *path, struct rl_bpf_obj *o, struct rl_diag *d);

/* The bpffs mount (no mount is made) / "<bpffs>/rawload", rawload's default
 * pin root.  0, or -ENOENT when no bpffs is mounted. */
int rl_bpffs_mount_root(char out[PATH_MAX]);
int rl_pin_root(char out[PATH_MAX]);

/* Call fn for every entry under dir that is not a directory, in name order,
 * descending max_depth levels of subdirectories.  fn returns 0 to go on,
 * anything else stops the walk and is returned.  -errno if dir cannot be read. */
typedef int (*rl_pin_fn)(void *ctx, const char *path);
int rl_pin_walk(const char *dir, int max_depth, rl_pin_fn fn, void *ctx);

/* The pins under root (NULL: <bpffs>/rawload; searched 6 levels deep) of
 * the program `id` (the map `id` when is_map).  Writes up to max paths and
 * returns how many were found (may exceed max), or -errno. */
int rl_find_pins_for_id(const char *root, uint32_t id, bool is_map, char paths[][PATH_MAX], int max);

/* Poll until program (map) `id` no longer exists, up to timeout_ms: the
 * kernel frees after the last reference goes, programs' maps only after an
 * RCU grace period.  0 when gone, -EEXIST when still there. */
int rl_wait_freed(uint32_t id, bool is_map, int timeout_ms);

#endif
