/* sec_def.c - the ecosystem's section-name conventions and enum names.
 *
 * The kernel never sees a section name: BPF_PROG_LOAD takes a prog_type and
 * (for some types) an expected_attach_type.  The mapping from SEC("...") to
 * those two numbers is a convention that libbpf established and other
 * loaders follow; this table is rawload's copy of the *convention* (the
 * facts, not the code).  A name matches an entry when it equals the prefix,
 * or starts with it followed by '/' (e.g. "kprobe/do_unlinkat").
 */
#include "object.h"

#include <string.h>

#define DEF(p, t, a, f, tgt) { p, BPF_PROG_TYPE_##t, a, f, tgt }
#define NONE RL_ATTACH_NONE

static const struct rl_sec_def sec_defs[] = {
	/* longest, most specific names first: the first match wins */
	DEF("xdp.frags",            XDP, BPF_XDP, BPF_F_XDP_HAS_FRAGS, false),
	DEF("xdp",                  XDP, BPF_XDP, 0, false),
	DEF("sockops",              SOCK_OPS, BPF_CGROUP_SOCK_OPS, 0, false),
	DEF("sk_msg",               SK_MSG, BPF_SK_MSG_VERDICT, 0, false),
	DEF("sk_skb/stream_parser", SK_SKB, BPF_SK_SKB_STREAM_PARSER, 0, false),
	DEF("sk_skb/stream_verdict", SK_SKB, BPF_SK_SKB_STREAM_VERDICT, 0, false),
	DEF("sk_skb/verdict",       SK_SKB, BPF_SK_SKB_VERDICT, 0, false),
	DEF("sk_skb",               SK_SKB, NONE, 0, false),
	DEF("tc",                   SCHED_CLS, NONE, 0, false),
	DEF("classifier",           SCHED_CLS, NONE, 0, false),
	DEF("action",               SCHED_ACT, NONE, 0, false),
	DEF("cgroup_skb/ingress",   CGROUP_SKB, BPF_CGROUP_INET_INGRESS, 0, false),
	DEF("cgroup_skb/egress",    CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 0, false),
	DEF("cgroup/skb",           CGROUP_SKB, NONE, 0, false),
	DEF("cgroup/sock_create",   CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0, false),
	DEF("cgroup/sock",          CGROUP_SOCK, BPF_CGROUP_INET_SOCK_CREATE, 0, false),
	DEF("cgroup/connect4",      CGROUP_SOCK_ADDR, BPF_CGROUP_INET4_CONNECT, 0, false),
	DEF("cgroup/connect6",      CGROUP_SOCK_ADDR, BPF_CGROUP_INET6_CONNECT, 0, false),
	DEF("cgroup/dev",           CGROUP_DEVICE, BPF_CGROUP_DEVICE, 0, false),
	DEF("socket",               SOCKET_FILTER, NONE, 0, false),
	DEF("kprobe",               KPROBE, NONE, 0, true),
	DEF("kretprobe",            KPROBE, NONE, 0, true),
	DEF("tracepoint",           TRACEPOINT, NONE, 0, true),
	DEF("tp",                   TRACEPOINT, NONE, 0, true),
	DEF("raw_tracepoint",       RAW_TRACEPOINT, NONE, 0, true),
	DEF("raw_tp",               RAW_TRACEPOINT, NONE, 0, true),
	DEF("perf_event",           PERF_EVENT, NONE, 0, false),
	DEF("flow_dissector",       FLOW_DISSECTOR, BPF_FLOW_DISSECTOR, 0, false),
	DEF("sk_lookup",            SK_LOOKUP, BPF_SK_LOOKUP, 0, false),
	DEF("lwt_in",               LWT_IN, NONE, 0, false),
	DEF("lwt_out",              LWT_OUT, NONE, 0, false),
	DEF("lwt_xmit",             LWT_XMIT, NONE, 0, false),
};

const struct rl_sec_def *rl_sec_def_find(const char *sec_name)
{
	size_t i;

	for (i = 0; i < sizeof(sec_defs) / sizeof(sec_defs[0]); i++) {
		size_t n = strlen(sec_defs[i].prefix);

		if (strncmp(sec_name, sec_defs[i].prefix, n) != 0)
			continue;
		if (sec_name[n] == '\0' || sec_name[n] == '/')
			return &sec_defs[i];
	}
	return NULL;
}

#define NAME(prefix, x) [prefix##x] = #x

static const char *const prog_type_names[] = {
	NAME(BPF_PROG_TYPE_, UNSPEC), NAME(BPF_PROG_TYPE_, SOCKET_FILTER),
	NAME(BPF_PROG_TYPE_, KPROBE), NAME(BPF_PROG_TYPE_, SCHED_CLS),
	NAME(BPF_PROG_TYPE_, SCHED_ACT), NAME(BPF_PROG_TYPE_, TRACEPOINT),
	NAME(BPF_PROG_TYPE_, XDP), NAME(BPF_PROG_TYPE_, PERF_EVENT),
	NAME(BPF_PROG_TYPE_, CGROUP_SKB), NAME(BPF_PROG_TYPE_, CGROUP_SOCK),
	NAME(BPF_PROG_TYPE_, LWT_IN), NAME(BPF_PROG_TYPE_, LWT_OUT),
	NAME(BPF_PROG_TYPE_, LWT_XMIT), NAME(BPF_PROG_TYPE_, SOCK_OPS),
	NAME(BPF_PROG_TYPE_, SK_SKB), NAME(BPF_PROG_TYPE_, CGROUP_DEVICE),
	NAME(BPF_PROG_TYPE_, SK_MSG), NAME(BPF_PROG_TYPE_, RAW_TRACEPOINT),
	NAME(BPF_PROG_TYPE_, CGROUP_SOCK_ADDR), NAME(BPF_PROG_TYPE_, LWT_SEG6LOCAL),
	NAME(BPF_PROG_TYPE_, LIRC_MODE2), NAME(BPF_PROG_TYPE_, SK_REUSEPORT),
	NAME(BPF_PROG_TYPE_, FLOW_DISSECTOR), NAME(BPF_PROG_TYPE_, CGROUP_SYSCTL),
	NAME(BPF_PROG_TYPE_, RAW_TRACEPOINT_WRITABLE), NAME(BPF_PROG_TYPE_, CGROUP_SOCKOPT),
	NAME(BPF_PROG_TYPE_, TRACING), NAME(BPF_PROG_TYPE_, STRUCT_OPS),
	NAME(BPF_PROG_TYPE_, EXT), NAME(BPF_PROG_TYPE_, LSM),
	NAME(BPF_PROG_TYPE_, SK_LOOKUP), NAME(BPF_PROG_TYPE_, SYSCALL),
};

static const char *const map_type_names[] = {
	NAME(BPF_MAP_TYPE_, UNSPEC), NAME(BPF_MAP_TYPE_, HASH), NAME(BPF_MAP_TYPE_, ARRAY),
	NAME(BPF_MAP_TYPE_, PROG_ARRAY), NAME(BPF_MAP_TYPE_, PERF_EVENT_ARRAY),
	NAME(BPF_MAP_TYPE_, PERCPU_HASH), NAME(BPF_MAP_TYPE_, PERCPU_ARRAY),
	NAME(BPF_MAP_TYPE_, STACK_TRACE), NAME(BPF_MAP_TYPE_, CGROUP_ARRAY),
	NAME(BPF_MAP_TYPE_, LRU_HASH), NAME(BPF_MAP_TYPE_, LRU_PERCPU_HASH),
	NAME(BPF_MAP_TYPE_, LPM_TRIE), NAME(BPF_MAP_TYPE_, ARRAY_OF_MAPS),
	NAME(BPF_MAP_TYPE_, HASH_OF_MAPS), NAME(BPF_MAP_TYPE_, DEVMAP),
	NAME(BPF_MAP_TYPE_, SOCKMAP), NAME(BPF_MAP_TYPE_, CPUMAP),
	NAME(BPF_MAP_TYPE_, XSKMAP), NAME(BPF_MAP_TYPE_, SOCKHASH),
	NAME(BPF_MAP_TYPE_, CGROUP_STORAGE), NAME(BPF_MAP_TYPE_, REUSEPORT_SOCKARRAY),
	NAME(BPF_MAP_TYPE_, PERCPU_CGROUP_STORAGE), NAME(BPF_MAP_TYPE_, QUEUE),
	NAME(BPF_MAP_TYPE_, STACK), NAME(BPF_MAP_TYPE_, SK_STORAGE),
	NAME(BPF_MAP_TYPE_, DEVMAP_HASH), NAME(BPF_MAP_TYPE_, STRUCT_OPS),
	NAME(BPF_MAP_TYPE_, RINGBUF), NAME(BPF_MAP_TYPE_, INODE_STORAGE),
	NAME(BPF_MAP_TYPE_, TASK_STORAGE), NAME(BPF_MAP_TYPE_, BLOOM_FILTER),
	NAME(BPF_MAP_TYPE_, USER_RINGBUF),
};

static const char *const attach_type_names[] = {
	NAME(BPF_, CGROUP_INET_INGRESS), NAME(BPF_, CGROUP_INET_EGRESS),
	NAME(BPF_, CGROUP_INET_SOCK_CREATE), NAME(BPF_, CGROUP_SOCK_OPS),
	NAME(BPF_, SK_SKB_STREAM_PARSER), NAME(BPF_, SK_SKB_STREAM_VERDICT),
	NAME(BPF_, CGROUP_DEVICE), NAME(BPF_, SK_MSG_VERDICT),
	NAME(BPF_, CGROUP_INET4_BIND), NAME(BPF_, CGROUP_INET6_BIND),
	NAME(BPF_, CGROUP_INET4_CONNECT), NAME(BPF_, CGROUP_INET6_CONNECT),
	NAME(BPF_, FLOW_DISSECTOR), NAME(BPF_, XDP), NAME(BPF_, SK_SKB_VERDICT),
	NAME(BPF_, SK_LOOKUP),
};

#define LOOKUP(table, v) \
	((v) < sizeof(table) / sizeof(table[0]) && table[v] ? table[v] : "unknown")

const char *rl_prog_type_name(uint32_t t) { return LOOKUP(prog_type_names, t); }
const char *rl_map_type_name(uint32_t t) { return LOOKUP(map_type_names, t); }
const char *rl_attach_type_name(uint32_t t)
{
	return t == RL_ATTACH_NONE ? "-" : LOOKUP(attach_type_names, t);
}

const char *rl_reloc_kind_name(enum rl_reloc_kind k)
{
	switch (k) {
	case RL_RELOC_MAP:       return "map";
	case RL_RELOC_MAP_VALUE: return "global data";
	case RL_RELOC_CALL:      return "subprogram call";
	case RL_RELOC_FUNC_ADDR: return "callback address";
	case RL_RELOC_EXTERN:    return "extern";
	}
	return "unknown";
}
