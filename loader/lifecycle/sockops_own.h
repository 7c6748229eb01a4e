/* sockops_own.h - which of a pin directory's sockops programs are attached
 * where: the part of `rawload detach sockops` that decides what is
 * rawload's to take (sockops_own.c).  The kernel keeps no record of who
 * attached a program; rawload's record is its pins. */
#ifndef RL_SOCKOPS_OWN_H
#define RL_SOCKOPS_OWN_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "pin_dir.h"

/* What a pin directory holds, for one cgroup. */
struct rl_sockops_dir_state {
	int here;          /* sockops programs pinned here and attached to this cgroup */
	int elsewhere;     /* ... attached to another cgroup: never ours to take */
	int loose;         /* ... attached to no cgroup (an earlier detach got that far) */
	uint32_t other_id; /* one of `elsewhere`, for the message */
	char other_cg[PATH_MAX];
};

/* A pin entry that was opened and is a program of `type` / a sockmap or
 * sockhash. */
bool rl_pin_is_prog(const struct rl_pin_entry *e, uint32_t type);
bool rl_pin_is_sockmap(const struct rl_pin_entry *e);

/* Asks whether program `id` is attached to a cgroup other than the one
 * being looked at, and which (into cg).  rl_sockops_attached_elsewhere
 * looks at every cgroup (holders.c); tests pass their own. */
typedef bool (*rl_attached_elsewhere_fn)(uint32_t id, char cg[PATH_MAX]);
bool rl_sockops_attached_elsewhere(uint32_t id, char cg[PATH_MAX]);

/* Count pd's sockops programs by where they are attached: in cg_ids (the
 * cgroup's BPF_PROG_QUERY answer), elsewhere (asked only when `elsewhere`
 * is not NULL: it walks the cgroup tree per program), or nowhere (loose). */
void rl_sockops_classify(const struct rl_pin_dir *pd, const uint32_t *cg_ids, uint32_t n,
			 rl_attached_elsewhere_fn elsewhere, struct rl_sockops_dir_state *st);

/* Is an sk_msg program pinned here still on a sockhash pinned here?  Only
 * `rawload sockops` attaches them (`rawload load` attaches nothing), so this
 * marks a detach that stopped half-way.  Queries the kernel. */
bool rl_sockops_msg_still_attached(const struct rl_pin_dir *pd);

#endif
