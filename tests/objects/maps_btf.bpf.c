/* maps_btf.bpf.c - BTF-defined maps of several kinds, used by one program.
 *
 * Exercises: the ".maps" convention (__uint/__type read from BTF), struct
 * keys and values with their BTF type ids, map_flags, a pinned map
 * (LIBBPF_PIN_BY_NAME), a ring buffer (no key/value, max_entries is a
 * power-of-two multiple of the page size), and R_BPF_64_64 relocations from
 * one program against five different map symbols.
 *
 *   map          type         key           value          extra
 *   flows        HASH         struct flow   struct counters
 *   pinned_cfg   ARRAY        __u32         __u64          pinned by name
 *   scratch      PERCPU_HASH  __u32         __u64          BPF_F_NO_PREALLOC
 *   recent       LRU_HASH     __u32         __u64
 *   events       RINGBUF      -             -              16 KiB
 *
 * Verdict under BPF_PROG_TEST_RUN (any packet of >= 14 bytes): XDP_DROP (1).
 * The program writes flows[{1, 2}] and reads it back; it drops only if the
 * value it reads is the one it wrote, so the verdict does not depend on
 * state left in the (pinned or not) maps by earlier runs.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"

struct flow {
	__u32 src;
	__u32 dst;
};

struct counters {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 128);
	__type(key, struct flow);
	__type(value, struct counters);
} flows SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} pinned_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, __u64);
} scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 32);
	__type(key, __u32);
	__type(value, __u64);
} recent SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 4096);
} events SEC(".maps");

SEC("xdp")
int xdp_maps(struct xdp_md *ctx)
{
	struct flow f = { .src = 1, .dst = 2 };
	__u32 len = ctx->data_end - ctx->data;
	struct counters c = { .packets = 1, .bytes = len };
	struct counters *seen;
	__u32 key = 0;
	__u64 one = 1, *limit;

	limit = bpf_map_lookup_elem(&pinned_cfg, &key);	/* array: always found */
	if (limit)
		*limit += 1;
	bpf_map_update_elem(&scratch, &key, &one, BPF_ANY);
	bpf_map_update_elem(&recent, &len, &one, BPF_ANY);
	bpf_ringbuf_output(&events, &c, sizeof(c), 0);

	bpf_map_update_elem(&flows, &f, &c, BPF_ANY);
	seen = bpf_map_lookup_elem(&flows, &f);
	if (seen && seen->bytes == len && seen->packets == 1)
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
