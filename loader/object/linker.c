/* linker.c - subprogram appending, relocation patching and func/line info
 * remapping for one program (see linker.h for the picture). */
#include "linker.h"
#include "object_internal.h"

#include <errno.h>
#include <stdlib.h>

#define LD_IMM64 (BPF_LD | BPF_IMM | BPF_DW)

/* Position of function `f` in the final array, or -1 if not placed yet.
 * A program reaches a handful of functions: a scan over those is cheaper
 * than any table sized by the whole object (which made linking every
 * program of a 10,000-function object quadratic). */
static int64_t placed_at(const struct rl_linked_prog *lp, uint32_t f)
{
	for (uint32_t i = 0; i < lp->nr_funcs; i++)
		if (lp->func_order[i] == f)
			return lp->func_pos[i];
	return -1;
}

static int place(const struct rl_object_spec *obj, struct rl_linked_prog *lp, uint32_t f,
		 uint32_t *cap, struct rl_diag *d)
{
	if (lp->insn_cnt > UINT32_MAX - obj->progs[f].insn_cnt)
		return rl_err(d, E2BIG, "program too large after appending '%s'", obj->progs[f].name);
	if (lp->nr_funcs == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 8;
		uint32_t *o = realloc(lp->func_order, ncap * sizeof(*o));

		if (o)
			lp->func_order = o;
		o = o ? realloc(lp->func_pos, ncap * sizeof(*o)) : NULL;
		if (!o)
			return rl_err(d, ENOMEM, "out of memory for program layout");
		lp->func_pos = o;
		*cap = ncap;
	}
	lp->func_order[lp->nr_funcs] = f;
	lp->func_pos[lp->nr_funcs] = lp->insn_cnt;
	lp->nr_funcs++;
	lp->insn_cnt += obj->progs[f].insn_cnt;
	return 0;
}

/* Breadth-first over calls: every reachable function is placed exactly once. */
static int layout(const struct rl_object_spec *obj, uint32_t entry, struct rl_linked_prog *lp,
		  struct rl_diag *d)
{
	uint32_t cap = 0;
	int err;

	err = place(obj, lp, entry, &cap, d);
	for (uint32_t i = 0; !err && i < lp->nr_funcs; i++) {
		const struct rl_prog_spec *f = &obj->progs[lp->func_order[i]];

		for (uint32_t r = 0; !err && r < f->nr_relocs; r++) {
			const struct rl_reloc *rel = &f->relocs[r];
			const struct rl_prog_spec *callee;

			if (rel->kind != RL_RELOC_CALL && rel->kind != RL_RELOC_FUNC_ADDR)
				continue;
			callee = rl_object_func_at((struct rl_object_spec *)obj, rel->target_sec,
						   rel->target_insn);
			if (!callee)
				return rl_err(d, ENOEXEC, "'%s' insn %u: %s target (section '%s' insn %u) is not inside any function",
					      f->name, rel->insn_idx, rl_reloc_kind_name(rel->kind),
					      obj->elf.sections[rel->target_sec].name, rel->target_insn);
			if (placed_at(lp, (uint32_t)(callee - obj->progs)) < 0)
				err = place(obj, lp, (uint32_t)(callee - obj->progs), &cap, d);
		}
	}
	return err;
}

static int patch_extern(const struct rl_object_spec *obj, const struct rl_prog_spec *f,
			const struct rl_reloc *rel, struct bpf_insn *insn,
			const struct rl_extern_target *ext, struct rl_diag *d)
{
	const struct rl_extern *e = rel->ext_idx >= 0 ? &obj->externs[rel->ext_idx] : NULL;
	const struct rl_extern_target *t = e && ext ? &ext[rel->ext_idx] : NULL;

	if (!e)
		return rl_err(d, ENOEXEC, "'%s' insn %u: '%s' is undefined and no .kconfig/.ksyms extern in the BTF names it",
			      f->name, rel->insn_idx, rel->sym_name);
	if (!t)
		return rl_err(d, EOPNOTSUPP, "'%s' insn %u: extern '%s' (%s) was not resolved",
			      f->name, rel->insn_idx, rel->sym_name, rl_extern_kind_name(e->kind));
	if (e->kind == RL_EXTERN_KFUNC && insn->code == (BPF_JMP | BPF_CALL)) {
		insn->src_reg = t->resolved ? BPF_PSEUDO_KFUNC_CALL : 0;
		insn->imm = t->resolved ? (int32_t)t->btf_id : RL_POISON_KFUNC_CALL;
		insn->off = t->resolved ? t->fd_idx : 0;
		return 0;
	}
	if (!t->resolved) {                     /* __weak and absent: the value 0 */
		insn[0].src_reg = 0;
		insn[0].imm = insn[1].imm = 0;
	} else if (e->kind == RL_EXTERN_KSYM || e->kind == RL_EXTERN_KFUNC) {
		/* a variable, or a kfunc's address (`if (bpf_ksym_exists(f))`) */
		insn[0].src_reg = BPF_PSEUDO_BTF_ID;
		insn[0].imm = (int32_t)t->btf_id;
		insn[1].imm = t->btf_fd;
	} else {
		insn[0].src_reg = 0;
		insn[0].imm = (int32_t)(uint32_t)t->addr;
		insn[1].imm = (int32_t)(uint32_t)(t->addr >> 32);
	}
	return 0;
}

static int patch_one(const struct rl_object_spec *obj, const struct rl_linked_prog *lp,
		     const struct rl_prog_spec *f, uint32_t base, const struct rl_reloc *rel,
		     const int *map_fds, const struct rl_extern_target *ext, struct rl_diag *d)
{
	struct bpf_insn *insn = &lp->insns[base + rel->insn_idx];
	const struct rl_prog_spec *callee;
	int64_t target;

	switch (rel->kind) {
	case RL_RELOC_MAP:
		insn[0].src_reg = BPF_PSEUDO_MAP_FD;
		insn[0].imm = map_fds[rel->map_idx];
		insn[1].imm = 0;
		return 0;
	case RL_RELOC_MAP_VALUE:
		insn[0].src_reg = BPF_PSEUDO_MAP_VALUE;
		insn[0].imm = map_fds[rel->map_idx];
		insn[1].imm = (int32_t)rel->map_off;
		return 0;
	case RL_RELOC_CALL:
	case RL_RELOC_FUNC_ADDR:
		callee = rl_object_func_at((struct rl_object_spec *)obj, rel->target_sec, rel->target_insn);
		target = placed_at(lp, (uint32_t)(callee - obj->progs)) +
			 (rel->target_insn - callee->sec_insn_off);
		/* the kernel computes the target as pc + imm + 1 (for both) */
		insn->imm = (int32_t)(target - (int64_t)(base + rel->insn_idx) - 1);
		if (rel->kind == RL_RELOC_FUNC_ADDR)
			insn->src_reg = BPF_PSEUDO_FUNC;
		return 0;
	case RL_RELOC_EXTERN:
		return patch_extern(obj, f, rel, insn, ext, d);
	}
	return rl_err(d, EINVAL, "unknown relocation kind");
}

/* .BTF.ext records carry BYTE offsets within their ELF section; BPF_PROG_LOAD
 * wants INSTRUCTION offsets within the final array (bpf_check_btf_info).
 * Each function's records were located at parse time (object_ext.c). */
static int remap_ext(const struct rl_object_spec *obj, const struct rl_linked_prog *lp, int kind,
		     void **out, uint32_t *nr, struct rl_diag *d)
{
	const struct rl_btf_ext_info *info = rl_object_ext_info(obj, kind);
	size_t rec = kind == RL_EXT_LINE ? sizeof(struct bpf_line_info) : sizeof(struct bpf_func_info);
	size_t cap = 0;
	uint8_t *buf = NULL;

	for (uint32_t i = 0; i < lp->nr_funcs; i++) {
		const struct rl_prog_spec *f = &obj->progs[lp->func_order[i]];
		const struct rl_ext_range *range = &f->ext[kind];

		for (uint32_t r = range->first; range->sec >= 0 && r < range->first + range->count; r++) {
			const uint8_t *src = rl_btf_ext_rec(info, &info->secs[range->sec], r);
			uint32_t off;

			memcpy(&off, src, sizeof(off));
			off /= 8;
			if (off < f->sec_insn_off || off >= f->sec_insn_off + f->insn_cnt)
				continue;
			if (*nr == cap) {
				uint8_t *n;

				cap = cap ? cap * 2 : 16;
				n = realloc(buf, cap * rec);
				if (!n) {
					free(buf);
					return rl_err(d, ENOMEM, "out of memory for BTF.ext records");
				}
				buf = n;
			}
			memcpy(buf + *nr * rec, src, rec);
			off = off - f->sec_insn_off + lp->func_pos[i];
			memcpy(buf + *nr * rec, &off, sizeof(off));
			(*nr)++;
		}
	}
	*out = buf;
	return 0;
}

int rl_link_program(const struct rl_object_spec *obj, uint32_t prog_idx, const int *map_fds,
		    const struct rl_link_hooks *hooks, struct rl_linked_prog *out,
		    struct rl_diag *d)
{
	int err;

	memset(out, 0, sizeof(*out));
	err = layout(obj, prog_idx, out, d);
	if (!err) {
		out->insns = calloc(out->insn_cnt, sizeof(struct bpf_insn));
		if (!out->insns)
			err = rl_err(d, ENOMEM, "out of memory for %u instructions", out->insn_cnt);
	}
	for (uint32_t i = 0; !err && i < out->nr_funcs; i++) {
		const struct rl_prog_spec *f = &obj->progs[out->func_order[i]];

		memcpy(&out->insns[out->func_pos[i]], f->insns, f->insn_cnt * sizeof(struct bpf_insn));
		for (uint32_t r = 0; !err && r < f->nr_relocs; r++)
			err = patch_one(obj, out, f, out->func_pos[i], &f->relocs[r], map_fds,
					 hooks ? hooks->externs : NULL, d);
		if (!err && hooks && hooks->fixup_function)
			err = hooks->fixup_function(hooks->ctx, f, &out->insns[out->func_pos[i]], d);
		if (err)
			rl_diag_prefix(d, "function '%s': ", f->name);
	}
	if (!err && obj->has_btf_ext) {
		err = remap_ext(obj, out, RL_EXT_FUNC, (void **)&out->func_info, &out->nr_func_info, d);
		if (!err)
			err = remap_ext(obj, out, RL_EXT_LINE, (void **)&out->line_info,
					&out->nr_line_info, d);
	}
	if (err)
		rl_linked_prog_free(out);
	return err;
}

void rl_linked_prog_free(struct rl_linked_prog *lp)
{
	free(lp->insns);
	free(lp->func_order);
	free(lp->func_pos);
	free(lp->func_info);
	free(lp->line_info);
	memset(lp, 0, sizeof(*lp));
}
