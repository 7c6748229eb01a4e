/* verifier_reject.bpf.c - a program the verifier must refuse.
 *
 * Exercises: the failure path. BPF_PROG_LOAD returns EACCES and the
 * verifier log explains why; the loader must retry with a (larger) log
 * buffer, keep the tail, and - with .BTF.ext line_info passed along - the
 * log names the source line. On Linux 6.18 the log ends:
 *
 *   ; if (*first == 0xff) @ verifier_reject.bpf.c:<line>
 *   1: (71) r1 = *(u8 *)(r1 +0)
 *   invalid access to packet, off=0 size=1, R1(id=0,off=0,r=0)
 *   R1 offset is outside of the packet
 *
 * (r=0: the verifier has proven 0 bytes of packet safe to read.) Tests
 * should match "invalid access to packet" and "verifier_reject.bpf.c:".
 *
 * The bug is the classic one: the packet is read before checking that the
 * byte lies below data_end. Load must fail; nothing may be left in the
 * kernel afterwards.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"

SEC("xdp")
int xdp_unchecked(struct xdp_md *ctx)
{
	unsigned char *first = (void *)(long)ctx->data;

	/* missing: if ((void *)(first + 1) > (void *)(long)ctx->data_end) */
	if (*first == 0xff)
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
