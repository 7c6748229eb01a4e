/* test_elf.c - the ELF view (loader/object/elf.c) on hand-built objects, no files.
 *
 * mini_build() lays out the smallest object the loader accepts, in the
 * order clang uses (headers last):
 *
 *   0x000  Elf64_Ehdr          e_shoff -> the table at the end
 *   0x040  .strtab             "\0.strtab\0xdp\0license\0.symtab\0.relxdp\0xdp_prog\0"
 *   ...    xdp                 r0 = 2 (XDP_PASS); exit        (8-aligned)
 *   ...    license             "GPL\0"
 *   ...    .symtab             [0] null, [1] xdp_prog FUNC GLOBAL in xdp (8-aligned)
 *   ...    .relxdp             optional: one R_BPF_64_64 against symbol 1
 *   ...    Elf64_Shdr[6]       NULL .strtab xdp license .symtab .relxdp
 *
 * Each test then breaks one field and checks the exact message: the words
 * are the user interface, so a change in them should be a deliberate one.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "elf.h"
#include "object.h"
#include "unit.h"

#ifndef EM_BPF
#define EM_BPF 247
#endif
#ifndef R_BPF_64_64
#define R_BPF_64_64 1
#endif

enum { SEC_NULL, SEC_STRTAB, SEC_XDP, SEC_LICENSE, SEC_SYMTAB, SEC_REL, NR_SECS };

static const char strtab[] = "\0.strtab\0xdp\0license\0.symtab\0.relxdp\0xdp_prog";
/* offsets of the names above */
enum { N_STRTAB = 1, N_XDP = 9, N_LICENSE = 13, N_SYMTAB = 21, N_REL = 29, N_PROG = 37 };

struct mini {
	uint64_t words[256];        /* 2 KiB, 8-byte aligned like a malloc'd file */
	size_t size;
	Elf64_Ehdr *eh;
	Elf64_Shdr *sh;             /* sh[NR_SECS] */
	Elf64_Sym *sym;             /* sym[2] */
	Elf64_Rel *rel;             /* rel[1] */
	struct bpf_insn *insns;     /* insns[2] */
};

static size_t align8(size_t n)
{
	return (n + 7) & ~(size_t)7;
}

/* Append `len` bytes (8-aligned) and describe them in section header `idx`. */
static void *add_section(struct mini *m, uint8_t *buf, size_t *off, int idx, uint32_t name,
			 uint32_t type, uint64_t flags, const void *data, size_t len)
{
	Elf64_Shdr *s = &m->sh[idx];

	*off = align8(*off);
	memcpy(buf + *off, data, len);
	s->sh_name = name;
	s->sh_type = type;
	s->sh_flags = flags;
	s->sh_offset = *off;
	s->sh_size = len;
	s->sh_addralign = type == SHT_STRTAB || idx == SEC_LICENSE ? 1 : 8;
	*off += len;
	return buf + s->sh_offset;
}

static void mini_build(struct mini *m)
{
	static const struct bpf_insn prog[2] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 2 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	Elf64_Sym syms[2] = { { 0 } };
	Elf64_Rel rel = { .r_offset = 0, .r_info = ELF64_R_INFO(1, R_BPF_64_64) };
	Elf64_Shdr shdrs[NR_SECS] = { { 0 } };
	uint8_t *buf = (uint8_t *)m->words;
	size_t off = sizeof(Elf64_Ehdr);

	memset(m, 0, sizeof(*m));
	m->sh = shdrs;   /* filled here, copied to the end of the file below */
	add_section(m, buf, &off, SEC_STRTAB, N_STRTAB, SHT_STRTAB, 0, strtab, sizeof(strtab));
	add_section(m, buf, &off, SEC_XDP, N_XDP, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR,
		    prog, sizeof(prog));
	add_section(m, buf, &off, SEC_LICENSE, N_LICENSE, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE,
		    "GPL", 4);
	syms[1].st_name = N_PROG;
	syms[1].st_info = ELF64_ST_INFO(STB_GLOBAL, STT_FUNC);
	syms[1].st_shndx = SEC_XDP;
	syms[1].st_size = sizeof(prog);
	add_section(m, buf, &off, SEC_SYMTAB, N_SYMTAB, SHT_SYMTAB, 0, syms, sizeof(syms));
	shdrs[SEC_SYMTAB].sh_link = SEC_STRTAB;
	shdrs[SEC_SYMTAB].sh_info = 1;         /* first non-local symbol */
	shdrs[SEC_SYMTAB].sh_entsize = sizeof(Elf64_Sym);
	/* the REL section starts empty (size 0); tests that want the entry set sh_size */
	add_section(m, buf, &off, SEC_REL, N_REL, SHT_REL, SHF_INFO_LINK, &rel, sizeof(rel));
	shdrs[SEC_REL].sh_size = 0;
	shdrs[SEC_REL].sh_link = SEC_SYMTAB;
	shdrs[SEC_REL].sh_info = SEC_XDP;
	shdrs[SEC_REL].sh_entsize = sizeof(Elf64_Rel);

	off = align8(off);
	memcpy(buf + off, shdrs, sizeof(shdrs));
	m->eh = (Elf64_Ehdr *)buf;
	memcpy(m->eh->e_ident, ELFMAG, SELFMAG);
	m->eh->e_ident[EI_CLASS] = ELFCLASS64;
	m->eh->e_ident[EI_DATA] = ELFDATA2LSB;
	m->eh->e_ident[EI_VERSION] = EV_CURRENT;
	m->eh->e_type = ET_REL;
	m->eh->e_machine = EM_BPF;
	m->eh->e_version = EV_CURRENT;
	m->eh->e_shoff = off;
	m->eh->e_ehsize = sizeof(Elf64_Ehdr);
	m->eh->e_shentsize = sizeof(Elf64_Shdr);
	m->eh->e_shnum = NR_SECS;
	m->eh->e_shstrndx = SEC_STRTAB;
	m->size = off + sizeof(shdrs);
	m->sh = (Elf64_Shdr *)(buf + off);
	m->sym = (Elf64_Sym *)(buf + m->sh[SEC_SYMTAB].sh_offset);
	m->rel = (Elf64_Rel *)(buf + m->sh[SEC_REL].sh_offset);
	m->insns = (struct bpf_insn *)(buf + m->sh[SEC_XDP].sh_offset);
}

/* Parse; return the error (0 on success) and leave the message in *d. */
static int mini_parse(struct mini *m, struct rl_diag *d)
{
	struct rl_elf elf;
	int err;

	rl_diag_clear(d);
	err = rl_elf_parse(&elf, m->words, m->size, d);
	if (!err)
		rl_elf_free(&elf);
	return err;
}

/* Expect rl_elf_parse to fail with ENOEXEC and exactly `msg`. */
#define CHECK_REJECT(m, expected_msg) do { struct rl_diag _d; \
	CHECK_EQ(mini_parse(m, &_d), -ENOEXEC); CHECK_STR(_d.msg, expected_msg); } while (0)

/* ---- the good object ------------------------------------------------------- */

static void test_valid_minimal(void)
{
	struct mini m;
	struct rl_elf elf;
	struct rl_diag d = { "" };
	const struct rl_elf_section *s;

	mini_build(&m);
	CHECK_EQ(rl_elf_parse(&elf, m.words, m.size, &d), 0);
	CHECK_STR(d.msg, "");
	CHECK_EQ(elf.nr_sections, NR_SECS);
	CHECK_EQ(elf.nr_symbols, 2);
	CHECK_EQ(elf.symtab_index, SEC_SYMTAB);
	CHECK_STR(elf.sections[SEC_NULL].name, "");
	CHECK(elf.sections[SEC_NULL].data == NULL);
	s = rl_elf_section_by_name(&elf, "xdp");
	CHECK(s == &elf.sections[SEC_XDP]);
	if (s) {
		CHECK_EQ(s->index, SEC_XDP);
		CHECK_EQ(s->size, 16);
		CHECK_EQ(s->offset, m.sh[SEC_XDP].sh_offset);
		CHECK(s->data == (const uint8_t *)m.insns);
		CHECK(rl_elf_section_is_exec(s));
	}
	s = rl_elf_section_by_name(&elf, "license");
	CHECK(s && !rl_elf_section_is_exec(s) && s->size == 4 && !memcmp(s->data, "GPL", 4));
	CHECK(rl_elf_section_by_name(&elf, "nope") == NULL);
	CHECK(rl_elf_section_by_name(&elf, "") == NULL);   /* section 0 is never returned */
	CHECK_STR(elf.symbols[1].name, "xdp_prog");
	CHECK_EQ(elf.symbols[1].type, STT_FUNC);
	CHECK_EQ(elf.symbols[1].bind, STB_GLOBAL);
	CHECK_EQ(elf.symbols[1].shndx, SEC_XDP);
	CHECK_EQ(elf.symbols[1].size, 16);
	CHECK_EQ(rl_elf_rel_count(&elf.sections[SEC_REL]), 0);
	rl_elf_free(&elf);
	CHECK(elf.sections == NULL && elf.symbols == NULL && elf.nr_sections == 0);
}

/* The same bytes through the object model: one XDP program of 2 insns. */
static void test_valid_object(void)
{
	struct mini m;
	struct rl_object_spec obj;
	struct rl_diag d = { "" };

	mini_build(&m);
	CHECK_EQ(rl_object_parse(&obj, "dir/mini.bpf.o", m.words, m.size, &d), 0);
	CHECK_STR(obj.name, "mini");
	CHECK_STR(obj.license, "GPL");
	CHECK(!obj.has_btf);
	CHECK_EQ(obj.nr_maps, 0);
	CHECK_EQ(obj.nr_progs, 1);
	if (obj.nr_progs == 1) {
		CHECK_STR(obj.progs[0].name, "xdp_prog");
		CHECK_STR(obj.progs[0].sec_name, "xdp");
		CHECK_EQ(obj.progs[0].prog_type, BPF_PROG_TYPE_XDP);
		CHECK_EQ(obj.progs[0].expected_attach_type, BPF_XDP);
		CHECK_EQ(obj.progs[0].insn_cnt, 2);
		CHECK_EQ(obj.progs[0].insns[0].imm, 2);
		CHECK(!obj.progs[0].is_subprog);
	}
	rl_object_free(&obj);
}

/* ---- the ELF header ---------------------------------------------------------- */

static void test_zero_sections(void)
{
	struct mini m;

	mini_build(&m);
	m.eh->e_shnum = 0;
	CHECK_REJECT(&m, "no section headers (e_shnum is 0)");
}

static void test_shoff_misaligned(void)
{
	struct mini m;
	char want[128];

	mini_build(&m);
	m.eh->e_shoff += 4;
	snprintf(want, sizeof(want), "section header table offset %#llx is not 8-byte aligned",
		 (unsigned long long)m.eh->e_shoff);
	CHECK_REJECT(&m, want);
}

static void test_shoff_past_end(void)
{
	struct mini m;
	char want[160];

	mini_build(&m);
	m.size -= 1;   /* the table's last byte is missing */
	snprintf(want, sizeof(want),
		 "section header table (offset %#llx, 6 entries) runs past the end of the %zu-byte file",
		 (unsigned long long)m.eh->e_shoff, m.size);
	CHECK_REJECT(&m, want);
}

static void test_class32(void)
{
	struct mini m;

	mini_build(&m);
	m.eh->e_ident[EI_CLASS] = ELFCLASS32;
	CHECK_REJECT(&m, "ELF class 1 is not ELFCLASS64: BPF objects are 64-bit");
}

static void test_big_endian(void)
{
	struct mini m;

	mini_build(&m);
	m.eh->e_ident[EI_DATA] = ELFDATA2MSB;
	CHECK_REJECT(&m, "ELF data encoding 2 is not little endian (build with -target bpfel or bpf on x86)");
}

static void test_et_exec(void)
{
	struct mini m;

	mini_build(&m);
	m.eh->e_type = ET_EXEC;
	CHECK_REJECT(&m, "ELF type 2 is not ET_REL: expected a relocatable object from clang -c");
}

static void test_em_x86_64(void)
{
	struct mini m;

	mini_build(&m);
	m.eh->e_machine = EM_X86_64;
	CHECK_REJECT(&m, "ELF machine 62 is not EM_BPF (247): not a BPF object");
}

/* LLVM before 3.9 wrote e_machine 0 for BPF objects. */
static void test_em_none_accepted(void)
{
	struct mini m;
	struct rl_diag d;

	mini_build(&m);
	m.eh->e_machine = EM_NONE;
	CHECK_EQ(mini_parse(&m, &d), 0);
	CHECK_STR(d.msg, "");
}

static void test_bad_magic_and_version(void)
{
	struct mini m;

	mini_build(&m);
	m.eh->e_ident[EI_MAG1] = 'F';
	CHECK_REJECT(&m, "not an ELF file (bad magic)");
	mini_build(&m);
	m.eh->e_version = 2;
	CHECK_REJECT(&m, "ELF version 2 (e_ident[EI_VERSION] 1) is not EV_CURRENT (1)");
	mini_build(&m);
	m.eh->e_ident[EI_VERSION] = 0;
	CHECK_REJECT(&m, "ELF version 1 (e_ident[EI_VERSION] 0) is not EV_CURRENT (1)");
}

static void test_short_buffers(void)
{
	struct mini m;
	struct rl_elf elf;
	struct rl_diag d;

	mini_build(&m);
	CHECK_EQ(rl_elf_parse(&elf, m.words, 0, &d), -ENOEXEC);
	CHECK_STR(d.msg, "file is 0 bytes, too short for an ELF header");
	CHECK_EQ(rl_elf_parse(&elf, m.words, EI_NIDENT - 1, &d), -ENOEXEC);
	CHECK_STR(d.msg, "file is 15 bytes, too short for an ELF header");
	CHECK_EQ(rl_elf_parse(&elf, m.words, sizeof(Elf64_Ehdr) - 1, &d), -ENOEXEC);
	CHECK_STR(d.msg, "file is 63 bytes, shorter than the 64-byte ELF header");
	/* the parse failed: nothing to free, and the view is empty */
	CHECK(elf.sections == NULL && elf.nr_sections == 0);
}

static void test_shentsize_shstrndx(void)
{
	struct mini m;

	mini_build(&m);
	m.eh->e_shentsize = 40;
	CHECK_REJECT(&m, "e_shentsize is 40, expected 64");
	mini_build(&m);
	m.eh->e_shstrndx = SHN_UNDEF;
	CHECK_REJECT(&m, "e_shstrndx 0 is not a section index (file has 6 sections)");
	mini_build(&m);
	m.eh->e_shstrndx = NR_SECS;
	CHECK_REJECT(&m, "e_shstrndx 6 is not a section index (file has 6 sections)");
	mini_build(&m);
	m.eh->e_shstrndx = SEC_LICENSE;
	CHECK_REJECT(&m, "section name table (section 3) has type 1, not SHT_STRTAB");
}

/* ---- section headers ------------------------------------------------------------ */

static void test_section_ranges(void)
{
	struct mini m;
	struct rl_diag d;
	char want[200];

	mini_build(&m);
	m.sh[SEC_XDP].sh_size = 0xffffffffffffff00ull;    /* offset + size wraps */
	snprintf(want, sizeof(want),
		 "section 2 'xdp': offset %#llx + size 18446744073709551360 runs past the end of the %zu-byte file",
		 (unsigned long long)m.sh[SEC_XDP].sh_offset, m.size);
	CHECK_REJECT(&m, want);

	mini_build(&m);
	m.sh[SEC_LICENSE].sh_offset = m.size - 3;           /* 4 bytes from 3 before the end */
	snprintf(want, sizeof(want), "section 3 'license': offset %#llx + size 4 runs past the end of the %zu-byte file",
		 (unsigned long long)(m.size - 3), m.size);
	CHECK_REJECT(&m, want);

	/* SHT_NOBITS (.bss) occupies no file bytes: any offset/size is fine */
	mini_build(&m);
	m.sh[SEC_LICENSE].sh_type = SHT_NOBITS;
	m.sh[SEC_LICENSE].sh_size = 1 << 20;
	CHECK_EQ(mini_parse(&m, &d), 0);
}

static void test_section_names(void)
{
	struct mini m;

	mini_build(&m);
	m.sh[SEC_XDP].sh_name = sizeof(strtab);              /* one past the table */
	CHECK_REJECT(&m, "section 2: name offset 46 is outside the section name table or not NUL-terminated");
	mini_build(&m);
	m.sh[SEC_STRTAB].sh_size -= 1;                        /* "xdp_prog" loses its NUL ... */
	m.sh[SEC_XDP].sh_name = N_PROG;                       /* ... and names a section */
	CHECK_REJECT(&m, "section 2: name offset 37 is outside the section name table or not NUL-terminated");
}

static void test_code_alignment(void)
{
	struct mini m;
	char want[128];

	mini_build(&m);
	m.sh[SEC_XDP].sh_offset += 4;
	snprintf(want, sizeof(want), "section 2 'xdp': code at offset %#llx is not 8-byte aligned",
		 (unsigned long long)m.sh[SEC_XDP].sh_offset);
	CHECK_REJECT(&m, want);
}

/* ---- symbols ---------------------------------------------------------------------- */

static void test_symtab(void)
{
	struct mini m;
	struct rl_elf elf;
	struct rl_diag d;

	mini_build(&m);
	m.sh[SEC_SYMTAB].sh_entsize = 16;
	CHECK_REJECT(&m, "section 4 '.symtab': sh_entsize 16, expected 24");
	mini_build(&m);
	m.sh[SEC_SYMTAB].sh_size = 47;
	CHECK_REJECT(&m, "section 4 '.symtab': size 47 is not a multiple of 24");
	mini_build(&m);
	m.sh[SEC_SYMTAB].sh_link = SEC_XDP;
	CHECK_REJECT(&m, "section 4 '.symtab': sh_link 2 is not a string table");
	mini_build(&m);
	m.sh[SEC_SYMTAB].sh_link = 99;
	CHECK_REJECT(&m, "section 4 '.symtab': sh_link 99 is not a string table");
	mini_build(&m);
	m.sh[SEC_LICENSE].sh_type = SHT_SYMTAB;
	CHECK_REJECT(&m, "section 4 '.symtab': a second SHT_SYMTAB (first is section 3)");
	mini_build(&m);
	m.sym[1].st_name = 1000;
	CHECK_REJECT(&m, "symbol 1: name offset 1000 is outside '.strtab' or not NUL-terminated");
	mini_build(&m);
	m.sym[1].st_shndx = 7;
	CHECK_REJECT(&m, "symbol 1 'xdp_prog': section index 7, but the file has 6 sections");

	/* special indexes (SHN_ABS, SHN_COMMON) are not section numbers */
	mini_build(&m);
	m.sym[1].st_shndx = SHN_ABS;
	CHECK_EQ(mini_parse(&m, &d), 0);

	/* no .symtab at all is legal (and such an object has no programs) */
	mini_build(&m);
	m.sh[SEC_SYMTAB].sh_type = SHT_PROGBITS;
	m.sh[SEC_REL].sh_type = SHT_PROGBITS;
	CHECK_EQ(rl_elf_parse(&elf, m.words, m.size, &d), 0);
	CHECK_EQ(elf.symtab_index, 0);
	CHECK_EQ(elf.nr_symbols, 0);
	rl_elf_free(&elf);
}

/* ---- relocations ------------------------------------------------------------------- */

static void test_rel(void)
{
	struct mini m;
	struct rl_elf elf;
	struct rl_diag d = { "" };
	struct rl_elf_rel r;

	mini_build(&m);
	m.sh[SEC_REL].sh_size = sizeof(Elf64_Rel);
	m.rel->r_offset = 8;
	m.rel->r_info = ELF64_R_INFO(1, R_BPF_64_64);
	CHECK_EQ(rl_elf_parse(&elf, m.words, m.size, &d), 0);
	CHECK_EQ(rl_elf_rel_count(&elf.sections[SEC_REL]), 1);
	r = rl_elf_rel_get(&elf.sections[SEC_REL], 0);
	CHECK_EQ(r.offset, 8);
	CHECK_EQ(r.sym, 1);
	CHECK_EQ(r.type, R_BPF_64_64);
	rl_elf_free(&elf);

	m.rel->r_info = ELF64_R_INFO(2, R_BPF_64_64);
	CHECK_REJECT(&m, "section '.relxdp': relocation 0 refers to symbol 2, but .symtab has 2 symbols");
	m.rel->r_info = ELF64_R_INFO(1, R_BPF_64_64);
	m.rel->r_offset = 16;
	CHECK_REJECT(&m, "section '.relxdp': relocation 0 at offset 16 is outside 'xdp' (16 bytes)");
	m.rel->r_offset = 0;
	m.sh[SEC_REL].sh_entsize = 24;
	CHECK_REJECT(&m, "section 5 '.relxdp': sh_entsize 24, expected 16");
	m.sh[SEC_REL].sh_entsize = 16;
	m.sh[SEC_REL].sh_size = 8;
	CHECK_REJECT(&m, "section 5 '.relxdp': size 8 is not a multiple of 16");
	m.sh[SEC_REL].sh_size = 16;
	m.sh[SEC_REL].sh_info = 6;
	CHECK_REJECT(&m, "section 5 '.relxdp': sh_info 6 is not a section index (file has 6 sections)");
	m.sh[SEC_REL].sh_info = SEC_XDP;
	m.sh[SEC_REL].sh_link = SEC_STRTAB;
	CHECK_REJECT(&m, "section 5 '.relxdp': sh_link 1 is not the symbol table");

	/* ELF-valid, but the object model wants ld_imm64 or call at a relocation */
	mini_build(&m);
	m.sh[SEC_REL].sh_size = sizeof(Elf64_Rel);
	{
		struct rl_object_spec obj;

		CHECK_EQ(rl_object_parse(&obj, "mini.o", m.words, m.size, &d), -ENOEXEC);
		CHECK_STR(d.msg, "section 'xdp': relocation 0 at insn 0: instruction opcode 0xb7 is neither ld_imm64 nor a BPF-to-BPF call");
	}
}

int main(void)
{
	static const struct unit_test tests[] = {
		UNIT_TEST(test_valid_minimal),
		UNIT_TEST(test_valid_object),
		UNIT_TEST(test_zero_sections),
		UNIT_TEST(test_shoff_misaligned),
		UNIT_TEST(test_shoff_past_end),
		UNIT_TEST(test_class32),
		UNIT_TEST(test_big_endian),
		UNIT_TEST(test_et_exec),
		UNIT_TEST(test_em_x86_64),
		UNIT_TEST(test_em_none_accepted),
		UNIT_TEST(test_bad_magic_and_version),
		UNIT_TEST(test_short_buffers),
		UNIT_TEST(test_shentsize_shstrndx),
		UNIT_TEST(test_section_ranges),
		UNIT_TEST(test_section_names),
		UNIT_TEST(test_code_alignment),
		UNIT_TEST(test_symtab),
		UNIT_TEST(test_rel),
	};

	return unit_run("elf", tests, sizeof(tests) / sizeof(tests[0]));
}
