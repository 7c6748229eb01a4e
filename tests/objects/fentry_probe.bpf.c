/* fentry_probe.bpf.c - an fentry and an fexit program (issue 17).
 *
 * Both need a BPF trampoline.  On a kernel in lockdown BPF_PROG_LOAD refuses
 * them with EPERM; rawload must then fail in one line naming the kernel's
 * refusal and the lockdown mode, and leave no program or map behind.  On a
 * kernel without lockdown both load as TRACING / BPF_TRACE_FENTRY|FEXIT.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"

__u64 calls;

SEC("fentry/do_nanosleep")
int enter_sleep(__u64 *ctx)
{
	__sync_fetch_and_add(&calls, 1);
	return 0;
}

SEC("fexit/do_nanosleep")
int leave_sleep(__u64 *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
