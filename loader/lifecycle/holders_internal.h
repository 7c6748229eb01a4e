/* holders_internal.h - the search state shared by holders.c and
 * holders_attach.c.  Not for other layers. */
#ifndef RL_HOLDERS_INTERNAL_H
#define RL_HOLDERS_INTERNAL_H

#include "bpf_objects.h"
#include "holders.h"

struct holders {
	struct rl_holder *out;
	int max, n;
	struct rl_bpf_obj obj;     /* the object whose holders we collect */
};

/* holders_attach.c.  The next free holder of kind, zeroed; NULL when out
 * is full. */
struct rl_holder *rl_holders_add(struct holders *hs, enum rl_holder_kind kind);

void rl_holders_add_tc_filters(struct holders *hs);
void rl_holders_add_links(struct holders *hs);
/* A cgroup or sockmap link shows up twice: as a link, and in BPF_PROG_QUERY
 * of its target (the query lists linked programs too).  Fold each such
 * query holder into its link's (which then names the cgroup path / map). */
void rl_holders_merge_links(struct holders *hs);
/* A sockhash/sockmap: the sockmap links that keep it (each holds a user
 * reference on its map, bpf_map_get_with_uref in sock_map_link_create). */
void rl_holders_add_map_links(struct holders *hs);
void rl_holders_add_perf_event(struct holders *hs, int pid, int fd);
void rl_holders_read_comm(int pid, char name[16]);

#endif
