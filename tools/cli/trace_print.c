/* trace_print.c - one ring buffer record printed field by field, decoded
 * with the BTF type the program's object describes it with:
 *
 *   pid=4242 comm="cat" path="/etc/hostname"
 *
 * Integers by size and signedness (BTF_KIND_INT encoding), char arrays as
 * strings up to their NUL, other arrays as [a, b, ...], enums by name,
 * pointers in hex, nested structs and unions in { }.  Bitfields are read
 * from their bit offset.  Nothing past the record's length is read.
 */
#include "cli.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define MAX_DEPTH 6
#define MAX_ARRAY 16

static uint64_t read_uint(const uint8_t *p, uint32_t size)
{
	uint64_t v = 0;

	memcpy(&v, p, size > 8 ? 8 : size);   /* little endian, as the program wrote it */
	return v;
}

static int64_t sign_extend(uint64_t v, uint32_t bits)
{
	if (bits >= 64)
		return (int64_t)v;
	if (v & (1ull << (bits - 1)))
		return (int64_t)(v | ~((1ull << bits) - 1));
	return (int64_t)v;
}

static void print_string(FILE *f, const uint8_t *p, uint32_t n)
{
	fputc('"', f);
	for (uint32_t i = 0; i < n && p[i]; i++) {
		if (p[i] == '"' || p[i] == '\\')
			fprintf(f, "\\%c", p[i]);
		else if (p[i] >= 0x20 && p[i] < 0x7f)
			fputc(p[i], f);
		else
			fprintf(f, "\\x%02x", p[i]);
	}
	fputc('"', f);
}

static bool is_char(const struct rl_btf *btf, uint32_t id)
{
	const struct btf_type *t = rl_btf_type(btf, rl_btf_skip_mods(btf, id));

	return t && rl_btf_kind(t) == BTF_KIND_INT && t->size == 1;
}

static void print_value(FILE *f, const struct rl_btf *btf, uint32_t id, const uint8_t *p,
			uint32_t avail, int depth);

static void print_members(FILE *f, const struct rl_btf *btf, const struct btf_type *t,
			  const uint8_t *p, uint32_t avail, int depth, const char *sep)
{
	const struct btf_member *m = (const struct btf_member *)(t + 1);

	for (uint32_t i = 0; i < rl_btf_vlen(t); i++) {
		uint32_t bit = rl_btf_kflag(t) ? BTF_MEMBER_BIT_OFFSET(m[i].offset) : m[i].offset;
		uint32_t bits = rl_btf_kflag(t) ? BTF_MEMBER_BITFIELD_SIZE(m[i].offset) : 0;
		const char *name = rl_btf_str(btf, m[i].name_off);

		fprintf(f, "%s%s=", i ? sep : "", name[0] ? name : "(anon)");
		if (bit / 8 >= avail) {
			fputs("(past the record)", f);
			continue;
		}
		if (bits) {             /* a bitfield: read 8 bytes around it */
			uint64_t v = read_uint(p + bit / 8, avail - bit / 8 < 8 ? avail - bit / 8 : 8);

			fprintf(f, "%" PRIu64, (uint64_t)((v >> (bit % 8)) & ((1ull << bits) - 1)));
			continue;
		}
		print_value(f, btf, m[i].type, p + bit / 8, avail - bit / 8, depth + 1);
	}
}

static void print_value(FILE *f, const struct rl_btf *btf, uint32_t id, const uint8_t *p,
			uint32_t avail, int depth)
{
	uint32_t rid = rl_btf_skip_mods(btf, id);
	const struct btf_type *t = rl_btf_type(btf, rid);
	int64_t size = rl_btf_resolve_size(btf, rid);

	if (!t || size < 0 || depth > MAX_DEPTH) {
		fputs("?", f);
		return;
	}
	if ((uint64_t)size > avail) {
		fprintf(f, "(%" PRId64 " bytes, only %u in the record)", size, avail);
		return;
	}
	switch (rl_btf_kind(t)) {
	case BTF_KIND_INT: {
		uint32_t enc = *(const uint32_t *)(t + 1);
		uint64_t v = read_uint(p, t->size);

		if (BTF_INT_ENCODING(enc) & BTF_INT_BOOL)
			fputs(v ? "true" : "false", f);
		else if (BTF_INT_ENCODING(enc) & BTF_INT_SIGNED)
			fprintf(f, "%" PRId64, sign_extend(v, t->size * 8));
		else
			fprintf(f, "%" PRIu64, v);
		return;
	}
	case BTF_KIND_ENUM: {
		const struct btf_enum *e = (const struct btf_enum *)(t + 1);
		int64_t v = sign_extend(read_uint(p, t->size), t->size * 8);

		for (uint32_t i = 0; i < rl_btf_vlen(t); i++)
			if (e[i].val == v) {
				fputs(rl_btf_str(btf, e[i].name_off), f);
				return;
			}
		fprintf(f, "%" PRId64, v);
		return;
	}
	case BTF_KIND_PTR:
		fprintf(f, "0x%" PRIx64, read_uint(p, (uint32_t)size));
		return;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = (const struct btf_array *)(t + 1);
		int64_t esz = rl_btf_resolve_size(btf, a->type);

		if (is_char(btf, a->type)) {
			print_string(f, p, a->nelems);
			return;
		}
		fputc('[', f);
		for (uint32_t i = 0; esz > 0 && i < a->nelems && i < MAX_ARRAY; i++) {
			fputs(i ? ", " : "", f);
			print_value(f, btf, a->type, p + i * esz, avail - (uint32_t)(i * esz), depth + 1);
		}
		fputs(a->nelems > MAX_ARRAY ? ", ...]" : "]", f);
		return;
	}
	case BTF_KIND_STRUCT:
	case BTF_KIND_UNION:
		fputc('{', f);
		print_members(f, btf, t, p, avail, depth, ", ");
		fputc('}', f);
		return;
	}
	fprintf(f, "(%s, %" PRId64 " bytes)", rl_btf_kind_name(rl_btf_kind(t)), size);
}

void cli_print_record(FILE *f, const struct rl_btf *btf, uint32_t type_id, const void *rec,
		      uint32_t len)
{
	const struct btf_type *t = rl_btf_type(btf, rl_btf_skip_mods(btf, type_id));

	if (t && (rl_btf_kind(t) == BTF_KIND_STRUCT || rl_btf_kind(t) == BTF_KIND_UNION))
		print_members(f, btf, t, rec, len, 0, " ");
	else
		print_value(f, btf, type_id, rec, len, 0);
	fputc('\n', f);
	fflush(f);
}
