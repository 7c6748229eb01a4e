/* test_core.c - the CO-RE resolver (loader/core*.c) on hand-built local and
 * target BTF, instruction patching, split-BTF merging, and the kernel BTF
 * reader (loader/kernel/kernel_btf.c) on this machine's /sys/kernel/btf/vmlinux.
 *
 * Each case builds a small "program" BTF and a small "kernel" BTF that
 * differ in exactly the way the case is about (fields reordered, renamed
 * flavour, missing field, changed size, bitfield, enum value...), runs one
 * relocation record through rl_core_resolve, and checks the value and, where
 * it matters, the patched instruction.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "core.h"
#include "kernel_btf.h"
#include "linker.h"
#include "unit.h"

/* ---- a tiny BTF builder ------------------------------------------------------ */

struct bb {
	uint8_t types[16384];
	uint32_t tlen;
	char strs[8192];
	uint32_t slen;
	uint32_t nr;            /* last id handed out */
	struct rl_btf btf;
};

static void bb_init(struct bb *b)
{
	memset(b, 0, sizeof(*b));
	b->slen = 1;            /* "" at offset 0 */
}

static uint32_t bb_str(struct bb *b, const char *s)
{
	uint32_t off = b->slen;

	if (!s || !*s)
		return 0;
	memcpy(b->strs + off, s, strlen(s) + 1);
	b->slen += (uint32_t)strlen(s) + 1;
	return off;
}

static void bb_u32(struct bb *b, uint32_t v)
{
	memcpy(b->types + b->tlen, &v, 4);
	b->tlen += 4;
}

static uint32_t bb_type(struct bb *b, const char *name, uint32_t kind, uint32_t vlen, bool kflag,
			uint32_t size_or_type)
{
	bb_u32(b, bb_str(b, name));
	bb_u32(b, kind << 24 | vlen | (uint32_t)kflag << 31);
	bb_u32(b, size_or_type);
	return ++b->nr;
}

static uint32_t bb_int(struct bb *b, const char *name, uint32_t size, bool is_signed)
{
	uint32_t id = bb_type(b, name, BTF_KIND_INT, 0, false, size);

	bb_u32(b, (is_signed ? BTF_INT_SIGNED : 0) << 24 | size * 8);
	return id;
}

/* members follow with bb_member, in order */
static uint32_t bb_struct(struct bb *b, uint32_t kind, const char *name, uint32_t size, uint32_t vlen,
			  bool kflag)
{
	return bb_type(b, name, kind, vlen, kflag, size);
}

static void bb_member(struct bb *b, const char *name, uint32_t type, uint32_t bit_off, uint32_t bits)
{
	bb_u32(b, bb_str(b, name));
	bb_u32(b, type);
	bb_u32(b, bits << 24 | bit_off);
}

static uint32_t bb_array(struct bb *b, uint32_t elem, uint32_t index_type, uint32_t nelems)
{
	uint32_t id = bb_type(b, NULL, BTF_KIND_ARRAY, 0, false, 0);

	bb_u32(b, elem);
	bb_u32(b, index_type);
	bb_u32(b, nelems);
	return id;
}

static uint32_t bb_ref(struct bb *b, uint32_t kind, const char *name, uint32_t type)
{
	return bb_type(b, name, kind, 0, false, type);
}

static void bb_enumerator(struct bb *b, const char *name, int32_t val)
{
	bb_u32(b, bb_str(b, name));
	bb_u32(b, (uint32_t)val);
}

static void bb_enumerator64(struct bb *b, const char *name, uint64_t val)
{
	bb_u32(b, bb_str(b, name));
	bb_u32(b, (uint32_t)val);
	bb_u32(b, (uint32_t)(val >> 32));
}

static void bb_param(struct bb *b, uint32_t type)
{
	bb_u32(b, 0);
	bb_u32(b, type);
}

/* Parse what was built; *b->btf is the view (freed by bb_free). */
static struct rl_btf *bb_done(struct bb *b)
{
	size_t size = sizeof(struct btf_header) + b->tlen + b->slen;
	uint8_t *blob = malloc(size);
	struct btf_header h = { BTF_MAGIC, BTF_VERSION, 0, sizeof(h), 0, b->tlen, b->tlen, b->slen };
	struct rl_diag d = { "" };

	memcpy(blob, &h, sizeof(h));
	memcpy(blob + sizeof(h), b->types, b->tlen);
	memcpy(blob + sizeof(h) + b->tlen, b->strs, b->slen);
	if (rl_btf_parse(&b->btf, blob, size, true, &d))
		fprintf(stderr, "  builder BTF does not parse: %s\n", d.msg);
	free(blob);
	return &b->btf;
}

static void bb_free(struct bb *b)
{
	rl_btf_free(&b->btf);
}

/* A relocation record of `kind` on local type `type_id` with `access`; the
 * access string must live in the local BTF's strings (access_str_off 0 if
 * it does not). */
static struct bpf_core_relo relo_of(const struct rl_btf *local, uint32_t type_id, const char *access,
				    uint32_t kind)
{
	struct bpf_core_relo r = { 0, type_id, 0, (enum bpf_core_relo_kind)kind };

	for (uint32_t off = 1; off < local->strs_len; off += (uint32_t)strlen(local->strs + off) + 1)
		if (!strcmp(local->strs + off, access))
			r.access_str_off = off;
	return r;
}

/* Resolve one relocation of `kind` on local type `type_id` with `access`,
 * against the target, as load would (candidates first). */
static int resolve(struct bb *local, struct bb *target, uint32_t type_id, const char *access,
		   uint32_t kind, struct rl_core_res *res, struct rl_diag *d)
{
	struct rl_core_target tgt = { &target->btf, NULL, NULL };
	struct rl_core_cands cands = { 0 };
	struct bpf_core_relo r = relo_of(&local->btf, type_id, access, kind);
	int err = 0;

	if (!r.access_str_off && strcmp(access, ""))
		return rl_err(d, EINVAL, "test bug: access '%s' not in the local strings", access);
	if (kind != RL_CORE_TYPE_ID_LOCAL)
		err = rl_core_find_cands(&local->btf, type_id, &tgt, &cands, d);
	if (!err)
		err = rl_core_resolve(&local->btf, &r, &cands, res, d);
	free(cands.c);
	return err;
}

/* ---- the usual pair: a program's view and the kernel's --------------------------
 *
 *   program (local BTF)                   kernel (target BTF)
 *   struct task___mine {   32 bytes       struct task {           64 bytes
 *       int pid;            @0                u64 state;              @0
 *       u32 flags;          @4                union { u32 flags;      @8
 *       u32 cnt[2];         @8                        u64 flags64; };
 *       u32 gone;           @16               u64 cnt[3];             @16
 *       int delta;          @20               int pid;                @40
 *       task___mine *parent @24               u64 delta;              @48
 *   };                                        struct task *parent;    @56
 *                                         };
 */
struct pair {
	struct bb l, t;
	uint32_t l_task, l_int, l_u32, l_s32;
	uint32_t t_task, t_int, t_u32, t_u64;
};

static void build_pair(struct pair *p)
{
	struct bb *l = &p->l, *t = &p->t;
	uint32_t arr, anon;

	bb_init(l);
	p->l_int = bb_int(l, "int", 4, true);                    /* 1 */
	p->l_u32 = bb_int(l, "unsigned int", 4, false);          /* 2 */
	arr = bb_array(l, p->l_u32, p->l_int, 2);                /* 3: u32[2] */
	p->l_task = bb_struct(l, BTF_KIND_STRUCT, "task___mine", 32, 6, false);   /* 4 */
	bb_member(l, "pid", p->l_int, 0, 0);
	bb_member(l, "flags", p->l_u32, 32, 0);
	bb_member(l, "cnt", arr, 64, 0);
	bb_member(l, "gone", p->l_u32, 128, 0);
	bb_member(l, "delta", p->l_int, 160, 0);
	bb_member(l, "parent", 5, 192, 0);
	bb_ref(l, BTF_KIND_PTR, NULL, p->l_task);                /* 5: task___mine * */
	/* access strings the cases use */
	bb_str(l, "0"); bb_str(l, "0:0"); bb_str(l, "0:1"); bb_str(l, "0:2"); bb_str(l, "0:2:1");
	bb_str(l, "0:3"); bb_str(l, "0:4"); bb_str(l, "0:5"); bb_str(l, "1:0"); bb_str(l, "0:9");
	bb_str(l, "0:2:5"); bb_str(l, "x"); bb_str(l, "0::1"); bb_str(l, "1");
	bb_done(l);

	bb_init(t);
	p->t_int = bb_int(t, "int", 4, true);                    /* 1 */
	p->t_u32 = bb_int(t, "unsigned int", 4, false);          /* 2 */
	p->t_u64 = bb_int(t, "long long unsigned int", 8, false); /* 3 */
	arr = bb_array(t, p->t_u64, p->t_int, 3);                /* 4: u64[3] */
	anon = bb_struct(t, BTF_KIND_UNION, NULL, 8, 2, false);  /* 5: union { u32 flags; u64 flags64; } */
	bb_member(t, "flags", p->t_u32, 0, 0);
	bb_member(t, "flags64", p->t_u64, 0, 0);
	p->t_task = bb_struct(t, BTF_KIND_STRUCT, "task", 64, 6, false);   /* 6 */
	bb_member(t, "state", p->t_u64, 0, 0);
	bb_member(t, NULL, anon, 64, 0);                         /* flags through an anonymous union */
	bb_member(t, "cnt", arr, 128, 0);                        /* u32[2] -> u64[3] */
	bb_member(t, "pid", p->t_int, 320, 0);                   /* moved to 40 */
	bb_member(t, "delta", p->t_u64, 384, 0);                 /* s32 -> u64 */
	bb_member(t, "parent", 7, 448, 0);
	bb_ref(t, BTF_KIND_PTR, NULL, p->t_task);                /* 7 */
	bb_done(t);
}

static void free_pair(struct pair *p)
{
	bb_free(&p->l);
	bb_free(&p->t);
}

static void test_field_offsets(void)
{
	struct pair p;
	struct rl_core_res r;
	struct rl_diag d = { "" };

	build_pair(&p);
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "0:0", RL_CORE_FIELD_BYTE_OFFSET, &r, &d), 0);
	CHECK_EQ(r.orig_val, 0);
	CHECK_EQ(r.new_val, 40);
	CHECK(!r.poison);
	CHECK_STR(r.local_str, "task___mine.pid");
	CHECK_STR(r.target_str, "task.pid");
	CHECK_EQ(r.match.id, p.t_task);
	/* flags lives in an anonymous union in the kernel: found by name */
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "0:1", RL_CORE_FIELD_BYTE_OFFSET, &r, &d), 0);
	CHECK_EQ(r.orig_val, 4);
	CHECK_EQ(r.new_val, 8);
	CHECK_STR(r.target_str, "task.flags");
	/* an array element: cnt[1] = 8 + 4 locally, 16 + 8 in the kernel */
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "0:2:1", RL_CORE_FIELD_BYTE_OFFSET, &r, &d), 0);
	CHECK_EQ(r.orig_val, 12);
	CHECK_EQ(r.new_val, 24);
	CHECK_STR(r.local_str, "task___mine.cnt[1]");
	/* p[1].pid: the root index scales with the kernel's struct size */
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "1:0", RL_CORE_FIELD_BYTE_OFFSET, &r, &d), 0);
	CHECK_EQ(r.orig_val, 32);
	CHECK_EQ(r.new_val, 64 + 40);
	/* an index past the program's own array: a record no kernel can satisfy */
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "0:2:5", RL_CORE_FIELD_BYTE_OFFSET, &r, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "array index 5, but the array has 2 elements");
	free_pair(&p);
}

static void test_field_sizes_exists_signed(void)
{
	struct pair p;
	struct rl_core_res r;
	struct rl_diag d = { "" };

	build_pair(&p);
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "0:2", RL_CORE_FIELD_BYTE_SIZE, &r, &d), 0);
	CHECK_EQ(r.orig_val, 8);
	CHECK_EQ(r.new_val, 24);
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "0:0", RL_CORE_FIELD_EXISTS, &r, &d), 0);
	CHECK_EQ(r.new_val, 1);
	/* 'gone' is not in the kernel: exists 0, offset poisoned with a reason */
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "0:3", RL_CORE_FIELD_EXISTS, &r, &d), 0);
	CHECK_EQ(r.orig_val, 1);
	CHECK_EQ(r.new_val, 0);
	CHECK(!r.poison);
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "0:3", RL_CORE_FIELD_BYTE_OFFSET, &r, &d), 0);
	CHECK(r.poison);
	CHECK_CONTAINS(r.why, "struct task has no member 'gone'");
	/* signedness follows the kernel: int pid signed, u64 delta not */
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "0:0", RL_CORE_FIELD_SIGNED, &r, &d), 0);
	CHECK_EQ(r.new_val, 1);
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "0:4", RL_CORE_FIELD_SIGNED, &r, &d), 0);
	CHECK_EQ(r.orig_val, 1);
	CHECK_EQ(r.new_val, 0);
	free_pair(&p);
}

static void test_errors(void)
{
	struct pair p;
	struct rl_core_res r;
	struct rl_diag d = { "" };

	build_pair(&p);
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "0:9", RL_CORE_FIELD_BYTE_OFFSET, &r, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "member index 9, but struct task___mine has 6 members");
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "x", RL_CORE_FIELD_BYTE_OFFSET, &r, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "expected a number");
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "0::1", RL_CORE_FIELD_BYTE_OFFSET, &r, &d), -EINVAL);
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "1", RL_CORE_TYPE_SIZE, &r, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "expected '0'");
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "0", RL_CORE_ENUMVAL_VALUE, &r, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "not an enum");
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "0", 13, &r, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "unknown CO-RE relocation kind 13");
	/* anonymous local types cannot be looked up by name */
	CHECK_EQ(resolve(&p.l, &p.t, 3, "0", RL_CORE_TYPE_EXISTS, &r, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "anonymous");
	free_pair(&p);
}

/* The load follows the field to its new size when that keeps the value. */
static void test_resized_loads(void)
{
	struct pair p;
	struct rl_core_res r;
	struct rl_diag d = { "" };
	struct bpf_insn ldx = { BPF_LDX | BPF_MEM | BPF_W, 0, 1, 0, 0 };
	struct bpf_insn add = { BPF_ALU64 | BPF_ADD | BPF_K, 1, 0, 0, 20 };
	bool poisoned;

	build_pair(&p);
	/* cnt[1]: u32 -> u64, unsigned: the 4-byte load becomes 8 bytes */
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "0:2:1", RL_CORE_FIELD_BYTE_OFFSET, &r, &d), 0);
	CHECK_EQ(r.orig_sz, 4);
	CHECK_EQ(r.new_sz, 8);
	CHECK(!r.fail_memsz);
	ldx.off = 12;
	CHECK_EQ(rl_core_patch_insn(&ldx, 1, 0, RL_CORE_FIELD_BYTE_OFFSET, &r, &poisoned, &d), 0);
	CHECK_EQ(ldx.off, 24);
	CHECK_EQ(ldx.code, BPF_LDX | BPF_MEM | BPF_DW);
	CHECK(!poisoned);
	/* delta: s32 -> u64: a signed value cannot be re-read at another width */
	CHECK_EQ(resolve(&p.l, &p.t, p.l_task, "0:4", RL_CORE_FIELD_BYTE_OFFSET, &r, &d), 0);
	CHECK(r.fail_memsz);
	CHECK_CONTAINS(r.why, "is 8 bytes in the kernel, 4 in the program");
	ldx = (struct bpf_insn){ BPF_LDX | BPF_MEM | BPF_W, 0, 1, 20, 0 };
	CHECK_EQ(rl_core_patch_insn(&ldx, 1, 0, RL_CORE_FIELD_BYTE_OFFSET, &r, &poisoned, &d), 0);
	CHECK(poisoned);
	CHECK_EQ(ldx.code, BPF_JMP | BPF_CALL);
	CHECK_EQ(ldx.imm, RL_CORE_POISON_HELPER);
	/* ...but the same offset in an address computation is fine */
	CHECK_EQ(rl_core_patch_insn(&add, 1, 0, RL_CORE_FIELD_BYTE_OFFSET, &r, &poisoned, &d), 0);
	CHECK(!poisoned);
	CHECK_EQ(add.imm, 48);
	free_pair(&p);
}

static void test_patching(void)
{
	struct rl_core_res r = { .orig_val = 8, .new_val = 40000, .validate = true };
	struct rl_diag d = { "" };
	struct bpf_insn ld[2] = { { BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 8 }, { 0 } };
	struct bpf_insn ldx = { BPF_LDX | BPF_MEM | BPF_W, 0, 1, 8, 0 };
	struct bpf_insn alu = { BPF_ALU64 | BPF_MOV | BPF_K, 1, 0, 0, 7 };
	struct bpf_insn jmp = { BPF_JMP | BPF_JEQ | BPF_K, 1, 0, 2, 8 };
	bool poisoned;

	/* offsets do not fit s16 */
	CHECK_EQ(rl_core_patch_insn(&ldx, 1, 0, RL_CORE_FIELD_BYTE_OFFSET, &r, &poisoned, &d), -ERANGE);
	CHECK_CONTAINS(d.msg, "does not fit the instruction's 16-bit offset");
	/* the instruction must hold what the compiler computed */
	CHECK_EQ(rl_core_patch_insn(&alu, 1, 0, RL_CORE_FIELD_BYTE_SIZE, &r, &poisoned, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "instruction has imm 7");
	CHECK_EQ(rl_core_patch_insn(&jmp, 1, 0, RL_CORE_FIELD_BYTE_SIZE, &r, &poisoned, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "cannot carry a CO-RE value");
	CHECK_EQ(rl_core_patch_insn(&ldx, 1, 0, RL_CORE_FIELD_EXISTS, &r, &poisoned, &d), -EINVAL);
	CHECK_EQ(rl_core_patch_insn(ld, 1, 0, RL_CORE_ENUMVAL_VALUE, &r, &poisoned, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "no second half");
	/* ld_imm64 takes 64-bit values */
	r.new_val = 0x123456789ull;
	CHECK_EQ(rl_core_patch_insn(ld, 2, 0, RL_CORE_ENUMVAL_VALUE, &r, &poisoned, &d), 0);
	CHECK_EQ((uint32_t)ld[0].imm, 0x23456789u);
	CHECK_EQ(ld[1].imm, 1);
	/* ALU imm: 32 bits, signed or unsigned */
	alu.imm = 8;
	CHECK_EQ(rl_core_patch_insn(&alu, 1, 0, RL_CORE_FIELD_BYTE_SIZE, &r, &poisoned, &d), -ERANGE);
	r.new_val = (uint64_t)-5;
	CHECK_EQ(rl_core_patch_insn(&alu, 1, 0, RL_CORE_ENUMVAL_VALUE, &r, &poisoned, &d), 0);
	CHECK_EQ(alu.imm, -5);
	/* poisoning an ld_imm64 replaces both halves */
	r.poison = true;
	ld[0] = (struct bpf_insn){ BPF_LD | BPF_IMM | BPF_DW, 1, 0, 0, 8 };
	CHECK_EQ(rl_core_patch_insn(ld, 2, 0, RL_CORE_ENUMVAL_VALUE, &r, &poisoned, &d), 0);
	CHECK(poisoned);
	CHECK_EQ(ld[0].imm, RL_CORE_POISON_HELPER);
	CHECK_EQ(ld[1].code, BPF_JMP | BPF_CALL);
	/* not validated (bitfields): any old value is fine */
	r = (struct rl_core_res){ .orig_val = 3, .new_val = 9 };
	alu.imm = 1;
	CHECK_EQ(rl_core_patch_insn(&alu, 1, 0, RL_CORE_FIELD_BYTE_OFFSET, &r, &poisoned, &d), 0);
	CHECK_EQ(alu.imm, 9);
}

/* Bitfields: kflag encoding; the window is the naturally aligned 1/2/4/8
 * bytes that holds the field, the shifts extract it from a u64. */
static void test_bitfields(void)
{
	struct bb l, t;
	uint32_t lu8, ls, tu32, tu16;
	struct rl_core_res r;
	struct rl_diag d = { "" };
	struct bpf_insn alu = { BPF_ALU64 | BPF_LSH | BPF_K, 1, 0, 0, 0 };

	bb_init(&l);
	lu8 = bb_int(&l, "unsigned char", 1, false);
	ls = bb_struct(&l, BTF_KIND_STRUCT, "bits___x", 4, 2, true);
	bb_member(&l, "a", lu8, 0, 3);
	bb_member(&l, "b", lu8, 3, 2);
	bb_str(&l, "0:1");
	bb_done(&l);
	bb_init(&t);
	tu32 = bb_int(&t, "unsigned int", 4, false);
	tu16 = bb_int(&t, "short int", 2, true);
	bb_struct(&t, BTF_KIND_STRUCT, "bits", 8, 3, true);
	bb_member(&t, "x", tu32, 0, 0);
	bb_member(&t, "a", tu16, 32, 7);
	bb_member(&t, "b", tu16, 45, 6);         /* bits 45..50: crosses the u16 at 32..47 */
	bb_done(&t);

	CHECK_EQ(resolve(&l, &t, ls, "0:1", RL_CORE_FIELD_BYTE_OFFSET, &r, &d), 0);
	CHECK(!r.validate);
	CHECK_EQ(r.orig_val, 0);
	CHECK_EQ(r.new_val, 4);                  /* window widened to 4 bytes at 4 */
	CHECK_EQ(resolve(&l, &t, ls, "0:1", RL_CORE_FIELD_BYTE_SIZE, &r, &d), 0);
	CHECK_EQ(r.orig_val, 1);
	CHECK_EQ(r.new_val, 4);
	CHECK_EQ(resolve(&l, &t, ls, "0:1", RL_CORE_FIELD_LSHIFT_U64, &r, &d), 0);
	CHECK_EQ(r.orig_val, 64 - (3 + 2));
	CHECK_EQ(r.new_val, 64 - (45 + 6 - 32));
	/* the left shift depends on the window the compiler chose: not
	 * checked (as libbpf); a compiler that read a u16 wrote 64 - 5 - 8 */
	CHECK(!r.validate);
	alu.imm = 64 - 5 - 8;
	CHECK_EQ(rl_core_patch_insn(&alu, 1, 0, RL_CORE_FIELD_LSHIFT_U64, &r, NULL, &d), 0);
	CHECK_EQ(alu.imm, 64 - (45 + 6 - 32));
	/* the right shift (64 - width) and the sign are never ambiguous */
	CHECK_EQ(resolve(&l, &t, ls, "0:1", RL_CORE_FIELD_RSHIFT_U64, &r, &d), 0);
	CHECK_EQ(r.orig_val, 62);
	CHECK_EQ(r.new_val, 58);
	CHECK(r.validate);
	CHECK_EQ(resolve(&l, &t, ls, "0:1", RL_CORE_FIELD_SIGNED, &r, &d), 0);
	CHECK_EQ(r.new_val, 1);
	CHECK(r.validate);
	bb_free(&l);
	bb_free(&t);
}

/* A load through an array field reads one element: only the element's size
 * matters, so an array that merely got longer moves the load and keeps its
 * width; an element whose width changed is re-sized or poisoned as any
 * other field.
 *
 *   program                               kernel
 *   struct ring___x {     32 bytes        struct ring {           80 bytes
 *       u32 slots[2];       @0                u64 pad;                @0
 *       s32 vals[2];        @8                u32 slots[5];           @8
 *       u32 grid[2][2];     @16               s64 vals[3];            @32
 *   };                                        u32 grid[3][2];         @56
 *                                         };
 */
static void test_array_loads(void)
{
	struct bb l, t;
	uint32_t lu32, ls32, ls, tu32, ts64, tu64, trow;
	struct rl_core_res r;
	struct rl_diag d = { "" };
	struct bpf_insn ldx = { BPF_LDX | BPF_MEM | BPF_W, 0, 1, 0, 0 };
	bool poisoned;

	bb_init(&l);
	lu32 = bb_int(&l, "unsigned int", 4, false);               /* 1 */
	ls32 = bb_int(&l, "int", 4, true);                         /* 2 */
	bb_array(&l, lu32, ls32, 2);                               /* 3: u32[2] */
	bb_array(&l, ls32, ls32, 2);                               /* 4: s32[2] */
	bb_array(&l, 3, ls32, 2);                                  /* 5: u32[2][2] */
	ls = bb_struct(&l, BTF_KIND_STRUCT, "ring___x", 32, 3, false);
	bb_member(&l, "slots", 3, 0, 0);
	bb_member(&l, "vals", 4, 64, 0);
	bb_member(&l, "grid", 5, 128, 0);
	bb_str(&l, "0:0"); bb_str(&l, "0:1"); bb_str(&l, "0:2");
	bb_done(&l);
	bb_init(&t);
	tu32 = bb_int(&t, "unsigned int", 4, false);               /* 1 */
	ts64 = bb_int(&t, "long", 8, true);                        /* 2 */
	tu64 = bb_int(&t, "long unsigned int", 8, false);          /* 3 */
	bb_array(&t, tu32, ts64, 5);                               /* 4: u32[5] */
	bb_array(&t, ts64, ts64, 3);                               /* 5: s64[3] */
	trow = bb_array(&t, tu32, ts64, 2);                        /* 6: u32[2] */
	bb_array(&t, trow, ts64, 3);                               /* 7: u32[3][2] */
	bb_struct(&t, BTF_KIND_STRUCT, "ring", 80, 4, false);
	bb_member(&t, "pad", tu64, 0, 0);
	bb_member(&t, "slots", 4, 64, 0);
	bb_member(&t, "vals", 5, 256, 0);
	bb_member(&t, "grid", 7, 448, 0);
	bb_done(&t);

	CHECK_EQ(resolve(&l, &t, ls, "0:0", RL_CORE_FIELD_BYTE_OFFSET, &r, &d), 0);
	CHECK_EQ(r.new_val, 8);
	CHECK_EQ(r.orig_sz, 4);
	CHECK_EQ(r.new_sz, 4);
	CHECK(!r.fail_memsz);
	CHECK_EQ(rl_core_patch_insn(&ldx, 1, 0, RL_CORE_FIELD_BYTE_OFFSET, &r, &poisoned, &d), 0);
	CHECK(!poisoned);
	CHECK_EQ(ldx.off, 8);
	CHECK_EQ(ldx.code, BPF_LDX | BPF_MEM | BPF_W);
	/* the field's size is still the whole array's */
	CHECK_EQ(resolve(&l, &t, ls, "0:0", RL_CORE_FIELD_BYTE_SIZE, &r, &d), 0);
	CHECK_EQ(r.orig_val, 8);
	CHECK_EQ(r.new_val, 20);
	/* two dimensions: the innermost element */
	CHECK_EQ(resolve(&l, &t, ls, "0:2", RL_CORE_FIELD_BYTE_OFFSET, &r, &d), 0);
	CHECK_EQ(r.new_val, 56);
	CHECK_EQ(r.new_sz, 4);
	CHECK(!r.fail_memsz);
	/* s32 elements became s64: a signed value cannot be re-read wider */
	CHECK_EQ(resolve(&l, &t, ls, "0:1", RL_CORE_FIELD_BYTE_OFFSET, &r, &d), 0);
	CHECK_EQ(r.new_sz, 8);
	CHECK(r.fail_memsz);
	bb_free(&l);
	bb_free(&t);
}

/* TYPE_MATCHES (bpf_core_type_matches, clang >= 15; built by hand here since
 * clang 14 cannot emit it): would the program's definition describe the
 * kernel's?  Every local member by name with a matching type; ints by width
 * and sign; arrays by length; behind a pointer, names only. */
static void test_type_matches(void)
{
	struct bb l, t;
	uint32_t li, ll, lu, lp, larr2, larr3, tint, tlong, tarr, tsock;
	uint32_t good, len, wide, sign, miss;
	struct rl_core_res r;
	struct rl_diag d = { "" };

	bb_init(&l);
	li = bb_int(&l, "int", 4, true);
	ll = bb_int(&l, "long", 8, true);
	lu = bb_int(&l, "unsigned int", 4, false);
	larr2 = bb_array(&l, ll, li, 2);
	larr3 = bb_array(&l, ll, li, 3);
	good = bb_struct(&l, BTF_KIND_STRUCT, "sock___good", 32, 3, false);
	bb_member(&l, "state", li, 0, 0);
	bb_member(&l, "flags", larr2, 64, 0);
	bb_member(&l, "next", good + 1, 192, 0);
	lp = bb_ref(&l, BTF_KIND_PTR, NULL, good);
	len = bb_struct(&l, BTF_KIND_STRUCT, "sock___len", 24, 1, false);
	bb_member(&l, "flags", larr3, 0, 0);                 /* long flags[3]: kernel has 2 */
	wide = bb_struct(&l, BTF_KIND_STRUCT, "sock___wide", 8, 1, false);
	bb_member(&l, "state", ll, 0, 0);                    /* long state: kernel's is int */
	sign = bb_struct(&l, BTF_KIND_STRUCT, "sock___sign", 4, 1, false);
	bb_member(&l, "state", lu, 0, 0);                    /* unsigned: kernel's is signed */
	miss = bb_struct(&l, BTF_KIND_STRUCT, "sock___miss", 4, 1, false);
	bb_member(&l, "gone", li, 0, 0);
	bb_str(&l, "0");
	bb_done(&l);
	(void)lp;
	bb_init(&t);
	tint = bb_int(&t, "int", 4, true);
	tlong = bb_int(&t, "long", 8, true);
	tarr = bb_array(&t, tlong, tint, 2);
	tsock = bb_struct(&t, BTF_KIND_STRUCT, "sock", 40, 4, false);
	bb_member(&t, "refcnt", tlong, 0, 0);
	bb_member(&t, "flags", tarr, 64, 0);                 /* other order, other offsets */
	bb_member(&t, "state", tint, 192, 0);
	bb_member(&t, "next", tsock + 1, 256, 0);
	bb_ref(&t, BTF_KIND_PTR, NULL, tsock);
	bb_done(&t);

	CHECK_EQ(resolve(&l, &t, good, "0", RL_CORE_TYPE_MATCHES, &r, &d), 0);
	CHECK_EQ(r.orig_val, 1);
	CHECK_EQ(r.new_val, 1);
	CHECK(!r.poison);
	CHECK_EQ(r.match.id, tsock);
	CHECK_STR(r.target_str, "struct sock");
	for (uint32_t id = len; id <= miss; id++) {          /* each with its one wrong member */
		CHECK_EQ(resolve(&l, &t, id, "0", RL_CORE_TYPE_MATCHES, &r, &d), 0);
		CHECK_EQ(r.new_val, 0);
		CHECK(!r.poison);                    /* a type kind: 0, never poison */
		CHECK_CONTAINS(r.why, "kernel [4] sock has a different shape");
		/* ... though each is compatible for TYPE_EXISTS */
		CHECK_EQ(resolve(&l, &t, id, "0", RL_CORE_TYPE_EXISTS, &r, &d), 0);
		CHECK_EQ(r.new_val, 1);
	}
	CHECK(len < wide && wide < sign && sign < miss);
	bb_free(&l);
	bb_free(&t);
}

/* Type-based kinds: ids, existence, size, and the two type relations. */
static void test_type_relocations(void)
{
	struct bb l, t;
	uint32_t li, lp, lf, lproto, ti, tp, tf, tproto, tu, tu2;
	struct rl_core_res r;
	struct rl_diag d = { "" };

	bb_init(&l);
	li = bb_int(&l, "int", 4, true);                               /* 1 */
	lf = bb_struct(&l, BTF_KIND_STRUCT, "file___x", 8, 1, false);  /* 2 */
	bb_member(&l, "pos", li, 0, 0);
	lp = bb_ref(&l, BTF_KIND_PTR, NULL, lf);                       /* 3 */
	lproto = bb_type(&l, NULL, BTF_KIND_FUNC_PROTO, 1, false, li); /* 4: int (*)(struct file *) */
	bb_param(&l, lp);
	bb_ref(&l, BTF_KIND_TYPEDEF, "handler_t", lproto);            /* 5 */
	bb_struct(&l, BTF_KIND_STRUCT, "nowhere", 4, 0, false);        /* 6 */
	bb_struct(&l, BTF_KIND_UNION, "u___x", 4, 0, false);           /* 7 */
	bb_ref(&l, BTF_KIND_TYPEDEF, "flags_t", li);                   /* 8 */
	bb_ref(&l, BTF_KIND_TYPEDEF, "mode_t", li);                    /* 9 */
	bb_str(&l, "0");
	bb_done(&l);
	bb_init(&t);
	ti = bb_int(&t, "long", 8, true);                              /* 1 */
	tf = bb_struct(&t, BTF_KIND_STRUCT, "file", 24, 2, false);     /* 2 */
	bb_member(&t, "flags", ti, 0, 0);
	bb_member(&t, "pos", ti, 64, 0);
	tp = bb_ref(&t, BTF_KIND_PTR, NULL, tf);                       /* 3 */
	tproto = bb_type(&t, NULL, BTF_KIND_FUNC_PROTO, 1, false, ti); /* 4 */
	bb_param(&t, tp);
	bb_ref(&t, BTF_KIND_TYPEDEF, "handler_t", tproto);            /* 5 */
	tu = bb_struct(&t, BTF_KIND_STRUCT, "u", 4, 0, false);         /* 6: a struct, not a union */
	tu2 = bb_struct(&t, BTF_KIND_UNION, "u___y", 16, 0, false);    /* 7 */
	bb_type(&t, "int", BTF_KIND_INT, 0, false, 4);                 /* 8: bits 1..31 of an int, */
	bb_u32(&t, BTF_INT_SIGNED << 24 | 1 << 16 | 31);               /*    the deprecated encoding */
	bb_ref(&t, BTF_KIND_TYPEDEF, "flags_t", 8);                    /* 9 */
	bb_ref(&t, BTF_KIND_TYPEDEF, "mode_t", ti);                    /* 10: int -> long: fine */
	bb_done(&t);
	(void)tu;

	CHECK_EQ(resolve(&l, &t, lf, "0", RL_CORE_TYPE_ID_LOCAL, &r, &d), 0);
	CHECK_EQ(r.new_val, lf);
	CHECK_EQ(resolve(&l, &t, lf, "0", RL_CORE_TYPE_ID_TARGET, &r, &d), 0);
	CHECK_EQ(r.new_val, tf);
	CHECK_EQ(resolve(&l, &t, lf, "0", RL_CORE_TYPE_SIZE, &r, &d), 0);
	CHECK_EQ(r.orig_val, 8);
	CHECK_EQ(r.new_val, 24);
	CHECK_STR(r.local_str, "struct file___x");
	CHECK_EQ(resolve(&l, &t, 6, "0", RL_CORE_TYPE_EXISTS, &r, &d), 0);
	CHECK_EQ(r.new_val, 0);
	CHECK(!r.poison);                      /* type kinds give 0, never poison */
	CHECK_EQ(resolve(&l, &t, 6, "0", RL_CORE_TYPE_SIZE, &r, &d), 0);
	CHECK_EQ(r.new_val, 0);
	CHECK(!r.poison);
	/* a union only matches a union: the flavour u___y, not struct u */
	CHECK_EQ(resolve(&l, &t, 7, "0", RL_CORE_TYPE_ID_TARGET, &r, &d), 0);
	CHECK_EQ(r.new_val, tu2);
	/* typedef of a function pointer type: compatible (ints of any size) ... */
	CHECK_EQ(resolve(&l, &t, 5, "0", RL_CORE_TYPE_EXISTS, &r, &d), 0);
	CHECK_EQ(r.new_val, 1);
	/* ... but it does not *match*: int vs long */
	CHECK_EQ(resolve(&l, &t, 5, "0", RL_CORE_TYPE_MATCHES, &r, &d), 0);
	CHECK_EQ(r.new_val, 0);
	/* an INT with a bit offset is no plain int, for types as for fields */
	CHECK_EQ(resolve(&l, &t, 8, "0", RL_CORE_TYPE_EXISTS, &r, &d), 0);
	CHECK_EQ(r.new_val, 0);
	CHECK_CONTAINS(r.why, "kernel [9] flags_t has a different shape");
	CHECK_EQ(resolve(&l, &t, 9, "0", RL_CORE_TYPE_EXISTS, &r, &d), 0);
	CHECK_EQ(r.new_val, 1);
	/* struct file___x matches struct file: 'pos' exists... but int != long */
	CHECK(!rl_core_types_match(&l.btf, lf, &t.btf, tf));
	CHECK(rl_core_types_compat(&l.btf, lf, &t.btf, tf));
	CHECK(rl_core_types_match(&l.btf, lp, &t.btf, tp));    /* behind a pointer: names only */
	CHECK(rl_core_types_compat(&l.btf, lproto, &t.btf, tproto));
	bb_free(&l);
	bb_free(&t);
}

static void test_enums(void)
{
	struct bb l, t;
	uint32_t le, te;
	struct rl_core_res r;
	struct rl_diag d = { "" };

	bb_init(&l);
	le = bb_type(&l, "color___x", BTF_KIND_ENUM, 3, false, 4);
	bb_enumerator(&l, "RED___x", 10);
	bb_enumerator(&l, "BLUE___x", 11);
	bb_enumerator(&l, "PURPLE___x", 12);
	bb_str(&l, "0"); bb_str(&l, "1"); bb_str(&l, "2");
	bb_done(&l);
	bb_init(&t);
	bb_type(&t, "color", BTF_KIND_ENUM, 2, true, 4);              /* signed enum */
	bb_enumerator(&t, "BLUE", -3);
	bb_enumerator(&t, "RED", 7);
	te = bb_type(&t, "color", BTF_KIND_ENUM64, 1, false, 8);      /* a second "color"... */
	bb_enumerator64(&t, "GREEN", 1ull << 40);
	bb_done(&t);

	CHECK_EQ(resolve(&l, &t, le, "0", RL_CORE_ENUMVAL_VALUE, &r, &d), 0);
	CHECK_EQ(r.orig_val, 10);
	CHECK_EQ(r.new_val, 7);
	CHECK_STR(r.local_str, "color___x::RED___x");
	CHECK_STR(r.target_str, "color::RED");
	CHECK_EQ(r.nr_cands, 2);                 /* both colors; only one has RED */
	CHECK_EQ(resolve(&l, &t, le, "1", RL_CORE_ENUMVAL_VALUE, &r, &d), 0);
	CHECK_EQ(r.new_val, (uint64_t)-3);       /* sign-extended */
	CHECK_EQ(resolve(&l, &t, le, "2", RL_CORE_ENUMVAL_EXISTS, &r, &d), 0);
	CHECK_EQ(r.new_val, 0);
	CHECK_EQ(resolve(&l, &t, le, "2", RL_CORE_ENUMVAL_VALUE, &r, &d), 0);
	CHECK(r.poison);
	CHECK_CONTAINS(r.why, "has no enumerator PURPLE___x");
	(void)te;
	bb_free(&l);
	bb_free(&t);
}

/* Kernel candidates that disagree: an error, not a guess.  They must agree
 * on where the field is even when the value cannot differ (FIELD_EXISTS is
 * 1 for all), as libbpf's "field offset ambiguity". */
static void test_ambiguity(void)
{
	struct bb l, t, t2;
	uint32_t li, ls, ti, tl;
	struct rl_core_res r;
	struct rl_diag d = { "" };

	bb_init(&l);
	li = bb_int(&l, "int", 4, true);
	ls = bb_struct(&l, BTF_KIND_STRUCT, "dev___mine", 4, 1, false);
	bb_member(&l, "mtu", li, 0, 0);
	bb_str(&l, "0:0"); bb_str(&l, "0");
	bb_done(&l);
	bb_init(&t);
	ti = bb_int(&t, "int", 4, true);
	bb_struct(&t, BTF_KIND_STRUCT, "dev", 8, 1, false);
	bb_member(&t, "mtu", ti, 32, 0);
	bb_struct(&t, BTF_KIND_STRUCT, "dev___old", 8, 1, false);
	bb_member(&t, "mtu", ti, 0, 0);
	bb_struct(&t, BTF_KIND_STRUCT, "dev___same", 8, 1, false);
	bb_member(&t, "mtu", ti, 32, 0);
	bb_done(&t);

	CHECK_EQ(resolve(&l, &t, ls, "0:0", RL_CORE_FIELD_BYTE_OFFSET, &r, &d), -EINVAL);
	CHECK_STR(d.msg, "ambiguous: kernel types [2] dev (vmlinux) and [3] dev___old (vmlinux) both "
		  "match but put the field at bit 32 and 0");
	/* existence: 1 from all three, but dev___old has mtu elsewhere */
	d.msg[0] = '\0';
	CHECK_EQ(resolve(&l, &t, ls, "0:0", RL_CORE_FIELD_EXISTS, &r, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "put the field at bit 32 and 0");
	CHECK_EQ(resolve(&l, &t, ls, "0:0", RL_CORE_FIELD_SIGNED, &r, &d), -EINVAL);
	/* the type itself is not ambiguous: no field, nothing to disagree on */
	CHECK_EQ(resolve(&l, &t, ls, "0", RL_CORE_TYPE_EXISTS, &r, &d), 0);
	CHECK_EQ(r.new_val, 1);
	CHECK_EQ(r.nr_cands, 3);

	/* same place, different values: long mtu in one of them */
	bb_init(&t2);
	ti = bb_int(&t2, "int", 4, true);
	bb_struct(&t2, BTF_KIND_STRUCT, "dev", 16, 1, false);
	bb_member(&t2, "mtu", ti, 32, 0);
	bb_struct(&t2, BTF_KIND_STRUCT, "dev___same", 16, 1, false);
	bb_member(&t2, "mtu", ti, 32, 0);
	bb_done(&t2);
	CHECK_EQ(resolve(&l, &t2, ls, "0:0", RL_CORE_FIELD_EXISTS, &r, &d), 0);   /* agree: fine */
	CHECK_EQ(r.new_val, 1);
	CHECK_EQ(r.nr_cands, 2);
	CHECK_EQ(resolve(&l, &t2, ls, "0:0", RL_CORE_FIELD_BYTE_OFFSET, &r, &d), 0);
	CHECK_EQ(r.new_val, 4);
	bb_free(&t2);
	bb_init(&t2);
	ti = bb_int(&t2, "int", 4, true);
	tl = bb_int(&t2, "long", 8, true);
	bb_struct(&t2, BTF_KIND_STRUCT, "dev", 16, 1, false);
	bb_member(&t2, "mtu", ti, 64, 0);
	bb_struct(&t2, BTF_KIND_STRUCT, "dev___wide", 16, 1, false);
	bb_member(&t2, "mtu", tl, 64, 0);
	bb_done(&t2);
	CHECK_EQ(resolve(&l, &t2, ls, "0:0", RL_CORE_FIELD_BYTE_SIZE, &r, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "both match but give 4 and 8");
	/* same offset, but a signed int load that only one of them can take */
	CHECK_EQ(resolve(&l, &t2, ls, "0:0", RL_CORE_FIELD_BYTE_OFFSET, &r, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "both match but read the field with 4 and 8 bytes");
	bb_free(&l);
	bb_free(&t);
	bb_free(&t2);
}

/* Candidates that matched one relocation are all that the next relocation
 * on the same local type looks at (libbpf narrows its cache the same way);
 * a relocation nothing matches leaves the list as it was. */
static void test_cands_narrowed(void)
{
	struct bb l, t;
	uint32_t li, ls, ti, tdev;
	struct rl_core_target tgt;
	struct rl_core_cands cands = { 0 };
	struct rl_core_res r;
	struct rl_diag d = { "" };
	struct bpf_core_relo rec;

	bb_init(&l);
	li = bb_int(&l, "int", 4, true);
	ls = bb_struct(&l, BTF_KIND_STRUCT, "dev___mine", 12, 3, false);
	bb_member(&l, "mtu", li, 0, 0);
	bb_member(&l, "speed", li, 32, 0);
	bb_member(&l, "gone", li, 64, 0);
	bb_str(&l, "0:0"); bb_str(&l, "0:1"); bb_str(&l, "0:2");
	bb_done(&l);
	bb_init(&t);
	ti = bb_int(&t, "int", 4, true);
	bb_struct(&t, BTF_KIND_STRUCT, "dev___b", 8, 1, false);        /* 2: speed only */
	bb_member(&t, "speed", ti, 32, 0);
	tdev = bb_struct(&t, BTF_KIND_STRUCT, "dev", 8, 1, false);     /* 3: mtu only */
	bb_member(&t, "mtu", ti, 32, 0);
	bb_done(&t);
	tgt = (struct rl_core_target){ &t.btf, NULL, NULL };
	CHECK_EQ(rl_core_find_cands(&l.btf, ls, &tgt, &cands, &d), 0);
	CHECK_EQ(cands.n, 2);

	/* nothing has 'gone': the list stays */
	rec = relo_of(&l.btf, ls, "0:2", RL_CORE_FIELD_EXISTS);
	CHECK_EQ(rl_core_resolve(&l.btf, &rec, &cands, &r, &d), 0);
	CHECK_EQ(r.new_val, 0);
	CHECK_EQ(cands.n, 2);
	/* only dev has mtu: dev is the list now */
	rec = relo_of(&l.btf, ls, "0:0", RL_CORE_FIELD_BYTE_OFFSET);
	CHECK_EQ(rl_core_resolve(&l.btf, &rec, &cands, &r, &d), 0);
	CHECK_EQ(r.new_val, 4);
	CHECK_EQ(r.nr_cands, 2);
	CHECK_EQ(cands.n, 1);
	CHECK_EQ(cands.c[0].id, tdev);
	/* so 'speed', only in dev___b, no longer resolves */
	rec = relo_of(&l.btf, ls, "0:1", RL_CORE_FIELD_BYTE_OFFSET);
	CHECK_EQ(rl_core_resolve(&l.btf, &rec, &cands, &r, &d), 0);
	CHECK(r.poison);
	CHECK_EQ(r.nr_cands, 1);
	CHECK_CONTAINS(r.why, "struct dev has no member 'speed'");
	free(cands.c);
	bb_free(&l);
	bb_free(&t);
}

/* ---- split (module) BTF --------------------------------------------------------- */

static void test_split_merge(void)
{
	struct bb base, split;
	struct rl_diag d = { "" };
	struct rl_btf m;
	void *base_blob, *split_blob, *merged;
	size_t bsize, ssize, msize;
	struct btf_header h;
	uint32_t id;

	bb_init(&base);
	bb_int(&base, "int", 4, true);                                     /* 1 */
	bb_struct(&base, BTF_KIND_STRUCT, "list_head", 16, 0, false);      /* 2 */
	bb_done(&base);
	/* the module's types are ids 3.. and its strings start at the base's
	 * string length: write them that way by hand */
	bb_init(&split);
	split.slen = 0;
	memcpy(split.strs, "nf_conn\0status\0", 15);
	split.slen = 15;
	bb_u32(&split, base.btf.strs_len + 0);                             /* [3] struct nf_conn */
	bb_u32(&split, BTF_KIND_STRUCT << 24 | 2);
	bb_u32(&split, 24);
	bb_u32(&split, base.btf.strs_len + 8);                             /*   status: int @0 */
	bb_u32(&split, 1);
	bb_u32(&split, 0);
	bb_u32(&split, 0);                                                 /*   (anon) list_head @64 */
	bb_u32(&split, 2);
	bb_u32(&split, 64);
	base_blob = (void *)base.btf.bytes;
	bsize = base.btf.size;
	ssize = sizeof(h) + split.tlen + split.slen;
	split_blob = malloc(ssize);
	h = (struct btf_header){ BTF_MAGIC, BTF_VERSION, 0, sizeof(h), 0, split.tlen, split.tlen, split.slen };
	memcpy(split_blob, &h, sizeof(h));
	memcpy((uint8_t *)split_blob + sizeof(h), split.types, split.tlen);
	memcpy((uint8_t *)split_blob + sizeof(h) + split.tlen, split.strs, split.slen);

	CHECK_EQ(rl_kernel_btf_merge_split(base_blob, bsize, split_blob, ssize, &merged, &msize, &d), 0);
	CHECK_EQ(rl_btf_parse(&m, merged, msize, false, &d), 0);
	CHECK_EQ(m.nr_types, 4);
	id = rl_btf_find_by_name_kind(&m, "nf_conn", BTF_KIND_STRUCT);
	CHECK_EQ(id, 3);
	CHECK_EQ(rl_btf_resolve_size(&m, id), 24);
	CHECK_STR(rl_btf_type_name(&m, rl_btf_find_by_name_kind(&m, "list_head", BTF_KIND_STRUCT)),
		  "list_head");
	rl_btf_free(&m);
	free(merged);
	CHECK_EQ(rl_kernel_btf_merge_split(base_blob, bsize, split_blob, 10, &merged, &msize, &d), -EINVAL);
	free(split_blob);
	bb_free(&base);
}

/* ---- which relocation the verifier hit ------------------------------------------ */

#define POISON_OBJ "build/tests/objects/core_poison.bpf.o"

/* core_poison.bpf.o parsed, with a CO-RE session against `kernel`. */
struct poison_fix {
	struct rl_object_spec obj;
	struct rl_core_session s;
	struct rl_core_target tgt;
	void *file;
};

static bool poison_open(struct poison_fix *f, struct bb *kernel)
{
	struct rl_diag d = { "" };
	size_t size = 0;

	f->file = unit_read_file(POISON_OBJ, &size);
	CHECK(f->file != NULL);
	if (!f->file || rl_object_parse(&f->obj, POISON_OBJ, f->file, size, &d)) {
		CHECK_STR(d.msg, "");
		free(f->file);
		return false;
	}
	f->tgt = (struct rl_core_target){ &kernel->btf, NULL, NULL };
	CHECK_EQ(rl_core_session_init(&f->s, &f->obj, &f->tgt, &d), 0);
	return true;
}

static void poison_close(struct poison_fix *f)
{
	rl_core_session_free(&f->s);
	rl_object_free(&f->obj);
	free(f->file);
}

/* Link program `name` as load would; *at = the final index of its first
 * poisoned instruction (-1: none). */
static int link_poison_prog(struct poison_fix *f, const char *name, int64_t *at, struct rl_diag *d)
{
	const struct rl_prog_spec *p = rl_object_find_prog(&f->obj, name);
	struct rl_link_hooks hooks = { rl_core_fixup_function, &f->s };
	struct rl_linked_prog lp;
	int err;

	*at = -1;
	CHECK(p != NULL);
	err = p ? rl_link_program(&f->obj, (uint32_t)(p - f->obj.progs), NULL, &hooks, &lp, d) : -ENOENT;
	for (uint32_t i = 0; !err && i < lp.insn_cnt && *at < 0; i++)
		if (lp.insns[i].code == (BPF_JMP | BPF_CALL) && lp.insns[i].imm == RL_CORE_POISON_HELPER)
			*at = i;
	if (!err)
		rl_linked_prog_free(&lp);
	return err;
}

/* Against a kernel whose task_struct has only pid, both programs' reads are
 * poisoned; only the one the verifier refused, at the instruction its log
 * names, is to blame. */
static void test_explain_poison(void)
{
	struct poison_fix f;
	struct rl_diag d = { "" };
	struct bb t;
	char log[256], msg[1024];
	int64_t at;

	bb_init(&t);
	bb_int(&t, "int", 4, true);
	bb_struct(&t, BTF_KIND_STRUCT, "task_struct", 8, 1, false);
	bb_member(&t, "pid", 1, 0, 0);
	bb_done(&t);
	if (!poison_open(&f, &t)) {
		bb_free(&t);
		return;
	}
	CHECK_EQ(link_poison_prog(&f, "guarded_other", &at, &d), 0);   /* loads: not to blame */
	CHECK(at >= 0);
	CHECK_EQ(link_poison_prog(&f, "unguarded_missing", &at, &d), 0);
	CHECK(at >= 0);
	snprintf(log, sizeof(log), "0: R1=ctx() R10=fp0\n%lld: (85) call unknown#195896080\n"
		 "invalid func unknown#195896080\nprocessed 4 insns\n", (long long)at);
	CHECK(rl_core_explain_poison(&f.s, log, msg, sizeof(msg)));
	CHECK_CONTAINS(msg, "program 'unguarded_missing': insn ");
	CHECK_CONTAINS(msg, "(byte_off task_struct___mine.rawload_no_such_field, access '0:1') could not "
		       "be resolved: struct task_struct has no member 'rawload_no_such_field'");
	CHECK(!strstr(msg, "byte_sz"));                    /* poisoned too, but not reached */
	CHECK(!strstr(msg, "rawload_other_missing"));      /* another program's */
	CHECK_CONTAINS(msg, "is that poisoned instruction");
	/* a log that does not say where: this program's poisoned records, all */
	CHECK(rl_core_explain_poison(&f.s, "invalid func unknown#195896080\n", msg, sizeof(msg)));
	CHECK_CONTAINS(msg, "byte_off task_struct___mine.rawload_no_such_field");
	CHECK_CONTAINS(msg, "byte_sz task_struct___mine.rawload_no_such_field");
	CHECK(!strstr(msg, "rawload_other_missing"));
	CHECK_CONTAINS(msg, "is one of these poisoned instructions");
	/* nothing poisoned in the log: nothing to say */
	CHECK(!rl_core_explain_poison(&f.s, "R1 invalid mem access 'scalar'\n", msg, sizeof(msg)));
	poison_close(&f);
	bb_free(&t);
}

/* A relocation no kernel could satisfy stops the link with one line that
 * reads from the outside in: function, instruction, relocation (kind, path,
 * access string), reason. */
static void test_relo_error_line(void)
{
	struct poison_fix f;
	struct rl_diag d = { "" };
	struct bb t;
	int64_t at;

	/* two task_structs that disagree on where the field is */
	bb_init(&t);
	bb_int(&t, "long long unsigned int", 8, false);
	bb_struct(&t, BTF_KIND_STRUCT, "task_struct", 16, 1, false);
	bb_member(&t, "rawload_no_such_field", 1, 0, 0);
	bb_struct(&t, BTF_KIND_STRUCT, "task_struct___2", 16, 1, false);
	bb_member(&t, "rawload_no_such_field", 1, 64, 0);
	bb_done(&t);
	if (!poison_open(&f, &t)) {
		bb_free(&t);
		return;
	}
	CHECK_EQ(link_poison_prog(&f, "unguarded_missing", &at, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "function 'unguarded_missing': insn ");
	CHECK_CONTAINS(d.msg, ": CO-RE relocation #3 (byte_off task_struct___mine.rawload_no_such_field, "
		       "access '0:1'): ambiguous: kernel types [2] task_struct (vmlinux) and [3] "
		       "task_struct___2 (vmlinux) both match but put the field at bit 0 and 64");
	CHECK(!strchr(d.msg, '\n'));
	poison_close(&f);
	bb_free(&t);
}

/* ---- the real kernel and the real object ---------------------------------------- */

#define FIELDS_OBJ "build/tests/objects/core_fields.bpf.o"

static uint64_t ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

/* The cached view must be exactly what rl_btf_parse + the first lookup
 * produce on the same bytes.  If struct rl_btf grows a field, the cache's
 * view (kernel_btf.c, view_from_cache) must learn it: this says so. */
static void check_mapped_view(struct rl_kernel_btf *kb)
{
	struct rl_btf *v = &kb->vmlinux, p, q;
	struct rl_diag d = { "" };

	CHECK_EQ(rl_btf_parse(&p, v->bytes, v->size, false, &d), 0);
	rl_btf_find_by_name_kind(&p, "int", BTF_KIND_INT);
	CHECK_EQ(p.nr_types, v->nr_types);
	CHECK(p.types && !memcmp(p.types, v->types, p.nr_types * sizeof(*p.types)));
	CHECK_EQ(p.name_index_cap, v->name_index_cap);
	CHECK(p.name_index && !memcmp(p.name_index, v->name_index, (size_t)p.name_index_cap * 8));
	q = p;
	q.types = v->types;
	q.name_index = v->name_index;
	CHECK(!memcmp(&q, v, sizeof(q)));
	rl_btf_free(&p);
}

/* Read the kernel's BTF without and with the per-boot cache (in a private
 * directory), resolve core_fields.bpf.o's relocations against it and check
 * a few against the kernel's own member offsets. */
static void test_kernel(void)
{
	char dir[] = "/tmp/rl_core_test.XXXXXX";
	struct rl_kernel_btf *kb;
	struct rl_object_spec obj;
	struct rl_core_session s;
	struct rl_diag d = { "" };
	const struct btf_type *t;
	uint64_t t0, t_get[3];
	uint32_t task;
	size_t size;
	void *file;

	if (access("/sys/kernel/btf/vmlinux", R_OK)) {
		fprintf(stderr, "  skip: no /sys/kernel/btf/vmlinux\n");
		return;
	}
	CHECK(mkdtemp(dir) != NULL);
	setenv("RAWLOAD_BTF_CACHE", dir, 1);
	for (int round = 0; round < 3; round++) {       /* write cache, use it, use it */
		t0 = ns();
		CHECK_EQ(rl_kernel_btf_get(&kb, &d), 0);
		t_get[round] = ns() - t0;
		if (round == 0)
			CHECK(kb->cache_written);
		else
			CHECK_EQ(kb->source, RL_KBTF_CACHE);
		task = rl_btf_find_by_name_kind(&kb->vmlinux, "task_struct", BTF_KIND_STRUCT);
		CHECK(task != 0);
		if (round < 2)
			rl_kernel_btf_release();
	}
	fprintf(stderr, "  kernel BTF: first %.2f ms (read + parse + write cache), then %.3f / %.3f ms (cache)\n",
		t_get[0] / 1e6, t_get[1] / 1e6, t_get[2] / 1e6);
	check_mapped_view(kb);

	file = unit_read_file(FIELDS_OBJ, &size);
	CHECK(file != NULL);
	if (file && !rl_object_parse(&obj, FIELDS_OBJ, file, size, &d)) {
		CHECK_EQ(rl_core_session_init(&s, &obj, &kb->target, &d), 0);
		t0 = ns();
		CHECK_EQ(rl_core_resolve_all(&s, &d), 0);
		fprintf(stderr, "  %u relocations of %s resolved in %.3f ms\n", s.nr_resolved, FIELDS_OBJ,
			(ns() - t0) / 1e6);
		CHECK_EQ(s.nr_resolved, obj.nr_core_relos);
		/* record 0 is task_struct___mine.pid's offset: compare with the
		 * kernel's member, found by walking task_struct here */
		t = rl_btf_type(&kb->vmlinux, task);
		for (uint32_t i = 0; t && i < rl_btf_vlen(t); i++) {
			const struct btf_member *m = (const struct btf_member *)(t + 1) + i;

			if (!strcmp(rl_btf_str(&kb->vmlinux, m->name_off), "pid"))
				CHECK_EQ(s.res[0].new_val, BTF_MEMBER_BIT_OFFSET(m->offset) / 8);
		}
		CHECK_STR(s.res[0].target_str, "task_struct.pid");
		rl_core_session_free(&s);
		rl_object_free(&obj);
	}
	free(file);
	rl_kernel_btf_release();
	unsetenv("RAWLOAD_BTF_CACHE");
	{
		char cmd[128];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
		CHECK_EQ(system(cmd), 0);
	}
}

/* A module type, found only after vmlinux has no candidate: a split BTF
 * written by hand on top of the real vmlinux, in a directory that stands
 * in for /sys/kernel/btf (this machine has no module BTF). */
static void test_kernel_module(void)
{
	char dir[] = "/tmp/rl_core_mod.XXXXXX", path[64], cmd[128];
	struct rl_kernel_btf *kb;
	struct rl_core_cands cands = { 0 };
	struct rl_core_res r;
	struct rl_diag d = { "" };
	struct bb l, split;
	struct btf_header h;
	uint32_t base_nr, base_slen, int_id, ls;
	FILE *f;

	if (access("/sys/kernel/btf/vmlinux", R_OK))
		return;
	CHECK(mkdtemp(dir) != NULL);
	setenv("RAWLOAD_MODULE_BTF_DIR", dir, 1);
	setenv("RAWLOAD_BTF_CACHE", "off", 1);
	CHECK_EQ(rl_kernel_btf_get(&kb, &d), 0);
	base_nr = kb->vmlinux.nr_types;
	base_slen = kb->vmlinux.strs_len;
	int_id = rl_btf_find_by_name_kind(&kb->vmlinux, "int", BTF_KIND_INT);

	/* [base_nr] struct rawload_mod_thing { int x; int y; } */
	bb_init(&split);
	memcpy(split.strs, "rawload_mod_thing\0x\0y\0", 22);
	split.slen = 22;
	bb_u32(&split, base_slen);
	bb_u32(&split, BTF_KIND_STRUCT << 24 | 2);
	bb_u32(&split, 8);
	bb_member(&split, NULL, int_id, 0, 0);
	bb_member(&split, NULL, int_id, 32, 0);
	memcpy(split.types + 12, &(uint32_t){ base_slen + 18 }, 4);     /* names: x, y */
	memcpy(split.types + 24, &(uint32_t){ base_slen + 20 }, 4);
	h = (struct btf_header){ BTF_MAGIC, BTF_VERSION, 0, sizeof(h), 0, split.tlen, split.tlen, split.slen };
	snprintf(path, sizeof(path), "%s/rawload_test_mod", dir);
	f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f) {
		fwrite(&h, sizeof(h), 1, f);
		fwrite(split.types, split.tlen, 1, f);
		fwrite(split.strs, split.slen, 1, f);
		fclose(f);
	}

	bb_init(&l);
	bb_int(&l, "int", 4, true);                                   /* 1 */
	ls = bb_struct(&l, BTF_KIND_STRUCT, "rawload_mod_thing___x", 4, 1, false);
	bb_member(&l, "y", 1, 0, 0);
	bb_str(&l, "0:0");
	bb_done(&l);
	CHECK_EQ(rl_core_find_cands(&l.btf, ls, &kb->target, &cands, &d), 0);
	CHECK_EQ(cands.n, 1);
	if (cands.n == 1) {
		struct bpf_core_relo rec = relo_of(&l.btf, ls, "0:0", RL_CORE_FIELD_BYTE_OFFSET);

		CHECK_STR(cands.c[0].btf_name, "rawload_test_mod");
		CHECK_EQ(cands.c[0].id, base_nr);
		CHECK_EQ(rl_core_resolve(&l.btf, &rec, &cands, &r, &d), 0);
		CHECK_EQ(r.new_val, 4);
		CHECK_STR(r.target_str, "rawload_mod_thing.y");
	}
	free(cands.c);
	bb_free(&l);
	rl_kernel_btf_release();
	unsetenv("RAWLOAD_MODULE_BTF_DIR");
	unsetenv("RAWLOAD_BTF_CACHE");
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	CHECK_EQ(system(cmd), 0);
}

int main(void)
{
	static const struct unit_test tests[] = {
		UNIT_TEST(test_field_offsets),
		UNIT_TEST(test_field_sizes_exists_signed),
		UNIT_TEST(test_errors),
		UNIT_TEST(test_resized_loads),
		UNIT_TEST(test_patching),
		UNIT_TEST(test_bitfields),
		UNIT_TEST(test_array_loads),
		UNIT_TEST(test_type_relocations),
		UNIT_TEST(test_type_matches),
		UNIT_TEST(test_enums),
		UNIT_TEST(test_ambiguity),
		UNIT_TEST(test_cands_narrowed),
		UNIT_TEST(test_split_merge),
		UNIT_TEST(test_explain_poison),
		UNIT_TEST(test_relo_error_line),
		UNIT_TEST(test_kernel),
		UNIT_TEST(test_kernel_module),
	};

	return unit_run("core", tests, sizeof(tests) / sizeof(tests[0]));
}
