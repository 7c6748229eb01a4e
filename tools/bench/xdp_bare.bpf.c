/* xdp_bare.bpf.c - the cheapest possible XDP program: drop everything.
 *
 * The baseline for xdp_cost.sh: BPF_PROG_TEST_RUN's ns/run for this program
 * is the harness itself (bpf_test_run's loop, the xdp_buff set-up, the
 * dispatcher call) plus two instructions, so drop_ping's ns/run minus this
 * one is what parsing the frame costs.
 */
#include <linux/bpf.h>
#include "rl_bpf.h"

SEC("xdp")
int xdp_bare(struct xdp_md *ctx)
{
	(void)ctx;
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
