/* explain_bpf_obj.c - the bpf(2) calls that use objects once they exist:
 * map elements, freezing, pins, attach/detach/query, test runs, info, ids.
 * (explain_bpf.c holds the frame and the calls that create objects.)
 *
 * Where references come from - the thread through this file:
 *   an fd                 closed with the fd (or at exit)
 *   a pin (BPF_OBJ_PIN)   a bpffs inode; unlink(2) drops it
 *   an attachment         a cgroup's program list, a sockmap's program slot,
 *                         a netdev's XDP slot (netlink, not bpf(2))
 *   a map slot            a prog array holds its programs, a map-in-map its maps
 * An object is freed when the last of them goes; its id disappears then.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* strerrorname_np */
#endif
#include "explain_bpf_internal.h"

#include <errno.h>
#include <stddef.h>
#include <inttypes.h>
#include <string.h>

/* Attach types newer than the 6.1 header (Linux 6.6: tcx). */
#define RL_BPF_TCX_INGRESS 46
#define RL_BPF_TCX_EGRESS  47

enum family { FAM_CGROUP, FAM_SOCKMAP, FAM_NETNS, FAM_LIRC, FAM_TCX, FAM_OTHER };

/* Which subsystem owns an attach type: the same split bpf_prog_attach()
 * makes with attach_type_to_prog_type() (kernel/bpf/syscall.c). */
static enum family attach_family(uint32_t type)
{
	switch (type) {
	case BPF_CGROUP_INET_INGRESS: case BPF_CGROUP_INET_EGRESS:
	case BPF_CGROUP_INET_SOCK_CREATE: case BPF_CGROUP_INET_SOCK_RELEASE:
	case BPF_CGROUP_SOCK_OPS: case BPF_CGROUP_DEVICE:
	case BPF_CGROUP_INET4_BIND: case BPF_CGROUP_INET6_BIND:
	case BPF_CGROUP_INET4_CONNECT: case BPF_CGROUP_INET6_CONNECT:
	case BPF_CGROUP_INET4_POST_BIND: case BPF_CGROUP_INET6_POST_BIND:
	case BPF_CGROUP_UDP4_SENDMSG: case BPF_CGROUP_UDP6_SENDMSG:
	case BPF_CGROUP_UDP4_RECVMSG: case BPF_CGROUP_UDP6_RECVMSG:
	case BPF_CGROUP_INET4_GETPEERNAME: case BPF_CGROUP_INET6_GETPEERNAME:
	case BPF_CGROUP_INET4_GETSOCKNAME: case BPF_CGROUP_INET6_GETSOCKNAME:
	case BPF_CGROUP_SYSCTL: case BPF_CGROUP_GETSOCKOPT: case BPF_CGROUP_SETSOCKOPT:
	case BPF_LSM_CGROUP:
		return FAM_CGROUP;
	case BPF_SK_MSG_VERDICT: case BPF_SK_SKB_STREAM_PARSER:
	case BPF_SK_SKB_STREAM_VERDICT: case BPF_SK_SKB_VERDICT:
		return FAM_SOCKMAP;
	case BPF_FLOW_DISSECTOR: case BPF_SK_LOOKUP:
		return FAM_NETNS;
	case BPF_LIRC_MODE2:
		return FAM_LIRC;
	case RL_BPF_TCX_INGRESS: case RL_BPF_TCX_EGRESS:
		return FAM_TCX;
	}
	return FAM_OTHER;
}

static const char *attach_path(int cmd, uint32_t type)
{
	static const char *const paths[][3] = {
		/*               BPF_PROG_ATTACH, BPF_PROG_DETACH, BPF_PROG_QUERY */
		[FAM_CGROUP]  = { "bpf_prog_attach -> cgroup_bpf_prog_attach -> cgroup_get_from_fd"
				  " -> cgroup_bpf_attach -> __cgroup_bpf_attach",
				  "bpf_prog_detach -> cgroup_bpf_prog_detach -> cgroup_bpf_detach"
				  " -> __cgroup_bpf_detach",
				  "bpf_prog_query -> cgroup_bpf_prog_query -> cgroup_bpf_query" },
		[FAM_SOCKMAP] = { "bpf_prog_attach -> sock_map_get_from_fd -> sock_map_prog_update",
				  "bpf_prog_detach -> sock_map_prog_detach -> sock_map_prog_update",
				  "bpf_prog_query -> sock_map_bpf_prog_query" },
		[FAM_NETNS]   = { "bpf_prog_attach -> netns_bpf_prog_attach",
				  "bpf_prog_detach -> netns_bpf_prog_detach",
				  "bpf_prog_query -> netns_bpf_prog_query" },
		[FAM_LIRC]    = { "bpf_prog_attach -> lirc_prog_attach", "bpf_prog_detach -> lirc_prog_detach",
				  "bpf_prog_query -> lirc_prog_query" },
		[FAM_TCX]     = { "bpf_prog_attach -> tcx_prog_attach", "bpf_prog_detach -> tcx_prog_detach",
				  "bpf_prog_query -> tcx_prog_query" },
		[FAM_OTHER]   = { "bpf_prog_attach (this attach type is attached with BPF_LINK_CREATE instead)",
				  "bpf_prog_detach", "bpf_prog_query" },
	};
	int col = cmd == BPF_PROG_ATTACH ? 0 : cmd == BPF_PROG_DETACH ? 1 : 2;

	return paths[attach_family(type)][col];
}

static const char *update_path(uint32_t map_type)
{
	switch (map_type) {
	case BPF_MAP_TYPE_PROG_ARRAY:
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
		return "map_update_elem -> bpf_map_update_value -> bpf_fd_array_map_update_elem"
		       " (the slot takes a reference on the object behind the fd)";
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		return "map_update_elem -> bpf_map_update_value -> bpf_fd_htab_map_update_elem";
	case BPF_MAP_TYPE_SOCKMAP:
	case BPF_MAP_TYPE_SOCKHASH:
		return "map_update_elem -> bpf_map_update_value -> sock_map_update_elem_sys";
	case BPF_MAP_TYPE_PERCPU_ARRAY:
		return "map_update_elem -> bpf_map_update_value -> bpf_percpu_array_update";
	case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:
		return "map_update_elem -> bpf_map_update_value -> bpf_percpu_hash_update";
	}
	return "map_update_elem -> bpf_map_update_value -> map->ops->map_update_elem";
}

const char *ex_obj_path(int cmd, const union bpf_attr *a, uint32_t map_type)
{
	switch (cmd) {
	case BPF_MAP_UPDATE_ELEM:   return update_path(map_type);
	case BPF_MAP_LOOKUP_ELEM:   return "map_lookup_elem -> bpf_map_copy_value";
	case BPF_MAP_DELETE_ELEM:   return "map_delete_elem -> map->ops->map_delete_elem";
	case BPF_MAP_GET_NEXT_KEY:  return "map_get_next_key -> map->ops->map_get_next_key";
	case BPF_MAP_FREEZE:        return "map_freeze (sets map->frozen)";
	case BPF_OBJ_PIN:
		return "bpf_obj_pin -> bpf_obj_pin_user -> bpf_fd_probe_obj -> bpf_obj_do_pin -> vfs_mkobj"
		       " (a file in bpffs holds a reference)";
	case BPF_OBJ_GET:
		return "bpf_obj_get -> bpf_obj_get_user -> bpf_obj_do_get -> bpf_prog_new_fd / bpf_map_new_fd";
	case BPF_PROG_ATTACH: case BPF_PROG_DETACH:
		return attach_path(cmd, a ? a->attach_type : UINT32_MAX);
	case BPF_PROG_QUERY:
		return attach_path(cmd, a ? a->query.attach_type : UINT32_MAX);
	case BPF_PROG_TEST_RUN:
		return "bpf_prog_test_run -> prog->aux->ops->test_run (XDP: bpf_prog_test_run_xdp,"
		       " skb types: bpf_prog_test_run_skb)";
	case BPF_OBJ_GET_INFO_BY_FD:
		return "bpf_obj_get_info_by_fd -> bpf_{prog,map,btf,link}_get_info_by_fd (by the fd's file ops)";
	case BPF_PROG_GET_FD_BY_ID:
		return "bpf_prog_get_fd_by_id -> bpf_prog_by_id (idr lookup, +1 reference) -> bpf_prog_new_fd";
	case BPF_MAP_GET_FD_BY_ID:
		return "bpf_map_get_fd_by_id -> idr_find(map_idr) (+1 reference) -> bpf_map_new_fd";
	case BPF_BTF_GET_FD_BY_ID:
		return "bpf_btf_get_fd_by_id -> btf_get_fd_by_id";
	case BPF_PROG_GET_NEXT_ID: case BPF_MAP_GET_NEXT_ID: case BPF_BTF_GET_NEXT_ID:
		return "bpf_obj_get_next_id -> idr_get_next (the smallest id above start_id)";
	}
	return "__sys_bpf";
}

/* ---- map elements ----------------------------------------------------------- */

/* Maps whose values, seen from user space, are fds of other objects. */
static bool value_is_fd(uint32_t map_type)
{
	return map_type == BPF_MAP_TYPE_PROG_ARRAY || map_type == BPF_MAP_TYPE_ARRAY_OF_MAPS ||
	       map_type == BPF_MAP_TYPE_HASH_OF_MAPS || map_type == BPF_MAP_TYPE_SOCKMAP ||
	       map_type == BPF_MAP_TYPE_SOCKHASH;
}

static const char *elem_flags_text(uint64_t flags)
{
	switch (flags) {
	case BPF_ANY:                   return "BPF_ANY (create or replace)";
	case BPF_NOEXIST:               return "BPF_NOEXIST (create only)";
	case BPF_EXIST:                 return "BPF_EXIST (replace only)";
	case BPF_F_LOCK:                return "BPF_F_LOCK (under the value's bpf_spin_lock)";
	case BPF_F_LOCK | BPF_EXIST:    return "BPF_F_LOCK|BPF_EXIST";
	}
	return "(other flags)";
}

void ex_map_elem(struct ex *x, int cmd, const union bpf_attr *a, long result)
{
	uint32_t type = UINT32_MAX, ksize = 0, vsize = 0;
	bool shape = x->fds && x->fds->map_shape &&
		     x->fds->map_shape(x->fds->ctx, (int)a->map_fd, &type, &ksize, &vsize);
	uint64_t value = cmd == BPF_MAP_GET_NEXT_KEY ? a->next_key : a->value;

	ex_fd_field(x, "map_fd", a->map_fd);
	if (!shape) {
		/* without the map's key_size we cannot know how many bytes to read */
		ex_field(x, "key, value", "(in our memory; sizes unknown here)");
	} else {
		if (a->key || cmd != BPF_MAP_GET_NEXT_KEY)
			ex_hex_field(x, "key", a->key, ksize);
		else
			ex_field(x, "key", "NULL: asks for the first key");
		if (cmd == BPF_MAP_UPDATE_ELEM && value_is_fd(type) && a->value) {
			char text[200];
			uint32_t fd;

			memcpy(&fd, (const void *)(uintptr_t)a->value, sizeof(fd));
			ex_fd_text(x, (int)fd, text, sizeof(text));
			ex_field(x, "value", "%s (the kernel stores the object, not the fd)", text);
		} else if (cmd == BPF_MAP_UPDATE_ELEM || (cmd != BPF_MAP_DELETE_ELEM && result == 0)) {
			/* lookups and next_key: the kernel wrote the output there */
			ex_hex_field(x, cmd == BPF_MAP_GET_NEXT_KEY ? "next_key" : "value", value,
				     cmd == BPF_MAP_GET_NEXT_KEY ? ksize : vsize);
		}
	}
	if (cmd == BPF_MAP_UPDATE_ELEM)
		ex_field(x, "flags", "%s", elem_flags_text(a->flags));
	ex_field(x, "kernel path", "%s", ex_obj_path(cmd, a, type));
}

void ex_map_freeze(struct ex *x, const union bpf_attr *a)
{
	ex_fd_field(x, "map_fd", a->map_fd);
	ex_field(x, "effect", "user space can no longer write it (EPERM); programs still can unless"
		 " the map has BPF_F_RDONLY_PROG");
	ex_field(x, "kernel path", "%s", ex_obj_path(BPF_MAP_FREEZE, a, UINT32_MAX));
}

/* ---- pins --------------------------------------------------------------------- */

void ex_obj_pin_get(struct ex *x, int cmd, const union bpf_attr *a, long result)
{
	size_t len;
	const char *path = ex_user_str(a->pathname, 4096, &len);

	ex_field(x, "pathname", "\"%.*s\"", (int)len, path ? path : "");
	if (cmd == BPF_OBJ_PIN) {
		ex_fd_field(x, "bpf_fd", a->bpf_fd);
		ex_field(x, "lifetime", "the pin is a reference of its own: the object outlives this process"
			 " until unlink(2) of the path");
	} else {
		ex_field(x, "file_flags", "%s", a->file_flags & BPF_F_RDONLY ? "BPF_F_RDONLY" :
			 a->file_flags & BPF_F_WRONLY ? "BPF_F_WRONLY" : "0 (read-write)");
	}
	if (cmd == BPF_OBJ_PIN)
		ex_path(x, "bpf_obj_pin\n"
			   "  bpf_obj_pin_user\n"
			   "    bpf_fd_probe_obj        which kind of object bpf_fd is (+1 reference), and returns\n"
			   "    bpf_obj_do_pin\n"
			   "      vfs_mkobj             a file in bpffs holds that reference\n",
			result >= 0 ? NULL : result == -EBADF || result == -EINVAL ? "bpf_fd_probe_obj" : "bpf_obj_do_pin",
			result >= 0 ? NULL : strerrorname_np((int)-result));
	else
		ex_field(x, "kernel path", "%s", ex_obj_path(cmd, a, UINT32_MAX));
}

/* ---- attach, detach, query ------------------------------------------------------ */

static void attach_flags_note(struct ex *x, enum family fam, uint32_t flags)
{
	if (fam == FAM_SOCKMAP) {
		ex_field(x, "holder", "the map holds the program (one slot per attach type); a socket"
			 " takes the map's programs when it is inserted, so only sockets added after this run it");
		ex_field(x, "freed when", "detach, or the map losing its last fd and pin"
			 " (map_release_uref -> sock_map_release_progs drops the map's programs)");
		return;
	}
	if (fam != FAM_CGROUP)
		return;
	if (flags & BPF_F_ALLOW_MULTI)
		ex_field(x, "meaning", "a list: programs attached here and in ancestor cgroups all run, in order;"
			 " nobody else's program is replaced");
	else if (flags & BPF_F_ALLOW_OVERRIDE)
		ex_field(x, "meaning", "one program here, which a descendant cgroup may override");
	else
		ex_field(x, "meaning", "one program here, and descendants may not attach their own");
	ex_field(x, "holder", "the cgroup holds the program until detach (or until the cgroup is removed)");
}

/* The trees of Linux 6.x (kernel/bpf/syscall.c, kernel/bpf/cgroup.c,
 * net/core/sock_map.c); checked on 6.18, docs/kernel-paths.md. */
static const char cgroup_attach_tree[] =
	"bpf_prog_attach\n"
	"  bpf_prog_get_type           attach_bpf_fd becomes the program (+1 reference)\n"
	"  cgroup_bpf_prog_attach\n"
	"    cgroup_get_from_fd        target_fd becomes the cgroup, and returns\n"
	"    __cgroup_bpf_attach       (via cgroup_bpf_attach) puts it on cgrp->bpf.progs[type]\n"
	"      update_effective_progs  recomputes the run array of this cgroup and each descendant\n"
	"        compute_effective_progs\n"
	"      static_key_slow_inc     cgroup_bpf_enabled_key: the first program patches the hook's jump in\n";
static const char cgroup_detach_tree[] =
	"bpf_prog_detach\n"
	"  cgroup_bpf_prog_detach\n"
	"    cgroup_get_from_fd        target_fd becomes the cgroup, and returns\n"
	"    bpf_prog_get_type_dev     attach_bpf_fd names which program to take off\n"
	"    __cgroup_bpf_detach       (via cgroup_bpf_detach) takes it off cgrp->bpf.progs[type]\n"
	"      update_effective_progs  recomputes the run arrays without it\n"
	"      static_key_slow_dec     the last program patches the hook's jump out again\n";
static const char sockmap_attach_tree[] =
	"bpf_prog_attach\n"
	"  bpf_prog_get_type           attach_bpf_fd becomes the program (+1 reference)\n"
	"  sock_map_get_from_fd        target_fd becomes the map\n"
	"    sock_map_prog_update      the map's slot for this attach type takes the program\n";
static const char sockmap_detach_tree[] =
	"bpf_prog_detach\n"
	"  sock_map_prog_detach\n"
	"    sock_map_prog_update      the slot is emptied; sockets already in the map keep their copy\n";

/* Where each errno of these calls is raised, in that source. */
static const char *attach_stop(enum family fam, int cmd, int err)
{
	if (fam == FAM_CGROUP && cmd == BPF_PROG_ATTACH) {
		switch (err) {
		case EBADF: return "cgroup_get_from_fd";
		case EPERM: case EEXIST: case E2BIG: return "__cgroup_bpf_attach";
		case ENOMEM: return "update_effective_progs";
		}
	} else if (fam == FAM_CGROUP) {
		switch (err) {
		case EBADF: return "cgroup_get_from_fd";
		case ENOENT: return "__cgroup_bpf_detach";
		}
	} else if (fam == FAM_SOCKMAP) {
		switch (err) {
		case EBADF: return "sock_map_get_from_fd";
		case EBUSY: case EEXIST: case EOPNOTSUPP: case ENOENT: return "sock_map_prog_update";
		}
	}
	return NULL;
}

void ex_prog_attach(struct ex *x, int cmd, const union bpf_attr *a, long result)
{
	char name[48], flags[160], why[80];
	enum family fam = attach_family(a->attach_type);
	const char *tree = NULL;
	int err = result < 0 ? (int)-result : 0;

	ex_fd_field(x, "target_fd", a->target_fd);
	ex_fd_field(x, "attach_bpf_fd", a->attach_bpf_fd);
	ex_field(x, "attach_type", "%s (%" PRIu32 ")", ex_attach_name(a->attach_type, name, sizeof(name)),
		 a->attach_type);
	if (cmd == BPF_PROG_ATTACH) {
		rl_explain_attach_flags(flags, sizeof(flags), a->attach_flags);
		ex_field(x, "attach_flags", "%s", flags);
		if (a->attach_flags & BPF_F_REPLACE)
			ex_fd_field(x, "replace_bpf_fd", a->replace_bpf_fd);
		attach_flags_note(x, fam, a->attach_flags);
	}
	if (fam == FAM_CGROUP)
		tree = cmd == BPF_PROG_ATTACH ? cgroup_attach_tree : cgroup_detach_tree;
	else if (fam == FAM_SOCKMAP)
		tree = cmd == BPF_PROG_ATTACH ? sockmap_attach_tree : sockmap_detach_tree;
	if (!tree) {
		ex_field(x, "kernel path", "%s", ex_obj_path(cmd, a, UINT32_MAX));
		return;
	}
	snprintf(why, sizeof(why), "%s", err && strerrorname_np(err) ? strerrorname_np(err) : "");
	ex_path(x, tree, err ? (attach_stop(fam, cmd, err) ? attach_stop(fam, cmd, err) : "")
			     : NULL, err ? why : NULL);
}

void ex_prog_query(struct ex *x, const union bpf_attr *a, long result)
{
	char name[48], flags[160], ids[200] = "";
	const uint32_t *p = (const uint32_t *)(uintptr_t)a->query.prog_ids;

	ex_fd_field(x, "target_fd", a->query.target_fd);
	ex_field(x, "attach_type", "%s (%" PRIu32 ")",
		 ex_attach_name(a->query.attach_type, name, sizeof(name)), a->query.attach_type);
	if (a->query.query_flags & BPF_F_QUERY_EFFECTIVE)
		ex_field(x, "query_flags", "BPF_F_QUERY_EFFECTIVE (inherited programs too)");
	ex_field(x, "kernel path", "%s", ex_obj_path(BPF_PROG_QUERY, a, UINT32_MAX));
	if (result != 0)
		return;
	/* on success prog_cnt (written back) <= the capacity we passed */
	for (uint32_t i = 0; p && i < a->query.prog_cnt && i < 16; i++)
		snprintf(ids + strlen(ids), sizeof(ids) - strlen(ids), "%s%" PRIu32, i ? ", " : "", p[i]);
	rl_explain_attach_flags(flags, sizeof(flags), a->query.attach_flags);
	ex_field(x, "attached", "%" PRIu32 " program%s%s%s%s, attach_flags %s", a->query.prog_cnt,
		 a->query.prog_cnt == 1 ? "" : "s", *ids ? " (ids " : "", ids, *ids ? ")" : "", flags);
}

/* ---- test runs, info, ids -------------------------------------------------------- */

void ex_test_run(struct ex *x, const union bpf_attr *a, long result)
{
	ex_fd_field(x, "prog_fd", a->test.prog_fd);
	ex_field(x, "data_in", "%" PRIu32 " bytes (the packet; it never touches a real device)",
		 a->test.data_size_in);
	if (a->test.ctx_size_in)
		ex_field(x, "ctx_in", "%" PRIu32 " bytes", a->test.ctx_size_in);
	ex_field(x, "repeat", "%" PRIu32 "%s", a->test.repeat, a->test.repeat ? "" : " (means 1)");
	ex_field(x, "kernel path", "%s", ex_obj_path(BPF_PROG_TEST_RUN, a, UINT32_MAX));
	if (result == 0)
		ex_field(x, "output", "retval %" PRIu32 " (the program's verdict), %" PRIu32
			 " bytes out, %" PRIu32 " ns per run", a->test.retval, a->test.data_size_out,
			 a->test.duration);
}

/* rawload's own bookkeeping: one line, and for a program what the verifier
 * and the JIT did (struct bpf_prog_info, filled by bpf_prog_get_info_by_fd) */
void ex_info_by_fd(struct ex *x, const union bpf_attr *a, long result)
{
	char fd[200];
	const struct bpf_prog_info *pi = (const struct bpf_prog_info *)(uintptr_t)a->info.info;

	ex_fd_text(x, (int)a->info.bpf_fd, fd, sizeof(fd));
	ex_field(x, "bookkeeping", "rawload reads what %s is: %" PRIu32 " bytes of info"
		 " (bpf_obj_get_info_by_fd -> bpf_{prog,map,btf,link}_get_info_by_fd)", fd, a->info.info_len);
	if (result != 0 || !pi || !strstr(fd, "prog id") ||
	    a->info.info_len < offsetof(struct bpf_prog_info, verified_insns) + sizeof(pi->verified_insns))
		return;
	ex_field(x, "verifier", "walked %" PRIu32 " instructions (verified_insns: every path, each state"
		 " once); %" PRIu32 " after its rewrite (xlated_prog_len %" PRIu32 ")", pi->verified_insns,
		 pi->xlated_prog_len / 8, pi->xlated_prog_len);
	ex_field(x, "JIT", "%" PRIu32 " bytes of machine code, tag %02x%02x%02x%02x%02x%02x%02x%02x,"
		 " kallsyms bpf_prog_%02x%02x%02x%02x%02x%02x%02x%02x_%.16s", pi->jited_prog_len,
		 pi->tag[0], pi->tag[1], pi->tag[2], pi->tag[3], pi->tag[4], pi->tag[5], pi->tag[6], pi->tag[7],
		 pi->tag[0], pi->tag[1], pi->tag[2], pi->tag[3], pi->tag[4], pi->tag[5], pi->tag[6], pi->tag[7],
		 pi->name);
}

void ex_by_id(struct ex *x, int cmd, const union bpf_attr *a, long result)
{
	bool next = cmd == BPF_PROG_GET_NEXT_ID || cmd == BPF_MAP_GET_NEXT_ID || cmd == BPF_BTF_GET_NEXT_ID;

	if (next) {
		ex_field(x, "start_id", "%" PRIu32, a->start_id);
		if (result == 0)
			ex_field(x, "next_id", "%" PRIu32, a->next_id);
		else if (result == -ENOENT)
			ex_field(x, "next_id", "none: no id above start_id (the end of the walk)");
	} else {
		/* prog_id, map_id and btf_id share the slot */
		ex_field(x, "id", "%" PRIu32 " (ids are global; needs CAP_SYS_ADMIN)", a->prog_id);
	}
	ex_field(x, "kernel path", "%s", ex_obj_path(cmd, a, UINT32_MAX));
}
