/* object_maps.c - the maps an object defines, in its three dialects.
 *
 * 1. BTF-defined maps, SEC(".maps").  The compiler emits no map data; the
 *    definition lives in the *types*.  Each map is a VAR in the ".maps"
 *    DATASEC whose type is an anonymous struct, and each member encodes one
 *    attribute by convention:
 *
 *      __uint(max_entries, 64)   ->  int (*max_entries)[64]   PTR -> ARRAY, nelems = 64
 *      __type(key, struct k)     ->  struct k *key            PTR -> the key type
 *      __array(values, ...)      ->  T *values[]              ARRAY of PTR (initialisers)
 *
 *    so "reading the map definition" means walking BTF, not bytes.
 * 2. Legacy maps, SEC("maps"): an array of struct bpf_map_def
 *    { u32 type, key_size, value_size, max_entries, map_flags; } in the bytes.
 * 3. Global data: .data, .rodata*, .bss each become a one-entry ARRAY whose
 *    value is the whole section; code reaches it with BPF_PSEUDO_MAP_VALUE.
 */
#include "object_internal.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>

/* The symbols of one section sorted by name, so each BTF map finds its
 * symbol by binary search (maps x symbols would be quadratic). */
struct sym_index {
	const struct rl_elf_symbol **syms;
	uint32_t n;
};

static int cmp_sym_name(const void *a, const void *b)
{
	return strcmp((*(const struct rl_elf_symbol *const *)a)->name,
		      (*(const struct rl_elf_symbol *const *)b)->name);
}

static int sym_index_build(struct sym_index *ix, const struct rl_elf *elf, uint32_t shndx,
			   struct rl_diag *d)
{
	ix->n = 0;
	ix->syms = malloc((elf->nr_symbols + 1) * sizeof(*ix->syms));
	if (!ix->syms)
		return rl_err(d, ENOMEM, "out of memory for the symbol index");
	for (uint32_t i = 0; i < elf->nr_symbols; i++)
		if (elf->symbols[i].shndx == shndx && elf->symbols[i].type != STT_SECTION)
			ix->syms[ix->n++] = &elf->symbols[i];
	qsort(ix->syms, ix->n, sizeof(*ix->syms), cmp_sym_name);
	return 0;
}

static const struct rl_elf_symbol *sym_index_find(const struct sym_index *ix, const char *name)
{
	struct rl_elf_symbol key = { .name = name };
	const struct rl_elf_symbol *kp = &key, *const *hit;

	hit = bsearch(&kp, ix->syms, ix->n, sizeof(*ix->syms), cmp_sym_name);
	return hit ? *hit : NULL;
}

static struct rl_map_spec *new_map(struct rl_object_spec *obj, uint32_t *cap, struct rl_diag *d)
{
	struct rl_map_spec *m;

	if (obj->nr_maps == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 8;
		struct rl_map_spec *n = realloc(obj->maps, ncap * sizeof(*n));

		if (!n) {
			rl_err(d, ENOMEM, "out of memory for %u maps", ncap);
			return NULL;
		}
		obj->maps = n;
		*cap = ncap;
	}
	m = &obj->maps[obj->nr_maps++];
	memset(m, 0, sizeof(*m));
	m->inner_idx = -1;
	return m;
}

/* __uint(name, N) is encoded as PTR -> ARRAY[N]: read N back. */
static int btf_uint_member(const struct rl_btf *btf, uint32_t type_id, uint32_t *val)
{
	const struct btf_type *t = rl_btf_type(btf, type_id);
	const struct btf_array *arr;

	if (!t || rl_btf_kind(t) != BTF_KIND_PTR)
		return -EINVAL;
	t = rl_btf_type(btf, t->type);
	if (!t || rl_btf_kind(t) != BTF_KIND_ARRAY)
		return -EINVAL;
	arr = (const struct btf_array *)(t + 1);
	*val = arr->nelems;
	return 0;
}

/* __type(key, T) is encoded as PTR -> T. */
static int btf_type_member(const struct rl_btf *btf, uint32_t type_id, uint32_t *target,
			   uint32_t *size)
{
	const struct btf_type *t = rl_btf_type(btf, type_id);
	int64_t sz;

	if (!t || rl_btf_kind(t) != BTF_KIND_PTR)
		return -EINVAL;
	sz = rl_btf_resolve_size(btf, t->type);
	if (sz < 0 || sz > UINT32_MAX)
		return -EINVAL;
	*target = t->type;
	*size = (uint32_t)sz;
	return 0;
}

static int parse_btf_map_def(struct rl_object_spec *obj, struct rl_map_spec *m,
			     uint32_t struct_id, uint32_t *cap, struct rl_diag *d);

/* `values` member of a map-in-map: ARRAY of PTR -> inner definition struct. */
static int parse_inner_def(struct rl_object_spec *obj, struct rl_map_spec *outer_in,
			   uint32_t values_type, uint32_t *cap, struct rl_diag *d)
{
	const struct rl_btf *btf = &obj->btf;
	const struct btf_type *t = rl_btf_type(btf, values_type);
	uint32_t outer_idx = (uint32_t)(outer_in - obj->maps), inner_idx, def_id;
	struct rl_map_spec *inner;
	char name[64];
	int err;

	/* the kernel allows one level: an inner map cannot hold maps itself
	 * (bpf_map_meta_alloc refuses map-in-map inner maps) - and a definition
	 * pointing at itself would otherwise recurse forever */
	if (outer_in->is_inner_template)
		return rl_err(d, EINVAL, "an inner map cannot itself have inner maps ('values')");
	if (!t || rl_btf_kind(t) != BTF_KIND_ARRAY)
		return rl_err(d, EINVAL, "'values' must be an array (use __array(values, ...))");
	t = rl_btf_type(btf, ((const struct btf_array *)(t + 1))->type);
	if (!t || rl_btf_kind(t) != BTF_KIND_PTR)
		return rl_err(d, EINVAL, "'values' must be an array of pointers");
	def_id = rl_btf_skip_mods(btf, t->type);
	t = rl_btf_type(btf, def_id);
	if (!t || rl_btf_kind(t) != BTF_KIND_STRUCT)
		return 0; /* prog array: pointers to FUNC_PROTO, nothing to describe */

	snprintf(name, sizeof(name), "%.56s.inner", obj->maps[outer_idx].name);
	inner = new_map(obj, cap, d);
	if (!inner)
		return -ENOMEM;
	inner_idx = obj->nr_maps - 1;
	snprintf(inner->name, sizeof(inner->name), "%s", name);
	inner->origin = RL_MAP_BTF;
	/* described inside the outer map's definition, which is where it is
	 * "defined"; not in map_order, so no relocation can land on it */
	inner->sec_idx = obj->maps[outer_idx].sec_idx;
	inner->sec_off = obj->maps[outer_idx].sec_off;
	inner->is_inner_template = true;
	err = parse_btf_map_def(obj, inner, def_id, cap, d);
	if (err) {
		rl_diag_prefix(d, "inner map: ");
		return err;
	}
	obj->maps[outer_idx].inner_idx = (int32_t)inner_idx;
	return 0;
}

static int parse_btf_map_def(struct rl_object_spec *obj, struct rl_map_spec *m,
			     uint32_t struct_id, uint32_t *cap, struct rl_diag *d)
{
	const struct rl_btf *btf = &obj->btf;
	const struct btf_type *st = rl_btf_type(btf, struct_id);
	const struct btf_member *mem = (const struct btf_member *)(st + 1);
	/* kind_flag set: member offsets carry a bitfield size in the top 8 bits */
	uint32_t i, idx = (uint32_t)(m - obj->maps), values_type = 0, pin = 0;
	int err = 0;

	for (i = 0; i < rl_btf_vlen(st); i++) {
		const char *mname = rl_btf_str(btf, mem[i].name_off);
		struct rl_map_spec *cur = &obj->maps[idx]; /* maps[] may move while we add an inner map */

		if (!strcmp(mname, "type"))
			err = btf_uint_member(btf, mem[i].type, &cur->type);
		else if (!strcmp(mname, "max_entries"))
			err = btf_uint_member(btf, mem[i].type, &cur->max_entries);
		else if (!strcmp(mname, "map_flags"))
			err = btf_uint_member(btf, mem[i].type, &cur->map_flags);
		else if (!strcmp(mname, "numa_node"))
			err = btf_uint_member(btf, mem[i].type, &cur->numa_node);
		else if (!strcmp(mname, "key_size"))
			err = btf_uint_member(btf, mem[i].type, &cur->key_size);
		else if (!strcmp(mname, "value_size"))
			err = btf_uint_member(btf, mem[i].type, &cur->value_size);
		else if (!strcmp(mname, "pinning"))
			err = btf_uint_member(btf, mem[i].type, &pin);
		else if (!strcmp(mname, "key"))
			err = btf_type_member(btf, mem[i].type, &cur->btf_key_type_id, &cur->key_size);
		else if (!strcmp(mname, "value"))
			err = btf_type_member(btf, mem[i].type, &cur->btf_value_type_id, &cur->value_size);
		else if (!strcmp(mname, "values")) {
			values_type = mem[i].type;
			cur->has_init_values = true;
			cur->init_values_off = BTF_MEMBER_BIT_OFFSET(mem[i].offset) / 8;
		}
		else if (!strcmp(mname, "map_extra")) {
			uint32_t extra = 0;

			err = btf_uint_member(btf, mem[i].type, &extra);
			cur->map_extra = extra;
		}
		else
			return rl_err(d, EINVAL, "unknown map attribute '%s' (member %u)", mname, i);
		if (err)
			return rl_err(d, EINVAL, "attribute '%s' is not encoded as __uint()/__type() expects", mname);
	}
	m = &obj->maps[idx];
	if (pin > RL_PIN_BY_NAME)
		return rl_err(d, EINVAL, "pinning %u is not supported (only LIBBPF_PIN_NONE 0 / LIBBPF_PIN_BY_NAME 1)", pin);
	m->pinning = (enum rl_pinning)pin;
	if (values_type) {
		/* prog arrays and map-in-maps hold 4-byte ids/fds as values */
		if (!m->value_size)
			m->value_size = 4;
		if (!m->key_size)
			m->key_size = 4;
		err = parse_inner_def(obj, m, values_type, cap, d);
	}
	return err;
}

static int collect_btf_maps(struct rl_object_spec *obj, uint32_t *cap, struct rl_diag *d)
{
	const struct rl_elf_section *sec = rl_elf_section_by_name(&obj->elf, ".maps");
	struct rl_btf *btf = &obj->btf;
	const struct btf_type *ds;
	const struct btf_var_secinfo *vs;
	struct sym_index syms = { NULL, 0 };
	uint32_t ds_id, i;
	int err = 0;

	if (!sec)
		return 0;
	if (!obj->has_btf)
		return rl_err(d, ENOEXEC, "section '.maps' needs BTF to describe its maps, but the object has no .BTF (compile with -g)");
	ds_id = rl_btf_find_by_name_kind(btf, ".maps", BTF_KIND_DATASEC);
	if (!ds_id)
		return rl_err(d, ENOEXEC, "section '.maps': no DATASEC '.maps' in .BTF");
	ds = rl_btf_type(btf, ds_id);
	vs = (const struct btf_var_secinfo *)(ds + 1);
	err = sym_index_build(&syms, &obj->elf, sec->index, d);
	for (i = 0; !err && i < rl_btf_vlen(ds); i++) {
		const struct btf_type *var = rl_btf_type(btf, vs[i].type);
		const struct rl_elf_symbol *sym;
		struct rl_map_spec *m;
		uint32_t def_id;
		const char *name;

		if (!var || rl_btf_kind(var) != BTF_KIND_VAR) {
			err = rl_err(d, ENOEXEC, "section '.maps': DATASEC entry %u is not a VAR", i);
			break;
		}
		name = rl_btf_str(btf, var->name_off);
		def_id = rl_btf_skip_mods(btf, var->type);
		if (!rl_btf_type(btf, def_id) || rl_btf_kind(rl_btf_type(btf, def_id)) != BTF_KIND_STRUCT) {
			err = rl_err(d, ENOEXEC, "section '.maps': map '%s' is not a struct definition", name);
			break;
		}
		sym = sym_index_find(&syms, name);
		if (!sym) {
			err = rl_err(d, ENOEXEC, "section '.maps': map '%s' has no symbol in .symtab", name);
			break;
		}
		m = new_map(obj, cap, d);
		if (!m) {
			err = -ENOMEM;
			break;
		}
		snprintf(m->name, sizeof(m->name), "%s", name);
		m->origin = RL_MAP_BTF;
		m->sec_idx = sec->index;
		m->sec_off = sym->value;
		m->btf_var_type_id = vs[i].type;
		err = parse_btf_map_def(obj, m, def_id, cap, d);
		if (err)
			rl_diag_prefix(d, "section '.maps': map '%s': ", name);
	}
	free(syms.syms);
	return err;
}

/* struct bpf_map_def as the legacy "maps" section lays it out (all u32). */
enum { LEGACY_DEF_MIN = 16, LEGACY_DEF_FLAGS_END = 20 };

static int collect_legacy_maps(struct rl_object_spec *obj, uint32_t *cap, struct rl_diag *d)
{
	const struct rl_elf_section *sec = rl_elf_section_by_name(&obj->elf, "maps");
	const struct rl_elf *elf = &obj->elf;
	uint32_t i, nsyms = 0;
	uint64_t def_size;

	if (!sec)
		return 0;
	for (i = 0; i < elf->nr_symbols; i++)
		if (elf->symbols[i].shndx == sec->index && elf->symbols[i].type != STT_SECTION)
			nsyms++;
	if (!nsyms)
		return 0;
	if (!sec->data)
		return rl_err(d, ENOEXEC, "section 'maps': %u map symbols, but the section holds no bytes (type %u, size %llu)",
			      nsyms, sec->type, (unsigned long long)sec->size);
	if (sec->size % nsyms)
		return rl_err(d, ENOEXEC, "section 'maps': size %llu is not a multiple of its %u map symbols",
			      (unsigned long long)sec->size, nsyms);
	def_size = sec->size / nsyms;
	if (def_size < LEGACY_DEF_MIN)
		return rl_err(d, ENOEXEC, "section 'maps': map definitions are %llu bytes, fewer than the %d of struct bpf_map_def",
			      (unsigned long long)def_size, LEGACY_DEF_MIN);
	for (i = 0; i < elf->nr_symbols; i++) {
		const struct rl_elf_symbol *s = &elf->symbols[i];
		struct rl_map_spec *m;
		uint32_t f[5] = { 0 };

		if (s->shndx != sec->index || s->type == STT_SECTION)
			continue;
		if (s->value % def_size || s->value > sec->size - def_size) /* no wrap */
			return rl_err(d, ENOEXEC, "section 'maps': map '%s' at offset %llu is not on a %llu-byte definition boundary",
				      s->name, (unsigned long long)s->value, (unsigned long long)def_size);
		memcpy(f, sec->data + s->value, def_size >= LEGACY_DEF_FLAGS_END ? 20 : 16);
		m = new_map(obj, cap, d);
		if (!m)
			return -ENOMEM;
		snprintf(m->name, sizeof(m->name), "%s", s->name);
		m->origin = RL_MAP_LEGACY;
		m->sec_idx = sec->index;
		m->sec_off = s->value;
		m->type = f[0];
		m->key_size = f[1];
		m->value_size = f[2];
		m->max_entries = f[3];
		m->map_flags = f[4];
	}
	return 0;
}

static int collect_global_data(struct rl_object_spec *obj, uint32_t *cap, struct rl_diag *d)
{
	for (uint32_t i = 1; i < obj->elf.nr_sections; i++) {
		const struct rl_elf_section *s = &obj->elf.sections[i];
		struct rl_map_spec *m;

		if (!rl_is_data_section(s->name) || !(s->flags & SHF_ALLOC) || !s->size)
			continue;
		if (s->type != SHT_PROGBITS && s->type != SHT_NOBITS)
			continue;
		if (s->size > UINT32_MAX)
			return rl_err(d, ENOEXEC, "section '%s': %llu bytes is too large for a map value",
				      s->name, (unsigned long long)s->size);
		m = new_map(obj, cap, d);
		if (!m)
			return -ENOMEM;
		snprintf(m->name, sizeof(m->name), "%s", s->name);
		m->origin = RL_MAP_GLOBAL_DATA;
		m->sec_idx = s->index;
		m->type = BPF_MAP_TYPE_ARRAY;
		m->key_size = 4;
		m->value_size = (uint32_t)s->size;
		m->max_entries = 1;
		m->init_data = s->type == SHT_NOBITS ? NULL : s->data;
		m->init_size = s->size;
		m->readonly = strncmp(s->name, ".rodata", 7) == 0;
		if (m->readonly)
			m->map_flags = BPF_F_RDONLY_PROG; /* the program may not write it */
		if (obj->has_btf)
			m->btf_value_type_id = rl_btf_find_by_name_kind(&obj->btf, s->name, BTF_KIND_DATASEC);
	}
	return 0;
}

static const struct rl_object_spec *order_ctx; /* qsort has no context argument in C11 */

static int cmp_map_pos(const void *a, const void *b)
{
	const struct rl_map_spec *x = &order_ctx->maps[*(const uint32_t *)a];
	const struct rl_map_spec *y = &order_ctx->maps[*(const uint32_t *)b];

	if (x->sec_idx != y->sec_idx)
		return x->sec_idx < y->sec_idx ? -1 : 1;
	return x->sec_off < y->sec_off ? -1 : x->sec_off > y->sec_off;
}

/* Relocations name maps by (section, offset): sort once, search many times.
 * Inner-map templates have no place in the file and are left out. */
static int build_map_order(struct rl_object_spec *obj, struct rl_diag *d)
{
	obj->map_order = malloc((obj->nr_maps + 1) * sizeof(uint32_t));
	if (!obj->map_order)
		return rl_err(d, ENOMEM, "out of memory for the map index");
	for (uint32_t i = 0; i < obj->nr_maps; i++)
		if (!obj->maps[i].is_inner_template)
			obj->map_order[obj->nr_map_order++] = i;
	order_ctx = obj;
	qsort(obj->map_order, obj->nr_map_order, sizeof(uint32_t), cmp_map_pos);
	return 0;
}

int rl_object_collect_maps(struct rl_object_spec *obj, struct rl_diag *d)
{
	uint32_t cap = 0;
	int err;

	err = collect_btf_maps(obj, &cap, d);
	if (!err)
		err = collect_legacy_maps(obj, &cap, d);
	if (!err)
		err = collect_global_data(obj, &cap, d);
	if (!err)
		err = build_map_order(obj, d);
	if (!err)
		err = rl_object_collect_map_inits(obj, d);
	return err;
}
