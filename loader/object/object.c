/* object.c - from a checked ELF view to the object model (object.h).
 *
 * Order matters, because later steps refer to earlier results:
 *   1. .BTF and .BTF.ext      (maps and CO-RE need types)
 *   2. license, version
 *   3. functions              (one rl_prog_spec per STT_FUNC in each
 *                              executable section; .text ones are subprograms)
 *   4. maps                   (object_maps.c; initialisers refer to programs)
 *   5. relocations            (object_relo.c; refer to functions and maps)
 * Pure: no syscalls.  Everything points into the caller's bytes.
 */
#include "object.h"
#include "object_internal.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void derive_object_name(struct rl_object_spec *obj, const char *path)
{
	const char *base = strrchr(path, '/');
	size_t n;

	base = base ? base + 1 : path;
	snprintf(obj->name, sizeof(obj->name), "%s", base);
	n = strlen(obj->name);
	if (n > 6 && strcmp(obj->name + n - 6, ".bpf.o") == 0)
		obj->name[n - 6] = '\0';
	else if (n > 2 && strcmp(obj->name + n - 2, ".o") == 0)
		obj->name[n - 2] = '\0';
}

static int parse_btf(struct rl_object_spec *obj, struct rl_diag *d)
{
	const struct rl_elf_section *btf = rl_elf_section_by_name(&obj->elf, ".BTF");
	const struct rl_elf_section *ext = rl_elf_section_by_name(&obj->elf, ".BTF.ext");
	int err;

	if (!btf)
		return 0;
	if (!btf->data)
		return rl_err(d, ENOEXEC, "section '.BTF' is empty");
	/* both are read as arrays of 4-byte fields in place */
	if (btf->offset % 4 || (ext && ext->offset % 4))
		return rl_err(d, ENOEXEC, "section '%s' at offset %#llx is not 4-byte aligned",
			      btf->offset % 4 ? ".BTF" : ".BTF.ext",
			      (unsigned long long)(btf->offset % 4 ? btf->offset : ext->offset));
	/* copy: the loader patches DATASEC sizes/offsets before BPF_BTF_LOAD */
	err = rl_btf_parse(&obj->btf, btf->data, btf->size, true, d);
	if (err) {
		rl_diag_prefix(d, "section '.BTF': ");
		return err;
	}
	obj->has_btf = true;
	if (!ext || !ext->data)
		return 0;
	err = rl_btf_ext_parse(&obj->btf_ext, ext->data, ext->size, &obj->btf, d);
	if (err) {
		rl_diag_prefix(d, "section '.BTF.ext': ");
		return err;
	}
	obj->has_btf_ext = true;
	for (uint32_t i = 0; i < obj->btf_ext.core_relo.nr_secs; i++)
		obj->nr_core_relos += obj->btf_ext.core_relo.secs[i].nr_recs;
	return 0;
}

static int parse_license_version(struct rl_object_spec *obj, struct rl_diag *d)
{
	const struct rl_elf_section *lic = rl_elf_section_by_name(&obj->elf, "license");
	const struct rl_elf_section *ver = rl_elf_section_by_name(&obj->elf, "version");

	if (lic && lic->data) {
		if (!memchr(lic->data, '\0', lic->size))
			return rl_err(d, ENOEXEC, "section 'license': string is not NUL-terminated within its %llu bytes",
				      (unsigned long long)lic->size);
		snprintf(obj->license, sizeof(obj->license), "%s", (const char *)lic->data);
	}
	if (ver && ver->data) {
		if (ver->size != sizeof(uint32_t))
			return rl_err(d, ENOEXEC, "section 'version': size %llu, expected 4",
				      (unsigned long long)ver->size);
		memcpy(&obj->kern_version, ver->data, sizeof(uint32_t));
	}
	return 0;
}

static int cmp_prog_pos(const void *a, const void *b)
{
	const struct rl_prog_spec *x = a, *y = b;

	if (x->sec_idx != y->sec_idx)
		return x->sec_idx < y->sec_idx ? -1 : 1;
	return x->sec_insn_off < y->sec_insn_off ? -1 : x->sec_insn_off > y->sec_insn_off;
}

static int add_function(struct rl_object_spec *obj, const struct rl_elf_section *sec,
			const struct rl_elf_symbol *sym, struct rl_diag *d)
{
	struct rl_prog_spec *p = &obj->progs[obj->nr_progs];
	const struct rl_sec_def *def;

	if (sym->value % sizeof(struct bpf_insn) || sym->size % sizeof(struct bpf_insn) || !sym->size)
		return rl_err(d, ENOEXEC, "section '%s': function '%s' at offset %llu size %llu is not a whole number of 8-byte instructions",
			      sec->name, sym->name, (unsigned long long)sym->value,
			      (unsigned long long)sym->size);
	if (sym->value > sec->size || sym->size > sec->size - sym->value)
		return rl_err(d, ENOEXEC, "section '%s': function '%s' (offset %llu, size %llu) runs past the section's %llu bytes",
			      sec->name, sym->name, (unsigned long long)sym->value,
			      (unsigned long long)sym->size, (unsigned long long)sec->size);
	if (!sym->name[0])
		return rl_err(d, ENOEXEC, "section '%s': function symbol %u has no name", sec->name, sym->index);

	memset(p, 0, sizeof(*p));
	snprintf(p->name, sizeof(p->name), "%s", sym->name);
	p->sec_name = sec->name;
	p->sec_idx = sec->index;
	p->sec_insn_off = sym->value / sizeof(struct bpf_insn);
	p->insn_cnt = sym->size / sizeof(struct bpf_insn);
	p->insns = (const struct bpf_insn *)sec->data + p->sec_insn_off;
	p->is_subprog = strcmp(sec->name, ".text") == 0;
	p->expected_attach_type = RL_ATTACH_NONE;
	def = rl_sec_def_find(sec->name);
	if (def && !p->is_subprog) {
		p->prog_type = def->prog_type;
		p->expected_attach_type = def->expected_attach_type;
		p->prog_flags = def->prog_flags;
		p->btf_attach = def->btf_attach;
		p->unsupported = def->unsupported;
		if (def->takes_target && strchr(sec->name, '/'))
			p->attach_target = strchr(sec->name, '/') + 1;
	}
	obj->nr_progs++;
	return 0;
}

/* Functions must not overlap: each instruction belongs to at most one. */
static int check_overlaps(const struct rl_object_spec *obj, struct rl_diag *d)
{
	for (uint32_t i = 1; i < obj->nr_progs; i++) {
		const struct rl_prog_spec *a = &obj->progs[i - 1], *b = &obj->progs[i];

		if (a->sec_idx == b->sec_idx && a->sec_insn_off + a->insn_cnt > b->sec_insn_off)
			return rl_err(d, ENOEXEC, "section '%s': functions '%s' and '%s' overlap at instruction %u",
				      a->sec_name, a->name, b->name, b->sec_insn_off);
	}
	return 0;
}

static int collect_functions(struct rl_object_spec *obj, struct rl_diag *d)
{
	const struct rl_elf *elf = &obj->elf;
	uint32_t i, n = 0;
	int err;

	for (i = 0; i < elf->nr_symbols; i++) {
		const struct rl_elf_symbol *s = &elf->symbols[i];

		if (s->type == STT_FUNC && s->shndx > 0 && s->shndx < elf->nr_sections &&
		    rl_elf_section_is_exec(&elf->sections[s->shndx]))
			n++;
	}
	if (!n)
		return 0;
	obj->progs = calloc(n, sizeof(*obj->progs));
	if (!obj->progs)
		return rl_err(d, ENOMEM, "out of memory for %u functions", n);
	for (i = 0; i < elf->nr_symbols; i++) {
		const struct rl_elf_symbol *s = &elf->symbols[i];

		if (s->type != STT_FUNC || s->shndx == 0 || s->shndx >= elf->nr_sections ||
		    !rl_elf_section_is_exec(&elf->sections[s->shndx]))
			continue;
		err = add_function(obj, &elf->sections[s->shndx], s, d);
		if (err)
			return err;
	}
	qsort(obj->progs, obj->nr_progs, sizeof(*obj->progs), cmp_prog_pos);
	return check_overlaps(obj, d);
}

int rl_object_parse(struct rl_object_spec *obj, const char *name, const void *bytes,
		    size_t size, struct rl_diag *d)
{
	int err;

	memset(obj, 0, sizeof(*obj));
	derive_object_name(obj, name);
	err = rl_elf_parse(&obj->elf, bytes, size, d);
	if (err)
		return err;
	err = parse_btf(obj, d);
	if (!err)
		err = parse_license_version(obj, d);
	if (!err)
		err = collect_functions(obj, d);
	if (!err)
		err = rl_object_index_ext(obj, d);
	if (!err)
		err = rl_object_collect_maps(obj, d);
	if (!err)
		err = rl_object_collect_externs(obj, d);
	if (!err)
		err = rl_object_collect_relocs(obj, d);
	if (err)
		rl_object_free(obj);
	return err;
}

void rl_object_free(struct rl_object_spec *obj)
{
	uint32_t i;

	for (i = 0; i < obj->nr_progs; i++)
		free(obj->progs[i].relocs);
	for (i = 0; i < obj->nr_maps; i++)
		free(obj->maps[i].init_slots);
	free(obj->progs);
	free(obj->maps);
	free(obj->externs);
	free(obj->map_order);
	if (obj->has_btf_ext)
		rl_btf_ext_free(&obj->btf_ext);
	if (obj->has_btf)
		rl_btf_free(&obj->btf);
	rl_elf_free(&obj->elf);
	memset(obj, 0, sizeof(*obj));
}
