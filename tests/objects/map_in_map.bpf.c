/* map_in_map.bpf.c - an array of maps with an inner-map template and a
 * static initialiser.
 *
 * Exercises: BPF_MAP_TYPE_ARRAY_OF_MAPS. The `values` member's BTF type is
 * an array of pointers to an anonymous map-definition struct: the inner
 * map's template. The kernel needs an inner map fd at BPF_MAP_CREATE time
 * (attr.inner_map_fd) to fix the type, key/value size and max_entries every
 * element must have, so the loader creates a throw-away map from the
 * template first. `.values = { [0] = &inner_a }` leaves a relocation in
 * .rel.maps against inner_a at slot 0: after creating both maps the loader
 * stores inner_a's fd into outer[0].
 *
 *   outer[0] -> inner_a (ARRAY, 1 x __u32)
 *
 * Verdict under BPF_PROG_TEST_RUN: XDP_DROP (1) iff outer[0] holds a map and
 * its element 0 can be looked up (any value; an ARRAY element always
 * exists, so no write is needed). XDP_PASS (2) if outer[0] is empty. If a
 * test writes 7 into inner_a[0] first, the program returns XDP_TX (3).
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"

struct inner_map {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
};

struct inner_map inner_a SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 2);
	__type(key, __u32);
	__array(values, struct inner_map);
} outer SEC(".maps") = {
	.values = {
		[0] = &inner_a,
	},
};

SEC("xdp")
int xdp_outer(struct xdp_md *ctx)
{
	__u32 zero = 0;
	__u32 *value;
	void *inner;

	inner = bpf_map_lookup_elem(&outer, &zero);
	if (!inner)
		return XDP_PASS;
	value = bpf_map_lookup_elem(inner, &zero);
	if (!value)
		return XDP_PASS;
	return *value == 7 ? XDP_TX : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
