/* core_patch.c - writing a resolved CO-RE value into the instruction.
 *
 * The compiler marks the instruction that carries the constant; which field
 * holds it depends on the instruction class (struct bpf_insn, <linux/bpf.h>):
 *
 *   r1 += 112          ALU64 | ADD | K     imm   (offset/size/exists/... values)
 *   r0 = *(u32 *)(r1 + 112)   LDX | MEM | W     off   (s16!)  FIELD_BYTE_OFFSET only
 *   *(u32 *)(r1 + 112) = r2   STX / ST          off
 *   r1 = 0x1234 ll     LD | IMM | DW       imm of both halves: lo 32 | hi 32
 *                      (enum values, type ids, sizes: 64-bit capable)
 *
 * A load of a field whose size changed in the kernel is re-sized when that
 * keeps the value (core.c decides: unsigned ints, pointers): BPF_SIZE bits
 * W (4) -> DW (8) etc.  The new size must be 1, 2, 4 or 8 bytes.
 */
#include "core_internal.h"

#include <errno.h>
#include <string.h>

#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)

static const struct bpf_insn poison_insn = {
	.code = BPF_JMP | BPF_CALL,
	.imm = RL_CORE_POISON_HELPER,
};

static int size_bytes(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_B:  return 1;
	case BPF_H:  return 2;
	case BPF_W:  return 4;
	default:     return 8;   /* BPF_DW */
	}
}

static int size_code(uint32_t bytes)
{
	switch (bytes) {
	case 1: return BPF_B;
	case 2: return BPF_H;
	case 4: return BPF_W;
	case 8: return BPF_DW;
	default: return -1;
	}
}

static int patch_alu(struct bpf_insn *insn, const struct rl_core_res *res, struct rl_diag *d)
{
	if (BPF_SRC(insn->code) != BPF_K)
		return rl_err(d, EINVAL, "ALU instruction with a register operand cannot carry a CO-RE value");
	if (res->validate && (uint32_t)insn->imm != (uint32_t)res->orig_val)
		return rl_err(d, EINVAL, "instruction has imm %d, but the relocation says the program was "
			      "compiled with %llu", insn->imm, (unsigned long long)res->orig_val);
	/* an imm is 32 bits: fine if the value survives as u32 or s32 */
	if (res->new_val > UINT32_MAX &&
	    !((int64_t)res->new_val < 0 && (int64_t)res->new_val >= INT32_MIN))
		return rl_err(d, ERANGE, "value %llu does not fit the instruction's 32-bit imm",
			      (unsigned long long)res->new_val);
	insn->imm = (int32_t)(uint32_t)res->new_val;
	return 0;
}

static int patch_mem(struct bpf_insn *insn, uint32_t kind, const struct rl_core_res *res,
		     struct rl_diag *d)
{
	int code;

	if (kind != RL_CORE_FIELD_BYTE_OFFSET)
		return rl_err(d, EINVAL, "a %s relocation on a memory access (only byte_off may change an offset)",
			      rl_core_relo_kind_name(kind));
	if (res->validate && (int64_t)insn->off != (int64_t)res->orig_val)
		return rl_err(d, EINVAL, "instruction has offset %d, but the relocation says the program was "
			      "compiled with %llu", insn->off, (unsigned long long)res->orig_val);
	if (res->new_val > INT16_MAX)
		return rl_err(d, ERANGE, "new offset %llu does not fit the instruction's 16-bit offset "
			      "(read the field through bpf_probe_read_kernel instead)",
			      (unsigned long long)res->new_val);
	insn->off = (int16_t)res->new_val;
	if (!res->orig_sz || res->orig_sz == res->new_sz || BPF_MODE(insn->code) != BPF_MEM)
		return 0;
	if (size_bytes(insn->code) != (int)res->orig_sz)
		return rl_err(d, EINVAL, "instruction accesses %d bytes, but the field is %u bytes",
			      size_bytes(insn->code), res->orig_sz);
	code = size_code(res->new_sz);
	if (code < 0)
		return rl_err(d, EINVAL, "the kernel's field is %u bytes: no load/store has that size",
			      res->new_sz);
	insn->code = (uint8_t)(BPF_CLASS(insn->code) | BPF_MODE(insn->code) | code);
	return 0;
}

static int patch_ld_imm64(struct bpf_insn *insn, const struct rl_core_res *res, struct rl_diag *d)
{
	uint64_t imm = (uint64_t)(uint32_t)insn[0].imm | (uint64_t)(uint32_t)insn[1].imm << 32;

	if (res->validate && imm != res->orig_val)
		return rl_err(d, EINVAL, "instruction loads %llu, but the relocation says the program was "
			      "compiled with %llu", (unsigned long long)imm, (unsigned long long)res->orig_val);
	insn[0].imm = (int32_t)(uint32_t)res->new_val;
	insn[1].imm = (int32_t)(uint32_t)(res->new_val >> 32);
	return 0;
}

int rl_core_patch_insn(struct bpf_insn *insns, uint32_t cnt, uint32_t idx, uint32_t kind,
		       const struct rl_core_res *res, bool *poisoned, struct rl_diag *d)
{
	struct bpf_insn *insn = &insns[idx];
	bool is_ld64, is_mem;

	if (poisoned)
		*poisoned = false;
	if (idx >= cnt)
		return rl_err(d, EINVAL, "instruction %u is outside the function's %u instructions", idx, cnt);
	is_ld64 = insn->code == LD_IMM64;
	if (is_ld64 && idx + 1 >= cnt)
		return rl_err(d, EINVAL, "ld_imm64 at instruction %u has no second half", idx);
	is_mem = BPF_CLASS(insn->code) == BPF_LDX || BPF_CLASS(insn->code) == BPF_ST ||
		 BPF_CLASS(insn->code) == BPF_STX;
	if (res->poison || (res->fail_memsz && is_mem)) {
		/* both halves of an ld_imm64: the second alone is no instruction */
		insn[0] = poison_insn;
		if (is_ld64)
			insn[1] = poison_insn;
		if (poisoned)
			*poisoned = true;
		return 0;
	}
	switch (BPF_CLASS(insn->code)) {
	case BPF_ALU:
	case BPF_ALU64:
		return patch_alu(insn, res, d);
	case BPF_LDX:
	case BPF_ST:
	case BPF_STX:
		return patch_mem(insn, kind, res, d);
	case BPF_LD:
		if (is_ld64)
			return patch_ld_imm64(insn, res, d);
		break;
	}
	return rl_err(d, EINVAL, "instruction %u (code 0x%02x) cannot carry a CO-RE value: only ALU with "
		      "an immediate, LDX/ST/STX and ld_imm64 can", idx, insn->code);
}
