/* trace_raw_tp.bpf.c - a raw tracepoint program for test_trace.sh: every
 * syscall entry of the process whose tgid is in `target` (set through the
 * .bss global by nothing: 0 means every process) goes into the ring buffer
 * as { pid, nr }.  raw_tp/sys_enter's context is the tracepoint's raw
 * arguments: args[0] = struct pt_regs *, args[1] = the syscall number. */
#include "rl_bpf.h"

struct sample {
	__u32 pid;
	__s64 nr;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 64 * 1024);
} samples SEC(".maps");

static __noinline int fill(struct sample *s, __s64 nr)
{
	s->pid = bpf_get_current_pid_tgid() >> 32;
	s->nr = nr;
	return 0;
}

SEC("raw_tp/sys_enter")
int on_sys_enter(struct bpf_raw_tracepoint_args *ctx)
{
	struct sample *s = bpf_ringbuf_reserve(&samples, sizeof(*s), 0);

	if (!s)
		return 0;
	fill(s, (__s64)ctx->args[1]);
	bpf_ringbuf_submit(s, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
