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
void rl_holders_add_perf_event(struct holders *hs, int pid, int fd);
void rl_holders_read_comm(int pid, char name[16]);

#endif
