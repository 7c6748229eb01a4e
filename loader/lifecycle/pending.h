/* pending.h - crash safety: what a command writes down before it changes
 * the kernel, so that a later command can finish or undo it whatever way the
 * first one died (SIGKILL and power loss included; pending.c).
 *
 * The record is the pin directory itself.  A command that attaches or
 * detaches first makes an empty directory DIR/rawload_pending_<what> (on
 * bpffs only pins and directories can be made, and a directory is enough),
 * then pins everything, then makes the one kernel change that attaches, and
 * only then removes the marker:
 *
 *   marker  pins  attached     what a later command sees and does
 *   ------  ----  --------     --------------------------------------------
 *   yes     some  no           a dead attach: remove the pins and the marker
 *   yes     all   yes          a dead attach that got through: drop the marker
 *   no      all   yes          done: `rawload detach` finds it by its pins
 *   no      -     -            nothing happened (or all was undone)
 *
 * While a command runs it holds flock on DIR (rl_bpffs_lock_dir), and the
 * kernel releases that lock when the process dies: a marker in a directory
 * whose lock can be taken was left by a dead command, never by a live one.
 */
#ifndef RL_PENDING_H
#define RL_PENDING_H

#include <stdbool.h>
#include <stddef.h>

#include "diag.h"
#include "undo.h"

#define RL_PENDING_PREFIX "rawload_pending_"
#define RL_STAGING_DIR    "rawload_staging"     /* xdp --replace: ours until the swap */

enum rl_pending_kind { RL_PENDING_XDP, RL_PENDING_SOCKOPS, RL_PENDING_LOAD };

struct rl_pending {
	enum rl_pending_kind kind;
	int ifindex;                 /* RL_PENDING_XDP: the device */
};

/* "rawload_pending_xdp_7", "rawload_pending_sockops", "rawload_pending_load" */
void rl_pending_name(const struct rl_pending *p, char *out, size_t len);
/* Pure: a directory entry's name back to what it records.  0 or -EINVAL. */
int rl_pending_parse(const char *name, struct rl_pending *p);

/* mkdir DIR/<marker>, and push its removal on undo (a command that fails
 * and rolls back takes the marker with it).  0 or -errno. */
int rl_pending_begin(const char *dir, const struct rl_pending *p, struct rl_undo *undo,
		     struct rl_diag *d);
/* The change is complete and recorded by the pins: rmdir DIR/<marker>. */
int rl_pending_commit(const char *dir, const struct rl_pending *p, struct rl_diag *d);

struct rl_recovery {
	int markers;        /* markers found: commands that died here */
	int unpinned;       /* pins removed (a dead attach, or ours staged for a swap that never came) */
	int moved;          /* staged pins moved into place (a --replace that swapped, then died) */
	bool kept;          /* a program pinned here is attached: its pins stay */
	bool removed_dir;   /* the directory was left empty and removed */
};

/* Finish or undo what dead commands left in dir: the caller holds dir's lock.
 * Decides per marker from what the kernel says now (XDP: the device's
 * program ids; sockops: the program attached to any cgroup).  0 or -errno. */
int rl_recover_pin_dir(const char *dir, struct rl_recovery *r, struct rl_diag *d);

/* A detach that has emptied dir of its pins: remove every marker in it (the
 * detach's own and any a dead command left).  0 or -errno. */
int rl_pending_clear_all(const char *dir, struct rl_diag *d);

/* Does dir hold a marker (or a staging directory) of a dead command?  With
 * filter non-NULL only markers of that kind (and device) count. */
bool rl_pin_dir_has_pending(const char *dir, const struct rl_pending *filter);

#endif
