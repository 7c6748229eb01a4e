/* trace_kprobe.bpf.c - a kprobe and an fentry-style program: kinds this
 * VM's kernel cannot attach (no kprobes; lockdown refuses fentry).
 * rawload must say so in one line and leave nothing behind. */
#include "rl_bpf.h"

SEC("kprobe/do_sys_openat2")
int kp(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
