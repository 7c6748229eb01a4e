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
#include "kpath.h"
#include "unit.h"
#include "xdp_explain.h"
#include "xdp_msg.h"

#include <errno.h>

#include <linux/btf.h>

/* ---- a fake process: fixed answers for fds 3..12 --------------------------- */

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
	case 9: snprintf(out, len, "map id 202 (HASH)"); return true;
	case 10: snprintf(out, len, "map id 203 (PERCPU_ARRAY)"); return true;
	case 11: snprintf(out, len, "map id 204 (ARRAY)"); return true;
	case 12: snprintf(out, len, "btf id 1"); return true;
	case 13: snprintf(out, len, "link id 400 (cgroup)"); return true;
	case 14: snprintf(out, len, "link id 401 (sockmap)"); return true;
	}
	return false;
}

static bool fake_shape(void *ctx, int fd, uint32_t *type, uint32_t *ksize, uint32_t *vsize)
{
	(void)ctx;
	switch (fd) {
	case 7:  *type = BPF_MAP_TYPE_PROG_ARRAY, *ksize = 4, *vsize = 4; return true;
	case 9:  *type = BPF_MAP_TYPE_HASH, *ksize = 4, *vsize = 8; return true;
	case 10: *type = BPF_MAP_TYPE_PERCPU_ARRAY, *ksize = 4, *vsize = 8; return true;
	case 11: *type = BPF_MAP_TYPE_ARRAY, *ksize = 4, *vsize = 43; return true;
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

#define PROG_LOAD_OK \
	"BPF_PROG_LOAD (bpf cmd 5)\n" \
	"  prog_type        BPF_PROG_TYPE_XDP (6)\n" \
	"  prog_name        \"xdp_test\"\n" \
	"  insns            8 instructions, 64 bytes\n" \
	"  license          \"GPL\" (GPL-compatible: GPL-only helpers allowed)\n" \
	"  expected_attach  BPF_XDP: checked against prog_type now\n" \
	"  prog_flags       0\n" \
	"  prog_btf_fd      fd 3 = btf id 100\n" \
	"  func_info        2 records of 8 bytes (which insn starts which function)\n" \
	"  line_info        1 record of 16 bytes (source lines for the log)\n" \
	"  log              none requested (level 0)\n" \
	"  kernel path      from the Linux source, not traced (indented = called by the line above)\n" \
	"                     bpf_prog_load\n" \
	"                       bpf_prog_alloc               the program's memory, the insns copied in\n" \
	"                       security_bpf_prog_load       LSM hook\n" \
	"                       bpf_check                    the verifier: walks every path, then rewrites the code\n" \
	"                       bpf_prog_select_runtime\n" \
	"                         bpf_int_jit_compile        the JIT: BPF insns to machine code\n" \
	"                       bpf_prog_kallsyms_add        bpf_prog_<tag>_<name> appears in /proc/kallsyms\n" \
	"                       bpf_prog_alloc_id            the global prog id (idr_alloc_cyclic)\n" \
	"                       bpf_prog_new_fd              the fd (anon_inode_getfd)\n" \
	"  verdict          accepted by the verifier and JIT-compiled (the JIT runs on every load when net.core.bpf_jit_enable is 1 or the kernel has BPF_JIT_ALWAYS_ON)\n" \
	"  result           fd 8 = prog id 301 (XDP) (a new reference, closed with the fd)\n"

static const char PROG_LOAD_REFUSED[] =
	"BPF_PROG_LOAD (bpf cmd 5)\n"
	"  prog_type        BPF_PROG_TYPE_XDP (6)\n"
	"  prog_name        \"xdp_test\"\n"
	"  insns            8 instructions, 64 bytes\n"
	"  license          \"Proprietary\" (not GPL-compatible: GPL-only helpers refused)\n"
	"  expected_attach  BPF_XDP: checked against prog_type now\n"
	"  prog_flags       0\n"
	"  prog_btf_fd      fd 3\n"
	"  func_info        2 records of 8 bytes (which insn starts which function)\n"
	"  line_info        1 record of 16 bytes (source lines for the log)\n"
	"  log              level 1, buffer of 257 bytes\n"
	"  kernel path      from the Linux source, not traced (indented = called by the line above)\n"
	"                     bpf_prog_load\n"
	"                       bpf_prog_alloc               the program's memory, the insns copied in\n"
	"                       security_bpf_prog_load       LSM hook\n"
	"                       bpf_check                    the verifier: walks every path, then rewrites the code  <- refused here: EACCES\n"
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
	"  kernel path      from the Linux source, not traced (indented = called by the line above)\n"
	"                     map_create\n"
	"                       sock_hash_ops.map_alloc      the map's memory\n"
	"                       map_check_btf                the key/value types against key_size/value_size\n"
	"                       bpf_map_alloc_id             the global map id\n"
	"                       bpf_map_new_fd               the fd\n"
	"  result           fd 4 = map id 200 (SOCKHASH) (a new reference, closed with the fd)\n";

static const char ATTACH_SOCK_OPS[] =
	"BPF_PROG_ATTACH (bpf cmd 8)\n"
	"  target_fd        fd 6 = cgroup v2 directory /sys/fs/cgroup/test\n"
	"  attach_bpf_fd    fd 5 = prog id 300 (SK_MSG)\n"
	"  attach_type      BPF_CGROUP_SOCK_OPS (3)\n"
	"  attach_flags     BPF_F_ALLOW_MULTI\n"
	"  meaning          a list: programs attached here and in ancestor cgroups all run, in order; nobody else's program is replaced\n"
	"  holder           the cgroup holds the program until detach (or until the cgroup is removed)\n"
	"  kernel path      from the Linux source, not traced (indented = called by the line above)\n"
	"                     bpf_prog_attach\n"
	"                       bpf_prog_get_type            attach_bpf_fd becomes the program (+1 reference)\n"
	"                       cgroup_bpf_prog_attach\n"
	"                         cgroup_get_from_fd         target_fd becomes the cgroup, and returns\n"
	"                         __cgroup_bpf_attach        (via cgroup_bpf_attach) puts it on cgrp->bpf.progs[type]\n"
	"                           update_effective_progs   recomputes the run array of this cgroup and each descendant\n"
	"                             compute_effective_progs\n"
	"                           static_key_slow_inc      cgroup_bpf_enabled_key: the first program patches the hook's jump in\n"
	"  result           0 (success)\n";

static const char ATTACH_SK_MSG[] =
	"BPF_PROG_ATTACH (bpf cmd 8)\n"
	"  target_fd        fd 4 = map id 200 (SOCKHASH)\n"
	"  attach_bpf_fd    fd 5 = prog id 300 (SK_MSG)\n"
	"  attach_type      BPF_SK_MSG_VERDICT (7)\n"
	"  attach_flags     0\n"
	"  holder           the map holds the program (one slot per attach type); a socket takes the map's programs when it is inserted, so only sockets added after this run it\n"
	"  freed when       detach, or the map losing its last fd and pin (map_release_uref -> sock_map_release_progs drops the map's programs)\n"
	"  kernel path      from the Linux source, not traced (indented = called by the line above)\n"
	"                     bpf_prog_attach\n"
	"                       bpf_prog_get_type            attach_bpf_fd becomes the program (+1 reference)\n"
	"                       sock_map_get_from_fd         target_fd becomes the map\n"
	"                         sock_map_prog_update       the map's slot for this attach type takes the program\n"
	"  result           0 (success)\n";

static const char PIN_EEXIST[] =
	"BPF_OBJ_PIN (bpf cmd 6)\n"
	"  pathname         \"/sys/fs/bpf/rawload/x/prog\"\n"
	"  bpf_fd           fd 8 = prog id 301 (XDP)\n"
	"  lifetime         the pin is a reference of its own: the object outlives this process until unlink(2) of the path\n"
	"  kernel path      from the Linux source, not traced (indented = called by the line above)\n"
	"                     bpf_obj_pin\n"
	"                       bpf_obj_pin_user\n"
	"                         bpf_fd_probe_obj           which kind of object bpf_fd is (+1 reference), and returns\n"
	"                         bpf_obj_do_pin  <- refused here: EEXIST\n"
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

#define BTF_LOAD_OK \
	"BPF_BTF_LOAD (bpf cmd 18)\n" \
	"  btf_size         1783 bytes of .BTF (types and their names)\n" \
	"  btf header       magic 0xeb9f, version 1, 1200 bytes of types, 559 bytes of strings\n" \
	"  log              none requested (level 0)\n" \
	"  kernel path      from the Linux source, not traced (indented = called by the line above)\n" \
	"                     bpf_btf_load\n" \
	"                       btf_new_fd\n" \
	"                         btf_parse                  checks every type\n" \
	"                         btf_alloc_id               the global BTF id\n" \
	"                         anon_inode_getfd           the fd\n" \
	"  result           fd 3 = btf id 100 (a new reference, closed with the fd)\n"

static const char BTF_LOAD_REFUSED[] =
	"BPF_BTF_LOAD (bpf cmd 18)\n"
	"  btf_size         1783 bytes of .BTF (types and their names)\n"
	"  btf header       magic 0xeb9f, version 1, 1200 bytes of types, 559 bytes of strings\n"
	"  log              level 1, buffer of 4096 bytes\n"
	"  kernel path      from the Linux source, not traced (indented = called by the line above)\n"
	"                     bpf_btf_load\n"
	"                       btf_new_fd\n"
	"                         btf_parse                  checks every type  <- refused here: EINVAL\n"
	"  result           -22 EINVAL (Invalid argument)\n"
	"  hint             btf_parse() refused a type; a log (level 1) names it\n";

static const char OBJ_GET_OK[] =
	"BPF_OBJ_GET (bpf cmd 7)\n"
	"  pathname         \"/sys/fs/bpf/rawload/x/xdp_stats\"\n"
	"  file_flags       0 (read-write)\n"
	"  kernel path      bpf_obj_get -> bpf_obj_get_user -> bpf_obj_do_get -> bpf_prog_new_fd / bpf_map_new_fd\n"
	"  result           fd 9 = map id 202 (HASH) (a new reference, closed with the fd)\n";

static const char OBJ_GET_ENOENT[] =
	"BPF_OBJ_GET (bpf cmd 7)\n"
	"  pathname         \"/sys/fs/bpf/rawload/x/xdp_stats\"\n"
	"  file_flags       BPF_F_RDONLY\n"
	"  kernel path      bpf_obj_get -> bpf_obj_get_user -> bpf_obj_do_get -> bpf_prog_new_fd / bpf_map_new_fd\n"
	"  result           -2 ENOENT (No such file or directory)\n"
	"  hint             nothing is pinned at that path\n";

static const char INFO_BY_FD[] =
	"BPF_OBJ_GET_INFO_BY_FD (bpf cmd 15)\n"
	"  bookkeeping      rawload reads what fd 8 = prog id 301 (XDP) is: 232 bytes of info (bpf_obj_get_info_by_fd -> bpf_{prog,map,btf,link}_get_info_by_fd)\n"
	"  verifier         walked 1351 instructions (verified_insns: every path, each state once); 184 after its rewrite (xlated_prog_len 1472)\n"
	"  JIT              801 bytes of machine code, tag deadbeef00010203, kallsyms bpf_prog_deadbeef00010203_xdp_drop_ping\n";

static const char MAP_FREEZE_OK[] =
	"BPF_MAP_FREEZE (bpf cmd 22)\n"
	"  map_fd           fd 11 = map id 204 (ARRAY)\n"
	"  effect           user space can no longer write it (EPERM); programs still can unless the map has BPF_F_RDONLY_PROG\n"
	"  kernel path      map_freeze (sets map->frozen)\n"
	"  result           0 (success)\n";

static const char MAP_LOOKUP_OK[] =
	"BPF_MAP_LOOKUP_ELEM (bpf cmd 1)\n"
	"  map_fd           fd 9 = map id 202 (HASH)\n"
	"  key              07 00 00 00 (4 bytes)\n"
	"  value            07 00 00 00 34 12 00 00 (8 bytes)\n"
	"  kernel path      map_lookup_elem -> bpf_map_copy_value\n"
	"  result           0 (success)\n";

static const char MAP_LOOKUP_ENOENT[] =
	"BPF_MAP_LOOKUP_ELEM (bpf cmd 1)\n"
	"  map_fd           fd 9 = map id 202 (HASH)\n"
	"  key              07 00 00 00 (4 bytes)\n"
	"  kernel path      map_lookup_elem -> bpf_map_copy_value\n"
	"  result           -2 ENOENT (No such file or directory)\n"
	"  hint             no element has that key\n";

static const char MAP_DELETE_OK[] =
	"BPF_MAP_DELETE_ELEM (bpf cmd 3)\n"
	"  map_fd           fd 9 = map id 202 (HASH)\n"
	"  key              07 00 00 00 (4 bytes)\n"
	"  kernel path      map_delete_elem -> map->ops->map_delete_elem\n"
	"  result           0 (success)\n";

static const char MAP_FIRST_KEY[] =
	"BPF_MAP_GET_NEXT_KEY (bpf cmd 4)\n"
	"  map_fd           fd 9 = map id 202 (HASH)\n"
	"  key              NULL: asks for the first key\n"
	"  next_key         01 00 00 0a (4 bytes)\n"
	"  kernel path      map_get_next_key -> map->ops->map_get_next_key\n"
	"  result           0 (success)\n";

static const char MAP_NEXT_KEY_END[] =
	"BPF_MAP_GET_NEXT_KEY (bpf cmd 4)\n"
	"  map_fd           fd 9 = map id 202 (HASH)\n"
	"  key              07 00 00 00 (4 bytes)\n"
	"  kernel path      map_get_next_key -> map->ops->map_get_next_key\n"
	"  result           -2 ENOENT (No such file or directory)\n"
	"  hint             no key after this one (or the map is empty): the walk is over\n";

static const char PROG_BY_ID[] =
	"BPF_PROG_GET_FD_BY_ID (bpf cmd 13)\n"
	"  id               301 (ids are global; needs CAP_SYS_ADMIN)\n"
	"  kernel path      bpf_prog_get_fd_by_id -> bpf_prog_by_id (idr lookup, +1 reference) -> bpf_prog_new_fd\n"
	"  result           fd 8 = prog id 301 (XDP) (a new reference, closed with the fd)\n";

static const char PROG_BY_ID_GONE[] =
	"BPF_PROG_GET_FD_BY_ID (bpf cmd 13)\n"
	"  id               999 (ids are global; needs CAP_SYS_ADMIN)\n"
	"  kernel path      bpf_prog_get_fd_by_id -> bpf_prog_by_id (idr lookup, +1 reference) -> bpf_prog_new_fd\n"
	"  result           -2 ENOENT (No such file or directory)\n"
	"  hint             no program has that id (any more)\n";

static const char MAP_BY_ID[] =
	"BPF_MAP_GET_FD_BY_ID (bpf cmd 14)\n"
	"  id               202 (ids are global; needs CAP_SYS_ADMIN)\n"
	"  kernel path      bpf_map_get_fd_by_id -> idr_find(map_idr) (+1 reference) -> bpf_map_new_fd\n"
	"  result           fd 9 = map id 202 (HASH) (a new reference, closed with the fd)\n";

static const char BTF_BY_ID[] =
	"BPF_BTF_GET_FD_BY_ID (bpf cmd 19)\n"
	"  id               1 (ids are global; needs CAP_SYS_ADMIN)\n"
	"  kernel path      bpf_btf_get_fd_by_id -> btf_get_fd_by_id\n"
	"  result           fd 12 = btf id 1 (a new reference, closed with the fd)\n";

/* A whole load + attach + pin, in rawload's order, told the way the CLI's
 * observers print it (tools/cli/explain.c writes exactly rl_explain_bpf_step
 * and rl_nl_explain_step): BTF, a map, the program, the netlink attach with
 * the kernel's ACK, then the pin.  A real `rawload --explain xdp` also has
 * a BPF_OBJ_GET_INFO_BY_FD after each object it creates. */
static const char SEQUENCE[] =
	"\n[1] " BTF_LOAD_OK
	"\n[2] BPF_MAP_CREATE (bpf cmd 0)\n"
	"  map_type         BPF_MAP_TYPE_PERCPU_ARRAY (6)\n"
	"  map_name         \"xdp_stats\"\n"
	"  key_size         4\n"
	"  value_size       8\n"
	"  max_entries      2\n"
	"  map_flags        0\n"
	"  btf_fd           fd 3 = btf id 100\n"
	"  btf type ids     key 6, value 10 (map_check_btf() compares their sizes)\n"
	"  what it is       one value per possible CPU: no atomics needed to count\n"
	"  kernel path      from the Linux source, not traced (indented = called by the line above)\n"
	"                     map_create\n"
	"                       percpu_array_map_ops.map_alloc the map's memory\n"
	"                       map_check_btf                the key/value types against key_size/value_size\n"
	"                       bpf_map_alloc_id             the global map id\n"
	"                       bpf_map_new_fd               the fd\n"
	"  result           fd 10 = map id 203 (PERCPU_ARRAY) (a new reference, closed with the fd)\n"
	"\n[3] " PROG_LOAD_OK
	"\n[4] netlink RTM_SETLINK (NETLINK_ROUTE socket -> the kernel)\n"
	"  request, 52 bytes:\n"
	"    nlmsghdr   34 00 00 00             nlmsg_len = 52\n"
	"               13 00                   nlmsg_type = RTM_SETLINK (19)\n"
	"               05 00                   nlmsg_flags = NLM_F_REQUEST|NLM_F_ACK\n"
	"               01 00 00 00             nlmsg_seq = 1\n"
	"               00 00 00 00             nlmsg_pid = 0\n"
	"    ifinfomsg  00                      ifi_family = AF_UNSPEC (0)\n"
	"               00                      __ifi_pad\n"
	"               00 00                   ifi_type = 0\n"
	"               07 00 00 00             ifi_index = 7\n"
	"               00 00 00 00             ifi_flags = 0\n"
	"               00 00 00 00             ifi_change = 0\n"
	"    nlattr     14 00 2b 80             nla_len = 20, nla_type = IFLA_XDP (43)|NLA_F_NESTED\n"
	"      nlattr   08 00 01 00             nla_len = 8, nla_type = IFLA_XDP_FD (1)\n"
	"               08 00 00 00             = 8 (a program fd of the sending process)\n"
	"      nlattr   08 00 03 00             nla_len = 8, nla_type = IFLA_XDP_FLAGS (3)\n"
	"               05 00 00 00             = XDP_FLAGS_UPDATE_IF_NOEXIST|XDP_FLAGS_DRV_MODE\n"
	"  kernel path      from the Linux source, not traced (indented = called by the line above)\n"
	"                     rtnl_setlink\n"
	"                       do_setlink                   reads IFLA_XDP\n"
	"                         dev_change_xdp_fd\n"
	"                           bpf_prog_get_type_dev    the fd becomes the program (+1 reference)\n"
	"                           dev_xdp_attach           checks the mode, the flags, the slot, the expected fd\n"
	"                             dev_xdp_install        XDP_SETUP_PROG, through dev_xdp_bpf_op()\n"
	"                             veth_xdp               veth's ndo_bpf; veth_xdp_set (inlined) sets up NAPI and a page_pool\n"
	"                               bpf_dispatcher_change_prog the XDP dispatcher's direct call is re-patched (text_poke) and waits for an RCU grace period\n"
	"                         netif_state_change         netdev notifiers and an RTM_NEWLINK broadcast\n"
	"  reply (NLMSG_ERROR; error 0 is the ACK), 36 bytes:\n"
	"    nlmsghdr   24 00 00 00             nlmsg_len = 36\n"
	"               02 00                   nlmsg_type = NLMSG_ERROR (2)\n"
	"               00 01                   nlmsg_flags = NLM_F_CAPPED\n"
	"               01 00 00 00             nlmsg_seq = 1\n"
	"               d2 04 00 00             nlmsg_pid = 1234\n"
	"    nlmsgerr   00 00 00 00             error = 0 (success: this is the ACK)\n"
	"      nlmsghdr 34 00 00 00             nlmsg_len = 52 (the header of our request, echoed)\n"
	"               13 00                   nlmsg_type = RTM_SETLINK (19)\n"
	"               05 00                   nlmsg_flags = NLM_F_REQUEST|NLM_F_ACK\n"
	"               01 00 00 00             nlmsg_seq = 1\n"
	"               00 00 00 00             nlmsg_pid = 0\n"
	"  result           0 (acknowledged: the kernel did it)\n"
	"\n[5] BPF_OBJ_PIN (bpf cmd 6)\n"
	"  pathname         \"/sys/fs/bpf/rawload/xdp_test/xdp_test\"\n"
	"  bpf_fd           fd 8 = prog id 301 (XDP)\n"
	"  lifetime         the pin is a reference of its own: the object outlives this process until unlink(2) of the path\n"
	"  kernel path      from the Linux source, not traced (indented = called by the line above)\n"
	"                     bpf_obj_pin\n"
	"                       bpf_obj_pin_user\n"
	"                         bpf_fd_probe_obj           which kind of object bpf_fd is (+1 reference), and returns\n"
	"                         bpf_obj_do_pin\n"
	"                           vfs_mkobj                a file in bpffs holds that reference\n"
	"  result           0 (success)\n";


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

/* A BTF-defined map: its key and value types are in the BTF of fd 3. */
static void map_attr(union bpf_attr *a, uint32_t type, const char *name, uint32_t key_size,
		     uint32_t value_size, uint32_t max_entries, uint32_t key_id, uint32_t value_id)
{
	memset(a, 0, sizeof(*a));
	a->map_type = type;
	a->key_size = key_size;
	a->value_size = value_size;
	a->max_entries = max_entries;
	snprintf(a->map_name, sizeof(a->map_name), "%s", name);
	a->btf_fd = 3;
	a->btf_key_type_id = key_id;
	a->btf_value_type_id = value_id;
}

static void test_map_create_sockhash(void)
{
	union bpf_attr a;

	map_attr(&a, BPF_MAP_TYPE_SOCKHASH, "sock_ops_map", 20, 4, 65535, 5, 6);
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
	CHECK_CONTAINS(out, "  array_map_ops.map_alloc");
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

/* BPF_LINK_CREATE on a cgroup and on a sockmap, accepted and refused, and
 * BPF_LINK_DETACH of each (explain_link.c) */
static void test_link_create_and_detach(void)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = 5;
	a.link_create.target_fd = 6;
	a.link_create.attach_type = BPF_CGROUP_SOCK_OPS;
	rl_explain_bpf_call_fds(out, sizeof(out), BPF_LINK_CREATE, &a, 13, 0, &fds);
	CHECK_CONTAINS(out, "  target_fd        fd 6 = cgroup v2 directory /sys/fs/cgroup/test\n");
	CHECK_CONTAINS(out, "                       cgroup_bpf_link_attach\n");
	CHECK_CONTAINS(out, "__cgroup_bpf_attach        (via cgroup_bpf_attach, ALLOW_MULTI) a list entry naming the LINK");
	CHECK_CONTAINS(out, "bpf_link_settle");
	CHECK_CONTAINS(out, "  vs PROG_ATTACH   BPF_PROG_ATTACH would put the program itself on the list");
	CHECK_CONTAINS(out, "  result           fd 13 = link id 400 (cgroup) (a new reference");
	/* refused by the cgroup lookup: the tree stops there */
	rl_explain_bpf_call_fds(out, sizeof(out), BPF_LINK_CREATE, &a, -EBADF, EBADF, &fds);
	CHECK_CONTAINS(out, "cgroup_get_from_fd         target_fd becomes the cgroup; the link keeps a reference on it  <- refused here: EBADF");
	CHECK(!strstr(out, "bpf_link_settle"));
	CHECK(!strstr(out, "  holder "));

	a.link_create.target_fd = 4;
	a.link_create.attach_type = BPF_SK_MSG_VERDICT;
	rl_explain_bpf_call_fds(out, sizeof(out), BPF_LINK_CREATE, &a, -EBUSY, EBUSY, &fds);
	CHECK_CONTAINS(out, "                       sock_map_link_create\n");
	CHECK_CONTAINS(out, "sock_map_prog_update       the map's slot takes the program and remembers the link  <- refused here: EBUSY");
	CHECK(!strstr(out, "bpf_link_settle"));
	a.link_create.target_fd = (uint32_t)-1;   /* the feature probe's request */
	rl_explain_bpf_call_fds(out, sizeof(out), BPF_LINK_CREATE, &a, -EBADF, EBADF, &fds);
	CHECK_CONTAINS(out, "  why              a feature probe");
	CHECK_CONTAINS(out, "bpf_map_get_with_uref      target_fd becomes the map; the link holds a USER reference on it  <- refused here: EBADF");

	memset(&a, 0, sizeof(a));
	a.link_detach.link_fd = 13;
	rl_explain_bpf_call_fds(out, sizeof(out), BPF_LINK_DETACH, &a, 0, 0, &fds);
	CHECK_CONTAINS(out, "  link_fd          fd 13 = link id 400 (cgroup)\n");
	CHECK_CONTAINS(out, "bpf_cgroup_link_release");
	CHECK_CONTAINS(out, "__cgroup_bpf_detach");
	a.link_detach.link_fd = 14;
	rl_explain_bpf_call_fds(out, sizeof(out), BPF_LINK_DETACH, &a, 0, 0, &fds);
	CHECK_CONTAINS(out, "sock_map_link_release");
	CHECK_CONTAINS(out, "bpf_map_put_with_uref");
	CHECK(!strstr(out, "__cgroup_bpf_detach"));
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

/* A .BTF blob: a header and sizes, the types themselves are not read here. */
static uint8_t btf_blob[1783];

static void btf_load_attr(union bpf_attr *a)
{
	struct btf_header h = { .magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
				.type_off = 0, .type_len = 1200, .str_off = 1200, .str_len = 559 };

	memcpy(btf_blob, &h, sizeof(h));
	memset(a, 0, sizeof(*a));
	a->btf = (uintptr_t)btf_blob;
	a->btf_size = sizeof(btf_blob);
}

/* One call told with the fake fds, into out. */
static const char *told(int cmd, const union bpf_attr *a, long result, int err)
{
	rl_explain_bpf_call_fds(out, sizeof(out), cmd, a, result, err, &fds);
	return out;
}

static void test_btf_load(void)
{
	union bpf_attr a;

	btf_load_attr(&a);
	CHECK_STR(told(BPF_BTF_LOAD, &a, 3, 0), BTF_LOAD_OK);

	/* refused: the log was asked for, and the hint says it names the type */
	a.btf_log_level = 1;
	a.btf_log_size = 4096;
	CHECK_STR(told(BPF_BTF_LOAD, &a, -EINVAL, EINVAL), BTF_LOAD_REFUSED);
}

static void test_obj_get(void)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.pathname = (uintptr_t)"/sys/fs/bpf/rawload/x/xdp_stats";
	CHECK_STR(told(BPF_OBJ_GET, &a, 9, 0), OBJ_GET_OK);

	a.file_flags = BPF_F_RDONLY;
	CHECK_STR(told(BPF_OBJ_GET, &a, -ENOENT, ENOENT), OBJ_GET_ENOENT);
}

static void test_info_by_fd(void)
{
	struct bpf_prog_info info = { .verified_insns = 1351, .xlated_prog_len = 1472, .jited_prog_len = 801,
				      .tag = { 0xde, 0xad, 0xbe, 0xef, 0, 1, 2, 3 }, .name = "xdp_drop_ping" };
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = 8;
	a.info.info_len = sizeof(info);
	a.info.info = (uintptr_t)&info;
	CHECK_STR(told(BPF_OBJ_GET_INFO_BY_FD, &a, 0, 0), INFO_BY_FD);
}

static void test_map_freeze(void)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = 11;
	CHECK_STR(told(BPF_MAP_FREEZE, &a, 0, 0), MAP_FREEZE_OK);
	CHECK_CONTAINS(told(BPF_MAP_FREEZE, &a, -EBUSY, EBUSY),
		       "  result           -16 EBUSY (Device or resource busy)\n"
		       "  hint             frozen already, or a writable mmap of it exists\n");
}

/* An ordinary hash: key and value bytes in hex (unknown shape: not read);
 * lookups and next_key show the kernel's output only when it wrote one. */
static void test_map_elements(void)
{
	uint32_t key = 7, next = 0x0a000001;
	uint64_t val = 0x0000123400000007ull;
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = 9;
	a.key = (uintptr_t)&key;
	a.value = (uintptr_t)&val;
	CHECK_CONTAINS(told(BPF_MAP_UPDATE_ELEM, &a, 0, 0), "  value            07 00 00 00 34 12 00 00 (8 bytes)\n");
	CHECK_CONTAINS(out, "map->ops->map_update_elem");
	a.map_fd = 4;
	CHECK_CONTAINS(told(BPF_MAP_UPDATE_ELEM, &a, 0, 0), "  key, value       (in our memory; sizes unknown here)\n");

	a.map_fd = 9;
	CHECK_STR(told(BPF_MAP_LOOKUP_ELEM, &a, 0, 0), MAP_LOOKUP_OK);
	CHECK_STR(told(BPF_MAP_LOOKUP_ELEM, &a, -ENOENT, ENOENT), MAP_LOOKUP_ENOENT);
	CHECK_STR(told(BPF_MAP_DELETE_ELEM, &a, 0, 0), MAP_DELETE_OK);

	memset(&a, 0, sizeof(a));
	a.map_fd = 9;
	a.next_key = (uintptr_t)&next;
	CHECK_STR(told(BPF_MAP_GET_NEXT_KEY, &a, 0, 0), MAP_FIRST_KEY);
	a.key = (uintptr_t)&key;
	CHECK_STR(told(BPF_MAP_GET_NEXT_KEY, &a, -ENOENT, ENOENT), MAP_NEXT_KEY_END);
}

static void test_get_fd_by_id(void)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.prog_id = 301;
	CHECK_STR(told(BPF_PROG_GET_FD_BY_ID, &a, 8, 0), PROG_BY_ID);
	a.prog_id = 999;
	CHECK_STR(told(BPF_PROG_GET_FD_BY_ID, &a, -ENOENT, ENOENT), PROG_BY_ID_GONE);

	memset(&a, 0, sizeof(a));
	a.map_id = 202;
	CHECK_STR(told(BPF_MAP_GET_FD_BY_ID, &a, 9, 0), MAP_BY_ID);

	memset(&a, 0, sizeof(a));
	a.btf_id = 1;
	CHECK_STR(told(BPF_BTF_GET_FD_BY_ID, &a, 12, 0), BTF_BY_ID);
}

/* ---- a whole sequence, step by step, as `rawload --explain xdp` tells it ----- */

/* The kernel's ACK to the RTM_SETLINK below (netlink_ack(): capped, so only
 * the header of our request is echoed; nlmsg_pid = our port id). */
static const uint8_t setlink_ack[] __attribute__((aligned(8))) = {
	0x24, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x01, 0x01, 0x00, 0x00, 0x00, 0xd2, 0x04, 0x00, 0x00,
	0x00, 0x00, 0x00, 0x00,                                                    /* error 0 */
	0x34, 0x00, 0x00, 0x00, 0x13, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static char seq_out[32768];

static void test_sequence(void)
{
	struct rl_xdp_setlink_req r = { .ifindex = 7, .prog_fd = 8, .mode = RL_XDP_MODE_NATIVE,
					.expected_fd = -1, .seq = 1 };
	char req_buf[RL_XDP_REQ_BUFSZ] __attribute__((aligned(8)));
	struct rl_nl_step nl = { .step = 4, .reply = (const void *)setlink_ack, .driver = "veth" };
	union bpf_attr a;
	size_t n = 0;

	btf_load_attr(&a);
	n += rl_explain_bpf_step(seq_out + n, sizeof(seq_out) - n, 1, BPF_BTF_LOAD, &a, 3, 0, &fds);

	map_attr(&a, BPF_MAP_TYPE_PERCPU_ARRAY, "xdp_stats", 4, 8, 2, 6, 10);
	n += rl_explain_bpf_step(seq_out + n, sizeof(seq_out) - n, 2, BPF_MAP_CREATE, &a, 10, 0, &fds);

	prog_load_attr(&a);
	n += rl_explain_bpf_step(seq_out + n, sizeof(seq_out) - n, 3, BPF_PROG_LOAD, &a, 8, 0, &fds);

	nl.req = rl_xdp_build_setlink(req_buf, sizeof(req_buf), &r);
	CHECK(nl.req != NULL);
	if (nl.req)
		n += rl_nl_explain_step(seq_out + n, sizeof(seq_out) - n, &nl);

	memset(&a, 0, sizeof(a));
	a.pathname = (uintptr_t)"/sys/fs/bpf/rawload/xdp_test/xdp_test";
	a.bpf_fd = 8;
	n += rl_explain_bpf_step(seq_out + n, sizeof(seq_out) - n, 5, BPF_OBJ_PIN, &a, 0, 0, &fds);
	CHECK_EQ(n, strlen(SEQUENCE));
	CHECK_STR(seq_out, SEQUENCE);
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

/* kpath.c: nesting kept, a refusal cuts the tree, an errno the source
 * raises in several places keeps only the entry. */
static void test_kpath(void)
{
	static const char tree[] = "a\n  b  note b\n    c\n  d\n";
	struct rl_textbuf b;
	char fns[64];

	rl_tb_init(&b, out, sizeof(out));
	rl_kpath_render(&b, "> ", tree, NULL, NULL);
	CHECK_STR(out, "> a\n>   b                            note b\n>     c\n>   d\n");
	rl_tb_init(&b, out, sizeof(out));
	rl_kpath_render(&b, "> ", tree, "c", "EBUSY");
	CHECK_STR(out, "> a\n>   b                            note b\n>     c  <- refused here: EBUSY\n");
	rl_tb_init(&b, out, sizeof(out));
	rl_kpath_render(&b, "> ", tree, "", "EPERM");
	CHECK_STR(out, "> a\n>   (refused somewhere below: EPERM; the source has more than one place,"
		  " so the path stops here)\n");
	rl_kpath_functions(fns, sizeof(fns), tree, NULL);
	CHECK_STR(fns, "a b c d");
	rl_kpath_functions(fns, sizeof(fns), tree, "b");
	CHECK_STR(fns, "a b");
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
		UNIT_TEST(test_link_create_and_detach),
		UNIT_TEST(test_pin_refused),
		UNIT_TEST(test_update_prog_array),
		UNIT_TEST(test_query_lists_ids),
		UNIT_TEST(test_ids_and_test_run),
		UNIT_TEST(test_btf_load),
		UNIT_TEST(test_obj_get),
		UNIT_TEST(test_info_by_fd),
		UNIT_TEST(test_map_freeze),
		UNIT_TEST(test_map_elements),
		UNIT_TEST(test_get_fd_by_id),
		UNIT_TEST(test_sequence),
		UNIT_TEST(test_truncation_and_unknown),
		UNIT_TEST(test_flag_words),
		UNIT_TEST(test_insn_listing),
		UNIT_TEST(test_insn_meanings),
		UNIT_TEST(test_kpath),
	};
	return unit_run("explain", tests, sizeof(tests) / sizeof(tests[0]));
}
