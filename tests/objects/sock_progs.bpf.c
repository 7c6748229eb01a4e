/* sock_progs.bpf.c - one minimal program per section-name convention.
 *
 * Exercises: program type (and expected attach type) from the section
 * name. Every program here is trivially verifier-valid, so a load failure
 * means the loader picked the wrong type:
 *
 *   section                              prog type                 attach type
 *   sk_skb/stream_parser                 SK_SKB                    SK_SKB_STREAM_PARSER
 *   sk_skb/stream_verdict                SK_SKB                    SK_SKB_STREAM_VERDICT
 *   cgroup_skb/ingress                   CGROUP_SKB                CGROUP_INET_INGRESS
 *   cgroup_skb/egress                    CGROUP_SKB                CGROUP_INET_EGRESS
 *   socket                               SOCKET_FILTER             -
 *   tc                                   SCHED_CLS                 -
 *   xdp.frags                            XDP + BPF_F_XDP_HAS_FRAGS XDP
 *   kprobe/do_unlinkat                   KPROBE                    -
 *   tracepoint/syscalls/sys_enter_openat TRACEPOINT                -
 *
 * kprobe and tracepoint programs need a GPL-compatible license for most
 * helpers; since Linux 5.0 the kernel no longer checks kern_version for
 * kprobes, so no "version" section is needed on 6.18.
 *
 * Verdicts under BPF_PROG_TEST_RUN (where the type supports it):
 *   cg_ingress / cg_egress  1 (allow)
 *   sock_filter             skb->len (keep the whole packet)
 *   tc_ok                   TC_ACT_OK (0)
 *   xdp_frags               XDP_PASS (2)
 * sk_skb, kprobe and tracepoint programs do not support test runs.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include "rl_bpf.h"

SEC("sk_skb/stream_parser")
int skb_parser(struct __sk_buff *skb)
{
	return skb->len;	/* the whole skb is one message */
}

SEC("sk_skb/stream_verdict")
int skb_verdict(struct __sk_buff *skb)
{
	return SK_PASS;
}

SEC("cgroup_skb/ingress")
int cg_ingress(struct __sk_buff *skb)
{
	return 1;		/* 1 = allow, 0 = drop */
}

SEC("cgroup_skb/egress")
int cg_egress(struct __sk_buff *skb)
{
	return 1;
}

SEC("socket")
int sock_filter(struct __sk_buff *skb)
{
	return skb->len;	/* bytes to keep; 0 would drop */
}

SEC("tc")
int tc_ok(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

SEC("xdp.frags")
int xdp_frags(struct xdp_md *ctx)
{
	return XDP_PASS;
}

/* The context is struct pt_regs; we do not read it, so void * will do and
 * no architecture header is needed. */
SEC("kprobe/do_unlinkat")
int kprobe_unlinkat(void *ctx)
{
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int tp_openat(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
