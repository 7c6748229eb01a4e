/* holders_attach.c - the holders that are attachments made through links,
 * tc and perf: cls_bpf filters (RTM_GETTFILTER dumps of each device's
 * clsact hooks), BPF links (BPF_LINK_GET_NEXT_ID, BPF_LINK_GET_FD_BY_ID and
 * the link's info: its program, type and target), and perf event fds of
 * any process (BPF_TASK_FD_QUERY: the program and the tracepoint).  Part of
 * holders.c's search (holders_internal.h). */
#include "holders.h"
#include "holders_internal.h"

#include "bpf_objects.h"
#include "object.h"   /* RL_BPF_TCX_* */
#include "sys_bpf.h"
#include "tc_attach.h"

/* enum bpf_link_type, Linux 6.10 (newer than our UAPI headers) */
#define RL_LINK_TYPE_SOCKMAP 14

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

const char *rl_link_type_name(uint32_t type)
{
	static const char *const names[] = {
		"unspec", "raw_tracepoint", "tracing", "cgroup", "iter", "netns", "xdp",
		"perf_event", "kprobe_multi", "struct_ops", "netfilter", "tcx", "uprobe_multi",
		"netkit", "sockmap",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "link";
}

/* What a link is attached to, from its info (the union after prog_id). */
static void link_target(int fd, const struct bpf_link_info *li, char *out, size_t len)
{
	const uint32_t *u = (const uint32_t *)((const char *)li + offsetof(struct bpf_link_info, raw_tracepoint));
	char ifname[IF_NAMESIZE] = "?", tp[128] = "";

	out[0] = '\0';
	if (li->type == BPF_LINK_TYPE_RAW_TRACEPOINT) {
		struct bpf_link_info again = { 0 };
		uint32_t n = sizeof(again);

		again.raw_tracepoint.tp_name = (uint64_t)(uintptr_t)tp;
		again.raw_tracepoint.tp_name_len = sizeof(tp);
		if (!rl_sys_obj_info(fd, &again, &n))
			snprintf(out, len, "%s", tp);
	} else if (li->type == RL_BPF_LINK_TYPE_TCX) {
		/* struct { __u32 ifindex; __u32 attach_type; } tcx (Linux 6.6) */
		if_indextoname(u[0], ifname);
		snprintf(out, len, "%s %s", ifname, u[1] == RL_BPF_TCX_INGRESS ? "ingress" : "egress");
	} else if (li->type == BPF_LINK_TYPE_XDP) {
		if_indextoname(u[0], ifname);
		snprintf(out, len, "%s", ifname);
	} else if (li->type == BPF_LINK_TYPE_CGROUP) {
		/* the path comes from the cgroup walk (rl_holders_merge_links) */
		if (li->cgroup.cgroup_id)
			snprintf(out, len, "id %llu, %s", (unsigned long long)li->cgroup.cgroup_id,
				 rl_attach_type_name(li->cgroup.attach_type));
		else
			snprintf(out, len, ", detached: its cgroup was removed or it was BPF_LINK_DETACHed");
	} else if (li->type == RL_LINK_TYPE_SOCKMAP) {
		if (u[0])
			snprintf(out, len, "map %u, %s", u[0], rl_attach_type_name(u[1]));
		else
			snprintf(out, len, ", detached: BPF_LINK_DETACHed");
	}
}

/* The target of a cgroup or sockmap link, into the holder. */
static void link_target_ids(const struct bpf_link_info *li, struct rl_holder *h)
{
	const uint32_t *u = (const uint32_t *)((const char *)li + offsetof(struct bpf_link_info, raw_tracepoint));

	if (li->type == BPF_LINK_TYPE_CGROUP) {
		h->target_id = li->cgroup.cgroup_id;
		h->attach_type = li->cgroup.attach_type;
	} else if (li->type == RL_LINK_TYPE_SOCKMAP) {
		h->target_id = u[0];
		h->attach_type = u[1];
	}
}

void rl_holders_add_links(struct holders *hs)
{
	uint32_t id = 0;

	while (!rl_sys_link_get_next_id(id, &id)) {
		uint64_t buf[32] = { 0 };   /* bpf_link_info and the newer members after it */
		struct bpf_link_info *li = (struct bpf_link_info *)buf;
		uint32_t n = sizeof(buf);
		struct rl_holder *h;
		int fd = rl_sys_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!rl_sys_obj_info(fd, li, &n) && li->prog_id == hs->obj.id && (h = rl_holders_add(hs, RL_HOLD_LINK))) {
			h->id = li->id;
			h->slot = li->type;
			link_target(fd, li, h->path, sizeof(h->path));
			link_target_ids(li, h);
		}
		close(fd);
	}
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
	if (l->slot == BPF_LINK_TYPE_CGROUP && q->kind == RL_HOLD_CGROUP)
		/* a cgroup v2 directory's inode number is its cgroup id (kernfs) */
		return !stat(q->path, &st) && st.st_ino == l->target_id;
	return l->slot == RL_LINK_TYPE_SOCKMAP && q->kind == RL_HOLD_SOCKMAP && q->id == l->target_id;
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
	uint32_t id = 0;

	if (hs->obj.type != BPF_MAP_TYPE_SOCKHASH && hs->obj.type != BPF_MAP_TYPE_SOCKMAP)
		return;
	while (!rl_sys_link_get_next_id(id, &id)) {
		uint64_t buf[32] = { 0 };
		struct bpf_link_info *li = (struct bpf_link_info *)buf;
		uint32_t n = sizeof(buf);
		struct rl_holder *h;
		int fd = rl_sys_link_get_fd_by_id(id);

		if (fd < 0)
			continue;
		if (!rl_sys_obj_info(fd, li, &n) && li->type == RL_LINK_TYPE_SOCKMAP &&
		    *(const uint32_t *)&li->raw_tracepoint == hs->obj.id &&
		    (h = rl_holders_add(hs, RL_HOLD_LINK))) {
			h->id = li->id;
			h->slot = li->type;
			link_target_ids(li, h);
			snprintf(h->path, sizeof(h->path), ", of program %u: keeps this map", li->prog_id);
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

