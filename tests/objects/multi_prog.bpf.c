/* multi_prog.bpf.c - three programs in one SEC("xdp") section.
 *
 * Exercises: one program per STT_FUNC symbol, not one per section. Each
 * program is the slice [st_value, st_value + st_size) of the section, and
 * the relocations that fall inside a slice must be rebased to the slice's
 * start (xdp_b's and xdp_c's references to `counter` sit at section offsets > 0). The
 * third program also calls a static subprogram in .text.
 *
 *   program   section offset   verdict under BPF_PROG_TEST_RUN
 *   xdp_a     0                XDP_PASS    (2)
 *   xdp_b     after xdp_a      XDP_DROP    (1)  uses map counter
 *   xdp_c     after xdp_b      XDP_TX      (3)  uses map counter + subprog
 *
 * Distinct verdicts let a test see that each name got its own bytes.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u64);
} counter SEC(".maps");

static __always_inline void bump(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&counter, &slot);

	if (v)
		*v += 1;
}

static __noinline int tx_verdict(int base)
{
	barrier_var(base);	/* keep clang from folding the call away */
	return base + 2;	/* XDP_PASS + 1 = XDP_TX when base is 1 */
}

SEC("xdp")
int xdp_a(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("xdp")
int xdp_b(struct xdp_md *ctx)
{
	bump(1);
	return XDP_DROP;
}

SEC("xdp")
int xdp_c(struct xdp_md *ctx)
{
	bump(2);
	return tx_verdict(XDP_DROP);
}

char LICENSE[] SEC("license") = "GPL";
