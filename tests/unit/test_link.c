/* test_link.c - the linker (loader/object/linker.c): one program spec in, the final
 * instruction array and func/line info for BPF_PROG_LOAD out.
 *
 * Pure: map fds are made-up numbers (FD_BASE + map index), so this runs
 * without root.  For each linked program the test checks the kernel's
 * contract rather than the linker's own bookkeeping:
 *   - every reachable function is appended exactly once, the entry first;
 *   - a BPF-to-BPF call or callback address at pc resolves to
 *     pc + imm + 1 == the callee's first instruction (kernel:
 *     check_subprogs / add_subprog_and_kfunc);
 *   - map references are ld_imm64 with src_reg BPF_PSEUDO_MAP_FD and
 *     imm = the map's fd; global data BPF_PSEUDO_MAP_VALUE with
 *     insn[1].imm = the offset in the value;
 *   - func_info: one record per function, insn_off sorted, starting at 0,
 *     each at a function's first instruction (check_btf_func);
 *     line_info: strictly increasing offsets inside the program, one at
 *     every function's start (check_btf_line);
 *   - every other instruction is copied unchanged.
 */
#include <elf.h>
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "linker.h"
#include "object.h"
#include "unit.h"

#define OBJ_DIR "build/tests/objects/"
#define FD_BASE 100
#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)
#define CALL (BPF_JMP | BPF_CALL)

struct loaded {
	uint8_t *bytes;
	size_t size;
	struct rl_object_spec obj;
	int fds[64];
	bool ok;
};

static bool parse(struct loaded *l, const char *path)
{
	struct rl_diag d = { "" };

	l->ok = rl_object_parse(&l->obj, path, l->bytes, l->size, &d) == 0;
	if (!l->ok)
		fprintf(stderr, "  %s: %s\n", path, d.msg);
	for (int i = 0; i < 64; i++)
		l->fds[i] = FD_BASE + i;
	return l->ok;
}

static bool load(struct loaded *l, const char *path)
{
	memset(l, 0, sizeof(*l));
	l->bytes = unit_read_file(path, &l->size);
	if (!l->bytes) {
		fprintf(stderr, "  cannot read %s (run `make unit` first)\n", path);
		return false;
	}
	return parse(l, path);
}

static void unload(struct loaded *l)
{
	if (l->ok)
		rl_object_free(&l->obj);
	free(l->bytes);
	memset(l, 0, sizeof(*l));
}

static uint32_t prog_index(const struct rl_object_spec *o, const char *name)
{
	for (uint32_t i = 0; i < o->nr_progs; i++)
		if (!strcmp(o->progs[i].name, name))
			return i;
	return UINT32_MAX;
}

/* Final position of function `name` in `lp`, or -1. */
static int64_t pos_of(const struct rl_object_spec *o, const struct rl_linked_prog *lp, const char *name)
{
	uint32_t f = prog_index(o, name);

	for (uint32_t i = 0; f != UINT32_MAX && i < lp->nr_funcs; i++)
		if (lp->func_order[i] == f)
			return lp->func_pos[i];
	return -1;
}

/* Where a call / function-address instruction at `pc` lands. */
static int64_t jump_target(const struct bpf_insn *insns, uint32_t pc)
{
	return (int64_t)pc + insns[pc].imm + 1;
}

/* The invariants every linked program must satisfy (see the file comment). */
static void check_linked(const struct rl_object_spec *o, uint32_t entry, const struct rl_linked_prog *lp)
{
	uint32_t total = 0;

	CHECK(lp->nr_funcs >= 1 && lp->func_order[0] == entry && lp->func_pos[0] == 0);
	for (uint32_t i = 0; i < lp->nr_funcs; i++) {
		const struct rl_prog_spec *f = &o->progs[lp->func_order[i]];

		for (uint32_t j = 0; j < i; j++)
			CHECK(lp->func_order[j] != lp->func_order[i]);      /* once each */
		CHECK_EQ(lp->func_pos[i], total);                            /* back to back */
		total += f->insn_cnt;
	}
	CHECK_EQ(lp->insn_cnt, total);

	for (uint32_t i = 0; i < lp->nr_funcs; i++) {
		const struct rl_prog_spec *f = &o->progs[lp->func_order[i]];
		const struct bpf_insn *out = &lp->insns[lp->func_pos[i]];

		for (uint32_t k = 0; k < f->insn_cnt; k++) {
			const struct rl_reloc *r = NULL;
			uint32_t pc = lp->func_pos[i] + k;

			for (uint32_t j = 0; j < f->nr_relocs; j++)
				if (f->relocs[j].insn_idx == k)
					r = &f->relocs[j];
			if (!r) {
				/* untouched, except the second half of a patched ld_imm64 */
				bool hi = k > 0 && f->insns[k - 1].code == LD_IMM64;

				if (!hi)
					CHECK(!memcmp(&out[k], &f->insns[k], sizeof(out[k])));
				continue;
			}
			switch (r->kind) {
			case RL_RELOC_MAP:
				CHECK_EQ(out[k].code, LD_IMM64);
				CHECK_EQ(out[k].src_reg, BPF_PSEUDO_MAP_FD);
				CHECK_EQ(out[k].imm, FD_BASE + (int)r->map_idx);
				CHECK_EQ(out[k + 1].imm, 0);
				break;
			case RL_RELOC_MAP_VALUE:
				CHECK_EQ(out[k].src_reg, BPF_PSEUDO_MAP_VALUE);
				CHECK_EQ(out[k].imm, FD_BASE + (int)r->map_idx);
				CHECK_EQ(out[k + 1].imm, (int32_t)r->map_off);
				break;
			case RL_RELOC_CALL:
			case RL_RELOC_FUNC_ADDR: {
				int64_t t = jump_target(lp->insns, pc);
				bool at_start = false;

				CHECK_EQ(out[k].src_reg, r->kind == RL_RELOC_CALL ? BPF_PSEUDO_CALL : BPF_PSEUDO_FUNC);
				for (uint32_t j = 0; j < lp->nr_funcs; j++)
					at_start |= t == lp->func_pos[j];
				CHECK(at_start);
				break;
			}
			case RL_RELOC_EXTERN:
				CHECK(!"an extern relocation linked");
				break;
			}
		}
	}

	/* func_info: one per function, at its start, sorted, first at 0 */
	if (o->has_btf_ext) {
		CHECK_EQ(lp->nr_func_info, lp->nr_funcs);
		for (uint32_t i = 0; i < lp->nr_func_info && i < lp->nr_funcs; i++) {
			CHECK_EQ(lp->func_info[i].insn_off, lp->func_pos[i]);
			CHECK(i == 0 || lp->func_info[i].insn_off > lp->func_info[i - 1].insn_off);
			CHECK_STR(rl_btf_type_name(&o->btf, lp->func_info[i].type_id),
				  o->progs[lp->func_order[i]].name);
		}
		CHECK(lp->nr_func_info == 0 || lp->func_info[0].insn_off == 0);
		CHECK(lp->nr_line_info > 0);
		for (uint32_t i = 0; i < lp->nr_line_info; i++) {
			CHECK(lp->line_info[i].insn_off < lp->insn_cnt);
			CHECK(i == 0 || lp->line_info[i].insn_off > lp->line_info[i - 1].insn_off);
		}
		for (uint32_t i = 0; i < lp->nr_funcs; i++) {
			bool found = false;

			for (uint32_t j = 0; j < lp->nr_line_info; j++)
				found |= lp->line_info[j].insn_off == lp->func_pos[i];
			CHECK(found);
		}
	}
}

static bool link_named(const struct loaded *l, const char *name, struct rl_linked_prog *lp)
{
	struct rl_diag d = { "" };
	uint32_t idx = prog_index(&l->obj, name);

	CHECK(idx != UINT32_MAX);
	if (idx == UINT32_MAX)
		return false;
	if (rl_link_program(&l->obj, idx, l->fds, NULL, lp, &d)) {
		fprintf(stderr, "  link '%s': %s\n", name, d.msg);
		CHECK(0);
		return false;
	}
	check_linked(&l->obj, idx, lp);
	return true;
}

/* ---- the objects ------------------------------------------------------------- */

static void test_subprog(void)
{
	static const char *const entries[] = { "xdp_sub", "tc_sub" };
	static const char *const subs[] = { "answer", "rl_sum", "twice", "add_cb" };
	struct loaded l;

	if (!load(&l, OBJ_DIR "subprog.bpf.o")) {
		CHECK(0);
		unload(&l);
		return;
	}
	for (int e = 0; e < 2; e++) {
		struct rl_linked_prog lp;
		int64_t entry_cnt = l.obj.progs[prog_index(&l.obj, entries[e])].insn_cnt;
		uint32_t calls = 0, funcs = 0;

		if (!link_named(&l, entries[e], &lp))
			continue;
		CHECK_EQ(lp.nr_funcs, 5);      /* entry + answer, rl_sum, twice, add_cb */
		for (int s = 0; s < 4; s++)
			CHECK(pos_of(&l.obj, &lp, subs[s]) >= entry_cnt);
		/* answer is what the entry calls: reached first, placed right after */
		CHECK_EQ(pos_of(&l.obj, &lp, "answer"), entry_cnt);
		for (uint32_t pc = 0; pc < lp.insn_cnt; pc++) {
			const struct bpf_insn *in = &lp.insns[pc];
			int64_t t = jump_target(lp.insns, pc);

			if (in->code == CALL && in->src_reg == BPF_PSEUDO_CALL) {
				calls++;
				/* entry -> answer; answer -> rl_sum, twice */
				if (pc < entry_cnt)
					CHECK_EQ(t, pos_of(&l.obj, &lp, "answer"));
				else
					CHECK(t == pos_of(&l.obj, &lp, "rl_sum") ||
					      t == pos_of(&l.obj, &lp, "twice"));
			} else if (in->code == LD_IMM64 && in->src_reg == BPF_PSEUDO_FUNC) {
				funcs++;
				CHECK_EQ(t, pos_of(&l.obj, &lp, "add_cb"));   /* bpf_loop's callback */
				CHECK(pc > (uint64_t)pos_of(&l.obj, &lp, "rl_sum"));
			}
		}
		CHECK_EQ(calls, 3);
		CHECK_EQ(funcs, 1);
		rl_linked_prog_free(&lp);
		CHECK(lp.insns == NULL && lp.func_info == NULL);
	}
	unload(&l);
}

static void test_tail_call(void)
{
	struct loaded l;
	struct rl_linked_prog lp;
	int jt;

	if (!load(&l, OBJ_DIR "tail_call.bpf.o")) {
		CHECK(0);
		unload(&l);
		return;
	}
	jt = rl_object_find_map(&l.obj, "jmp_table");
	CHECK(jt >= 0);
	if (link_named(&l, "xdp_entry", &lp)) {
		CHECK_EQ(lp.nr_funcs, 1);
		/* the first insn loads &jmp_table for bpf_tail_call */
		CHECK_EQ(lp.insns[0].code, LD_IMM64);
		CHECK_EQ(lp.insns[0].src_reg, BPF_PSEUDO_MAP_FD);
		CHECK_EQ(lp.insns[0].imm, FD_BASE + jt);
		CHECK_EQ(lp.nr_func_info, 1);
		rl_linked_prog_free(&lp);
	}
	if (link_named(&l, "xdp_target", &lp)) {
		CHECK_EQ(lp.nr_funcs, 1);
		CHECK_EQ(lp.insn_cnt, 2);
		rl_linked_prog_free(&lp);
	}
	unload(&l);
}

static void test_global_data(void)
{
	/* from global_data.bpf.c: each reference's map and offset, in insn order */
	static const struct { const char *map; int32_t off; } refs[] = {
		{ ".bss", 0 }, { ".data", 4 }, { ".rodata.str1.1", 0 }, { ".data", 0 },
		{ ".rodata.str1.1", 13 }, { ".rodata", 4 }, { ".rodata", 0 },
	};
	struct loaded l;
	struct rl_linked_prog lp;
	uint32_t n = 0;

	if (!load(&l, OBJ_DIR "global_data.bpf.o")) {
		CHECK(0);
		unload(&l);
		return;
	}
	if (link_named(&l, "xdp_globals", &lp)) {
		for (uint32_t pc = 0; pc + 1 < lp.insn_cnt; pc++) {
			if (lp.insns[pc].code != LD_IMM64 || lp.insns[pc].src_reg != BPF_PSEUDO_MAP_VALUE)
				continue;
			CHECK(n < 7);
			if (n < 7) {
				CHECK_EQ(lp.insns[pc].imm, FD_BASE + rl_object_find_map(&l.obj, refs[n].map));
				CHECK_EQ(lp.insns[pc + 1].imm, refs[n].off);
			}
			n++;
			pc++;
		}
		CHECK_EQ(n, 7);
		rl_linked_prog_free(&lp);
	}
	unload(&l);
}

static void test_multi_prog(void)
{
	struct loaded l;
	struct rl_linked_prog lp;

	if (!load(&l, OBJ_DIR "multi_prog.bpf.o")) {
		CHECK(0);
		unload(&l);
		return;
	}
	if (link_named(&l, "xdp_a", &lp)) {       /* calls nothing: just itself */
		CHECK_EQ(lp.nr_funcs, 1);
		CHECK_EQ(lp.insn_cnt, l.obj.progs[prog_index(&l.obj, "xdp_a")].insn_cnt);
		rl_linked_prog_free(&lp);
	}
	if (link_named(&l, "xdp_c", &lp)) {       /* map + call into .text */
		int64_t tx = pos_of(&l.obj, &lp, "tx_verdict");

		CHECK_EQ(lp.nr_funcs, 2);
		CHECK_EQ(tx, l.obj.progs[prog_index(&l.obj, "xdp_c")].insn_cnt);
		CHECK_EQ(pos_of(&l.obj, &lp, "xdp_b"), -1);   /* same section, not reachable */
		rl_linked_prog_free(&lp);
	}
	unload(&l);
}

/* Every program of every object links and keeps the invariants. */
static void test_all_programs(void)
{
	static const char *const objs[] = {
		OBJ_DIR "btf_shapes.bpf.o", OBJ_DIR "maps_btf.bpf.o", OBJ_DIR "maps_legacy.bpf.o",
		OBJ_DIR "map_in_map.bpf.o", OBJ_DIR "sock_progs.bpf.o", OBJ_DIR "verifier_reject.bpf.o",
		"bpf/xdp_drop_ping.bpf.o", "bpf/sockredir.bpf.o",
	};

	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		struct loaded l;

		if (!load(&l, objs[i])) {
			CHECK(0);
			unload(&l);
			continue;
		}
		for (uint32_t p = 0; p < l.obj.nr_progs; p++) {
			struct rl_linked_prog lp;

			if (!l.obj.progs[p].is_subprog && link_named(&l, l.obj.progs[p].name, &lp))
				rl_linked_prog_free(&lp);
		}
		unload(&l);
	}
}

/* ---- the hook and the error path ------------------------------------------------ */

struct hook_log {
	const struct bpf_insn *seen[8];
	const char *names[8];
	int calls;
	int fail_on;
};

static int record_fixup(void *ctx, const struct rl_prog_spec *fn, struct bpf_insn *insns,
			struct rl_diag *d)
{
	struct hook_log *h = ctx;

	if (h->calls < 8) {
		h->seen[h->calls] = insns;
		h->names[h->calls] = fn->name;
	}
	if (++h->calls == h->fail_on)
		return rl_err(d, EINVAL, "hook refuses '%s'", fn->name);
	return 0;
}

static void test_fixup_hook(void)
{
	struct loaded l;
	struct rl_linked_prog lp;
	struct hook_log h = { 0 };
	struct rl_link_hooks hooks = { record_fixup, &h };
	struct rl_diag d = { "" };
	uint32_t entry;

	if (!load(&l, OBJ_DIR "subprog.bpf.o")) {
		CHECK(0);
		unload(&l);
		return;
	}
	entry = prog_index(&l.obj, "xdp_sub");
	CHECK_EQ(rl_link_program(&l.obj, entry, l.fds, &hooks, &lp, &d), 0);
	CHECK_EQ(h.calls, 5);                   /* once per placed function */
	for (int i = 0; i < h.calls && i < 5; i++) {
		CHECK(h.seen[i] == &lp.insns[lp.func_pos[i]]);
		CHECK_STR(h.names[i], l.obj.progs[lp.func_order[i]].name);
	}
	rl_linked_prog_free(&lp);

	memset(&h, 0, sizeof(h));
	h.fail_on = 2;                          /* the first subprogram */
	CHECK_EQ(rl_link_program(&l.obj, entry, l.fds, &hooks, &lp, &d), -EINVAL);
	CHECK_STR(d.msg, "function 'answer': hook refuses 'answer'");
	CHECK(lp.insns == NULL && lp.nr_funcs == 0);   /* nothing left to free */
	unload(&l);
}

/* global_data with 'magic' made undefined: an extern, which rawload refuses. */
static void test_extern_refused(void)
{
	struct loaded l;
	struct rl_linked_prog lp;
	struct rl_diag d = { "" };
	const struct rl_elf *elf;
	uint32_t sym;

	if (!load(&l, OBJ_DIR "global_data.bpf.o")) {
		CHECK(0);
		unload(&l);
		return;
	}
	elf = &l.obj.elf;
	for (sym = 0; sym < elf->nr_symbols && strcmp(elf->symbols[sym].name, "magic"); sym++)
		;
	CHECK(sym < elf->nr_symbols);
	if (sym < elf->nr_symbols) {
		uint64_t at = elf->sections[elf->symtab_index].offset + sym * sizeof(Elf64_Sym) +
			      offsetof(Elf64_Sym, st_shndx);

		rl_object_free(&l.obj);
		memset(l.bytes + at, 0, sizeof(uint16_t));     /* st_shndx = SHN_UNDEF */
		if (parse(&l, "global_data.bpf.o")) {
			CHECK_EQ(rl_link_program(&l.obj, prog_index(&l.obj, "xdp_globals"), l.fds, NULL,
						 &lp, &d), -ENOEXEC);
			CHECK_STR(d.msg, "function 'xdp_globals': 'xdp_globals' insn 5: 'magic' is undefined and no .kconfig/.ksyms extern in the BTF names it");
		}
	}
	unload(&l);
}

int main(void)
{
	static const struct unit_test tests[] = {
		UNIT_TEST(test_subprog),
		UNIT_TEST(test_tail_call),
		UNIT_TEST(test_global_data),
		UNIT_TEST(test_multi_prog),
		UNIT_TEST(test_all_programs),
		UNIT_TEST(test_fixup_hook),
		UNIT_TEST(test_extern_refused),
	};

	return unit_run("link", tests, sizeof(tests) / sizeof(tests[0]));
}
