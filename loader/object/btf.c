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
 * the only way to find type 1000 is to walk the 999 before it.  Like the
 * kernel (btf_check_all_metas, then btf_check_all_types in kernel/bpf/btf.c)
 * we check in two passes:
 *   pass 1  walk the records: size each one, check it fits and what it says
 *           about itself (names, int bits, linkage...), remember a pointer
 *           and the kind per id, and the highest id anything refers to;
 *   then    one comparison, max_ref < nr_types, covers every reference;
 *   pass 2  check what references point *at*: a FUNC's type is a FUNC_PROTO,
 *           DATASEC entries are VARs, modifier chains end.  Pass 1 already
 *           did this for references to earlier ids (nearly all of them),
 *           so pass 2 only visits the few types it marked.
 * This is on the hot path of every CO-RE load: the kernel's 126k types
 * (5.5 MB) parse in ~2.5 ms (tests/unit/test_btf.c prints the figure), with
 * one allocation, for the id table, and none per type.
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
	uint8_t per_vlen;       /* bytes per vlen entry (0 unless VLEN_COUNT) */
	enum vlen_use vlen;
	bool needs_name;        /* the kernel rejects these kinds anonymous */
	bool target_matters;    /* pass 2 checks the kind of what it refers to */
} kinds[] = {
	[BTF_KIND_UNKN]       = { "VOID",       0, 0, VLEN_ZERO, false, false },
	[BTF_KIND_INT]        = { "INT",        4, 0, VLEN_ZERO, false, false },
	[BTF_KIND_PTR]        = { "PTR",        0, 0, VLEN_ZERO, false, true },
	[BTF_KIND_ARRAY]      = { "ARRAY",      sizeof(struct btf_array), 0, VLEN_ZERO, false, true },
	[BTF_KIND_STRUCT]     = { "STRUCT",     0, sizeof(struct btf_member), VLEN_COUNT, false, false },
	[BTF_KIND_UNION]      = { "UNION",      0, sizeof(struct btf_member), VLEN_COUNT, false, false },
	[BTF_KIND_ENUM]       = { "ENUM",       0, sizeof(struct btf_enum), VLEN_COUNT, false, false },
	[BTF_KIND_FWD]        = { "FWD",        0, 0, VLEN_ZERO, true, false },
	[BTF_KIND_TYPEDEF]    = { "TYPEDEF",    0, 0, VLEN_ZERO, true, true },
	[BTF_KIND_VOLATILE]   = { "VOLATILE",   0, 0, VLEN_ZERO, false, true },
	[BTF_KIND_CONST]      = { "CONST",      0, 0, VLEN_ZERO, false, true },
	[BTF_KIND_RESTRICT]   = { "RESTRICT",   0, 0, VLEN_ZERO, false, true },
	[BTF_KIND_FUNC]       = { "FUNC",       0, 0, VLEN_LINKAGE, true, true },
	[BTF_KIND_FUNC_PROTO] = { "FUNC_PROTO", 0, sizeof(struct btf_param), VLEN_COUNT, false, false },
	[BTF_KIND_VAR]        = { "VAR",        sizeof(struct btf_var), 0, VLEN_ZERO, true, false },
	[BTF_KIND_DATASEC]    = { "DATASEC",    0, sizeof(struct btf_var_secinfo), VLEN_COUNT, true, true },
	[BTF_KIND_FLOAT]      = { "FLOAT",      0, 0, VLEN_ZERO, false, false },
	[BTF_KIND_DECL_TAG]   = { "DECL_TAG",   sizeof(struct btf_decl_tag), 0, VLEN_ZERO, true, true },
	[BTF_KIND_TYPE_TAG]   = { "TYPE_TAG",   0, 0, VLEN_ZERO, true, true },
	[BTF_KIND_ENUM64]     = { "ENUM64",     0, sizeof(struct btf_enum64), VLEN_COUNT, false, false },
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

/* State shared by the two passes. */
struct checker {
	struct rl_btf *btf;
	uint8_t *kind;          /* kind[id] | RECHECK: written by pass 1, read by pass 2 */
	uint32_t max_ref;       /* the highest type id any record refers to */
	struct rl_diag *d;
};

/* Set in kind[id] when pass 2 must look at what type `id` refers to.
 * Most references point backwards (all 56k FUNCs in the kernel's BTF come
 * after their FUNC_PROTO), and pass 1 checks those on the spot; the rest,
 * forward references, DATASECs and decl tags, are left for pass 2. */
#define RECHECK 0x80
#define KIND_MASK 0x1f

static uint32_t kind_at(const struct checker *c, uint32_t id)
{
	return c->kind[id] & KIND_MASK;
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

static bool name_ok(const struct rl_btf *btf, uint32_t off)
{
	return off < btf->strs_len;
}

/* Pass 1 cannot check "ref < nr_types" yet (nr_types is known at the end),
 * so it only keeps the maximum; rl_btf_parse compares it once. */
static void note_ref(struct checker *c, uint32_t ref)
{
	c->max_ref = ref > c->max_ref ? ref : c->max_ref;
}

/* Can pass 1 already tell this FUNC or chain link is fine?  Only if it
 * points backwards, at a type whose kind is known. */
static bool target_ok_now(const struct checker *c, uint32_t id, const struct btf_type *t)
{
	uint32_t kind = rl_btf_kind(t), ref = chain_next(t);

	if (kind == BTF_KIND_FUNC)
		return ref < id && kind_at(c, ref) == BTF_KIND_FUNC_PROTO;
	if (is_chain_kind(kind))
		return ref < id && !is_chain_kind(kind_at(c, ref));
	return false;   /* DATASEC, DECL_TAG: always in pass 2 */
}

/* INT's extra u32: encoding (SIGNED, CHAR or BOOL: at most one), bit offset
 * and bit count, which must fit in 128 bits and in the `size` bytes.  The
 * same rules as the kernel's btf_int_check_meta. */
static int check_int(const struct checker *c, uint32_t id, const struct btf_type *t)
{
	uint32_t v = *(const uint32_t *)(t + 1);
	uint32_t enc = BTF_INT_ENCODING(v), off = BTF_INT_OFFSET(v), bits = BTF_INT_BITS(v);

	if (v & 0xf0000000u)
		return type_err(c->btf, c->d, id, t, "reserved bits set in int data 0x%08x", v);
	if (enc != 0 && enc != BTF_INT_SIGNED && enc != BTF_INT_CHAR && enc != BTF_INT_BOOL)
		return type_err(c->btf, c->d, id, t, "encoding 0x%x: at most one of SIGNED, CHAR, BOOL", enc);
	if (bits > 128 || off + bits > 128)
		return type_err(c->btf, c->d, id, t, "bit offset %u + %u bits, at most 128 bits", off, bits);
	if (off + bits > (uint64_t)t->size * 8)
		return type_err(c->btf, c->d, id, t, "bit offset %u + %u bits does not fit in %u bytes",
				off, bits, t->size);
	return 0;
}

static int check_members(struct checker *c, uint32_t id, const struct btf_type *t)
{
	const struct btf_member *m = (const void *)(t + 1);
	uint64_t size_bits = (uint64_t)t->size * 8;

	for (uint32_t i = 0; i < rl_btf_vlen(t); i++, m++) {
		uint32_t bit_off = m->offset, bf_size = 0;

		if (!name_ok(c->btf, m->name_off))
			return type_err(c->btf, c->d, id, t, "member %u name offset %u is outside the %u-byte string section",
					i, m->name_off, c->btf->strs_len);
		if (m->type == 0)
			return type_err(c->btf, c->d, id, t, "member %u ('%s') has type void", i,
					rl_btf_str(c->btf, m->name_off));
		note_ref(c, m->type);
		/* kind_flag set: offset = bitfield size << 24 | bit offset */
		if (rl_btf_kflag(t)) {
			bit_off = BTF_MEMBER_BIT_OFFSET(m->offset);
			bf_size = BTF_MEMBER_BITFIELD_SIZE(m->offset);
			if (bf_size > 128)
				return type_err(c->btf, c->d, id, t, "member %u is a %u-bit bitfield, at most 128",
						i, bf_size);
		}
		/* == is fine: a flexible array member sits at the very end */
		if (bit_off + (uint64_t)bf_size > size_bits)
			return type_err(c->btf, c->d, id, t, "member %u at bit %u lies outside the %u-byte %s",
					i, bit_off, t->size, rl_btf_kind_name(rl_btf_kind(t)));
	}
	return 0;
}

static int check_enum(const struct checker *c, uint32_t id, const struct btf_type *t)
{
	size_t stride = rl_btf_kind(t) == BTF_KIND_ENUM64 ? sizeof(struct btf_enum64)
							  : sizeof(struct btf_enum);
	const uint8_t *e = (const uint8_t *)(t + 1);

	if (t->size != 1 && t->size != 2 && t->size != 4 && t->size != 8)
		return type_err(c->btf, c->d, id, t, "size %u, expected 1, 2, 4 or 8", t->size);
	/* name_off is the first u32 of both btf_enum and btf_enum64 */
	for (uint32_t i = 0; i < rl_btf_vlen(t); i++, e += stride)
		if (!name_ok(c->btf, *(const uint32_t *)e))
			return type_err(c->btf, c->d, id, t,
					"enumerator %u name offset %u is outside the %u-byte string section",
					i, *(const uint32_t *)e, c->btf->strs_len);
	return 0;
}

/* Return and parameter types.  A void parameter may only be the last one,
 * where it stands for "..." (btf_func_proto_check). */
static int check_params(struct checker *c, uint32_t id, const struct btf_type *t)
{
	const struct btf_param *p = (const void *)(t + 1);
	uint32_t n = rl_btf_vlen(t);

	note_ref(c, t->type);
	for (uint32_t i = 0; i < n; i++, p++) {
		if (!name_ok(c->btf, p->name_off))
			return type_err(c->btf, c->d, id, t,
					"parameter %u name offset %u is outside the %u-byte string section",
					i, p->name_off, c->btf->strs_len);
		if (p->type == 0 && i != n - 1)
			return type_err(c->btf, c->d, id, t,
					"parameter %u is void; only the last may be (for '...')", i);
		note_ref(c, p->type);
	}
	return 0;
}

/* The kinds whose extra data is one u32 or one btf_array. */
static int check_small_kinds(struct checker *c, uint32_t id, const struct btf_type *t)
{
	const struct btf_array *a = (const void *)(t + 1);
	uint32_t extra = *(const uint32_t *)(t + 1);

	switch (rl_btf_kind(t)) {
	case BTF_KIND_ARRAY:
		if (a->type == 0)
			return type_err(c->btf, c->d, id, t, "array of void");
		note_ref(c, a->type);
		note_ref(c, a->index_type);
		return 0;
	case BTF_KIND_VAR:
		/* BTF_VAR_GLOBAL_EXTERN parses, but BPF_BTF_LOAD refuses it
		 * (btf_var_check_meta: "Linkage not supported"); externs in
		 * .kconfig/.ksyms must be rewritten by the loader first. */
		if (extra > BTF_VAR_GLOBAL_EXTERN)
			return type_err(c->btf, c->d, id, t,
					"linkage %u is not static (0), global (1) or extern (2)", extra);
		if (t->type == 0)
			return type_err(c->btf, c->d, id, t, "variable of type void");
		note_ref(c, t->type);
		return 0;
	case BTF_KIND_DECL_TAG:
		if ((int32_t)extra < -1)
			return type_err(c->btf, c->d, id, t,
					"component_idx %d, expected -1 or a member/argument index", (int32_t)extra);
		if (t->type == 0)
			return type_err(c->btf, c->d, id, t, "tags void");
		note_ref(c, t->type);
		return 0;
	default:        /* INT */
		return check_int(c, id, t);
	}
}

/* Checks that need nothing but this one record and the strings. */
static int check_meta(struct checker *c, uint32_t id, const struct btf_type *t)
{
	uint32_t kind = rl_btf_kind(t);

	if (!name_ok(c->btf, t->name_off))
		return rl_err(c->d, EINVAL, "BTF type [%u] %s: name offset %u is outside the %u-byte string section",
			      id, rl_btf_kind_name(kind), t->name_off, c->btf->strs_len);
	if (kinds[kind].needs_name && t->name_off == 0)
		return type_err(c->btf, c->d, id, t, "a %s must have a name", rl_btf_kind_name(kind));
	if (kinds[kind].vlen == VLEN_ZERO && rl_btf_vlen(t))
		return type_err(c->btf, c->d, id, t, "vlen %u, expected 0 for this kind", rl_btf_vlen(t));
	switch (kind) {
	case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
	case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
		note_ref(c, t->type);
		return 0;
	case BTF_KIND_FUNC:
		if (rl_btf_vlen(t) > BTF_FUNC_EXTERN)
			return type_err(c->btf, c->d, id, t,
					"linkage %u is not static (0), global (1) or extern (2)", rl_btf_vlen(t));
		note_ref(c, t->type);
		return 0;
	case BTF_KIND_STRUCT: case BTF_KIND_UNION:
		return check_members(c, id, t);
	case BTF_KIND_FUNC_PROTO:
		return check_params(c, id, t);
	case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
		return check_enum(c, id, t);
	case BTF_KIND_DATASEC:
		for (uint32_t i = 0; i < rl_btf_vlen(t); i++)
			note_ref(c, ((const struct btf_var_secinfo *)(t + 1))[i].type);
		return 0;
	case BTF_KIND_FLOAT:
		if (t->size != 2 && t->size != 4 && t->size != 8 && t->size != 12 && t->size != 16)
			return type_err(c->btf, c->d, id, t, "size %u, expected 2, 4, 8, 12 or 16", t->size);
		return 0;
	case BTF_KIND_FWD:
		return 0;
	default:        /* INT, ARRAY, VAR, DECL_TAG */
		return check_small_kinds(c, id, t);
	}
}

/* Walk the type section once: size each record, check it fits, check what
 * can be checked locally, and remember where it starts and its kind.  This
 * loop is most of the cost of parsing the kernel's BTF: keep it lean. */
static int walk_types(struct checker *c, const uint8_t *p, uint32_t len)
{
	const uint8_t *end = p + len;
	uint32_t id = 1;

	while (p < end) {
		const struct btf_type *t = (const void *)p;
		size_t left = (size_t)(end - p), extra;
		uint32_t kind;
		int err;

		if (left < sizeof(*t))
			return rl_err(c->d, EINVAL, "BTF type [%u]: only %zu bytes left in the type section, a btf_type needs %zu",
				      id, left, sizeof(*t));
		left -= sizeof(*t);
		kind = rl_btf_kind(t);
		if (kind == BTF_KIND_UNKN || kind >= NR_KINDS)
			return rl_err(c->d, EINVAL, "BTF type [%u]: unknown kind %u (info 0x%08x); this reader knows kinds 1..%zu",
				      id, kind, t->info, NR_KINDS - 1);
		if (t->info & ~BTF_INFO_USED)
			return type_err(c->btf, c->d, id, t, "reserved bits set in info 0x%08x", t->info);
		extra = kinds[kind].fixed + (size_t)kinds[kind].per_vlen * rl_btf_vlen(t);
		if (extra > left)
			return type_err(c->btf, c->d, id, t,
					"vlen %u needs %zu bytes after the type, but only %zu are left in the type section",
					rl_btf_vlen(t), extra, left);
		if (id > BTF_MAX_TYPE)
			return rl_err(c->d, EINVAL, "BTF has more than %u types", BTF_MAX_TYPE);
		err = check_meta(c, id, t);
		if (err)
			return err;
		c->kind[id] = (uint8_t)kind;
		if (kinds[kind].target_matters && !target_ok_now(c, id, t))
			c->kind[id] |= RECHECK;
		c->btf->types[id++] = t;
		p += sizeof(*t) + extra;
	}
	c->btf->nr_types = id;
	return 0;
}

/* ---- between the passes: a reference past the end ------------------------ */

/* "member 3 refers to type 9999, but BTF has 120 types" */
static int bad_ref(const struct checker *c, uint32_t id, const struct btf_type *t,
		   const char *what, int64_t index, uint32_t ref)
{
	if (index < 0)
		return type_err(c->btf, c->d, id, t, "%s refers to type %u, but BTF has %u types",
				what, ref, c->btf->nr_types);
	return type_err(c->btf, c->d, id, t, "%s %u refers to type %u, but BTF has %u types",
			what, (uint32_t)index, ref, c->btf->nr_types);
}

/* Pass 1 saw max_ref >= nr_types.  Rare, so take the slow road: visit every
 * reference in id order and name the first bad one. */
static int report_bad_ref(const struct checker *c)
{
	uint32_t nr = c->btf->nr_types;

	for (uint32_t id = 1; id < nr; id++) {
		const struct btf_type *t = c->btf->types[id];
		const struct btf_member *m = (const void *)(t + 1);
		const struct btf_param *p = (const void *)(t + 1);
		const struct btf_var_secinfo *v = (const void *)(t + 1);
		const struct btf_array *a = (const void *)(t + 1);

		switch (kind_at(c, id)) {
		case BTF_KIND_INT: case BTF_KIND_ENUM: case BTF_KIND_ENUM64:
		case BTF_KIND_FWD: case BTF_KIND_FLOAT:
			break;
		case BTF_KIND_STRUCT: case BTF_KIND_UNION:
			for (uint32_t i = 0; i < rl_btf_vlen(t); i++)
				if (m[i].type >= nr)
					return bad_ref(c, id, t, "member", i, m[i].type);
			break;
		case BTF_KIND_FUNC_PROTO:
			if (t->type >= nr)
				return bad_ref(c, id, t, "return type", -1, t->type);
			for (uint32_t i = 0; i < rl_btf_vlen(t); i++)
				if (p[i].type >= nr)
					return bad_ref(c, id, t, "parameter", i, p[i].type);
			break;
		case BTF_KIND_DATASEC:
			for (uint32_t i = 0; i < rl_btf_vlen(t); i++)
				if (v[i].type >= nr)
					return bad_ref(c, id, t, "entry", i, v[i].type);
			break;
		case BTF_KIND_ARRAY:
			if (a->type >= nr)
				return bad_ref(c, id, t, "element type", -1, a->type);
			if (a->index_type >= nr)
				return bad_ref(c, id, t, "index type", -1, a->index_type);
			break;
		default:        /* PTR, modifiers, TYPEDEF, FUNC, VAR, DECL_TAG */
			if (t->type >= nr)
				return bad_ref(c, id, t, "type", -1, t->type);
		}
	}
	return rl_err(c->d, EINVAL, "BTF: a reference to type %u, but BTF has %u types", c->max_ref, nr);
}

/* ---- pass 2: what the references point at -------------------------------- */

/* Explain an over-long chain: print the loop if there is one. */
static int chain_err(const struct checker *c, uint32_t id)
{
	const struct rl_btf *btf = c->btf;
	uint32_t seen[RL_BTF_MAX_DEPTH + 2], n = 0, cur = id;
	char path[256];
	size_t len = 0;

	while (n < RL_BTF_MAX_DEPTH + 2 && cur) {
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
 * at most RL_BTF_MAX_DEPTH steps; the kernel's resolver has the same bound
 * (MAX_RESOLVE_DEPTH).  Every id is < nr_types by now. */
static int check_chain(const struct checker *c, uint32_t id, uint32_t next)
{
	for (int depth = 0; depth < RL_BTF_MAX_DEPTH; depth++) {
		if (!is_chain_kind(kind_at(c, next)))
			return 0;
		next = chain_next(c->btf->types[next]);
	}
	return chain_err(c, id);
}

/* DATASEC entries are VARs; LLVM also lists extern kernel functions (kfuncs)
 * as FUNC entries in ".ksyms", which the kernel accepts since 5.13.  A
 * DATASEC that already has its size (kernel BTF, newer compilers; clang 14
 * writes 0 and the loader's fix-up fills it in) must hold its entries:
 * btf_datasec_check_meta() refuses one that runs past the end. */
static int check_datasec(const struct checker *c, uint32_t id, const struct btf_type *t)
{
	const struct btf_var_secinfo *v = (const void *)(t + 1);

	for (uint32_t i = 0; i < rl_btf_vlen(t); i++, v++) {
		if (kind_at(c, v->type) != BTF_KIND_VAR && kind_at(c, v->type) != BTF_KIND_FUNC)
			return type_err(c->btf, c->d, id, t, "entry %u is type [%u] %s, expected a VAR", i,
					v->type, rl_btf_kind_name(kind_at(c, v->type)));
		if (t->size && !span_ok(v->offset, v->size, t->size))
			return type_err(c->btf, c->d, id, t, "entry %u ([%u] %s '%s', offset %u, size %u) "
					"runs past the DATASEC's %u bytes", i, v->type,
					rl_btf_kind_name(kind_at(c, v->type)),
					rl_btf_type_name(c->btf, v->type), v->offset, v->size, t->size);
	}
	return 0;
}

/* A decl tag names a member/argument by index, or the whole thing by -1. */
static int check_decl_tag(const struct checker *c, uint32_t id, const struct btf_type *t)
{
	int32_t idx = *(const int32_t *)(t + 1);
	const struct btf_type *target = c->btf->types[t->type];
	uint32_t kind = kind_at(c, t->type), n = 0;

	if (idx == -1)
		return 0;
	if (kind == BTF_KIND_STRUCT || kind == BTF_KIND_UNION)
		n = rl_btf_vlen(target);
	else if (kind == BTF_KIND_FUNC && kind_at(c, target->type) == BTF_KIND_FUNC_PROTO)
		n = rl_btf_vlen(c->btf->types[target->type]);
	if ((uint32_t)idx >= n)
		return type_err(c->btf, c->d, id, t, "component_idx %d, but [%u] %s has %u members/arguments",
				idx, t->type, rl_btf_kind_name(kind), n);
	return 0;
}

/* The types pass 1 marked RECHECK.  Scanning the kind bytes (126 KiB for
 * the kernel's BTF) rather than 3 MB of records makes this pass cheap. */
static int check_targets(const struct checker *c)
{
	for (uint32_t id = 1; id < c->btf->nr_types; id++) {
		const struct btf_type *t = c->btf->types[id];
		int err = 0;

		if (!(c->kind[id] & RECHECK))
			continue;
		switch (kind_at(c, id)) {
		case BTF_KIND_PTR: case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE:
		case BTF_KIND_CONST: case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG:
		case BTF_KIND_ARRAY:
			err = check_chain(c, id, chain_next(t));
			break;
		case BTF_KIND_FUNC:
			if (kind_at(c, t->type) != BTF_KIND_FUNC_PROTO)
				err = type_err(c->btf, c->d, id, t, "type [%u] is %s, expected a FUNC_PROTO",
					       t->type, rl_btf_kind_name(kind_at(c, t->type)));
			break;
		case BTF_KIND_DATASEC:
			err = check_datasec(c, id, t);
			break;
		case BTF_KIND_DECL_TAG:
			err = check_decl_tag(c, id, t);
			break;
		}
		if (err)
			return err;
	}
	return 0;
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
	struct checker c = { btf, NULL, 0, d };
	const struct btf_header *h;
	size_t max_ids;
	void *shrunk;
	int err;

	memset(btf, 0, sizeof(*btf));
	err = take_bytes(btf, bytes, size, copy, d);
	if (err)
		goto fail;
	h = (const void *)btf->bytes;
	/* One allocation: types[] followed by the kind bytes.  No record is
	 * shorter than a btf_type, so type_len / 12 + 1 ids is an upper bound;
	 * pages past the real count are never touched, and the realloc at the
	 * end keeps just types[nr_types]. */
	max_ids = h->type_len / sizeof(struct btf_type) + 1;
	btf->types = malloc(max_ids * (sizeof(*btf->types) + 1));
	if (!btf->types) {
		err = rl_err(d, ENOMEM, "BTF: cannot allocate the type table (%zu ids)", max_ids);
		goto fail;
	}
	btf->types[0] = NULL;
	c.kind = (uint8_t *)(btf->types + max_ids);
	c.kind[0] = BTF_KIND_UNKN;     /* void: PTR -> 0 is "pointer to void" */
	err = walk_types(&c, btf->bytes + h->hdr_len + h->type_off, h->type_len);
	if (!err && c.max_ref >= btf->nr_types)
		err = report_bad_ref(&c);
	if (!err)
		err = check_targets(&c);
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
