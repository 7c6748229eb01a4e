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

#define BYTES(b) (0x0101010101010101ull * (uint8_t)(b))

/* Set the top bit of every byte of w that equals c, exactly (the classic
 * "has zero byte" trick, in its carry-free form). */
static uint64_t bytes_equal(uint64_t w, char c)
{
	uint64_t x = w ^ BYTES(c);                      /* matching bytes -> 0 */

	return ~(((x & BYTES(0x7f)) + BYTES(0x7f)) | x) & BYTES(0x80);
}

/* s[0..n), n < 8, as a zero-padded little-endian word.  When `room` says
 * eight bytes may be read (true for all but the last few strings of a
 * string section), one load and a mask; otherwise a byte at a time. */
static uint64_t load_tail(const char *s, size_t n, size_t room)
{
	uint64_t w = 0;

	if (room >= 8) {
		memcpy(&w, s, 8);
		return w & ((1ull << (8 * n)) - 1);
	}
	while (n--)
		w = w << 8 | (uint8_t)s[n];
	return w;
}

/* One pass over name[0..len), eight bytes per step: hash it (xor a word in,
 * multiply by a large odd constant, fold: FNV-1a's idea a word at a time)
 * and tell whether it contains "___".  `room` bytes from `name` may be
 * read.  This runs for each of the kernel's ~70k names when the index is
 * built, so it avoids byte loops.  Assumes a little-endian host, as the
 * rest of the BTF reader does. */
static uint32_t hash_name(const char *name, size_t len, size_t room, bool *has_triple_underscore)
{
	const uint64_t mul = 0x9e3779b97f4a7c15ull;    /* 2^64 / golden ratio */
	uint64_t h = len * mul, w, m, prev = 0, triple = 0;

	for (size_t i = 0; i < len; i += 8) {
		if (len - i >= 8)
			memcpy(&w, name + i, 8);
		else
			w = load_tail(name + i, len - i, room - i);
		/* byte k's flag is bit 8k+7: '_' at k, k-1 and k-2, where k-1
		 * and k-2 may be the last bytes of the previous word */
		m = bytes_equal(w, '_');
		triple |= m & ((m << 8) | (prev >> 56)) & ((m << 16) | (prev >> 48));
		prev = m;
		h = (h ^ w) * mul;
		h ^= h >> 29;
	}
	*has_triple_underscore = triple != 0;
	return (uint32_t)(h ^ (h >> 32));
}

size_t rl_btf_essential_name_len(const char *name)
{
	size_t len = strlen(name);
	bool triple;

	hash_name(name, len, len + 1, &triple);
	if (!triple || len < 5) /* almost every name; "x___y" is the shortest flavor */
		return len;
	for (size_t i = len - 4; i > 0; i--)
		if (is_flavor_sep(name, i))
			return i;
	return len;
}

/* Hash of the essential name: the key of the index. */
static uint32_t essential_hash(const char *name, size_t ess_len)
{
	bool triple;

	return hash_name(name, ess_len, ess_len, &triple);
}

/* The same for the name at `off` in the string section, in one pass when
 * (as almost always) it has no flavor suffix. */
static uint32_t name_hash(const struct rl_btf *btf, uint32_t off)
{
	const char *name = btf->strs + off;
	size_t len = strlen(name);
	bool triple;
	uint32_t h = hash_name(name, len, btf->strs_len - off, &triple);

	if (!triple)
		return h;
	return essential_hash(name, rl_btf_essential_name_len(name));
}

/* The kernel's ~70k names are spread over 2.5 MB of strings and the
 * table is 1 MB, so most reads and writes here miss the cache.  Waiting for
 * each miss in turn would be most of the cost; instead we ask for a name
 * AHEAD types early, and keep AHEAD hashed entries in a small queue whose
 * table slots are being fetched while later names are hashed. */
#define AHEAD 16

struct named_type {
	uint32_t id, hash;
};

static void insert_slot(uint32_t *tab, uint32_t mask, struct named_type e)
{
	uint32_t slot = e.hash & mask;

	while (tab[2 * slot])           /* linear probing: the next free slot */
		slot = (slot + 1) & mask;
	tab[2 * slot] = e.id;
	tab[2 * slot + 1] = e.hash;
}

static bool build_name_index(struct rl_btf *btf)
{
	struct named_type queue[AHEAD];
	uint32_t named = 0, cap = 16, mask, *tab, pos = 0, queued = 0;

	for (uint32_t id = 1; id < btf->nr_types; id++)
		named += btf->types[id]->name_off != 0;
	while (cap < named + named / 3)         /* load factor <= 3/4 */
		cap *= 2;
	tab = calloc((size_t)cap * 2, sizeof(uint32_t));
	if (!tab)
		return false;
	mask = cap - 1;
	/* In id order, through the FIFO, so equal names go in lowest id first;
	 * queue[pos % AHEAD] is the oldest entry once the queue is full. */
	for (uint32_t id = 1; id < btf->nr_types; id++) {
		uint32_t off = btf->types[id]->name_off;
		struct named_type e;

		if (id + AHEAD < btf->nr_types)
			__builtin_prefetch(btf->strs + btf->types[id + AHEAD]->name_off);
		if (!off)
			continue;
		e = (struct named_type){ id, name_hash(btf, off) };
		__builtin_prefetch(&tab[2 * (e.hash & mask)], 1);
		if (queued == AHEAD)
			insert_slot(tab, mask, queue[pos % AHEAD]);
		else
			queued++;
		queue[pos++ % AHEAD] = e;
	}
	for (uint32_t i = pos - queued; i < pos; i++)
		insert_slot(tab, mask, queue[i % AHEAD]);
	btf->name_index = tab;
	btf->name_index_cap = cap;
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
	h = essential_hash(q->name, q->ess_len);
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
 * symbol, and sort the entries by offset.  VARs with linkage
 * BTF_VAR_GLOBAL_EXTERN (externs in .kconfig), which the kernel refuses
 * outright ("Linkage not supported", btf_var_check_meta), become
 * BTF_VAR_GLOBAL_ALLOCATED once the loader's callbacks have placed them.
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
		      " (externs the object never references?)" : "");
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
		/* an extern the loader gave storage to (.kconfig) is a plain
		 * global now; the kernel refuses extern linkage */
		if (((const struct btf_var *)(var + 1))->linkage == BTF_VAR_GLOBAL_EXTERN)
			((struct btf_var *)(var + 1))->linkage = BTF_VAR_GLOBAL_ALLOCATED;
	}
	qsort(v, rl_btf_vlen(t), sizeof(*v), vsi_by_offset);
	for (uint32_t i = 1; i < rl_btf_vlen(t); i++)
		if (v[i].size && (uint64_t)v[i - 1].offset + v[i - 1].size > v[i].offset)
			return rl_err(d, EINVAL, "BTF type [%u] DATASEC '%s': variables '%s' and '%s' overlap at offset %u",
				      id, sec, rl_btf_type_name(btf, v[i - 1].type),
				      rl_btf_type_name(btf, v[i].type), v[i].offset);
	return 0;
}

/* ".ksyms" has no storage: the kernel variables and functions its entries
 * stand for are reached through ld_imm64 / call BTF ids, not through the
 * DATASEC.  But BPF_BTF_LOAD would check it: each entry must be a VAR of
 * non-zero size (btf_datasec_check_meta), and a kfunc's entry is a FUNC.
 * So the record becomes an anonymous STRUCT of 4-byte ints at offset 0 (a
 * STRUCT member is the same 12 bytes as a DATASEC entry, so the bytes keep
 * their layout), each extern VAR an allocated int, each kfunc FUNC static.  Nothing refers to
 * either; the programs' ld_imm64 and calls carry the kernel's ids. */
static int fixup_ksyms(struct rl_btf *btf, uint32_t id, struct btf_type *t, struct rl_diag *d)
{
	struct btf_member *m = (void *)(t + 1);
	uint32_t int_id = 0;

	for (uint32_t i = 1; i < btf->nr_types && !int_id; i++) {
		const struct btf_type *c = btf->types[i];

		if (rl_btf_kind(c) == BTF_KIND_INT && c->size == 4 && !BTF_INT_OFFSET(*(const uint32_t *)(c + 1)))
			int_id = i;
	}
	if (!int_id)
		return rl_err(d, EINVAL, "BTF type [%u] DATASEC '.ksyms': the object's BTF has no 4-byte int to stand for its externs",
			      id);
	for (uint32_t i = 0; i < rl_btf_vlen(t); i++) {
		/* m[i] is the DATASEC entry { type, offset, size } until rewritten */
		struct btf_type *var = (struct btf_type *)rl_btf_type(btf, ((struct btf_var_secinfo *)&m[i])->type);

		if (var && rl_btf_kind(var) == BTF_KIND_VAR) {
			var->type = int_id;
			((struct btf_var *)(var + 1))->linkage = BTF_VAR_GLOBAL_ALLOCATED;
		} else if (var && rl_btf_kind(var) == BTF_KIND_FUNC) {
			/* BPF_BTF_LOAD refuses BTF_FUNC_EXTERN ("Invalid func
			 * linkage"); a static FUNC is a mere description */
			var->info &= ~0xffffu;
		}
		m[i].name_off = 0;
		m[i].type = int_id;
		m[i].offset = 0;
	}
	t->name_off = 0;
	t->info = ((uint32_t)BTF_KIND_STRUCT << 24) | rl_btf_vlen(t); /* kind_flag 0 */
	t->size = 4;
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
		if (!strcmp(sec, ".ksyms")) {
			err = fixup_ksyms(btf, id, t, d);
			if (err)
				return err;
			continue;
		}
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
