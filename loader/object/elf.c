/* elf.c - validate an ELF64 BPF relocatable object and expose its tables.
 *
 * The ELF spec (System V gABI, "Object Files") defines the layout; BPF adds
 * only its machine number (EM_BPF = 247) and relocation types (R_BPF_*).
 * What a BPF loader needs is just: the section headers, their names, the
 * symbol table and the REL sections.  We read them all once, checking each
 * field before trusting it, with overflow-safe arithmetic.
 */
#include "elf.h"

#include <elf.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#ifndef EM_BPF
#define EM_BPF 247
#endif

/* Does [off, off+len) lie inside a buffer of `size` bytes?  Written so that
 * off + len can never wrap. */
static bool range_ok(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* A string at `off` inside a string table must end with a NUL before the
 * table does. */
static const char *str_at(const uint8_t *tab, uint64_t tab_size, uint64_t off)
{
	if (off >= tab_size)
		return NULL;
	if (!memchr(tab + off, '\0', tab_size - off))
		return NULL;
	return (const char *)tab + off;
}

static int check_ident(const Elf64_Ehdr *eh, size_t size, struct rl_diag *d)
{
	if (size < EI_NIDENT || memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0)
		return rl_err(d, ENOEXEC, "not an ELF file (bad magic)");
	if (eh->e_ident[EI_CLASS] != ELFCLASS64)
		return rl_err(d, ENOEXEC, "ELF class %u is not ELFCLASS64: BPF objects are 64-bit",
			      eh->e_ident[EI_CLASS]);
	if (eh->e_ident[EI_DATA] != ELFDATA2LSB)
		return rl_err(d, ENOEXEC, "ELF data encoding %u is not little endian (build with -target bpfel or bpf on x86)",
			      eh->e_ident[EI_DATA]);
	if (size < sizeof(Elf64_Ehdr))
		return rl_err(d, ENOEXEC, "file is %zu bytes, shorter than the %zu-byte ELF header",
			      size, sizeof(Elf64_Ehdr));
	if (eh->e_ident[EI_VERSION] != EV_CURRENT || eh->e_version != EV_CURRENT)
		return rl_err(d, ENOEXEC, "ELF version %u (e_ident[EI_VERSION] %u) is not EV_CURRENT (1)",
			      eh->e_version, eh->e_ident[EI_VERSION]);
	if (eh->e_type != ET_REL)
		return rl_err(d, ENOEXEC, "ELF type %u is not ET_REL: expected a relocatable object from clang -c",
			      eh->e_type);
	/* Old LLVM wrote EM_NONE; everything newer writes EM_BPF. */
	if (eh->e_machine != EM_BPF && eh->e_machine != EM_NONE)
		return rl_err(d, ENOEXEC, "ELF machine %u is not EM_BPF (247): not a BPF object",
			      eh->e_machine);
	/* the header's own size: anything else is not the layout we read */
	if (eh->e_ehsize != sizeof(Elf64_Ehdr))
		return rl_err(d, ENOEXEC, "e_ehsize is %u, expected %zu (an Elf64_Ehdr)", eh->e_ehsize,
			      sizeof(Elf64_Ehdr));
	/* program headers describe a loadable image; clang -c writes none */
	if (eh->e_phnum != 0)
		return rl_err(d, ENOEXEC, "e_phnum is %u, but a relocatable object has no program headers (expected 0)",
			      eh->e_phnum);
	return 0;
}

static int read_section_headers(struct rl_elf *elf, const Elf64_Ehdr *eh, struct rl_diag *d)
{
	const uint8_t *b = elf->bytes;
	const Elf64_Shdr *shdrs, *strsh;
	uint32_t i;

	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return rl_err(d, ENOEXEC, "e_shentsize is %u, expected %zu",
			      eh->e_shentsize, sizeof(Elf64_Shdr));
	if (eh->e_shnum == 0)
		return rl_err(d, ENOEXEC, "no section headers (e_shnum is 0)");
	if (eh->e_shoff % 8)
		return rl_err(d, ENOEXEC, "section header table offset %#llx is not 8-byte aligned",
			      (unsigned long long)eh->e_shoff);
	if (!range_ok(eh->e_shoff, (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr), elf->size))
		return rl_err(d, ENOEXEC, "section header table (offset %#llx, %u entries) runs past the end of the %zu-byte file",
			      (unsigned long long)eh->e_shoff, eh->e_shnum, elf->size);
	if (eh->e_shstrndx == SHN_UNDEF || eh->e_shstrndx >= eh->e_shnum)
		return rl_err(d, ENOEXEC, "e_shstrndx %u is not a section index (file has %u sections)",
			      eh->e_shstrndx, eh->e_shnum);

	shdrs = (const Elf64_Shdr *)(b + eh->e_shoff);
	strsh = &shdrs[eh->e_shstrndx];
	if (strsh->sh_type != SHT_STRTAB)
		return rl_err(d, ENOEXEC, "section name table (section %u) has type %u, not SHT_STRTAB",
			      eh->e_shstrndx, strsh->sh_type);
	if (!range_ok(strsh->sh_offset, strsh->sh_size, elf->size))
		return rl_err(d, ENOEXEC, "section name table (section %u) at offset %#llx size %llu runs past the end of the file",
			      eh->e_shstrndx, (unsigned long long)strsh->sh_offset,
			      (unsigned long long)strsh->sh_size);

	elf->nr_sections = eh->e_shnum;
	elf->sections = calloc(eh->e_shnum, sizeof(*elf->sections));
	if (!elf->sections)
		return rl_err(d, ENOMEM, "out of memory for %u section headers", eh->e_shnum);

	for (i = 0; i < eh->e_shnum; i++) {
		const Elf64_Shdr *sh = &shdrs[i];
		struct rl_elf_section *s = &elf->sections[i];

		s->index = i;
		s->name = str_at(b + strsh->sh_offset, strsh->sh_size, sh->sh_name);
		if (!s->name)
			return rl_err(d, ENOEXEC, "section %u: name offset %u is outside the section name table or not NUL-terminated",
				      i, sh->sh_name);
		s->type = sh->sh_type;
		s->flags = sh->sh_flags;
		s->size = sh->sh_size;
		s->offset = sh->sh_offset;
		s->link = sh->sh_link;
		s->info = sh->sh_info;
		s->entsize = sh->sh_entsize;
		if (i == 0 || sh->sh_type == SHT_NOBITS || sh->sh_type == SHT_NULL)
			continue;
		if (!range_ok(sh->sh_offset, sh->sh_size, elf->size))
			return rl_err(d, ENOEXEC, "section %u '%s': offset %#llx + size %llu runs past the end of the %zu-byte file",
				      i, s->name, (unsigned long long)sh->sh_offset,
				      (unsigned long long)sh->sh_size, elf->size);
		/* code is read as struct bpf_insn (8-byte units) in place */
		if ((sh->sh_flags & SHF_EXECINSTR) && sh->sh_offset % 8)
			return rl_err(d, ENOEXEC, "section %u '%s': code at offset %#llx is not 8-byte aligned",
				      i, s->name, (unsigned long long)sh->sh_offset);
		if (sh->sh_addralign > 1 && sh->sh_offset % sh->sh_addralign)
			return rl_err(d, ENOEXEC, "section %u '%s': offset %#llx is not a multiple of its sh_addralign %llu",
				      i, s->name, (unsigned long long)sh->sh_offset,
				      (unsigned long long)sh->sh_addralign);
		s->data = sh->sh_size ? b + sh->sh_offset : NULL;
	}
	return 0;
}

static int read_symbols(struct rl_elf *elf, struct rl_diag *d)
{
	const struct rl_elf_section *symtab = NULL, *strtab;
	const Elf64_Sym *syms;
	uint32_t i;

	for (i = 1; i < elf->nr_sections; i++) {
		if (elf->sections[i].type != SHT_SYMTAB)
			continue;
		if (symtab)
			return rl_err(d, ENOEXEC, "section %u '%s': a second SHT_SYMTAB (first is section %u)",
				      i, elf->sections[i].name, symtab->index);
		symtab = &elf->sections[i];
	}
	if (!symtab)
		return 0; /* legal, though such an object has no programs */

	if (symtab->entsize != sizeof(Elf64_Sym))
		return rl_err(d, ENOEXEC, "section %u '%s': sh_entsize %llu, expected %zu",
			      symtab->index, symtab->name, (unsigned long long)symtab->entsize,
			      sizeof(Elf64_Sym));
	if (symtab->size % sizeof(Elf64_Sym))
		return rl_err(d, ENOEXEC, "section %u '%s': size %llu is not a multiple of %zu",
			      symtab->index, symtab->name, (unsigned long long)symtab->size,
			      sizeof(Elf64_Sym));
	if (symtab->link == 0 || symtab->link >= elf->nr_sections ||
	    elf->sections[symtab->link].type != SHT_STRTAB)
		return rl_err(d, ENOEXEC, "section %u '%s': sh_link %u is not a string table",
			      symtab->index, symtab->name, symtab->link);
	if (symtab->offset % 8)
		return rl_err(d, ENOEXEC, "section %u '%s': offset %#llx is not 8-byte aligned",
			      symtab->index, symtab->name, (unsigned long long)symtab->offset);
	strtab = &elf->sections[symtab->link];

	elf->symtab_index = symtab->index;
	elf->nr_symbols = symtab->size / sizeof(Elf64_Sym);
	if (!elf->nr_symbols)
		return 0;
	elf->symbols = calloc(elf->nr_symbols, sizeof(*elf->symbols));
	if (!elf->symbols)
		return rl_err(d, ENOMEM, "out of memory for %u symbols", elf->nr_symbols);

	syms = (const Elf64_Sym *)symtab->data;
	for (i = 0; i < elf->nr_symbols; i++) {
		struct rl_elf_symbol *s = &elf->symbols[i];

		s->index = i;
		s->name = str_at(strtab->data, strtab->size, syms[i].st_name);
		if (!s->name)
			return rl_err(d, ENOEXEC, "symbol %u: name offset %u is outside '%s' or not NUL-terminated",
				      i, syms[i].st_name, strtab->name);
		s->value = syms[i].st_value;
		s->size = syms[i].st_size;
		s->shndx = syms[i].st_shndx;
		s->type = ELF64_ST_TYPE(syms[i].st_info);
		s->bind = ELF64_ST_BIND(syms[i].st_info);
		if (s->shndx != SHN_UNDEF && s->shndx < SHN_LORESERVE &&
		    s->shndx >= elf->nr_sections)
			return rl_err(d, ENOEXEC, "symbol %u '%s': section index %u, but the file has %u sections",
				      i, s->name, s->shndx, elf->nr_sections);
	}
	return 0;
}

static int check_rel_section(const struct rl_elf *elf, const struct rl_elf_section *s,
			     struct rl_diag *d)
{
	size_t i, n;

	if (s->entsize != sizeof(Elf64_Rel))
		return rl_err(d, ENOEXEC, "section %u '%s': sh_entsize %llu, expected %zu",
			      s->index, s->name, (unsigned long long)s->entsize, sizeof(Elf64_Rel));
	if (s->size % sizeof(Elf64_Rel))
		return rl_err(d, ENOEXEC, "section %u '%s': size %llu is not a multiple of %zu",
			      s->index, s->name, (unsigned long long)s->size, sizeof(Elf64_Rel));
	if (s->offset % 8)
		return rl_err(d, ENOEXEC, "section %u '%s': offset %#llx is not 8-byte aligned",
			      s->index, s->name, (unsigned long long)s->offset);
	if (s->info == 0 || s->info >= elf->nr_sections)
		return rl_err(d, ENOEXEC, "section %u '%s': sh_info %u is not a section index (file has %u sections)",
			      s->index, s->name, s->info, elf->nr_sections);
	if (s->link != elf->symtab_index || elf->symtab_index == 0)
		return rl_err(d, ENOEXEC, "section %u '%s': sh_link %u is not the symbol table",
			      s->index, s->name, s->link);

	n = rl_elf_rel_count(s);
	for (i = 0; i < n; i++) {
		struct rl_elf_rel r = rl_elf_rel_get(s, i);
		const struct rl_elf_section *target = &elf->sections[s->info];

		if (r.sym >= elf->nr_symbols)
			return rl_err(d, ENOEXEC, "section '%s': relocation %zu refers to symbol %u, but .symtab has %u symbols",
				      s->name, i, r.sym, elf->nr_symbols);
		if (target->type != SHT_NOBITS && !range_ok(r.offset, 8, target->size) &&
		    !range_ok(r.offset, 4, target->size))
			return rl_err(d, ENOEXEC, "section '%s': relocation %zu at offset %llu is outside '%s' (%llu bytes)",
				      s->name, i, (unsigned long long)r.offset, target->name,
				      (unsigned long long)target->size);
	}
	return 0;
}

int rl_elf_parse(struct rl_elf *elf, const void *bytes, size_t size, struct rl_diag *d)
{
	const Elf64_Ehdr *eh = bytes;
	uint32_t i;
	int err;

	memset(elf, 0, sizeof(*elf));
	elf->bytes = bytes;
	elf->size = size;
	if (size < EI_NIDENT)
		return rl_err(d, ENOEXEC, "file is %zu bytes, too short for an ELF header", size);
	err = check_ident(eh, size, d);
	if (err)
		return err;
	err = read_section_headers(elf, eh, d);
	if (!err)
		err = read_symbols(elf, d);
	for (i = 1; !err && i < elf->nr_sections; i++)
		if (elf->sections[i].type == SHT_REL)
			err = check_rel_section(elf, &elf->sections[i], d);
	if (err)
		rl_elf_free(elf);
	return err;
}

void rl_elf_free(struct rl_elf *elf)
{
	free(elf->sections);
	free(elf->symbols);
	elf->sections = NULL;
	elf->symbols = NULL;
	elf->nr_sections = elf->nr_symbols = 0;
}

const struct rl_elf_section *rl_elf_section_by_name(const struct rl_elf *elf, const char *name)
{
	uint32_t i;

	for (i = 1; i < elf->nr_sections; i++)
		if (strcmp(elf->sections[i].name, name) == 0)
			return &elf->sections[i];
	return NULL;
}

size_t rl_elf_rel_count(const struct rl_elf_section *rel_sec)
{
	return rel_sec->size / sizeof(Elf64_Rel);
}

struct rl_elf_rel rl_elf_rel_get(const struct rl_elf_section *rel_sec, size_t i)
{
	Elf64_Rel r;
	struct rl_elf_rel out;

	memcpy(&r, rel_sec->data + i * sizeof(Elf64_Rel), sizeof(r));
	out.offset = r.r_offset;
	out.sym = ELF64_R_SYM(r.r_info);
	out.type = ELF64_R_TYPE(r.r_info);
	return out;
}

bool rl_elf_section_is_exec(const struct rl_elf_section *s)
{
	return s->type == SHT_PROGBITS && (s->flags & SHF_EXECINSTR) && s->size > 0;
}
