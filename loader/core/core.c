/* core.c - resolving one CO-RE relocation: candidates, matching, values.
 *
 *   local spec (core_spec.c)        candidates (by essential name)
 *   sk_buff___mine.len  ---------->  [873] struct sk_buff   (vmlinux)
 *   bit 32, 4 bytes                     match by names: .len at bit 896
 *                                       fields_compat(u32, unsigned int)
 *                                                |
 *   orig value 4   <-- the instruction holds --  | new value 112
 *
 * Values follow libbpf's documented definitions (bpf_core_read.h):
 *   FIELD_BYTE_OFFSET  offset of the field (of the naturally aligned 1/2/4/8
 *                      byte window holding a bitfield)
 *   FIELD_BYTE_SIZE    its size (of that window for a bitfield)
 *   FIELD_EXISTS       1 / 0
 *   FIELD_SIGNED       1 for a signed int or signed enum
 *   FIELD_LSHIFT_U64   shifts that extract the field from the window loaded
 *   FIELD_RSHIFT_U64     into a u64: (v << lshift) >> rshift (little endian)
 *   TYPE_ID_LOCAL/TARGET  the type's id in the object's / the kernel's BTF
 *   TYPE_EXISTS/SIZE/MATCHES  1, its size, 1  (all 0 when there is no match)
 *   ENUMVAL_EXISTS/VALUE  1 / the enumerator's value in the kernel
 */
#include "core_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- candidates -------------------------------------------------------------- */

static int add_cand(struct rl_core_cands *out, struct rl_btf *btf, const char *btf_name, uint32_t id)
{
	if (out->n == out->cap) {
		uint32_t cap = out->cap ? out->cap * 2 : 4;
		struct rl_core_cand *c = realloc(out->c, cap * sizeof(*c));

		if (!c)
			return -ENOMEM;
		out->c = c;
		out->cap = cap;
	}
	out->c[out->n++] = (struct rl_core_cand){ btf, btf_name, id };
	return 0;
}

/* Types in `btf` named like `name` (up to flavours) whose kind fits `lt`. */
static int cands_in(struct rl_btf *btf, const char *btf_name, const char *name,
		    const struct btf_type *lt, struct rl_core_cands *out)
{
	uint32_t small[16], *ids = small, n;
	int err = 0;

	n = rl_btf_find_all_by_essential_name(btf, name, ids, 16);
	if (n > 16) {
		ids = malloc(n * sizeof(*ids));
		if (!ids)
			return -ENOMEM;
		rl_btf_find_all_by_essential_name(btf, name, ids, n);
	}
	for (uint32_t i = 0; i < n && !err; i++) {
		const struct btf_type *t = rl_btf_type(btf, ids[i]);

		if (rl_btf_kind(t) == rl_btf_kind(lt) || (rl_core_is_enum(t) && rl_core_is_enum(lt)))
			err = add_cand(out, btf, btf_name, ids[i]);
	}
	if (ids != small)
		free(ids);
	return err;
}

int rl_core_find_cands(const struct rl_btf *local, uint32_t local_id,
		       const struct rl_core_target *tgt, struct rl_core_cands *out,
		       struct rl_diag *d)
{
	const struct btf_type *lt = rl_btf_type(local, local_id);
	const char *name = lt ? rl_btf_str(local, lt->name_off) : "";
	char ess[256];
	int err = 0;

	if (!name[0])
		return rl_err(d, EINVAL, "local type [%u] is anonymous: CO-RE finds kernel types by name",
			      local_id);
	if (tgt->vmlinux)
		err = cands_in(tgt->vmlinux, "vmlinux", name, lt, out);
	if (err || out->n || !tgt->module)
		return err ? rl_err(d, ENOMEM, "out of memory for CO-RE candidates") : 0;
	/* only when vmlinux has none: modules (as libbpf does) */
	snprintf(ess, sizeof(ess), "%.*s", (int)rl_btf_essential_name_len(name), name);
	for (uint32_t i = 0;; i++) {
		struct rl_btf *mod = NULL;
		const char *mod_name = "";

		err = tgt->module(tgt->ctx, i, ess, &mod, &mod_name);
		if (err == -ENOENT)
			return 0;
		if (err)
			return rl_err(d, err, "kernel module BTF #%u: error %d", i, err);
		if (mod && cands_in(mod, mod_name, name, lt, out))
			return rl_err(d, ENOMEM, "out of memory for CO-RE candidates");
	}
}

/* ---- matching a field path in a candidate -------------------------------------- */

/* Find member `name` in composite `id`, looking through anonymous struct and
 * union members depth-first in member order; push the steps taken (anonymous
 * ones included) onto `ts`.  1 found, 0 not found.
 *
 * `budget` bounds the members visited in one search: BTF is a graph, and
 * anonymous members that point at the same type again and again would make
 * a depth-bounded walk exponential (found by the fuzzer).  Real kernel types
 * nest a handful of anonymous members; a search that needs more is refused. */
#define FIND_MEMBER_BUDGET 65536

static int find_member(struct rl_core_spec *ts, uint32_t id, const char *name,
		       struct rl_core_member *found, int depth, uint32_t *budget)
{
	const struct btf_type *t = rl_core_skip(ts->btf, id, &id);

	if (!rl_core_is_composite(t) || depth > RL_BTF_MAX_DEPTH || ts->raw_len >= RL_CORE_SPEC_MAX)
		return 0;
	for (uint32_t i = 0; i < rl_btf_vlen(t); i++) {
		struct rl_core_member m;
		uint32_t mark = ts->raw_len;

		if (*budget == 0)
			return 0;
		(*budget)--;
		rl_core_member_at(ts->btf, t, i, &m);
		ts->raw[ts->raw_len++] = (struct rl_core_step){ id, i, m.name };
		if (!strcmp(m.name, name)) {
			*found = m;
			return 1;
		}
		if (!m.name[0] && find_member(ts, m.type_id, name, found, depth + 1, budget)) {
			found->bit_off += m.bit_off;
			return 1;
		}
		ts->raw_len = mark;
	}
	return 0;
}

/* Walk the local spec's named steps through target type `cand`; fill the
 * target spec.  1 = matches, 0 = does not (why says why). */
static int match_field(const struct rl_core_spec *ls, const struct rl_core_cand *cand,
		       struct rl_core_spec *ts, char *why, size_t whylen)
{
	uint32_t cur;

	rl_core_skip(cand->btf, cand->id, &cur);
	ts->raw[ts->raw_len++] = (struct rl_core_step){ cur, ls->named[0].idx, NULL };
	if (ls->named[0].idx) {
		int64_t size = rl_btf_resolve_size(cand->btf, cur);

		if (size <= 0 || ls->named[0].idx > UINT32_MAX / (uint64_t)size)
			return snprintf(why, whylen, "kernel type [%u] has no usable size", cur), 0;
		ts->bit_off = (uint64_t)ls->named[0].idx * (uint64_t)size * 8;
	}
	for (uint32_t i = 1; i < ls->len; i++) {
		const struct rl_core_step *st = &ls->named[i];
		const struct btf_type *t = rl_core_skip(cand->btf, cur, &cur);
		struct rl_core_member m;

		if (ts->raw_len >= RL_CORE_SPEC_MAX)
			return 0;
		if (st->name) {
			struct rl_core_member lm;

			rl_core_member_at(ls->btf, rl_btf_type(ls->btf, st->type_id), st->idx, &lm);
			uint32_t budget = FIND_MEMBER_BUDGET;

			if (!find_member(ts, cur, st->name, &m, 0, &budget))
				return snprintf(why, whylen, "%s %s has no member '%s'",
						t ? rl_core_kind_word(rl_btf_kind(t)) : "void",
						rl_btf_type_name(cand->btf, cur), st->name), 0;
			if (!rl_core_fields_compat(ls->btf, lm.type_id, cand->btf, m.type_id))
				return snprintf(why, whylen, "member '%s' of %s is a %s in the kernel, "
						"incompatible with the program's", st->name,
						rl_btf_type_name(cand->btf, cur),
						rl_core_type_word(cand->btf, m.type_id)), 0;
			ts->bit_off += m.bit_off;
			ts->bitfield_bits = m.bits;
			cur = m.type_id;
			continue;
		}
		if (!t || rl_btf_kind(t) != BTF_KIND_ARRAY)
			return snprintf(why, whylen, "[%u] %s is not an array in the kernel", cur,
					rl_btf_type_name(cand->btf, cur)), 0;
		const struct btf_array *a = (const void *)(t + 1);
		int64_t esz = rl_btf_resolve_size(cand->btf, a->type);

		if (a->nelems && st->idx >= a->nelems)
			return snprintf(why, whylen, "index %u is past the kernel's %u elements", st->idx,
					a->nelems), 0;
		if (esz < 0 || (esz && st->idx > UINT32_MAX / (uint64_t)esz))
			return snprintf(why, whylen, "kernel array element [%u] has no usable size", a->type), 0;
		ts->raw[ts->raw_len++] = (struct rl_core_step){ cur, st->idx, NULL };
		ts->bit_off += (uint64_t)st->idx * (uint64_t)esz * 8;
		ts->bitfield_bits = 0;
		cur = a->type;
	}
	ts->field_type_id = cur;
	return 1;
}

static int match_enum(const struct rl_core_spec *ls, const struct rl_core_cand *cand,
		      struct rl_core_spec *ts, char *why, size_t whylen)
{
	uint32_t id;
	const struct btf_type *t = rl_core_skip(cand->btf, cand->id, &id);
	uint64_t v;

	for (uint32_t i = 0; rl_core_is_enum(t) && i < rl_btf_vlen(t); i++) {
		const char *name = rl_core_enumerator(cand->btf, t, i, &v);

		if (rl_core_names_match(name, ls->named[0].name)) {
			ts->raw[ts->raw_len++] = (struct rl_core_step){ id, i, name };
			return 1;
		}
	}
	snprintf(why, whylen, "enum %s has no enumerator %s", rl_btf_type_name(cand->btf, id),
		 ls->named[0].name);
	return 0;
}

static int match_cand(const struct rl_core_spec *ls, const struct rl_core_cand *cand,
		      struct rl_core_spec *ts, char *why, size_t whylen)
{
	memset(ts, 0, sizeof(*ts));
	ts->btf = cand->btf;
	ts->kind = ls->kind;
	ts->root_id = cand->id;
	if (rl_core_kind_is_field(ls->kind))
		return match_field(ls, cand, ts, why, whylen);
	if (rl_core_kind_is_enum(ls->kind))
		return match_enum(ls, cand, ts, why, whylen);
	ts->raw[ts->raw_len++] = (struct rl_core_step){ cand->id, 0, NULL };
	if (ls->kind == RL_CORE_TYPE_MATCHES ?
	    rl_core_types_match(ls->btf, ls->root_id, cand->btf, cand->id) :
	    rl_core_types_compat(ls->btf, ls->root_id, cand->btf, cand->id))
		return 1;
	snprintf(why, whylen, "kernel [%u] %s has a different shape", cand->id,
		 rl_btf_type_name(cand->btf, cand->id));
	return 0;
}

/* ---- values ------------------------------------------------------------------ */

struct value {
	uint64_t val;
	uint32_t sz;          /* field size for re-sizing memory accesses, 0: n/a */
	uint32_t type_id;     /* field type (skip_mods) when sz != 0 */
	bool validate;
};

/* The 1/2/4/8-byte window a bitfield is read through: start from the
 * field's own int size, aligned down, and widen until the bits fit. */
static int bitfield_window(const struct rl_core_spec *s, uint32_t base_sz, uint32_t *byte_off,
			   uint32_t *byte_sz, struct rl_diag *d)
{
	uint64_t bit_off = s->bit_off, bits = s->bitfield_bits;
	uint64_t sz = base_sz ? base_sz : 1, off = bit_off / 8 / sz * sz;

	while (bit_off + bits - off * 8 > sz * 8) {
		if (sz >= 8)
			return rl_err(d, E2BIG, "bitfield at bit %llu (%llu bits) does not fit in 8 bytes",
				      (unsigned long long)bit_off, (unsigned long long)bits);
		sz *= 2;
		off = bit_off / 8 / sz * sz;
	}
	if (off > UINT32_MAX)
		return rl_err(d, E2BIG, "field offset too large");
	*byte_off = (uint32_t)off;
	*byte_sz = (uint32_t)sz;
	return 0;
}

/* The type one load of a field reads.  An array is read an element at a
 * time (clang loads arr[0] through the access path of `arr` itself), so its
 * innermost element: then a kernel whose array only got longer or shorter
 * re-sizes (and poisons) nothing. */
static uint32_t load_type(const struct rl_btf *btf, uint32_t id)
{
	const struct btf_type *t = rl_core_skip(btf, id, &id);

	for (int depth = 0; t && rl_btf_kind(t) == BTF_KIND_ARRAY && depth < RL_BTF_MAX_DEPTH; depth++)
		t = rl_core_skip(btf, ((const struct btf_array *)(t + 1))->type, &id);
	return id;
}

static int field_value(const struct rl_core_spec *s, struct value *v, struct rl_diag *d)
{
	uint32_t mt_id, byte_off = 0, byte_sz = 0;
	const struct btf_type *mt = rl_core_skip(s->btf, s->field_type_id, &mt_id);
	bool bitfield = s->bitfield_bits != 0;
	uint64_t bit_sz;
	int64_t size;

	if (!bitfield) {
		size = rl_btf_resolve_size(s->btf, s->field_type_id);
		if (size < 0)
			return rl_err(d, EINVAL, "field type [%u] has no size", s->field_type_id);
		if (s->bit_off % 8 || s->bit_off / 8 > UINT32_MAX)
			return rl_err(d, EINVAL, "field at bit %llu is not byte aligned",
				      (unsigned long long)s->bit_off);
		byte_off = (uint32_t)(s->bit_off / 8);
		byte_sz = (uint32_t)size;
		bit_sz = (uint64_t)byte_sz * 8;
	} else {
		if (bitfield_window(s, mt ? mt->size : 0, &byte_off, &byte_sz, d))
			return -E2BIG;
		bit_sz = s->bitfield_bits;
	}
	/* the compiler computes bitfield windows its own way, so the window's
	 * offset, size and left shift need not be what we compute; the sign and
	 * the right shift (64 - width) are never ambiguous (as libbpf) */
	v->validate = !bitfield;
	switch (s->kind) {
	case RL_CORE_FIELD_BYTE_OFFSET:
		v->val = byte_off;
		if (!bitfield) {
			v->type_id = load_type(s->btf, mt_id);
			size = rl_btf_resolve_size(s->btf, v->type_id);
			v->sz = size < 0 ? byte_sz : (uint32_t)size;
		}
		return 0;
	case RL_CORE_FIELD_BYTE_SIZE:
		v->val = byte_sz;
		return 0;
	case RL_CORE_FIELD_EXISTS:
		v->val = 1;
		v->validate = true;
		return 0;
	case RL_CORE_FIELD_SIGNED:
		v->validate = true;
		v->val = rl_core_is_enum(mt) ? rl_btf_kflag(mt) :
			 mt && rl_btf_kind(mt) == BTF_KIND_INT &&
			 (BTF_INT_ENCODING(*(const uint32_t *)(mt + 1)) & BTF_INT_SIGNED);
		return 0;
	default:        /* the shifts: only meaningful for fields of <= 8 bytes */
		if (byte_sz > 8)
			return rl_err(d, EINVAL, "bit shifts for a %u-byte field (at most 8)", byte_sz);
		v->val = s->kind == RL_CORE_FIELD_LSHIFT_U64 ?
			 64 - (s->bit_off + bit_sz - (uint64_t)byte_off * 8) : 64 - bit_sz;
		v->validate = v->validate || s->kind == RL_CORE_FIELD_RSHIFT_U64;
		return 0;
	}
}

static int spec_value(const struct rl_core_spec *s, struct value *v, struct rl_diag *d)
{
	const struct btf_type *t;
	int64_t size;

	memset(v, 0, sizeof(*v));
	v->validate = true;
	if (rl_core_kind_is_field(s->kind))
		return field_value(s, v, d);
	if (rl_core_kind_is_enum(s->kind)) {
		t = rl_btf_type(s->btf, s->raw[0].type_id);
		if (s->kind == RL_CORE_ENUMVAL_EXISTS)
			v->val = 1;
		else
			rl_core_enumerator(s->btf, t, s->raw[0].idx, &v->val);
		return 0;
	}
	switch (s->kind) {
	case RL_CORE_TYPE_ID_LOCAL:
	case RL_CORE_TYPE_ID_TARGET:
		v->val = s->root_id;
		return 0;
	case RL_CORE_TYPE_SIZE:
		size = rl_btf_resolve_size(s->btf, s->root_id);
		if (size < 0)
			return rl_err(d, EINVAL, "type [%u] %s has no size", s->root_id,
				      rl_btf_type_name(s->btf, s->root_id));
		v->val = (uint64_t)size;
		return 0;
	default:        /* TYPE_EXISTS, TYPE_MATCHES */
		v->val = 1;
		return 0;
	}
}

/* ---- resolving ------------------------------------------------------------------ */

/* A load or store may follow a field to a new size only when the value
 * stays the same: pointers (a 32-bit kernel's pointer zero-extends), and
 * unsigned ints (zero extension preserves them).  A signed int read with a
 * different width would lose its sign, a struct cannot be loaded at all. */
static bool resize_ok(const struct rl_btf *lb, const struct value *o, const struct rl_btf *tb,
		      const struct value *n)
{
	const struct btf_type *lt = rl_btf_type(lb, o->type_id), *tt = rl_btf_type(tb, n->type_id);

	if (!lt || !tt)
		return false;
	if (rl_btf_kind(lt) == BTF_KIND_PTR && rl_btf_kind(tt) == BTF_KIND_PTR)
		return true;
	return rl_btf_kind(lt) == BTF_KIND_INT && rl_btf_kind(tt) == BTF_KIND_INT &&
	       !(BTF_INT_ENCODING(*(const uint32_t *)(lt + 1)) & BTF_INT_SIGNED) &&
	       !(BTF_INT_ENCODING(*(const uint32_t *)(tt + 1)) & BTF_INT_SIGNED);
}

/* No candidate matched: what the kind gives then, and why (kept for the
 * explanation even when the value is a legitimate 0). */
static void no_match(const struct rl_core_spec *ls, struct rl_core_res *res, const char *first_why)
{
	const struct btf_type *lt = rl_btf_type(ls->btf, ls->root_id);
	const char *name = rl_btf_str(ls->btf, lt->name_off);

	res->new_val = 0;
	if (!res->nr_cands)
		snprintf(res->why, sizeof(res->why), "the kernel has no %s named '%.*s'",
			 rl_core_kind_word(rl_btf_kind(lt)), (int)rl_btf_essential_name_len(name), name);
	else
		snprintf(res->why, sizeof(res->why), "%s%s", first_why,
			 res->nr_cands > 1 ? " (nor do the other candidates match)" : "");
	res->poison = !rl_core_kind_is_type(ls->kind) && ls->kind != RL_CORE_FIELD_EXISTS &&
		      ls->kind != RL_CORE_ENUMVAL_EXISTS;
}

/* What the first matching candidate said; every later one must agree. */
struct first_match {
	bool have;
	uint64_t bit_off;      /* where it put the field (0 for type and enum kinds) */
};

/* "... both match but put the field at bit 32 and 0" */
static int ambiguous(const struct rl_core_cand *a, const struct rl_core_cand *b, const char *what,
		     uint64_t va, uint64_t vb, const char *unit, struct rl_diag *d)
{
	return rl_err(d, EINVAL, "ambiguous: kernel types [%u] %s (%s) and [%u] %s (%s) both match but %s "
		      "%llu and %llu%s", a->id, rl_btf_type_name(a->btf, a->id), a->btf_name, b->id,
		      rl_btf_type_name(b->btf, b->id), b->btf_name, what, (unsigned long long)va,
		      (unsigned long long)vb, unit);
}

/* Record the first matching candidate; later ones must agree with it: on
 * where the field is, even for FIELD_EXISTS, whose value (1) cannot differ
 * (libbpf's bpf_core_calc_relo_insn: "field offset ambiguity"), and on the
 * value. */
static int take_match(const struct rl_core_spec *ls, const struct rl_core_spec *ts,
		      const struct rl_core_cand *cand, const struct value *orig,
		      struct first_match *first, struct rl_core_res *res, struct rl_diag *d)
{
	struct value nv;
	bool fail_memsz;
	int err = spec_value(ts, &nv, d);

	if (err)
		return err;
	if (ls->kind == RL_CORE_TYPE_ID_TARGET)
		nv.val = cand->id;
	fail_memsz = orig->sz != nv.sz && ls->kind == RL_CORE_FIELD_BYTE_OFFSET &&
		     !resize_ok(ls->btf, orig, ts->btf, &nv);
	if (first->have) {
		if (ts->bit_off != first->bit_off)
			return ambiguous(&res->match, cand, "put the field at bit", first->bit_off,
					 ts->bit_off, "", d);
		if (nv.val != res->new_val)
			return ambiguous(&res->match, cand, "give", res->new_val, nv.val, "", d);
		/* one load re-sizable, the other poisoned: no single patch */
		if (fail_memsz != res->fail_memsz)
			return ambiguous(&res->match, cand, "read the field with", res->new_sz, nv.sz,
					 " bytes", d);
		return 0;
	}
	first->have = true;
	first->bit_off = ts->bit_off;
	res->match = *cand;
	res->new_val = nv.val;
	res->new_sz = nv.sz;
	res->fail_memsz = fail_memsz;
	rl_core_spec_str(ts, res->target_str, sizeof(res->target_str));
	if (fail_memsz)
		snprintf(res->why, sizeof(res->why), "%s is %u bytes in the kernel, %u in the program, "
			 "and a %s field cannot be read at another size", res->target_str, nv.sz,
			 orig->sz, rl_core_type_word(ls->btf, orig->type_id));
	return 0;
}

int rl_core_resolve(const struct rl_btf *local, const struct bpf_core_relo *relo,
		    struct rl_core_cands *cands, struct rl_core_res *res,
		    struct rl_diag *d)
{
	struct rl_core_spec ls, ts;
	struct value orig;
	struct first_match first = { false, 0 };
	char why[192] = "";
	uint32_t matched = 0;
	int err;

	memset(res, 0, sizeof(*res));
	err = rl_core_spec_parse(local, relo->type_id, rl_btf_str(local, relo->access_str_off),
				 relo->kind, &ls, d);
	if (!err)
		err = spec_value(&ls, &orig, d);
	if (err)
		return err;
	rl_core_spec_str(&ls, res->local_str, sizeof(res->local_str));
	res->orig_val = orig.val;
	res->orig_sz = orig.sz;
	res->validate = orig.validate;
	if ((uint32_t)relo->kind == RL_CORE_TYPE_ID_LOCAL) {
		res->new_val = orig.val;    /* the object's own BTF is what the kernel gets */
		return 0;
	}
	res->nr_cands = cands ? cands->n : 0;
	for (uint32_t i = 0; i < res->nr_cands; i++) {
		struct rl_core_cand c;
		char cwhy[192];

		if (!match_cand(&ls, &cands->c[i], &ts, cwhy, sizeof(cwhy))) {
			if (!why[0])
				snprintf(why, sizeof(why), "%s", cwhy);
			continue;
		}
		err = take_match(&ls, &ts, &cands->c[i], &orig, &first, res, d);
		if (err)
			return err;
		/* matching candidates to the front (swapped, so an error above
		 * loses none) */
		c = cands->c[i];
		cands->c[i] = cands->c[matched];
		cands->c[matched++] = c;
	}
	if (matched)
		cands->n = matched;
	else
		no_match(&ls, res, why);
	return 0;
}

int rl_core_relo_str(const struct rl_btf *local, const struct bpf_core_relo *relo,
		     uint32_t nr, char *buf, size_t len)
{
	struct rl_core_spec s;
	char path[128];
	const char *access = rl_btf_str(local, relo->access_str_off);

	if (rl_core_spec_parse(local, relo->type_id, access, relo->kind, &s, NULL))
		snprintf(path, sizeof(path), "type [%u]", relo->type_id);
	else
		rl_core_spec_str(&s, path, sizeof(path));
	return snprintf(buf, len, "CO-RE relocation #%u (%s %s, access '%s')", nr,
			rl_core_relo_kind_name(relo->kind), path, access);
}
