/* core_poison.bpf.c - a CO-RE read of a field the kernel does not have,
 * with no existence check in front of it.
 *
 * The loader cannot give the offset a value, so it turns the instruction
 * into a call to helper 0xbad2310 (RL_CORE_POISON_HELPER, loader/core/core.h).
 * The code is reachable, so the verifier refuses the program with
 * "invalid func unknown#195896080", and rawload must say which relocation
 * that was and why: the one behind the instruction the verifier names, not
 * every poisoned one (tests/integration/test_core.sh checks the words).
 * Compare guarded_missing in core_fields.bpf.c, which loads.
 */
#include <linux/types.h>

#include "core_helpers.h"

struct task_struct___mine {
	int pid;
	__u64 rawload_no_such_field;
	__u32 rawload_other_missing;
} __attribute__((preserve_access_index));

/* Loads first and fine: its relocations are poisoned too, but behind a
 * check the verifier sees is false.  They are not the ones to blame when
 * the next program is refused. */
SEC("xdp") int guarded_other(void *ctx)
{
	struct task_struct___mine *t = (void *)bpf_get_current_task();

	if (core_field_exists(struct task_struct___mine, rawload_other_missing))
		return (int)CORE_READ(t, rawload_other_missing);
	return 2;
}

SEC("xdp") int unguarded_missing(void *ctx)
{
	struct task_struct___mine *t = (void *)bpf_get_current_task();

	return (int)CORE_READ(t, rawload_no_such_field);
}

char LICENSE[] SEC("license") = "GPL";
