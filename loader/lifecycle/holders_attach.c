/* holders_attach.c - the holders that are attachments made through links,
 * tc and perf: cls_bpf filters (RTM_GETTFILTER dumps of each device's
 * clsact hooks), BPF links (BPF_LINK_GET_NEXT_ID, BPF_LINK_GET_FD_BY_ID and
 * the link's info: its program, type and target), and perf event fds of
 * any process (BPF_TASK_FD_QUERY: the program and the tracepoint).  Part of
 * holders.c's search (holders_internal.h). */
#include "holders.h"
#include "holders_internal.h"
#include "link_list.h"

#include "bpf_objects.h"
#include "object.h"   /* RL_BPF_TCX_* */
#include "sys_bpf.h"
#include "tc_attach.h"

#include <net/if.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

struct rl_holder *rl_holders_add(struct holders *hs, enum rl_holder_kind kind)
{
	struct rl_holder *h;

	if (hs->n >= hs->max)
		return NULL;
	h = &hs->out[hs->n++];
	memset(h, 0, sizeof(*h));
	h->kind = kind;
	return h;
}

/* cls_bpf filters on this namespace's devices, both clsact hooks. */
void rl_holders_add_tc_filters(struct holders *hs)
{
	struct if_nameindex *ifs = if_nameindex();
	struct rl_tc_filter f[32];

	if (!ifs)
		return;
	for (struct if_nameindex *i = ifs; i->if_index; i++) {
		for (int hook = RL_TC_INGRESS; hook <= RL_TC_EGRESS; hook++) {
			int n;

			if (rl_tc_filter_list((int)i->if_index, (enum rl_tc_hook)hook, f, 32, &n, NULL))
				continue;
			for (int k = 0; k < n && k < 32; k++) {
				struct rl_holder *h;

				if (f[k].prog_id != hs->obj.id || !(h = rl_holders_add(hs, RL_HOLD_TC)))
					continue;
				h->ifindex = (int)i->if_index;
				h->slot = (uint32_t)hook;
				h->prio = f[k].prio;
				h->handle = f[k].handle;
				snprintf(h->path, sizeof(h->path), "%s", i->if_name);
			}
		}
	}
	if_freenameindex(ifs);
}

/* What a link is attached to, from its decoded info (link_list.c). */
static void link_target(const struct rl_link_desc *l, char *out, size_t len)
{
	char ifname[IF_NAMESIZE] = "?";

	out[0] = '\0';
	if (l->type == RL_LINK_RAW_TP) {
		snprintf(out, len, "%s", l->name);
	} else if (l->type == RL_LINK_TCX) {
		if_indextoname(l->ifindex, ifname);
		snprintf(out, len, "%s %s", ifname, l->attach_type == RL_BPF_TCX_INGRESS ? "ingress" : "egress");
	} else if (l->type == RL_LINK_XDP) {
		if_indextoname(l->ifindex, ifname);
		snprintf(out, len, "%s", ifname);
	}
}

void rl_holders_add_links(struct holders *hs)
{
	uint32_t id = 0;

	while (!rl_sys_link_get_next_id(id, &id)) {
		struct rl_link_desc l;
		struct rl_holder *h;
		int fd = rl_sys_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!rl_link_describe_fd(fd, &l, NULL) && l.prog_id == hs->obj.id &&
		    (h = rl_holders_add(hs, RL_HOLD_LINK))) {
			h->id = l.id;
			h->slot = l.type;
			link_target(&l, h->path, sizeof(h->path));
		}
		close(fd);
	}
}

void rl_holders_read_comm(int pid, char name[16])
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/comm", pid);
	f = fopen(path, "re");
	if (!f)
		return;
	if (fgets(name, 16, f))
		name[strcspn(name, "\n")] = '\0';
	fclose(f);
}

/* A perf event fd running our program: BPF_TASK_FD_QUERY says which and where. */
void rl_holders_add_perf_event(struct holders *hs, int pid, int fd)
{
	char tp[128] = "";
	uint32_t prog_id, fd_type;
	struct rl_holder *h;

	if (rl_sys_task_fd_query(pid, fd, &prog_id, &fd_type, tp, sizeof(tp)) || prog_id != hs->obj.id ||
	    !(h = rl_holders_add(hs, RL_HOLD_PERF)))
		return;
	h->pid = pid;
	h->fd = fd;
	snprintf(h->path, sizeof(h->path), "%s", tp);
	rl_holders_read_comm(pid, h->name);
}

