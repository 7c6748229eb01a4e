/* xdp_drop_ping.bpf.c - the lab's XDP exercise, written the way the seed shows.
 *
 * Seed 000 (virtualisation lab 2, goal 1): drop ICMP echo replies before they
 * reach the network stack, so a `ping` from this host stops getting answers
 * while the program is attached.  Written exactly in the seed's style:
 *
 *   - vmlinux.h (bpftool btf dump ... format c) for every kernel type,
 *     libbpf-dev's <bpf/bpf_helpers.h> and <bpf/bpf_endian.h>, and the
 *     constants from "bpf_tracing_net.h";
 *   - a BTF-defined map with libbpf's __uint/__type macros;
 *   - bpf_printk (libbpf's macro: the format string is a static const array,
 *     so it lands in .rodata; a string literal argument goes to .rodata.str1.1)
 *     and a `const volatile` knob (also .rodata).
 *
 * What this exercises in a loader: vmlinux.h wraps every type in
 * `#pragma clang attribute push (__attribute__((preserve_access_index)))`, so
 * each field access below - ctx->data, l2->h_proto, l3->protocol, l4->type -
 * carries a CO-RE field-offset relocation, even on packet data and on the
 * context.  The loader must resolve them against the kernel's BTF (the
 * verifier insists on the exact xdp_md offsets); l3->ihl is a bitfield.
 *
 * Not the shipped program (bpf/xdp_drop_ping.bpf.c): no VLANs, no IPv6.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "bpf_tracing_net.h"

char LICENSE[] SEC("license") = "GPL";

/* the ICMP type to drop; const volatile keeps it a load from .rodata that
 * a loader could rewrite before loading (here it stays the default) */
const volatile __u8 drop_type = ICMP_ECHOREPLY;

enum { STAT_DROPPED, STAT_PASSED, STAT_MAX };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} ping_stats SEC(".maps");

static __always_inline int count(__u32 what, int verdict)
{
	__u64 *n = bpf_map_lookup_elem(&ping_stats, &what);

	if (n)
		__sync_fetch_and_add(n, 1);
	return verdict;
}

SEC("xdp")
int drop_ping(struct xdp_md *ctx)
{
	void *data = (void *)(__u64)ctx->data;
	void *data_end = (void *)(__u64)ctx->data_end;
	struct ethhdr *l2 = data;
	struct iphdr *l3;
	struct icmphdr *l4;

	/* compare with data_end before every access: the verifier rejects
	 * a packet read it cannot prove in bounds */
	if ((void *)(l2 + 1) > data_end)
		return count(STAT_PASSED, XDP_PASS);
	if (l2->h_proto != bpf_htons(ETH_P_IP))
		return count(STAT_PASSED, XDP_PASS);

	l3 = (struct iphdr *)(l2 + 1);
	if ((void *)(l3 + 1) > data_end)
		return count(STAT_PASSED, XDP_PASS);
	if (l3->protocol != IPPROTO_ICMP)
		return count(STAT_PASSED, XDP_PASS);

	/* ihl counts 32-bit words; options make the header longer than 20 */
	l4 = (struct icmphdr *)((void *)l3 + l3->ihl * 4);
	if ((void *)(l4 + 1) > data_end)
		return count(STAT_PASSED, XDP_PASS);
	if (l4->type != drop_type)
		return count(STAT_PASSED, XDP_PASS);

	/* "drop_ping", a string literal argument, lands in .rodata.str1.1 */
	bpf_printk("%s: dropped ICMP type %d from %pI4", "drop_ping", l4->type, &l3->saddr);
	return count(STAT_DROPPED, XDP_DROP);
}
