/* core_fields.bpf.c - CO-RE against the running kernel, checked by verdict.
 *
 * The structs below are this program's *own* idea of the kernel's types:
 * the fields it needs, in another order, some with other sizes, one that
 * does not exist at all.  The "___mine" suffix is a flavour: the loader
 * strips it and looks for the kernel's task_struct / sk_buff.  Compiled
 * offsets are therefore wrong on purpose (pid is at byte 20 here, at 1264
 * in the 6.18 kernel; signedness and bitfield widths differ too), so each
 * XDP program returns a relocated constant
 * (or a value read from the kernel at a relocated offset) and the test
 * (tests/integration/test_core.sh) compares the verdict with what
 * `bpftool btf dump file /sys/kernel/btf/vmlinux` says about this kernel.
 * A loader that ignored .BTF.ext would return the compiled numbers.
 */
#include <linux/types.h>

#include "core_helpers.h"

struct sched_entity___mine {
	__u64 vruntime;
} __attribute__((preserve_access_index));

struct task_struct___mine {
	char comm[16];
	int tgid;
	__u32 pid;                                /* pid_t, signed in the kernel */
	struct task_struct___mine *real_parent;
	struct sched_entity___mine se;            /* nested: "se.vruntime" */
	__u64 rawload_no_such_field;              /* no kernel has this */
} __attribute__((preserve_access_index));

struct sk_buff___mine {
	__s32 len;                                /* unsigned, after three anonymous unions in the kernel */
	__u32 mac_len;                            /* __u16 in the kernel */
	void *next;                               /* inside union { struct { next, prev, ... } } */
	__u16 cloned : 3;                         /* 1 bit in the kernel; here it moves fclone */
	__s16 fclone : 5;                         /* a __u8 fclone : 2 in the kernel, at another bit */
	__u64 tstamp;                             /* inside union { tstamp, skb_mstamp_ns } */
} __attribute__((preserve_access_index));

struct rawload_no_such_type {
	int x;
};

/* the kernel's enum bpf_func_id, with values the kernel does not use */
enum bpf_func_id___mine {
	BPF_FUNC_get_current_task___mine = 1000,
	BPF_FUNC_rawload_nope___mine = 1001,
};

#define XDP_PASS 2

#define VALUE_PROG(name, expr)                           \
	SEC("xdp") int name(void *ctx)                   \
	{                                                \
		return (int)(expr);                      \
	}

/* ---- relocated constants ------------------------------------------------ */

VALUE_PROG(off_pid, core_field_offset(struct task_struct___mine, pid))
VALUE_PROG(off_tgid, core_field_offset(struct task_struct___mine, tgid))
VALUE_PROG(off_comm, core_field_offset(struct task_struct___mine, comm))
VALUE_PROG(off_comm3, core_field_offset(struct task_struct___mine, comm[3]))
VALUE_PROG(off_parent, core_field_offset(struct task_struct___mine, real_parent))
VALUE_PROG(off_vruntime, core_field_offset(struct task_struct___mine, se.vruntime))
VALUE_PROG(off_skb_len, core_field_offset(struct sk_buff___mine, len))
VALUE_PROG(off_skb_next, core_field_offset(struct sk_buff___mine, next))
VALUE_PROG(off_skb_tstamp, core_field_offset(struct sk_buff___mine, tstamp))
VALUE_PROG(size_mac_len, core_field_size(struct sk_buff___mine, mac_len))
VALUE_PROG(size_comm, core_field_size(struct task_struct___mine, comm))
/* 2 * exists(pid) + exists(no such field): 2 when both are right */
VALUE_PROG(exists_fields, 2 * core_field_exists(struct task_struct___mine, pid) +
	   core_field_exists(struct task_struct___mine, rawload_no_such_field))
/* Signedness the program gets wrong on purpose, each in its own bit: pid
 * (declared __u32, pid_t in the kernel), len (declared __s32, unsigned int
 * in the kernel), fclone (a signed bitfield here, __u8 in the kernel).
 * Compiled 0 + 2 + 1 = 3; relocated 4 + 0 + 0 = 4. */
VALUE_PROG(signed_fields, 4 * core_field_signed(struct task_struct___mine, pid) +
	   2 * core_field_signed(struct sk_buff___mine, len) +
	   core_field_signed(struct sk_buff___mine, fclone))
/* a bitfield: window offset << 16 | lshift << 8 | rshift.  Here fclone is
 * 5 bits at bit 131 of a 16-bit unit (16 << 16 | 56 << 8 | 59, compiled);
 * the kernel's is 2 bits wide somewhere else: all three must be relocated */
VALUE_PROG(bitfield_fclone, core_field_offset(struct sk_buff___mine, fclone) << 16 |
	   core_field_lshift(struct sk_buff___mine, fclone) << 8 |
	   core_field_rshift(struct sk_buff___mine, fclone))
VALUE_PROG(type_exists, 2 * core_type_exists(struct task_struct___mine) +
	   core_type_exists(struct rawload_no_such_type))
VALUE_PROG(type_size, core_type_size(struct task_struct___mine))
VALUE_PROG(type_id_kernel, core_type_id_kernel(struct task_struct___mine))
VALUE_PROG(type_id_local, core_type_id_local(struct task_struct___mine))
VALUE_PROG(enum_value, core_enum_value(enum bpf_func_id___mine, BPF_FUNC_get_current_task___mine))
VALUE_PROG(enum_exists, 2 * core_enum_exists(enum bpf_func_id___mine, BPF_FUNC_get_current_task___mine) +
	   core_enum_exists(enum bpf_func_id___mine, BPF_FUNC_rawload_nope___mine))

/* ---- reading the kernel at relocated offsets ---------------------------- */

/* The task running the test is rawload itself: comm "rawload". */
SEC("xdp") int read_comm(void *ctx)
{
	struct task_struct___mine *t = (void *)bpf_get_current_task();
	__u32 comm[4] = {};

	CORE_READ_INTO(comm, t, comm);
	return (int)comm[0];            /* "rawl" = 0x6c776172 */
}

SEC("xdp") int read_tgid(void *ctx)
{
	struct task_struct___mine *t = (void *)bpf_get_current_task();

	return CORE_READ(t, tgid);
}

/* two hops: current->real_parent->tgid */
SEC("xdp") int read_parent_tgid(void *ctx)
{
	struct task_struct___mine *t = (void *)bpf_get_current_task();
	struct task_struct___mine *parent = CORE_READ(t, real_parent);

	return CORE_READ(parent, tgid);
}

/* A field this kernel lacks, read only behind an existence check: the read's
 * relocations are poisoned, but the verifier sees the check is constant
 * false and never looks at them.  Returns 7. */
SEC("xdp") int guarded_missing(void *ctx)
{
	struct task_struct___mine *t = (void *)bpf_get_current_task();

	if (core_field_exists(struct task_struct___mine, rawload_no_such_field))
		return (int)CORE_READ(t, rawload_no_such_field);
	return 7;
}

char LICENSE[] SEC("license") = "GPL";
