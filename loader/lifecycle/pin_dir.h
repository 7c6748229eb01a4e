/* pin_dir.h - a pin directory read back without following links (pin_dir.c),
 * so detach can remove what rawload pinned there and nothing else. */
#ifndef RL_PIN_DIR_H
#define RL_PIN_DIR_H

#include "bpf_objects.h"

/* A pin directory as detach reads it: opened by an O_NOFOLLOW
 * walk, each entry classified with fstatat(AT_SYMLINK_NOFOLLOW), each pin
 * opened with BPF_OBJ_GET through the directory fd.  A symbolic link is
 * listed as one and never followed. */
#define RL_PIN_DIR_MAX 64
enum rl_pin_what { RL_PIN_OBJ, RL_PIN_LINK, RL_PIN_SUBDIR, RL_PIN_OTHER };
struct rl_pin_entry {
	char name[256];
	char path[PATH_MAX];            /* DIR/name, for messages */
	enum rl_pin_what what;
	int fd;                         /* RL_PIN_OBJ opened: BPF_OBJ_GET's fd, else -1 */
	struct rl_bpf_obj o;               /* kind, id, type, name when opened */
	int err;                        /* -errno when it could not be looked at / opened */
	char why[256];
};
struct rl_pin_dir {
	char path[PATH_MAX];
	int dfd;
	struct rl_pin_entry e[RL_PIN_DIR_MAX];   /* in name order */
	int n;
};
/* 0 or -errno (no such directory, a link in its path, too many entries). An
 * entry that cannot be opened stays listed with err set: see _check. */
int rl_pin_dir_read(struct rl_pin_dir *pd, const char *dir, struct rl_diag *d);
/* -errno and "cannot open pin 'P': ..." for the first entry with err set. */
int rl_pin_dir_check(const struct rl_pin_dir *pd, struct rl_diag *d);
int rl_pin_dir_unlink(struct rl_pin_dir *pd, int i, struct rl_diag *d);
void rl_pin_dir_close_fds(struct rl_pin_dir *pd);   /* the entries' fds */
void rl_pin_dir_release(struct rl_pin_dir *pd);     /* those and the dir fd */

#endif
