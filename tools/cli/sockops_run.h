/* sockops_run.h - what `rawload sockops` attaches, however the programs came
 * into the kernel: loaded from objects by this run (cmd_sockops.c) or
 * already loaded and pinned by `rawload load --pin DIR` (sockops_pinned.c).
 * Private to those two files. */
#ifndef RL_SOCKOPS_RUN_H
#define RL_SOCKOPS_RUN_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "pin_dir.h"

#define SOCKOPS_MAX_ATTACH 32

/* One program to attach: a sockops program to the cgroup, or an sk_msg
 * program to the sockhash/sockmap it redirects into. */
struct sockops_target {
	const char *obj;             /* the object or pin directory, for messages */
	char name[64];               /* the program's name */
	int prog_fd;                 /* borrowed: the load's or the pin directory's */
	uint32_t prog_id, prog_type;
	int map_fd;                  /* sk_msg: its map (borrowed unless map_fd_owned) */
	bool map_fd_owned;
	uint32_t map_id, map_type;
	char map_name[64];
	bool attached;
	uint32_t link_id;            /* attached by a link (pinned at link_pin), else 0 */
	char link_pin[PATH_MAX];
};

/* sockops_pinned.c: `--pinned REF`: REF (a pin directory, a program's pin,
 * or id:N through a pin of it) gives the directory and, for one program,
 * its pin's name in only ("" for a whole directory).  0, or EXIT_USER after
 * printing why. */
int cli_sockops_pinned_ref(const char *ref, char dir[PATH_MAX], char only[256]);
/* The sockops and sk_msg programs pinned in dir (all, or the one named
 * only; read into pd, whose fds the targets borrow), each sk_msg program
 * with the sockhash its code uses (bpf_prog_info.map_ids) or else the only
 * one pinned in dir.  0, or EXIT_USER after printing why. */
int cli_sockops_pinned_targets(const char *dir, const char *only, struct rl_pin_dir *pd,
			       struct sockops_target *t, int max, int *n);
void cli_sockops_targets_release(struct sockops_target *t, int n);

#endif
