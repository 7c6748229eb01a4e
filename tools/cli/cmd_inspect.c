/* cmd_inspect.c - `rawload inspect OBJ`: the object model, printed.  Pure:
 * no root, no syscalls.  What you see here is exactly what `load` will ask
 * the kernel for.  Only -v / --explain reads something of the kernel's: its
 * BTF, to resolve the CO-RE relocations as `load` would (no root needed). */
#include "cli.h"
#include "core.h"
#include "kernel_btf.h"
#include "object.h"

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

static void print_human(const char *path, const struct rl_object_spec *obj, bool resolve)
{
	const struct rl_elf *elf = &obj->elf;
	char tgt[160];

	printf("object %s (%s, %zu bytes)\n", obj->name, path, elf->size);
	printf("license \"%s\", kern_version %u\n\n", obj->license, obj->kern_version);

	printf("sections:\n  %-4s %-28s %-10s %8s\n", "idx", "name", "type", "size");
	for (uint32_t i = 1; i < elf->nr_sections; i++) {
		const struct rl_elf_section *s = &elf->sections[i];

		printf("  %-4u %-28s %-10s %8llu\n", i, s->name,
		       rl_elf_section_is_exec(s) ? "code" : s->type == 8 ? "nobits" :
		       s->type == 9 ? "rel" : s->type == 2 ? "symtab" : s->type == 3 ? "strtab" : "data",
		       (unsigned long long)s->size);
	}

	printf("\nprograms:\n  %-24s %-24s %-16s %-24s %6s %7s\n", "name", "section", "type",
	       "expected attach", "insns", "relocs");
	for (uint32_t i = 0; i < obj->nr_progs; i++) {
		const struct rl_prog_spec *p = &obj->progs[i];

		printf("  %-24s %-24s %-16s %-24s %6u %7u\n", p->name, p->sec_name,
		       p->is_subprog ? "(subprogram)" :
		       p->prog_type ? rl_prog_type_name(p->prog_type) : "(unknown)",
		       p->is_subprog ? "-" : rl_attach_type_name(p->expected_attach_type),
		       p->insn_cnt, p->nr_relocs);
	}

	printf("\nmaps:\n  %-20s %-16s %5s %7s %11s %7s %-7s %s\n", "name", "type", "key",
	       "value", "max_entries", "flags", "pinning", "defined in");
	for (uint32_t i = 0; i < obj->nr_maps; i++) {
		const struct rl_map_spec *m = &obj->maps[i];

		printf("  %-20s %-16s %5u %7u %11u %#7x %-7s %s (%s)\n", m->name,
		       rl_map_type_name(m->type), m->key_size, m->value_size, m->max_entries,
		       m->map_flags, m->pinning ? "by name" : "none",
		       elf->sections[m->sec_idx].name, origin_name(m));
		for (uint32_t s = 0; s < m->nr_init_slots; s++) {
			const struct rl_map_init_slot *sl = &m->init_slots[s];

			printf("  %-20s   [%u] = %s '%s'\n", "", sl->key, sl->is_prog ? "program" : "map",
			       sl->is_prog ? obj->progs[sl->target_idx].name : obj->maps[sl->target_idx].name);
		}
	}

	printf("\nrelocations:\n  %-24s %6s  %-18s %s\n", "function", "insn", "kind", "target");
	for (uint32_t i = 0; i < obj->nr_progs; i++) {
		const struct rl_prog_spec *p = &obj->progs[i];

		for (uint32_t r = 0; r < p->nr_relocs; r++) {
			reloc_target(obj, &p->relocs[r], tgt, sizeof(tgt));
			printf("  %-24s %6u  %-18s %s\n", p->name, p->relocs[r].insn_idx,
			       rl_reloc_kind_name(p->relocs[r].kind), tgt);
		}
	}

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

static void print_json(const char *path, const struct rl_object_spec *obj, bool resolve)
{
	char tgt[160];

	printf("{\"object\":");
	json_str(stdout, obj->name);
	printf(",\"path\":");
	json_str(stdout, path);
	printf(",\"license\":");
	json_str(stdout, obj->license);
	printf(",\"kern_version\":%u,\"programs\":[", obj->kern_version);
	for (uint32_t i = 0; i < obj->nr_progs; i++) {
		const struct rl_prog_spec *p = &obj->progs[i];

		printf("%s{\"name\":", i ? "," : "");
		json_str(stdout, p->name);
		printf(",\"section\":");
		json_str(stdout, p->sec_name);
		printf(",\"subprogram\":%s,\"type\":", p->is_subprog ? "true" : "false");
		json_str(stdout, p->is_subprog ? "" : rl_prog_type_name(p->prog_type));
		printf(",\"insns\":%u,\"relocations\":[", p->insn_cnt);
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
	printf("],\"maps\":[");
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
		printf(",\"init_slots\":%u}", m->nr_init_slots);
	}
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
