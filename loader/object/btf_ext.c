/* btf_ext.c - parse and validate .BTF.ext (layout in btf_ext.h).
 *
 * .BTF.ext is what the compiler knows about the *code*, keyed by ELF section
 * name and instruction offset, with all names in the .BTF string table:
 *
 *   +--------------------------+
 *   | header (24 or 32 bytes)  |  magic 0xeB9F, version 1, flags, hdr_len,
 *   |                          |  func_info off/len, line_info off/len,
 *   |                          |  [core_relo off/len when hdr_len >= 32]
 *   +--------------------------+  offsets count from here (end of header)
 *   | func_info block          |  u32 rec_size
 *   |                          |  { u32 sec_name_off; u32 num_info;
 *   |                          |    rec_size bytes x num_info } ...
 *   | line_info block          |  same shape, struct bpf_line_info records
 *   | core_relo block          |  same shape, struct bpf_core_relo records
 *   +--------------------------+
 *
 * func_info ties each BPF function's first instruction to its BTF FUNC;
 * line_info ties instructions to source lines (the verifier prints them in
 * its log); core_relo lists the CO-RE relocations.  The kernel takes the
 * first two in BPF_PROG_LOAD (func_info, line_info, *_rec_size); the
 * loader resolves the third itself.  There is no UAPI struct for the header,
 * hence the private one below.
 *
 * Records may sit at any 4-byte offset of the caller's buffer, so they are
 * read with memcpy into the UAPI structs, never through a cast.
 */
#include "btf_ext.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct ext_header {
	uint16_t magic;
	uint8_t version;
	uint8_t flags;
	uint32_t hdr_len;
	uint32_t func_info_off, func_info_len;
	uint32_t line_info_off, line_info_len;
	uint32_t core_relo_off, core_relo_len;   /* only when hdr_len >= 32 */
};
#define EXT_HDR_MIN offsetof(struct ext_header, core_relo_off)   /* 24 */

enum ext_kind { EXT_FUNC, EXT_LINE, EXT_CORE };

static const struct {
	const char *name;
	uint32_t min_rec;        /* the UAPI struct; rec_size may be larger */
} ext_kinds[] = {
	[EXT_FUNC] = { "func_info", sizeof(struct bpf_func_info) },   /* 8 */
	[EXT_LINE] = { "line_info", sizeof(struct bpf_line_info) },   /* 16 */
	[EXT_CORE] = { "core_relo", sizeof(struct bpf_core_relo) },   /* 16 */
};

static const char *const core_relo_kinds[] = {
	"byte_off", "byte_sz", "field_exists", "signed", "lshift_u64", "rshift_u64",
	"local_type_id", "target_type_id", "type_exists", "type_size",
	"enumval_exists", "enumval_value", "type_matches",
};

const char *rl_core_relo_kind_name(uint32_t kind)
{
	return kind <= RL_CORE_RELO_KIND_MAX ? core_relo_kinds[kind] : "unknown";
}

static uint32_t get_u32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

/* ".BTF.ext func_info: section 'xdp' record 3: " + the reason */
__attribute__((format(printf, 5, 6)))
static int rec_err(struct rl_diag *d, enum ext_kind k, const char *sec, uint32_t i, const char *fmt, ...)
{
	char why[RL_DIAG_MAX / 2];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	return rl_err(d, EINVAL, ".BTF.ext %s: section '%s' record %u: %s", ext_kinds[k].name, sec, i, why);
}

static bool str_ok(const struct rl_btf *btf, uint32_t off)
{
	return off < btf->strs_len;
}

static int check_func_info(const struct rl_btf *btf, const uint8_t *rec, const char *sec, uint32_t i,
			   struct rl_diag *d)
{
	struct bpf_func_info fi;
	const struct btf_type *t;

	memcpy(&fi, rec, sizeof(fi));
	if (fi.type_id >= btf->nr_types)
		return rec_err(d, EXT_FUNC, sec, i, "type id %u >= %u types", fi.type_id, btf->nr_types);
	t = rl_btf_type(btf, fi.type_id);
	if (!t || rl_btf_kind(t) != BTF_KIND_FUNC)
		return rec_err(d, EXT_FUNC, sec, i, "type [%u] is %s, expected a FUNC", fi.type_id,
			       t ? rl_btf_kind_name(rl_btf_kind(t)) : "void");
	return 0;
}

static int check_line_info(const struct rl_btf *btf, const uint8_t *rec, const char *sec, uint32_t i,
			   struct rl_diag *d)
{
	struct bpf_line_info li;

	memcpy(&li, rec, sizeof(li));
	if (!str_ok(btf, li.file_name_off))
		return rec_err(d, EXT_LINE, sec, i, "file name offset %u is outside the %u-byte BTF string section",
			       li.file_name_off, btf->strs_len);
	if (!str_ok(btf, li.line_off))
		return rec_err(d, EXT_LINE, sec, i, "source line offset %u is outside the %u-byte BTF string section",
			       li.line_off, btf->strs_len);
	return 0;
}

static int check_core_relo(const struct rl_btf *btf, const uint8_t *rec, const char *sec, uint32_t i,
			   struct rl_diag *d)
{
	struct bpf_core_relo cr;

	memcpy(&cr, rec, sizeof(cr));
	if (cr.type_id >= btf->nr_types)
		return rec_err(d, EXT_CORE, sec, i, "type id %u >= %u types", cr.type_id, btf->nr_types);
	/* "0:1:2": member indexes from the root type; never empty */
	if (!str_ok(btf, cr.access_str_off) || !btf->strs[cr.access_str_off])
		return rec_err(d, EXT_CORE, sec, i, "access string offset %u is not a string in the %u-byte BTF string section",
			       cr.access_str_off, btf->strs_len);
	if ((uint32_t)cr.kind > RL_CORE_RELO_KIND_MAX)
		return rec_err(d, EXT_CORE, sec, i, "relocation kind %u is unknown (last known: %u, type_matches)",
			       (uint32_t)cr.kind, RL_CORE_RELO_KIND_MAX);
	return 0;
}

/* Every record of every kind starts with insn_off, a byte offset. */
static int check_record(const struct rl_btf *btf, enum ext_kind k, const uint8_t *rec,
			const char *sec, uint32_t i, struct rl_diag *d)
{
	uint32_t insn_off = get_u32(rec);

	if (insn_off % sizeof(struct bpf_insn))
		return rec_err(d, k, sec, i, "insn_off %u is not a multiple of %zu (a byte offset of an instruction)",
			       insn_off, sizeof(struct bpf_insn));
	switch (k) {
	case EXT_FUNC:
		return check_func_info(btf, rec, sec, i, d);
	case EXT_LINE:
		return check_line_info(btf, rec, sec, i, d);
	default:
		return check_core_relo(btf, rec, sec, i, d);
	}
}

/* Walk one block.  With `info->secs` NULL, validate everything and count the
 * sections; with it allocated, just fill it in (second walk). */
static int walk_block(struct rl_btf_ext_info *info, enum ext_kind k, const uint8_t *p, uint32_t len,
		      const struct rl_btf *btf, struct rl_diag *d)
{
	const char *what = ext_kinds[k].name;
	uint32_t rec_size = info->rec_size, pos = 4, n = 0;

	while (pos < len) {
		uint32_t name_off, nr;
		const char *sec;

		if (len - pos < 8)
			return rl_err(d, EINVAL, ".BTF.ext %s: %u bytes at block offset %u, too few for a section header (8)",
				      what, len - pos, pos);
		name_off = get_u32(p + pos);
		nr = get_u32(p + pos + 4);
		pos += 8;
		if (!str_ok(btf, name_off) || !btf->strs[name_off])
			return rl_err(d, EINVAL, ".BTF.ext %s: section name offset %u is not a string in the %u-byte BTF string section",
				      what, name_off, btf->strs_len);
		sec = btf->strs + name_off;
		if (nr == 0)
			return rl_err(d, EINVAL, ".BTF.ext %s: section '%s' has 0 records", what, sec);
		if ((uint64_t)nr * rec_size > len - pos)
			return rl_err(d, EINVAL, ".BTF.ext %s: section '%s': %u records of %u bytes run past the block (%u bytes left)",
				      what, sec, nr, rec_size, len - pos);
		if (info->secs) {
			info->secs[n] = (struct rl_btf_ext_sec){ sec, nr, p + pos };
		} else {
			for (uint32_t i = 0; i < nr; i++) {
				int err = check_record(btf, k, p + pos + (size_t)i * rec_size, sec, i, d);

				if (err)
					return err;
			}
		}
		pos += nr * rec_size;
		n++;
	}
	info->nr_secs = n;
	return 0;
}

static int parse_block(struct rl_btf_ext_info *info, enum ext_kind k, const uint8_t *data, uint64_t avail,
		       uint32_t off, uint32_t len, const struct rl_btf *btf, struct rl_diag *d)
{
	const char *what = ext_kinds[k].name;
	const uint8_t *p = data + off;
	int err;

	if (len == 0)
		return 0;               /* no records of this kind */
	if (off > avail || len > avail - off)
		return rl_err(d, EINVAL, ".BTF.ext %s: block (off %u, len %u) runs past the %llu bytes after the header",
			      what, off, len, (unsigned long long)avail);
	if (off % 4)
		return rl_err(d, EINVAL, ".BTF.ext %s: block offset %u is not 4-byte aligned", what, off);
	if (len < 4)
		return rl_err(d, EINVAL, ".BTF.ext %s: block of %u bytes has no room for rec_size", what, len);
	info->rec_size = get_u32(p);
	/* A newer compiler may append fields (the kernel takes rec_size in
	 * BPF_PROG_LOAD); fewer bytes than the struct we read cannot work. */
	if (info->rec_size < ext_kinds[k].min_rec || info->rec_size % 4)
		return rl_err(d, EINVAL, ".BTF.ext %s: rec_size %u, expected a multiple of 4 and at least %u",
			      what, info->rec_size, ext_kinds[k].min_rec);
	err = walk_block(info, k, p, len, btf, d);
	if (err || info->nr_secs == 0)
		return err;
	info->secs = calloc(info->nr_secs, sizeof(*info->secs));
	if (!info->secs)
		return rl_err(d, ENOMEM, ".BTF.ext %s: cannot allocate %u sections", what, info->nr_secs);
	return walk_block(info, k, p, len, btf, d);
}

int rl_btf_ext_parse(struct rl_btf_ext *ext, const void *bytes, size_t size,
		     const struct rl_btf *btf, struct rl_diag *d)
{
	struct ext_header h = { 0 };
	const uint8_t *data;
	uint64_t avail;
	int err;

	memset(ext, 0, sizeof(*ext));
	if (size < EXT_HDR_MIN)
		return rl_err(d, EINVAL, ".BTF.ext header: only %zu bytes, the header needs at least %zu",
			      size, (size_t)EXT_HDR_MIN);
	memcpy(&h, bytes, size < sizeof(h) ? size : sizeof(h));
	if (h.magic != BTF_MAGIC)
		return rl_err(d, EINVAL, ".BTF.ext header: bad magic 0x%04x, expected 0x%04x%s", h.magic, BTF_MAGIC,
			      h.magic == 0x9feb ? " (big-endian .BTF.ext is not supported)" : "");
	if (h.version != BTF_VERSION)
		return rl_err(d, EINVAL, ".BTF.ext header: version %u, only version %u is known", h.version, BTF_VERSION);
	if (h.hdr_len < EXT_HDR_MIN || h.hdr_len > size)
		return rl_err(d, EINVAL, ".BTF.ext header: hdr_len %u, expected %zu..%zu (the section's size)",
			      h.hdr_len, (size_t)EXT_HDR_MIN, size);
	/* hdr_len 24: written before CO-RE existed, no core_relo fields */
	if (h.hdr_len < sizeof(h))
		h.core_relo_off = h.core_relo_len = 0;
	data = (const uint8_t *)bytes + h.hdr_len;
	avail = size - h.hdr_len;
	err = parse_block(&ext->func_info, EXT_FUNC, data, avail, h.func_info_off, h.func_info_len, btf, d);
	if (!err)
		err = parse_block(&ext->line_info, EXT_LINE, data, avail, h.line_info_off, h.line_info_len, btf, d);
	if (!err)
		err = parse_block(&ext->core_relo, EXT_CORE, data, avail, h.core_relo_off, h.core_relo_len, btf, d);
	if (err)
		rl_btf_ext_free(ext);
	return err;
}

void rl_btf_ext_free(struct rl_btf_ext *ext)
{
	free(ext->func_info.secs);
	free(ext->line_info.secs);
	free(ext->core_relo.secs);
	memset(ext, 0, sizeof(*ext));
}

const struct rl_btf_ext_sec *rl_btf_ext_find_sec(const struct rl_btf_ext_info *info, const char *sec_name)
{
	for (uint32_t i = 0; i < info->nr_secs; i++)
		if (!strcmp(info->secs[i].sec_name, sec_name))
			return &info->secs[i];
	return NULL;
}
