/* object_relo.c - classify every relocation in the object.
 *
 * A BPF object is relocatable: wherever the code names a map, a global
 * variable or another function, the compiler leaves a placeholder and an
 * ELF REL entry { r_offset, r_info = (symbol << 32 | type) }.  REL (unlike
 * RELA) has no addend field: the addend is whatever the compiler left in the
 * instruction's imm.  Which kind of fix-up is needed follows from two things:
 *
 *   the patched instruction          the symbol's section         kind
 *   ld_imm64 (BPF_LD|BPF_IMM|BPF_DW)  .maps / maps                 map (BPF_PSEUDO_MAP_FD)
 *   ld_imm64                          .data .rodata* .bss          global data (BPF_PSEUDO_MAP_VALUE)
 *   ld_imm64                          executable section           callback address (BPF_PSEUDO_FUNC)
 *   call (BPF_JMP|BPF_CALL)           executable section           subprogram call (BPF_PSEUDO_CALL)
 *   ld_imm64                          undefined (extern)           extern (kconfig/ksym)
 *
 * Calls between functions of the same section may carry no REL entry at
 * all (the assembler resolved the pc-relative offset itself), so we also
 * scan for src_reg == BPF_PSEUDO_CALL / BPF_PSEUDO_FUNC without one.
 *
 * Relocations in .rel.maps fill prog-array / map-in-map `values` slots.
 */
#include "object_internal.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>

#ifndef R_BPF_64_64
#define R_BPF_64_64 1
#endif
#ifndef R_BPF_64_32
#define R_BPF_64_32 10
#endif

#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)
#define CALL     (BPF_JMP | BPF_CALL)

static int add_reloc(struct rl_prog_spec *p, const struct rl_reloc *r, struct rl_diag *d)
{
	struct rl_reloc *n;

	/* grow by doubling when the count is a power of two: amortised O(1) */
	if ((p->nr_relocs & (p->nr_relocs - 1)) == 0) {
		n = realloc(p->relocs, (p->nr_relocs ? p->nr_relocs * 2 : 1) * sizeof(*n));
		if (!n)
			return rl_err(d, ENOMEM, "out of memory for relocations of '%s'", p->name);
		p->relocs = n;
	}
	p->relocs[p->nr_relocs++] = *r;
	return 0;
}

/* A call or function address must land inside some function: the linker
 * appends whole functions, so a target between them has nothing to append. */
static int add_code_reloc(struct rl_object_spec *obj, struct rl_prog_spec *fn,
			  const struct rl_reloc *r, struct rl_diag *d)
{
	if ((r->kind == RL_RELOC_CALL || r->kind == RL_RELOC_FUNC_ADDR) &&
	    !rl_object_func_at(obj, r->target_sec, r->target_insn))
		return rl_err(d, ENOEXEC, "'%s' insn %u: %s target (section '%s' insn %u) is not inside any function",
			      fn->name, r->insn_idx, rl_reloc_kind_name(r->kind),
			      obj->elf.sections[r->target_sec].name, r->target_insn);
	return add_reloc(fn, r, d);
}

/* The map defined at the greatest offset <= off in section shndx, or -1.
 * Binary search over obj->map_order (object_maps.c sorts it), so that an
 * object with N maps and N relocations is classified in N log N. */
static int map_floor(const struct rl_object_spec *obj, uint32_t shndx, uint64_t off)
{
	uint32_t lo = 0, hi = obj->nr_map_order;

	while (lo < hi) {   /* first entry after (shndx, off) */
		uint32_t mid = lo + (hi - lo) / 2;
		const struct rl_map_spec *m = &obj->maps[obj->map_order[mid]];

		if (m->sec_idx < shndx || (m->sec_idx == shndx && m->sec_off <= off))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0 || obj->maps[obj->map_order[lo - 1]].sec_idx != shndx)
		return -1;
	return (int)obj->map_order[lo - 1];
}

static int find_map_at(const struct rl_object_spec *obj, uint32_t shndx, uint64_t off)
{
	int m = map_floor(obj, shndx, off);

	return m >= 0 && obj->maps[m].sec_off == off ? m : -1;
}

static int find_data_map(const struct rl_object_spec *obj, uint32_t shndx)
{
	int m = find_map_at(obj, shndx, 0);

	return m >= 0 && obj->maps[m].origin == RL_MAP_GLOBAL_DATA ? m : -1;
}

/* Target of a call/ld_imm64 into an executable section, as an insn index there. */
static int code_target(const struct rl_elf_symbol *sym, const struct bpf_insn *insn,
		       uint32_t *target)
{
	int64_t t;

	if (insn->code == CALL)
		/* call imm is pc-relative in instructions, minus one (the kernel
		 * adds imm + 1 to the pc); relative to the symbol's position */
		t = (int64_t)(sym->value / 8) + insn->imm + 1;
	else
		/* ld_imm64 of a function: imm holds a byte addend */
		t = ((int64_t)sym->value + insn->imm) / 8;
	if (t < 0 || t > UINT32_MAX)
		return -ERANGE;
	*target = (uint32_t)t;
	return 0;
}

static int classify(struct rl_object_spec *obj, const struct rl_elf_section *sec, size_t ri,
		    const struct rl_elf_rel *rel, struct rl_diag *d)
{
	const struct rl_elf *elf = &obj->elf;
	const struct rl_elf_symbol *sym = &elf->symbols[rel->sym];
	uint32_t insn_idx = rel->offset / 8;
	const struct bpf_insn *insn = (const struct bpf_insn *)sec->data + insn_idx;
	struct rl_prog_spec *fn;
	struct rl_reloc r = { .sym_idx = rel->sym, .sym_name = sym->name, .ext_idx = -1 };
	int m;

	if (rel->offset % 8)
		return rl_err(d, ENOEXEC, "relocation %zu: offset %llu is not on an instruction boundary",
			      ri, (unsigned long long)rel->offset);
	if (rel->type != R_BPF_64_64 && rel->type != R_BPF_64_32)
		return rl_err(d, ENOEXEC, "relocation %zu at insn %u: type %u is not R_BPF_64_64 (1) or R_BPF_64_32 (10)",
			      ri, insn_idx, rel->type);
	fn = rl_object_func_at(obj, sec->index, insn_idx);
	if (!fn)
		return rl_err(d, ENOEXEC, "relocation %zu at insn %u is outside every function", ri, insn_idx);
	r.insn_idx = insn_idx - fn->sec_insn_off;

	if (insn->code == LD_IMM64) {
		if (r.insn_idx + 1 >= fn->insn_cnt)
			return rl_err(d, ENOEXEC, "relocation %zu at insn %u: ld_imm64 is cut off by the end of '%s'",
				      ri, insn_idx, fn->name);
		if (sym->shndx == SHN_UNDEF) {
			r.ext_idx = rl_object_find_extern(obj, sym->name);
			if (r.ext_idx >= 0 && obj->externs[r.ext_idx].kind == RL_EXTERN_KCONFIG) {
				const struct rl_extern *e = &obj->externs[r.ext_idx];

				if (insn->imm < 0 || (uint32_t)insn->imm >= e->size)
					return rl_err(d, ENOEXEC, "relocation %zu at insn %u: extern '%s' + addend %d is outside its %u bytes",
						      ri, insn_idx, sym->name, insn->imm, e->size);
				r.kind = RL_RELOC_MAP_VALUE;
				r.map_idx = (uint32_t)obj->kconfig_map;
				r.map_off = e->offset + (uint32_t)insn->imm;
			} else {
				r.kind = RL_RELOC_EXTERN;
			}
		} else if (sym->shndx >= elf->nr_sections) {
			return rl_err(d, ENOEXEC, "relocation %zu at insn %u: symbol '%s' has special section index %#x",
				      ri, insn_idx, sym->name, sym->shndx);
		} else if ((m = find_map_at(obj, sym->shndx, sym->value)) >= 0 &&
			   obj->maps[m].origin != RL_MAP_GLOBAL_DATA) {
			r.kind = RL_RELOC_MAP;
			r.map_idx = (uint32_t)m;
		} else if ((m = find_data_map(obj, sym->shndx)) >= 0) {
			/* symbol value first: any u64 may stand there, and adding the
			 * addend to a huge one would overflow before the check */
			int64_t off = sym->value < obj->maps[m].value_size ?
				      (int64_t)sym->value + insn->imm : -1;

			if (off < 0 || (uint64_t)off >= obj->maps[m].value_size)
				return rl_err(d, ENOEXEC, "relocation %zu at insn %u: symbol '%s' value %llu + addend %d is outside '%s' (%u bytes)",
					      ri, insn_idx, sym->name, (unsigned long long)sym->value,
					      insn->imm, obj->maps[m].name, obj->maps[m].value_size);
			r.kind = RL_RELOC_MAP_VALUE;
			r.map_idx = (uint32_t)m;
			r.map_off = (uint32_t)off;
		} else if (rl_elf_section_is_exec(&elf->sections[sym->shndx])) {
			r.kind = RL_RELOC_FUNC_ADDR;
			r.target_sec = sym->shndx;
			if (code_target(sym, insn, &r.target_insn))
				return rl_err(d, ERANGE, "relocation %zu at insn %u: function address out of range", ri, insn_idx);
		} else {
			return rl_err(d, ENOEXEC, "relocation %zu at insn %u: symbol '%s' is in section '%s', which is not a map, global data or code section",
				      ri, insn_idx, sym->name, elf->sections[sym->shndx].name);
		}
	} else if (insn->code == CALL && sym->shndx == SHN_UNDEF &&
		   (r.ext_idx = rl_object_find_extern(obj, sym->name)) >= 0 &&
		   obj->externs[r.ext_idx].kind == RL_EXTERN_KFUNC) {
		r.kind = RL_RELOC_EXTERN;       /* a kfunc call */
	} else if (insn->code == CALL && insn->src_reg == BPF_PSEUDO_CALL) {
		if (sym->shndx == 0 || sym->shndx >= elf->nr_sections ||
		    !rl_elf_section_is_exec(&elf->sections[sym->shndx]))
			return rl_err(d, ENOEXEC, "relocation %zu at insn %u: call target '%s' (symbol %u) is not in a code section",
				      ri, insn_idx, sym->name, rel->sym);
		r.kind = RL_RELOC_CALL;
		r.target_sec = sym->shndx;
		if (code_target(sym, insn, &r.target_insn))
			return rl_err(d, ERANGE, "relocation %zu at insn %u: call target out of range", ri, insn_idx);
	} else {
		return rl_err(d, ENOEXEC, "relocation %zu at insn %u: instruction opcode %#x is neither ld_imm64 nor a BPF-to-BPF call",
			      ri, insn_idx, insn->code);
	}
	return add_code_reloc(obj, fn, &r, d);
}

static int cmp_reloc(const void *a, const void *b)
{
	const struct rl_reloc *x = a, *y = b;

	if (x->insn_idx != y->insn_idx)
		return x->insn_idx < y->insn_idx ? -1 : 1;
	return x->sym_idx < y->sym_idx ? -1 : x->sym_idx > y->sym_idx;
}

/* Relocations in instruction order.  LLVM writes REL entries that way, so
 * the check is usually all this costs. */
static void sort_relocs(struct rl_prog_spec *p)
{
	for (uint32_t i = 1; i < p->nr_relocs; i++)
		if (cmp_reloc(&p->relocs[i - 1], &p->relocs[i]) > 0) {
			qsort(p->relocs, p->nr_relocs, sizeof(*p->relocs), cmp_reloc);
			return;
		}
}

/* pc-relative calls / function addresses the assembler resolved itself:
 * the instructions that look like one but have no REL entry.  relocs[] is
 * sorted, and the instructions are visited in order, so one cursor through
 * the REL-made entries answers "has insn i a relocation?" - linear, not a
 * scan per instruction.  What this adds goes after them; sorted again at
 * the end. */
static int scan_local_calls(struct rl_object_spec *obj, struct rl_prog_spec *p, struct rl_diag *d)
{
	uint32_t from_rel = p->nr_relocs, k = 0;

	for (uint32_t i = 0; i < p->insn_cnt; i++) {
		const struct bpf_insn *insn = &p->insns[i];
		bool call = insn->code == CALL && insn->src_reg == BPF_PSEUDO_CALL;
		bool func = insn->code == LD_IMM64 && insn->src_reg == BPF_PSEUDO_FUNC;
		struct rl_reloc r = { .insn_idx = i, .target_sec = p->sec_idx, .sym_name = "" };
		int64_t t;
		int err;

		while (k < from_rel && p->relocs[k].insn_idx < i)
			k++;
		if ((!call && !func) || (k < from_rel && p->relocs[k].insn_idx == i))
			continue;
		t = (int64_t)p->sec_insn_off + i + insn->imm + 1;
		if (t < 0 || t > UINT32_MAX)
			return rl_err(d, ERANGE, "'%s' insn %u: pc-relative target %lld out of range", p->name, i, (long long)t);
		r.kind = call ? RL_RELOC_CALL : RL_RELOC_FUNC_ADDR;
		r.target_insn = (uint32_t)t;
		err = add_code_reloc(obj, p, &r, d);
		if (err)
			return err;
	}
	if (p->nr_relocs > from_rel)
		sort_relocs(p);
	return 0;
}

int rl_object_collect_relocs(struct rl_object_spec *obj, struct rl_diag *d)
{
	const struct rl_elf *elf = &obj->elf;
	int err;

	for (uint32_t i = 1; i < elf->nr_sections; i++) {
		const struct rl_elf_section *rs = &elf->sections[i], *target;

		if (rs->type != SHT_REL)
			continue;
		target = &elf->sections[rs->info];
		if (!rl_elf_section_is_exec(target))
			continue; /* .rel.BTF, .rel.debug_*, .rel.maps (below) */
		for (size_t r = 0; r < rl_elf_rel_count(rs); r++) {
			struct rl_elf_rel rel = rl_elf_rel_get(rs, r);

			err = classify(obj, target, r, &rel, d);
			if (err) {
				rl_diag_prefix(d, "section '%s': ", target->name);
				return err;
			}
		}
	}
	for (uint32_t i = 0; i < obj->nr_progs; i++) {
		sort_relocs(&obj->progs[i]);
		err = scan_local_calls(obj, &obj->progs[i], d);
		if (err)
			return err;
	}
	return 0;
}

static int add_init_slot(struct rl_map_spec *m, const struct rl_map_init_slot *s, struct rl_diag *d)
{
	struct rl_map_init_slot *n = realloc(m->init_slots, (m->nr_init_slots + 1) * sizeof(*n));

	if (!n)
		return rl_err(d, ENOMEM, "out of memory for initialisers of '%s'", m->name);
	m->init_slots = n;
	m->init_slots[m->nr_init_slots++] = *s;
	return 0;
}

/* `.values = { [k] = &x }` in a BTF map: one R_BPF_64_64 in .rel.maps per slot. */
static int map_init_one(struct rl_object_spec *obj, uint32_t maps_shndx, size_t ri,
			const struct rl_elf_rel *rel, struct rl_diag *d)
{
	const struct rl_elf_symbol *sym = &obj->elf.symbols[rel->sym];
	struct rl_map_init_slot slot = { 0 };
	struct rl_map_spec *m = NULL;
	uint64_t rel_off;
	int t;

	{
		int c = map_floor(obj, maps_shndx, rel->offset);

		if (c >= 0 && obj->maps[c].origin == RL_MAP_BTF && obj->maps[c].has_init_values &&
		    rel->offset >= obj->maps[c].sec_off + obj->maps[c].init_values_off)
			m = &obj->maps[c];
	}
	if (!m)
		return rl_err(d, ENOEXEC, "relocation %zu at offset %llu does not fall in any map's 'values'",
			      ri, (unsigned long long)rel->offset);
	rel_off = rel->offset - m->sec_off - m->init_values_off;
	if (rel_off % 8)
		return rl_err(d, ENOEXEC, "relocation %zu: offset %llu in '%s' values is not pointer-aligned",
			      ri, (unsigned long long)rel_off, m->name);
	slot.key = (uint32_t)(rel_off / 8);
	if (slot.key >= m->max_entries)
		return rl_err(d, ENOEXEC, "map '%s': initialiser slot %u >= max_entries %u",
			      m->name, slot.key, m->max_entries);
	if (m->type == BPF_MAP_TYPE_PROG_ARRAY) {
		const struct rl_prog_spec *p = rl_object_func_at(obj, sym->shndx, (uint32_t)(sym->value / 8));

		if (p && p->sec_insn_off * 8ull != sym->value)
			p = NULL; /* must name a function's first instruction */
		if (!p || p->is_subprog)
			return rl_err(d, ENOEXEC, "map '%s' slot %u: '%s' is not a program", m->name, slot.key, sym->name);
		slot.is_prog = true;
		slot.target_idx = (uint32_t)(p - obj->progs);
	} else {
		t = find_map_at(obj, sym->shndx, sym->value);
		if (t < 0)
			return rl_err(d, ENOEXEC, "map '%s' slot %u: '%s' is not a map", m->name, slot.key, sym->name);
		slot.target_idx = (uint32_t)t;
	}
	return add_init_slot(m, &slot, d);
}

int rl_object_collect_map_inits(struct rl_object_spec *obj, struct rl_diag *d)
{
	const struct rl_elf_section *maps = rl_elf_section_by_name(&obj->elf, ".maps");
	int err;

	if (!maps)
		return 0;
	for (uint32_t i = 1; i < obj->elf.nr_sections; i++) {
		const struct rl_elf_section *rs = &obj->elf.sections[i];

		if (rs->type != SHT_REL || rs->info != maps->index)
			continue;
		for (size_t r = 0; r < rl_elf_rel_count(rs); r++) {
			struct rl_elf_rel rel = rl_elf_rel_get(rs, r);

			err = map_init_one(obj, maps->index, r, &rel, d);
			if (err) {
				rl_diag_prefix(d, "section '%s': ", rs->name);
				return err;
			}
		}
	}
	return 0;
}
