/* ksym_var.bpf.c - a typed `.ksyms` variable (issue 17).
 *
 * bpf_prog_active is a per-CPU int the kernel's BTF describes as a VAR; the
 * loader turns `&bpf_prog_active` into ld_imm64 BPF_PSEUDO_BTF_ID with that
 * VAR's id.  The kernel then needs the symbol's address from kallsyms, which
 * a kernel without CONFIG_KALLSYMS_ALL does not have: it refuses the load
 * with "ldimm64 failed to find the address for kernel symbol", and rawload
 * must report that in its error (test_ecosystem.sh).
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"

#define __ksym __attribute__((section(".ksyms")))

static void *(* const bpf_this_cpu_ptr)(const void *percpu_ptr) = (void *) BPF_FUNC_this_cpu_ptr;

extern const int bpf_prog_active __ksym;

__u64 active;

SEC("tp_btf/sched_switch")
int ksym_var(__u64 *ctx)
{
	const int *p = bpf_this_cpu_ptr(&bpf_prog_active);

	active = *p;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
