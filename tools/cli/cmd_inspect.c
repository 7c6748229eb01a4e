/* cmd_inspect.c - `rawload inspect OBJ`: the object model, printed.  Pure:
 * no root, no syscalls.  What you see here is exactly what `load` will ask
 * the kernel for. */
#include "cli.h"
#include "object.h"

#include <stdlib.h>
#include <string.h>

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

static void print_human(const char *path, const struct rl_object_spec *obj)
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
	if (obj->nr_core_relos) {
		const struct rl_btf_ext_info *ci = &obj->btf_ext.core_relo;

		printf("\nCO-RE relocations:\n  %-20s %6s  %-16s %-28s %s\n", "section", "insn",
		       "kind", "local type", "access");
		for (uint32_t s = 0; s < ci->nr_secs; s++)
			for (uint32_t r = 0; r < ci->secs[s].nr_recs; r++) {
				const struct bpf_core_relo *c = rl_btf_ext_rec(ci, &ci->secs[s], r);
				const struct btf_type *t = rl_btf_type(&obj->btf, c->type_id);

				printf("  %-20s %6u  %-16s %s %-21s %s\n", ci->secs[s].sec_name,
				       c->insn_off / 8, rl_core_relo_kind_name(c->kind),
				       t ? rl_btf_kind_name(rl_btf_kind(t)) : "?",
				       rl_btf_type_name(&obj->btf, c->type_id),
				       rl_btf_str(&obj->btf, c->access_str_off));
			}
	}
}

static void print_json(const char *path, const struct rl_object_spec *obj)
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
	printf("],\"btf_types\":%u,\"core_relocations\":%u}\n",
	       obj->has_btf ? obj->btf.nr_types - 1 : 0, obj->nr_core_relos);
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
		print_json(pos[0], &obj);
	else
		print_human(pos[0], &obj);
	rl_object_free(&obj);
	free(bytes);
	return EXIT_OK;
}
