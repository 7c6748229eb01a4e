/* opensnoop.bpf.c - pid, command and path of every openat(2), the seed's
 * bcc example (seed 003) without bcc: a tracepoint program, a ring buffer,
 * and `rawload trace` to print the records.
 *
 *   openat(2) -> syscall entry -> tracepoint syscalls/sys_enter_openat
 *   -> trace_call_bpf -> opensnoop(ctx)
 *   -> one struct event into the ring buffer `events`
 *   -> rawload trace: epoll wakes, the record is read from the mmap'd ring
 *      and printed field by field from struct event's BTF:
 *
 *        pid=4242 comm="cat" path="/etc/hostname"
 *
 * The context is the tracepoint's record, laid out as
 * /sys/kernel/tracing/events/syscalls/sys_enter_openat/format says: the
 * common header (8 bytes), __syscall_nr, then each argument in 8 bytes.
 * The path is a user-space pointer: bpf_probe_read_user_str copies it.
 *
 * struct event reaches the object's BTF through fill_event()'s signature
 * (clang describes a function's argument types; a type used only inside a
 * function body would not be there), and `rawload trace` finds it by the
 * map's name: `events` -> struct event.
 */
#include "rl_bpf.h"

#define PATH_LEN 256
#define COMM_LEN 16

struct sys_enter_openat {
	__u16 common_type;
	__u8 common_flags;
	__u8 common_preempt_count;
	__s32 common_pid;
	__s32 syscall_nr;
	__u32 pad;
	__u64 dfd;
	const char *filename;	/* user memory */
	__u64 flags;
	__u64 mode;
};

struct event {
	__u32 pid;		/* the process (tgid) */
	__u32 tid;		/* the thread */
	char comm[COMM_LEN];
	char path[PATH_LEN];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

static __noinline int fill_event(struct event *e, const char *filename)
{
	__u64 id = bpf_get_current_pid_tgid();

	e->pid = id >> 32;
	e->tid = (__u32)id;
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(e->path, sizeof(e->path), filename);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int opensnoop(struct sys_enter_openat *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;	/* the ring is full: this open goes unseen */
	fill_event(e, ctx->filename);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
