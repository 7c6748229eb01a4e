/* global_data.bpf.c - global variables in .data, .bss, .rodata and a
 * format string in .rodata.str1.1.
 *
 * Exercises: each data section becomes a one-entry array map holding the
 * section's bytes (.bss zero-filled), and every reference to a variable
 * becomes an ld_imm64 with src_reg BPF_PSEUDO_MAP_VALUE, imm = map fd and
 * the next insn's imm = the variable's offset inside the section (taken from
 * the relocation's symbol and the instruction's addend). .rodata and
 * .rodata.str1.1 must be frozen (BPF_MAP_FREEZE) so the verifier can treat
 * their contents as constants.
 *
 *   section          variable      value
 *   .rodata          drop_enabled  1   (const volatile: a load-time setting)
 *   .rodata          pad_rodata    0xab (so the offset of drop_enabled is 4)
 *   .data            magic         0x1234
 *   .data            other         7   (so magic is at offset 4)
 *   .bss             packets       0, incremented by every run
 *   .rodata.str1.1   "magic is %x\n" at 0, "other is %d\n" at 13 (only
 *                    printed if magic / other change; the second reference
 *                    carries its offset 13 in the ld_imm64's imm)
 *
 * Verdict under BPF_PROG_TEST_RUN with the compiled values: XDP_DROP (1),
 * since drop_enabled == 1 and magic == 0x1234. A test that writes another
 * value into the .data map (e.g. magic = 0) gets XDP_PASS (2); after N runs
 * the .bss map's value reads N.
 */
#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"

const volatile __u32 pad_rodata = 0xab;
const volatile __u32 drop_enabled = 1;

__u32 other = 7;
__u32 magic = 0x1234;

__u64 packets;

SEC("xdp")
int xdp_globals(struct xdp_md *ctx)
{
	packets++;

	if (magic != 0x1234) {
		/* A plain literal: clang puts it in .rodata.str1.1. */
		rl_printk_str("magic is %x\n", magic);
		return XDP_PASS;
	}
	if (other != 7) {
		rl_printk_str("other is %d\n", other);
		return XDP_PASS;
	}
	if (drop_enabled == 1 && pad_rodata == 0xab)
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
