/* core_spec.c - CO-RE access strings: "0:1:2" read against a BTF.
 *
 * The compiler records *how* the program reached a field, not where the field
 * was: for `p->b.c[3]` on
 *
 *     struct s { int a; struct { int x; int c[8]; } b; }    (local BTF)
 *
 * it writes "0:1:1:3":  p[0] -> member 1 (b) -> member 1 (c) -> element 3.
 * Reading that path again on the local BTF gives the local bit offset and
 * the names ("b", "c") a kernel type is later searched by; core.c walks the
 * same names through each candidate kernel type.  Enum relocations use "N"
 * (enumerator N); type relocations use "0".
 */
#include "core_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* ---- small BTF helpers shared by the core files ---------------------------- */

const struct btf_type *rl_core_skip(const struct rl_btf *btf, uint32_t id, uint32_t *out_id)
{
	id = rl_btf_skip_mods(btf, id);
	if (out_id)
		*out_id = id;
	return rl_btf_type(btf, id);
}

const char *rl_core_kind_word(uint32_t kind)
{
	static const char *const words[] = {
		[BTF_KIND_INT] = "int", [BTF_KIND_PTR] = "pointer", [BTF_KIND_ARRAY] = "array",
		[BTF_KIND_STRUCT] = "struct", [BTF_KIND_UNION] = "union", [BTF_KIND_ENUM] = "enum",
		[BTF_KIND_FWD] = "forward declaration", [BTF_KIND_TYPEDEF] = "typedef",
		[BTF_KIND_VOLATILE] = "volatile", [BTF_KIND_CONST] = "const",
		[BTF_KIND_RESTRICT] = "restrict", [BTF_KIND_FUNC] = "function",
		[BTF_KIND_FUNC_PROTO] = "function prototype", [BTF_KIND_VAR] = "variable",
		[BTF_KIND_DATASEC] = "section", [BTF_KIND_FLOAT] = "float",
		[BTF_KIND_DECL_TAG] = "decl tag", [BTF_KIND_TYPE_TAG] = "type tag",
		[BTF_KIND_ENUM64] = "enum",
	};

	return kind < sizeof(words) / sizeof(words[0]) && words[kind] ? words[kind] : "void";
}

const char *rl_core_type_word(const struct rl_btf *btf, uint32_t id)
{
	const struct btf_type *t = rl_core_skip(btf, id, NULL);

	return t ? rl_core_kind_word(rl_btf_kind(t)) : "void";
}

void rl_core_member_at(const struct rl_btf *btf, const struct btf_type *t, uint32_t i,
		       struct rl_core_member *m)
{
	const struct btf_member *bm = (const struct btf_member *)(t + 1) + i;
	const struct btf_type *mt;

	m->type_id = bm->type;
	m->name = rl_btf_str(btf, bm->name_off);
	if (rl_btf_kflag(t)) {
		m->bit_off = BTF_MEMBER_BIT_OFFSET(bm->offset);
		m->bits = BTF_MEMBER_BITFIELD_SIZE(bm->offset);
		return;
	}
	m->bit_off = bm->offset;
	m->bits = 0;
	mt = rl_core_skip(btf, bm->type, NULL);
	if (mt && rl_btf_kind(mt) == BTF_KIND_INT) {
		uint32_t enc = *(const uint32_t *)(mt + 1);

		/* old encoding: a bitfield is an INT narrower than its size */
		if (BTF_INT_OFFSET(enc) || BTF_INT_BITS(enc) != mt->size * 8) {
			m->bit_off += BTF_INT_OFFSET(enc);
			m->bits = BTF_INT_BITS(enc);
		}
	}
}

const char *rl_core_enumerator(const struct rl_btf *btf, const struct btf_type *t, uint32_t i,
			       uint64_t *value)
{
	if (rl_btf_kind(t) == BTF_KIND_ENUM64) {
		const struct btf_enum64 *e = (const struct btf_enum64 *)(t + 1) + i;

		*value = (uint64_t)e->val_hi32 << 32 | e->val_lo32;
		return rl_btf_str(btf, e->name_off);
	}
	const struct btf_enum *e = (const struct btf_enum *)(t + 1) + i;

	/* kind_flag on an ENUM means "signed" (btf.rst, since 6.0) */
	*value = rl_btf_kflag(t) ? (uint64_t)(int64_t)e->val : (uint64_t)(uint32_t)e->val;
	return rl_btf_str(btf, e->name_off);
}

/* ---- parsing ------------------------------------------------------------- */

/* "0:1:2" -> {0, 1, 2}; digits and single colons only. */
static int split_access(const char *s, uint32_t *idx, uint32_t *n, struct rl_diag *d)
{
	const char *p = s;

	*n = 0;
	do {
		uint64_t v = 0;

		if (!isdigit((unsigned char)*p))
			return rl_err(d, EINVAL, "access string '%s': expected a number at '%s'", s, p);
		for (; isdigit((unsigned char)*p); p++) {
			v = v * 10 + (uint64_t)(*p - '0');
			if (v > UINT32_MAX)
				return rl_err(d, EINVAL, "access string '%s': index too large", s);
		}
		if (*n == RL_CORE_SPEC_MAX)
			return rl_err(d, EINVAL, "access string '%s': more than %d steps", s, RL_CORE_SPEC_MAX);
		idx[(*n)++] = (uint32_t)v;
	} while (*p == ':' && *++p);
	if (*p)
		return rl_err(d, EINVAL, "access string '%s': unexpected '%c'", s, *p);
	return 0;
}

static void push(struct rl_core_spec *s, bool named, uint32_t type_id, uint32_t idx, const char *name)
{
	struct rl_core_step st = { type_id, idx, name };

	s->raw[s->raw_len++] = st;
	if (named)
		s->named[s->len++] = st;
}

/* bit_off += idx * size(elem) bytes, refusing to wrap. */
static int add_elems(const struct rl_core_spec *s, uint64_t *bit_off, uint32_t idx, uint32_t elem_id,
		     struct rl_diag *d)
{
	int64_t size;

	if (idx == 0)
		return 0;
	size = rl_btf_resolve_size(s->btf, elem_id);
	if (size < 0)
		return rl_err(d, EINVAL, "element [%u] %s has no size", elem_id,
			      rl_btf_type_name(s->btf, elem_id));
	if ((uint64_t)size > (UINT64_MAX / 8 - *bit_off / 8) / idx)
		return rl_err(d, EINVAL, "index %u overflows the offset", idx);
	*bit_off += (uint64_t)idx * (uint64_t)size * 8;
	return 0;
}

/* One step past the root: a member of a struct/union or an array element. */
static int field_step(struct rl_core_spec *s, uint32_t *cur, uint32_t idx, struct rl_diag *d)
{
	uint32_t id;
	const struct btf_type *t = rl_core_skip(s->btf, *cur, &id);
	struct rl_core_member m;

	if (rl_core_is_composite(t)) {
		if (idx >= rl_btf_vlen(t))
			return rl_err(d, EINVAL, "member index %u, but %s %s has %u members", idx,
				      rl_core_kind_word(rl_btf_kind(t)), rl_btf_str(s->btf, t->name_off),
				      rl_btf_vlen(t));
		rl_core_member_at(s->btf, t, idx, &m);
		s->bit_off += m.bit_off;
		push(s, m.name[0] != '\0', id, idx, m.name);
		*cur = m.type_id;
		s->bitfield_bits = m.bits;
		return 0;
	}
	if (t && rl_btf_kind(t) == BTF_KIND_ARRAY) {
		const struct btf_array *a = (const void *)(t + 1);

		/* nelems 0 is a flexible array member: any index is fine */
		if (a->nelems && idx >= a->nelems)
			return rl_err(d, EINVAL, "array index %u, but the array has %u elements", idx, a->nelems);
		if (add_elems(s, &s->bit_off, idx, a->type, d))
			return -EINVAL;
		push(s, true, id, idx, NULL);
		*cur = a->type;
		s->bitfield_bits = 0;
		return 0;
	}
	return rl_err(d, EINVAL, "step %u goes into [%u] %s, which is neither a struct, a union nor an array",
		      idx, id, t ? rl_btf_kind_name(rl_btf_kind(t)) : "void");
}

static int parse_field(struct rl_core_spec *s, const uint32_t *idx, uint32_t n, struct rl_diag *d)
{
	uint32_t cur;

	rl_core_skip(s->btf, s->root_id, &cur);
	if (add_elems(s, &s->bit_off, idx[0], cur, d))
		return -EINVAL;
	push(s, true, cur, idx[0], NULL);
	for (uint32_t i = 1; i < n; i++)
		if (field_step(s, &cur, idx[i], d))
			return -EINVAL;
	s->field_type_id = cur;
	return 0;
}

static int parse_enum(struct rl_core_spec *s, const uint32_t *idx, uint32_t n, struct rl_diag *d)
{
	uint32_t id;
	const struct btf_type *t = rl_core_skip(s->btf, s->root_id, &id);
	uint64_t v;

	if (!rl_core_is_enum(t))
		return rl_err(d, EINVAL, "enum relocation on [%u] %s, which is not an enum", id,
			      t ? rl_btf_kind_name(rl_btf_kind(t)) : "void");
	if (n != 1 || idx[0] >= rl_btf_vlen(t))
		return rl_err(d, EINVAL, "enum relocation needs one enumerator index below %u", rl_btf_vlen(t));
	push(s, true, id, idx[0], rl_core_enumerator(s->btf, t, idx[0], &v));
	return 0;
}

int rl_core_spec_parse(const struct rl_btf *btf, uint32_t type_id, const char *access,
		       uint32_t kind, struct rl_core_spec *s, struct rl_diag *d)
{
	uint32_t idx[RL_CORE_SPEC_MAX], n;
	int err;

	memset(s, 0, sizeof(*s));
	s->btf = btf;
	s->kind = kind;
	s->root_id = type_id;
	if (type_id == 0 || type_id >= btf->nr_types)
		return rl_err(d, EINVAL, "type id %u is not a type of the object's BTF", type_id);
	err = split_access(access, idx, &n, d);
	if (err)
		return err;
	if (rl_core_kind_is_field(kind))
		err = parse_field(s, idx, n, d);
	else if (rl_core_kind_is_enum(kind))
		err = parse_enum(s, idx, n, d);
	else if (rl_core_kind_is_type(kind)) {
		if (n != 1 || idx[0] != 0)
			return rl_err(d, EINVAL, "type relocation with access string '%s', expected '0'", access);
		push(s, true, type_id, 0, NULL);
	} else
		return rl_err(d, EINVAL, "unknown CO-RE relocation kind %u", kind);
	if (err)
		rl_diag_prefix(d, "access string '%s' on [%u] %s: ", access, type_id,
			       rl_btf_type_name(btf, type_id));
	return err;
}

/* ---- printing -------------------------------------------------------------- */

static const char *name_or_anon(const struct rl_btf *btf, uint32_t id)
{
	const char *n = rl_btf_type_name(btf, id);

	return n[0] ? n : "(anon)";
}

int rl_core_spec_str(const struct rl_core_spec *s, char *buf, size_t len)
{
	size_t n = 0;
	int w;

#define OUT(...) do { w = snprintf(buf + (n < len ? n : len), n < len ? len - n : 0, __VA_ARGS__); \
		      if (w > 0) n += (size_t)w; } while (0)
	if (len)
		buf[0] = '\0';
	if (!s->raw_len)
		return 0;
	if (rl_core_kind_is_type(s->kind)) {
		const struct btf_type *t = rl_btf_type(s->btf, s->root_id);

		OUT("%s %s", t ? rl_core_kind_word(rl_btf_kind(t)) : "void", name_or_anon(s->btf, s->root_id));
		return (int)n;
	}
	if (rl_core_kind_is_enum(s->kind)) {
		OUT("%s::%s", name_or_anon(s->btf, s->raw[0].type_id), s->raw[0].name);
		return (int)n;
	}
	OUT("%s", name_or_anon(s->btf, s->raw[0].type_id));
	if (s->raw[0].idx)
		OUT("[%u]", s->raw[0].idx);
	for (uint32_t i = 1; i < s->raw_len; i++) {
		if (s->raw[i].name && s->raw[i].name[0])
			OUT(".%s", s->raw[i].name);
		else if (!s->raw[i].name)
			OUT("[%u]", s->raw[i].idx);
		/* anonymous members add nothing: C reads straight through them */
	}
#undef OUT
	return (int)n;
}
