/* fuzz_btf.c - libFuzzer target over the BTF reader alone: raw .BTF bytes in
 * (what BPF_BTF_LOAD would get, and what /sys/kernel/btf/vmlinux holds).
 * Without the ELF wrapper of fuzz_object.c every mutation lands on a type,
 * a string offset or a header field, so the validator and the queries
 * (name index, modifier chains, sizes, CO-RE type relations, the DATASEC
 * fix-up) see far more shapes per second.
 *
 *   make fuzz && tools/fuzz/run.sh 60 btf
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "btf.h"
#include "core_internal.h"

/* DATASEC fix-up callbacks: sizes and offsets made up from the names, so the
 * rewrite runs on every DATASEC the fuzzer invents. */
static uint32_t name_hash(const char *s)
{
	uint32_t h = 2166136261u;

	while (*s)
		h = (h ^ (uint8_t)*s++) * 16777619u;
	return h;
}

static int section_size(void *ctx, const char *sec_name, uint32_t *size)
{
	(void)ctx;
	if (name_hash(sec_name) & 1)
		return -2; /* -ENOENT: no such section */
	*size = name_hash(sec_name) >> 20;
	return 0;
}

static int symbol_offset(void *ctx, const char *sec_name, const char *var_name, uint32_t *off)
{
	(void)ctx;
	if (name_hash(var_name) % 5 == 0)
		return -2;
	*off = (name_hash(sec_name) ^ name_hash(var_name)) >> 22;
	return 0;
}

#define RELATION_TYPES 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rl_btf_fixup_ops ops = { section_size, symbol_offset, NULL };
	struct rl_btf btf;
	struct rl_diag d;
	uint32_t ids[4];

	if (rl_btf_parse(&btf, data, size, true, &d))
		return 0;
	for (uint32_t id = 0; id < btf.nr_types; id++) {
		const struct btf_type *t = rl_btf_type(&btf, id);
		const char *name = rl_btf_type_name(&btf, id);

		(void)rl_btf_skip_mods(&btf, id);
		(void)rl_btf_resolve_size(&btf, id);
		(void)rl_core_type_word(&btf, id);
		if (!t)
			continue;
		(void)rl_btf_kind_name(rl_btf_kind(t));
		if (name[0]) {
			(void)rl_btf_find_by_name_kind(&btf, name, rl_btf_kind(t));
			(void)rl_btf_find_all_by_name(&btf, name, ids, 4);
			(void)rl_btf_find_all_by_essential_name(&btf, name, ids, 4);
		}
		/* the CO-RE relations against the type itself and its neighbour,
		 * for the first types only: each comparison may walk up to its
		 * visit budget (core_match.c), and doing it for every type of a
		 * big input would make the harness, not the reader, the slow part */
		if (id >= RELATION_TYPES)
			continue;
		(void)rl_core_types_match(&btf, id, &btf, id);
		(void)rl_core_types_compat(&btf, id, &btf, (id + 1) % btf.nr_types);
		(void)rl_core_fields_compat(&btf, id, &btf, id);
	}
	(void)rl_btf_fixup_datasec(&btf, &ops, &d);
	rl_btf_free(&btf);
	return 0;
}
