/* core_vmlinux.bpf.c - an object built "the seeds' way": every kernel type
 * from a vmlinux.h that bpftool generates from the running kernel, so every
 * field access carries a CO-RE relocation (vmlinux.h puts
 * preserve_access_index on all its structs).
 *
 * vmlinux.h is not in the tree: tests/integration/test_core.sh generates it
 * into build/tests/core/ and compiles this file with -Ibuild/tests/core.  The
 * ordinary build (make, which has no vmlinux.h on its include path) gets an
 * empty object from the #else branch, which is only there so that `make`
 * works on any machine.
 */
#if __has_include("vmlinux.h")
#include "vmlinux.h"
#include "core_helpers.h"
#include "core_vmlinux_fields.h"

/* The sum of 101 relocated field offsets (core_vmlinux_fields.h); the test
 * compares it with the host compiler's offsetof() sum. */
SEC("xdp") int vm_offsets(struct xdp_md *ctx)
{
	__u64 sum = 0;

#define ADD_OFFSET(T, f) sum += core_field_offset(struct T, f);
	CORE_VMLINUX_FIELDS(ADD_OFFSET)
#undef ADD_OFFSET
	return (int)sum;
}

/* "rawl": the first bytes of current->comm, read at the relocated offset */
SEC("xdp") int vm_comm(struct xdp_md *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u32 comm[4] = {};

	CORE_READ_INTO(comm, t, comm);
	return (int)comm[0];
}

/* current->real_parent->tgid */
SEC("xdp") int vm_parent_tgid(struct xdp_md *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct task_struct *parent = CORE_READ(t, real_parent);

	return CORE_READ(parent, tgid);
}

/* an enum value and type facts of this kernel (the test takes the same
 * numbers from vmlinux.h) */
SEC("xdp") int vm_enum(struct xdp_md *ctx)
{
	return core_enum_value(enum bpf_func_id, BPF_FUNC_get_current_task);
}

SEC("xdp") int vm_type_size(struct xdp_md *ctx)
{
	return core_type_size(struct sk_buff) + core_field_size(struct sk_buff, len) +
	       core_field_exists(struct task_struct, pid);
}

char LICENSE[] SEC("license") = "GPL";
#else
/* built without vmlinux.h: nothing to load (see the comment above) */
char LICENSE[] __attribute__((section("license"), used)) = "GPL";
#endif
