/* test_netlink_root.c - XDP attach, replace, detach and query on a real kernel.
 *
 * Root only: as another user it prints a skip line and exits 0.  The tests
 * run in a forked child that first moves into a network namespace of its
 * own (unshare(CLONE_NEWNET)) and creates a veth pair there, so nothing on
 * the host is touched and everything - the pair, the attachments, the two
 * test programs - goes away when the child exits, even if it crashes.
 *
 * The XDP program is two instructions, r0 = XDP_PASS; exit, loaded through
 * loader/sys_bpf (the one file that makes bpf(2) calls).
 */
#include "unit.h"

#include <errno.h>
#include <net/if.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/bpf.h>
#include <linux/if_link.h>

#include "sys_bpf.h"
#include "xdp_explain.h"
#include "xdp_attach.h"

#define DEV "rlnl0"

static int ifindex;
static int prog_a, prog_b;          /* two copies of the same program: two ids */
static uint32_t id_a, id_b;

static int load_pass_prog(void)
{
	static const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct rl_prog_load_opts o = {
		.prog_type = BPF_PROG_TYPE_XDP, .name = "rl_nltest", .license = "GPL",
		.insns = insns, .insn_cnt = 2, .prog_btf_fd = -1,
	};

	return rl_sys_prog_load(&o);
}

static uint32_t prog_id(int fd)
{
	struct bpf_prog_info info;
	uint32_t len = sizeof(info);

	memset(&info, 0, sizeof(info));
	return rl_sys_obj_info(fd, &info, &len) == 0 ? info.id : 0;
}

static struct rl_xdp_state query(void)
{
	struct rl_xdp_state st;
	struct rl_diag d = { "" };

	CHECK_EQ(rl_xdp_query(ifindex, &st, &d), 0);
	return st;
}

static void test_attach_native(void)
{
	struct rl_diag d = { "" };
	struct rl_xdp_state st;

	CHECK_EQ(rl_xdp_attach(ifindex, prog_a, RL_XDP_MODE_NATIVE, false, -1, &d), 0);
	st = query();
	CHECK_EQ(st.attached, XDP_ATTACHED_DRV);
	CHECK_EQ(st.prog_id, id_a);
	CHECK_EQ(st.drv_prog_id, id_a);
	CHECK_EQ(st.skb_prog_id, 0);
}

static void test_second_attach_refused(void)
{
	struct rl_diag d = { "" };

	CHECK_EQ(rl_xdp_attach(ifindex, prog_b, RL_XDP_MODE_NATIVE, false, -1, &d), -EBUSY);
	CHECK_CONTAINS(d.msg, "EBUSY (kernel: 'XDP program already attached')");
	CHECK_CONTAINS(d.msg, "use --replace");
	CHECK_EQ(query().prog_id, id_a);
}

static void test_other_mode_refused(void)
{
	struct rl_diag d = { "" };

	CHECK_EQ(rl_xdp_attach(ifindex, prog_b, RL_XDP_MODE_SKB, false, -1, &d), -EEXIST);
	CHECK_CONTAINS(d.msg, "can't be active at the same time");
}

static void test_replace(void)
{
	struct rl_diag d = { "" };

	/* expected = b, but a is attached: refused, nothing changes */
	CHECK_EQ(rl_xdp_attach(ifindex, prog_b, RL_XDP_MODE_NATIVE, true, prog_b, &d), -EEXIST);
	CHECK_CONTAINS(d.msg, "Active program does not match expected");
	CHECK_EQ(query().prog_id, id_a);
	CHECK_EQ(rl_xdp_attach(ifindex, prog_b, RL_XDP_MODE_NATIVE, true, prog_a, &d), 0);
	CHECK_EQ(query().drv_prog_id, id_b);
}

static void test_detach_expected(void)
{
	struct rl_diag d = { "" };

	CHECK_EQ(rl_xdp_detach_expected(ifindex, RL_XDP_MODE_NATIVE, prog_a, &d), -EEXIST);
	CHECK_EQ(query().prog_id, id_b);
	CHECK_EQ(rl_xdp_detach_expected(ifindex, RL_XDP_MODE_NATIVE, prog_b, &d), 0);
	CHECK_EQ(query().attached, XDP_ATTACHED_NONE);
}

/* replace + expected fd -1: "only if nothing is attached", atomically. */
static void test_replace_expecting_none(void)
{
	struct rl_diag d = { "" };

	CHECK_EQ(rl_xdp_attach(ifindex, prog_a, RL_XDP_MODE_NATIVE, true, -1, &d), 0);
	CHECK_EQ(query().prog_id, id_a);
	CHECK_EQ(rl_xdp_attach(ifindex, prog_b, RL_XDP_MODE_NATIVE, true, -1, &d), -EEXIST);
	CHECK_EQ(query().prog_id, id_a);
	CHECK_EQ(rl_xdp_detach_expected(ifindex, RL_XDP_MODE_NATIVE, prog_a, &d), 0);
	CHECK_EQ(query().attached, XDP_ATTACHED_NONE);
}

static void test_skb_mode(void)
{
	struct rl_diag d = { "" };
	struct rl_xdp_state st;

	CHECK_EQ(rl_xdp_attach(ifindex, prog_a, RL_XDP_MODE_SKB, false, -1, &d), 0);
	st = query();
	CHECK_EQ(st.attached, XDP_ATTACHED_SKB);
	CHECK_EQ(st.skb_prog_id, id_a);
	CHECK_EQ(st.drv_prog_id, 0);
	CHECK_EQ(rl_xdp_detach(ifindex, &d), 0);
	CHECK_EQ(query().attached, XDP_ATTACHED_NONE);
	CHECK_EQ(rl_xdp_detach(ifindex, &d), -ENOENT);
}

static void test_hw_refused(void)
{
	struct rl_diag d = { "" };

	CHECK(rl_xdp_attach(ifindex, prog_a, RL_XDP_MODE_HW, false, -1, &d) < 0);
	CHECK_CONTAINS(d.msg, "try --mode native or --mode skb");
	CHECK_EQ(query().attached, XDP_ATTACHED_NONE);
}

static void test_no_device(void)
{
	struct rl_xdp_state st;
	struct rl_diag d = { "" };

	CHECK_EQ(rl_xdp_query(9999, &st, &d), -ENODEV);
	CHECK_EQ(rl_xdp_attach(9999, prog_a, RL_XDP_MODE_NATIVE, false, -1, &d), -ENODEV);
	CHECK_CONTAINS(d.msg, "RTM_SETLINK on ifindex 9999");
}

struct transcript {
	char text[16384];
	size_t len;
};

static void record(void *ctx, const struct nlmsghdr *req, const struct nlmsghdr *reply, int result)
{
	struct transcript *t = ctx;

	(void)result;
	t->len += rl_nl_explain(t->text + t->len, sizeof(t->text) - t->len, req);
	if (reply && t->len < sizeof(t->text))
		t->len += rl_nl_explain(t->text + t->len, sizeof(t->text) - t->len, reply);
	if (t->len > sizeof(t->text))
		t->len = sizeof(t->text);
}

/* What --explain shows for a real attach and query. */
static void test_explain_live(void)
{
	static struct transcript t;
	struct rl_nl_observer o = { record, &t };
	struct rl_diag d = { "" };

	rl_nl_set_observer(&o);
	CHECK_EQ(rl_xdp_attach(ifindex, prog_a, RL_XDP_MODE_NATIVE, false, -1, &d), 0);
	query();
	rl_nl_set_observer(NULL);
	CHECK_CONTAINS(t.text, "= XDP_FLAGS_UPDATE_IF_NOEXIST|XDP_FLAGS_DRV_MODE\n");
	CHECK_CONTAINS(t.text, "error = 0 (success: this is the ACK)");
	CHECK_CONTAINS(t.text, "nlmsg_type = RTM_NEWLINK (16)");
	CHECK_CONTAINS(t.text, "= XDP_ATTACHED_DRV (1)");
	CHECK_CONTAINS(t.text, "= \"" DEV "\"");
	CHECK_EQ(rl_xdp_detach(ifindex, &d), 0);
}

static void test_fault_leaves_nothing(void)
{
	struct rl_diag d = { "" };

	rl_nl_set_fault(1, EPERM);
	CHECK_EQ(rl_xdp_attach(ifindex, prog_a, RL_XDP_MODE_NATIVE, false, -1, &d), -EPERM);
	CHECK_CONTAINS(d.msg, "injected fault");
	CHECK_EQ(query().attached, XDP_ATTACHED_NONE);
}

static int run_in_netns(void)
{
	static const struct unit_test tests[] = {
		UNIT_TEST(test_attach_native),
		UNIT_TEST(test_second_attach_refused),
		UNIT_TEST(test_other_mode_refused),
		UNIT_TEST(test_replace),
		UNIT_TEST(test_detach_expected),
		UNIT_TEST(test_replace_expecting_none),
		UNIT_TEST(test_skb_mode),
		UNIT_TEST(test_hw_refused),
		UNIT_TEST(test_no_device),
		UNIT_TEST(test_explain_live),
		UNIT_TEST(test_fault_leaves_nothing),
	};

	if (unshare(CLONE_NEWNET) != 0) {
		perror("netlink_root: unshare(CLONE_NEWNET)");
		return 1;
	}
	if (system("ip link add " DEV " type veth peer name rlnl1 && "
		   "ip link set " DEV " up && ip link set rlnl1 up") != 0) {
		fprintf(stderr, "netlink_root: could not create the veth pair\n");
		return 1;
	}
	ifindex = (int)if_nametoindex(DEV);
	prog_a = load_pass_prog();
	prog_b = load_pass_prog();
	id_a = prog_id(prog_a);
	id_b = prog_id(prog_b);
	if (ifindex <= 0 || prog_a < 0 || prog_b < 0 || !id_a || !id_b) {
		fprintf(stderr, "netlink_root: setup failed (ifindex %d, prog fds %d %d: %s)\n",
			ifindex, prog_a, prog_b, strerror(prog_a < 0 ? -prog_a : -prog_b));
		return 1;
	}
	return unit_run("netlink_root", tests, (int)(sizeof(tests) / sizeof(tests[0])));
}

int main(void)
{
	int status;
	pid_t pid;

	if (geteuid() != 0) {
		printf("netlink_root: skipped (needs root for a network namespace and bpf)\n");
		return 0;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		perror("netlink_root: fork");
		return 1;
	}
	if (pid == 0) {
		int rc = run_in_netns();

		fflush(stdout);       /* _exit does not flush stdio */
		_exit(rc);
	}
	if (waitpid(pid, &status, 0) < 0) {
		perror("netlink_root: waitpid");
		return 1;
	}
	if (WIFSIGNALED(status)) {
		fprintf(stderr, "netlink_root: test child killed by signal %d\n", WTERMSIG(status));
		return 1;
	}
	return WEXITSTATUS(status);
}
