/* verifier_reject_mixed.bpf.c - a refusal after the kernel already holds things.
 *
 * Exercises: all or nothing (SPEC §3) when the failure comes late. By the
 * time the verifier refuses xdp_bad, the loader has created
 *   - the BTF (BPF_BTF_LOAD),
 *   - mixed_seen, a BTF-defined hash pinned by name (so a pin exists),
 *   - the .rodata map holding `verdict` (frozen),
 *   - xdp_good, which the verifier accepted (it comes first: same section,
 *     lower offset, and programs load in that order).
 * After the failed load none of them may remain: the good program's id,
 * every map id and the pin must be gone. The kernel frees a program's maps
 * only after an RCU grace period (bpf_prog_put -> call_rcu ->
 * bpf_prog_free_deferred), so map ids vanish a little after the fds close.
 *
 *   xdp_good   XDP_PASS (the .rodata verdict), counts in mixed_seen[0]
 *   xdp_bad    reads the packet's first byte without a bounds check: the
 *              log says "invalid access to packet" at
 *              verifier_reject_mixed.bpf.c:<line>
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} mixed_seen SEC(".maps");

const volatile __u32 verdict = XDP_PASS;

SEC("xdp")
int xdp_good(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 one = 1, *v = bpf_map_lookup_elem(&mixed_seen, &key);

	if (v)
		*v += 1;
	else
		bpf_map_update_elem(&mixed_seen, &key, &one, BPF_ANY);
	return verdict;
}

SEC("xdp")
int xdp_bad(struct xdp_md *ctx)
{
	unsigned char *first = (void *)(long)ctx->data;

	/* missing: if ((void *)(first + 1) > (void *)(long)ctx->data_end) */
	if (*first == verdict)
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
