/* long_names.bpf.c - names the kernel cannot take as they are.
 *
 * Exercises: bpf_attr.prog_name / map_name hold at most 15 characters of
 * [A-Za-z0-9_.] (bpf_obj_name_cpy() refuses anything else with EINVAL), so
 * the loader derives a kernel name from each ELF name. Global-data maps
 * follow the ecosystem's convention: up to 8 characters of the object name
 * before a plain section name (.bss, .data, .rodata), the section name
 * alone when it has a second dot (.data.<custom>, .rodata.str1.1).
 *
 *   ELF name                          kernel name (BPF_OBJ_GET_INFO_BY_FD)
 *   xdp_with_a_rather_long_name       xdp_with_a_rath
 *   map_with_a_rather_long_name       map_with_a_rath
 *   .bss                              long_nam.bss
 *   .data.custom_counters             .data.custom_co
 *
 * Verdict under BPF_PROG_TEST_RUN: XDP_PASS (2).
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} map_with_a_rather_long_name SEC(".maps");

__u64 runs;
__u64 custom_counter SEC(".data.custom_counters") = 1;

SEC("xdp")
int xdp_with_a_rather_long_name(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&map_with_a_rather_long_name, &key);

	if (v)
		*v += custom_counter;
	runs++;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
