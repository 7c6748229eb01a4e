/* xdp_core.bpf.c - xdp_drop_ping written the vmlinux.h way, for the load benchmark.
 *
 * Built against a vmlinux.h that `bpftool btf dump file /sys/kernel/btf/vmlinux
 * format c` generates (load.sh does it into build/bench/).  That header wraps
 * every struct in `preserve_access_index`, so each field access below becomes
 * a CO-RE relocation in .BTF.ext: a loader must open the kernel's BTF (5+ MB,
 * >100k types) and resolve every access before BPF_PROG_LOAD.  That is the
 * cost the benchmark measures; the program's logic is only there to make the
 * accesses real (echo replies dropped, everything else passed, counted).
 *
 * No libbpf headers: the few conventions we need are spelled out here, and
 * the UAPI headers cannot be mixed with vmlinux.h (they redefine its types).
 */
#include "vmlinux.h"

#define SEC(name) __attribute__((section(name), used))
#define __uint(name, val)  int (*name)[val]
#define __type(name, val)  typeof(val) *name

static void *(* const bpf_map_lookup_elem)(void *map, const void *key) = (void *)1;

#define ETH_P_IP_BE	0x0008	/* htons(0x0800) on a little-endian target */
#define ETH_P_8021Q_BE	0x0081	/* htons(0x8100) */
#define IPPROTO_ICMP_	1

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
} core_stats SEC(".maps");

static __attribute__((always_inline)) void count(__u32 key)
{
	__u64 *v = bpf_map_lookup_elem(&core_stats, &key);

	if (v)
		*v += 1;
}

SEC("xdp")
int xdp_core_drop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct vlan_hdr *vlan;
	struct iphdr *ip;
	struct icmphdr *icmp;
	__be16 proto;
	void *pos;

	if ((void *)(eth + 1) > end)
		goto pass;
	proto = eth->h_proto;
	pos = eth + 1;
	if (proto == ETH_P_8021Q_BE) {
		vlan = pos;
		if ((void *)(vlan + 1) > end)
			goto pass;
		proto = vlan->h_vlan_encapsulated_proto;
		pos = vlan + 1;
	}
	if (proto != ETH_P_IP_BE)
		goto pass;
	ip = pos;
	if ((void *)(ip + 1) > end || ip->ihl < 5 || ip->protocol != IPPROTO_ICMP_)
		goto pass;
	icmp = pos + ip->ihl * 4;
	if ((void *)(icmp + 1) > end || icmp->type != 0)
		goto pass;
	count(0);
	return XDP_DROP;
pass:
	count(1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
