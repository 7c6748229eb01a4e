/* tail_call.bpf.c - a program array filled from a static initialiser.
 *
 * Exercises: BPF_MAP_TYPE_PROG_ARRAY in .maps with `__array(values, ...)`
 * and `.values = { [1] = &xdp_target }`. The initialiser does not become
 * bytes the kernel can use (a prog array holds program fds); clang leaves a
 * relocation in .rel.maps at the slot's offset inside jmp_table's variable
 * that names the function symbol xdp_target. The loader must load
 * xdp_target first, then write its fd into jmp_table[1]
 * (slot = (reloc offset - offset of `values`) / 8).
 *
 *   xdp_entry  -> bpf_tail_call(ctx, &jmp_table, 1) -> xdp_target
 *
 * Verdict of xdp_entry under BPF_PROG_TEST_RUN: XDP_DROP (1) if the loader
 * filled jmp_table[1]; XDP_PASS (2) if the slot is empty (the tail call
 * fails and execution continues after it). xdp_target run directly: XDP_DROP.
 *
 * Note the kernel empties a prog array when the last user-space reference
 * to the map goes (map->usercnt, see bpf_fd_array_map_clear() via
 * prog_array_map_clear()): a test must keep the map fd or a pin alive.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"

SEC("xdp")
int xdp_target(struct xdp_md *ctx)
{
	return XDP_DROP;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
	__array(values, int (struct xdp_md *));
} jmp_table SEC(".maps") = {
	.values = {
		[1] = (void *)&xdp_target,
	},
};

SEC("xdp")
int xdp_entry(struct xdp_md *ctx)
{
	bpf_tail_call(ctx, &jmp_table, 1);
	return XDP_PASS;	/* only reached when slot 1 is empty */
}

char LICENSE[] SEC("license") = "GPL";
