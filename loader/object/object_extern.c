/* object_extern.c - externs: `.kconfig` values and `.ksyms` kernel symbols.
 *
 * clang describes an object's externs in BTF, not in sections: a DATASEC
 * named ".kconfig" or ".ksyms" lists each extern VAR (linkage
 * BTF_VAR_GLOBAL_EXTERN) or kfunc FUNC, and the ELF symbol table holds an
 * undefined (SHN_UNDEF) symbol of the same name that relocations point at.
 * The conventions (libbpf's, documented in the kernel's
 * Documentation/bpf/libbpf and bpf_helpers.h's __kconfig/__ksym):
 *   - .kconfig externs live in one read-only array map named ".kconfig",
 *     which the loader creates and fills: ordered by alignment (largest
 *     first), then size (smallest first), then name, each at the next
 *     offset aligned for its type.  Supported types: bool, char, the enum
 *     libbpf_tristate, integers of 1-8 bytes, char arrays (strings);
 *   - .ksyms VARs with a type are kernel variables (BTF_KIND_VAR in the
 *     kernel's BTF), typeless ones (`const void`) are addresses from
 *     /proc/kallsyms; FUNC entries are kfuncs.
 * Pure: this file only reads the object; values come from loader/kernel/.
 */
#include "object_internal.h"

#include <errno.h>
#include <stdlib.h>

const char *rl_extern_kind_name(enum rl_extern_kind k)
{
	switch (k) {
	case RL_EXTERN_KCONFIG:       return "kconfig";
	case RL_EXTERN_KSYM:          return "ksym";
	case RL_EXTERN_KSYM_TYPELESS: return "ksym (typeless)";
	case RL_EXTERN_KFUNC:         return "kfunc";
	}
	return "unknown";
}

int rl_object_find_extern(const struct rl_object_spec *obj, const char *name)
{
	for (uint32_t i = 0; i < obj->nr_externs; i++)
		if (!strcmp(obj->externs[i].name, name))
			return (int)i;
	return -1;
}

static const struct rl_elf_symbol *undef_symbol(const struct rl_object_spec *obj, const char *name)
{
	for (uint32_t i = 0; i < obj->elf.nr_symbols; i++)
		if (obj->elf.symbols[i].shndx == SHN_UNDEF && !strcmp(obj->elf.symbols[i].name, name))
			return &obj->elf.symbols[i];
	return NULL;
}

/* The kconfig shape of a type, from BTF. */
static int kcfg_type(const struct rl_object_spec *obj, struct rl_extern *e, struct rl_diag *d)
{
	const struct rl_btf *btf = &obj->btf;
	uint32_t id = rl_btf_skip_mods(btf, e->type_id);
	const struct btf_type *t = rl_btf_type(btf, id);
	uint32_t enc;

	if (!t)
		return rl_err(d, EINVAL, "extern '%s' (.kconfig): type [%u] does not exist", e->name, id);
	switch (rl_btf_kind(t)) {
	case BTF_KIND_INT:
		if (!t->size || t->size > 8)
			return rl_err(d, EINVAL, "extern '%s' (.kconfig): a %u-byte integer is not supported",
				      e->name, t->size);
		enc = BTF_INT_ENCODING(*(const uint32_t *)(t + 1));
		e->size = e->align = t->size;
		e->is_signed = enc & BTF_INT_SIGNED;
		if (enc & BTF_INT_BOOL)
			e->kcfg = RL_KCFG_BOOL;
		else if (t->size == 1 && (enc & BTF_INT_CHAR))
			e->kcfg = RL_KCFG_CHAR;
		else if (t->size >= 1 && t->size <= 8 && !(t->size & (t->size - 1)))
			e->kcfg = RL_KCFG_INT;
		else
			return rl_err(d, EINVAL, "extern '%s' (.kconfig): a %u-byte integer is not supported",
				      e->name, t->size);
		return 0;
	case BTF_KIND_ENUM:
		e->size = e->align = t->size;
		e->is_signed = rl_btf_kflag(t);
		e->kcfg = strcmp(rl_btf_str(btf, t->name_off), "libbpf_tristate") ? RL_KCFG_INT
										    : RL_KCFG_TRISTATE;
		if (t->size < 1 || t->size > 8 || (t->size & (t->size - 1)))
			return rl_err(d, EINVAL, "extern '%s' (.kconfig): a %u-byte enum is not supported",
				      e->name, t->size);
		return 0;
	case BTF_KIND_ARRAY: {
		const struct btf_array *a = (const void *)(t + 1);
		const struct btf_type *el = rl_btf_type(btf, rl_btf_skip_mods(btf, a->type));

		if (el && rl_btf_kind(el) == BTF_KIND_INT && el->size == 1 && a->nelems) {
			e->kcfg = RL_KCFG_CHARS;
			e->size = a->nelems;
			e->align = 1;
			return 0;
		}
		break;
	}
	}
	return rl_err(d, EINVAL, "extern '%s' (.kconfig): type %s is not bool, char, tristate, an integer or a char array",
		      e->name, rl_btf_kind_name(rl_btf_kind(t)));
}

static int add_extern(struct rl_object_spec *obj, uint32_t *cap, const char *sec, uint32_t btf_id,
		      struct rl_diag *d)
{
	const struct btf_type *t = rl_btf_type(&obj->btf, btf_id);
	const char *name = rl_btf_str(&obj->btf, t->name_off);
	const struct rl_elf_symbol *sym = undef_symbol(obj, name);
	struct rl_extern *e;

	if (!sym)
		return 0;       /* declared, never referenced: clang keeps no symbol */
	if (obj->nr_externs == *cap) {
		uint32_t ncap = *cap ? *cap * 2 : 8;
		struct rl_extern *n = realloc(obj->externs, ncap * sizeof(*n));

		if (!n)
			return rl_err(d, ENOMEM, "out of memory for %u externs", ncap);
		obj->externs = n;
		*cap = ncap;
	}
	e = &obj->externs[obj->nr_externs];
	memset(e, 0, sizeof(*e));
	e->name = name;
	e->btf_id = btf_id;
	e->weak = sym->bind == STB_WEAK;
	if (rl_btf_kind(t) == BTF_KIND_FUNC) {
		if (strcmp(sec, ".ksyms"))
			return rl_err(d, EINVAL, "extern function '%s' is in DATASEC '%s', expected '.ksyms'", name, sec);
		e->kind = RL_EXTERN_KFUNC;
		e->type_id = t->type;
	} else {
		e->type_id = rl_btf_skip_mods(&obj->btf, t->type);
		if (!strcmp(sec, ".kconfig")) {
			int err;

			e->kind = RL_EXTERN_KCONFIG;
			err = kcfg_type(obj, e, d);
			if (err)
				return err;
		} else {
			e->kind = e->type_id ? RL_EXTERN_KSYM : RL_EXTERN_KSYM_TYPELESS;
		}
	}
	obj->nr_externs++;
	return 0;
}

static int cmp_kcfg(const void *a, const void *b)
{
	const struct rl_extern *x = a, *y = b;

	if (x->kind != y->kind)
		return x->kind == RL_EXTERN_KCONFIG ? -1 : y->kind == RL_EXTERN_KCONFIG ? 1 : 0;
	if (x->kind == RL_EXTERN_KCONFIG) {
		if (x->align != y->align)
			return x->align > y->align ? -1 : 1;
		if (x->size != y->size)
			return x->size < y->size ? -1 : 1;
	}
	return strcmp(x->name, y->name);
}

/* The synthetic ".kconfig" map: a read-only 1-entry array whose value holds
 * every kconfig extern at its offset.  Filled by the loader. */
static int add_kconfig_map(struct rl_object_spec *obj, uint32_t size, struct rl_diag *d)
{
	struct rl_map_spec *n = realloc(obj->maps, (obj->nr_maps + 1) * sizeof(*n)), *m;

	if (!n)
		return rl_err(d, ENOMEM, "out of memory for the .kconfig map");
	obj->maps = n;
	m = &obj->maps[obj->nr_maps];
	memset(m, 0, sizeof(*m));
	snprintf(m->name, sizeof(m->name), ".kconfig");
	m->origin = RL_MAP_GLOBAL_DATA;
	m->sec_idx = RL_NO_SECTION;
	m->type = BPF_MAP_TYPE_ARRAY;
	m->key_size = 4;
	m->value_size = size;
	m->max_entries = 1;
	m->init_size = size;
	m->readonly = true;
	m->map_flags = BPF_F_RDONLY_PROG;
	m->inner_idx = -1;
	m->btf_value_type_id = rl_btf_find_by_name_kind(&obj->btf, ".kconfig", BTF_KIND_DATASEC);
	obj->kconfig_map = (int32_t)obj->nr_maps++;
	return 0;
}

int rl_object_collect_externs(struct rl_object_spec *obj, struct rl_diag *d)
{
	static const char *const secs[] = { ".kconfig", ".ksyms" };
	uint32_t cap = 0, off = 0;
	int err;

	obj->kconfig_map = -1;
	if (!obj->has_btf)
		return 0;
	for (int s = 0; s < 2; s++) {
		uint32_t id = rl_btf_find_by_name_kind(&obj->btf, secs[s], BTF_KIND_DATASEC);
		const struct btf_type *ds = id ? rl_btf_type(&obj->btf, id) : NULL;
		const struct btf_var_secinfo *v = ds ? (const void *)(ds + 1) : NULL;

		for (uint32_t i = 0; ds && i < rl_btf_vlen(ds); i++) {
			err = add_extern(obj, &cap, secs[s], v[i].type, d);
			if (err)
				return err;
		}
	}
	if (obj->nr_externs > 1)
		qsort(obj->externs, obj->nr_externs, sizeof(*obj->externs), cmp_kcfg);
	for (uint32_t i = 0; i < obj->nr_externs; i++) {
		struct rl_extern *e = &obj->externs[i];

		if (e->kind != RL_EXTERN_KCONFIG)
			continue;
		if (e->size > (1u << 20) || off > (1u << 20))
			return rl_err(d, E2BIG, "extern '%s' (.kconfig): %u bytes at offset %u is more than a kernel config value can be",
				      e->name, e->size, off);
		off = (off + e->align - 1) / e->align * e->align;
		e->offset = off;
		off += e->size;
	}
	return off ? add_kconfig_map(obj, off, d) : 0;
}
