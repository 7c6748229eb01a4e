/* explain_bpf.c - the story of one bpf(2) call (see explain_bpf.h).
 *
 * This file tells the calls that create kernel objects - BPF_PROG_LOAD,
 * BPF_MAP_CREATE, BPF_BTF_LOAD - and holds the common frame every
 * explanation shares:
 *
 *   CMD (cmd N)
 *     field            value            one line per attr field it reads
 *     kernel path      a -> b -> c      where __sys_bpf() sends it
 *     result           fd 7 = ...       or -13 EACCES (Permission denied)
 *     hint             ...              for the usual failures
 *
 * explain_bpf_obj.c tells the calls that use objects once they exist;
 * explain_frame.c holds the field printers both use.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* strerrorname_np */
#endif
#include "explain_bpf_internal.h"
#include "object.h"     /* rl_prog_type_name, rl_map_type_name, rl_attach_type_name */

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

#include <linux/btf.h>

#define offsetofend(T, f) (offsetof(T, f) + sizeof(((T *)0)->f))
/* Linux 6.4 appended log_true_size to PROG_LOAD and BTF_LOAD (newer than
 * the 6.1 header we build with); sys_bpf.c reads it at the same offsets. */
#define PROG_LOAD_LOG_TRUE_SIZE_OFF offsetofend(union bpf_attr, core_relo_rec_size)
#define BTF_LOAD_LOG_TRUE_SIZE_OFF  offsetofend(union bpf_attr, btf_log_level)

const char *rl_explain_cmd_name(int cmd)
{
#define N(c) [c] = #c
	static const char *const names[] = {
		N(BPF_MAP_CREATE), N(BPF_MAP_LOOKUP_ELEM), N(BPF_MAP_UPDATE_ELEM),
		N(BPF_MAP_DELETE_ELEM), N(BPF_MAP_GET_NEXT_KEY), N(BPF_PROG_LOAD), N(BPF_OBJ_PIN),
		N(BPF_OBJ_GET), N(BPF_PROG_ATTACH), N(BPF_PROG_DETACH), N(BPF_PROG_TEST_RUN),
		N(BPF_PROG_GET_NEXT_ID), N(BPF_MAP_GET_NEXT_ID), N(BPF_PROG_GET_FD_BY_ID),
		N(BPF_MAP_GET_FD_BY_ID), N(BPF_OBJ_GET_INFO_BY_FD), N(BPF_PROG_QUERY),
		N(BPF_RAW_TRACEPOINT_OPEN), N(BPF_BTF_LOAD), N(BPF_BTF_GET_FD_BY_ID),
		N(BPF_TASK_FD_QUERY), N(BPF_MAP_LOOKUP_AND_DELETE_ELEM), N(BPF_MAP_FREEZE),
		N(BPF_BTF_GET_NEXT_ID), N(BPF_MAP_LOOKUP_BATCH), N(BPF_MAP_LOOKUP_AND_DELETE_BATCH),
		N(BPF_MAP_UPDATE_BATCH), N(BPF_MAP_DELETE_BATCH), N(BPF_LINK_CREATE),
		N(BPF_LINK_UPDATE), N(BPF_LINK_GET_FD_BY_ID), N(BPF_LINK_GET_NEXT_ID),
		N(BPF_ENABLE_STATS), N(BPF_ITER_CREATE), N(BPF_LINK_DETACH), N(BPF_PROG_BIND_MAP),
	};
#undef N
	if (cmd < 0 || (size_t)cmd >= sizeof(names) / sizeof(names[0]))
		return NULL;
	return names[cmd];
}

/* ---- BPF_PROG_LOAD -------------------------------------------------------- */

/* kernel/module's license_is_gpl_compatible(): these strings, exactly. */
static bool license_is_gpl(const char *s, size_t n)
{
	static const char *const gpl[] = { "GPL", "GPL v2", "GPL and additional rights",
					   "Dual BSD/GPL", "Dual MIT/GPL", "Dual MPL/GPL" };

	for (size_t i = 0; s && i < sizeof(gpl) / sizeof(gpl[0]); i++)
		if (strlen(gpl[i]) == n && !memcmp(s, gpl[i], n))
			return true;
	return false;
}

/* The verifier's closing words: on success the "processed N insns" summary,
 * on failure the last line before the summary (the reason). */
static void verifier_words(struct ex *x, const union bpf_attr *a, bool ok)
{
	size_t len;
	const char *log = ex_user_str(a->log_buf, a->log_size, &len);
	const char *best = NULL, *line = log;
	size_t best_len = 0;

	if (!log || !a->log_level)
		return;
	while (line && line < log + len) {
		const char *nl = memchr(line, '\n', (size_t)(log + len - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(log + len - line);
		bool summary = n == 0 || !strncmp(line, "processed ", 10) ||
			       !strncmp(line, "verification time", 17) || !strncmp(line, "stack depth", 11);

		if (ok ? !strncmp(line, "processed ", 10) : !summary) {
			best = line;
			best_len = n;
		}
		line = nl ? nl + 1 : NULL;
	}
	if (best)
		ex_field(x, "verifier says", "%.*s", (int)(best_len > 200 ? 200 : best_len), best);
}

/* Linux 6.x kernel/bpf/syscall.c bpf_prog_load(); checked on 6.18. */
static const char prog_load_tree[] =
	"bpf_prog_load\n"
	"  bpf_prog_alloc              the program's memory, the insns copied in\n"
	"  security_bpf_prog_load      LSM hook\n"
	"  bpf_check                   the verifier: walks every path, then rewrites the code\n"
	"  bpf_prog_select_runtime\n"
	"    bpf_int_jit_compile       the JIT: BPF insns to machine code\n"
	"  bpf_prog_kallsyms_add       bpf_prog_<tag>_<name> appears in /proc/kallsyms\n"
	"  bpf_prog_alloc_id           the global prog id (idr_alloc_cyclic)\n"
	"  bpf_prog_new_fd             the fd (anon_inode_getfd)\n";

static const char *err_name(long result)
{
	const char *n = strerrorname_np((int)-result);

	return n ? n : "error";
}

/* Where the source raises each errno of BPF_PROG_LOAD. */
static const char *prog_load_stop(const union bpf_attr *a, long result)
{
	size_t len = 0;
	const char *log = a->log_level ? ex_user_str(a->log_buf, a->log_size, &len) : NULL;

	if (result >= 0)
		return NULL;
	switch (-result) {
	case EPERM: case E2BIG: case EFAULT:
		return "bpf_prog_load";         /* capabilities, attr and insn copy checks */
	case ENOMEM:
		return "bpf_prog_alloc";
	case EACCES: case ENOSPC:
		return "bpf_check";
	case EINVAL:
		/* a verifier refusal leaves words in the log; without a log the
		 * attr checks of bpf_prog_load are as likely */
		return log && len ? "bpf_check" : "";
	case 524:       /* ENOTSUPP: the JIT failed and there is no interpreter */
		return "bpf_prog_select_runtime";
	}
	return "";
}

static void explain_prog_load(struct ex *x, const union bpf_attr *a, long result)
{
	char flags[160], at[48];
	size_t lic_len;
	const char *lic = ex_user_str(a->license, 128, &lic_len);
	uint32_t true_size;

	ex_field(x, "prog_type", "BPF_PROG_TYPE_%s (%" PRIu32 ")", rl_prog_type_name(a->prog_type),
		 a->prog_type);
	ex_field(x, "prog_name", "\"%.*s\"", BPF_OBJ_NAME_LEN, a->prog_name);
	ex_field(x, "insns", "%" PRIu32 " instructions, %zu bytes", a->insn_cnt,
		 (size_t)a->insn_cnt * sizeof(struct bpf_insn));
	ex_field(x, "license", "\"%.*s\" (%s)", (int)lic_len, lic ? lic : "",
		 license_is_gpl(lic, lic_len) ? "GPL-compatible: GPL-only helpers allowed"
					      : "not GPL-compatible: GPL-only helpers refused");
	/* bpf_prog_load_check_attach() checks it against prog_type; only some
	 * types (cgroup sock_addr/sockopt, tracing, sk_lookup, ...) need it to
	 * match again at attach time - XDP, SOCK_OPS and SK_MSG attach with 0 */
	if (a->expected_attach_type)
		ex_field(x, "expected_attach", "%s: checked against prog_type now", 
			 ex_attach_name(a->expected_attach_type, at, sizeof(at)));
	else
		ex_field(x, "expected_attach", "0 (this program type needs none)");
	if (a->attach_btf_id)
		ex_field(x, "attach_btf_id", "%" PRIu32 ": the hooked kernel type, by its id in %s BTF",
			 a->attach_btf_id, a->attach_btf_obj_fd ? "a module's" : "vmlinux's");
	if (a->fd_array)
		ex_field(x, "fd_array", "module BTF fds for kfunc calls (call insn off = index)");
	ex_prog_flags_text(flags, sizeof(flags), a->prog_flags);
	ex_field(x, "prog_flags", "%s", flags);
	if (a->kern_version)
		ex_field(x, "kern_version", "%#" PRIx32, a->kern_version);
	if (a->prog_btf_fd)
		ex_fd_field(x, "prog_btf_fd", a->prog_btf_fd);
	if (a->func_info_cnt)
		ex_field(x, "func_info", "%" PRIu32 " record%s of %" PRIu32 " bytes (which insn starts which function)",
			 a->func_info_cnt, a->func_info_cnt == 1 ? "" : "s", a->func_info_rec_size);
	if (a->line_info_cnt)
		ex_field(x, "line_info", "%" PRIu32 " record%s of %" PRIu32 " bytes (source lines for the log)",
			 a->line_info_cnt, a->line_info_cnt == 1 ? "" : "s", a->line_info_rec_size);
	if (a->log_level)
		ex_field(x, "log", "level %" PRIu32 ", buffer of %" PRIu32 " bytes", a->log_level, a->log_size);
	else
		ex_field(x, "log", "none requested (level 0)");
	memcpy(&true_size, (const char *)a + PROG_LOAD_LOG_TRUE_SIZE_OFF, sizeof(true_size));
	if (a->log_level && true_size)
		ex_field(x, "log_true_size", "%" PRIu32 " bytes (the whole log; written back by Linux >= 6.4)",
			 true_size);
	ex_path(x, prog_load_tree, prog_load_stop(a, result), result < 0 ? err_name(result) : NULL);
	if (result >= 0)
		ex_field(x, "verdict", "accepted by the verifier and JIT-compiled (the JIT runs on every load when"
			 " net.core.bpf_jit_enable is 1 or the kernel has BPF_JIT_ALWAYS_ON)");
	else if (result == -EACCES || result == -EINVAL)
		ex_field(x, "verdict", "refused%s", a->log_level ? "" : " (no log was asked for this attempt)");
	else
		ex_field(x, "verdict", "not verified: the call failed before or outside the verifier");
	verifier_words(x, a, result >= 0);
}

/* ---- BPF_MAP_CREATE ------------------------------------------------------- */

/* struct bpf_map_ops of each type, from include/linux/bpf_types.h:
 * map_create() calls ops->map_alloc of the one registered for map_type. */
static const char *map_ops_name(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_HASH:             return "htab_map_ops";
	case BPF_MAP_TYPE_ARRAY:            return "array_map_ops";
	case BPF_MAP_TYPE_PROG_ARRAY:       return "prog_array_map_ops";
	case BPF_MAP_TYPE_PERCPU_HASH:      return "htab_percpu_map_ops";
	case BPF_MAP_TYPE_PERCPU_ARRAY:     return "percpu_array_map_ops";
	case BPF_MAP_TYPE_LRU_HASH:         return "htab_lru_map_ops";
	case BPF_MAP_TYPE_LRU_PERCPU_HASH:  return "htab_lru_percpu_map_ops";
	case BPF_MAP_TYPE_LPM_TRIE:         return "trie_map_ops";
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:    return "array_of_maps_map_ops";
	case BPF_MAP_TYPE_HASH_OF_MAPS:     return "htab_of_maps_map_ops";
	case BPF_MAP_TYPE_DEVMAP:           return "dev_map_ops";
	case BPF_MAP_TYPE_SOCKMAP:          return "sock_map_ops";
	case BPF_MAP_TYPE_SOCKHASH:         return "sock_hash_ops";
	case BPF_MAP_TYPE_CPUMAP:           return "cpu_map_ops";
	case BPF_MAP_TYPE_QUEUE:            return "queue_map_ops";
	case BPF_MAP_TYPE_STACK:            return "stack_map_ops";
	case BPF_MAP_TYPE_RINGBUF:          return "ringbuf_map_ops";
	}
	return NULL;
}

static const char *map_note(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_PROG_ARRAY:
		return "slots of programs for bpf_tail_call(); the kernel empties it when the last user fd or pin goes";
	case BPF_MAP_TYPE_SOCKMAP:
	case BPF_MAP_TYPE_SOCKHASH:
		return "holds sockets; sk_msg/sk_skb programs attached to the map run on them";
	case BPF_MAP_TYPE_ARRAY_OF_MAPS:
	case BPF_MAP_TYPE_HASH_OF_MAPS:
		return "holds other maps; inner_map_fd gave the shape every inner map must have";
	case BPF_MAP_TYPE_PERCPU_ARRAY:
	case BPF_MAP_TYPE_PERCPU_HASH:
		return "one value per possible CPU: no atomics needed to count";
	}
	return NULL;
}

/* Global data: .data, .rodata*, .bss become one-entry arrays whose kernel
 * names end in the section name (e.g. "bpf_cont.rodata"). */
static const char *global_data_note(const char name[BPF_OBJ_NAME_LEN])
{
	const char *dot = memchr(name, '.', BPF_OBJ_NAME_LEN);

	if (!dot)
		return NULL;
	if (!strncmp(dot, ".rodata", 7))
		return "the object's constants (.rodata): filled, then frozen; BPF_F_RDONLY_PROG keeps programs from writing";
	if (!strncmp(dot, ".data", 5) || !strncmp(dot, ".bss", 4))
		return "the object's global variables: one array entry, the programs read and write it in place";
	return NULL;
}

static void explain_map_create(struct ex *x, const union bpf_attr *a, long result)
{
	char flags[200];
	const char *note = map_note(a->map_type);

	if (!note && a->map_type == BPF_MAP_TYPE_ARRAY && a->max_entries == 1)
		note = global_data_note(a->map_name);

	ex_field(x, "map_type", "BPF_MAP_TYPE_%s (%" PRIu32 ")", rl_map_type_name(a->map_type), a->map_type);
	ex_field(x, "map_name", "\"%.*s\"", BPF_OBJ_NAME_LEN, a->map_name);
	ex_field(x, "key_size", "%" PRIu32, a->key_size);
	ex_field(x, "value_size", "%" PRIu32, a->value_size);
	ex_field(x, "max_entries", "%" PRIu32, a->max_entries);
	rl_explain_map_flags(flags, sizeof(flags), a->map_flags);
	ex_field(x, "map_flags", "%s", flags);
	if (a->map_flags & BPF_F_NUMA_NODE)
		ex_field(x, "numa_node", "%" PRIu32, a->numa_node);
	if (a->btf_key_type_id || a->btf_value_type_id) {
		ex_fd_field(x, "btf_fd", a->btf_fd);
		ex_field(x, "btf type ids", "key %" PRIu32 ", value %" PRIu32 " (map_check_btf() compares their sizes)",
			 a->btf_key_type_id, a->btf_value_type_id);
	}
	if (a->inner_map_fd)
		ex_fd_field(x, "inner_map_fd", a->inner_map_fd);
	if (a->map_extra)
		ex_field(x, "map_extra", "%" PRIu64, (uint64_t)a->map_extra);
	if (note)
		ex_field(x, "what it is", "%s", note);
	if ((a->map_type == BPF_MAP_TYPE_SOCKHASH) && a->key_size == 36)
		ex_field(x, "the key", "36 bytes, as rawload's sockredir objects build it (bpf/sock_key.h):"
			 " local and remote address as 16-byte IPv6 (IPv4 v4-mapped), then local and remote"
			 " port (2 bytes each); the seed lab's sock_key is 20 bytes (sip, dip, sport, dport, family)");
	{
		char tree[512];
		const char *ops = map_ops_name(a->map_type);
		bool btf = a->btf_key_type_id || a->btf_value_type_id;
		const char *stop = NULL;

		snprintf(tree, sizeof(tree),
			 "map_create\n"
			 "  %s.map_alloc the map's memory%s\n"
			 "%s"
			 "  bpf_map_alloc_id            the global map id\n"
			 "  bpf_map_new_fd              the fd\n",
			 ops ? ops : "ops",
			 ops ? "" : " (the ops of this map_type)",
			 btf ? "  map_check_btf               the key/value types against key_size/value_size\n" : "");
		if (result < 0)
			stop = result == -EPERM || result == -EINVAL || result == -E2BIG ? "map_create"
			     : result == -ENOMEM ? "ops.map_alloc" : "";
		if (result == -ENOMEM && ops) {
			char fn[64];

			snprintf(fn, sizeof(fn), "%s.map_alloc", ops);
			ex_path(x, tree, fn, err_name(result));
		} else {
			ex_path(x, tree, stop, result < 0 ? err_name(result) : NULL);
		}
	}
}

/* ---- BPF_BTF_LOAD --------------------------------------------------------- */

static void explain_btf_load(struct ex *x, const union bpf_attr *a, long result)
{
	const struct btf_header *h = (const struct btf_header *)(uintptr_t)a->btf;
	uint32_t true_size;

	ex_field(x, "btf_size", "%" PRIu32 " bytes of .BTF (types and their names)", a->btf_size);
	if (h && a->btf_size >= sizeof(*h))
		ex_field(x, "btf header", "magic %#x, version %u, %" PRIu32 " bytes of types, %" PRIu32
			 " bytes of strings", h->magic, h->version, h->type_len, h->str_len);
	if (a->btf_log_level)
		ex_field(x, "log", "level %" PRIu32 ", buffer of %" PRIu32 " bytes", a->btf_log_level,
			 a->btf_log_size);
	else
		ex_field(x, "log", "none requested (level 0)");
	memcpy(&true_size, (const char *)a + BTF_LOAD_LOG_TRUE_SIZE_OFF, sizeof(true_size));
	if (a->btf_log_level && true_size)
		ex_field(x, "log_true_size", "%" PRIu32 " bytes", true_size);
	ex_path(x, "bpf_btf_load\n"
		   "  btf_new_fd\n"
		   "    btf_parse                 checks every type\n"
		   "    btf_alloc_id              the global BTF id\n"
		   "    anon_inode_getfd          the fd\n",
		result >= 0 ? NULL : result == -EPERM ? "bpf_btf_load" : result == -ENOMEM ? "" : "btf_parse",
		result < 0 ? err_name(result) : NULL);
}

/* ---- paths ---------------------------------------------------------------- */

const char *rl_explain_bpf_path(int cmd, const union bpf_attr *a)
{
	switch (cmd) {
	case BPF_PROG_LOAD:
		return "bpf_prog_load -> bpf_check (the verifier) -> bpf_prog_select_runtime (JIT)"
		       " -> bpf_prog_alloc_id -> bpf_prog_new_fd";
	case BPF_MAP_CREATE:
		return "map_create -> ops->map_alloc -> bpf_map_alloc_id -> bpf_map_new_fd";
	case BPF_BTF_LOAD:
		return "bpf_btf_load -> btf_new_fd -> btf_parse (checks every type) -> btf_alloc_id";
	}
	return ex_obj_path(cmd, a, UINT32_MAX);
}

/* ---- the result ----------------------------------------------------------- */

static bool cmd_returns_fd(int cmd)
{
	switch (cmd) {
	case BPF_MAP_CREATE: case BPF_PROG_LOAD: case BPF_OBJ_GET: case BPF_BTF_LOAD:
	case BPF_PROG_GET_FD_BY_ID: case BPF_MAP_GET_FD_BY_ID: case BPF_BTF_GET_FD_BY_ID:
	case BPF_LINK_CREATE: case BPF_LINK_GET_FD_BY_ID: case BPF_RAW_TRACEPOINT_OPEN:
		return true;
	}
	return false;
}

/* The usual reasons, in the kernel's terms. */
static const char *hint(int cmd, int err)
{
	static const struct { int cmd, err; const char *text; } hints[] = {
		{ BPF_PROG_LOAD, EPERM, "needs CAP_BPF (and CAP_NET_ADMIN for network types): run as root" },
		{ BPF_PROG_LOAD, EACCES, "the verifier refused the program: its log says at which instruction" },
		{ BPF_PROG_LOAD, EINVAL, "a bad attr field or a verifier refusal: the log tells which" },
		{ BPF_PROG_LOAD, E2BIG, "insn_cnt is 0 or over the limit, or the attr has bytes this kernel does not know" },
		{ BPF_MAP_CREATE, EINVAL, "this map type refuses these sizes or flags (ops->map_alloc_check)" },
		{ BPF_MAP_CREATE, EPERM, "needs CAP_BPF (kernels < 5.11 also charge RLIMIT_MEMLOCK)" },
		{ BPF_BTF_LOAD, EINVAL, "btf_parse() refused a type; a log (level 1) names it" },
		{ BPF_OBJ_PIN, EEXIST, "the path exists already: unlink it or pin elsewhere" },
		{ BPF_OBJ_PIN, EPERM, "the directory is not on bpffs, or the name has a '.' (bpffs refuses dots: bpf_lookup)" },
		{ BPF_OBJ_PIN, ENOENT, "the directory does not exist" },
		{ BPF_OBJ_GET, ENOENT, "nothing is pinned at that path" },
		{ BPF_PROG_ATTACH, EBADF, "target_fd is not what this attach type needs (a cgroup v2 directory, a sockmap)" },
		{ BPF_PROG_ATTACH, EINVAL, "attach type and program type disagree, or flags this target refuses" },
		{ BPF_PROG_ATTACH, EPERM, "a program without BPF_F_ALLOW_MULTI/OVERRIDE already sits there" },
		{ BPF_PROG_DETACH, ENOENT, "that program is not attached there" },
		{ BPF_MAP_UPDATE_ELEM, E2BIG, "the index is >= max_entries" },
		{ BPF_MAP_UPDATE_ELEM, EEXIST, "BPF_NOEXIST, and the key exists" },
		{ BPF_MAP_UPDATE_ELEM, EPERM, "the map is frozen (or read-only for the syscall side)" },
		{ BPF_MAP_LOOKUP_ELEM, ENOENT, "no element has that key" },
		{ BPF_MAP_DELETE_ELEM, ENOENT, "no element has that key" },
		{ BPF_MAP_DELETE_ELEM, EINVAL, "arrays cannot delete: their elements always exist (array_map_delete_elem)" },
		{ BPF_MAP_GET_NEXT_KEY, ENOENT, "no key after this one (or the map is empty): the walk is over" },
		{ BPF_MAP_FREEZE, EBUSY, "frozen already, or a writable mmap of it exists" },
		{ BPF_PROG_GET_FD_BY_ID, ENOENT, "no program has that id (any more)" },
		{ BPF_MAP_GET_FD_BY_ID, ENOENT, "no map has that id (any more)" },
		{ BPF_BTF_GET_FD_BY_ID, ENOENT, "no BTF object has that id (any more)" },
	};

	for (size_t i = 0; i < sizeof(hints) / sizeof(hints[0]); i++)
		if (hints[i].cmd == cmd && hints[i].err == err)
			return hints[i].text;
	return NULL;
}

static void explain_result(struct ex *x, int cmd, long result, int err)
{
	char text[200];
	const char *h;

	if (cmd == BPF_OBJ_GET_INFO_BY_FD && result == 0)
		return;         /* told in its one bookkeeping line */
	if (result < 0 || err) {
		const char *name = strerrorname_np(err);

		ex_field(x, "result", "%ld %s (%s)", result, name ? name : "errno", strerror(err));
		h = hint(cmd, err);
		if (h)
			ex_field(x, "hint", "%s", h);
	} else if (cmd_returns_fd(cmd)) {
		ex_fd_text(x, (int)result, text, sizeof(text));
		ex_field(x, "result", "%s (a new reference, closed with the fd)", text);
	} else {
		ex_field(x, "result", "%ld (success)", result);
	}
}

static void explain_call(struct ex *x, int cmd, const union bpf_attr *a, long result, int err)
{
	const char *name = rl_explain_cmd_name(cmd);

	if (name)
		rl_tb_printf(&x->b, "%s (bpf cmd %d)\n", name, cmd);
	else
		rl_tb_printf(&x->b, "bpf cmd %d (unknown to this build)\n", cmd);
	switch (cmd) {
	case BPF_PROG_LOAD:        explain_prog_load(x, a, result); break;
	case BPF_MAP_CREATE:       explain_map_create(x, a, result); break;
	case BPF_BTF_LOAD:         explain_btf_load(x, a, result); break;
	case BPF_MAP_UPDATE_ELEM: case BPF_MAP_LOOKUP_ELEM:
	case BPF_MAP_DELETE_ELEM: case BPF_MAP_GET_NEXT_KEY:
		ex_map_elem(x, cmd, a, result);
		break;
	case BPF_MAP_FREEZE:       ex_map_freeze(x, a); break;
	case BPF_OBJ_PIN: case BPF_OBJ_GET:
		ex_obj_pin_get(x, cmd, a, result);
		break;
	case BPF_PROG_ATTACH: case BPF_PROG_DETACH:
		ex_prog_attach(x, cmd, a, result);
		break;
	case BPF_PROG_QUERY:       ex_prog_query(x, a, result); break;
	case BPF_LINK_CREATE:      ex_link_create(x, a, result); break;
	case BPF_LINK_DETACH:      ex_link_detach(x, a, result); break;
	case BPF_PROG_TEST_RUN:    ex_test_run(x, a, result); break;
	case BPF_OBJ_GET_INFO_BY_FD: ex_info_by_fd(x, a, result); break;
	case BPF_PROG_GET_FD_BY_ID: case BPF_MAP_GET_FD_BY_ID: case BPF_BTF_GET_FD_BY_ID:
	case BPF_PROG_GET_NEXT_ID: case BPF_MAP_GET_NEXT_ID: case BPF_BTF_GET_NEXT_ID:
		ex_by_id(x, cmd, a, result);
		break;
	default:
		break;  /* named, and its result below: rawload sends no other command */
	}
	explain_result(x, cmd, result, err);
}

size_t rl_explain_bpf_call_fds(char *out, size_t outlen, int cmd, const union bpf_attr *a,
			       long result, int err, const struct rl_explain_fd_ops *fds)
{
	struct ex x = { .fds = fds };

	rl_tb_init(&x.b, out, outlen);
	explain_call(&x, cmd, a, result, err);
	return x.b.len;
}

size_t rl_explain_bpf_step(char *out, size_t outlen, unsigned step, int cmd, const union bpf_attr *a,
			   long result, int err, const struct rl_explain_fd_ops *fds)
{
	struct ex x = { .fds = fds };

	rl_tb_init(&x.b, out, outlen);
	rl_tb_printf(&x.b, "\n[%u] ", step);
	explain_call(&x, cmd, a, result, err);
	return x.b.len;
}

size_t rl_explain_bpf_call(char *out, size_t outlen, int cmd, const union bpf_attr *attr,
			   long result, int err)
{
	return rl_explain_bpf_call_fds(out, outlen, cmd, attr, result, err, NULL);
}
