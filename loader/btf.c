/* btf.c - parse and validate BPF Type Format bytes (layout in btf.h).
 *
 * Every type record is a 12-byte struct btf_type followed by data whose size
 * depends on its kind (the "info" word carries kind, vlen and kind_flag):
 *
 *   kind         after struct btf_type           t->size_or_type means
 *   INT          u32 (encoding, bit offset, bits) size in bytes
 *   PTR, TYPEDEF, VOLATILE, CONST, RESTRICT,
 *   TYPE_TAG     -                               referenced type id
 *   ARRAY        struct btf_array                (unused, 0)
 *   STRUCT/UNION struct btf_member[vlen]         size in bytes
 *   ENUM         struct btf_enum[vlen]           size in bytes
 *   ENUM64       struct btf_enum64[vlen]         size in bytes
 *   FWD          -                               (kind_flag: union, else struct)
 *   FUNC         -   (vlen = linkage)            its FUNC_PROTO's id
 *   FUNC_PROTO   struct btf_param[vlen]          return type id (0 = void)
 *   VAR          struct btf_var (linkage)        the variable's type id
 *   DATASEC      struct btf_var_secinfo[vlen]    section size in bytes
 *   FLOAT        -                               size in bytes
 *   DECL_TAG     struct btf_decl_tag             tagged type id
 *
 * Types have no explicit ids: the n-th record is id n (id 0 is void), so
 * the only way to find type 1000 is to walk the 999 before it.  We walk once
 * ("layout": sizes, names, per-type sanity) and remember a pointer per id,
 * then check every reference in a second sweep over that array.  This is the
 * same split the kernel makes (btf_check_all_metas, then btf_check_all_types
 * in kernel/bpf/btf.c), and it lets the reference checks know nr_types.
 *
 * Lookups by name, the size resolver and the DATASEC fix-up that run on a
 * parsed view live in btf_query.c.
 */
#include "btf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Bits of btf_type.info that mean something: kind_flag (31), kind (24-28)
 * and vlen (0-15).  The kernel rejects a set bit anywhere else. */
#define BTF_INFO_USED 0x9f00ffffu

/* What follows struct btf_type, per kind, and what vlen means. */
enum vlen_use { VLEN_ZERO, VLEN_COUNT, VLEN_LINKAGE };

static const struct kind_layout {
	const char *name;
	uint8_t fixed;          /* bytes after btf_type, whatever vlen is */
	uint8_t per_vlen;       /* bytes per vlen entry */
	enum vlen_use vlen;
	bool needs_name;        /* the kernel rejects these kinds anonymous */
} kinds[] = {
	[BTF_KIND_UNKN]       = { "VOID",       0, 0, VLEN_ZERO, false },
	[BTF_KIND_INT]        = { "INT",        4, 0, VLEN_ZERO, false },
	[BTF_KIND_PTR]        = { "PTR",        0, 0, VLEN_ZERO, false },
	[BTF_KIND_ARRAY]      = { "ARRAY",      sizeof(struct btf_array), 0, VLEN_ZERO, false },
	[BTF_KIND_STRUCT]     = { "STRUCT",     0, sizeof(struct btf_member), VLEN_COUNT, false },
	[BTF_KIND_UNION]      = { "UNION",      0, sizeof(struct btf_member), VLEN_COUNT, false },
	[BTF_KIND_ENUM]       = { "ENUM",       0, sizeof(struct btf_enum), VLEN_COUNT, false },
	[BTF_KIND_FWD]        = { "FWD",        0, 0, VLEN_ZERO, true },
	[BTF_KIND_TYPEDEF]    = { "TYPEDEF",    0, 0, VLEN_ZERO, true },
	[BTF_KIND_VOLATILE]   = { "VOLATILE",   0, 0, VLEN_ZERO, false },
	[BTF_KIND_CONST]      = { "CONST",      0, 0, VLEN_ZERO, false },
	[BTF_KIND_RESTRICT]   = { "RESTRICT",   0, 0, VLEN_ZERO, false },
	[BTF_KIND_FUNC]       = { "FUNC",       0, 0, VLEN_LINKAGE, true },
	[BTF_KIND_FUNC_PROTO] = { "FUNC_PROTO", 0, sizeof(struct btf_param), VLEN_COUNT, false },
	[BTF_KIND_VAR]        = { "VAR",        sizeof(struct btf_var), 0, VLEN_ZERO, true },
	[BTF_KIND_DATASEC]    = { "DATASEC",    0, sizeof(struct btf_var_secinfo), VLEN_COUNT, true },
	[BTF_KIND_FLOAT]      = { "FLOAT",      0, 0, VLEN_ZERO, false },
	[BTF_KIND_DECL_TAG]   = { "DECL_TAG",   sizeof(struct btf_decl_tag), 0, VLEN_ZERO, true },
	[BTF_KIND_TYPE_TAG]   = { "TYPE_TAG",   0, 0, VLEN_ZERO, true },
	[BTF_KIND_ENUM64]     = { "ENUM64",     0, sizeof(struct btf_enum64), VLEN_COUNT, false },
};
#define NR_KINDS (sizeof(kinds) / sizeof(kinds[0]))

const char *rl_btf_kind_name(uint32_t kind)
{
	return kind < NR_KINDS ? kinds[kind].name : "UNKNOWN";
}

const struct btf_type *rl_btf_type(const struct rl_btf *btf, uint32_t id)
{
	return id < btf->nr_types ? btf->types[id] : NULL;
}

/* The string section ends with NUL (checked in check_header), so any offset
 * inside it starts a terminated string. */
const char *rl_btf_str(const struct rl_btf *btf, uint32_t off)
{
	return off < btf->strs_len ? btf->strs + off : "";
}

const char *rl_btf_type_name(const struct rl_btf *btf, uint32_t id)
{
	const struct btf_type *t = rl_btf_type(btf, id);

	return t ? rl_btf_str(btf, t->name_off) : "";
}

/* "BTF type [42] STRUCT 'foo': " + the reason. */
__attribute__((format(printf, 5, 6)))
static int type_err(const struct rl_btf *btf, struct rl_diag *d, uint32_t id,
		    const struct btf_type *t, const char *fmt, ...)
{
	char why[RL_DIAG_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return rl_err(d, EINVAL, "BTF type [%u] %s '%s': %s", id,
		      rl_btf_kind_name(rl_btf_kind(t)), rl_btf_str(btf, t->name_off), why);
}

/* ---- the header ---------------------------------------------------------- */

/* Is [off, off+len) inside `avail` bytes?  Written so nothing can wrap. */
static bool span_ok(uint64_t off, uint64_t len, uint64_t avail)
{
	return off <= avail && len <= avail - off;
}

static int check_header_fields(const struct btf_header *h, size_t size, struct rl_diag *d)
{
	if (h->magic == 0x9feb)
		return rl_err(d, EINVAL, "BTF header: magic 0x9feb is big-endian BTF; only little endian is supported");
	if (h->magic != BTF_MAGIC)
		return rl_err(d, EINVAL, "BTF header: bad magic 0x%04x, expected 0x%04x", h->magic, BTF_MAGIC);
	if (h->version != BTF_VERSION)
		return rl_err(d, EINVAL, "BTF header: version %u, only version %u is known", h->version, BTF_VERSION);
	if (h->flags)
		return rl_err(d, EINVAL, "BTF header: flags 0x%x, expected 0", h->flags);
	if (h->hdr_len < sizeof(*h))
		return rl_err(d, EINVAL, "BTF header: hdr_len %u is shorter than the %zu-byte struct btf_header",
			      h->hdr_len, sizeof(*h));
	if (h->hdr_len > size)
		return rl_err(d, EINVAL, "BTF header: hdr_len %u runs past the %zu bytes of BTF", h->hdr_len, size);
	if (h->hdr_len % 4)
		return rl_err(d, EINVAL, "BTF header: hdr_len %u is not a multiple of 4", h->hdr_len);
	/* A longer header from a newer producer is fine only if the fields we
	 * do not know are zero: the kernel's btf_parse_hdr insists on that. */
	for (uint32_t i = sizeof(*h); i < h->hdr_len; i++)
		if (((const uint8_t *)h)[i])
			return rl_err(d, EINVAL, "BTF header: byte %u of the %u-byte header is not zero (unknown header field)",
				      i, h->hdr_len);
	return 0;
}

static int check_header(struct rl_btf *btf, struct rl_diag *d)
{
	const struct btf_header *h = (const void *)btf->bytes;
	uint64_t avail;
	const char *s;
	int err;

	if (btf->size < sizeof(*h))
		return rl_err(d, EINVAL, "BTF header: only %zu bytes, struct btf_header needs %zu",
			      btf->size, sizeof(*h));
	err = check_header_fields(h, btf->size, d);
	if (err)
		return err;
	avail = btf->size - h->hdr_len;
	if (!span_ok(h->type_off, h->type_len, avail))
		return rl_err(d, EINVAL, "BTF header: type section (off %u, len %u) runs past the %llu bytes after the header",
			      h->type_off, h->type_len, (unsigned long long)avail);
	if (!span_ok(h->str_off, h->str_len, avail))
		return rl_err(d, EINVAL, "BTF header: string section (off %u, len %u) runs past the %llu bytes after the header",
			      h->str_off, h->str_len, (unsigned long long)avail);
	if (h->type_off % 4)
		return rl_err(d, EINVAL, "BTF header: type_off %u is not 4-byte aligned", h->type_off);
	if ((uint64_t)h->type_off < (uint64_t)h->str_off + h->str_len &&
	    (uint64_t)h->str_off < (uint64_t)h->type_off + h->type_len)
		return rl_err(d, EINVAL, "BTF header: type section (off %u, len %u) and string section (off %u, len %u) overlap",
			      h->type_off, h->type_len, h->str_off, h->str_len);
	/* Strings: the kernel (btf_parse_str_sec) wants "" at offset 0, a NUL
	 * as the last byte, and offsets that fit in 24 bits. */
	s = (const char *)btf->bytes + h->hdr_len + h->str_off;
	if (h->str_len == 0 || s[0] != '\0')
		return rl_err(d, EINVAL, "BTF header: string section must start with the empty string (a NUL byte)");
	if (s[h->str_len - 1] != '\0')
		return rl_err(d, EINVAL, "BTF header: string section (len %u) does not end with a NUL byte", h->str_len);
	if (h->str_len - 1 > BTF_MAX_NAME_OFFSET)
		return rl_err(d, EINVAL, "BTF header: string section is %u bytes, offsets above %u cannot be named",
			      h->str_len, BTF_MAX_NAME_OFFSET);
	btf->strs = s;
	btf->strs_len = h->str_len;
	return 0;
}

/* ---- pass 1: layout and per-type sanity ---------------------------------- */

static bool name_ok(const struct rl_btf *btf, uint32_t off)
{
	return off < btf->strs_len;
}

/* INT's extra u32: encoding (SIGNED, CHAR or BOOL: at most one), bit offset
 * and bit count inside the `size` bytes.  btf_int_check_meta. */
static int check_int(const struct rl_btf *btf, uint32_t id, const struct btf_type *t, struct rl_diag *d)
{
	uint32_t v = *(const uint32_t *)(t + 1);
	uint32_t enc = BTF_INT_ENCODING(v), off = BTF_INT_OFFSET(v), bits = BTF_INT_BITS(v);

	if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8 && t->size != 16)
		return type_err(btf, d, id, t, "size %u, expected 1, 2, 4, 8 or 16", t->size);
	if (v & 0xf0000000u || (v & 0x0000ff00u))
		return type_err(btf, d, id, t, "reserved bits set in int data 0x%08x", v);
	if (enc != 0 && enc != BTF_INT_SIGNED && enc != BTF_INT_CHAR && enc != BTF_INT_BOOL)
		return type_err(btf, d, id, t, "encoding 0x%x: at most one of SIGNED, CHAR, BOOL", enc);
	if (bits == 0 || bits > 128)
		return type_err(btf, d, id, t, "%u bits, expected 1..128", bits);
	if (off + bits > t->size * 8)
		return type_err(btf, d, id, t, "bit offset %u + %u bits does not fit in %u bytes", off, bits, t->size);
	return 0;
}

static int check_members(const struct rl_btf *btf, uint32_t id, const struct btf_type *t, struct rl_diag *d)
{
	const struct btf_member *m = (const void *)(t + 1);
	uint64_t size_bits = (uint64_t)t->size * 8;

	for (uint32_t i = 0; i < rl_btf_vlen(t); i++, m++) {
		uint32_t bit_off = m->offset, bf_size = 0;

		if (!name_ok(btf, m->name_off))
			return type_err(btf, d, id, t, "member %u name offset %u is outside the %u-byte string section",
					i, m->name_off, btf->strs_len);
		/* kind_flag set: offset = bitfield size << 24 | bit offset */
		if (rl_btf_kflag(t)) {
			bit_off = BTF_MEMBER_BIT_OFFSET(m->offset);
			bf_size = BTF_MEMBER_BITFIELD_SIZE(m->offset);
			if (bf_size > 128)
				return type_err(btf, d, id, t, "member %u is a %u-bit bitfield, at most 128", i, bf_size);
		}
		/* == is fine: a flexible array member sits at the very end */
		if (bit_off + (uint64_t)bf_size > size_bits)
			return type_err(btf, d, id, t, "member %u at bit %u lies outside the %u-byte %s",
					i, bit_off, t->size, rl_btf_kind_name(rl_btf_kind(t)));
	}
	return 0;
}

static int check_enum(const struct rl_btf *btf, uint32_t id, const struct btf_type *t, struct rl_diag *d)
{
	size_t stride = rl_btf_kind(t) == BTF_KIND_ENUM64 ? sizeof(struct btf_enum64)
							  : sizeof(struct btf_enum);
	const uint8_t *e = (const uint8_t *)(t + 1);

	if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
		return type_err(btf, d, id, t, "size %u, expected 1, 2, 4 or 8", t->size);
	/* name_off is the first u32 of both btf_enum and btf_enum64 */
	for (uint32_t i = 0; i < rl_btf_vlen(t); i++, e += stride)
		if (!name_ok(btf, *(const uint32_t *)e))
			return type_err(btf, d, id, t, "enumerator %u name offset %u is outside the %u-byte string section",
					i, *(const uint32_t *)e, btf->strs_len);
	return 0;
}

static int check_params(const struct rl_btf *btf, uint32_t id, const struct btf_type *t, struct rl_diag *d)
{
	const struct btf_param *p = (const void *)(t + 1);

	for (uint32_t i = 0; i < rl_btf_vlen(t); i++, p++)
		if (!name_ok(btf, p->name_off))
			return type_err(btf, d, id, t, "parameter %u name offset %u is outside the %u-byte string section",
					i, p->name_off, btf->strs_len);
	return 0;
}

/* Checks that need nothing but this one record and the strings. */
static int check_meta(const struct rl_btf *btf, uint32_t id, const struct btf_type *t, struct rl_diag *d)
{
	uint32_t kind = rl_btf_kind(t);

	if (!name_ok(btf, t->name_off))
		return rl_err(d, EINVAL, "BTF type [%u] %s: name offset %u is outside the %u-byte string section",
			      id, rl_btf_kind_name(kind), t->name_off, btf->strs_len);
	if (kinds[kind].needs_name && t->name_off == 0)
		return type_err(btf, d, id, t, "a %s must have a name", rl_btf_kind_name(kind));
	if (kinds[kind].vlen == VLEN_ZERO && rl_btf_vlen(t))
		return type_err(btf, d, id, t, "vlen %u, expected 0 for this kind", rl_btf_vlen(t));
	switch (kind) {
	case BTF_KIND_INT:
		return check_int(btf, id, t, d);
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		return check_members(btf, id, t, d);
	case BTF_KIND_ENUM:
	case BTF_KIND_ENUM64:
		return check_enum(btf, id, t, d);
	case BTF_KIND_FUNC_PROTO:
		return check_params(btf, id, t, d);
	case BTF_KIND_FUNC:
		if (rl_btf_vlen(t) > BTF_FUNC_EXTERN)
			return type_err(btf, d, id, t, "linkage %u is not static (0), global (1) or extern (2)",
					rl_btf_vlen(t));
		return 0;
	case BTF_KIND_VAR: {
		uint32_t linkage = *(const uint32_t *)(t + 1);

		/* BTF_VAR_GLOBAL_EXTERN parses, but BPF_BTF_LOAD refuses it
		 * (btf_var_check_meta: "Linkage not supported"); externs in
		 * .kconfig/.ksyms must be rewritten by the loader first. */
		if (linkage > BTF_VAR_GLOBAL_EXTERN)
			return type_err(btf, d, id, t, "linkage %u is not static (0), global (1) or extern (2)", linkage);
		return 0;
	}
	case BTF_KIND_FLOAT:
		if (t->size != 2 && t->size != 4 && t->size != 8 && t->size != 12 && t->size != 16)
			return type_err(btf, d, id, t, "size %u, expected 2, 4, 8, 12 or 16", t->size);
		return 0;
	case BTF_KIND_DECL_TAG:
		if (*(const int32_t *)(t + 1) < -1)
			return type_err(btf, d, id, t, "component_idx %d, expected -1 or a member/argument index",
					*(const int32_t *)(t + 1));
		return 0;
	default:
		return 0;
	}
}

/* Walk the type section once: size each record, check it fits, check what
 * can be checked locally, and remember where it starts. */
static int walk_types(struct rl_btf *btf, uint8_t *kind_of_id, const uint8_t *p, uint32_t len,
		      struct rl_diag *d)
{
	const uint8_t *end = p + len;
	uint32_t id = 1;

	while (p < end) {
		const struct btf_type *t = (const void *)p;
		size_t left = (size_t)(end - p), extra;
		uint32_t kind;
		int err;

		if (left < sizeof(*t))
			return rl_err(d, EINVAL, "BTF type [%u]: only %zu bytes left in the type section, a btf_type needs %zu",
				      id, left, sizeof(*t));
		left -= sizeof(*t);
		kind = rl_btf_kind(t);
		if (kind == BTF_KIND_UNKN || kind >= NR_KINDS)
			return rl_err(d, EINVAL, "BTF type [%u]: unknown kind %u (info 0x%08x); this reader knows kinds 1..%zu",
				      id, kind, t->info, NR_KINDS - 1);
		if (t->info & ~BTF_INFO_USED)
			return type_err(btf, d, id, t, "reserved bits set in info 0x%08x", t->info);
		extra = kinds[kind].fixed + (size_t)kinds[kind].per_vlen *
			(kinds[kind].vlen == VLEN_COUNT ? rl_btf_vlen(t) : 0);
		if (extra > left)
			return type_err(btf, d, id, t, "vlen %u needs %zu bytes after the type, but only %zu are left in the type section",
					rl_btf_vlen(t), extra, left);
		if (id > BTF_MAX_TYPE)
			return rl_err(d, EINVAL, "BTF has more than %u types", BTF_MAX_TYPE);
		err = check_meta(btf, id, t, d);
		if (err)
			return err;
		kind_of_id[id] = (uint8_t)kind;
		btf->types[id++] = t;
		p += sizeof(*t) + extra;
	}
	kind_of_id[0] = BTF_KIND_UNKN;
	btf->nr_types = id;
	return 0;
}

/* ---- pass 2: references --------------------------------------------------- */

/* Pass 2 looks up the kind of referenced types a lot (is this a FUNC_PROTO?
 * a VAR?  another modifier?).  Reading it from a byte per id instead of from
 * the record keeps those random lookups inside a 128 KiB array for the
 * kernel's BTF rather than spread over 3 MB of records: it halves the pass. */
struct checker {
	const struct rl_btf *btf;
	const uint8_t *kind;    /* kind[id] == rl_btf_kind(btf->types[id]) */
	struct rl_diag *d;
};

#define NO_INDEX UINT32_MAX

/* "member 3 refers to type 9999, but BTF has 120 types" */
static int bad_ref(const struct checker *c, uint32_t id, const struct btf_type *t,
		   const char *what, uint32_t index, uint32_t ref)
{
	if (index == NO_INDEX)
		return type_err(c->btf, c->d, id, t, "%s refers to type %u, but BTF has %u types",
				what, ref, c->btf->nr_types);
	return type_err(c->btf, c->d, id, t, "%s %u refers to type %u, but BTF has %u types",
			what, index, ref, c->btf->nr_types);
}

/* Kind of a type id already checked to be < nr_types (0 for void). */
static uint32_t kind_of(const struct checker *c, uint32_t id)
{
	return c->kind[id];
}

/* Kinds that only say "the type over there, with a qualifier / a name / a
 * pointer / n times".  A loop made only of these has no base type and means
 * nothing (typedef a -> const b -> typedef a).  A loop through a STRUCT is
 * fine: struct list { struct list *next; } goes PTR -> STRUCT and stops. */
static bool is_chain_kind(uint32_t kind)
{
	switch (kind) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
	case BTF_KIND_ARRAY:
		return true;
	default:
		return false;
	}
}

static uint32_t chain_next(const struct btf_type *t)
{
	if (rl_btf_kind(t) == BTF_KIND_ARRAY)
		return ((const struct btf_array *)(t + 1))->type;
	return t->type;
}

/* Explain an over-long chain: print the loop if there is one. */
static int chain_err(const struct checker *c, uint32_t id)
{
	const struct rl_btf *btf = c->btf;
	uint32_t seen[RL_BTF_MAX_DEPTH + 2], n = 0, cur = id;
	char path[256];
	size_t len = 0;

	while (n < RL_BTF_MAX_DEPTH + 2 && cur && cur < btf->nr_types) {
		for (uint32_t i = 0; i < n; i++) {
			if (seen[i] != cur)
				continue;
			for (uint32_t j = i; j < n && len < sizeof(path) - 16; j++)
				len += (size_t)snprintf(path + len, sizeof(path) - len, "[%u] -> ", seen[j]);
			snprintf(path + len, sizeof(path) - len, "[%u]", cur);
			return type_err(btf, c->d, id, btf->types[id], "reference cycle %s", path);
		}
		seen[n++] = cur;
		cur = chain_next(btf->types[cur]);
	}
	return type_err(btf, c->d, id, btf->types[id],
			"more than %d pointer/typedef/modifier/array links without reaching a base type",
			RL_BTF_MAX_DEPTH);
}

/* Bounded walk: a well-formed chain reaches a non-chain kind (or void) in
 * at most RL_BTF_MAX_DEPTH steps; the kernel's resolver uses the same bound
 * (MAX_RESOLVE_DEPTH).  Ids not yet checked stop the walk: their own turn
 * in check_refs reports them. */
static int check_chain(const struct checker *c, uint32_t id, uint32_t next)
{
	for (int depth = 0; depth < RL_BTF_MAX_DEPTH; depth++) {
		if (next == 0 || next >= c->btf->nr_types || !is_chain_kind(kind_of(c, next)))
			return 0;
		next = chain_next(c->btf->types[next]);
	}
	return chain_err(c, id);
}

static int check_member_refs(const struct checker *c, uint32_t id, const struct btf_type *t)
{
	const struct btf_member *m = (const void *)(t + 1);

	for (uint32_t i = 0; i < rl_btf_vlen(t); i++, m++) {
		if (m->type >= c->btf->nr_types)
			return bad_ref(c, id, t, "member", i, m->type);
		if (m->type == 0)
			return type_err(c->btf, c->d, id, t, "member %u ('%s') has type void", i,
					rl_btf_str(c->btf, m->name_off));
	}
	return 0;
}

/* Return and parameter types.  A void parameter may only be the last one,
 * where it stands for "..." (btf_func_proto_check). */
static int check_proto_refs(const struct checker *c, uint32_t id, const struct btf_type *t)
{
	const struct btf_param *p = (const void *)(t + 1);
	uint32_t n = rl_btf_vlen(t);

	if (t->type >= c->btf->nr_types)
		return bad_ref(c, id, t, "return type", NO_INDEX, t->type);
	for (uint32_t i = 0; i < n; i++, p++) {
		if (p->type >= c->btf->nr_types)
			return bad_ref(c, id, t, "parameter", i, p->type);
		if (p->type == 0 && i != n - 1)
			return type_err(c->btf, c->d, id, t,
					"parameter %u is void; only the last may be (for '...')", i);
	}
	return 0;
}

/* DATASEC entries are VARs; LLVM also lists extern kernel functions (kfuncs)
 * as FUNC entries in ".ksyms", which the kernel accepts since 5.13. */
static int check_datasec_refs(const struct checker *c, uint32_t id, const struct btf_type *t)
{
	const struct btf_var_secinfo *v = (const void *)(t + 1);

	for (uint32_t i = 0; i < rl_btf_vlen(t); i++, v++) {
		if (v->type >= c->btf->nr_types)
			return bad_ref(c, id, t, "entry", i, v->type);
		if (kind_of(c, v->type) != BTF_KIND_VAR && kind_of(c, v->type) != BTF_KIND_FUNC)
			return type_err(c->btf, c->d, id, t, "entry %u is type [%u] %s, expected a VAR", i,
					v->type, rl_btf_kind_name(kind_of(c, v->type)));
	}
	return 0;
}

/* A decl tag names a member/argument by index, or the whole thing by -1. */
static int check_decl_tag(const struct checker *c, uint32_t id, const struct btf_type *t)
{
	int32_t idx = *(const int32_t *)(t + 1);
	const struct btf_type *target;
	uint32_t n = 0;

	if (t->type >= c->btf->nr_types)
		return bad_ref(c, id, t, "tagged type", NO_INDEX, t->type);
	if (t->type == 0)
		return type_err(c->btf, c->d, id, t, "tags void");
	if (idx == -1)
		return 0;
	target = c->btf->types[t->type];
	if (kind_of(c, t->type) == BTF_KIND_STRUCT || kind_of(c, t->type) == BTF_KIND_UNION)
		n = rl_btf_vlen(target);
	else if (kind_of(c, t->type) == BTF_KIND_FUNC && target->type < c->btf->nr_types &&
		 kind_of(c, target->type) == BTF_KIND_FUNC_PROTO)
		n = rl_btf_vlen(c->btf->types[target->type]);
	if ((uint32_t)idx >= n)
		return type_err(c->btf, c->d, id, t, "component_idx %d, but [%u] %s has %u members/arguments",
				idx, t->type, rl_btf_kind_name(kind_of(c, t->type)), n);
	return 0;
}

static int check_refs(const struct checker *c, uint32_t id, const struct btf_type *t)
{
	const struct btf_array *a;
	uint32_t nr = c->btf->nr_types;

	switch (kind_of(c, id)) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
		if (t->type >= nr)
			return bad_ref(c, id, t, "type", NO_INDEX, t->type);
		return check_chain(c, id, t->type);
	case BTF_KIND_ARRAY:
		a = (const void *)(t + 1);
		if (a->type >= nr)
			return bad_ref(c, id, t, "element type", NO_INDEX, a->type);
		if (a->index_type >= nr)
			return bad_ref(c, id, t, "index type", NO_INDEX, a->index_type);
		if (a->type == 0)
			return type_err(c->btf, c->d, id, t, "array of void");
		return check_chain(c, id, a->type);
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		return check_member_refs(c, id, t);
	case BTF_KIND_FUNC_PROTO:
		return check_proto_refs(c, id, t);
	case BTF_KIND_DATASEC:
		return check_datasec_refs(c, id, t);
	case BTF_KIND_DECL_TAG:
		return check_decl_tag(c, id, t);
	case BTF_KIND_FUNC:
		if (t->type >= nr)
			return bad_ref(c, id, t, "type", NO_INDEX, t->type);
		if (kind_of(c, t->type) != BTF_KIND_FUNC_PROTO)
			return type_err(c->btf, c->d, id, t, "type [%u] is %s, expected a FUNC_PROTO", t->type,
					rl_btf_kind_name(kind_of(c, t->type)));
		return 0;
	case BTF_KIND_VAR:
		if (t->type >= nr)
			return bad_ref(c, id, t, "type", NO_INDEX, t->type);
		if (t->type == 0)
			return type_err(c->btf, c->d, id, t, "variable of type void");
		return 0;
	default:        /* INT, ENUM, ENUM64, FWD, FLOAT refer to nothing */
		return 0;
	}
}

/* ---- parse / free -------------------------------------------------------- */

/* Copy (if asked, or if unaligned) and check the header. */
static int take_bytes(struct rl_btf *btf, const void *bytes, size_t size, bool copy, struct rl_diag *d)
{
	/* Records are read in place as struct btf_type, which needs 4-byte
	 * alignment; a caller's unaligned buffer is copied like copy=true. */
	if (copy || ((uintptr_t)bytes & 3)) {
		btf->owned = malloc(size ? size : 1);
		if (!btf->owned)
			return rl_err(d, ENOMEM, "BTF: cannot allocate %zu bytes for a copy", size);
		memcpy(btf->owned, bytes, size);
		bytes = btf->owned;
	}
	btf->bytes = bytes;
	btf->size = size;
	return check_header(btf, d);
}

int rl_btf_parse(struct rl_btf *btf, const void *bytes, size_t size, bool copy, struct rl_diag *d)
{
	const struct btf_header *h;
	struct checker c = { btf, NULL, d };
	size_t max_ids;
	void *shrunk;
	int err;

	memset(btf, 0, sizeof(*btf));
	err = take_bytes(btf, bytes, size, copy, d);
	if (err)
		goto fail;
	h = (const void *)btf->bytes;
	/* One allocation: types[] followed by the kind bytes pass 2 uses.  No
	 * record is shorter than a btf_type, so type_len / 12 + 1 ids is an
	 * upper bound; pages past the real count are never touched, and the
	 * realloc at the end keeps just types[nr_types]. */
	max_ids = h->type_len / sizeof(struct btf_type) + 1;
	btf->types = malloc(max_ids * (sizeof(*btf->types) + 1));
	if (!btf->types) {
		err = rl_err(d, ENOMEM, "BTF: cannot allocate the type table (%zu ids)", max_ids);
		goto fail;
	}
	btf->types[0] = NULL;
	c.kind = (uint8_t *)(btf->types + max_ids);
	err = walk_types(btf, (uint8_t *)c.kind, btf->bytes + h->hdr_len + h->type_off, h->type_len, d);
	for (uint32_t id = 1; !err && id < btf->nr_types; id++)
		err = check_refs(&c, id, btf->types[id]);
	if (err)
		goto fail;
	shrunk = realloc(btf->types, btf->nr_types * sizeof(*btf->types));
	if (shrunk)
		btf->types = shrunk;
	return 0;
fail:
	rl_btf_free(btf);
	return err;
}

void rl_btf_free(struct rl_btf *btf)
{
	free(btf->owned);
	free(btf->types);
	free(btf->name_index);
	memset(btf, 0, sizeof(*btf));
}
