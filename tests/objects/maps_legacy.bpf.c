/* maps_legacy.bpf.c - maps declared the pre-BTF way, in SEC("maps").
 *
 * Exercises: the legacy "maps" section. Each map is a struct bpf_map_def
 * variable; the loader finds them through .symtab (symbols whose section is
 * "maps"), reads the five fields from the section's bytes at the symbol's
 * offset, and sizes each definition as sizeof(section) / number of symbols.
 * There is no BTF for key or value (the variables' BTF exists but describes
 * struct bpf_map_def, not the map's contents).
 *
 *   symbol    offset  type   key  value  max_entries
 *   counts    0       ARRAY  4    8      4
 *   seen      20      HASH   4    4      16
 *
 * Verdict under BPF_PROG_TEST_RUN: XDP_DROP (1). The program stores the
 * packet length in seen[7] and drops iff the lookup returns it.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"

/* The layout every loader that accepts SEC("maps") agrees on: five
 * unsigned ints, 20 bytes. Newer loaders accept longer entries; we keep the
 * minimal one. */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bpf_map_def SEC("maps") counts = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4,
};

struct bpf_map_def SEC("maps") seen = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 16,
};

SEC("xdp")
int xdp_legacy(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;
	__u32 key = 7, slot = 0, *found;
	__u64 *count;

	count = bpf_map_lookup_elem(&counts, &slot);
	if (count)
		*count += 1;

	bpf_map_update_elem(&seen, &key, &len, BPF_ANY);
	found = bpf_map_lookup_elem(&seen, &key);
	if (found && *found == len)
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
