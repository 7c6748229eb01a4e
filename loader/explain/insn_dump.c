/* insn_dump.c - eBPF instructions as text (see insn_dump.h for the layout).
 *
 * The notation is the one the kernel's verifier log uses (kernel/bpf/
 * disasm.c prints "r2 = *(u32 *)(r1 +4)", "if r1 > 0x5 goto pc+3"), so a
 * listing here reads the same as the log the verifier writes about it.  The
 * code below is our own; only the notation is shared.
 */
#include "insn_dump.h"
#include "textbuf.h"

#include <inttypes.h>
#include <stdbool.h>

/* Helper names straight from the UAPI header's own list: __BPF_FUNC_MAPPER
 * calls FN(name) once per helper, separated by commas (6.2+ headers keep
 * this form as a wrapper around ___BPF_FUNC_MAPPER). */
#define RL_HELPER_NAME(name, ...) [BPF_FUNC_##name] = #name
static const char *const helper_names[] = { __BPF_FUNC_MAPPER(RL_HELPER_NAME) };
#undef RL_HELPER_NAME

const char *rl_helper_name(int32_t id)
{
	if (id <= 0 || (size_t)id >= sizeof(helper_names) / sizeof(helper_names[0]))
		return NULL;
	return helper_names[id];
}

static const char *class_name(uint8_t code)
{
	static const char *const names[8] = { "LD", "LDX", "ST", "STX", "ALU", "JMP", "JMP32", "ALU64" };

	return names[BPF_CLASS(code)];
}

static const char *size_type(uint8_t code)
{
	switch (BPF_SIZE(code)) {
	case BPF_W:  return "u32";
	case BPF_H:  return "u16";
	case BPF_B:  return "u8";
	default:     return "u64";   /* BPF_DW */
	}
}

/* ---- ALU / ALU64 ------------------------------------------------------- */

static const char *alu_op(uint8_t op)
{
	switch (op) {
	case BPF_ADD:  return "+=";
	case BPF_SUB:  return "-=";
	case BPF_MUL:  return "*=";
	case BPF_DIV:  return "/=";
	case BPF_OR:   return "|=";
	case BPF_AND:  return "&=";
	case BPF_LSH:  return "<<=";
	case BPF_RSH:  return ">>=";
	case BPF_MOD:  return "%=";
	case BPF_XOR:  return "^=";
	case BPF_MOV:  return "=";
	case BPF_ARSH: return "s>>=";
	}
	return NULL;
}

static void describe_alu(struct rl_textbuf *b, const struct bpf_insn *in)
{
	bool is64 = BPF_CLASS(in->code) == BPF_ALU64;
	char r = is64 ? 'r' : 'w';      /* w = the low 32 bits of a register */
	uint8_t op = BPF_OP(in->code);
	const char *sym = alu_op(op);

	if (op == BPF_NEG) {
		rl_tb_printf(b, "%c%u = -%c%u", r, in->dst_reg, r, in->dst_reg);
	} else if (op == BPF_END) {
		/* byte swap: BPF_TO_BE (source bit set) or BPF_TO_LE, imm = width */
		rl_tb_printf(b, "r%u = %s%d r%u", in->dst_reg,
			     is64 ? "bswap" : BPF_SRC(in->code) == BPF_TO_BE ? "be" : "le",
			     in->imm, in->dst_reg);
	} else if (!sym) {
		rl_tb_printf(b, "(unknown ALU operation 0x%02x)", op);
	} else if (BPF_SRC(in->code) == BPF_X) {
		rl_tb_printf(b, "%c%u %s %c%u", r, in->dst_reg, sym, r, in->src_reg);
	} else {
		rl_tb_printf(b, "%c%u %s %" PRId32, r, in->dst_reg, sym, in->imm);
	}
	/* cpu v4 reuses off: sdiv/smod (off 1) and movsx (off 8/16/32) */
	if (in->off && (op == BPF_DIV || op == BPF_MOD))
		rl_tb_printf(b, "  (signed, off %d)", in->off);
	else if (in->off && op == BPF_MOV)
		rl_tb_printf(b, "  (sign-extend from %d bits)", in->off);
}

/* ---- JMP / JMP32 ------------------------------------------------------- */

static const char *jmp_op(uint8_t op)
{
	switch (op) {
	case BPF_JEQ:  return "==";
	case BPF_JGT:  return ">";
	case BPF_JGE:  return ">=";
	case BPF_JSET: return "&";
	case BPF_JNE:  return "!=";
	case BPF_JSGT: return "s>";
	case BPF_JSGE: return "s>=";
	case BPF_JLT:  return "<";
	case BPF_JLE:  return "<=";
	case BPF_JSLT: return "s<";
	case BPF_JSLE: return "s<=";
	}
	return NULL;
}

static void describe_call(struct rl_textbuf *b, const struct bpf_insn *in, uint32_t idx)
{
	const char *name;

	switch (in->src_reg) {
	case BPF_PSEUDO_CALL:
		/* imm counts instructions from the one after the call */
		rl_tb_printf(b, "call pc%+" PRId32 " -> %" PRId64 "  [BPF_PSEUDO_CALL: bpf-to-bpf, a subprogram]",
			     in->imm, (int64_t)idx + 1 + in->imm);
		return;
	case BPF_PSEUDO_KFUNC_CALL:
		rl_tb_printf(b, "call kfunc (BTF id %" PRId32 ")  [BPF_PSEUDO_KFUNC_CALL]", in->imm);
		return;
	}
	name = rl_helper_name(in->imm);
	if (name)
		rl_tb_printf(b, "call bpf_%s#%" PRId32, name, in->imm);
	else
		rl_tb_printf(b, "call helper#%" PRId32, in->imm);
}

static void describe_jmp(struct rl_textbuf *b, const struct bpf_insn *in, uint32_t idx)
{
	bool is32 = BPF_CLASS(in->code) == BPF_JMP32;
	char r = is32 ? 'w' : 'r';
	uint8_t op = BPF_OP(in->code);
	const char *sym = jmp_op(op);
	int64_t target = (int64_t)idx + 1 + in->off;

	if (op == BPF_EXIT) {
		rl_tb_printf(b, "exit  (return r0)");
	} else if (op == BPF_CALL) {
		describe_call(b, in, idx);
	} else if (op == BPF_JA) {
		/* JMP32|JA (gotol) keeps its 32-bit offset in imm */
		if (is32)
			target = (int64_t)idx + 1 + in->imm;
		rl_tb_printf(b, "goto pc%+" PRId64 " -> %" PRId64, target - idx - 1, target);
	} else if (!sym) {
		rl_tb_printf(b, "(unknown jump operation 0x%02x)", op);
	} else if (BPF_SRC(in->code) == BPF_X) {
		rl_tb_printf(b, "if %c%u %s %c%u goto pc%+d -> %" PRId64, r, in->dst_reg, sym, r,
			     in->src_reg, in->off, target);
	} else {
		rl_tb_printf(b, "if %c%u %s %#" PRIx32 " goto pc%+d -> %" PRId64, r, in->dst_reg, sym,
			     (uint32_t)in->imm, in->off, target);
	}
}

/* ---- loads and stores --------------------------------------------------- */

static void describe_ld_imm64(struct rl_textbuf *b, const struct bpf_insn *in,
			      const struct bpf_insn *next, uint32_t idx)
{
	uint64_t value;

	if (!next) {
		rl_tb_printf(b, "ld_imm64 without its second half (truncated program)");
		return;
	}
	switch (in->src_reg) {
	case 0:
		value = (uint64_t)(uint32_t)next->imm << 32 | (uint32_t)in->imm;
		rl_tb_printf(b, "r%u = %#" PRIx64 " ll", in->dst_reg, value);
		return;
	case BPF_PSEUDO_MAP_FD:
		rl_tb_printf(b, "r%u = map fd %" PRId32 "  [BPF_PSEUDO_MAP_FD: the verifier swaps in the map's address]",
			     in->dst_reg, in->imm);
		return;
	case BPF_PSEUDO_MAP_VALUE:
		rl_tb_printf(b, "r%u = &(map fd %" PRId32 ")[0] + %" PRId32 "  [BPF_PSEUDO_MAP_VALUE: global data]",
			     in->dst_reg, in->imm, next->imm);
		return;
	case BPF_PSEUDO_BTF_ID:
		rl_tb_printf(b, "r%u = &kernel variable (BTF id %" PRId32 ")  [BPF_PSEUDO_BTF_ID]",
			     in->dst_reg, in->imm);
		return;
	case BPF_PSEUDO_FUNC:
		rl_tb_printf(b, "r%u = &func at pc%+" PRId32 " -> %" PRId64 "  [BPF_PSEUDO_FUNC: a callback]",
			     in->dst_reg, in->imm, (int64_t)idx + 1 + in->imm);
		return;
	case BPF_PSEUDO_MAP_IDX:
	case BPF_PSEUDO_MAP_IDX_VALUE:
		rl_tb_printf(b, "r%u = map #%" PRId32 " of fd_array%s  [BPF_PSEUDO_MAP_IDX%s]", in->dst_reg,
			     in->imm, in->src_reg == BPF_PSEUDO_MAP_IDX ? "" : " value",
			     in->src_reg == BPF_PSEUDO_MAP_IDX ? "" : "_VALUE");
		return;
	}
	rl_tb_printf(b, "r%u = ld_imm64 with unknown src_reg %u", in->dst_reg, in->src_reg);
}

static void describe_ld(struct rl_textbuf *b, const struct bpf_insn *in,
			const struct bpf_insn *next, uint32_t idx)
{
	if (in->code == (BPF_LD | BPF_IMM | BPF_DW)) {
		describe_ld_imm64(b, in, next, idx);
	} else if (BPF_MODE(in->code) == BPF_ABS) {
		/* classic-BPF packet loads kept for socket filters: r6 = skb */
		rl_tb_printf(b, "r0 = *(%s *)skb[%" PRId32 "]  (legacy packet load)", size_type(in->code), in->imm);
	} else if (BPF_MODE(in->code) == BPF_IND) {
		rl_tb_printf(b, "r0 = *(%s *)skb[r%u + %" PRId32 "]  (legacy packet load)",
			     size_type(in->code), in->src_reg, in->imm);
	} else {
		rl_tb_printf(b, "(unknown load mode 0x%02x)", BPF_MODE(in->code));
	}
}

static void describe_atomic(struct rl_textbuf *b, const struct bpf_insn *in)
{
	const char *ty = size_type(in->code);
	int32_t op = in->imm & ~BPF_FETCH;
	const char *sym = op == BPF_ADD ? "+=" : op == BPF_OR ? "|=" : op == BPF_AND ? "&=" :
			  op == BPF_XOR ? "^=" : NULL;

	if (in->imm == BPF_XCHG)
		rl_tb_printf(b, "r%u = atomic xchg(*(%s *)(r%u %+d), r%u)", in->src_reg, ty, in->dst_reg,
			     in->off, in->src_reg);
	else if (in->imm == BPF_CMPXCHG)
		rl_tb_printf(b, "r0 = atomic cmpxchg(*(%s *)(r%u %+d), r0, r%u)", ty, in->dst_reg, in->off,
			     in->src_reg);
	else if (sym)
		rl_tb_printf(b, "lock *(%s *)(r%u %+d) %s r%u%s", ty, in->dst_reg, in->off, sym, in->src_reg,
			     in->imm & BPF_FETCH ? "  (fetch: old value into src)" : "");
	else
		rl_tb_printf(b, "(unknown atomic operation %#" PRIx32 ")", (uint32_t)in->imm);
}

static void describe_mem(struct rl_textbuf *b, const struct bpf_insn *in)
{
	const char *ty = size_type(in->code);
	uint8_t mode = BPF_MODE(in->code);

	switch (BPF_CLASS(in->code)) {
	case BPF_LDX:
		if (mode == BPF_MEM)
			rl_tb_printf(b, "r%u = *(%s *)(r%u %+d)", in->dst_reg, ty, in->src_reg, in->off);
		else if (mode == 0x80)  /* BPF_MEMSX (cpu v4): "s32" is "u32" sign-extended */
			rl_tb_printf(b, "r%u = *(s%s *)(r%u %+d)", in->dst_reg, ty + 1, in->src_reg, in->off);
		else
			rl_tb_printf(b, "(unknown LDX mode 0x%02x)", mode);
		return;
	case BPF_ST:
		rl_tb_printf(b, "*(%s *)(r%u %+d) = %" PRId32, ty, in->dst_reg, in->off, in->imm);
		return;
	case BPF_STX:
		if (mode == BPF_ATOMIC)
			describe_atomic(b, in);
		else
			rl_tb_printf(b, "*(%s *)(r%u %+d) = r%u", ty, in->dst_reg, in->off, in->src_reg);
		return;
	}
}

/* ---- the listing -------------------------------------------------------- */

size_t rl_insn_describe(char *out, size_t len, const struct bpf_insn *in,
			const struct bpf_insn *next, uint32_t idx)
{
	struct rl_textbuf b;

	rl_tb_init(&b, out, len);
	switch (BPF_CLASS(in->code)) {
	case BPF_LD:
		describe_ld(&b, in, next, idx);
		break;
	case BPF_LDX: case BPF_ST: case BPF_STX:
		describe_mem(&b, in);
		break;
	case BPF_ALU: case BPF_ALU64:
		describe_alu(&b, in);
		break;
	default:        /* BPF_JMP, BPF_JMP32 */
		describe_jmp(&b, in, idx);
		break;
	}
	return b.len;
}

size_t rl_insn_dump(char *out, size_t len, const struct bpf_insn *insns, uint32_t cnt)
{
	struct rl_textbuf b;
	char meaning[160];

	rl_tb_init(&b, out, len);
	rl_tb_printf(&b, "%6s  %-4s %-6s %-3s %-3s %6s %11s  %s\n", "idx", "code", "class", "dst", "src",
		     "off", "imm", "meaning");
	for (uint32_t i = 0; i < cnt; i++) {
		const struct bpf_insn *in = &insns[i];
		bool wide = in->code == (BPF_LD | BPF_IMM | BPF_DW);

		rl_insn_describe(meaning, sizeof(meaning), in, wide && i + 1 < cnt ? &insns[i + 1] : NULL, i);
		rl_tb_printf(&b, "%6" PRIu32 "  0x%02x %-6s r%-2u r%-2u %+6d %11" PRId32 "  %s\n", i, in->code,
			     class_name(in->code), in->dst_reg, in->src_reg, in->off, in->imm, meaning);
		if (wide && i + 1 < cnt) {
			/* the second slot: code 0, only imm (the upper half) counts */
			i++;
			rl_tb_printf(&b, "%6" PRIu32 "  0x%02x %-6s r%-2u r%-2u %+6d %11" PRId32
				     "  (second half of ld_imm64: upper 32 bits)\n", i, insns[i].code, "",
				     insns[i].dst_reg, insns[i].src_reg, insns[i].off, insns[i].imm);
		}
	}
	return b.len;
}
