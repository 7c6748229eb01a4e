/* core_match.c - when may a local type stand for a kernel type?
 *
 * CO-RE uses three relations, each looser or stricter for its purpose
 * (libbpf's documented semantics; bpf_core_read.h and llvm_reloc.rst):
 *
 *   fields_compat   a field found by name: can the program's access still
 *                   make sense?  Struct vs union both fine (only the member
 *                   path matters), any int for any int (size changes are
 *                   handled by re-sizing the load), any pointer for any
 *                   pointer, enums and forward declarations by name, arrays
 *                   by element.  Int vs enum is NOT compatible.
 *   types_compat    TYPE_ID_TARGET/TYPE_EXISTS/TYPE_SIZE: the root names
 *                   already matched; below it only the shape counts: same
 *                   kinds all the way down, pointers/arrays/typedefs
 *                   followed, function prototypes argument by argument.
 *                   Ints of any size and sign, but none with a bit offset
 *                   (the deprecated bitfield encoding) on either side.
 *   types_match     TYPE_MATCHES (bpf_core_type_matches): "would my
 *                   definition describe the kernel's?"  Ints by width in
 *                   bits and signedness, arrays by length and element,
 *                   every local member must exist by name with a matching
 *                   type, every local enumerator by name, enum sizes equal;
 *                   behind a pointer only names and kinds.
 *
 * Typedefs and qualifiers (const, volatile, restrict, type tags) are looked
 * through by all three.  Every walk is bounded (RL_BTF_MAX_DEPTH) so damaged
 * BTF cannot make it loop.
 */
#include "core_internal.h"

#include <string.h>

bool rl_core_names_match(const char *a, const char *b)
{
	size_t la = rl_btf_essential_name_len(a), lb = rl_btf_essential_name_len(b);

	return la == lb && strncmp(a, b, la) == 0;
}

static bool type_names_match(const struct rl_btf *lb, const struct btf_type *l,
			     const struct rl_btf *tb, const struct btf_type *t)
{
	return rl_core_names_match(rl_btf_str(lb, l->name_off), rl_btf_str(tb, t->name_off));
}

/* Same kind, except that ENUM (32-bit) and ENUM64 count as one kind. */
static bool kinds_compat(const struct btf_type *l, const struct btf_type *t)
{
	return rl_btf_kind(l) == rl_btf_kind(t) || (rl_core_is_enum(l) && rl_core_is_enum(t));
}

static uint32_t int_encoding(const struct btf_type *t)
{
	return *(const uint32_t *)(t + 1);
}

/* Any two ints are compatible in size and sign, but not an INT with a bit
 * offset: that is the deprecated bitfield-like encoding, not a plain
 * integer (libbpf rejects it in both relations too). */
static bool plain_ints(const struct btf_type *l, const struct btf_type *t)
{
	return !BTF_INT_OFFSET(int_encoding(l)) && !BTF_INT_OFFSET(int_encoding(t));
}

bool rl_core_fields_compat(const struct rl_btf *lb, uint32_t l, const struct rl_btf *tb, uint32_t t)
{
	for (int depth = 0; depth < RL_BTF_MAX_DEPTH; depth++) {
		const struct btf_type *lt = rl_core_skip(lb, l, &l);
		const struct btf_type *tt = rl_core_skip(tb, t, &t);

		if (!lt || !tt)
			return !lt && !tt;
		if (rl_core_is_composite(lt) && rl_core_is_composite(tt))
			return true;
		if (!kinds_compat(lt, tt))
			return false;
		switch (rl_btf_kind(lt)) {
		case BTF_KIND_PTR:
		case BTF_KIND_FLOAT:
			return true;
		case BTF_KIND_FWD:
		case BTF_KIND_ENUM:
		case BTF_KIND_ENUM64:
			return type_names_match(lb, lt, tb, tt);
		case BTF_KIND_INT:
			return plain_ints(lt, tt);
		case BTF_KIND_ARRAY:
			l = ((const struct btf_array *)(lt + 1))->type;
			t = ((const struct btf_array *)(tt + 1))->type;
			continue;
		default:
			return false;
		}
	}
	return false;
}

/* ---- types_compat ---------------------------------------------------------- */

static bool compat(const struct rl_btf *lb, uint32_t l, const struct rl_btf *tb, uint32_t t, int depth);

/* Both walks below recurse through pointers, arrays, members and parameters.
 * BTF is a graph: a depth bound alone still lets a crafted object make the
 * walk exponential (members that all point at the same type, 32 levels deep;
 * found by the fuzzer).  So each top-level comparison also gets a budget of
 * types it may visit; kernel types need a few hundred at most.  One walk runs
 * at a time (the resolver is single-threaded), so a file-level counter is it. */
#define WALK_BUDGET 100000
static uint32_t walk_budget;

static bool walk_step(void)
{
	if (walk_budget == 0)
		return false;
	walk_budget--;
	return true;
}

static bool protos_compat(const struct rl_btf *lb, const struct btf_type *lt,
			  const struct rl_btf *tb, const struct btf_type *tt, int depth)
{
	const struct btf_param *lp = (const void *)(lt + 1), *tp = (const void *)(tt + 1);

	if (rl_btf_vlen(lt) != rl_btf_vlen(tt) || !compat(lb, lt->type, tb, tt->type, depth + 1))
		return false;
	for (uint32_t i = 0; i < rl_btf_vlen(lt); i++)
		if (!compat(lb, lp[i].type, tb, tp[i].type, depth + 1))
			return false;
	return true;
}

static bool compat(const struct rl_btf *lb, uint32_t l, const struct rl_btf *tb, uint32_t t, int depth)
{
	const struct btf_type *lt, *tt;

	if (depth > RL_BTF_MAX_DEPTH || !walk_step())
		return false;
	lt = rl_core_skip(lb, l, NULL);
	tt = rl_core_skip(tb, t, NULL);
	if (!lt || !tt)
		return !lt && !tt;
	if (!kinds_compat(lt, tt))
		return false;
	switch (rl_btf_kind(lt)) {
	case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_FWD:
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64: case BTF_KIND_FLOAT:
		return true;
	case BTF_KIND_INT:
		return plain_ints(lt, tt);
	case BTF_KIND_PTR:
		return compat(lb, lt->type, tb, tt->type, depth + 1);
	case BTF_KIND_ARRAY:
		return compat(lb, ((const struct btf_array *)(lt + 1))->type,
			      tb, ((const struct btf_array *)(tt + 1))->type, depth + 1);
	case BTF_KIND_FUNC_PROTO:
		return protos_compat(lb, lt, tb, tt, depth);
	default:
		return false;
	}
}

bool rl_core_types_compat(const struct rl_btf *lb, uint32_t l, const struct rl_btf *tb, uint32_t t)
{
	walk_budget = WALK_BUDGET;
	return compat(lb, l, tb, t, 0);
}

/* ---- types_match ----------------------------------------------------------- */

static bool match(const struct rl_btf *lb, uint32_t l, const struct rl_btf *tb, uint32_t t,
		  bool behind_ptr, int depth);

/* Is this (struct, union or forward declaration) a union?  A FWD says so
 * with its kind_flag. */
static bool is_unionish(const struct btf_type *t)
{
	return rl_btf_kind(t) == BTF_KIND_UNION ||
	       (rl_btf_kind(t) == BTF_KIND_FWD && rl_btf_kflag(t));
}

static bool is_recordish(const struct btf_type *t)
{
	return rl_core_is_composite(t) || rl_btf_kind(t) == BTF_KIND_FWD;
}

static bool enums_match(const struct rl_btf *lb, const struct btf_type *lt,
			const struct rl_btf *tb, const struct btf_type *tt)
{
	uint64_t v;

	if (lt->size != tt->size)
		return false;
	for (uint32_t i = 0; i < rl_btf_vlen(lt); i++) {
		const char *name = rl_core_enumerator(lb, lt, i, &v);
		bool found = false;

		for (uint32_t j = 0; j < rl_btf_vlen(tt) && !found; j++)
			found = rl_core_names_match(name, rl_core_enumerator(tb, tt, j, &v));
		if (!found)
			return false;
	}
	return true;
}

/* Every local member needs a target member of the same name whose type
 * matches; an anonymous local member needs some anonymous target member. */
static bool members_match(const struct rl_btf *lb, const struct btf_type *lt,
			  const struct rl_btf *tb, const struct btf_type *tt, int depth)
{
	for (uint32_t i = 0; i < rl_btf_vlen(lt); i++) {
		struct rl_core_member lm, tm;
		bool found = false;

		rl_core_member_at(lb, lt, i, &lm);
		for (uint32_t j = 0; j < rl_btf_vlen(tt) && !found; j++) {
			rl_core_member_at(tb, tt, j, &tm);
			if (lm.name[0] ? !strcmp(lm.name, tm.name) : !tm.name[0])
				found = match(lb, lm.type_id, tb, tm.type_id, false, depth + 1);
		}
		if (!found)
			return false;
	}
	return true;
}

static bool protos_match(const struct rl_btf *lb, const struct btf_type *lt,
			 const struct rl_btf *tb, const struct btf_type *tt, int depth)
{
	const struct btf_param *lp = (const void *)(lt + 1), *tp = (const void *)(tt + 1);

	if (rl_btf_vlen(lt) != rl_btf_vlen(tt) || !match(lb, lt->type, tb, tt->type, false, depth + 1))
		return false;
	for (uint32_t i = 0; i < rl_btf_vlen(lt); i++)
		if (!match(lb, lp[i].type, tb, tp[i].type, false, depth + 1))
			return false;
	return true;
}

static bool match(const struct rl_btf *lb, uint32_t l, const struct rl_btf *tb, uint32_t t,
		  bool behind_ptr, int depth)
{
	const struct btf_type *lt, *tt;

	if (depth > RL_BTF_MAX_DEPTH || !walk_step())
		return false;
	lt = rl_core_skip(lb, l, NULL);
	tt = rl_core_skip(tb, t, NULL);
	if (!lt || !tt)
		return !lt && !tt;
	/* named records and enums must agree on their name at every level */
	if ((is_recordish(lt) || rl_core_is_enum(lt)) && lt->name_off &&
	    !type_names_match(lb, lt, tb, tt))
		return false;
	/* behind a pointer a struct may be only declared on one side */
	if (behind_ptr && is_recordish(lt) && is_recordish(tt))
		return is_unionish(lt) == is_unionish(tt);
	if (rl_core_is_enum(lt) && rl_core_is_enum(tt))
		return enums_match(lb, lt, tb, tt);
	if (rl_btf_kind(lt) != rl_btf_kind(tt))
		return false;
	switch (rl_btf_kind(lt)) {
	case BTF_KIND_INT:      /* by width in bits and sign, as libbpf */
		return BTF_INT_BITS(int_encoding(lt)) == BTF_INT_BITS(int_encoding(tt)) &&
		       (BTF_INT_ENCODING(int_encoding(lt)) & BTF_INT_SIGNED) ==
		       (BTF_INT_ENCODING(int_encoding(tt)) & BTF_INT_SIGNED);
	case BTF_KIND_FLOAT:
		return lt->size == tt->size;
	case BTF_KIND_FWD:
		return rl_btf_kflag(lt) == rl_btf_kflag(tt);
	case BTF_KIND_PTR:
		return match(lb, lt->type, tb, tt->type, true, depth + 1);
	case BTF_KIND_ARRAY: {  /* same length, matching elements */
		const struct btf_array *la = (const void *)(lt + 1), *ta = (const void *)(tt + 1);

		return la->nelems == ta->nelems &&
		       match(lb, la->type, tb, ta->type, behind_ptr, depth + 1);
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return members_match(lb, lt, tb, tt, depth);
	case BTF_KIND_FUNC_PROTO:
		return protos_match(lb, lt, tb, tt, depth);
	default:
		return false;
	}
}

bool rl_core_types_match(const struct rl_btf *lb, uint32_t l, const struct rl_btf *tb, uint32_t t)
{
	walk_budget = WALK_BUDGET;
	return match(lb, l, tb, t, false, 0);
}
