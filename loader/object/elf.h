/* elf.h - a checked, read-only view of an ELF64 relocatable BPF object.
 *
 * Pure: bytes in, tables out.  No syscalls, no file descriptors.  Every
 * offset, size, index and string in the file is checked against the buffer
 * before it is used, so the rest of the loader can trust what it gets here.
 *
 *   +------------------+ offset 0
 *   | Elf64_Ehdr       |  e_shoff, e_shnum, e_shstrndx point at ...
 *   +------------------+
 *   | section bytes    |  .text, xdp, .maps, .BTF, .symtab, .strtab, .rel* ...
 *   +------------------+ e_shoff
 *   | Elf64_Shdr[n]    |  one header per section: name, type, offset, size
 *   +------------------+
 */
#ifndef RL_ELF_H
#define RL_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"

struct rl_elf_section {
	uint32_t index;
	const char *name;      /* NUL-terminated, inside .shstrtab */
	uint32_t type;         /* SHT_* */
	uint64_t flags;        /* SHF_* */
	const uint8_t *data;   /* NULL for SHT_NOBITS (.bss) and empty sections */
	uint64_t size;
	uint64_t offset;       /* file offset, for messages */
	uint32_t link, info;
	uint64_t entsize;
};

struct rl_elf_symbol {
	uint32_t index;
	const char *name;      /* "" when unnamed */
	uint64_t value;
	uint64_t size;
	uint16_t shndx;
	uint8_t type;          /* STT_* */
	uint8_t bind;          /* STB_* */
};

struct rl_elf_rel {
	uint64_t offset;       /* byte offset inside the target section */
	uint32_t sym;          /* index into .symtab, checked < nr_symbols */
	uint32_t type;         /* R_BPF_* */
};

struct rl_elf {
	const uint8_t *bytes;
	size_t size;
	struct rl_elf_section *sections;
	uint32_t nr_sections;
	struct rl_elf_symbol *symbols;
	uint32_t nr_symbols;
	uint32_t symtab_index;   /* 0 when the object has no .symtab */
};

/* Parse and validate.  The buffer must outlive the view (no copy is made). */
int rl_elf_parse(struct rl_elf *elf, const void *bytes, size_t size, struct rl_diag *d);
void rl_elf_free(struct rl_elf *elf);

const struct rl_elf_section *rl_elf_section_by_name(const struct rl_elf *elf, const char *name);

/* Relocation sections (SHT_REL) were validated by rl_elf_parse: entsize,
 * size multiple, target section and every symbol index. */
size_t rl_elf_rel_count(const struct rl_elf_section *rel_sec);
struct rl_elf_rel rl_elf_rel_get(const struct rl_elf_section *rel_sec, size_t i);

bool rl_elf_section_is_exec(const struct rl_elf_section *s);

#endif
