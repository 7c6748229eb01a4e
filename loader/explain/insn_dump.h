/* insn_dump.h - eBPF instructions as text: a disassembler-lite for -v.
 *
 * `rawload -v --explain` lists each program twice: as the compiler left it in
 * the ELF section, and as rawload hands it to BPF_PROG_LOAD after linking
 * (subprograms appended, call offsets fixed, map fds patched into ld_imm64).
 * Comparing the two is how a reader sees what "relocation" means.
 *
 * One instruction is 8 bytes (struct bpf_insn, linux/bpf.h):
 *
 *   byte 0      1          2    3    4    5    6    7
 *   +--------+----+----+---------+-------------------+
 *   |  code  |dst |src |   off   |        imm        |
 *   +--------+----+----+---------+-------------------+
 *    op|src|class 4b   4b  s16 LE       s32 LE
 *
 *   class = code & 0x07: LD LDX ST STX ALU JMP JMP32 ALU64
 *
 * ld_imm64 (code 0x18) is the only 16-byte instruction: the second slot
 * carries the upper 32 bits of the constant.  Its src_reg says what the
 * constant really is - the kernel rewrites it during verification:
 *   0 a plain number                 1 BPF_PSEUDO_MAP_FD: imm = a map fd
 *   2 BPF_PSEUDO_MAP_VALUE: map fd + offset into its value (global data)
 *   3 BPF_PSEUDO_BTF_ID (a kernel variable)   4 BPF_PSEUDO_FUNC: a callback
 * A call (code 0x85) is a helper when src_reg is 0, a bpf-to-bpf call
 * (BPF_PSEUDO_CALL, imm = pc-relative) when 1, a kfunc when 2.
 *
 * Pure: no I/O.
 */
#ifndef RL_INSN_DUMP_H
#define RL_INSN_DUMP_H

#include <stddef.h>
#include <stdint.h>

#include <linux/bpf.h>

/* The whole listing, one line per instruction plus a header line:
 *
 *     idx  code class  dst src    off         imm  meaning
 *       0  0x61 LDX     r2  r1     +4           0  r2 = *(u32 *)(r1 +4)
 *
 * Returns the length of the whole text (snprintf-style: >= len means cut);
 * out is always NUL-terminated when len > 0. */
size_t rl_insn_dump(char *out, size_t len, const struct bpf_insn *insns, uint32_t cnt);

/* The meaning column for insns[idx] alone ("if r1 > 0x5 goto +3 -> 12").
 * next is insns[idx + 1] (for ld_imm64) or NULL when there is none. */
size_t rl_insn_describe(char *out, size_t len, const struct bpf_insn *insn,
			const struct bpf_insn *next, uint32_t idx);

/* "map_lookup_elem" for 1; NULL for an id this UAPI header does not name. */
const char *rl_helper_name(int32_t id);

#endif
