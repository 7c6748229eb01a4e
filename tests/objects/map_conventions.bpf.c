/* map_conventions.bpf.c - maps whose kernel shape is a convention of the
 * loader, not what the object literally declares (issue 17).
 *
 *   map          type              declared              created as
 *   events       PERF_EVENT_ARRAY  max_entries 0         one slot per possible CPU
 *   logbuf       RINGBUF           max_entries 5000      8192 (power-of-two pages)
 *   seen         BLOOM_FILTER      map_extra 3, flags    map_extra 3, BPF_F_NO_PREALLOC...
 *   .data        ARRAY (global)    -                     BPF_F_MMAPABLE
 *   .rodata      ARRAY (global)    BPF_F_RDONLY_PROG     BPF_F_RDONLY_PROG|BPF_F_MMAPABLE
 *
 * Verdict under BPF_PROG_TEST_RUN (socket filter, any packet): the program
 * returns `keep` from .rodata (64) when `hits` in .data counts up from 0.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"

static long (* const bpf_perf_event_output)(void *ctx, void *map, __u64 flags,
					    void *data, __u64 size) =
	(void *) BPF_FUNC_perf_event_output;
static long (* const bpf_map_push_elem)(void *map, const void *value, __u64 flags) =
	(void *) BPF_FUNC_map_push_elem;

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 5000);
} logbuf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_BLOOM_FILTER);
	__uint(max_entries, 16);
	__uint(map_extra, 3);
	__uint(map_flags, BPF_F_ZERO_SEED);
	__type(value, __u32);
} seen SEC(".maps");

volatile __u32 hits;
const volatile __u32 keep = 64;

SEC("socket")
int conventions(struct __sk_buff *skb)
{
	__u32 v = skb->len;

	bpf_map_push_elem(&seen, &v, 0);
	bpf_perf_event_output(skb, &events, BPF_F_CURRENT_CPU, &v, sizeof(v));
	bpf_ringbuf_output(&logbuf, &v, sizeof(v), 0);
	hits++;
	return keep;
}

char LICENSE[] SEC("license") = "GPL";
