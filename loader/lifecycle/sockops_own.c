/* sockops_own.c - finding again what `rawload sockops` attached (see
 * sockops_own.h).  Two lists meet here:
 *
 *   BPF_PROG_QUERY(cgroup, BPF_CGROUP_SOCK_OPS)  ids attached to the cgroup
 *   BPF_OBJ_GET(DIR/<each pin>)                  ids rawload pinned
 *
 * and only a program in both is rawload's to detach from that cgroup.
 */
#include "sockops_own.h"

#include "cgroup.h"
#include "holders.h"

#include <stdio.h>
#include <string.h>

#include <linux/bpf.h>

#define HOLDERS_MAX 32

bool rl_pin_is_prog(const struct rl_pin_entry *e, uint32_t type)
{
	return e->fd >= 0 && e->o.kind == RL_OBJ_PROG && e->o.type == type;
}

bool rl_pin_is_sockmap(const struct rl_pin_entry *e)
{
	return e->fd >= 0 && e->o.kind == RL_OBJ_MAP &&
	       (e->o.type == BPF_MAP_TYPE_SOCKHASH || e->o.type == BPF_MAP_TYPE_SOCKMAP);
}

bool rl_sockops_attached_elsewhere(uint32_t id, char cg[PATH_MAX])
{
	static struct rl_holder h[HOLDERS_MAX];   /* static: each is PATH_MAX-sized */
	int n = rl_find_holders(id, false, h, HOLDERS_MAX);

	for (int i = 0; i < n; i++)
		if (h[i].kind == RL_HOLD_CGROUP && h[i].slot == BPF_CGROUP_SOCK_OPS) {
			snprintf(cg, PATH_MAX, "%s", h[i].path);
			return true;
		}
	return false;
}

void rl_sockops_classify(const struct rl_pin_dir *pd, const uint32_t *cg_ids, uint32_t n,
			 rl_attached_elsewhere_fn elsewhere, struct rl_sockops_dir_state *st)
{
	memset(st, 0, sizeof(*st));
	for (int i = 0; i < pd->n; i++) {
		const struct rl_pin_entry *e = &pd->e[i];

		if (!rl_pin_is_prog(e, BPF_PROG_TYPE_SOCK_OPS))
			continue;
		if (rl_id_in(e->o.id, cg_ids, n))
			st->here++;
		else if (elsewhere && elsewhere(e->o.id, st->other_cg))
			st->elsewhere++, st->other_id = e->o.id;
		else
			st->loose++;
	}
}

bool rl_sockops_msg_still_attached(const struct rl_pin_dir *pd)
{
	for (int m = 0; m < pd->n; m++) {
		uint32_t ids[4], cnt = 4;

		if (!rl_pin_is_sockmap(&pd->e[m]) ||
		    rl_sockmap_query_msg_verdict(pd->e[m].fd, ids, &cnt, NULL) || cnt == 0)
			continue;
		for (int p = 0; p < pd->n; p++)
			if (rl_pin_is_prog(&pd->e[p], BPF_PROG_TYPE_SK_MSG) && pd->e[p].o.id == ids[0])
				return true;
	}
	return false;
}
