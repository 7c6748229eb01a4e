/* sec_def.c - the ecosystem's section-name conventions and enum names.
 *
 * The kernel never sees a section name: BPF_PROG_LOAD takes a prog_type and
 * (for some types) an expected_attach_type.  The mapping from SEC("...") to
 * those two numbers is a convention that libbpf established and other
 * loaders follow; this table is rawload's copy of the *convention* (the
 * facts, not the code).  A name matches an entry when it equals the prefix,
 * or starts with it followed by '/' (e.g. "kprobe/do_unlinkat").
 *
 * For the BTF-attached kinds (tp_btf, fentry/fexit/fmod_ret, lsm, iter) the
 * part after the slash names a kernel type that the loader looks up in the
 * kernel's BTF for attach_btf_id (rl_btf_attach_name says which).  Kinds
 * that need more than an object to load (freplace, struct_ops) carry the
 * reason, so a refusal says what is missing instead of "unknown".
 */
#include "object.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define DEF(p, t, a, f, tgt, btf) { p, t, a, f, tgt, btf, NULL }
#define NEEDS(p, t, a, why) { p, t, a, 0, true, RL_BTF_NONE, why }
#define NONE RL_ATTACH_NONE
#define SLEEP BPF_F_SLEEPABLE
#define FRAGS BPF_F_XDP_HAS_FRAGS
#define P(x) BPF_PROG_TYPE_##x
#define NOBTF RL_BTF_NONE

static const struct rl_sec_def sec_defs[] = {
	/* the first match wins: a name with a '/'-suffix before its bare prefix */
	DEF("xdp.frags/devmap",     P(XDP), BPF_XDP_DEVMAP, FRAGS, false, NOBTF),
	DEF("xdp.frags/cpumap",     P(XDP), BPF_XDP_CPUMAP, FRAGS, false, NOBTF),
	DEF("xdp.frags",            P(XDP), BPF_XDP, FRAGS, false, NOBTF),
	DEF("xdp/devmap",           P(XDP), BPF_XDP_DEVMAP, 0, false, NOBTF),
	DEF("xdp/cpumap",           P(XDP), BPF_XDP_CPUMAP, 0, false, NOBTF),
	DEF("xdp",                  P(XDP), BPF_XDP, 0, false, NOBTF),
	DEF("sockops",              P(SOCK_OPS), BPF_CGROUP_SOCK_OPS, 0, false, NOBTF),
	DEF("sk_msg",               P(SK_MSG), BPF_SK_MSG_VERDICT, 0, false, NOBTF),
	DEF("sk_skb/stream_parser", P(SK_SKB), BPF_SK_SKB_STREAM_PARSER, 0, false, NOBTF),
	DEF("sk_skb/stream_verdict", P(SK_SKB), BPF_SK_SKB_STREAM_VERDICT, 0, false, NOBTF),
	DEF("sk_skb/verdict",       P(SK_SKB), BPF_SK_SKB_VERDICT, 0, false, NOBTF),
	DEF("sk_skb",               P(SK_SKB), NONE, 0, false, NOBTF),
	DEF("tcx/ingress",          P(SCHED_CLS), RL_BPF_TCX_INGRESS, 0, false, NOBTF),
	DEF("tcx/egress",           P(SCHED_CLS), RL_BPF_TCX_EGRESS, 0, false, NOBTF),
	DEF("tc/ingress",           P(SCHED_CLS), RL_BPF_TCX_INGRESS, 0, false, NOBTF),
	DEF("tc/egress",            P(SCHED_CLS), RL_BPF_TCX_EGRESS, 0, false, NOBTF),
	DEF("netkit/primary",       P(SCHED_CLS), RL_BPF_NETKIT_PRIMARY, 0, false, NOBTF),
	DEF("netkit/peer",          P(SCHED_CLS), RL_BPF_NETKIT_PEER, 0, false, NOBTF),
	DEF("tc",                   P(SCHED_CLS), NONE, 0, false, NOBTF),
	DEF("classifier",           P(SCHED_CLS), NONE, 0, false, NOBTF),
	DEF("action",               P(SCHED_ACT), NONE, 0, false, NOBTF),
	DEF("cgroup_skb/ingress",   P(CGROUP_SKB), BPF_CGROUP_INET_INGRESS, 0, false, NOBTF),
	DEF("cgroup_skb/egress",    P(CGROUP_SKB), BPF_CGROUP_INET_EGRESS, 0, false, NOBTF),
	DEF("cgroup/skb",           P(CGROUP_SKB), NONE, 0, false, NOBTF),
	DEF("cgroup/sock_create",   P(CGROUP_SOCK), BPF_CGROUP_INET_SOCK_CREATE, 0, false, NOBTF),
	DEF("cgroup/sock_release",  P(CGROUP_SOCK), BPF_CGROUP_INET_SOCK_RELEASE, 0, false, NOBTF),
	DEF("cgroup/sock",          P(CGROUP_SOCK), BPF_CGROUP_INET_SOCK_CREATE, 0, false, NOBTF),
	DEF("cgroup/post_bind4",    P(CGROUP_SOCK), BPF_CGROUP_INET4_POST_BIND, 0, false, NOBTF),
	DEF("cgroup/post_bind6",    P(CGROUP_SOCK), BPF_CGROUP_INET6_POST_BIND, 0, false, NOBTF),
	DEF("cgroup/bind4",         P(CGROUP_SOCK_ADDR), BPF_CGROUP_INET4_BIND, 0, false, NOBTF),
	DEF("cgroup/bind6",         P(CGROUP_SOCK_ADDR), BPF_CGROUP_INET6_BIND, 0, false, NOBTF),
	DEF("cgroup/connect4",      P(CGROUP_SOCK_ADDR), BPF_CGROUP_INET4_CONNECT, 0, false, NOBTF),
	DEF("cgroup/connect6",      P(CGROUP_SOCK_ADDR), BPF_CGROUP_INET6_CONNECT, 0, false, NOBTF),
	DEF("cgroup/connect_unix",  P(CGROUP_SOCK_ADDR), RL_BPF_CGROUP_UNIX_CONNECT, 0, false, NOBTF),
	DEF("cgroup/sendmsg4",      P(CGROUP_SOCK_ADDR), BPF_CGROUP_UDP4_SENDMSG, 0, false, NOBTF),
	DEF("cgroup/sendmsg6",      P(CGROUP_SOCK_ADDR), BPF_CGROUP_UDP6_SENDMSG, 0, false, NOBTF),
	DEF("cgroup/sendmsg_unix",  P(CGROUP_SOCK_ADDR), RL_BPF_CGROUP_UNIX_SENDMSG, 0, false, NOBTF),
	DEF("cgroup/recvmsg4",      P(CGROUP_SOCK_ADDR), BPF_CGROUP_UDP4_RECVMSG, 0, false, NOBTF),
	DEF("cgroup/recvmsg6",      P(CGROUP_SOCK_ADDR), BPF_CGROUP_UDP6_RECVMSG, 0, false, NOBTF),
	DEF("cgroup/recvmsg_unix",  P(CGROUP_SOCK_ADDR), RL_BPF_CGROUP_UNIX_RECVMSG, 0, false, NOBTF),
	DEF("cgroup/getpeername4",  P(CGROUP_SOCK_ADDR), BPF_CGROUP_INET4_GETPEERNAME, 0, false, NOBTF),
	DEF("cgroup/getpeername6",  P(CGROUP_SOCK_ADDR), BPF_CGROUP_INET6_GETPEERNAME, 0, false, NOBTF),
	DEF("cgroup/getpeername_unix", P(CGROUP_SOCK_ADDR), RL_BPF_CGROUP_UNIX_GETPEERNAME, 0, false, NOBTF),
	DEF("cgroup/getsockname4",  P(CGROUP_SOCK_ADDR), BPF_CGROUP_INET4_GETSOCKNAME, 0, false, NOBTF),
	DEF("cgroup/getsockname6",  P(CGROUP_SOCK_ADDR), BPF_CGROUP_INET6_GETSOCKNAME, 0, false, NOBTF),
	DEF("cgroup/getsockname_unix", P(CGROUP_SOCK_ADDR), RL_BPF_CGROUP_UNIX_GETSOCKNAME, 0, false, NOBTF),
	DEF("cgroup/sysctl",        P(CGROUP_SYSCTL), BPF_CGROUP_SYSCTL, 0, false, NOBTF),
	DEF("cgroup/getsockopt",    P(CGROUP_SOCKOPT), BPF_CGROUP_GETSOCKOPT, 0, false, NOBTF),
	DEF("cgroup/setsockopt",    P(CGROUP_SOCKOPT), BPF_CGROUP_SETSOCKOPT, 0, false, NOBTF),
	DEF("cgroup/dev",           P(CGROUP_DEVICE), BPF_CGROUP_DEVICE, 0, false, NOBTF),
	DEF("socket",               P(SOCKET_FILTER), NONE, 0, false, NOBTF),
	DEF("kprobe.multi",         P(KPROBE), BPF_TRACE_KPROBE_MULTI, 0, true, NOBTF),
	DEF("kretprobe.multi",      P(KPROBE), BPF_TRACE_KPROBE_MULTI, 0, true, NOBTF),
	DEF("uprobe.multi.s",       P(KPROBE), RL_BPF_TRACE_UPROBE_MULTI, SLEEP, true, NOBTF),
	DEF("uretprobe.multi.s",    P(KPROBE), RL_BPF_TRACE_UPROBE_MULTI, SLEEP, true, NOBTF),
	DEF("uprobe.multi",         P(KPROBE), RL_BPF_TRACE_UPROBE_MULTI, 0, true, NOBTF),
	DEF("uretprobe.multi",      P(KPROBE), RL_BPF_TRACE_UPROBE_MULTI, 0, true, NOBTF),
	DEF("kprobe",               P(KPROBE), NONE, 0, true, NOBTF),
	DEF("kretprobe",            P(KPROBE), NONE, 0, true, NOBTF),
	DEF("ksyscall",             P(KPROBE), NONE, 0, true, NOBTF),
	DEF("kretsyscall",          P(KPROBE), NONE, 0, true, NOBTF),
	DEF("uprobe.s",             P(KPROBE), NONE, SLEEP, true, NOBTF),
	DEF("uretprobe.s",          P(KPROBE), NONE, SLEEP, true, NOBTF),
	DEF("uprobe",               P(KPROBE), NONE, 0, true, NOBTF),
	DEF("uretprobe",            P(KPROBE), NONE, 0, true, NOBTF),
	DEF("usdt",                 P(KPROBE), NONE, 0, true, NOBTF),
	DEF("tracepoint",           P(TRACEPOINT), NONE, 0, true, NOBTF),
	DEF("tp",                   P(TRACEPOINT), NONE, 0, true, NOBTF),
	DEF("raw_tracepoint.w",     P(RAW_TRACEPOINT_WRITABLE), NONE, 0, true, NOBTF),
	DEF("raw_tp.w",             P(RAW_TRACEPOINT_WRITABLE), NONE, 0, true, NOBTF),
	DEF("raw_tracepoint",       P(RAW_TRACEPOINT), NONE, 0, true, NOBTF),
	DEF("raw_tp",               P(RAW_TRACEPOINT), NONE, 0, true, NOBTF),
	/* BTF-attached: the kernel wants attach_btf_id, a type in its own BTF */
	DEF("tp_btf",               P(TRACING), BPF_TRACE_RAW_TP, 0, true, RL_BTF_TRACE),
	DEF("fentry.s",             P(TRACING), BPF_TRACE_FENTRY, SLEEP, true, RL_BTF_FUNC),
	DEF("fentry",               P(TRACING), BPF_TRACE_FENTRY, 0, true, RL_BTF_FUNC),
	DEF("fexit.s",              P(TRACING), BPF_TRACE_FEXIT, SLEEP, true, RL_BTF_FUNC),
	DEF("fexit",                P(TRACING), BPF_TRACE_FEXIT, 0, true, RL_BTF_FUNC),
	DEF("fmod_ret.s",           P(TRACING), BPF_MODIFY_RETURN, SLEEP, true, RL_BTF_FUNC),
	DEF("fmod_ret",             P(TRACING), BPF_MODIFY_RETURN, 0, true, RL_BTF_FUNC),
	DEF("lsm.s",                P(LSM), BPF_LSM_MAC, SLEEP, true, RL_BTF_LSM),
	DEF("lsm_cgroup",           P(LSM), BPF_LSM_CGROUP, 0, true, RL_BTF_LSM),
	DEF("lsm",                  P(LSM), BPF_LSM_MAC, 0, true, RL_BTF_LSM),
	DEF("iter.s",               P(TRACING), BPF_TRACE_ITER, SLEEP, true, RL_BTF_ITER),
	DEF("iter",                 P(TRACING), BPF_TRACE_ITER, 0, true, RL_BTF_ITER),
	NEEDS("freplace",           P(EXT), NONE,
	      "replaces a function of a loaded program (attach_prog_fd), which 'rawload load' has no way to name"),
	NEEDS("struct_ops.s",       P(STRUCT_OPS), NONE,
	      "is a member of a struct_ops map (BPF_MAP_TYPE_STRUCT_OPS), which rawload does not build yet"),
	NEEDS("struct_ops",         P(STRUCT_OPS), NONE,
	      "is a member of a struct_ops map (BPF_MAP_TYPE_STRUCT_OPS), which rawload does not build yet"),
	DEF("perf_event",           P(PERF_EVENT), NONE, 0, false, NOBTF),
	DEF("flow_dissector",       P(FLOW_DISSECTOR), BPF_FLOW_DISSECTOR, 0, false, NOBTF),
	DEF("sk_lookup",            P(SK_LOOKUP), BPF_SK_LOOKUP, 0, false, NOBTF),
	DEF("sk_reuseport/migrate", P(SK_REUSEPORT), BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, 0, false, NOBTF),
	DEF("sk_reuseport",         P(SK_REUSEPORT), BPF_SK_REUSEPORT_SELECT, 0, false, NOBTF),
	DEF("lirc_mode2",           P(LIRC_MODE2), BPF_LIRC_MODE2, 0, false, NOBTF),
	DEF("lwt_in",               P(LWT_IN), NONE, 0, false, NOBTF),
	DEF("lwt_out",              P(LWT_OUT), NONE, 0, false, NOBTF),
	DEF("lwt_xmit",             P(LWT_XMIT), NONE, 0, false, NOBTF),
	DEF("lwt_seg6local",        P(LWT_SEG6LOCAL), NONE, 0, false, NOBTF),
	DEF("syscall",              P(SYSCALL), NONE, SLEEP, false, NOBTF),
	DEF("netfilter",            RL_BPF_PROG_TYPE_NETFILTER, RL_BPF_NETFILTER, 0, false, NOBTF),
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
	[RL_BPF_PROG_TYPE_NETFILTER] = "NETFILTER",
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
	NAME(BPF_, CGROUP_INET4_POST_BIND), NAME(BPF_, CGROUP_INET6_POST_BIND),
	NAME(BPF_, CGROUP_UDP4_SENDMSG), NAME(BPF_, CGROUP_UDP6_SENDMSG),
	NAME(BPF_, LIRC_MODE2), NAME(BPF_, FLOW_DISSECTOR), NAME(BPF_, CGROUP_SYSCTL),
	NAME(BPF_, CGROUP_UDP4_RECVMSG), NAME(BPF_, CGROUP_UDP6_RECVMSG),
	NAME(BPF_, CGROUP_GETSOCKOPT), NAME(BPF_, CGROUP_SETSOCKOPT),
	NAME(BPF_, TRACE_RAW_TP), NAME(BPF_, TRACE_FENTRY), NAME(BPF_, TRACE_FEXIT),
	NAME(BPF_, MODIFY_RETURN), NAME(BPF_, LSM_MAC), NAME(BPF_, TRACE_ITER),
	NAME(BPF_, CGROUP_INET4_GETPEERNAME), NAME(BPF_, CGROUP_INET6_GETPEERNAME),
	NAME(BPF_, CGROUP_INET4_GETSOCKNAME), NAME(BPF_, CGROUP_INET6_GETSOCKNAME),
	NAME(BPF_, XDP_DEVMAP), NAME(BPF_, CGROUP_INET_SOCK_RELEASE), NAME(BPF_, XDP_CPUMAP),
	NAME(BPF_, SK_LOOKUP), NAME(BPF_, XDP), NAME(BPF_, SK_SKB_VERDICT),
	NAME(BPF_, SK_REUSEPORT_SELECT), NAME(BPF_, SK_REUSEPORT_SELECT_OR_MIGRATE),
	NAME(BPF_, PERF_EVENT), NAME(BPF_, TRACE_KPROBE_MULTI), NAME(BPF_, LSM_CGROUP),
	/* newer than the build's <linux/bpf.h>: the UAPI numbers (object.h) */
	[RL_BPF_STRUCT_OPS] = "STRUCT_OPS", [RL_BPF_NETFILTER] = "NETFILTER",
	[RL_BPF_TCX_INGRESS] = "TCX_INGRESS", [RL_BPF_TCX_EGRESS] = "TCX_EGRESS",
	[RL_BPF_TRACE_UPROBE_MULTI] = "TRACE_UPROBE_MULTI",
	[RL_BPF_CGROUP_UNIX_CONNECT] = "CGROUP_UNIX_CONNECT",
	[RL_BPF_CGROUP_UNIX_SENDMSG] = "CGROUP_UNIX_SENDMSG",
	[RL_BPF_CGROUP_UNIX_RECVMSG] = "CGROUP_UNIX_RECVMSG",
	[RL_BPF_CGROUP_UNIX_GETPEERNAME] = "CGROUP_UNIX_GETPEERNAME",
	[RL_BPF_CGROUP_UNIX_GETSOCKNAME] = "CGROUP_UNIX_GETSOCKNAME",
	[RL_BPF_NETKIT_PRIMARY] = "NETKIT_PRIMARY", [RL_BPF_NETKIT_PEER] = "NETKIT_PEER",
};

#define LOOKUP(table, v) \
	((v) < sizeof(table) / sizeof(table[0]) && table[v] ? table[v] : "unknown")

const char *rl_prog_type_name(uint32_t t) { return LOOKUP(prog_type_names, t); }
const char *rl_map_type_name(uint32_t t) { return LOOKUP(map_type_names, t); }
const char *rl_attach_type_name(uint32_t t)
{
	return t == RL_ATTACH_NONE ? "-" : LOOKUP(attach_type_names, t);
}

/* The kernel type a BTF-attached program names: "btf_trace_<tp>" typedef for
 * tp_btf, the function itself for fentry/fexit/fmod_ret, "bpf_lsm_<hook>"
 * for lsm, "bpf_iter_<target>" for iter.  Writes the name and its BTF kind. */
int rl_btf_attach_name(enum rl_btf_attach kind, const char *target, char *out, size_t len,
		       uint32_t *btf_kind)
{
	static const struct { const char *prefix; uint32_t kind; } k[] = {
		[RL_BTF_TRACE] = { "btf_trace_", BTF_KIND_TYPEDEF },
		[RL_BTF_FUNC] = { "", BTF_KIND_FUNC },
		[RL_BTF_LSM] = { "bpf_lsm_", BTF_KIND_FUNC },
		[RL_BTF_ITER] = { "bpf_iter_", BTF_KIND_FUNC },
	};
	int n;

	if (kind == RL_BTF_NONE || (unsigned)kind >= sizeof(k) / sizeof(k[0]) || !target || !*target)
		return -EINVAL;
	n = snprintf(out, len, "%s%s", k[kind].prefix, target);
	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	*btf_kind = k[kind].kind;
	return 0;
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
