/* bpffs.h - the BPF file system: where pins live.
 *
 * A BPF object lives as long as something holds a reference to it: an fd,
 * an attachment, a map slot - or a *pin*, an inode on a bpffs mount created
 * by BPF_OBJ_PIN.  Pins are what let rawload exit while its programs keep
 * running, and what `rawload show` and `detach` find again later.
 *
 * Also the /proc/self/mountinfo reader that cgroup.c uses to find cgroup2.
 */
#ifndef RL_BPFFS_H
#define RL_BPFFS_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"

#define RL_BPFFS_DEFAULT_MNT "/sys/fs/bpf"

/* ---- /proc/self/mountinfo ------------------------------------------- */

/* Parse one mountinfo line (pure):
 *   36 25 0:32 / /sys/fs/bpf rw,relatime shared:9 - bpf bpf rw,mode=700
 *   id par dev root mountpoint opts  [optional...] - fstype source superopts
 * Mount point (unescaped: "\040" is a space) and fstype go to the out
 * buffers.  Returns 0, or -EINVAL for a line of another shape. */
int rl_mountinfo_parse_line(const char *line, char *mnt, size_t mnt_len,
			    char *fstype, size_t fstype_len);

/* The mount point of the first `fstype` mount in /proc/self/mountinfo, or of
 * the one at `prefer` when there are several.  0, -ENOENT when there is none. */
int rl_mountinfo_find(const char *fstype, const char *prefer, char *mnt, size_t len,
		      struct rl_diag *d);

/* "tmpfs" for TMPFS_MAGIC etc.; NULL for a type this table does not know. */
const char *rl_fs_magic_name(unsigned long magic);

/* ---- bpffs ---------------------------------------------------------- */

/* Find the bpffs mount; if there is none, mount one at /sys/fs/bpf
 * (mode=0700) and set *mounted so the caller can say so. */
int rl_bpffs_ensure(char *mnt, size_t len, bool *mounted, struct rl_diag *d);

/* 0 when `path` is on bpffs (statfs f_type == BPF_FS_MAGIC), else -EINVAL
 * and "'DIR' is not on a bpffs mount (statfs type 0x...)". */
int rl_bpffs_check(const char *path, struct rl_diag *d);

/* mkdir -p with mode 0700 that never follows a symbolic link (every
 * component is opened O_DIRECTORY|O_NOFOLLOW) and never creates a directory
 * outside bpffs.  *created (may be NULL) is the number of trailing
 * components this call created, for rl_bpffs_rmdir_created(). */
int rl_bpffs_mkdir_p(const char *dir, int *created, struct rl_diag *d);

/* Undo rl_bpffs_mkdir_p: remove the last `created` components of dir,
 * deepest first, stopping at the first that is not empty. */
int rl_bpffs_rmdir_created(const char *dir, int created);

/* Drop trailing slashes in place: "a/b/" names the directory b, as "a/b"
 * does ("/" stays "/"). */
void rl_path_trim_slashes(char *path);

/* Open directory `dir` for *at() calls with the same walk as mkdir -p: no
 * component may be a symbolic link, nothing is created.  The fd or -errno. */
int rl_bpffs_open_dir(const char *dir, struct rl_diag *d);

/* unlinkat(parent, last component, flags) with the parent opened by
 * rl_bpffs_open_dir: a link before the last component is refused, the last
 * one is never followed (a link is removed, not its target).  flags 0 for
 * a pin, AT_REMOVEDIR for a directory (ENOTEMPTY gets its own message). */
int rl_bpffs_remove(const char *path, int flags, struct rl_diag *d);

/* Remove an empty pin directory (rl_bpffs_remove). */
int rl_bpffs_rmdir(const char *dir, struct rl_diag *d);

/* Pin fd's object at path / remove a pin (the object lives on while other
 * references remain; the removal is rl_bpffs_remove's). */
int rl_bpffs_pin(int fd, const char *path, struct rl_diag *d);
int rl_bpffs_unpin(const char *path, struct rl_diag *d);

/* Hold flock(LOCK_EX) on a pin directory (opened like rl_bpffs_open_dir)
 * for as long as the returned fd stays open: every rawload command that
 * changes a pin directory holds it, so two commands never work in one
 * directory at once, and the kernel drops it when the holder dies however
 * it dies (SIGKILL included) - a directory whose lock can be taken has no
 * live command in it.  wait false: -EWOULDBLOCK at once when it is held.
 * The fd or -errno. */
int rl_bpffs_lock_dir(const char *dir, bool wait, struct rl_diag *d);

/* "<mnt>/rawload/<object name>" (SPEC §1's default pin directory). */
int rl_bpffs_default_dir(const char *mnt, const char *obj_name, char *out, size_t len);

#endif
