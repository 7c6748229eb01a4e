/* ksym_externs.bpf.c - `.ksyms` externs and kfunc calls (issue 17).
 *
 *   extern                       kind                resolves to
 *   schedule                     typeless            its /proc/kallsyms address
 *   bpf_rcu_read_lock/_unlock    kfunc calls         vmlinux BTF FUNC: BPF_PSEUDO_KFUNC_CALL
 *   bpf_rawload_no_such_kfunc    __weak kfunc        absent: its address is 0, the
 *                                                    call poisoned but never reached
 *   rawload_no_such_var          __weak variable     absent: 0
 *
 * A tp_btf program (kfuncs need a BTF-typed program on this kernel).  The
 * typed-variable case is ksym_var.bpf.c: a kernel built without
 * CONFIG_KALLSYMS_ALL refuses it ("ldimm64 failed to find the address").
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"

#define __ksym __attribute__((section(".ksyms")))
#define __weak __attribute__((weak))

extern const void schedule __ksym;
extern const int rawload_no_such_var __ksym __weak;
extern void bpf_rcu_read_lock(void) __ksym;
extern void bpf_rcu_read_unlock(void) __ksym;
extern void bpf_rawload_no_such_kfunc(void) __ksym __weak;

__u64 out[4];

SEC("tp_btf/sched_switch")
int ksyms(__u64 *ctx)
{
	bpf_rcu_read_lock();
	out[0] = 1;
	out[1] = (__u64)&schedule;
	out[2] = (__u64)&rawload_no_such_var;
	bpf_rcu_read_unlock();
	if (bpf_rawload_no_such_kfunc)
		bpf_rawload_no_such_kfunc();
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
