/* inspect_externs.c - `rawload inspect`: the object's .kconfig/.ksyms externs
 * and how each resolves on the running kernel (loader/kernel/externs.c says
 * how, without bpf(2)); human table or JSON array. */
#include "cli.h"
#include "externs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *extern_type(const struct rl_object_spec *obj, const struct rl_extern *e,
			       char *buf, size_t len)
{
	static const char *const kc[] = { "bool", "char", "tristate", "int", "char[]" };

	if (e->kind == RL_EXTERN_KCONFIG)
		snprintf(buf, len, "%s%s, %u B at +%u", e->kcfg == RL_KCFG_INT && !e->is_signed ? "u" : "",
			 kc[e->kcfg], e->size, e->offset);
	else if (e->kind == RL_EXTERN_KSYM)
		snprintf(buf, len, "%s", rl_btf_type_name(&obj->btf, e->type_id));
	else
		snprintf(buf, len, "-");
	return buf;
}

void cli_print_externs(const struct rl_object_spec *obj, bool json)
{
	char (*txt)[RL_EXTERN_TEXT] = calloc(obj->nr_externs + 1, sizeof(*txt)), tb[64];
	int w = (int)strlen("extern");

	if (txt && rl_externs_describe(obj, txt)) {
		free(txt);
		txt = NULL;
	}
	for (uint32_t i = 0; i < obj->nr_externs; i++)
		if ((int)strlen(obj->externs[i].name) > w)
			w = (int)strlen(obj->externs[i].name);
	if (!json && obj->nr_externs) {
		printf("\nexterns%s:\n", obj->kconfig_map >= 0 ? " (.kconfig ones in the synthesized '.kconfig' map)" : "");
		printf("  %-*s %-16s %-22s %-5s %s\n", w, "extern", "kind", "type", "weak",
		       "resolves to (this kernel)");
	}
	for (uint32_t i = 0; i < obj->nr_externs; i++) {
		const struct rl_extern *e = &obj->externs[i];

		if (!json) {
			printf("  %-*s %-16s %-22s %-5s %s\n", w, e->name, rl_extern_kind_name(e->kind),
			       extern_type(obj, e, tb, sizeof(tb)), e->weak ? "weak" : "-", txt ? txt[i] : "?");
			continue;
		}
		printf("%s{\"name\":", i ? "," : "");
		json_str(stdout, e->name);
		printf(",\"kind\":");
		json_str(stdout, rl_extern_kind_name(e->kind));
		printf(",\"weak\":%s,\"size\":%u,\"offset\":%u,\"resolves\":", e->weak ? "true" : "false",
		       e->size, e->offset);
		json_str(stdout, txt ? txt[i] : "");
		printf("}");
	}
	free(txt);
}
