/* object_ext.c - which .BTF.ext records belong to which function.
 *
 * .BTF.ext groups its records (func_info, line_info, CO-RE relocations) by
 * ELF section name, and inside a section they carry byte offsets.  The
 * linker and the CO-RE step ask, for every function, "which records are
 * mine?".  Answering that by scanning is programs x records; instead we
 * find each function's range once, at parse time:
 *
 *   section names  --sorted index, binary search-->  the function's section
 *   record offsets --binary search (if sorted)---->  [first, first+count)
 *
 * LLVM writes each section's records in instruction order; if an object's
 * are not, the range falls back to the whole section and consumers filter.
 */
#include "object_internal.h"

#include <errno.h>
#include <stdlib.h>

const struct rl_btf_ext_info *rl_object_ext_info(const struct rl_object_spec *obj, int kind)
{
	switch (kind) {
	case RL_EXT_FUNC: return &obj->btf_ext.func_info;
	case RL_EXT_LINE: return &obj->btf_ext.line_info;
	default:          return &obj->btf_ext.core_relo;
	}
}

static const struct rl_btf_ext_info *sort_ctx; /* qsort has no context argument in C11 */

static int cmp_sec_name(const void *a, const void *b)
{
	return strcmp(sort_ctx->secs[*(const uint32_t *)a].sec_name,
		      sort_ctx->secs[*(const uint32_t *)b].sec_name);
}

static int32_t find_sec(const struct rl_btf_ext_info *info, const uint32_t *by_name,
			const char *name)
{
	uint32_t lo = 0, hi = info->nr_secs;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		int c = strcmp(info->secs[by_name[mid]].sec_name, name);

		if (c == 0)
			return (int32_t)by_name[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}

static uint32_t rec_off(const struct rl_btf_ext_info *info, const struct rl_btf_ext_sec *sec,
			uint32_t i)
{
	uint32_t off;

	memcpy(&off, rl_btf_ext_rec(info, sec, i), sizeof(off)); /* insn_off leads every record */
	return off;
}

static bool recs_sorted(const struct rl_btf_ext_info *info, const struct rl_btf_ext_sec *sec)
{
	for (uint32_t i = 1; i < sec->nr_recs; i++)
		if (rec_off(info, sec, i - 1) > rec_off(info, sec, i))
			return false;
	return true;
}

/* first record whose byte offset is >= off */
static uint32_t lower_bound(const struct rl_btf_ext_info *info, const struct rl_btf_ext_sec *sec,
			    uint64_t off)
{
	uint32_t lo = 0, hi = sec->nr_recs;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;

		if (rec_off(info, sec, mid) < off)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static void set_range(const struct rl_btf_ext_info *info, int32_t s, bool sorted,
		      struct rl_prog_spec *p, int kind)
{
	struct rl_ext_range *r = &p->ext[kind];
	const struct rl_btf_ext_sec *sec;
	uint64_t start = (uint64_t)p->sec_insn_off * 8, end = start + (uint64_t)p->insn_cnt * 8;

	r->sec = s;
	r->first = r->count = 0;
	if (s < 0)
		return;
	sec = &info->secs[s];
	if (!sorted) {
		r->count = sec->nr_recs;
		return;
	}
	r->first = lower_bound(info, sec, start);
	r->count = lower_bound(info, sec, end) - r->first;
}

static int index_kind(struct rl_object_spec *obj, int kind, struct rl_diag *d)
{
	const struct rl_btf_ext_info *info = rl_object_ext_info(obj, kind);
	uint32_t *by_name = NULL, prev_sec = UINT32_MAX;
	int32_t s = -1;
	bool sorted = true;

	if (info->nr_secs) {
		by_name = malloc(info->nr_secs * sizeof(*by_name));
		if (!by_name)
			return rl_err(d, ENOMEM, "out of memory for the .BTF.ext index");
		for (uint32_t i = 0; i < info->nr_secs; i++)
			by_name[i] = i;
		sort_ctx = info;
		qsort(by_name, info->nr_secs, sizeof(*by_name), cmp_sec_name);
	}
	/* progs[] is sorted by section: look each section up once */
	for (uint32_t i = 0; i < obj->nr_progs; i++) {
		struct rl_prog_spec *p = &obj->progs[i];

		if (p->sec_idx != prev_sec) {
			prev_sec = p->sec_idx;
			s = by_name ? find_sec(info, by_name, p->sec_name) : -1;
			sorted = s < 0 || recs_sorted(info, &info->secs[s]);
		}
		set_range(info, s, sorted, p, kind);
	}
	free(by_name);
	return 0;
}

int rl_object_index_ext(struct rl_object_spec *obj, struct rl_diag *d)
{
	int err = 0;

	for (uint32_t i = 0; i < obj->nr_progs; i++)
		for (int k = 0; k < RL_EXT_KINDS; k++)
			obj->progs[i].ext[k] = (struct rl_ext_range){ -1, 0, 0 };
	if (!obj->has_btf_ext)
		return 0;
	for (int k = 0; k < RL_EXT_KINDS && !err; k++)
		err = index_kind(obj, k, d);
	return err;
}

uint32_t rl_prog_ext_count(const struct rl_object_spec *obj, const struct rl_prog_spec *p, int kind)
{
	const struct rl_btf_ext_info *info = rl_object_ext_info(obj, kind);
	const struct rl_ext_range *r = &p->ext[kind];
	uint64_t start = (uint64_t)p->sec_insn_off * 8, end = start + (uint64_t)p->insn_cnt * 8;
	uint32_t n = 0;

	if (!obj->has_btf_ext || r->sec < 0)
		return 0;
	/* the range may be the whole section (records out of order): filter */
	for (uint32_t i = r->first; i < r->first + r->count; i++) {
		uint32_t off = rec_off(info, &info->secs[r->sec], i);

		n += off >= start && off < end;
	}
	return n;
}
