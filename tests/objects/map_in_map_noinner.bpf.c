/* map_in_map_noinner.bpf.c - an ARRAY_OF_MAPS without `__array(values, ...)` (issue 17).
 *
 * The kernel needs a template map (inner_map_fd) to create a map-in-map and
 * says only EINVAL without one; rawload refuses before BPF_MAP_CREATE in one
 * line that says what to declare (test_ecosystem.sh).
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} outer SEC(".maps");
SEC("xdp")
int prog(struct xdp_md *ctx) { __u32 k = 0; return bpf_map_lookup_elem(&outer, &k) ? XDP_DROP : XDP_PASS; }
char LICENSE[] SEC("license") = "GPL";
