/* btf_attach.bpf.c - programs that attach by a kernel BTF id (issue 17).
 *
 *   program        section                     kernel type looked up
 *   on_switch      tp_btf/sched_switch         typedef btf_trace_sched_switch
 *   on_exec        tp_btf/sched_process_exec   typedef btf_trace_sched_process_exec
 *   raw_switch     raw_tp/sched_switch         (none: attached by name)
 *
 * rawload must load both tp_btf programs as BPF_PROG_TYPE_TRACING with
 * expected_attach_type BPF_TRACE_RAW_TP and attach_btf_id = the typedef's id
 * in /sys/kernel/btf/vmlinux (test_ecosystem.sh checks with bpftool).
 * The fentry program lives in fentry_probe.bpf.c: lockdown refuses it.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"

__u64 switches;

SEC("tp_btf/sched_switch")
int on_switch(__u64 *ctx)
{
	__sync_fetch_and_add(&switches, 1);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int on_exec(__u64 *ctx)
{
	return 0;
}

SEC("raw_tp/sched_switch")
int raw_switch(__u64 *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
