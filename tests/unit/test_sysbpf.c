/* test_sysbpf.c - the kernel layer: sys_bpf, vlog, bpffs, cgroup.
 *
 * Without root: the verifier-log tail on real logs, the log policy, fault
 * injection and the observer, mountinfo / cgroup parsing, and the error
 * messages for wrong directories.
 * With root (skipped otherwise): maps, programs, test runs, verifier logs,
 * BTF, ids, pins in a per-run bpffs directory, sockops on a child cgroup,
 * sk_msg on a sockhash - each test closes what it opened even when a check
 * fails, and the suite checks that no fd leaked.
 */
#include "unit.h"

#include "bpffs.h"
#include "cgroup.h"
#include "sys_bpf.h"
#include "vlog.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/btf.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static bool is_root;

/* r0 = imm; exit */
#define MOV_R0(v)   { .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = (v) }
#define EXIT_INSN   { .code = BPF_JMP | BPF_EXIT }

/* ---- the verifier log tail (real logs from Linux 6.18) -------------- */

static const char log_pkt[] =
	"0: R1=ctx() R10=fp0\n"
	"; void *data = (void *)(long)ctx->data; @ bad.bpf.c:7\n"
	"0: (61) r1 = *(u32 *)(r1 +0)          ; R1=pkt(r=0)\n"
	"; if (eth->h_proto == __builtin_bswap16(ETH_P_IP)) @ bad.bpf.c:10\n"
	"1: (71) r2 = *(u8 *)(r1 +12)\n"
	"invalid access to packet, off=12 size=1, R1(id=0,off=12,r=0)\n"
	"R1 offset is outside of the packet\n"
	"processed 2 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0\n";

static const char log_map[] =
	"0: R1=ctx() R10=fp0\n"
	"; if ((void *)(long)ctx->data + 14 > (void *)(long)ctx->data_end) @ bad2.bpf.c:11\n"
	"0: (61) r2 = *(u32 *)(r1 +4)          ; R1=ctx() R2=pkt_end()\n"
	"1: (61) r3 = *(u32 *)(r1 +0)          ; R1=ctx() R3=pkt(r=0)\n"
	"2: (07) r3 += 14                      ; R3=pkt(off=14,r=0)\n"
	"3: (2d) if r3 > r2 goto pc+12         ; R2=pkt_end() R3=pkt(off=14,r=14)\n"
	"; __u32 key = ctx->rx_queue_index & 3; @ bad2.bpf.c:8\n"
	"4: (61) r1 = *(u32 *)(r1 +16)         ; R1=scalar(smin=0,smax=umax=0xffffffff,var_off=(0x0; 0xffffffff))\n"
	"5: (57) r1 &= 3                       ; R1=scalar(smin=smin32=0,smax=umax=smax32=umax32=3,var_off=(0x0; 0x3))\n"
	"; key += 1; @ bad2.bpf.c:13\n"
	"6: (07) r1 += 1                       ; R1=scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=4,var_off=(0x0; 0x7))\n"
	"7: (63) *(u32 *)(r10 -4) = r1         ; R1=scalar(smin=umin=smin32=umin32=1,smax=umax=smax32=umax32=4,var_off=(0x0; 0x7)) R10=fp0 fp-8=mmmm????\n"
	"8: (bf) r2 = r10                      ; R2=fp0 R10=fp0\n"
	"; __u32 key = ctx->rx_queue_index & 3; @ bad2.bpf.c:8\n"
	"9: (07) r2 += -4                      ; R2=fp-4\n"
	"; v = bpf_map_lookup_elem(&counters, &key); @ bad2.bpf.c:14\n"
	"10: (18) r1 = 0xffff888104418e00      ; R1=map_ptr(map=counters,ks=4,vs=8)\n"
	"12: (85) call bpf_map_lookup_elem#1   ; R0=map_value_or_null(id=1,map=counters,ks=4,vs=8)\n"
	"; *v += 1; @ bad2.bpf.c:15\n"
	"13: (79) r1 = *(u64 *)(r0 +0)\n"
	"R0 invalid mem access 'map_value_or_null'\n"
	"processed 13 insns (limit 1000000) max_states_per_insn 0 total_states 1 peak_states 1 mark_read 0\n";

static void test_vlog_tail_window_has_source(void)
{
	char out[1024];
	size_t n = rl_vlog_tail(log_pkt, sizeof(log_pkt), out, sizeof(out), 4);

	/* four lines ending at the reason; the source line is the first of them */
	CHECK_STR(out, "; if (eth->h_proto == __builtin_bswap16(ETH_P_IP)) @ bad.bpf.c:10\n"
		       "1: (71) r2 = *(u8 *)(r1 +12)\n"
		       "invalid access to packet, off=12 size=1, R1(id=0,off=12,r=0)\n"
		       "R1 offset is outside of the packet\n");
	CHECK_EQ(n, strlen(out));
}

static void test_vlog_tail_adjacent_source(void)
{
	char out[1024];

	/* three lines miss the source line just above: it is added, no "..." */
	rl_vlog_tail(log_pkt, sizeof(log_pkt), out, sizeof(out), 3);
	CHECK_STR(out, "; if (eth->h_proto == __builtin_bswap16(ETH_P_IP)) @ bad.bpf.c:10\n"
		       "1: (71) r2 = *(u8 *)(r1 +12)\n"
		       "invalid access to packet, off=12 size=1, R1(id=0,off=12,r=0)\n"
		       "R1 offset is outside of the packet\n");
}

static void test_vlog_tail_gap_to_source(void)
{
	char out[1024];

	rl_vlog_tail(log_pkt, sizeof(log_pkt), out, sizeof(out), 2);
	CHECK_STR(out, "; if (eth->h_proto == __builtin_bswap16(ETH_P_IP)) @ bad.bpf.c:10\n"
		       "...\n"
		       "invalid access to packet, off=12 size=1, R1(id=0,off=12,r=0)\n"
		       "R1 offset is outside of the packet\n");
}

static void test_vlog_tail_map_log(void)
{
	char out[4096];

	rl_vlog_tail(log_map, strlen(log_map), out, sizeof(out), 1);
	CHECK_STR(out, "; *v += 1; @ bad2.bpf.c:15\n...\nR0 invalid mem access 'map_value_or_null'\n");
	rl_vlog_tail(log_map, strlen(log_map), out, sizeof(out), 0);   /* default: 20 lines */
	/* 20 lines back from the reason: only the log's first line falls off */
	CHECK(strncmp(out, "; if ((void *)(long)ctx->data + 14 > ", 37) == 0);
	CHECK(!strstr(out, "processed"));
	CHECK(!strstr(out, "..."));
}

static void test_vlog_tail_small_buffer(void)
{
	char out[80];
	size_t n;

	/* lines go from the top; then the source line; the reason stays */
	n = rl_vlog_tail(log_map, strlen(log_map), out, sizeof(out), 5);
	CHECK_STR(out, "13: (79) r1 = *(u64 *)(r0 +0)\nR0 invalid mem access 'map_value_or_null'\n");
	CHECK_EQ(n, strlen(out));
	n = rl_vlog_tail(log_map, strlen(log_map), out, 20, 5);
	CHECK_EQ(n, 19);
	CHECK_STR(out, "R0 invalid mem acce");
}

static void test_vlog_tail_odd_input(void)
{
	char out[256];

	CHECK_EQ(rl_vlog_tail(NULL, 0, out, sizeof(out), 5), 0);
	CHECK_STR(out, "");
	CHECK_EQ(rl_vlog_tail("", 1, out, sizeof(out), 5), 0);
	/* no final newline, no summary */
	rl_vlog_tail("a\nb\nR0 !read_ok", 15, out, sizeof(out), 2);
	CHECK_STR(out, "b\nR0 !read_ok\n");
	/* only a summary: show it rather than nothing */
	rl_vlog_tail("processed 1 insns\n", 18, out, sizeof(out), 3);
	CHECK_STR(out, "processed 1 insns\n");
	/* len shorter than the text: stop there */
	rl_vlog_tail("x\ny\nz\n", 4, out, sizeof(out), 5);
	CHECK_STR(out, "x\ny\n");
	/* blank lines after the reason are not the reason */
	rl_vlog_tail("0: (95) exit\nR0 !read_ok\n\n\n", 27, out, sizeof(out), 1);
	CHECK_STR(out, "R0 !read_ok\n");
}

static void test_vlog_policy(void)
{
	CHECK(rl_vlog_worth_retry(EACCES));
	CHECK(rl_vlog_worth_retry(EINVAL));
	CHECK(rl_vlog_worth_retry(E2BIG));
	CHECK(!rl_vlog_worth_retry(EPERM));
	CHECK(!rl_vlog_worth_retry(ENOMEM));
	CHECK_EQ(rl_vlog_next_size(RL_VLOG_START_SIZE, 0), 4 * RL_VLOG_START_SIZE);
	CHECK_EQ(rl_vlog_next_size(RL_VLOG_START_SIZE, 100000), 100000);
	CHECK_EQ(rl_vlog_next_size(8u << 20, 0), RL_VLOG_MAX_SIZE);
	CHECK_EQ(rl_vlog_next_size(RL_VLOG_START_SIZE, 1u << 30), RL_VLOG_MAX_SIZE);
}

/* ---- fault injection and the observer ------------------------------- */

struct seen { int calls, cmd, err; long result; };

static void on_call(void *ctx, int cmd, const union bpf_attr *attr, long result, int err)
{
	struct seen *s = ctx;

	(void)attr;
	s->calls++;
	s->cmd = cmd;
	s->result = result;
	s->err = err;
}

static void test_fault_injection(void)
{
	struct seen seen = { 0 };
	struct rl_sys_observer obs = { on_call, &seen };
	struct rl_map_create_opts mo = { .type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
					 .value_size = 4, .max_entries = 1, .btf_fd = -1,
					 .inner_map_fd = -1 };
	unsigned before = rl_sys_call_count();
	int r, kernel_says;

	rl_sys_set_observer(&obs);
	rl_sys_set_fault(1, EPERM);
	r = rl_sys_map_create(&mo);
	CHECK_EQ(r, -EPERM);
	CHECK(rl_sys_last_call_injected());
	CHECK_EQ(rl_sys_call_count(), before + 1);
	CHECK_EQ(seen.calls, 1);
	CHECK_EQ(seen.cmd, BPF_MAP_CREATE);
	CHECK_EQ(seen.result, -EPERM);
	CHECK_EQ(seen.err, EPERM);

	/* the fault fires on the 2nd call only; the kernel itself says ENOENT
	 * for a missing pin (or EPERM to the unprivileged on some hosts), so
	 * E2BIG proves the call never got there */
	rl_sys_set_fault(2, -E2BIG);
	kernel_says = rl_sys_obj_get("/sys/fs/bpf/rl-no-such-pin", 0);
	CHECK(kernel_says == -ENOENT || kernel_says == -EPERM);
	CHECK(!rl_sys_last_call_injected());
	CHECK_EQ(rl_sys_obj_get("/sys/fs/bpf/rl-no-such-pin", 0), -E2BIG);
	CHECK(rl_sys_last_call_injected());
	CHECK_EQ(rl_sys_obj_get("/sys/fs/bpf/rl-no-such-pin", 0), kernel_says);  /* one shot */
	CHECK_EQ(rl_sys_call_count(), before + 4);
	CHECK_EQ(seen.calls, 4);
	CHECK_EQ(seen.cmd, BPF_OBJ_GET);

	rl_sys_set_fault(0, EPERM);     /* disarmed */
	rl_sys_set_observer(NULL);
	CHECK_EQ(rl_sys_obj_get("/sys/fs/bpf/rl-no-such-pin", 0), kernel_says);
	CHECK_EQ(seen.calls, 4);
}

#ifdef RL_FAULT_INJECTION
/* Test builds read RAWLOAD_FAULT (set in main) before the first call. */
static void test_fault_env(void)
{
	CHECK_EQ(rl_sys_call_count(), 0);
	CHECK_EQ(rl_sys_obj_get("/sys/fs/bpf/rl-no-such-pin", 0), -E2BIG);
	CHECK(rl_sys_last_call_injected());
}
#endif

static void test_cmd_names(void)
{
	CHECK_STR(rl_bpf_cmd_name(BPF_PROG_LOAD), "BPF_PROG_LOAD");
	CHECK_STR(rl_bpf_cmd_name(BPF_MAP_FREEZE), "BPF_MAP_FREEZE");
	CHECK_STR(rl_bpf_cmd_name(BPF_PROG_QUERY), "BPF_PROG_QUERY");
	CHECK_STR(rl_bpf_cmd_name(-1), "BPF_UNKNOWN");
	CHECK_STR(rl_bpf_cmd_name(999), "BPF_UNKNOWN");
}

/* A refused log-less load is retried with a log; EPERM is not. */
static void test_load_retry_policy(void)
{
	struct bpf_insn insns[] = { MOV_R0(2), EXIT_INSN };
	struct rl_prog_load_opts o = { .prog_type = BPF_PROG_TYPE_XDP, .license = "GPL",
				       .insns = insns, .insn_cnt = 2, .prog_btf_fd = -1 };
	unsigned before = rl_sys_call_count();
	struct rl_vlog v = { (char *)1, 99, true };
	struct rl_diag d = { "" };
	int fd;

	rl_sys_set_fault(1, EPERM);
	fd = rl_prog_load_with_log(&o, &v, false, &d);
	CHECK_EQ(fd, -EPERM);
	CHECK(v.log == NULL);
	CHECK_EQ(v.len, 0);
	CHECK(!v.truncated);
	CHECK_STR(d.msg, "Operation not permitted");
	CHECK_EQ(rl_sys_call_count(), before + 1);

	/* an injected EACCES makes it ask again with a log: a second call
	 * that reaches the kernel (a valid program: root gets an fd) */
	rl_sys_set_fault(1, EACCES);
	fd = rl_prog_load_with_log(&o, &v, false, &d);
	CHECK_EQ(rl_sys_call_count(), before + 3);
	if (is_root) {
		CHECK(fd >= 3);
		CHECK(v.log != NULL);   /* log_level 1 on success: the summary */
		CHECK_CONTAINS(v.log, "processed 2 insns");
	} else {
		CHECK(fd < 0);
	}
	if (fd >= 0)
		close(fd);
	free(v.log);
}

/* The log buffer's growth, seen from the observer: each BPF_PROG_LOAD's
 * log_size, and an ENOSPC injected into the next call for as long as
 * `enospc_until` says (the kernel's answer when the log does not fit). */
struct growth { uint32_t sizes[16], levels[16]; int n; uint32_t enospc_until; };

static void on_load_call(void *ctx, int cmd, const union bpf_attr *attr, long result, int err)
{
	struct growth *g = ctx;

	(void)result;
	(void)err;
	if (cmd != BPF_PROG_LOAD || g->n >= 16)
		return;
	g->sizes[g->n] = attr->log_size;
	g->levels[g->n] = attr->log_level;
	g->n++;
	/* the next call is the retry with a log of the size after this one */
	if (attr->log_size < g->enospc_until)
		rl_sys_set_fault(1, ENOSPC);
}

/* A valid two-insn XDP program whose log-less load is refused (injected
 * EACCES), then loaded with a log while `g` injects ENOSPC. */
static int load_growing(struct growth *g, struct rl_vlog *v, struct rl_diag *d)
{
	struct bpf_insn insns[] = { MOV_R0(2), EXIT_INSN };
	struct rl_prog_load_opts o = { .prog_type = BPF_PROG_TYPE_XDP, .license = "GPL",
				       .insns = insns, .insn_cnt = 2, .prog_btf_fd = -1 };
	struct rl_sys_observer obs = { on_load_call, g };
	int fd;

	rl_sys_set_observer(&obs);
	rl_sys_set_fault(1, EACCES);
	fd = rl_prog_load_with_log(&o, v, false, d);
	rl_sys_set_observer(NULL);
	rl_sys_set_fault(0, 0);
	return fd;
}

static void test_vlog_growth(void)
{
	struct growth g = { .enospc_until = RL_VLOG_START_SIZE };
	struct rl_diag d = { "" };
	struct rl_vlog v;
	int fd;

	/* the 64 KiB log overflows: the third load has a 256 KiB buffer and
	 * reaches the kernel */
	fd = load_growing(&g, &v, &d);
	CHECK_EQ(g.n, 3);
	CHECK_EQ(g.sizes[0], 0);
	CHECK_EQ(g.levels[0], 0);
	CHECK_EQ(g.sizes[1], 64u << 10);
	CHECK_EQ(g.levels[1], 1);
	CHECK_EQ(g.sizes[2], 256u << 10);
	CHECK_EQ(g.levels[2], 1);
	CHECK(!v.truncated);
	if (is_root)
		CHECK(fd >= 3);
	else
		CHECK(fd == -EPERM || fd == -EACCES);
	if (fd >= 0)
		close(fd);
	free(v.log);
}

static void test_vlog_gives_up_at_16m(void)
{
	static const uint32_t want[] = { 0, 64u << 10, 256u << 10, 1u << 20, 4u << 20, 16u << 20 };
	struct growth g = { .enospc_until = UINT32_MAX };
	struct rl_diag d = { "" };
	unsigned before = rl_sys_call_count();
	struct rl_vlog v;
	int fd;

	/* every logged load overflows, even the 16 MiB one: no 7th call, and
	 * the verdict is the log-less load's EACCES, not the log's ENOSPC */
	fd = load_growing(&g, &v, &d);
	CHECK_EQ(fd, -EACCES);
	CHECK_EQ(rl_sys_call_count(), before + 6);
	CHECK_EQ(g.n, 6);
	for (int i = 0; i < 6 && i < g.n; i++)
		CHECK_EQ(g.sizes[i], want[i]);
	CHECK(v.truncated);
	CHECK_STR(d.msg, "Permission denied (the verifier log did not fit in 16 MiB: "
		  "what follows is the part the kernel kept)");
	free(v.log);
}

/* ---- mountinfo, /proc/self/cgroup, wrong directories ---------------- */

static void test_mountinfo_parse(void)
{
	char mnt[64], type[16];

	CHECK_EQ(rl_mountinfo_parse_line("42 23 0:39 / /sys/fs/bpf rw,relatime - bpf bpf rw\n",
					 mnt, sizeof(mnt), type, sizeof(type)), 0);
	CHECK_STR(mnt, "/sys/fs/bpf");
	CHECK_STR(type, "bpf");
	CHECK_EQ(rl_mountinfo_parse_line("41 31 0:38 / /sys/fs/cgroup/unified rw,relatime shared:9 master:2 - cgroup2 cgroup2 rw",
					 mnt, sizeof(mnt), type, sizeof(type)), 0);
	CHECK_STR(mnt, "/sys/fs/cgroup/unified");
	CHECK_STR(type, "cgroup2");
	CHECK_EQ(rl_mountinfo_parse_line("50 1 0:40 / /mnt/my\\040pins rw - bpf none rw",
					 mnt, sizeof(mnt), type, sizeof(type)), 0);
	CHECK_STR(mnt, "/mnt/my pins");
	CHECK_EQ(rl_mountinfo_parse_line("50 1 0:40 / /x rw", mnt, sizeof(mnt), type, sizeof(type)),
		 -EINVAL);
	CHECK_EQ(rl_mountinfo_parse_line("50 1 0:40 / /x rw\n", mnt, sizeof(mnt), type, sizeof(type)),
		 -EINVAL);      /* no " - " before the newline: once an endless loop */
	CHECK_EQ(rl_mountinfo_parse_line("", mnt, sizeof(mnt), type, sizeof(type)), -EINVAL);
}

static void test_cgroup_parse_self(void)
{
	char p[64];

	CHECK_EQ(rl_cgroup_parse_self("2:cpuacct:/\n1:cpu:/\n0::/\n", p, sizeof(p)), 0);
	CHECK_STR(p, "/");
	CHECK_EQ(rl_cgroup_parse_self("1:name=systemd:/a\n0::/user.slice/x.scope\n", p, sizeof(p)), 0);
	CHECK_STR(p, "/user.slice/x.scope");
	CHECK_EQ(rl_cgroup_parse_self("0::/tail-without-newline", p, sizeof(p)), 0);
	CHECK_STR(p, "/tail-without-newline");
	CHECK_EQ(rl_cgroup_parse_self("4:memory:/x\n", p, sizeof(p)), -ENOENT);
	CHECK_EQ(rl_cgroup_parse_self("0::/a-rather-long-path", p, 8), -ENAMETOOLONG);
}

static void test_wrong_directories(void)
{
	struct rl_diag d = { "" };
	char v2[PATH_MAX], dir[PATH_MAX];
	struct stat st;
	int created = -1, fd;

	CHECK_EQ(rl_bpffs_check("/tmp", &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "'/tmp' is not on a bpffs mount (statfs type 0x");
	/* mkdir -p refuses before creating anything outside bpffs */
	snprintf(dir, sizeof(dir), "/tmp/rl-test-%d/a/b", (int)getpid());
	CHECK_EQ(rl_bpffs_mkdir_p(dir, &created, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "is not on a bpffs mount");
	CHECK_CONTAINS(d.msg, "at '/tmp/'");
	CHECK_EQ(created, 0);
	snprintf(dir, sizeof(dir), "/tmp/rl-test-%d", (int)getpid());
	CHECK(stat(dir, &st) != 0);

	if (rl_cgroup2_mount(v2, sizeof(v2), NULL)) {
		printf("  (no cgroup2 mount: cgroup message checks skipped)\n");
		return;
	}
	if (stat("/sys/fs/cgroup/cpu", &st) == 0) {     /* hybrid host, like these VMs */
		fd = rl_cgroup_open("/sys/fs/cgroup/cpu", &d);
		CHECK_EQ(fd, -EINVAL);
		CHECK_CONTAINS(d.msg, "'/sys/fs/cgroup/cpu' is a cgroup v1 hierarchy (statfs 0x27e0eb), sockops needs cgroup v2 (found at ");
		CHECK_CONTAINS(d.msg, v2);
	}
	fd = rl_cgroup_open("/tmp", &d);
	CHECK_EQ(fd, -EINVAL);
	CHECK_CONTAINS(d.msg, "'/tmp' is not a cgroup directory");
	fd = rl_cgroup_open("/sys/fs/cgroup/unified/rl-no-such-cgroup", &d);
	CHECK_EQ(fd, -ENOENT);
	CHECK_CONTAINS(d.msg, "does not exist (cgroup v2 is mounted at ");
	fd = rl_cgroup_open(v2, &d);
	CHECK(fd >= 0);
	if (fd >= 0)
		close(fd);
}

/* ---- root: maps, programs, BTF -------------------------------------- */

#define NEED_ROOT() do { if (!is_root) { printf("  skip %s: needs root\n", __func__); return; } } while (0)

static int array_map(const char *name)
{
	struct rl_map_create_opts mo = { .type = BPF_MAP_TYPE_ARRAY, .key_size = 4,
					 .value_size = 8, .max_entries = 4, .name = name,
					 .btf_fd = -1, .inner_map_fd = -1 };

	return rl_sys_map_create(&mo);
}

static int load_simple(uint32_t type, uint32_t attach, int r0)
{
	struct bpf_insn insns[] = { MOV_R0(r0), EXIT_INSN };
	struct rl_prog_load_opts o = { .prog_type = type, .expected_attach_type = attach,
				       .license = "GPL", .insns = insns, .insn_cnt = 2,
				       .name = "rl_test", .prog_btf_fd = -1 };

	return rl_sys_prog_load(&o);
}

static uint32_t prog_id(int fd)
{
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info);

	return rl_sys_obj_info(fd, &info, &len) ? 0 : info.id;
}

static void test_map_ops(void)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info), key = 1, next = 0;
	uint64_t val = 42, got = 0;
	int fd;

	NEED_ROOT();
	fd = array_map("rl_test_arr");
	CHECK(fd >= 3);
	if (fd < 0)
		return;
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	CHECK_EQ(rl_sys_map_update(fd, &key, &val, BPF_ANY), 0);
	CHECK_EQ(rl_sys_map_lookup(fd, &key, &got), 0);
	CHECK_EQ(got, 42);
	CHECK_EQ(rl_sys_map_get_next_key(fd, NULL, &next), 0);
	CHECK_EQ(next, 0);
	CHECK_EQ(rl_sys_map_get_next_key(fd, &(uint32_t){ 3 }, &next), -ENOENT);
	CHECK_EQ(rl_sys_map_delete(fd, &key), -EINVAL);        /* arrays cannot */
	CHECK_EQ(rl_sys_map_update(fd, &(uint32_t){ 4 }, &val, BPF_ANY), -E2BIG);
	CHECK_EQ(rl_sys_map_freeze(fd), 0);
	CHECK_EQ(rl_sys_map_update(fd, &key, &val, BPF_ANY), -EPERM);
	CHECK_EQ(rl_sys_obj_info(fd, &info, &len), 0);
	CHECK_EQ(info.type, BPF_MAP_TYPE_ARRAY);
	CHECK_EQ(info.key_size, 4);
	CHECK_EQ(info.value_size, 8);
	CHECK_EQ(info.max_entries, 4);
	CHECK_STR(info.name, "rl_test_arr");
	CHECK(info.id > 0);
	close(fd);
}

static void test_fd_above_stdio(void)
{
	int saved, fd;

	NEED_ROOT();
	/* with stdin closed the kernel would hand out fd 0 */
	saved = fcntl(0, F_DUPFD_CLOEXEC, 3);
	CHECK(saved >= 3);
	if (saved < 0)
		return;
	close(0);
	fd = array_map("rl_test_fd0");
	dup2(saved, 0);
	close(saved);
	CHECK(fd >= 3);
	if (fd >= 0) {
		CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
		close(fd);
	}
}

static void test_prog_load_and_run(void)
{
	unsigned char pkt[64] = { 0 }, out[128];
	struct rl_test_run_opts t = { 0 };
	struct bpf_prog_info info = { 0 };
	uint32_t len = sizeof(info), id = 0;
	bool found = false;
	int fd, fd2;

	NEED_ROOT();
	fd = load_simple(BPF_PROG_TYPE_XDP, 0, 2 /* XDP_PASS */);
	CHECK(fd >= 3);
	if (fd < 0)
		return;
	CHECK(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	t.prog_fd = fd;
	t.data_in = pkt;
	t.data_size_in = sizeof(pkt);
	t.data_out = out;
	t.data_size_out = sizeof(out);
	t.repeat = 10;
	CHECK_EQ(rl_sys_prog_test_run(&t), 0);
	CHECK_EQ(t.retval, 2);
	CHECK_EQ(t.data_size_out, sizeof(pkt));
	CHECK_EQ(rl_sys_obj_info(fd, &info, &len), 0);
	CHECK_EQ(info.type, BPF_PROG_TYPE_XDP);
	CHECK_STR(info.name, "rl_test");

	/* walk all program ids and find ours; then a new fd by id */
	while (!found && rl_sys_prog_get_next_id(id, &id) == 0)
		found = id == info.id;
	CHECK(found);
	fd2 = rl_sys_prog_get_fd_by_id(info.id);
	CHECK(fd2 >= 3);
	if (fd2 >= 0) {
		CHECK_EQ(prog_id(fd2), info.id);
		close(fd2);
	}
	CHECK_EQ(rl_sys_prog_get_fd_by_id(0xfffffff0u), -ENOENT);
	close(fd);
}

static void test_verifier_log(void)
{
	struct bpf_insn bad[] = { EXIT_INSN };   /* r0 never written */
	struct rl_prog_load_opts o = { .prog_type = BPF_PROG_TYPE_XDP, .license = "GPL",
				       .insns = bad, .insn_cnt = 1, .prog_btf_fd = -1 };
	char small[128], tail[256];
	struct rl_diag d = { "" };
	struct rl_vlog v;
	uint32_t true_size = 0;
	unsigned before;
	int fd;

	NEED_ROOT();
	before = rl_sys_call_count();
	fd = rl_prog_load_with_log(&o, &v, false, &d);
	CHECK_EQ(fd, -EACCES);
	CHECK_EQ(rl_sys_call_count(), before + 2);     /* fast path, then with a log */
	CHECK_CONTAINS(v.log, "R0 !read_ok");
	CHECK_EQ(v.len, v.log ? strlen(v.log) : 0);
	CHECK(!v.truncated);
	CHECK_STR(d.msg, "Permission denied");
	rl_vlog_tail(v.log, v.len, tail, sizeof(tail), 2);
	CHECK_STR(tail, "0: (95) exit\nR0 !read_ok\n");
	free(v.log);

	/* a log buffer too small: ENOSPC, and (Linux >= 6.4) the true size */
	o.log_buf = small;
	o.log_size = sizeof(small);
	o.log_level = 2;
	o.log_true_size_out = &true_size;
	fd = rl_sys_prog_load(&o);
	CHECK(fd == -ENOSPC || fd == -EACCES);
	if (fd == -ENOSPC)
		CHECK(true_size > sizeof(small));
	if (fd >= 0)
		close(fd);
}

static void test_btf_load(void)
{
	/* the smallest useful BTF: header, one "int" type, the string table */
	struct {
		struct btf_header h;
		struct btf_type t;
		uint32_t int_enc;
		char str[5];
	} __attribute__((packed)) blob = {
		.h = { .magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(struct btf_header),
		       .type_off = 0, .type_len = 16, .str_off = 16, .str_len = 5 },
		.t = { .name_off = 1, .info = BTF_KIND_INT << 24, .size = 4 },
		.int_enc = BTF_INT_SIGNED << 24 | 32,
		.str = "\0int",
	};
	struct bpf_btf_info info = { 0 };
	uint32_t len = sizeof(info), id = 0;
	char log[1024];
	bool found = false;
	int fd, fd2;

	NEED_ROOT();
	fd = rl_sys_btf_load(&blob, sizeof(blob), log, sizeof(log), 1);
	CHECK(fd >= 3);
	if (fd < 0) {
		fprintf(stderr, "  BTF log: %s\n", log);
		return;
	}
	CHECK_EQ(rl_sys_obj_info(fd, &info, &len), 0);
	CHECK_EQ(info.btf_size, sizeof(blob));
	while (!found && rl_sys_btf_get_next_id(id, &id) == 0)
		found = id == info.id;
	CHECK(found);
	fd2 = rl_sys_btf_get_fd_by_id(info.id);
	CHECK(fd2 >= 3);
	if (fd2 >= 0)
		close(fd2);
	/* a damaged header: the kernel explains in the log */
	blob.h.magic = 0x1234;
	CHECK_EQ(rl_sys_btf_load(&blob, sizeof(blob), log, sizeof(log), 1), -EINVAL);
	CHECK(log[0] != '\0');
	close(fd);
}

static void test_map_ids(void)
{
	struct bpf_map_info info = { 0 };
	uint32_t len = sizeof(info), id = 0;
	bool found = false;
	int fd, fd2;

	NEED_ROOT();
	fd = array_map("rl_test_ids");
	CHECK(fd >= 3);
	if (fd < 0)
		return;
	CHECK_EQ(rl_sys_obj_info(fd, &info, &len), 0);
	while (!found && rl_sys_map_get_next_id(id, &id) == 0)
		found = id == info.id;
	CHECK(found);
	fd2 = rl_sys_map_get_fd_by_id(info.id);
	CHECK(fd2 >= 3);
	if (fd2 >= 0)
		close(fd2);
	close(fd);
}

/* ---- root: pins ------------------------------------------------------ */

static void test_pins(void)
{
	struct rl_diag d = { "" };
	char mnt[PATH_MAX - 64], top[PATH_MAX], dir[PATH_MAX + 8], pin[PATH_MAX + 16];
	char link[PATH_MAX], bad[PATH_MAX + 16];
	bool mounted = false;
	int created = 0, fd = -1, fd2, err;
	struct stat st;

	NEED_ROOT();
	err = rl_bpffs_ensure(mnt, sizeof(mnt), &mounted, &d);
	CHECK_EQ(err, 0);
	if (err)
		return;
	if (mounted)
		printf("  (mounted bpffs at %s)\n", mnt);
	snprintf(top, sizeof(top), "%s/rl-test-%d", mnt, (int)getpid());
	snprintf(dir, sizeof(dir), "%s/sub", top);
	snprintf(pin, sizeof(pin), "%s/prog", dir);
	snprintf(link, sizeof(link), "%s/rl-test-%d-link", mnt, (int)getpid());

	err = rl_bpffs_mkdir_p(dir, &created, &d);
	CHECK_EQ(err, 0);
	CHECK_EQ(created, 2);
	if (err)
		goto out;
	CHECK_EQ(rl_bpffs_check(dir, &d), 0);
	CHECK(stat(top, &st) == 0 && (st.st_mode & 0777) == 0700);
	CHECK_EQ(rl_bpffs_mkdir_p(dir, &created, &d), 0);     /* again: nothing new */
	CHECK_EQ(created, 0);

	fd = load_simple(BPF_PROG_TYPE_XDP, 0, 1);
	CHECK(fd >= 3);
	if (fd < 0)
		goto out_dirs;
	CHECK_EQ(rl_bpffs_pin(fd, pin, &d), 0);
	fd2 = rl_sys_obj_get(pin, 0);
	CHECK(fd2 >= 3);
	if (fd2 >= 0) {
		CHECK_EQ(prog_id(fd2), prog_id(fd));
		close(fd2);
	}
	CHECK_EQ(rl_bpffs_pin(fd, pin, &d), -EEXIST);
	CHECK_CONTAINS(d.msg, "already exists");
	CHECK_EQ(rl_bpffs_rmdir(dir, &d), -ENOTEMPTY);
	CHECK_CONTAINS(d.msg, "is not empty");
	CHECK_EQ(rl_bpffs_unpin(pin, &d), 0);
	CHECK_EQ(rl_sys_obj_get(pin, 0), -ENOENT);

	/* pinning outside bpffs is the kernel's EPERM; we say why */
	CHECK_EQ(rl_bpffs_pin(fd, "/tmp/rl-test-pin", &d), -EPERM);
	CHECK_CONTAINS(d.msg, "is not on a bpffs mount");

	/* a symlink in the path is refused, and nothing is created behind it */
	if (symlink("/tmp", link) == 0) {
		snprintf(bad, sizeof(bad), "%s/rl-test-x", link);
		CHECK_EQ(rl_bpffs_mkdir_p(bad, &created, &d), -ELOOP);
		CHECK_CONTAINS(d.msg, "is a symbolic link");
		CHECK(stat("/tmp/rl-test-x", &st) != 0);
		unlink(link);
	}
out_dirs:
	CHECK_EQ(rl_bpffs_rmdir_created(dir, 2), 0);
out:
	if (fd >= 0)
		close(fd);
	unlink(pin);
	rmdir(dir);
	rmdir(top);
	unlink(link);
	CHECK(stat(top, &st) != 0);
}

/* ---- root: cgroup sockops, sockhash sk_msg --------------------------- */

static void test_cgroup_sockops(void)
{
	struct rl_diag d = { "" };
	char v2[PATH_MAX], cg[PATH_MAX + 32];
	uint32_t ids[8], cnt = 8, flags = 0, id;
	int cg_fd = -1, fd = -1;

	NEED_ROOT();
	if (rl_cgroup2_mount(v2, sizeof(v2), &d)) {
		printf("  skip: %s\n", d.msg);
		return;
	}
	snprintf(cg, sizeof(cg), "%s/rl-test-%d", v2, (int)getpid());
	CHECK_EQ(mkdir(cg, 0755), 0);
	cg_fd = rl_cgroup_open(cg, &d);
	CHECK(cg_fd >= 0);
	fd = load_simple(BPF_PROG_TYPE_SOCK_OPS, 0, 1);
	CHECK(fd >= 3);
	if (cg_fd < 0 || fd < 0)
		goto out;
	id = prog_id(fd);
	CHECK_EQ(rl_cgroup_attach_sockops(cg_fd, fd, &d), 0);
	CHECK_EQ(rl_cgroup_query_sockops(cg_fd, ids, &cnt, &flags, &d), 0);
	CHECK_EQ(cnt, 1);
	CHECK_EQ(ids[0], id);
	CHECK(flags & BPF_F_ALLOW_MULTI);
	CHECK_EQ(rl_cgroup_attach_sockops(cg_fd, fd, &d), -EINVAL);  /* twice: EINVAL */
	CHECK_CONTAINS(d.msg, "already attached");
	cnt = 0;                        /* just the count */
	CHECK_EQ(rl_sys_prog_query(cg_fd, BPF_CGROUP_SOCK_OPS, NULL, NULL, &cnt), 0);
	CHECK_EQ(cnt, 1);
	CHECK_EQ(rl_cgroup_detach_sockops(cg_fd, fd, &d), 0);
	CHECK_EQ(rl_cgroup_detach_sockops(cg_fd, fd, &d), -ENOENT);
	cnt = 8;
	CHECK_EQ(rl_cgroup_query_sockops(cg_fd, ids, &cnt, NULL, &d), 0);
	CHECK_EQ(cnt, 0);
out:
	if (cg_fd >= 0) {
		rl_sys_prog_detach(fd, cg_fd, BPF_CGROUP_SOCK_OPS);    /* if a check failed */
		close(cg_fd);
	}
	if (fd >= 0)
		close(fd);
	CHECK_EQ(rmdir(cg), 0);
}

static void test_sockhash_msg_verdict(void)
{
	struct rl_map_create_opts mo = { .type = BPF_MAP_TYPE_SOCKHASH, .key_size = 4,
					 .value_size = 4, .max_entries = 2, .name = "rl_test_sh",
					 .btf_fd = -1, .inner_map_fd = -1 };
	struct rl_diag d = { "" };
	uint32_t ids[2], cnt = 2;
	int map_fd, fd = -1, err;

	NEED_ROOT();
	map_fd = rl_sys_map_create(&mo);
	CHECK(map_fd >= 3);
	if (map_fd < 0)
		return;
	fd = load_simple(BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT, 1 /* SK_PASS */);
	CHECK(fd >= 3);
	if (fd < 0)
		goto out;
	CHECK_EQ(rl_sockmap_attach_msg_verdict(map_fd, fd, &d), 0);
	err = rl_sockmap_query_msg_verdict(map_fd, ids, &cnt, &d);
	CHECK_EQ(err, 0);
	if (!err) {
		CHECK_EQ(cnt, 1);
		CHECK_EQ(ids[0], prog_id(fd));
	}
	CHECK_EQ(rl_sockmap_detach_msg_verdict(map_fd, fd, &d), 0);
	/* a sockops program is the wrong type for this hook */
	close(fd);
	fd = load_simple(BPF_PROG_TYPE_SOCK_OPS, 0, 1);
	CHECK_EQ(rl_sockmap_attach_msg_verdict(map_fd, fd, &d), -EINVAL);
out:
	if (fd >= 0)
		close(fd);
	close(map_fd);
}

/* ---- fd leak check around everything -------------------------------- */

static int count_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!dir)
		return -1;
	while ((e = readdir(dir)))
		n += e->d_name[0] != '.';
	closedir(dir);
	return n - 1;   /* the DIR's own fd */
}

int main(void)
{
	static const struct unit_test tests[] = {
#ifdef RL_FAULT_INJECTION
		UNIT_TEST(test_fault_env),     /* first: before any other bpf(2) call */
#endif
		UNIT_TEST(test_vlog_tail_window_has_source),
		UNIT_TEST(test_vlog_tail_adjacent_source),
		UNIT_TEST(test_vlog_tail_gap_to_source),
		UNIT_TEST(test_vlog_tail_map_log),
		UNIT_TEST(test_vlog_tail_small_buffer),
		UNIT_TEST(test_vlog_tail_odd_input),
		UNIT_TEST(test_vlog_policy),
		UNIT_TEST(test_fault_injection),
		UNIT_TEST(test_cmd_names),
		UNIT_TEST(test_load_retry_policy),
		UNIT_TEST(test_vlog_growth),
		UNIT_TEST(test_vlog_gives_up_at_16m),
		UNIT_TEST(test_mountinfo_parse),
		UNIT_TEST(test_cgroup_parse_self),
		UNIT_TEST(test_wrong_directories),
		UNIT_TEST(test_map_ops),
		UNIT_TEST(test_fd_above_stdio),
		UNIT_TEST(test_prog_load_and_run),
		UNIT_TEST(test_verifier_log),
		UNIT_TEST(test_btf_load),
		UNIT_TEST(test_map_ids),
		UNIT_TEST(test_pins),
		UNIT_TEST(test_cgroup_sockops),
		UNIT_TEST(test_sockhash_msg_verdict),
	};
	int before, after, rc;

#ifdef RL_FAULT_INJECTION
	setenv("RAWLOAD_FAULT", "1:E2BIG", 1);
#endif
	is_root = geteuid() == 0;
	if (!is_root)
		printf("test_sysbpf: not root, kernel tests are skipped\n");
	before = count_fds();
	rc = unit_run("test_sysbpf", tests, (int)(sizeof(tests) / sizeof(tests[0])));
	after = count_fds();
	if (before != after) {
		fprintf(stderr, "FAIL test_sysbpf: %d fds open before, %d after (a leak)\n",
			before, after);
		rc = 1;
	}
	return rc;
}
