/* test_object.c - the object model (loader/object*.c) on every compiled object.
 *
 * Two kinds of evidence, so that a wrong parser cannot agree with itself:
 *
 *  1. A reference read by other tools.  For each object the test runs
 *     `llvm-readelf -W -S -s -r` and `llvm-objdump -d` and checks the model
 *     against their text: every section (name, type, offset, size), every
 *     symbol, one program per STT_FUNC in an executable section (offset and
 *     insn count from st_value/st_size, first instruction's bytes), every
 *     REL entry against code (the instruction objdump shows decides call vs
 *     ld_imm64; the symbol's section decides map / global data / callback;
 *     call targets and data offsets are recomputed from objdump's imm), and
 *     one map per map symbol or data section.
 *  2. Facts from the C sources in tests/objects/ and bpf/ (their header
 *     comments): program types from section names, map attributes, which
 *     initialiser slot holds what, which function calls which.
 *
 * No root needed; the objects come from `make unit`.
 */
#include <elf.h>
#include <errno.h>
#include <glob.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "object.h"
#include "unit.h"

#define OBJ_DIR "build/tests/objects/"

/* ---- reading files and tool output -------------------------------------- */

struct loaded {
	void *bytes;
	struct rl_object_spec obj;
	bool ok;
};

static bool load(struct loaded *l, const char *path)
{
	struct rl_diag d = { "" };
	size_t size = 0;

	memset(l, 0, sizeof(*l));
	l->bytes = unit_read_file(path, &size);
	if (!l->bytes) {
		fprintf(stderr, "  cannot read %s (run `make unit` to build the test objects)\n", path);
		return false;
	}
	if (rl_object_parse(&l->obj, path, l->bytes, size, &d)) {
		fprintf(stderr, "  %s: %s\n", path, d.msg);
		free(l->bytes);
		l->bytes = NULL;
		return false;
	}
	l->ok = true;
	return true;
}

static void unload(struct loaded *l)
{
	if (l->ok)
		rl_object_free(&l->obj);
	free(l->bytes);
	memset(l, 0, sizeof(*l));
}

/* What llvm-readelf and llvm-objdump say about one object. */
struct ref_section { char name[128]; char type[32]; char flags[16]; uint64_t off, size; uint32_t info; };
struct ref_symbol { uint64_t value, size; char type[16]; uint32_t shndx; char name[128]; };
struct ref_rel { uint32_t target; uint64_t off; uint32_t sym; };
struct ref_insn { uint32_t sec; uint32_t idx; uint8_t b[8]; };

struct ref {
	struct ref_section sec[128];
	uint32_t nr_sec;
	struct ref_symbol sym[1024];
	uint32_t nr_sym;
	struct ref_rel rel[1024];     /* only REL entries against executable sections */
	uint32_t nr_rel;
	struct ref_insn insn[16384];  /* first 8 bytes of each instruction */
	uint32_t nr_insn;
};

static bool ref_exec(const struct ref *r, uint32_t i)
{
	return i < r->nr_sec && strchr(r->sec[i].flags, 'X') && r->sec[i].size > 0;
}

static int ref_sec_by_name(const struct ref *r, const char *name)
{
	for (uint32_t i = 0; i < r->nr_sec; i++)
		if (!strcmp(r->sec[i].name, name))
			return (int)i;
	return -1;
}

static const struct ref_insn *ref_insn_at(const struct ref *r, uint32_t sec, uint32_t idx)
{
	for (uint32_t i = 0; i < r->nr_insn; i++)
		if (r->insn[i].sec == sec && r->insn[i].idx == idx)
			return &r->insn[i];
	return NULL;
}

static int32_t insn_imm(const struct ref_insn *in)
{
	return (int32_t)((uint32_t)in->b[4] | (uint32_t)in->b[5] << 8 |
			 (uint32_t)in->b[6] << 16 | (uint32_t)in->b[7] << 24);
}

/* "  [ 3] xdp  PROGBITS  0000000000000000 000040 000540 00  AX  0   0  8" */
static void parse_section_line(struct ref *r, char *line)
{
	char *tok[16], *p = strchr(line, ']');
	int n = 0;
	struct ref_section *s;

	if (!p || r->nr_sec == 128)
		return;
	for (char *t = strtok(p + 1, " \t\n"); t && n < 16; t = strtok(NULL, " \t\n"))
		tok[n++] = t;
	s = &r->sec[r->nr_sec++];
	memset(s, 0, sizeof(*s));
	if (n == 8)                    /* section 0: no name, no flags */
		return;
	if (n < 9)
		return;
	snprintf(s->name, sizeof(s->name), "%s", tok[0]);
	snprintf(s->type, sizeof(s->type), "%s", tok[1]);
	s->off = strtoull(tok[3], NULL, 16);
	s->size = strtoull(tok[4], NULL, 16);
	if (n == 10)
		snprintf(s->flags, sizeof(s->flags), "%s", tok[6]);
	s->info = (uint32_t)strtoul(tok[n - 2], NULL, 10);
}

/* "    35: 0000000000000000  1344 FUNC    GLOBAL DEFAULT     3 xdp_drop_ping" */
static void parse_symbol_line(struct ref *r, const char *line)
{
	char type[16], bind[16], vis[16], ndx[16], name[128] = "";
	unsigned long long value, size;
	unsigned idx;
	struct ref_symbol *s;

	if (sscanf(line, " %u: %llx %llu %15s %15s %15s %15s %127s", &idx, &value, &size,
		   type, bind, vis, ndx, name) < 7 || idx != r->nr_sym || r->nr_sym == 1024)
		return;
	s = &r->sym[r->nr_sym++];
	s->value = value;
	s->size = size;
	snprintf(s->type, sizeof(s->type), "%s", type);
	snprintf(s->name, sizeof(s->name), "%s", name);
	if (!strcmp(ndx, "UND"))
		s->shndx = SHN_UNDEF;
	else if (!strcmp(ndx, "ABS"))
		s->shndx = SHN_ABS;
	else if (!strcmp(ndx, "COM"))
		s->shndx = SHN_COMMON;
	else
		s->shndx = (uint32_t)strtoul(ndx, NULL, 10);
}

static bool run_readelf(struct ref *r, const char *path)
{
	char cmd[512], line[1024];
	enum { NONE, SECTIONS, RELS, SYMS } state = NONE;
	int rel_target = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "llvm-readelf -W -S -s -r '%s' 2>&1", path);
	p = popen(cmd, "r");
	if (!p)
		return false;
	while (fgets(line, sizeof(line), p)) {
		char relname[256];
		unsigned long long off, info;

		if (!strncmp(line, "Section Headers:", 16)) {
			state = SECTIONS;
		} else if (sscanf(line, "Relocation section '%255[^']'", relname) == 1) {
			int rs = ref_sec_by_name(r, relname);

			state = RELS;
			rel_target = rs < 0 ? -1 : (int)r->sec[rs].info;
		} else if (!strncmp(line, "Symbol table '.symtab'", 22)) {
			state = SYMS;
		} else if (state == SECTIONS && strstr(line, "[") && !strstr(line, "[Nr]")) {
			parse_section_line(r, line);
		} else if (state == RELS && sscanf(line, "%llx %llx", &off, &info) == 2 &&
			   rel_target >= 0 && ref_exec(r, (uint32_t)rel_target) && r->nr_rel < 1024) {
			r->rel[r->nr_rel++] = (struct ref_rel){ (uint32_t)rel_target, off,
								(uint32_t)(info >> 32) };
		} else if (state == SYMS) {
			parse_symbol_line(r, line);
		}
	}
	return pclose(p) == 0 && r->nr_sec > 0;
}

/* "Disassembly of section xdp:" then "      12:\t18 01 00 00 ...\tr1 = 0 ll" */
static bool run_objdump(struct ref *r, const char *path)
{
	char cmd[512], line[1024], secname[256];
	int sec = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "llvm-objdump -d '%s' 2>&1", path);
	p = popen(cmd, "r");
	if (!p)
		return false;
	while (fgets(line, sizeof(line), p)) {
		unsigned idx, b[8];
		struct ref_insn *in;

		if (sscanf(line, "Disassembly of section %255[^:]:", secname) == 1) {
			sec = ref_sec_by_name(r, secname);
			continue;
		}
		if (sec < 0 || r->nr_insn == 16384 ||
		    sscanf(line, " %u:\t%x %x %x %x %x %x %x %x", &idx, &b[0], &b[1], &b[2], &b[3],
			   &b[4], &b[5], &b[6], &b[7]) != 9)
			continue;
		in = &r->insn[r->nr_insn++];
		in->sec = (uint32_t)sec;
		in->idx = idx;
		for (int i = 0; i < 8; i++)
			in->b[i] = (uint8_t)b[i];
	}
	return pclose(p) == 0;
}

/* ---- 1. the cross-check against the reference tools ------------------------- */

static uint32_t sht_of(const char *type)
{
	static const struct { const char *name; uint32_t sht; } t[] = {
		{ "NULL", SHT_NULL }, { "PROGBITS", SHT_PROGBITS }, { "SYMTAB", SHT_SYMTAB },
		{ "STRTAB", SHT_STRTAB }, { "REL", SHT_REL }, { "NOBITS", SHT_NOBITS },
		{ "LLVM_ADDRSIG", 0x6fff4c03 },
	};
	for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++)
		if (!strcmp(t[i].name, type))
			return t[i].sht;
	return UINT32_MAX;
}

static uint32_t stt_of(const char *type)
{
	if (!strcmp(type, "FUNC"))
		return STT_FUNC;
	if (!strcmp(type, "OBJECT"))
		return STT_OBJECT;
	if (!strcmp(type, "SECTION"))
		return STT_SECTION;
	if (!strcmp(type, "FILE"))
		return STT_FILE;
	return STT_NOTYPE;
}

static void check_sections_symbols(const struct rl_object_spec *o, const struct ref *r)
{
	const struct rl_elf *elf = &o->elf;

	CHECK_EQ(elf->nr_sections, r->nr_sec);
	for (uint32_t i = 1; i < elf->nr_sections && i < r->nr_sec; i++) {
		CHECK_STR(elf->sections[i].name, r->sec[i].name);
		CHECK_EQ(elf->sections[i].size, r->sec[i].size);
		CHECK_EQ(elf->sections[i].offset, r->sec[i].off);
		if (sht_of(r->sec[i].type) != UINT32_MAX)
			CHECK_EQ(elf->sections[i].type, sht_of(r->sec[i].type));
		CHECK_EQ(rl_elf_section_is_exec(&elf->sections[i]), ref_exec(r, i));
	}
	CHECK_EQ(elf->nr_symbols, r->nr_sym);
	for (uint32_t i = 0; i < elf->nr_symbols && i < r->nr_sym; i++) {
		const struct rl_elf_symbol *s = &elf->symbols[i];

		CHECK_EQ(s->value, r->sym[i].value);
		CHECK_EQ(s->size, r->sym[i].size);
		CHECK_EQ(s->shndx, r->sym[i].shndx);
		CHECK_EQ(s->type, stt_of(r->sym[i].type));
		if (s->type != STT_SECTION)  /* readelf shows the section's name for these */
			CHECK_STR(s->name, r->sym[i].name);
	}
}

static const struct rl_prog_spec *prog_named(const struct rl_object_spec *o, const char *name)
{
	for (uint32_t i = 0; i < o->nr_progs; i++)
		if (!strcmp(o->progs[i].name, name))
			return &o->progs[i];
	return NULL;
}

/* The function (by readelf's symbols) holding instruction `idx` of `sec`. */
static const struct ref_symbol *ref_func_at(const struct ref *r, uint32_t sec, uint64_t idx)
{
	for (uint32_t i = 0; i < r->nr_sym; i++) {
		const struct ref_symbol *s = &r->sym[i];

		if (!strcmp(s->type, "FUNC") && s->shndx == sec && idx >= s->value / 8 &&
		    idx < (s->value + s->size) / 8)
			return s;
	}
	return NULL;
}

static void check_programs(const struct rl_object_spec *o, const struct ref *r)
{
	uint32_t n = 0;

	for (uint32_t i = 0; i < r->nr_sym; i++) {
		const struct ref_symbol *s = &r->sym[i];
		const struct rl_prog_spec *p;
		const struct ref_insn *in;

		if (strcmp(s->type, "FUNC") || !ref_exec(r, s->shndx))
			continue;
		n++;
		p = prog_named(o, s->name);
		CHECK(p != NULL);
		if (!p) {
			fprintf(stderr, "  no program for function '%s'\n", s->name);
			continue;
		}
		CHECK_EQ(p->sec_idx, s->shndx);
		CHECK_STR(p->sec_name, r->sec[s->shndx].name);
		CHECK_EQ(p->sec_insn_off, s->value / 8);
		CHECK_EQ(p->insn_cnt, s->size / 8);
		CHECK_EQ(p->is_subprog, !strcmp(r->sec[s->shndx].name, ".text"));
		in = ref_insn_at(r, s->shndx, (uint32_t)(s->value / 8));
		CHECK(in && !memcmp(p->insns, in->b, 8));
	}
	CHECK_EQ(o->nr_progs, n);
}

static const struct rl_reloc *reloc_at(const struct rl_prog_spec *p, uint32_t insn)
{
	for (uint32_t i = 0; p && i < p->nr_relocs; i++)
		if (p->relocs[i].insn_idx == insn)
			return &p->relocs[i];
	return NULL;
}

static bool is_data_name(const char *n)
{
	return !strcmp(n, ".data") || !strcmp(n, ".bss") || !strncmp(n, ".rodata", 7) ||
	       !strncmp(n, ".data.", 6) || !strncmp(n, ".bss.", 5);
}

/* One REL entry against code: the model must hold the same fix-up. */
static void check_one_rel(const struct rl_object_spec *o, const struct ref *r, const struct ref_rel *e)
{
	const struct ref_symbol *fn = ref_func_at(r, e->target, e->off / 8);
	const struct ref_symbol *sym = &r->sym[e->sym < r->nr_sym ? e->sym : 0];
	const struct ref_insn *in = ref_insn_at(r, e->target, (uint32_t)(e->off / 8));
	const struct rl_prog_spec *p = fn ? prog_named(o, fn->name) : NULL;
	const struct rl_reloc *rl = p ? reloc_at(p, (uint32_t)(e->off / 8 - fn->value / 8)) : NULL;
	const char *symsec = sym->shndx < r->nr_sec ? r->sec[sym->shndx].name : "";

	CHECK(fn && in && p && rl);
	if (!rl || !in) {
		fprintf(stderr, "  no relocation at '%s' offset %llu\n", r->sec[e->target].name,
			(unsigned long long)e->off);
		return;
	}
	CHECK_EQ(rl->sym_idx, e->sym);
	if (sym->shndx == 0) {
		/* an extern: .kconfig ones read the synthesized map, .ksyms and
		 * kfuncs stay externs for the loader */
		int x = rl_object_find_extern(o, sym->name);

		CHECK(x >= 0);
		if (x >= 0 && o->externs[x].kind == RL_EXTERN_KCONFIG) {
			CHECK_EQ(rl->kind, RL_RELOC_MAP_VALUE);
			CHECK_EQ(rl->map_idx, o->kconfig_map);
			CHECK_EQ(rl->map_off, (int64_t)o->externs[x].offset + insn_imm(in));
		} else {
			CHECK_EQ(rl->kind, RL_RELOC_EXTERN);
			CHECK_EQ(rl->ext_idx, x);
		}
		return;
	}
	if (in->b[0] == (BPF_JMP | BPF_CALL)) {
		CHECK_EQ(rl->kind, RL_RELOC_CALL);
		CHECK_EQ(rl->target_sec, sym->shndx);
		CHECK_EQ(rl->target_insn, (int64_t)(sym->value / 8) + insn_imm(in) + 1);
		return;
	}
	CHECK_EQ(in->b[0], BPF_LD | BPF_IMM | BPF_DW);
	if (!strcmp(symsec, ".maps") || !strcmp(symsec, "maps")) {
		CHECK_EQ(rl->kind, RL_RELOC_MAP);
		CHECK(rl->map_idx < o->nr_maps);
		if (rl->map_idx < o->nr_maps)
			CHECK_STR(o->maps[rl->map_idx].name, sym->name);
	} else if (is_data_name(symsec)) {
		CHECK_EQ(rl->kind, RL_RELOC_MAP_VALUE);
		CHECK(rl->map_idx < o->nr_maps);
		if (rl->map_idx < o->nr_maps)
			CHECK_STR(o->maps[rl->map_idx].name, symsec);
		CHECK_EQ(rl->map_off, (int64_t)sym->value + insn_imm(in));
	} else if (ref_exec(r, sym->shndx)) {
		CHECK_EQ(rl->kind, RL_RELOC_FUNC_ADDR);
		CHECK_EQ(rl->target_sec, sym->shndx);
		CHECK_EQ(rl->target_insn, ((int64_t)sym->value + insn_imm(in)) / 8);
	} else {
		CHECK(!"relocation against an unexpected section");
	}
}

static void check_relocations(const struct rl_object_spec *o, const struct ref *r)
{
	uint32_t total = 0, local_calls = 0;

	for (uint32_t i = 0; i < r->nr_rel; i++)
		check_one_rel(o, r, &r->rel[i]);
	/* calls inside one section may carry no REL entry: src_reg 1 (call) or 4 (ld_imm64) */
	for (uint32_t i = 0; i < r->nr_insn; i++) {
		const struct ref_insn *in = &r->insn[i];
		bool has_rel = false;

		if (!((in->b[0] == (BPF_JMP | BPF_CALL) && in->b[1] >> 4 == BPF_PSEUDO_CALL) ||
		      (in->b[0] == (BPF_LD | BPF_IMM | BPF_DW) && in->b[1] >> 4 == BPF_PSEUDO_FUNC)))
			continue;
		for (uint32_t j = 0; j < r->nr_rel; j++)
			has_rel |= r->rel[j].target == in->sec && r->rel[j].off == (uint64_t)in->idx * 8;
		local_calls += !has_rel;
	}
	for (uint32_t i = 0; i < o->nr_progs; i++)
		total += o->progs[i].nr_relocs;
	CHECK_EQ(total, r->nr_rel + local_calls);
}

static void check_maps(const struct rl_object_spec *o, const struct ref *r)
{
	uint32_t expect = 0, templates = 0;

	for (uint32_t i = 0; i < r->nr_sym; i++) {
		const struct ref_symbol *s = &r->sym[i];
		const char *sec = s->shndx < r->nr_sec ? r->sec[s->shndx].name : "";
		int m;

		if (strcmp(s->type, "OBJECT") || (strcmp(sec, ".maps") && strcmp(sec, "maps")))
			continue;
		expect++;
		m = rl_object_find_map(o, s->name);
		CHECK(m >= 0);
		if (m < 0)
			continue;
		CHECK_EQ(o->maps[m].origin, strcmp(sec, "maps") ? RL_MAP_BTF : RL_MAP_LEGACY);
		CHECK_EQ(o->maps[m].sec_idx, s->shndx);
		CHECK_EQ(o->maps[m].sec_off, s->value);
	}
	for (uint32_t i = 1; i < r->nr_sec; i++) {
		const struct ref_section *s = &r->sec[i];
		int m;

		if (!is_data_name(s->name) || !strchr(s->flags, 'A') || !s->size)
			continue;
		expect++;
		m = rl_object_find_map(o, s->name);
		CHECK(m >= 0);
		if (m < 0)
			continue;
		CHECK_EQ(o->maps[m].origin, RL_MAP_GLOBAL_DATA);
		CHECK_EQ(o->maps[m].value_size, s->size);
		CHECK_EQ(o->maps[m].max_entries, 1);
		CHECK_EQ(o->maps[m].init_data == NULL, !strcmp(s->type, "NOBITS"));
		CHECK_EQ(o->maps[m].readonly, !strncmp(s->name, ".rodata", 7));
	}
	for (uint32_t i = 0; i < o->nr_maps; i++)
		templates += o->maps[i].is_inner_template;
	if (o->kconfig_map >= 0) {       /* .kconfig externs: a map no section holds */
		CHECK_STR(o->maps[o->kconfig_map].name, ".kconfig");
		expect++;
	}
	CHECK_EQ(o->nr_maps, expect + templates);
}

static bool has_code(const struct ref *r)
{
	for (uint32_t i = 0; i < r->nr_sec; i++)
		if (ref_exec(r, i))
			return true;
	return false;
}

static void cross_check(const char *path)
{
	struct ref *r = calloc(1, sizeof(*r));
	struct loaded l;

	CHECK(r != NULL);
	if (!r)
		return;
	CHECK(load(&l, path));
	if (!run_readelf(r, path) || !run_objdump(r, path) || (has_code(r) && !r->nr_insn)) {
		CHECK(!"llvm-readelf / llvm-objdump failed (make deps installs llvm)");
		fprintf(stderr, "  on %s\n", path);
	} else if (l.ok) {
		int before = unit_failed_checks;

		check_sections_symbols(&l.obj, r);
		check_programs(&l.obj, r);
		check_relocations(&l.obj, r);
		check_maps(&l.obj, r);
		if (unit_failed_checks != before)
			fprintf(stderr, "  ... in %s\n", path);
	}
	unload(&l);
	free(r);
}

static void test_cross_check_all(void)
{
	static const char *const pats[] = { OBJ_DIR "*.bpf.o", "bpf/*.bpf.o", "bpf/seed/*.bpf.o" };
	size_t seen = 0;

	for (size_t i = 0; i < sizeof(pats) / sizeof(pats[0]); i++) {
		glob_t g;

		if (glob(pats[i], 0, NULL, &g) != 0)
			continue;
		for (size_t j = 0; j < g.gl_pathc; j++)
			cross_check(g.gl_pathv[j]);
		seen += g.gl_pathc;
		globfree(&g);
	}
	CHECK(seen >= 12);   /* 10 test objects + the 2 shipped programs at least */
}

/* ---- 2. facts from the sources ------------------------------------------------ */

static const struct rl_map_spec *map_named(const struct rl_object_spec *o, const char *name)
{
	int m = rl_object_find_map(o, name);

	return m < 0 ? NULL : &o->maps[m];
}

#define CHECK_MAP(o, name, t, k, v, max, flags_) do { const struct rl_map_spec *_m = map_named(o, name); \
	CHECK(_m != NULL); if (_m) { CHECK_EQ(_m->type, t); CHECK_EQ(_m->key_size, k); \
	CHECK_EQ(_m->value_size, v); CHECK_EQ(_m->max_entries, max); CHECK_EQ(_m->map_flags, flags_); } \
	} while (0)

/* The kinds of a program's relocations, in instruction order: "MMC" etc. */
static void reloc_kinds(const struct rl_prog_spec *p, char *out, size_t n)
{
	static const char letter[] = { [RL_RELOC_MAP] = 'M', [RL_RELOC_MAP_VALUE] = 'V',
				       [RL_RELOC_CALL] = 'C', [RL_RELOC_FUNC_ADDR] = 'F',
				       [RL_RELOC_EXTERN] = 'E' };
	size_t k = 0;

	for (uint32_t i = 0; p && i < p->nr_relocs && k + 1 < n; i++)
		out[k++] = letter[p->relocs[i].kind];
	out[k] = '\0';
}

/* The function a CALL / FUNC_ADDR relocation lands on (at its first insn). */
static const char *reloc_callee(const struct rl_object_spec *o, const struct rl_reloc *r)
{
	for (uint32_t i = 0; i < o->nr_progs; i++)
		if (o->progs[i].sec_idx == r->target_sec && o->progs[i].sec_insn_off == r->target_insn)
			return o->progs[i].name;
	return "(none)";
}

static void test_maps_btf(void)
{
	struct loaded l;
	const struct rl_object_spec *o = &l.obj;
	const struct rl_prog_spec *p;
	static const char *const order[] = { "pinned_cfg", "scratch", "recent", "events", "flows", "flows" };
	char kinds[16];

	if (!load(&l, OBJ_DIR "maps_btf.bpf.o")) {
		CHECK(0);
		return;
	}
	CHECK_EQ(o->nr_maps, 5);
	CHECK_MAP(o, "flows", BPF_MAP_TYPE_HASH, 8, 16, 128, 0);
	CHECK_MAP(o, "pinned_cfg", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	CHECK_MAP(o, "scratch", BPF_MAP_TYPE_PERCPU_HASH, 4, 8, 64, BPF_F_NO_PREALLOC);
	CHECK_MAP(o, "recent", BPF_MAP_TYPE_LRU_HASH, 4, 8, 32, 0);
	CHECK_MAP(o, "events", BPF_MAP_TYPE_RINGBUF, 0, 0, 16384, 0);
	for (uint32_t i = 0; i < o->nr_maps; i++) {
		CHECK_EQ(o->maps[i].origin, RL_MAP_BTF);
		CHECK_EQ(o->maps[i].pinning, strcmp(o->maps[i].name, "pinned_cfg") ? RL_PIN_NONE : RL_PIN_BY_NAME);
		CHECK(o->maps[i].inner_idx == -1 && !o->maps[i].nr_init_slots);
	}
	/* key/value BTF ids name the declared types */
	CHECK_STR(rl_btf_type_name(&o->btf, map_named(o, "flows")->btf_key_type_id), "flow");
	CHECK_STR(rl_btf_type_name(&o->btf, map_named(o, "flows")->btf_value_type_id), "counters");
	CHECK_EQ(map_named(o, "events")->btf_key_type_id, 0);
	p = rl_object_find_prog(o, "xdp_maps");
	CHECK(p && p->prog_type == BPF_PROG_TYPE_XDP && p->nr_relocs == 6);
	reloc_kinds(p, kinds, sizeof(kinds));
	CHECK_STR(kinds, "MMMMMM");
	for (uint32_t i = 0; p && i < p->nr_relocs && i < 6; i++)
		CHECK_STR(o->maps[p->relocs[i].map_idx].name, order[i]);
	CHECK_STR(o->license, "GPL");
	unload(&l);
}

static void test_maps_legacy(void)
{
	struct loaded l;
	const struct rl_object_spec *o = &l.obj;
	const struct rl_prog_spec *p;
	char kinds[16];

	if (!load(&l, OBJ_DIR "maps_legacy.bpf.o")) {
		CHECK(0);
		return;
	}
	CHECK_EQ(o->nr_maps, 2);
	CHECK_MAP(o, "counts", BPF_MAP_TYPE_ARRAY, 4, 8, 4, 0);
	CHECK_MAP(o, "seen", BPF_MAP_TYPE_HASH, 4, 4, 16, 0);
	CHECK(map_named(o, "counts") && map_named(o, "counts")->sec_off == 0 &&
	      map_named(o, "counts")->origin == RL_MAP_LEGACY);
	CHECK(map_named(o, "seen") && map_named(o, "seen")->sec_off == 20 &&
	      map_named(o, "seen")->origin == RL_MAP_LEGACY);
	p = rl_object_find_prog(o, "xdp_legacy");
	reloc_kinds(p, kinds, sizeof(kinds));
	CHECK_STR(kinds, "MMM");
	if (p && p->nr_relocs == 3) {
		CHECK_STR(o->maps[p->relocs[0].map_idx].name, "counts");
		CHECK_STR(o->maps[p->relocs[1].map_idx].name, "seen");
		CHECK_STR(o->maps[p->relocs[2].map_idx].name, "seen");
	}
	unload(&l);
}

static uint32_t u32_at(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static void test_global_data(void)
{
	struct loaded l;
	const struct rl_object_spec *o = &l.obj;
	const struct rl_map_spec *ro, *data, *bss, *str;
	const struct rl_prog_spec *p;
	/* symbol -> (map, offset), from the source's table */
	static const struct { const char *sym, *map; uint32_t off; } refs[] = {
		{ "packets", ".bss", 0 }, { "magic", ".data", 4 }, { "", ".rodata.str1.1", 0 },
		{ "other", ".data", 0 }, { "", ".rodata.str1.1", 13 },
		{ "drop_enabled", ".rodata", 4 }, { "pad_rodata", ".rodata", 0 },
	};
	char kinds[16];

	if (!load(&l, OBJ_DIR "global_data.bpf.o")) {
		CHECK(0);
		return;
	}
	CHECK_EQ(o->nr_maps, 4);
	ro = map_named(o, ".rodata");
	data = map_named(o, ".data");
	bss = map_named(o, ".bss");
	str = map_named(o, ".rodata.str1.1");
	CHECK(ro && data && bss && str);
	if (!ro || !data || !bss || !str) {
		unload(&l);
		return;
	}
	CHECK(ro->readonly && ro->map_flags == BPF_F_RDONLY_PROG && ro->init_data);
	CHECK(str->readonly && str->map_flags == BPF_F_RDONLY_PROG && str->init_data);
	CHECK(!data->readonly && data->map_flags == 0 && data->init_data);
	CHECK(!bss->readonly && bss->init_data == NULL && bss->init_size == 8);
	CHECK_EQ(ro->value_size, 8);
	CHECK_EQ(u32_at(ro->init_data), 0xab);           /* pad_rodata */
	CHECK_EQ(u32_at(ro->init_data + 4), 1);          /* drop_enabled */
	CHECK_EQ(u32_at(data->init_data), 7);            /* other */
	CHECK_EQ(u32_at(data->init_data + 4), 0x1234);   /* magic */
	CHECK_EQ(str->value_size, 26);
	CHECK(!memcmp(str->init_data, "magic is %x\n", 13));
	CHECK(!memcmp(str->init_data + 13, "other is %d\n", 13));
	for (uint32_t i = 0; i < o->nr_maps; i++) {
		CHECK_EQ(o->maps[i].origin, RL_MAP_GLOBAL_DATA);
		CHECK(o->maps[i].type == BPF_MAP_TYPE_ARRAY && o->maps[i].key_size == 4);
		/* the DATASEC; clang describes no strings, so .rodata.str1.1 has none */
		CHECK_EQ(o->maps[i].btf_value_type_id != 0, strcmp(o->maps[i].name, ".rodata.str1.1") != 0);
	}
	p = rl_object_find_prog(o, "xdp_globals");
	reloc_kinds(p, kinds, sizeof(kinds));
	CHECK_STR(kinds, "VVVVVVV");
	for (uint32_t i = 0; p && i < p->nr_relocs && i < 7; i++) {
		CHECK_STR(p->relocs[i].sym_name, refs[i].sym);
		CHECK_STR(o->maps[p->relocs[i].map_idx].name, refs[i].map);
		CHECK_EQ(p->relocs[i].map_off, refs[i].off);
	}
	unload(&l);
}

static void test_tail_call(void)
{
	struct loaded l;
	const struct rl_object_spec *o = &l.obj;
	const struct rl_map_spec *jt;

	if (!load(&l, OBJ_DIR "tail_call.bpf.o")) {
		CHECK(0);
		return;
	}
	CHECK_EQ(o->nr_progs, 2);
	CHECK(rl_object_find_prog(o, "xdp_target") && rl_object_find_prog(o, "xdp_entry"));
	CHECK_MAP(o, "jmp_table", BPF_MAP_TYPE_PROG_ARRAY, 4, 4, 4, 0);
	jt = map_named(o, "jmp_table");
	CHECK(jt && jt->has_init_values && jt->inner_idx == -1 && jt->nr_init_slots == 1);
	if (jt && jt->nr_init_slots == 1) {
		CHECK_EQ(jt->init_slots[0].key, 1);
		CHECK(jt->init_slots[0].is_prog);
		CHECK_STR(o->progs[jt->init_slots[0].target_idx].name, "xdp_target");
	}
	unload(&l);
}

static void test_map_in_map(void)
{
	struct loaded l;
	const struct rl_object_spec *o = &l.obj;
	const struct rl_map_spec *outer, *tmpl;

	if (!load(&l, OBJ_DIR "map_in_map.bpf.o")) {
		CHECK(0);
		return;
	}
	CHECK_EQ(o->nr_maps, 3);
	CHECK_MAP(o, "inner_a", BPF_MAP_TYPE_ARRAY, 4, 4, 1, 0);
	CHECK_MAP(o, "outer", BPF_MAP_TYPE_ARRAY_OF_MAPS, 4, 4, 2, 0);
	outer = map_named(o, "outer");
	CHECK(outer && outer->inner_idx >= 0 && (uint32_t)outer->inner_idx < o->nr_maps);
	if (!outer || outer->inner_idx < 0) {
		unload(&l);
		return;
	}
	tmpl = &o->maps[outer->inner_idx];
	CHECK(tmpl->is_inner_template && !map_named(o, "inner_a")->is_inner_template);
	CHECK(tmpl->type == BPF_MAP_TYPE_ARRAY && tmpl->key_size == 4 && tmpl->value_size == 4 &&
	      tmpl->max_entries == 1);
	CHECK_EQ(outer->nr_init_slots, 1);
	if (outer->nr_init_slots == 1) {
		CHECK_EQ(outer->init_slots[0].key, 0);
		CHECK(!outer->init_slots[0].is_prog);
		CHECK_STR(o->maps[outer->init_slots[0].target_idx].name, "inner_a");
	}
	unload(&l);
}

static void test_multi_prog(void)
{
	struct loaded l;
	const struct rl_object_spec *o = &l.obj;
	const struct rl_prog_spec *a, *b, *c, *tx;
	char kinds[16];

	if (!load(&l, OBJ_DIR "multi_prog.bpf.o")) {
		CHECK(0);
		return;
	}
	a = rl_object_find_prog(o, "xdp_a");
	b = rl_object_find_prog(o, "xdp_b");
	c = rl_object_find_prog(o, "xdp_c");
	tx = prog_named(o, "tx_verdict");
	CHECK(a && b && c && tx);
	if (!a || !b || !c || !tx) {
		unload(&l);
		return;
	}
	/* three programs share one section, back to back */
	CHECK(a->sec_idx == b->sec_idx && b->sec_idx == c->sec_idx);
	CHECK_STR(a->sec_name, "xdp");
	CHECK_EQ(a->sec_insn_off, 0);
	CHECK_EQ(b->sec_insn_off, a->insn_cnt);
	CHECK_EQ(c->sec_insn_off, b->sec_insn_off + b->insn_cnt);
	CHECK(a->prog_type == BPF_PROG_TYPE_XDP && b->prog_type == BPF_PROG_TYPE_XDP &&
	      c->prog_type == BPF_PROG_TYPE_XDP);
	CHECK(tx->is_subprog && !strcmp(tx->sec_name, ".text"));
	CHECK_EQ(a->nr_relocs, 0);
	reloc_kinds(b, kinds, sizeof(kinds));
	CHECK_STR(kinds, "M");
	reloc_kinds(c, kinds, sizeof(kinds));
	CHECK_STR(kinds, "MC");
	/* relocation indexes are relative to each program, not to the section */
	CHECK(b->nr_relocs && c->nr_relocs && b->relocs[0].insn_idx == c->relocs[0].insn_idx);
	if (c->nr_relocs == 2)
		CHECK_STR(reloc_callee(o, &c->relocs[1]), "tx_verdict");
	CHECK_MAP(o, "counter", BPF_MAP_TYPE_ARRAY, 4, 8, 3, 0);
	unload(&l);
}

static void test_subprog(void)
{
	struct loaded l;
	const struct rl_object_spec *o = &l.obj;
	const struct rl_prog_spec *xdp, *tc, *sum, *answer;
	char kinds[16];

	if (!load(&l, OBJ_DIR "subprog.bpf.o")) {
		CHECK(0);
		return;
	}
	xdp = rl_object_find_prog(o, "xdp_sub");
	tc = rl_object_find_prog(o, "tc_sub");
	sum = prog_named(o, "rl_sum");
	answer = prog_named(o, "answer");
	CHECK(xdp && tc && sum && answer && prog_named(o, "add_cb") && prog_named(o, "twice"));
	if (!xdp || !tc || !sum || !answer) {
		unload(&l);
		return;
	}
	CHECK_EQ(o->nr_progs, 6);
	CHECK(xdp->prog_type == BPF_PROG_TYPE_XDP && tc->prog_type == BPF_PROG_TYPE_SCHED_CLS);
	CHECK(!xdp->is_subprog && !tc->is_subprog);
	CHECK(sum->is_subprog && answer->is_subprog && prog_named(o, "twice")->is_subprog &&
	      prog_named(o, "add_cb")->is_subprog);
	CHECK(rl_object_find_prog(o, "rl_sum") == NULL);   /* find_prog: programs only */
	reloc_kinds(xdp, kinds, sizeof(kinds));
	CHECK_STR(kinds, "C");
	reloc_kinds(tc, kinds, sizeof(kinds));
	CHECK_STR(kinds, "C");
	reloc_kinds(answer, kinds, sizeof(kinds));
	CHECK_STR(kinds, "CC");
	reloc_kinds(sum, kinds, sizeof(kinds));
	CHECK_STR(kinds, "F");                              /* bpf_loop(n, add_cb, ...) */
	if (xdp->nr_relocs && tc->nr_relocs && answer->nr_relocs == 2 && sum->nr_relocs) {
		CHECK_STR(reloc_callee(o, &xdp->relocs[0]), "answer");
		CHECK_STR(reloc_callee(o, &tc->relocs[0]), "answer");
		CHECK_STR(reloc_callee(o, &answer->relocs[0]), "rl_sum");
		CHECK_STR(reloc_callee(o, &answer->relocs[1]), "twice");
		CHECK_STR(reloc_callee(o, &sum->relocs[0]), "add_cb");
	}
	CHECK(o->has_btf_ext && o->btf_ext.func_info.nr_secs == 3);   /* .text, xdp, tc */
	unload(&l);
}

static void test_sock_progs(void)
{
	static const struct { const char *name, *sec; uint32_t type, attach, flags; const char *target; } want[] = {
		{ "skb_parser", "sk_skb/stream_parser", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_PARSER, 0, NULL },
		{ "skb_verdict", "sk_skb/stream_verdict", BPF_PROG_TYPE_SK_SKB, BPF_SK_SKB_STREAM_VERDICT, 0, NULL },
		{ "cg_ingress", "cgroup_skb/ingress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_INGRESS, 0, NULL },
		{ "cg_egress", "cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 0, NULL },
		{ "sock_filter", "socket", BPF_PROG_TYPE_SOCKET_FILTER, RL_ATTACH_NONE, 0, NULL },
		{ "tc_ok", "tc", BPF_PROG_TYPE_SCHED_CLS, RL_ATTACH_NONE, 0, NULL },
		{ "xdp_frags", "xdp.frags", BPF_PROG_TYPE_XDP, BPF_XDP, BPF_F_XDP_HAS_FRAGS, NULL },
		{ "kprobe_unlinkat", "kprobe/do_unlinkat", BPF_PROG_TYPE_KPROBE, RL_ATTACH_NONE, 0, "do_unlinkat" },
		{ "tp_openat", "tracepoint/syscalls/sys_enter_openat", BPF_PROG_TYPE_TRACEPOINT,
		  RL_ATTACH_NONE, 0, "syscalls/sys_enter_openat" },
	};
	struct loaded l;

	if (!load(&l, OBJ_DIR "sock_progs.bpf.o")) {
		CHECK(0);
		return;
	}
	CHECK_EQ(l.obj.nr_progs, 9);
	CHECK_EQ(l.obj.nr_maps, 0);
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct rl_prog_spec *p = rl_object_find_prog(&l.obj, want[i].name);

		CHECK(p != NULL);
		if (!p)
			continue;
		CHECK_STR(p->sec_name, want[i].sec);
		CHECK_EQ(p->prog_type, want[i].type);
		CHECK_EQ(p->expected_attach_type, want[i].attach);
		CHECK_EQ(p->prog_flags, want[i].flags);
		CHECK_EQ(p->insn_cnt, 2);                     /* r0 = ...; exit */
		if (want[i].target)
			CHECK_STR(p->attach_target, want[i].target);
		else
			CHECK(p->attach_target == NULL);
	}
	unload(&l);
}

/* REL entries in reverse order (a valid object: ELF does not order them)
 * give the same relocations, still in instruction order - the order
 * consumers and the local-call scan rely on. */
static void test_relocs_in_insn_order(void)
{
	struct rl_diag d = { "" };
	struct rl_object_spec rev;
	const struct rl_elf_section *rel;
	const struct rl_prog_spec *a, *b;
	struct loaded l;
	uint8_t *copy;
	size_t n;
	int err;

	if (!load(&l, OBJ_DIR "global_data.bpf.o")) {
		CHECK(0);
		return;
	}
	rel = rl_elf_section_by_name(&l.obj.elf, ".relxdp");
	CHECK(rel && rel->size >= 32);
	if (!rel || rel->size < 32) {
		unload(&l);
		return;
	}
	copy = malloc(l.obj.elf.size);
	memcpy(copy, l.obj.elf.bytes, l.obj.elf.size);
	n = rel->size / 16;
	for (size_t i = 0; i < n; i++)
		memcpy(copy + rel->offset + 16 * i, l.obj.elf.bytes + rel->offset + 16 * (n - 1 - i), 16);
	CHECK(memcmp(copy, l.obj.elf.bytes, l.obj.elf.size) != 0);
	err = rl_object_parse(&rev, "reversed.o", copy, l.obj.elf.size, &d);
	CHECK_EQ(err, 0);
	a = rl_object_find_prog(&l.obj, "xdp_globals");
	b = err ? NULL : rl_object_find_prog(&rev, "xdp_globals");
	CHECK(a && b);
	if (a && b) {
		CHECK_EQ(b->nr_relocs, a->nr_relocs);
		CHECK_EQ(b->nr_relocs, n);
		for (uint32_t i = 0; i < a->nr_relocs && i < b->nr_relocs; i++) {
			CHECK_EQ(b->relocs[i].insn_idx, a->relocs[i].insn_idx);
			CHECK_EQ(b->relocs[i].map_idx, a->relocs[i].map_idx);
			CHECK_EQ(b->relocs[i].map_off, a->relocs[i].map_off);
			if (i)
				CHECK(b->relocs[i - 1].insn_idx < b->relocs[i].insn_idx);
		}
	}
	if (!err)
		rl_object_free(&rev);
	free(copy);
	unload(&l);
}

static void test_small_objects(void)
{
	struct loaded l;
	const struct rl_prog_spec *p;

	if (load(&l, OBJ_DIR "btf_shapes.bpf.o")) {
		CHECK_MAP(&l.obj, "shape_map", BPF_MAP_TYPE_HASH, 4, 96, 64, 0);
		CHECK(prog_named(&l.obj, "shape_helper") && prog_named(&l.obj, "shape_helper")->is_subprog);
		p = rl_object_find_prog(&l.obj, "shape_socket");
		CHECK(p && p->prog_type == BPF_PROG_TYPE_SOCKET_FILTER);
		CHECK_EQ(l.obj.nr_maps, 4);                   /* shape_map, .data, .rodata, .bss */
		unload(&l);
	} else {
		CHECK(0);
	}
	if (load(&l, OBJ_DIR "verifier_reject.bpf.o")) {
		p = rl_object_find_prog(&l.obj, "xdp_unchecked");
		CHECK(p && p->prog_type == BPF_PROG_TYPE_XDP && p->nr_relocs == 0);
		unload(&l);
	} else {
		CHECK(0);
	}
}

static void test_shipped(void)
{
	struct loaded l;
	const struct rl_prog_spec *p;
	const struct rl_map_spec *m;

	if (load(&l, "bpf/xdp_drop_ping.bpf.o")) {
		CHECK_MAP(&l.obj, "xdp_stats", BPF_MAP_TYPE_PERCPU_ARRAY, 4, 8, 2, 0);
		p = rl_object_find_prog(&l.obj, "xdp_drop_ping");
		CHECK(p && p->prog_type == BPF_PROG_TYPE_XDP && p->expected_attach_type == BPF_XDP);
		CHECK_STR(l.obj.license, "GPL");
		CHECK_EQ(l.obj.nr_progs, 1);
		unload(&l);
	} else {
		CHECK(0);
	}
	if (load(&l, "bpf/sockredir.bpf.o")) {
		CHECK_MAP(&l.obj, "sock_ops_map", BPF_MAP_TYPE_SOCKHASH, 36, 4, 65535, 0);
		m = map_named(&l.obj, "sock_ops_map");
		CHECK(m && m->origin == RL_MAP_BTF);
		p = rl_object_find_prog(&l.obj, "sockredir_sockops");
		CHECK(p && p->prog_type == BPF_PROG_TYPE_SOCK_OPS &&
		      p->expected_attach_type == BPF_CGROUP_SOCK_OPS);
		p = rl_object_find_prog(&l.obj, "sockredir_msg");
		CHECK(p && p->prog_type == BPF_PROG_TYPE_SK_MSG &&
		      p->expected_attach_type == BPF_SK_MSG_VERDICT);
		unload(&l);
	} else {
		CHECK(0);
	}
}

/* The section-name table (sec_def.c): each kind the ecosystem uses, its
 * program type, expected attach type, flags and BTF lookup. */
static void test_sec_defs(void)
{
	static const struct { const char *sec; uint32_t type, attach, flags; enum rl_btf_attach btf; } c[] = {
		{ "tp_btf/sched_switch", BPF_PROG_TYPE_TRACING, BPF_TRACE_RAW_TP, 0, RL_BTF_TRACE },
		{ "fentry/vfs_read", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, 0, RL_BTF_FUNC },
		{ "fentry.s/vfs_read", BPF_PROG_TYPE_TRACING, BPF_TRACE_FENTRY, BPF_F_SLEEPABLE, RL_BTF_FUNC },
		{ "fexit/vfs_read", BPF_PROG_TYPE_TRACING, BPF_TRACE_FEXIT, 0, RL_BTF_FUNC },
		{ "fmod_ret/x", BPF_PROG_TYPE_TRACING, BPF_MODIFY_RETURN, 0, RL_BTF_FUNC },
		{ "lsm/file_open", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, 0, RL_BTF_LSM },
		{ "lsm.s/file_open", BPF_PROG_TYPE_LSM, BPF_LSM_MAC, BPF_F_SLEEPABLE, RL_BTF_LSM },
		{ "lsm_cgroup/socket_bind", BPF_PROG_TYPE_LSM, BPF_LSM_CGROUP, 0, RL_BTF_LSM },
		{ "iter/task", BPF_PROG_TYPE_TRACING, BPF_TRACE_ITER, 0, RL_BTF_ITER },
		{ "raw_tp/sched_switch", BPF_PROG_TYPE_RAW_TRACEPOINT, RL_ATTACH_NONE, 0, RL_BTF_NONE },
		{ "raw_tracepoint.w/x", BPF_PROG_TYPE_RAW_TRACEPOINT_WRITABLE, RL_ATTACH_NONE, 0, RL_BTF_NONE },
		{ "tp/syscalls/sys_enter_openat", BPF_PROG_TYPE_TRACEPOINT, RL_ATTACH_NONE, 0, RL_BTF_NONE },
		{ "kretprobe/do_exit", BPF_PROG_TYPE_KPROBE, RL_ATTACH_NONE, 0, RL_BTF_NONE },
		{ "uretprobe/readline", BPF_PROG_TYPE_KPROBE, RL_ATTACH_NONE, 0, RL_BTF_NONE },
		{ "uprobe.s/x", BPF_PROG_TYPE_KPROBE, RL_ATTACH_NONE, BPF_F_SLEEPABLE, RL_BTF_NONE },
		{ "usdt/libc:setjmp", BPF_PROG_TYPE_KPROBE, RL_ATTACH_NONE, 0, RL_BTF_NONE },
		{ "kprobe.multi/tcp_*", BPF_PROG_TYPE_KPROBE, BPF_TRACE_KPROBE_MULTI, 0, RL_BTF_NONE },
		{ "perf_event", BPF_PROG_TYPE_PERF_EVENT, RL_ATTACH_NONE, 0, RL_BTF_NONE },
		{ "cgroup_skb/egress", BPF_PROG_TYPE_CGROUP_SKB, BPF_CGROUP_INET_EGRESS, 0, RL_BTF_NONE },
		{ "cgroup/sendmsg6", BPF_PROG_TYPE_CGROUP_SOCK_ADDR, BPF_CGROUP_UDP6_SENDMSG, 0, RL_BTF_NONE },
		{ "cgroup/sock_release", BPF_PROG_TYPE_CGROUP_SOCK, BPF_CGROUP_INET_SOCK_RELEASE, 0, RL_BTF_NONE },
		{ "cgroup/sysctl", BPF_PROG_TYPE_CGROUP_SYSCTL, BPF_CGROUP_SYSCTL, 0, RL_BTF_NONE },
		{ "cgroup/getsockopt", BPF_PROG_TYPE_CGROUP_SOCKOPT, BPF_CGROUP_GETSOCKOPT, 0, RL_BTF_NONE },
		{ "sk_lookup", BPF_PROG_TYPE_SK_LOOKUP, BPF_SK_LOOKUP, 0, RL_BTF_NONE },
		{ "sk_reuseport/migrate", BPF_PROG_TYPE_SK_REUSEPORT, BPF_SK_REUSEPORT_SELECT_OR_MIGRATE, 0, RL_BTF_NONE },
		{ "xdp.frags", BPF_PROG_TYPE_XDP, BPF_XDP, BPF_F_XDP_HAS_FRAGS, RL_BTF_NONE },
		{ "xdp/devmap", BPF_PROG_TYPE_XDP, BPF_XDP_DEVMAP, 0, RL_BTF_NONE },
		{ "xdp.frags/cpumap", BPF_PROG_TYPE_XDP, BPF_XDP_CPUMAP, BPF_F_XDP_HAS_FRAGS, RL_BTF_NONE },
		{ "tcx/ingress", BPF_PROG_TYPE_SCHED_CLS, RL_BPF_TCX_INGRESS, 0, RL_BTF_NONE },
		{ "tc", BPF_PROG_TYPE_SCHED_CLS, RL_ATTACH_NONE, 0, RL_BTF_NONE },
		{ "lirc_mode2", BPF_PROG_TYPE_LIRC_MODE2, BPF_LIRC_MODE2, 0, RL_BTF_NONE },
		{ "syscall", BPF_PROG_TYPE_SYSCALL, RL_ATTACH_NONE, BPF_F_SLEEPABLE, RL_BTF_NONE },
		{ "netfilter", RL_BPF_PROG_TYPE_NETFILTER, RL_BPF_NETFILTER, 0, RL_BTF_NONE },
	};
	char name[64];
	uint32_t kind = 0;

	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		const struct rl_sec_def *def = rl_sec_def_find(c[i].sec);

		CHECK(def != NULL);
		if (!def) {
			fprintf(stderr, "  no entry for '%s'\n", c[i].sec);
			continue;
		}
		CHECK_EQ(def->prog_type, c[i].type);
		CHECK_EQ(def->expected_attach_type, c[i].attach);
		CHECK_EQ(def->prog_flags, c[i].flags);
		CHECK_EQ(def->btf_attach, c[i].btf);
		CHECK(def->unsupported == NULL);
		CHECK(strcmp(rl_attach_type_name(def->expected_attach_type), "unknown") != 0);
	}
	CHECK(rl_sec_def_find("freplace/subprog")->unsupported != NULL);
	CHECK(rl_sec_def_find("struct_ops/init")->unsupported != NULL);
	CHECK(rl_sec_def_find("tp_btfx/a") == NULL);      /* a prefix ends at '/' or the end */
	CHECK(rl_sec_def_find("socket_filter/x") == NULL);
	CHECK_STR(rl_prog_type_name(RL_BPF_PROG_TYPE_NETFILTER), "NETFILTER");
	CHECK_STR(rl_attach_type_name(RL_BPF_NETKIT_PEER), "NETKIT_PEER");

	CHECK_EQ(rl_btf_attach_name(RL_BTF_TRACE, "sched_switch", name, sizeof(name), &kind), 0);
	CHECK_STR(name, "btf_trace_sched_switch");
	CHECK_EQ(kind, BTF_KIND_TYPEDEF);
	CHECK_EQ(rl_btf_attach_name(RL_BTF_LSM, "file_open", name, sizeof(name), &kind), 0);
	CHECK_STR(name, "bpf_lsm_file_open");
	CHECK_EQ(kind, BTF_KIND_FUNC);
	CHECK_EQ(rl_btf_attach_name(RL_BTF_ITER, "task", name, sizeof(name), &kind), 0);
	CHECK_STR(name, "bpf_iter_task");
	CHECK_EQ(rl_btf_attach_name(RL_BTF_FUNC, "vfs_read", name, sizeof(name), &kind), 0);
	CHECK_STR(name, "vfs_read");
	CHECK(rl_btf_attach_name(RL_BTF_FUNC, NULL, name, sizeof(name), &kind) < 0);
	CHECK(rl_btf_attach_name(RL_BTF_FUNC, "", name, sizeof(name), &kind) < 0);
	CHECK(rl_btf_attach_name(RL_BTF_TRACE, "0123456789012345678901234567890123456789012345678901234",
				 name, sizeof(name), &kind) < 0);
}

int main(void)
{
	static const struct unit_test tests[] = {
		UNIT_TEST(test_sec_defs),
		UNIT_TEST(test_cross_check_all),
		UNIT_TEST(test_maps_btf),
		UNIT_TEST(test_maps_legacy),
		UNIT_TEST(test_global_data),
		UNIT_TEST(test_tail_call),
		UNIT_TEST(test_map_in_map),
		UNIT_TEST(test_multi_prog),
		UNIT_TEST(test_subprog),
		UNIT_TEST(test_sock_progs),
		UNIT_TEST(test_relocs_in_insn_order),
		UNIT_TEST(test_small_objects),
		UNIT_TEST(test_shipped),
	};

	return unit_run("object", tests, sizeof(tests) / sizeof(tests[0]));
}
