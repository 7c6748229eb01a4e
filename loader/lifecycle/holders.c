/* holders.c - who holds a reference to a BPF program or map, and what frees it.
 *
 * The kernel counts references (bpf_prog->aux->refcnt, bpf_map->refcnt) and
 * frees an object when the count reaches zero, but it keeps no list of who
 * holds them.  To explain an object's lifetime we look in every place the
 * kernel lets user space look:
 *
 *   holder                  how we see it                          lets go when
 *   ----------------------  -------------------------------------  ----------------------
 *   pin in bpffs            BPF_OBJ_GET on each file, compare ids  unlink (rm)
 *   netdev XDP slot         RTM_GETLINK: IFLA_XDP_*_PROG_ID        detach (IFLA_XDP_FD -1)
 *   cgroup attachment       BPF_PROG_QUERY on each cgroup v2 dir   BPF_PROG_DETACH
 *   sockmap attachment      BPF_PROG_QUERY on the map's fd         BPF_PROG_DETACH
 *   prog array slot         BPF_MAP_LOOKUP_ELEM -> a program id    slot deleted / map freed
 *   outer map slot          BPF_MAP_LOOKUP_ELEM -> a map id        slot deleted / map freed
 *   program using a map     bpf_prog_info.map_ids                  the program is freed
 *   open fd of a process    /proc/PID/fd -> "anon_inode:bpf-prog"  close() / exit
 *                           and "prog_id:" in /proc/PID/fdinfo/N
 *   tc filter (cls_bpf)     RTM_GETTFILTER dump: TCA_BPF_ID        detach tc (RTM_DELTFILTER)
 *   BPF link                BPF_LINK_GET_NEXT_ID + info.prog_id    its last pin and fd go
 *   perf event / raw tp fd  /proc/PID/fd -> perf_event or bpf-link close() / exit
 *                           + BPF_TASK_FD_QUERY(pid, fd) -> prog_id
 *
 * Looking is itself a holder for a moment: every fd we open by id
 * is closed before the function returns.  (Turning pins and fds into ids
 * is bpfobj.c's job.)
 */
#include "holders.h"
#include "holders_internal.h"
#include "link_list.h"

#include "bpf_objects.h"
#include "bpffs.h"
#include "object.h"
#include "sys_bpf.h"
#include "xdp_attach.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CGROUP_SEARCH_DEPTH 8
#define CGROUP_SEARCH_MAX 4096 /* directories visited at most */
#define SLOT_SCAN_MAX 65536    /* prog-array / array-of-maps slots looked at */

/* ---- the search for holders ----------------------------------------- */

static void add_pins(struct holders *hs)
{
	char mnt[PATH_MAX], paths[16][PATH_MAX];
	int n;

	if (rl_bpffs_mount_root(mnt))
		return;
	n = rl_find_pins_for_id(mnt, hs->obj.id, hs->obj.kind == RL_OBJ_MAP, paths, 16);
	for (int i = 0; i < n && i < 16; i++) {
		struct rl_holder *h = rl_holders_add(hs, RL_HOLD_PIN);

		if (h)
			memcpy(h->path, paths[i], sizeof(h->path));
	}
}

/* Only this network namespace's devices are visible to RTM_GETLINK here. */
static void add_xdp_slots(struct holders *hs)
{
	struct if_nameindex *ifs = if_nameindex();

	if (!ifs)
		return;
	for (struct if_nameindex *i = ifs; i->if_index; i++) {
		static const enum rl_xdp_mode modes[] = {
			RL_XDP_MODE_NATIVE, RL_XDP_MODE_SKB, RL_XDP_MODE_HW,
		};
		struct rl_xdp_state st;

		if (rl_xdp_query((int)i->if_index, &st, NULL))
			continue;
		for (int m = 0; m < 3; m++) {
			/* rtnl_xdp_report_one: one *_PROG_ID per mode */
			uint32_t id = m == 0 ? st.drv_prog_id : m == 1 ? st.skb_prog_id : st.hw_prog_id;
			struct rl_holder *h;

			if (id != hs->obj.id || !(h = rl_holders_add(hs, RL_HOLD_XDP)))
				continue;
			h->ifindex = (int)i->if_index;
			h->slot = (uint32_t)modes[m];
			snprintf(h->path, sizeof(h->path), "%s", i->if_name);
		}
	}
	if_freenameindex(ifs);
}

/* The attach types a cgroup program of this type can sit at (the ones
 * rawload's users meet; CGROUP_SOCK_ADDR has more than listed). */
static int cgroup_attach_types(uint32_t prog_type, uint32_t types[8])
{
	switch (prog_type) {
	case BPF_PROG_TYPE_SOCK_OPS:
		types[0] = BPF_CGROUP_SOCK_OPS;
		return 1;
	case BPF_PROG_TYPE_CGROUP_SKB:
		types[0] = BPF_CGROUP_INET_INGRESS;
		types[1] = BPF_CGROUP_INET_EGRESS;
		return 2;
	case BPF_PROG_TYPE_CGROUP_SOCK:
		types[0] = BPF_CGROUP_INET_SOCK_CREATE;
		types[1] = BPF_CGROUP_INET_SOCK_RELEASE;
		types[2] = BPF_CGROUP_INET4_POST_BIND;
		types[3] = BPF_CGROUP_INET6_POST_BIND;
		return 4;
	case BPF_PROG_TYPE_CGROUP_SOCK_ADDR:
		types[0] = BPF_CGROUP_INET4_BIND;
		types[1] = BPF_CGROUP_INET6_BIND;
		types[2] = BPF_CGROUP_INET4_CONNECT;
		types[3] = BPF_CGROUP_INET6_CONNECT;
		types[4] = BPF_CGROUP_UDP4_SENDMSG;
		types[5] = BPF_CGROUP_UDP6_SENDMSG;
		return 6;
	case BPF_PROG_TYPE_CGROUP_DEVICE:
		types[0] = BPF_CGROUP_DEVICE;
		return 1;
	case BPF_PROG_TYPE_CGROUP_SYSCTL:
		types[0] = BPF_CGROUP_SYSCTL;
		return 1;
	case BPF_PROG_TYPE_CGROUP_SOCKOPT:
		types[0] = BPF_CGROUP_GETSOCKOPT;
		types[1] = BPF_CGROUP_SETSOCKOPT;
		return 2;
	default:
		return 0;
	}
}

/* Programs attached to (target_fd, type) that are ours: one holder each. */
static void query_target(struct holders *hs, int target_fd, uint32_t type, struct rl_holder *tmpl)
{
	uint32_t ids[64], cnt = 64;
	int err = rl_sys_prog_query(target_fd, type, NULL, ids, &cnt);

	if (err && err != -ENOSPC)
		return;
	for (uint32_t i = 0; i < cnt && i < 64; i++) {
		struct rl_holder *h;

		if (ids[i] != hs->obj.id || !(h = rl_holders_add(hs, tmpl->kind)))
			continue;
		*h = *tmpl;
		h->slot = type;
	}
}

static void walk_cgroups(struct holders *hs, const char *dir, int depth, const uint32_t *types,
			 int ntypes, int *visited)
{
	struct rl_holder tmpl = { .kind = RL_HOLD_CGROUP };
	struct dirent *e;
	DIR *dp;
	int fd;

	if (++*visited > CGROUP_SEARCH_MAX)
		return;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return;
	snprintf(tmpl.path, sizeof(tmpl.path), "%s", dir);
	for (int t = 0; t < ntypes; t++)
		query_target(hs, fd, types[t], &tmpl);
	dp = depth > 0 ? fdopendir(fd) : NULL;
	if (!dp) {
		close(fd);
		return;
	}
	while ((e = readdir(dp))) {
		char sub[PATH_MAX];

		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%.3800s/%s", dir, e->d_name);
		walk_cgroups(hs, sub, depth - 1, types, ntypes, visited);
	}
	closedir(dp); /* closes fd */
}

static void add_cgroups(struct holders *hs)
{
	uint32_t types[8];
	int ntypes = cgroup_attach_types(hs->obj.type, types), visited = 0;
	char mnt[PATH_MAX];

	if (!ntypes || rl_mountinfo_find("cgroup2", NULL, mnt, sizeof(mnt), NULL))
		return;
	walk_cgroups(hs, mnt, CGROUP_SEARCH_DEPTH, types, ntypes, &visited);
}

/* Call fn for every map in the system (BPF_MAP_GET_NEXT_ID walk). */
static void for_each_map(struct holders *hs, void (*fn)(struct holders *, int, const struct bpf_map_info *))
{
	for (uint32_t id = 0; !rl_sys_map_get_next_id(id, &id);) {
		struct bpf_map_info info;
		uint32_t len = sizeof(info);
		int fd = rl_sys_map_get_fd_by_id(id);

		if (fd < 0)
			continue; /* freed between the two calls */
		memset(&info, 0, sizeof(info));
		if (!rl_sys_obj_info(fd, &info, &len))
			fn(hs, fd, &info);
		close(fd);
	}
}

static void set_holder_map(struct rl_holder *h, const struct bpf_map_info *m, uint32_t slot)
{
	h->id = m->id;
	h->slot = slot;
	memcpy(h->name, m->name, sizeof(h->name));
	h->name[sizeof(h->name) - 1] = '\0';
}

/* Array-like fd maps (prog arrays, arrays of maps): a user-space lookup
 * returns the id of the object in the slot (map_fd_sys_lookup_elem). */
static void scan_fd_array(struct holders *hs, int fd, const struct bpf_map_info *m,
			  enum rl_holder_kind kind)
{
	for (uint32_t k = 0; k < m->max_entries && k < SLOT_SCAN_MAX; k++) {
		uint32_t held = 0;
		struct rl_holder *h;

		if (rl_sys_map_lookup(fd, &k, &held) || held != hs->obj.id)
			continue;
		if ((h = rl_holders_add(hs, kind)))
			set_holder_map(h, m, k);
	}
}

/* Hash of maps: walk the keys; the slot number means nothing there. */
static void scan_fd_hash(struct holders *hs, int fd, const struct bpf_map_info *m)
{
	unsigned char key[512], next[512];
	void *cur = NULL;

	if (m->key_size > sizeof(key))
		return;
	for (int n = 0; n < SLOT_SCAN_MAX && !rl_sys_map_get_next_key(fd, cur, next); n++) {
		uint32_t held = 0;
		struct rl_holder *h;

		memcpy(key, next, m->key_size);
		cur = key;
		if (rl_sys_map_lookup(fd, key, &held) || held != hs->obj.id)
			continue;
		if ((h = rl_holders_add(hs, RL_HOLD_OUTER_MAP)))
			set_holder_map(h, m, UINT32_MAX);
	}
}

static void map_holds_prog(struct holders *hs, int fd, const struct bpf_map_info *m)
{
	static const uint32_t sock_types[] = {
		BPF_SK_MSG_VERDICT, BPF_SK_SKB_STREAM_PARSER, BPF_SK_SKB_STREAM_VERDICT,
		BPF_SK_SKB_VERDICT,
	};

	if (m->type == BPF_MAP_TYPE_PROG_ARRAY) {
		scan_fd_array(hs, fd, m, RL_HOLD_PROG_ARRAY);
	} else if ((m->type == BPF_MAP_TYPE_SOCKMAP || m->type == BPF_MAP_TYPE_SOCKHASH) &&
		   (hs->obj.type == BPF_PROG_TYPE_SK_MSG || hs->obj.type == BPF_PROG_TYPE_SK_SKB)) {
		/* sock_map_bpf_prog_query: programs attached to a sockmap */
		struct rl_holder tmpl = { .kind = RL_HOLD_SOCKMAP };

		set_holder_map(&tmpl, m, 0);
		for (size_t i = 0; i < sizeof(sock_types) / sizeof(sock_types[0]); i++)
			query_target(hs, fd, sock_types[i], &tmpl);
	}
}

static void map_holds_map(struct holders *hs, int fd, const struct bpf_map_info *m)
{
	if (m->type == BPF_MAP_TYPE_ARRAY_OF_MAPS)
		scan_fd_array(hs, fd, m, RL_HOLD_OUTER_MAP);
	else if (m->type == BPF_MAP_TYPE_HASH_OF_MAPS)
		scan_fd_hash(hs, fd, m);
}

/* Programs that use the map: each holds it (bpf_prog_aux->used_maps)
 * until the program is freed. */
static void add_prog_users(struct holders *hs)
{
	for (uint32_t id = 0; !rl_sys_prog_get_next_id(id, &id);) {
		struct bpf_prog_info info;
		uint32_t ids[64];
		int fd = rl_sys_prog_get_fd_by_id(id), n;
		struct rl_holder *h;

		if (fd < 0)
			continue;
		n = rl_prog_info(fd, &info, ids, 64);
		close(fd);
		for (int i = 0; i < n && i < 64; i++) {
			if (ids[i] != hs->obj.id || !(h = rl_holders_add(hs, RL_HOLD_PROG_USES)))
				continue;
			h->id = info.id;
			memcpy(h->name, info.name, sizeof(h->name));
			h->name[sizeof(h->name) - 1] = '\0';
		}
	}
}

/* "prog_id:\t351" in /proc/PID/fdinfo/FD (bpf_prog_show_fdinfo). */
static uint32_t fdinfo_id(int pid, const char *fd, const char *field)
{
	char path[64], line[128];
	uint32_t id = 0;
	size_t flen = strlen(field);
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/fdinfo/%.16s", pid, fd);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, field, flen))
			id = (uint32_t)strtoul(line + flen, NULL, 10);
	fclose(f);
	return id;
}

static void scan_process(struct holders *hs, int pid)
{
	const char *want = hs->obj.kind == RL_OBJ_MAP ? "anon_inode:bpf-map" : "anon_inode:bpf-prog";
	const char *field = hs->obj.kind == RL_OBJ_MAP ? "map_id:" : "prog_id:";
	char dir[64], link[128], target[64];
	struct dirent *e;
	DIR *dp;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	dp = opendir(dir);
	if (!dp)
		return;
	while ((e = readdir(dp))) {
		struct rl_holder *h;
		ssize_t n;

		snprintf(link, sizeof(link), "%s/%.16s", dir, e->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = '\0';
		if (hs->obj.kind == RL_OBJ_PROG && !strcmp(target, "anon_inode:[perf_event]")) {
			rl_holders_add_perf_event(hs, pid, atoi(e->d_name));
			continue;
		}
		if (strcmp(target, want) || fdinfo_id(pid, e->d_name, field) != hs->obj.id)
			continue;
		if (!(h = rl_holders_add(hs, RL_HOLD_FD)))
			break;
		h->pid = pid;
		h->fd = atoi(e->d_name);
		rl_holders_read_comm(pid, h->name);
	}
	closedir(dp);
}

static void add_fds(struct holders *hs)
{
	DIR *proc = opendir("/proc");
	struct dirent *e;

	if (!proc)
		return;
	while ((e = readdir(proc))) {
		int pid = atoi(e->d_name);

		if (pid > 0 && pid != getpid()) /* our own fds are the looking glass */
			scan_process(hs, pid);
	}
	closedir(proc);
}

int rl_find_holders(uint32_t id, bool is_map, struct rl_holder *out, int max)
{
	struct holders hs = { out, max, 0, { 0 } };
	int fd = is_map ? rl_sys_map_get_fd_by_id(id) : rl_sys_prog_get_fd_by_id(id), err;

	if (fd < 0)
		return fd;
	err = rl_obj_describe(fd, &hs.obj);
	close(fd);
	if (err)
		return err;
	/* attachments first (what the object is doing), then pins, then fds */
	if (is_map) {
		add_prog_users(&hs);
		for_each_map(&hs, map_holds_map);
		rl_holders_add_map_links(&hs);
	} else {
		if (hs.obj.type == BPF_PROG_TYPE_XDP)
			add_xdp_slots(&hs);
		if (hs.obj.type == BPF_PROG_TYPE_SCHED_CLS)
			rl_holders_add_tc_filters(&hs);
		rl_holders_add_links(&hs);
		add_cgroups(&hs);
		for_each_map(&hs, map_holds_prog);
		rl_holders_merge_links(&hs);
	}
	add_pins(&hs);
	add_fds(&hs);
	return hs.n;
}

/* ---- words ---------------------------------------------------------- */

void rl_holder_text(const struct rl_holder *h, char *buf, size_t len)
{
	switch (h->kind) {
	case RL_HOLD_PIN:
		snprintf(buf, len, "pin %s", h->path);
		break;
	case RL_HOLD_XDP:
		/* one holder, three kernel references on 6.x: the net_device's
		 * xdp_state, the driver's copy (dev->xdp_prog in skb mode), the
		 * XDP dispatcher (bpf_dispatcher_change_prog) */
		snprintf(buf, len, "XDP slot of %s (ifindex %d, %s mode; 3 kernel references: xdp_state,"
			 " the %s copy, the XDP dispatcher)", h->path, h->ifindex,
			 rl_xdp_mode_name((enum rl_xdp_mode)h->slot),
			 h->slot == RL_XDP_MODE_SKB ? "generic XDP" : "driver's");
		break;
	case RL_HOLD_CGROUP:
		snprintf(buf, len, "cgroup %s (%s attachment)", h->path, rl_attach_type_name(h->slot));
		break;
	case RL_HOLD_SOCKMAP:
		snprintf(buf, len, "map %u '%s' (%s attachment)", h->id, h->name,
			 rl_attach_type_name(h->slot));
		break;
	case RL_HOLD_PROG_ARRAY:
		snprintf(buf, len, "map %u '%s' (prog array) holds this program in slot %u", h->id,
			 h->name, h->slot);
		break;
	case RL_HOLD_OUTER_MAP:
		if (h->slot == UINT32_MAX)
			snprintf(buf, len, "map %u '%s' (hash of maps) holds this map", h->id, h->name);
		else
			snprintf(buf, len, "map %u '%s' (array of maps) holds this map in slot %u",
				 h->id, h->name, h->slot);
		break;
	case RL_HOLD_PROG_USES:
		snprintf(buf, len, "program %u '%s' uses this map", h->id, h->name);
		break;
	case RL_HOLD_FD:
		snprintf(buf, len, "process %d (%s) has it open as fd %d", h->pid, h->name, h->fd);
		break;
	case RL_HOLD_TC:
		snprintf(buf, len, "tc filter on %s (ifindex %d, clsact %s, cls_bpf prio %u handle %u)",
			 h->path, h->ifindex, (h->slot == 0 ? "ingress" : "egress"), h->prio, h->handle);
		break;
	case RL_HOLD_LINK:
		snprintf(buf, len, "link %u (%s%s%s)%s", h->id, rl_link_type_name(h->slot),
			 h->path[0] && h->path[0] != ',' ? " " : "", h->path,
			 h->slot == BPF_LINK_TYPE_CGROUP && h->target_id ?
			 "; if the cgroup is removed the kernel detaches it (cgroup_bpf_release), and the "
			 "link still holds the program" : "");
		break;
	case RL_HOLD_PERF:
		snprintf(buf, len, "perf event fd %d of process %d (%s)%s%s", h->fd, h->pid, h->name,
			 h->path[0] ? " on tracepoint " : "", h->path);
		break;
	}
}

void rl_holder_release(const struct rl_holder *h, char *buf, size_t len)
{
	switch (h->kind) {
	case RL_HOLD_PIN:
		snprintf(buf, len, "unpin %s", h->path);
		break;
	case RL_HOLD_XDP:
		snprintf(buf, len, "detach xdp %s", h->path);
		break;
	case RL_HOLD_CGROUP:
		snprintf(buf, len, "detach from cgroup %s", h->path);
		break;
	case RL_HOLD_SOCKMAP:
		/* the map drops its programs when its last *user* reference -
		 * pin or fd - goes (map_release_uref -> sock_map_release_progs),
		 * whether or not anyone detaches */
		snprintf(buf, len, "(detach from map %u, or map %u loses its last pin and fd)", h->id, h->id);
		break;
	case RL_HOLD_PROG_ARRAY:
		/* a prog array is emptied when its last *user* reference - pin
		 * or fd, not a program using it - goes (map->usercnt,
		 * bpf_map_put_uref -> prog_array_map_clear), which breaks the
		 * cycle of a program tail-calling through its own map */
		snprintf(buf, len, "map %u drops slot %u (deleted, or that map loses its last pin and fd)",
			 h->id, h->slot);
		break;
	case RL_HOLD_OUTER_MAP:
		snprintf(buf, len, "map %u drops it (element deleted or that map freed)", h->id);
		break;
	case RL_HOLD_PROG_USES:
		snprintf(buf, len, "program %u is freed", h->id);
		break;
	case RL_HOLD_FD:
		snprintf(buf, len, "process %d closes fd %d", h->pid, h->fd);
		break;
	case RL_HOLD_TC:
		snprintf(buf, len, "detach tc %s --%s", h->path, (h->slot == 0 ? "ingress" : "egress"));
		break;
	case RL_HOLD_LINK:
		snprintf(buf, len, "link %u loses its last pin and fd", h->id);
		break;
	case RL_HOLD_PERF:
		snprintf(buf, len, "process %d closes perf event fd %d", h->pid, h->fd);
		break;
	}
}

void rl_freed_when(const struct rl_holder *h, int n, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	if (n <= 0) {
		snprintf(buf, len, "nothing else holds it: it goes with the last fd");
		return;
	}
	for (int i = 0; i < n && used < len; i++) {
		char step[PATH_MAX + 64];
		bool dup = false;

		rl_holder_release(&h[i], step, sizeof(step));
		for (int k = 0; k < i && !dup; k++) {
			char prev[PATH_MAX + 64];

			rl_holder_release(&h[k], prev, sizeof(prev));
			dup = !strcmp(prev, step);
		}
		if (!dup)
			used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " + " : "", step);
	}
}


