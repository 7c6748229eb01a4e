/* test_explain.c - golden tests for the --explain formatters.
 *
 * Each case feeds a fixed union bpf_attr (or instruction array) to a pure
 * formatter and compares the WHOLE text.  Values that differ between runs
 * on a real machine - fds, object ids, cgroup paths - come from a fake fd
 * describer with fixed answers, so the goldens are normalised by
 * construction; pointers are never printed, only what they point to.
 */
#include "explain_bpf.h"
#include "insn_dump.h"
#include "unit.h"

#include <errno.h>

/* ---- a fake process: fixed answers for fds 3..8 ---------------------------- */

static bool fake_describe(void *ctx, int fd, char *out, size_t len)
{
	(void)ctx;
	switch (fd) {
	case 3: snprintf(out, len, "btf id 100"); return true;
	case 4: snprintf(out, len, "map id 200 (SOCKHASH)"); return true;
	case 5: snprintf(out, len, "prog id 300 (SK_MSG)"); return true;
	case 6: snprintf(out, len, "cgroup v2 directory /sys/fs/cgroup/test"); return true;
	case 7: snprintf(out, len, "map id 201 (PROG_ARRAY)"); return true;
	case 8: snprintf(out, len, "prog id 301 (XDP)"); return true;
	}
	return false;
}

static bool fake_shape(void *ctx, int fd, uint32_t *type, uint32_t *ksize, uint32_t *vsize)
{
	(void)ctx;
	if (fd == 7) {
		*type = BPF_MAP_TYPE_PROG_ARRAY, *ksize = 4, *vsize = 4;
		return true;
	}
	if (fd == 4) {
		*type = BPF_MAP_TYPE_ARRAY, *ksize = 4, *vsize = 8;
		return true;
	}
	return false;
}

static const struct rl_explain_fd_ops fds = { fake_describe, fake_shape, NULL };

/* ld_imm64 of a map, a bpf-to-bpf call, a helper call, a branch, a load, exit */
static const struct bpf_insn prog[] = {
	{ .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 1, .src_reg = BPF_PSEUDO_MAP_FD, .imm = 4 },
	{ 0 },
	{ .code = BPF_JMP | BPF_CALL, .src_reg = BPF_PSEUDO_CALL, .imm = 3 },
	{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_map_lookup_elem },
	{ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = 0, .off = 1, .imm = 0 },
	{ .code = BPF_LDX | BPF_MEM | BPF_W, .dst_reg = 2, .src_reg = 1, .off = 4 },
	{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 2 },
	{ .code = BPF_JMP | BPF_EXIT },
};

static char verifier_log[] =
	"0: R1=ctx() R10=fp0\n"
	"; if (x) @ t.c:3\n"
	"1: (71) r1 = *(u8 *)(r1 +0)\n"
	"invalid access to packet, off=0 size=1, R1(id=0,off=0,r=0)\n"
	"R1 offset is outside of the packet\n"
	"processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";

/* ---- goldens ---------------------------------------------------------------- */

static const char PROG_LOAD_OK[] =
	"BPF_PROG_LOAD (bpf cmd 5)\n"
	"  prog_type        BPF_PROG_TYPE_XDP (6)\n"
	"  prog_name        \"xdp_test\"\n"
	"  insns            8 instructions, 64 bytes\n"
	"  license          \"GPL\" (GPL-compatible: GPL-only helpers allowed)\n"
	"  expected_attach  BPF_XDP: checked now, required again at attach time\n"
	"  prog_flags       0\n"
	"  prog_btf_fd      fd 3 = btf id 100\n"
	"  func_info        2 records of 8 bytes (which insn starts which function)\n"
	"  line_info        1 record of 16 bytes (source lines for the log)\n"
	"  log              none requested (level 0)\n"
	"  kernel path      bpf_prog_load -> bpf_check (the verifier) -> bpf_prog_select_runtime (JIT) -> bpf_prog_alloc_id -> bpf_prog_new_fd\n"
	"  verdict          accepted by the verifier (then JIT-compiled when net.core.bpf_jit_enable is on)\n"
	"  result           fd 8 = prog id 301 (XDP) (a new reference, closed with the fd)\n";

static const char PROG_LOAD_REFUSED[] =
	"BPF_PROG_LOAD (bpf cmd 5)\n"
	"  prog_type        BPF_PROG_TYPE_XDP (6)\n"
	"  prog_name        \"xdp_test\"\n"
	"  insns            8 instructions, 64 bytes\n"
	"  license          \"Proprietary\" (not GPL-compatible: GPL-only helpers refused)\n"
	"  expected_attach  BPF_XDP: checked now, required again at attach time\n"
	"  prog_flags       0\n"
	"  prog_btf_fd      fd 3\n"
	"  func_info        2 records of 8 bytes (which insn starts which function)\n"
	"  line_info        1 record of 16 bytes (source lines for the log)\n"
	"  log              level 1, buffer of 257 bytes\n"
	"  kernel path      bpf_prog_load -> bpf_check (the verifier) -> bpf_prog_select_runtime (JIT) -> bpf_prog_alloc_id -> bpf_prog_new_fd\n"
	"  verdict          refused\n"
	"  verifier says    R1 offset is outside of the packet\n"
	"  result           -13 EACCES (Permission denied)\n"
	"  hint             the verifier refused the program: its log says at which instruction\n";

static const char MAP_CREATE_SOCKHASH[] =
	"BPF_MAP_CREATE (bpf cmd 0)\n"
	"  map_type         BPF_MAP_TYPE_SOCKHASH (18)\n"
	"  map_name         \"sock_ops_map\"\n"
	"  key_size         20\n"
	"  value_size       4\n"
	"  max_entries      65535\n"
	"  map_flags        BPF_F_NO_PREALLOC|0x100000\n"
	"  btf_fd           fd 3 = btf id 100\n"
	"  btf type ids     key 5, value 6 (map_check_btf() compares their sizes)\n"
	"  what it is       holds sockets; sk_msg/sk_skb programs attached to the map run on them\n"
	"  kernel path      map_create -> sock_hash_ops.map_alloc -> bpf_map_alloc_id -> bpf_map_new_fd\n"
	"  result           fd 4 = map id 200 (SOCKHASH) (a new reference, closed with the fd)\n";

static const char ATTACH_SOCK_OPS[] =
	"BPF_PROG_ATTACH (bpf cmd 8)\n"
	"  target_fd        fd 6 = cgroup v2 directory /sys/fs/cgroup/test\n"
	"  attach_bpf_fd    fd 5 = prog id 300 (SK_MSG)\n"
	"  attach_type      BPF_CGROUP_SOCK_OPS (3)\n"
	"  attach_flags     BPF_F_ALLOW_MULTI\n"
	"  meaning          a list: programs attached here and in ancestor cgroups all run, in order; nobody else's program is replaced\n"
	"  holder           the cgroup holds the program until detach (or until the cgroup is removed)\n"
	"  kernel path      bpf_prog_attach -> cgroup_bpf_prog_attach -> cgroup_get_from_fd -> cgroup_bpf_attach -> __cgroup_bpf_attach\n"
	"  result           0 (success)\n";

static const char ATTACH_SK_MSG[] =
	"BPF_PROG_ATTACH (bpf cmd 8)\n"
	"  target_fd        fd 4 = map id 200 (SOCKHASH)\n"
	"  attach_bpf_fd    fd 5 = prog id 300 (SK_MSG)\n"
	"  attach_type      BPF_SK_MSG_VERDICT (7)\n"
	"  attach_flags     0\n"
	"  holder           the map holds the program (one slot per attach type); it runs for every socket in the map\n"
	"  kernel path      bpf_prog_attach -> sock_map_get_from_fd -> sock_map_prog_update\n"
	"  result           0 (success)\n";

static const char PIN_EEXIST[] =
	"BPF_OBJ_PIN (bpf cmd 6)\n"
	"  pathname         \"/sys/fs/bpf/rawload/x/prog\"\n"
	"  bpf_fd           fd 8 = prog id 301 (XDP)\n"
	"  lifetime         the pin is a reference of its own: the object outlives this process until unlink(2) of the path\n"
	"  kernel path      bpf_obj_pin -> bpf_obj_pin_user -> bpf_fd_probe_obj -> bpf_obj_do_pin -> vfs_mkobj (a file in bpffs holds a reference)\n"
	"  result           -17 EEXIST (File exists)\n"
	"  hint             the path exists already: unlink it or pin elsewhere\n";

static const char UPDATE_PROG_ARRAY[] =
	"BPF_MAP_UPDATE_ELEM (bpf cmd 2)\n"
	"  map_fd           fd 7 = map id 201 (PROG_ARRAY)\n"
	"  key              02 00 00 00 (4 bytes)\n"
	"  value            fd 8 = prog id 301 (XDP) (the kernel stores the object, not the fd)\n"
	"  flags            BPF_ANY (create or replace)\n"
	"  kernel path      map_update_elem -> bpf_map_update_value -> bpf_fd_array_map_update_elem (the slot takes a reference on the object behind the fd)\n"
	"  result           0 (success)\n";

static const char QUERY_CGROUP[] =
	"BPF_PROG_QUERY (bpf cmd 16)\n"
	"  target_fd        fd 6 = cgroup v2 directory /sys/fs/cgroup/test\n"
	"  attach_type      BPF_CGROUP_SOCK_OPS (3)\n"
	"  kernel path      bpf_prog_query -> cgroup_bpf_prog_query -> cgroup_bpf_query\n"
	"  attached         2 programs (ids 300, 301), attach_flags BPF_F_ALLOW_MULTI\n"
	"  result           0 (success)\n";

static const char INSN_LISTING[] =
	"   idx  code class  dst src    off         imm  meaning\n"
	"     0  0x18 LD     r1  r1      +0           4  r1 = map fd 4  [BPF_PSEUDO_MAP_FD: the verifier swaps in the map's address]\n"
	"     1  0x00        r0  r0      +0           0  (second half of ld_imm64: upper 32 bits)\n"
	"     2  0x85 JMP    r0  r1      +0           3  call pc+3 -> 6  [BPF_PSEUDO_CALL: bpf-to-bpf, a subprogram]\n"
	"     3  0x85 JMP    r0  r0      +0           1  call bpf_map_lookup_elem#1\n"
	"     4  0x15 JMP    r0  r0      +1           0  if r0 == 0 goto pc+1 -> 6\n"
	"     5  0x61 LDX    r2  r1      +4           0  r2 = *(u32 *)(r1 +4)\n"
	"     6  0xb7 ALU64  r0  r0      +0           2  r0 = 2\n"
	"     7  0x95 JMP    r0  r0      +0           0  exit  (return r0)\n";

/* ---- cases ------------------------------------------------------------------ */

static char out[16384];

static void prog_load_attr(union bpf_attr *a)
{
	memset(a, 0, sizeof(*a));
	a->prog_type = BPF_PROG_TYPE_XDP;
	a->insn_cnt = sizeof(prog) / sizeof(prog[0]);
	a->insns = (uintptr_t)prog;
	a->license = (uintptr_t)"GPL";
	strcpy(a->prog_name, "xdp_test");
	a->expected_attach_type = BPF_XDP;
	a->prog_btf_fd = 3;
	a->func_info_cnt = 2;
	a->func_info_rec_size = 8;
	a->line_info_cnt = 1;
	a->line_info_rec_size = 16;
}

static void test_prog_load_accepted(void)
{
	union bpf_attr a;

	prog_load_attr(&a);
	rl_explain_bpf_call_fds(out, sizeof(out), BPF_PROG_LOAD, &a, 8, 0, &fds);
	CHECK_STR(out, PROG_LOAD_OK);
}

/* Without describers fds stay numbers; the log's reason line is quoted. */
static void test_prog_load_refused(void)
{
	union bpf_attr a;

	prog_load_attr(&a);
	a.log_buf = (uintptr_t)verifier_log;
	a.log_size = sizeof(verifier_log);
	a.log_level = 1;
	a.license = (uintptr_t)"Proprietary";
	rl_explain_bpf_call(out, sizeof(out), BPF_PROG_LOAD, &a, -EACCES, EACCES);
	CHECK_STR(out, PROG_LOAD_REFUSED);
}

/* On success with a log, the verifier's summary line is the verdict's proof. */
static void test_prog_load_summary_line(void)
{
	union bpf_attr a;

	prog_load_attr(&a);
	a.log_buf = (uintptr_t)verifier_log;
	a.log_size = sizeof(verifier_log);
	a.log_level = 1;
	rl_explain_bpf_call_fds(out, sizeof(out), BPF_PROG_LOAD, &a, 8, 0, &fds);
	CHECK_CONTAINS(out, "  verifier says    processed 2 insns (limit 1000000)");
}

static void test_map_create_sockhash(void)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_SOCKHASH;
	a.key_size = 20;
	a.value_size = 4;
	a.max_entries = 65535;
	strcpy(a.map_name, "sock_ops_map");
	a.btf_fd = 3;
	a.btf_key_type_id = 5;
	a.btf_value_type_id = 6;
	a.map_flags = BPF_F_NO_PREALLOC | (1u << 20);   /* a bit this build cannot name */
	rl_explain_bpf_call_fds(out, sizeof(out), BPF_MAP_CREATE, &a, 4, 0, &fds);
	CHECK_STR(out, MAP_CREATE_SOCKHASH);
}

/* Global data arrays are recognised by their kernel name's section suffix. */
static void test_map_create_global_data(void)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 43;
	a.max_entries = 1;
	a.map_flags = BPF_F_RDONLY_PROG;
	strcpy(a.map_name, "bpf_cont.rodata");
	rl_explain_bpf_call(out, sizeof(out), BPF_MAP_CREATE, &a, 5, 0);
	CHECK_CONTAINS(out, "  what it is       the object's constants (.rodata)");
	CHECK_CONTAINS(out, "  map_flags        BPF_F_RDONLY_PROG\n");
	CHECK_CONTAINS(out, "map_create -> array_map_ops.map_alloc");
	CHECK_CONTAINS(out, "  result           fd 5 (a new reference, closed with the fd)\n");
	strcpy(a.map_name, "counters.bss");
	rl_explain_bpf_call(out, sizeof(out), BPF_MAP_CREATE, &a, 5, 0);
	CHECK_CONTAINS(out, "the object's global variables");
	strcpy(a.map_name, "plain_array");
	rl_explain_bpf_call(out, sizeof(out), BPF_MAP_CREATE, &a, 5, 0);
	CHECK(!strstr(out, "what it is"));
}

static void test_attach_cgroup_and_sockmap(void)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.target_fd = 6;
	a.attach_bpf_fd = 5;
	a.attach_type = BPF_CGROUP_SOCK_OPS;
	a.attach_flags = BPF_F_ALLOW_MULTI;
	rl_explain_bpf_call_fds(out, sizeof(out), BPF_PROG_ATTACH, &a, 0, 0, &fds);
	CHECK_STR(out, ATTACH_SOCK_OPS);

	a.target_fd = 4;
	a.attach_type = BPF_SK_MSG_VERDICT;
	a.attach_flags = 0;
	rl_explain_bpf_call_fds(out, sizeof(out), BPF_PROG_ATTACH, &a, 0, 0, &fds);
	CHECK_STR(out, ATTACH_SK_MSG);
}

static void test_detach_and_query_paths(void)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.attach_type = BPF_SK_MSG_VERDICT;
	CHECK_STR(rl_explain_bpf_path(BPF_PROG_DETACH, &a),
		  "bpf_prog_detach -> sock_map_prog_detach -> sock_map_prog_update");
	a.attach_type = BPF_CGROUP_SOCK_OPS;
	CHECK_STR(rl_explain_bpf_path(BPF_PROG_DETACH, &a),
		  "bpf_prog_detach -> cgroup_bpf_prog_detach -> cgroup_bpf_detach -> __cgroup_bpf_detach");
	memset(&a, 0, sizeof(a));
	a.query.attach_type = BPF_SK_MSG_VERDICT;
	CHECK_STR(rl_explain_bpf_path(BPF_PROG_QUERY, &a), "bpf_prog_query -> sock_map_bpf_prog_query");
	CHECK_CONTAINS(rl_explain_bpf_path(BPF_MAP_CREATE, &a), "ops->map_alloc");
	CHECK_CONTAINS(rl_explain_bpf_path(BPF_PROG_LOAD, &a), "bpf_check (the verifier)");
}

static void test_pin_refused(void)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.pathname = (uintptr_t)"/sys/fs/bpf/rawload/x/prog";
	a.bpf_fd = 8;
	rl_explain_bpf_call_fds(out, sizeof(out), BPF_OBJ_PIN, &a, -EEXIST, EEXIST, &fds);
	CHECK_STR(out, PIN_EEXIST);
}

/* A prog-array value is an fd: shown as the program it names. */
static void test_update_prog_array(void)
{
	uint32_t key = 2, val = 8;
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = 7;
	a.key = (uintptr_t)&key;
	a.value = (uintptr_t)&val;
	rl_explain_bpf_call_fds(out, sizeof(out), BPF_MAP_UPDATE_ELEM, &a, 0, 0, &fds);
	CHECK_STR(out, UPDATE_PROG_ARRAY);
}

/* An ordinary array: key and value bytes in hex; unknown shape: not read. */
static void test_update_array_bytes(void)
{
	uint32_t key = 0;
	uint64_t val = 0x0000123400000007ull;
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = 4;
	a.key = (uintptr_t)&key;
	a.value = (uintptr_t)&val;
	rl_explain_bpf_call_fds(out, sizeof(out), BPF_MAP_UPDATE_ELEM, &a, 0, 0, &fds);
	CHECK_CONTAINS(out, "  value            07 00 00 00 34 12 00 00 (8 bytes)\n");
	CHECK_CONTAINS(out, "map->ops->map_update_elem");
	a.map_fd = 9;
	rl_explain_bpf_call_fds(out, sizeof(out), BPF_MAP_UPDATE_ELEM, &a, 0, 0, &fds);
	CHECK_CONTAINS(out, "  key, value       (in our memory; sizes unknown here)\n");
}

static void test_query_lists_ids(void)
{
	uint32_t ids[4] = { 300, 301 };
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.query.target_fd = 6;
	a.query.attach_type = BPF_CGROUP_SOCK_OPS;
	a.query.prog_ids = (uintptr_t)ids;
	a.query.prog_cnt = 2;
	a.query.attach_flags = BPF_F_ALLOW_MULTI;
	rl_explain_bpf_call_fds(out, sizeof(out), BPF_PROG_QUERY, &a, 0, 0, &fds);
	CHECK_STR(out, QUERY_CGROUP);
}

static void test_ids_and_test_run(void)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.start_id = 41;
	rl_explain_bpf_call(out, sizeof(out), BPF_PROG_GET_NEXT_ID, &a, -ENOENT, ENOENT);
	CHECK_CONTAINS(out, "  next_id          none: no id above start_id (the end of the walk)\n");
	CHECK_CONTAINS(out, "  result           -2 ENOENT (No such file or directory)\n");

	memset(&a, 0, sizeof(a));
	a.test.prog_fd = 8;
	a.test.data_size_in = 98;
	a.test.repeat = 1000;
	a.test.retval = 1;
	a.test.data_size_out = 98;
	a.test.duration = 12;
	rl_explain_bpf_call_fds(out, sizeof(out), BPF_PROG_TEST_RUN, &a, 0, 0, &fds);
	CHECK_CONTAINS(out, "  prog_fd          fd 8 = prog id 301 (XDP)\n");
	CHECK_CONTAINS(out, "  output           retval 1 (the program's verdict), 98 bytes out, 12 ns per run\n");
}

/* snprintf's contract: the whole length back, a cut but terminated text. */
static void test_truncation_and_unknown(void)
{
	union bpf_attr a;
	char small[20];
	size_t full, cut;

	prog_load_attr(&a);
	full = rl_explain_bpf_call_fds(out, sizeof(out), BPF_PROG_LOAD, &a, 8, 0, &fds);
	cut = rl_explain_bpf_call_fds(small, sizeof(small), BPF_PROG_LOAD, &a, 8, 0, &fds);
	CHECK_EQ(cut, full);
	CHECK_EQ(strlen(out), full);
	CHECK_EQ(strlen(small), sizeof(small) - 1);
	CHECK(!strncmp(small, out, sizeof(small) - 1));

	memset(&a, 0, sizeof(a));
	rl_explain_bpf_call(out, sizeof(out), 99, &a, -EINVAL, EINVAL);
	CHECK_STR(out, "bpf cmd 99 (unknown to this build)\n"
		       "  result           -22 EINVAL (Invalid argument)\n");
	CHECK(rl_explain_cmd_name(99) == NULL);
	CHECK_STR(rl_explain_cmd_name(BPF_OBJ_PIN), "BPF_OBJ_PIN");
}

static void test_flag_words(void)
{
	rl_explain_attach_flags(out, sizeof(out), 0);
	CHECK_STR(out, "0");
	rl_explain_attach_flags(out, sizeof(out), BPF_F_ALLOW_MULTI | BPF_F_REPLACE | (1u << 9));
	CHECK_STR(out, "BPF_F_ALLOW_MULTI|BPF_F_REPLACE|0x200");
	rl_explain_map_flags(out, sizeof(out), BPF_F_RDONLY_PROG | BPF_F_MMAPABLE);
	CHECK_STR(out, "BPF_F_RDONLY_PROG|BPF_F_MMAPABLE");
}

/* ---- instructions ----------------------------------------------------------- */

static void test_insn_listing(void)
{
	rl_insn_dump(out, sizeof(out), prog, sizeof(prog) / sizeof(prog[0]));
	CHECK_STR(out, INSN_LISTING);
}

static const char *one(const struct bpf_insn *in, const struct bpf_insn *next, uint32_t idx)
{
	rl_insn_describe(out, sizeof(out), in, next, idx);
	return out;
}

static void test_insn_meanings(void)
{
	const struct bpf_insn hi = { .imm = 0x12345678 }, zero = { 0 }, off8 = { .imm = 8 };

	CHECK_STR(one(&(struct bpf_insn){ .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 3,
					  .imm = (int32_t)0x9abcdef0 }, &hi, 0),
		  "r3 = 0x123456789abcdef0 ll");
	CHECK_STR(one(&(struct bpf_insn){ .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 1,
					  .src_reg = BPF_PSEUDO_MAP_VALUE, .imm = 5 }, &off8, 0),
		  "r1 = &(map fd 5)[0] + 8  [BPF_PSEUDO_MAP_VALUE: global data]");
	CHECK_STR(one(&(struct bpf_insn){ .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 2,
					  .src_reg = BPF_PSEUDO_FUNC, .imm = 8 }, &zero, 26),
		  "r2 = &func at pc+8 -> 35  [BPF_PSEUDO_FUNC: a callback]");
	CHECK_STR(one(&(struct bpf_insn){ .code = BPF_LD | BPF_IMM | BPF_DW, .dst_reg = 2 }, NULL, 0),
		  "ld_imm64 without its second half (truncated program)");
	CHECK_STR(one(&(struct bpf_insn){ .code = BPF_ALU | BPF_ADD | BPF_X, .dst_reg = 1, .src_reg = 2 }, NULL, 0),
		  "w1 += w2");
	CHECK_STR(one(&(struct bpf_insn){ .code = BPF_ALU | BPF_END | BPF_TO_BE, .dst_reg = 1, .imm = 16 }, NULL, 0),
		  "r1 = be16 r1");
	CHECK_STR(one(&(struct bpf_insn){ .code = BPF_JMP32 | BPF_JSGT | BPF_X, .dst_reg = 1, .src_reg = 2,
					  .off = -3 }, NULL, 10),
		  "if w1 s> w2 goto pc-3 -> 8");
	CHECK_STR(one(&(struct bpf_insn){ .code = BPF_JMP | BPF_JA, .off = 4 }, NULL, 1), "goto pc+4 -> 6");
	CHECK_STR(one(&(struct bpf_insn){ .code = BPF_ST | BPF_MEM | BPF_B, .dst_reg = 10, .off = -1, .imm = 7 },
		      NULL, 0),
		  "*(u8 *)(r10 -1) = 7");
	CHECK_STR(one(&(struct bpf_insn){ .code = BPF_STX | BPF_ATOMIC | BPF_DW, .dst_reg = 1, .src_reg = 2,
					  .imm = BPF_ADD }, NULL, 0),
		  "lock *(u64 *)(r1 +0) += r2");
	CHECK_STR(one(&(struct bpf_insn){ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_tail_call }, NULL, 0),
		  "call bpf_tail_call#12");
	CHECK_STR(one(&(struct bpf_insn){ .code = BPF_JMP | BPF_CALL, .imm = 100000 }, NULL, 0),
		  "call helper#100000");
	CHECK_STR(rl_helper_name(BPF_FUNC_msg_redirect_hash), "msg_redirect_hash");
	CHECK(rl_helper_name(0) == NULL);
}

int main(void)
{
	static const struct unit_test tests[] = {
		UNIT_TEST(test_prog_load_accepted),
		UNIT_TEST(test_prog_load_refused),
		UNIT_TEST(test_prog_load_summary_line),
		UNIT_TEST(test_map_create_sockhash),
		UNIT_TEST(test_map_create_global_data),
		UNIT_TEST(test_attach_cgroup_and_sockmap),
		UNIT_TEST(test_detach_and_query_paths),
		UNIT_TEST(test_pin_refused),
		UNIT_TEST(test_update_prog_array),
		UNIT_TEST(test_update_array_bytes),
		UNIT_TEST(test_query_lists_ids),
		UNIT_TEST(test_ids_and_test_run),
		UNIT_TEST(test_truncation_and_unknown),
		UNIT_TEST(test_flag_words),
		UNIT_TEST(test_insn_listing),
		UNIT_TEST(test_insn_meanings),
	};
	return unit_run("explain", tests, sizeof(tests) / sizeof(tests[0]));
}
