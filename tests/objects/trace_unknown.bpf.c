/* trace_unknown.bpf.c - a tracepoint program whose section names a
 * tracepoint no kernel has: rawload trace must refuse it in one line
 * before anything is loaded (test_trace.sh). */
#include "rl_bpf.h"

SEC("tracepoint/syscalls/sys_enter_rawload_nosuch")
int nosuch(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
