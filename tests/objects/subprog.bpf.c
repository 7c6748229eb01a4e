/* subprog.bpf.c - calls into .text: static and global subprograms, and a
 * bpf_loop() callback.
 *
 * Exercises: BPF-to-BPF calls. A call to a function in .text is a
 * `call` insn with src_reg BPF_PSEUDO_CALL and an R_BPF_64_32 relocation
 * against the callee's symbol (or the .text section symbol for static
 * functions, with the callee's offset in the imm). The loader appends the
 * callees after each program that uses them and rewrites imm as the
 * relative insn distance. Both programs below use the same subprograms, so
 * each gets its own copy. The bpf_loop() callback's address is an ld_imm64
 * with src_reg BPF_PSEUDO_FUNC and an R_BPF_64_64 relocation: resolved the
 * same way as a call. .BTF.ext func_info must cover every subprogram, and
 * the global one (rl_sum) is verified by the kernel on its own.
 *
 *   xdp_sub  (SEC "xdp")          -> rl_sum(6) -> bpf_loop(6, add_cb)
 *   tc_sub   (SEC "tc")           -> rl_sum(6)     add_cb adds idx + 1
 *                                 -> twice(x)     (static, in .text)
 *   rl_sum(6) = 1+2+...+6 = 21;   twice(21) = 42
 *
 * Verdicts under BPF_PROG_TEST_RUN: xdp_sub XDP_DROP (1); tc_sub
 * TC_ACT_SHOT (2). Either returns the "pass" verdict (XDP_PASS 2 / TC_ACT_OK
 * 0) if any call went to the wrong place and the result is not 42.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include "rl_bpf.h"

struct loop_ctx {
	__u64 sum;
};

/* bpf_loop() callback: return 0 to continue, 1 to stop. */
static int add_cb(__u32 idx, void *data)
{
	struct loop_ctx *lc = data;

	lc->sum += idx + 1;
	return 0;
}

static __noinline __u64 twice(__u64 x)
{
	return x + x;
}

/* Global: the verifier checks it once, against its BTF prototype, instead
 * of at every call site; its argument is an unknown scalar there. */
__noinline int rl_sum(int n)
{
	struct loop_ctx lc = { .sum = 0 };

	if (n < 0 || n > 100)
		return -1;
	bpf_loop(n, add_cb, &lc, 0);
	return lc.sum;
}

static __noinline int answer(void)
{
	return twice(rl_sum(6));
}

SEC("xdp")
int xdp_sub(struct xdp_md *ctx)
{
	return answer() == 42 ? XDP_DROP : XDP_PASS;
}

SEC("tc")
int tc_sub(struct __sk_buff *skb)
{
	return answer() == 42 ? TC_ACT_SHOT : TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
