/* btf_query.c - questions asked of a parsed BTF view (btf.h): what is under
 * the typedefs, how big is it, which ids have this name; and the one edit the
 * loader makes before BPF_BTF_LOAD, the DATASEC fix-up.
 *
 * The name index is an open-addressing hash table (linear probing) built on
 * the first lookup.  Each slot is two u32s, [id, hash of the essential name]:
 *
 *   name_index: | id | hash | id | hash | 0 | 0 | id | hash | ...
 *                 slot 0      slot 1      empty   slot 3
 *
 * The key is the CO-RE *essential* name, the name without a "___flavor"
 * suffix (task_struct___v1 -> task_struct), so one table answers both "the
 * type called exactly X" and "every type that is a flavor of X".  Types are
 * inserted in id order, and with linear probing (no deletions) a later insert
 * never lands before an earlier one on the same probe path: a lookup meets
 * equal names lowest id first.
 */
#include "btf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- following references ------------------------------------------------ */

static bool is_modifier(uint32_t kind)
{
	return kind == BTF_KIND_TYPEDEF || kind == BTF_KIND_VOLATILE || kind == BTF_KIND_CONST ||
	       kind == BTF_KIND_RESTRICT || kind == BTF_KIND_TYPE_TAG;
}

uint32_t rl_btf_skip_mods(const struct rl_btf *btf, uint32_t id)
{
	/* rl_btf_parse rejected loops, so the bound only guards bad callers */
	for (int depth = 0; depth < RL_BTF_MAX_DEPTH; depth++) {
		const struct btf_type *t = rl_btf_type(btf, id);

		if (!t || !is_modifier(rl_btf_kind(t)))
			break;
		id = t->type;
	}
	return id;
}

/* BTF does not record the pointer size; BPF and the 64-bit kernels whose
 * BTF we read both use 8 bytes. */
#define BTF_PTR_SIZE 8

int64_t rl_btf_resolve_size(const struct rl_btf *btf, uint32_t id)
{
	uint64_t nelems = 1;

	for (int depth = 0; depth < RL_BTF_MAX_DEPTH; depth++) {
		const struct btf_type *t = rl_btf_type(btf, id);
		const struct btf_array *a;
		uint64_t size;

		if (!t)
			return -EINVAL;         /* void or out of range */
		switch (rl_btf_kind(t)) {
		case BTF_KIND_INT: case BTF_KIND_ENUM: case BTF_KIND_ENUM64: case BTF_KIND_FLOAT:
		case BTF_KIND_STRUCT: case BTF_KIND_UNION: case BTF_KIND_DATASEC:
			size = t->size;
			break;
		case BTF_KIND_PTR:
			size = BTF_PTR_SIZE;
			break;
		case BTF_KIND_TYPEDEF: case BTF_KIND_VOLATILE: case BTF_KIND_CONST:
		case BTF_KIND_RESTRICT: case BTF_KIND_TYPE_TAG: case BTF_KIND_VAR:
			id = t->type;
			continue;
		case BTF_KIND_ARRAY:
			a = (const void *)(t + 1);
			nelems *= a->nelems;    /* <= 2^32 * 2^32: no wrap before the check */
			if (nelems > UINT32_MAX)
				return -E2BIG;
			id = a->type;
			continue;
		default:                        /* FWD, FUNC, FUNC_PROTO, DECL_TAG */
			return -EINVAL;
		}
		/* the kernel keeps type sizes in u32 (btf_resolved_type_size) */
		return nelems * size > UINT32_MAX ? -E2BIG : (int64_t)(nelems * size);
	}
	return -ELOOP;
}

/* ---- names ---------------------------------------------------------------- */

/* A flavor separator is exactly "___" between two non-'_' characters; the
 * essential name ends before the last one (libbpf's CO-RE convention). */
static bool is_flavor_sep(const char *name, size_t i)
{
	return i > 0 && name[i - 1] != '_' && name[i] == '_' && name[i + 1] == '_' &&
	       name[i + 2] == '_' && name[i + 3] != '\0' && name[i + 3] != '_';
}

size_t rl_btf_essential_name_len(const char *name)
{
	size_t len = strlen(name);

	/* almost no name has "___": let libc's strstr rule it out quickly */
	if (len < 5 || !strstr(name, "___"))
		return len;
	for (size_t i = len - 4; i > 0; i--)
		if (is_flavor_sep(name, i))
			return i;
	return len;
}

/* Hash `len` bytes eight at a time: xor a word in, multiply by a large odd
 * constant, fold the high bits down.  The same idea as FNV-1a, a word per
 * step instead of a byte, which matters when indexing ~70k kernel names. */
static uint32_t hash_bytes(const char *s, size_t len)
{
	const uint64_t mul = 0x9e3779b97f4a7c15ull;   /* 2^64 / golden ratio */
	uint64_t h = len * mul, w;

	for (; len >= 8; s += 8, len -= 8) {
		memcpy(&w, s, 8);
		h = (h ^ w) * mul;
		h ^= h >> 29;
	}
	if (len) {
		w = 0;
		memcpy(&w, s, len);
		h = (h ^ w) * mul;
		h ^= h >> 29;
	}
	return (uint32_t)(h ^ (h >> 32));
}

static uint32_t essential_hash(const char *name)
{
	return hash_bytes(name, rl_btf_essential_name_len(name));
}

/* Read ahead this many entries.  The kernel's names are spread over 2.5 MB
 * of strings and the table is 1 MB: waiting for each cache miss in turn
 * would be most of the cost, asking for the next ones early overlaps them. */
#define PREFETCH_AHEAD 16

struct named_type {
	uint32_t id, hash;
};

static bool build_name_index(struct rl_btf *btf)
{
	uint32_t n = 0, cap = 16, mask, *tab;
	struct named_type *named;

	/* 1: hash every named type, in id order */
	named = malloc((size_t)btf->nr_types * sizeof(*named));
	if (!named)
		return false;
	for (uint32_t id = 1; id < btf->nr_types; id++) {
		uint32_t off = btf->types[id]->name_off;

		if (id + PREFETCH_AHEAD < btf->nr_types)
			__builtin_prefetch(btf->strs + btf->types[id + PREFETCH_AHEAD]->name_off);
		if (off)
			named[n++] = (struct named_type){ id, essential_hash(btf->strs + off) };
	}
	/* 2: insert them, still in id order (see the top of the file) */
	while (cap < n + n / 3)         /* load factor <= 3/4 */
		cap *= 2;
	btf->name_index = calloc((size_t)cap * 2, sizeof(uint32_t));
	if (!btf->name_index) {
		free(named);
		return false;
	}
	btf->name_index_cap = cap;
	tab = btf->name_index;
	mask = cap - 1;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t slot = named[i].hash & mask;

		if (i + PREFETCH_AHEAD < n)
			__builtin_prefetch(&tab[2 * (named[i + PREFETCH_AHEAD].hash & mask)], 1);
		while (tab[2 * slot])   /* linear probing: the next free slot */
			slot = (slot + 1) & mask;
		tab[2 * slot] = named[i].id;
		tab[2 * slot + 1] = named[i].hash;
	}
	free(named);
	return true;
}

/* What a lookup wants: exact name (and maybe kind), or a flavor family. */
struct name_query {
	const char *name;
	size_t ess_len;          /* essential length of `name` */
	int64_t kind;            /* -1: any kind */
	bool essential;          /* match on essential names only */
};

static bool query_matches(const struct rl_btf *btf, uint32_t id, const struct name_query *q)
{
	const struct btf_type *t = btf->types[id];
	const char *name = btf->strs + t->name_off;

	if (q->kind >= 0 && rl_btf_kind(t) != (uint32_t)q->kind)
		return false;
	if (!q->essential)
		return strcmp(name, q->name) == 0;
	return strncmp(name, q->name, q->ess_len) == 0 &&
	       rl_btf_essential_name_len(name) == q->ess_len;
}

/* Fill ids[] (up to max) in ascending id order; return how many match in
 * all.  Without an index (allocation failed) fall back to a linear scan,
 * which gives the same answer, only slower. */
static uint32_t collect(struct rl_btf *btf, const struct name_query *q, uint32_t *ids, uint32_t max)
{
	uint32_t n = 0, h, mask;

	if (!q->name[0] || btf->nr_types == 0)
		return 0;           /* anonymous types are not indexed */
	if (!btf->name_index && !build_name_index(btf)) {
		for (uint32_t id = 1; id < btf->nr_types; id++)
			if (btf->types[id]->name_off && query_matches(btf, id, q) && n++ < max)
				ids[n - 1] = id;
		return n;
	}
	h = hash_bytes(q->name, q->ess_len);
	mask = btf->name_index_cap - 1;
	for (uint32_t i = h & mask; btf->name_index[2 * i]; i = (i + 1) & mask) {
		uint32_t id = btf->name_index[2 * i];

		if (btf->name_index[2 * i + 1] == h && query_matches(btf, id, q) && n++ < max)
			ids[n - 1] = id;
	}
	return n;
}

uint32_t rl_btf_find_by_name_kind(struct rl_btf *btf, const char *name, uint32_t kind)
{
	struct name_query q = { name, rl_btf_essential_name_len(name), kind, false };
	uint32_t id = 0;

	collect(btf, &q, &id, 1);
	return id;
}

uint32_t rl_btf_find_all_by_name(struct rl_btf *btf, const char *name, uint32_t *ids, uint32_t max)
{
	struct name_query q = { name, rl_btf_essential_name_len(name), -1, false };

	return collect(btf, &q, ids, max);
}

uint32_t rl_btf_find_all_by_essential_name(struct rl_btf *btf, const char *name,
					   uint32_t *ids, uint32_t max)
{
	struct name_query q = { name, rl_btf_essential_name_len(name), -1, true };

	return collect(btf, &q, ids, max);
}

/* ---- DATASEC fix-up ---------------------------------------------------------
 *
 * The compiler emits each DATASEC (.data, .bss, .rodata, .maps, license, ...)
 * with size 0 and every variable at offset 0: section layout is the
 * linker's business, not codegen's.  What the kernel's
 * btf_datasec_check_meta demands before BPF_BTF_LOAD succeeds:
 *   - t->size != 0, whatever vlen is (a DATASEC with no variables, e.g.
 *     .rodata.str1.1 holding only string literals, still needs its size);
 *   - entries in ascending offset order without overlap
 *     (offset >= end of the previous entry: "Invalid offset");
 *   - each entry inside the section (offset + size <= t->size);
 *   - each VAR entry with size != 0 (the compiler already wrote the size).
 * So we take the size from the ELF section, each offset from the variable's
 * symbol, and sort the entries by offset.  Not handled here: VARs with
 * linkage BTF_VAR_GLOBAL_EXTERN (externs in .kconfig/.ksyms), which the
 * kernel refuses outright ("Linkage not supported", btf_var_check_meta);
 * a loader supporting externs must rewrite them first.
 */

static int vsi_by_offset(const void *a, const void *b)
{
	const struct btf_var_secinfo *x = a, *y = b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

static int no_section_err(struct rl_diag *d, uint32_t id, const char *sec, int err)
{
	if (err != -ENOENT)
		return rl_err(d, err, "BTF type [%u] DATASEC '%s': cannot get the size of section '%s' (error %d)",
			      id, sec, sec, err);
	return rl_err(d, EINVAL, "BTF type [%u] DATASEC '%s': the object has no section '%s' to take its size from, "
		      "and the kernel rejects a DATASEC of size 0%s", id, sec, sec,
		      !strcmp(sec, ".kconfig") || !strcmp(sec, ".ksyms") ?
		      " (extern variables in .kconfig/.ksyms are not supported)" : "");
}

static int place_vars(struct rl_btf *btf, uint32_t id, struct btf_type *t,
		      const struct rl_btf_fixup_ops *ops, struct rl_diag *d)
{
	struct btf_var_secinfo *v = (void *)(t + 1);
	const char *sec = rl_btf_str(btf, t->name_off);

	for (uint32_t i = 0; i < rl_btf_vlen(t); i++) {
		const struct btf_type *var = rl_btf_type(btf, v[i].type);
		const char *name = rl_btf_str(btf, var->name_off);
		uint32_t off;
		int err;

		if (rl_btf_kind(var) != BTF_KIND_VAR)
			continue;       /* a kfunc's FUNC entry in .ksyms has no storage */
		err = ops->symbol_offset(ops->ctx, sec, name, &off);
		if (err)
			return rl_err(d, err == -ENOENT ? EINVAL : -err,
				      "BTF type [%u] DATASEC '%s': variable '%s' has no symbol in section '%s'",
				      id, sec, name, sec);
		if (off > t->size || v[i].size > t->size - off)
			return rl_err(d, EINVAL, "BTF type [%u] DATASEC '%s': variable '%s' (offset %u, size %u) "
				      "runs past the section's %u bytes", id, sec, name, off, v[i].size, t->size);
		v[i].offset = off;
	}
	qsort(v, rl_btf_vlen(t), sizeof(*v), vsi_by_offset);
	for (uint32_t i = 1; i < rl_btf_vlen(t); i++)
		if (v[i].size && (uint64_t)v[i - 1].offset + v[i - 1].size > v[i].offset)
			return rl_err(d, EINVAL, "BTF type [%u] DATASEC '%s': variables '%s' and '%s' overlap at offset %u",
				      id, sec, rl_btf_type_name(btf, v[i - 1].type),
				      rl_btf_type_name(btf, v[i].type), v[i].offset);
	return 0;
}

int rl_btf_fixup_datasec(struct rl_btf *btf, const struct rl_btf_fixup_ops *ops, struct rl_diag *d)
{
	if (btf->nr_types && !btf->owned)
		return rl_err(d, EINVAL, "BTF: the DATASEC fix-up edits the bytes, parse with copy=true first");
	for (uint32_t id = 1; id < btf->nr_types; id++) {
		/* owned: these bytes are our malloc'ed copy, so writing is fine */
		struct btf_type *t = (struct btf_type *)btf->types[id];
		const char *sec = rl_btf_str(btf, t->name_off);
		uint32_t size = 0;
		int err;

		if (rl_btf_kind(t) != BTF_KIND_DATASEC || t->size)
			continue;       /* laid out already (kernel BTF, newer compilers) */
		err = ops->section_size(ops->ctx, sec, &size);
		if (err)
			return no_section_err(d, id, sec, err);
		if (size == 0)
			return rl_err(d, EINVAL, "BTF type [%u] DATASEC '%s': section '%s' is empty, "
				      "and the kernel rejects a DATASEC of size 0", id, sec, sec);
		t->size = size;
		err = place_vars(btf, id, t, ops, d);
		if (err)
			return err;
	}
	return 0;
}
