/* core_expect.c - the test oracle for CO-RE: what this kernel's layout is,
 * according to the *host* compiler reading the same vmlinux.h the test
 * generated with bpftool.  test_core.sh compiles it at test time
 * (clang -Ibuild/tests/core) and compares every line with the verdict of the
 * BPF program of the same name (core_fields.bpf.c, core_vmlinux.bpf.c).
 *
 * No libc headers: vmlinux.h defines kernel types (bool, size_t, ...) that
 * would clash with them; printf is declared by hand.
 */
#include "vmlinux.h"
#include "core_vmlinux_fields.h"

int printf(const char *fmt, ...);

#define OFF(T, f) ((unsigned long)__builtin_offsetof(struct T, f))
#define SIZE(T, f) ((unsigned long)sizeof(((struct T *)0)->f))
#define IS_SIGNED(T, f) (((__typeof__(((struct T *)0)->f))-1) < 0)
/* typeof refuses bitfields: store -1 and look */
#define IS_SIGNED_BITS(T, f) ({ struct T __v = {}; __v.f = -1; __v.f < 0; })

int main(void)
{
	unsigned long long sum = 0;

	printf("off_pid %lu\n", OFF(task_struct, pid));
	printf("off_tgid %lu\n", OFF(task_struct, tgid));
	printf("off_comm %lu\n", OFF(task_struct, comm));
	printf("off_comm3 %lu\n", OFF(task_struct, comm) + 3);
	printf("off_parent %lu\n", OFF(task_struct, real_parent));
	printf("off_vruntime %lu\n", OFF(task_struct, se.vruntime));
	printf("off_skb_len %lu\n", OFF(sk_buff, len));
	printf("off_skb_next %lu\n", OFF(sk_buff, next));
	printf("off_skb_tstamp %lu\n", OFF(sk_buff, tstamp));
	printf("size_mac_len %lu\n", SIZE(sk_buff, mac_len));
	printf("size_comm %lu\n", SIZE(task_struct, comm));
	printf("exists_fields 2\n");
	printf("signed_fields %d\n", 4 * IS_SIGNED(task_struct, pid) + 2 * IS_SIGNED(sk_buff, len) +
	       IS_SIGNED_BITS(sk_buff, fclone));
	printf("type_exists 2\n");
	printf("type_size %lu\n", (unsigned long)sizeof(struct task_struct));
	printf("enum_value %d\n", (int)BPF_FUNC_get_current_task);
	printf("enum_exists 2\n");
	printf("guarded_missing 7\n");
	printf("read_comm %u\n", 0x6c776172u);           /* "rawl" */
	printf("vm_comm %u\n", 0x6c776172u);
	printf("vm_enum %d\n", (int)BPF_FUNC_get_current_task);
	printf("vm_type_size %lu\n", (unsigned long)sizeof(struct sk_buff) + SIZE(sk_buff, len) + 1);
#define ADD(T, f) sum += OFF(T, f);
	CORE_VMLINUX_FIELDS(ADD)
#undef ADD
	printf("vm_offsets %u\n", (unsigned int)sum);
	return 0;
}
