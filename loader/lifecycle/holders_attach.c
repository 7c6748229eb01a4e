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
#include <stdbool.h>
#include <sys/stat.h>
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

/* What a link is attached to, from its decoded info (link_list.c).  A
 * cgroup link's path comes from the cgroup walk (rl_holders_merge_links). */
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
	} else if (l->type == RL_LINK_CGROUP) {
		if (l->cgroup_id)
			snprintf(out, len, "id %llu, %s", (unsigned long long)l->cgroup_id,
				 rl_attach_type_name(l->attach_type));
		else
			snprintf(out, len, ", detached: its cgroup was removed or it was BPF_LINK_DETACHed");
	} else if (l->type == RL_LINK_SOCKMAP) {
		if (l->map_id)
			snprintf(out, len, "map %u, %s", l->map_id, rl_attach_type_name(l->attach_type));
		else
			snprintf(out, len, ", detached: BPF_LINK_DETACHed");
	}
}

/* The target of a cgroup or sockmap link, into the holder. */
static void link_target_ids(const struct rl_link_desc *l, struct rl_holder *h)
{
	if (l->type == RL_LINK_CGROUP)
		h->target_id = l->cgroup_id;
	else if (l->type == RL_LINK_SOCKMAP)
		h->target_id = l->map_id;
	h->attach_type = l->attach_type;
}

/* One walk over every link (BPF_LINK_GET_NEXT_ID): each link holding the
 * program hs->obj (by_map false), or each sockmap link keeping the map
 * hs->obj (by_map true), becomes a holder. */
static void add_links_of(struct holders *hs, bool by_map)
{
	uint32_t id = 0;

	while (!rl_sys_link_get_next_id(id, &id)) {
		struct rl_link_desc l;
		struct rl_holder *h;
		int fd = rl_sys_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!rl_link_describe_fd(fd, &l, NULL) &&
		    (by_map ? l.type == RL_LINK_SOCKMAP && l.map_id == hs->obj.id :
			      l.prog_id == hs->obj.id) &&
		    (h = rl_holders_add(hs, RL_HOLD_LINK))) {
			h->id = l.id;
			h->slot = l.type;
			link_target_ids(&l, h);
			if (by_map)
				snprintf(h->path, sizeof(h->path), ", of program %u: keeps this map",
					 l.prog_id);
			else
				link_target(&l, h->path, sizeof(h->path));
		}
		close(fd);
	}
}

void rl_holders_add_links(struct holders *hs)
{
	add_links_of(hs, false);
}

static void drop_holder(struct holders *hs, int i)
{
	memmove(&hs->out[i], &hs->out[i + 1], (size_t)(hs->n - i - 1) * sizeof(hs->out[0]));
	hs->n--;
}

/* Is query holder q (a cgroup or sockmap attachment) the one link l made? */
static bool link_made(const struct rl_holder *l, const struct rl_holder *q)
{
	struct stat st;

	if (!l->target_id || q->slot != l->attach_type)
		return false;
	if (l->slot == RL_LINK_CGROUP && q->kind == RL_HOLD_CGROUP)
		/* a cgroup v2 directory's inode number is its cgroup id (kernfs) */
		return !stat(q->path, &st) && st.st_ino == l->target_id;
	return l->slot == RL_LINK_SOCKMAP && q->kind == RL_HOLD_SOCKMAP && q->id == l->target_id;
}

void rl_holders_merge_links(struct holders *hs)
{
	for (int i = 0; i < hs->n; i++) {
		struct rl_holder *l = &hs->out[i];

		if (l->kind != RL_HOLD_LINK)
			continue;
		for (int k = 0; k < hs->n; k++) {
			const struct rl_holder *q = &hs->out[k];

			if (!link_made(l, q))
				continue;
			if (q->kind == RL_HOLD_CGROUP)
				snprintf(l->path, sizeof(l->path), "%.4000s, %s", q->path,
					 rl_attach_type_name(q->slot));
			else
				snprintf(l->path, sizeof(l->path), "map %u '%s', %s", q->id, q->name,
					 rl_attach_type_name(q->slot));
			drop_holder(hs, k);
			if (k < i)
				i--;
			break;
		}
	}
}

void rl_holders_add_map_links(struct holders *hs)
{
	if (hs->obj.type == BPF_MAP_TYPE_SOCKHASH || hs->obj.type == BPF_MAP_TYPE_SOCKMAP)
		add_links_of(hs, true);
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

