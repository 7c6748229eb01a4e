/* cmd_inspect.c - `rawload inspect OBJ`: the object model, printed.  Pure:
 * no root, no syscalls.  What you see here is exactly what `load` will ask
 * the kernel for.  Only -v / --explain reads something of the kernel's: its
 * BTF, to resolve the CO-RE relocations as `load` would (no root needed). */
#include "cli.h"
#include "core.h"
#include "kernel_btf.h"
#include "object.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static const char *origin_name(const struct rl_map_spec *m)
{
	if (m->is_inner_template)
		return "inner map template";
	switch (m->origin) {
	case RL_MAP_BTF:         return "BTF .maps";
	case RL_MAP_LEGACY:      return "legacy maps";
	case RL_MAP_GLOBAL_DATA: return "global data";
	}
	return "?";
}

static void reloc_target(const struct rl_object_spec *obj, const struct rl_reloc *r,
			 char *buf, size_t len)
{
	switch (r->kind) {
	case RL_RELOC_MAP:
		snprintf(buf, len, "map '%s'", obj->maps[r->map_idx].name);
		break;
	case RL_RELOC_MAP_VALUE:
		snprintf(buf, len, "'%s' + %u (%s)", obj->maps[r->map_idx].name, r->map_off,
			 r->sym_name && *r->sym_name ? r->sym_name : "section symbol");
		break;
	case RL_RELOC_CALL:
	case RL_RELOC_FUNC_ADDR: {
		const char *callee = "?";

		for (uint32_t i = 0; i < obj->nr_progs; i++)
			if (obj->progs[i].sec_idx == r->target_sec &&
			    obj->progs[i].sec_insn_off == r->target_insn)
				callee = obj->progs[i].name;
		snprintf(buf, len, "%s (%s insn %u)", callee,
			 obj->elf.sections[r->target_sec].name, r->target_insn);
		break;
	}
	case RL_RELOC_EXTERN:
		snprintf(buf, len, "extern '%s'", r->sym_name);
		break;
	}
}

/* ---- CO-RE ----------------------------------------------------------------
 *
 * Each relocation with its access string decoded on the object's own types
 * ("0:2 -> task_struct___mine.pid").  With -v or --explain, also resolved
 * against the running kernel's BTF, exactly as `load` would: the kernel
 * type matched and the old -> new value, or why the instruction would be
 * poisoned.  Reading /sys/kernel/btf/vmlinux needs no root. */

struct core_view {
	struct rl_core_session s;
	struct rl_kernel_btf *kb;
	bool resolving;
	char err[RL_DIAG_MAX];
	double ms;              /* time to resolve all records */
};

static void core_view_open(const struct rl_object_spec *obj, bool resolve, struct core_view *v)
{
	struct rl_diag d = { "" };
	struct timespec t0, t1;

	memset(v, 0, sizeof(*v));
	if (!resolve)
		return;
	if (rl_kernel_btf_get(&v->kb, &d) || rl_core_session_init(&v->s, obj, &v->kb->target, &d)) {
		snprintf(v->err, sizeof(v->err), "%s", d.msg);
		return;
	}
	v->resolving = true;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint32_t i = 0; i < v->s.nr; i++)
		rl_core_resolve_record(&v->s, i, NULL);   /* failures are shown per record */
	clock_gettime(CLOCK_MONOTONIC, &t1);
	v->ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 + (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
}

static void core_view_close(struct core_view *v)
{
	if (v->resolving)
		rl_core_session_free(&v->s);
}

/* "0:2 -> task_struct___mine.pid" */
static void core_local_path(const struct rl_object_spec *obj, const struct bpf_core_relo *r,
			    char *buf, size_t len)
{
	struct rl_core_spec spec;
	struct rl_diag d;

	if (rl_core_spec_parse(&obj->btf, r->type_id, rl_btf_str(&obj->btf, r->access_str_off), r->kind,
			       &spec, &d))
		snprintf(buf, len, "(bad: %.120s)", d.msg);
	else
		rl_core_spec_str(&spec, buf, len);
}

/* The resolution of record i, one line's worth. */
static void core_outcome(struct core_view *v, uint32_t i, uint32_t kind, char *buf, size_t len)
{
	struct rl_diag d = { "" };

	if (v->s.resolved[i]) {
		rl_core_res_str(&v->s.res[i], kind, buf, len);
		return;
	}
	rl_core_resolve_record(&v->s, i, &d);
	snprintf(buf, len, "error: %s", d.msg);
}

/* The function a record's instruction is in (records are per section). */
static const struct rl_prog_spec *core_function(const struct rl_object_spec *obj, const char *sec,
						uint32_t insn)
{
	for (uint32_t i = 0; i < obj->nr_progs; i++) {
		const struct rl_prog_spec *p = &obj->progs[i];

		if (!strcmp(p->sec_name, sec) && insn >= p->sec_insn_off &&
		    insn - p->sec_insn_off < p->insn_cnt)
			return p;
	}
	return NULL;
}

static void print_core(const struct rl_object_spec *obj, bool resolve)
{
	struct core_view v;
	char path[160], outcome[512];

	core_view_open(obj, resolve, &v);
	printf("\nCO-RE relocations:\n  %-4s %-24s %6s  %-14s %-10s %s\n", "#", "function", "insn", "kind",
	       "access", "local path");
	for (uint32_t i = 0; i < obj->nr_core_relos; i++) {
		const struct rl_prog_spec *fn;
		struct bpf_core_relo r;
		const char *sec;

		if (rl_core_record(obj, i, &r, &sec))
			break;
		fn = core_function(obj, sec, r.insn_off / 8);
		core_local_path(obj, &r, path, sizeof(path));
		printf("  %-4u %-24s %6u  %-14s %-10s -> %s\n", i, fn ? fn->name : sec,
		       r.insn_off / 8 - (fn ? fn->sec_insn_off : 0), rl_core_relo_kind_name(r.kind),
		       rl_btf_str(&obj->btf, r.access_str_off), path);
		if (v.resolving) {
			core_outcome(&v, i, r.kind, outcome, sizeof(outcome));
			printf("  %-4s %-24s %6s  = %s\n", "", "", "", outcome);
		}
	}
	if (v.resolving)
		printf("resolved %u relocations against the kernel's BTF (%u types, %s, %.3f ms to get it) "
		       "in %.3f ms\n", v.s.nr_resolved, v.kb->vmlinux.nr_types - 1,
		       rl_kernel_btf_source_name(v.kb->source), (double)(v.kb->read_ns + v.kb->parse_ns) / 1e6,
		       v.ms);
	else if (v.err[0])
		printf("cannot resolve against the kernel: %s\n", v.err);
	else
		printf("(-v resolves them against the running kernel's BTF)\n");
	core_view_close(&v);
}

/* ---- aligned tables ------------------------------------------------------
 *
 * A table is collected first and printed once its column widths are known,
 * so a long name widens its column instead of pushing its row out of line.
 * Widths never go below the given minimums: the usual layout stays the
 * same for the usual names. */
enum { TBL_MAX_COLS = 10 };

struct table {
	const char *align;          /* 'l' or 'r' per column; its length is the column count */
	int ncols, width[TBL_MAX_COLS];
	char **cells;               /* row-major; row 0 is the header */
	size_t n, cap;
	bool oom;
};

static void tbl_start(struct table *t, const char *align, const int *min_width)
{
	memset(t, 0, sizeof(*t));
	t->align = align;
	t->ncols = (int)strlen(align);
	for (int c = 0; c < t->ncols && min_width; c++)
		t->width[c] = min_width[c];
}

static void tbl_cell(struct table *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void tbl_cell(struct table *t, const char *fmt, ...)
{
	char *cell = NULL;
	va_list ap;
	int c = (int)(t->n % (size_t)t->ncols), len;

	if (t->n == t->cap && !t->oom) {
		char **grown = realloc(t->cells, (t->cap ? t->cap * 2 : 64) * sizeof(*grown));

		if (grown) {
			t->cells = grown;
			t->cap = t->cap ? t->cap * 2 : 64;
		}
	}
	va_start(ap, fmt);
	len = vasprintf(&cell, fmt, ap);
	va_end(ap);
	if (len < 0 || t->n == t->cap) {
		t->oom = true;
		free(len < 0 ? NULL : cell);
		return;
	}
	t->cells[t->n++] = cell;
	if (len > t->width[c])
		t->width[c] = len;
}

static void tbl_free(struct table *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->cells[i]);
	free(t->cells);
	t->cells = NULL;
	t->n = t->cap = 0;
}

static void tbl_print(struct table *t)
{
	if (t->oom)
		printf("  (out of memory)\n");
	for (size_t i = 0; i < t->n && !t->oom; i++) {
		int c = (int)(i % (size_t)t->ncols);
		bool last = c == t->ncols - 1;

		if (t->align[c] == 'r')
			printf("%s%*s", c ? " " : "  ", t->width[c], t->cells[i]);
		else
			printf("%s%-*s", c ? " " : "  ", last ? 0 : t->width[c], t->cells[i]);
		if (last)
			putchar('\n');
	}
	tbl_free(t);
}

/* ---- sections, programs, maps, relocations ------------------------------- */

/* The names llvm-readelf prints, so the two can be read side by side. */
static const char *sh_type_name(uint32_t type, char *buf, size_t len)
{
	static const char *const names[] = { "NULL", "PROGBITS", "SYMTAB", "STRTAB", "RELA", "HASH",
					      "DYNAMIC", "NOTE", "NOBITS", "REL" };

	if (type < sizeof(names) / sizeof(names[0]))
		return names[type];
	if (type == 0x6fff4c03)
		return "LLVM_ADDRSIG";  /* clang's list of address-taken symbols */
	snprintf(buf, len, "0x%x", type);
	return buf;
}

/* readelf's flag letters: W write, A alloc, X execute, M merge, S strings,
 * I info (sh_info is a section index), L link order, G group, T TLS,
 * C compressed, E exclude (SHF_EXCLUDE: the linker drops it). */
static const char *sh_flag_letters(uint64_t f, char buf[16])
{
	static const struct { uint64_t bit; char c; } letters[] = {
		{ 0x1, 'W' }, { 0x2, 'A' }, { 0x4, 'X' }, { 0x10, 'M' }, { 0x20, 'S' }, { 0x40, 'I' },
		{ 0x80, 'L' }, { 0x200, 'G' }, { 0x400, 'T' }, { 0x800, 'C' }, { 0x80000000u, 'E' },
	};
	size_t n = 0;

	for (size_t i = 0; i < sizeof(letters) / sizeof(letters[0]); i++)
		if (f & letters[i].bit)
			buf[n++] = letters[i].c;
	buf[n] = '\0';
	return buf;
}

static void print_sections(const struct rl_elf *elf)
{
	static const int min[] = { 4, 28, 12, 5, 8 };
	char tbuf[16], fbuf[16];
	struct table t;

	tbl_start(&t, "llllr", min);
	tbl_cell(&t, "idx"), tbl_cell(&t, "name"), tbl_cell(&t, "type"), tbl_cell(&t, "flags");
	tbl_cell(&t, "size");
	for (uint32_t i = 1; i < elf->nr_sections; i++) {
		const struct rl_elf_section *s = &elf->sections[i];

		tbl_cell(&t, "%u", i);
		tbl_cell(&t, "%s", s->name);
		tbl_cell(&t, "%s", sh_type_name(s->type, tbuf, sizeof(tbuf)));
		tbl_cell(&t, "%s", sh_flag_letters(s->flags, fbuf));
		tbl_cell(&t, "%llu", (unsigned long long)s->size);
	}
	printf("sections:\n");
	tbl_print(&t);
}

static void print_programs(const struct rl_object_spec *obj)
{
	static const int min[] = { 24, 24, 16, 24, 6, 7, 9, 9 };
	struct table t;

	tbl_start(&t, "llllrrrr", min);
	tbl_cell(&t, "name"), tbl_cell(&t, "section"), tbl_cell(&t, "type");
	tbl_cell(&t, "expected attach"), tbl_cell(&t, "insns"), tbl_cell(&t, "relocs");
	tbl_cell(&t, "func_info"), tbl_cell(&t, "line_info");
	for (uint32_t i = 0; i < obj->nr_progs; i++) {
		const struct rl_prog_spec *p = &obj->progs[i];

		tbl_cell(&t, "%s", p->name);
		tbl_cell(&t, "%s", p->sec_name);
		tbl_cell(&t, "%s", p->is_subprog ? "(subprogram)" :
			 p->prog_type ? rl_prog_type_name(p->prog_type) : "(unknown)");
		tbl_cell(&t, "%s", p->is_subprog ? "-" : rl_attach_type_name(p->expected_attach_type));
		tbl_cell(&t, "%u", p->insn_cnt);
		tbl_cell(&t, "%u", p->nr_relocs);
		tbl_cell(&t, "%u", rl_prog_ext_count(obj, p, RL_EXT_FUNC));
		tbl_cell(&t, "%u", rl_prog_ext_count(obj, p, RL_EXT_LINE));
	}
	printf("\nprograms:\n");
	tbl_print(&t);
}

static const char *slot_target(const struct rl_object_spec *obj, const struct rl_map_init_slot *sl)
{
	return sl->is_prog ? obj->progs[sl->target_idx].name : obj->maps[sl->target_idx].name;
}

static void print_maps(const struct rl_object_spec *obj)
{
	static const int min[] = { 20, 16, 5, 7, 11, 7, 7, 0 };
	struct table t, slots;

	tbl_start(&t, "llrrrrll", min);
	tbl_cell(&t, "name"), tbl_cell(&t, "type"), tbl_cell(&t, "key"), tbl_cell(&t, "value");
	tbl_cell(&t, "max_entries"), tbl_cell(&t, "flags"), tbl_cell(&t, "pinning");
	tbl_cell(&t, "defined in");
	tbl_start(&slots, "lrl", (const int[]){ 20, 4, 0 });
	tbl_cell(&slots, "map"), tbl_cell(&slots, "slot"), tbl_cell(&slots, "holds");
	for (uint32_t i = 0; i < obj->nr_maps; i++) {
		const struct rl_map_spec *m = &obj->maps[i];

		tbl_cell(&t, "%s", m->name);
		tbl_cell(&t, "%s", rl_map_type_name(m->type));
		tbl_cell(&t, "%u", m->key_size);
		tbl_cell(&t, "%u", m->value_size);
		tbl_cell(&t, "%u", m->max_entries);
		tbl_cell(&t, "%#x", m->map_flags);
		tbl_cell(&t, "%s", m->pinning ? "by name" : "none");
		tbl_cell(&t, "%s+0x%llx (%s)", m->sec_idx == RL_NO_SECTION ? "(no section)" : obj->elf.sections[m->sec_idx].name,
			 (unsigned long long)m->sec_off, origin_name(m));
		for (uint32_t s = 0; s < m->nr_init_slots; s++) {
			tbl_cell(&slots, "%s", m->name);
			tbl_cell(&slots, "%u", m->init_slots[s].key);
			tbl_cell(&slots, "%s '%s'", m->init_slots[s].is_prog ? "program" : "map",
				 slot_target(obj, &m->init_slots[s]));
		}
	}
	printf("\nmaps:\n");
	tbl_print(&t);
	if (slots.n > (size_t)slots.ncols) {     /* more than the header */
		printf("\nmap initialisers (`values`, filled after loading):\n");
		tbl_print(&slots);
	} else {
		tbl_free(&slots);
	}
}

static void print_relocations(const struct rl_object_spec *obj)
{
	static const int min[] = { 24, 6, 18, 0 };
	char tgt[160];
	struct table t;

	tbl_start(&t, "lrll", min);
	tbl_cell(&t, "function"), tbl_cell(&t, "insn"), tbl_cell(&t, "kind"), tbl_cell(&t, "target");
	for (uint32_t i = 0; i < obj->nr_progs; i++) {
		const struct rl_prog_spec *p = &obj->progs[i];

		for (uint32_t r = 0; r < p->nr_relocs; r++) {
			reloc_target(obj, &p->relocs[r], tgt, sizeof(tgt));
			tbl_cell(&t, "%s", p->name);
			tbl_cell(&t, "%u", p->relocs[r].insn_idx);
			tbl_cell(&t, "%s", rl_reloc_kind_name(p->relocs[r].kind));
			tbl_cell(&t, "%s", tgt);
		}
	}
	printf("\nrelocations:\n");
	tbl_print(&t);
}

static void print_human(const char *path, const struct rl_object_spec *obj, bool resolve)
{
	printf("object %s (%s, %zu bytes)\n", obj->name, path, obj->elf.size);
	printf("license \"%s\", kern_version %u\n\n", obj->license, obj->kern_version);
	print_sections(&obj->elf);
	print_programs(obj);
	print_maps(obj);
	print_relocations(obj);
	cli_print_externs(obj, false);
	printf("\nBTF: ");
	if (obj->has_btf)
		printf("%u types, %u bytes of strings\n", obj->btf.nr_types - 1, obj->btf.strs_len);
	else
		printf("none\n");
	if (obj->has_btf_ext) {
		uint32_t nf = 0, nl = 0;

		for (uint32_t i = 0; i < obj->btf_ext.func_info.nr_secs; i++)
			nf += obj->btf_ext.func_info.secs[i].nr_recs;
		for (uint32_t i = 0; i < obj->btf_ext.line_info.nr_secs; i++)
			nl += obj->btf_ext.line_info.secs[i].nr_recs;
		printf("BTF.ext: %u func_info, %u line_info, %u CO-RE relocations\n", nf, nl,
		       obj->nr_core_relos);
	}
	if (obj->nr_core_relos)
		print_core(obj, resolve);
}

/* [{"function","insn","kind","access","local"[,"target","old","new","poison","why"]}] */
static void print_core_json(const struct rl_object_spec *obj, bool resolve)
{
	struct core_view v;
	char path[160];

	core_view_open(obj, resolve, &v);
	for (uint32_t i = 0; i < obj->nr_core_relos; i++) {
		const struct rl_prog_spec *fn;
		struct bpf_core_relo r;
		const char *sec;

		if (rl_core_record(obj, i, &r, &sec))
			break;
		fn = core_function(obj, sec, r.insn_off / 8);
		core_local_path(obj, &r, path, sizeof(path));
		printf("%s{\"function\":", i ? "," : "");
		json_str(stdout, fn ? fn->name : sec);
		printf(",\"insn\":%u,\"kind\":", r.insn_off / 8 - (fn ? fn->sec_insn_off : 0));
		json_str(stdout, rl_core_relo_kind_name(r.kind));
		printf(",\"access\":");
		json_str(stdout, rl_btf_str(&obj->btf, r.access_str_off));
		printf(",\"local\":");
		json_str(stdout, path);
		if (v.resolving && v.s.resolved[i]) {
			const struct rl_core_res *res = &v.s.res[i];

			printf(",\"target\":");
			json_str(stdout, res->target_str);
			printf(",\"old\":%llu,\"new\":%llu,\"poison\":%s,\"why\":",
			       (unsigned long long)res->orig_val, (unsigned long long)res->new_val,
			       res->poison ? "true" : "false");
			json_str(stdout, res->why);
		}
		printf("}");
	}
	core_view_close(&v);
}

static void json_sections(const struct rl_elf *elf)
{
	char tbuf[16], fbuf[16];

	for (uint32_t i = 1; i < elf->nr_sections; i++) {
		const struct rl_elf_section *s = &elf->sections[i];

		printf("%s{\"index\":%u,\"name\":", i > 1 ? "," : "", i);
		json_str(stdout, s->name);
		printf(",\"type\":");
		json_str(stdout, sh_type_name(s->type, tbuf, sizeof(tbuf)));
		printf(",\"offset\":%llu,\"size\":%llu,\"flags\":%llu,\"flag_letters\":",
		       (unsigned long long)s->offset, (unsigned long long)s->size,
		       (unsigned long long)s->flags);
		json_str(stdout, sh_flag_letters(s->flags, fbuf));
		printf("}");
	}
}

static void json_programs(const struct rl_object_spec *obj)
{
	char tgt[160];

	for (uint32_t i = 0; i < obj->nr_progs; i++) {
		const struct rl_prog_spec *p = &obj->progs[i];

		printf("%s{\"name\":", i ? "," : "");
		json_str(stdout, p->name);
		printf(",\"section\":");
		json_str(stdout, p->sec_name);
		printf(",\"subprogram\":%s,\"type\":", p->is_subprog ? "true" : "false");
		json_str(stdout, p->is_subprog ? "" : rl_prog_type_name(p->prog_type));
		printf(",\"expected_attach_type\":");
		if (p->is_subprog || p->expected_attach_type == RL_ATTACH_NONE)
			printf("null");
		else
			json_str(stdout, rl_attach_type_name(p->expected_attach_type));
		printf(",\"insns\":%u,\"func_info\":%u,\"line_info\":%u,\"relocations\":[", p->insn_cnt,
		       rl_prog_ext_count(obj, p, RL_EXT_FUNC), rl_prog_ext_count(obj, p, RL_EXT_LINE));
		for (uint32_t r = 0; r < p->nr_relocs; r++) {
			reloc_target(obj, &p->relocs[r], tgt, sizeof(tgt));
			printf("%s{\"insn\":%u,\"kind\":", r ? "," : "", p->relocs[r].insn_idx);
			json_str(stdout, rl_reloc_kind_name(p->relocs[r].kind));
			printf(",\"target\":");
			json_str(stdout, tgt);
			printf("}");
		}
		printf("]}");
	}
}

/* "values":[{"slot":1,"program":"xdp_target"}] / [{"slot":0,"map":"inner_a"}] */
static void json_maps(const struct rl_object_spec *obj)
{
	for (uint32_t i = 0; i < obj->nr_maps; i++) {
		const struct rl_map_spec *m = &obj->maps[i];

		printf("%s{\"name\":", i ? "," : "");
		json_str(stdout, m->name);
		printf(",\"type\":");
		json_str(stdout, rl_map_type_name(m->type));
		printf(",\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u,\"map_flags\":%u,"
		       "\"pinning\":%u,\"origin\":", m->key_size, m->value_size, m->max_entries,
		       m->map_flags, m->pinning);
		json_str(stdout, origin_name(m));
		printf(",\"section\":");
		json_str(stdout, m->sec_idx == RL_NO_SECTION ? "" : obj->elf.sections[m->sec_idx].name);
		printf(",\"section_offset\":%llu", (unsigned long long)m->sec_off);
		if (m->has_init_values)
			printf(",\"values_offset\":%u", m->init_values_off);
		printf(",\"init_slots\":%u,\"values\":[", m->nr_init_slots);
		for (uint32_t s = 0; s < m->nr_init_slots; s++) {
			printf("%s{\"slot\":%u,\"%s\":", s ? "," : "", m->init_slots[s].key,
			       m->init_slots[s].is_prog ? "program" : "map");
			json_str(stdout, slot_target(obj, &m->init_slots[s]));
			printf("}");
		}
		printf("]}");
	}
}

static void print_json(const char *path, const struct rl_object_spec *obj, bool resolve)
{
	printf("{\"object\":");
	json_str(stdout, obj->name);
	printf(",\"path\":");
	json_str(stdout, path);
	printf(",\"size\":%zu,\"license\":", obj->elf.size);
	json_str(stdout, obj->license);
	printf(",\"kern_version\":%u,\"sections\":[", obj->kern_version);
	json_sections(&obj->elf);
	printf("],\"programs\":[");
	json_programs(obj);
	printf("],\"maps\":[");
	json_maps(obj);
	printf("],\"externs\":[");
	cli_print_externs(obj, true);
	printf("],\"btf_types\":%u,\"core_relocations\":%u,\"core\":[",
	       obj->has_btf ? obj->btf.nr_types - 1 : 0, obj->nr_core_relos);
	print_core_json(obj, resolve);
	printf("]}\n");
}

int cmd_inspect(int argc, char **argv, struct cli *cli)
{
	struct rl_object_spec obj;
	const char *pos[1];
	void *bytes;
	int npos;

	if (cli_parse_args("inspect", argc, argv, NULL, pos, 1, 1, &npos))
		return EXIT_USAGE;
	if (cli_open_object(pos[0], &bytes, &obj))
		return EXIT_USER;
	if (cli->json)
		print_json(pos[0], &obj, cli->verbose || cli->explain);
	else
		print_human(pos[0], &obj, cli->verbose || cli->explain);
	rl_object_free(&obj);
	free(bytes);
	return EXIT_OK;
}
