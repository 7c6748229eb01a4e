/* fuzz_btf_ext.c - libFuzzer target over the .BTF.ext reader and the CO-RE
 * resolver.  The input is two blobs, so both can be mutated:
 *
 *   u32 btf_len (little endian) | .BTF (btf_len bytes) | .BTF.ext (the rest)
 *
 * The .BTF.ext is checked against that .BTF (string offsets, type ids), then
 * every CO-RE record's access string is parsed and resolved with the same
 * BTF standing in for the kernel's, and every func_info / line_info record
 * is read back.  tools/fuzz/run.sh builds seeds of this shape from the built
 * objects with llvm-objcopy.
 *
 *   make fuzz && tools/fuzz/run.sh 60 btf_ext
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "btf.h"
#include "btf_ext.h"
#include "core.h"

static void read_infos(const struct rl_btf *btf, const struct rl_btf_ext *ext)
{
	for (uint32_t s = 0; s < ext->func_info.nr_secs; s++) {
		const struct rl_btf_ext_sec *sec = &ext->func_info.secs[s];

		for (uint32_t i = 0; i < sec->nr_recs; i++) {
			struct bpf_func_info fi;

			memcpy(&fi, rl_btf_ext_rec(&ext->func_info, sec, i), sizeof(fi));
			(void)rl_btf_type_name(btf, fi.type_id);
		}
		(void)rl_btf_ext_find_sec(&ext->func_info, sec->sec_name);
	}
	for (uint32_t s = 0; s < ext->line_info.nr_secs; s++) {
		const struct rl_btf_ext_sec *sec = &ext->line_info.secs[s];

		for (uint32_t i = 0; i < sec->nr_recs; i++) {
			struct bpf_line_info li;

			memcpy(&li, rl_btf_ext_rec(&ext->line_info, sec, i), sizeof(li));
			(void)rl_btf_str(btf, li.file_name_off);
			(void)rl_btf_str(btf, li.line_off);
		}
	}
}

static void resolve_core(struct rl_btf *btf, const struct rl_btf_ext *ext)
{
	struct rl_core_target tgt = { btf, NULL, NULL };

	for (uint32_t s = 0; s < ext->core_relo.nr_secs; s++) {
		const struct rl_btf_ext_sec *sec = &ext->core_relo.secs[s];

		for (uint32_t i = 0; i < sec->nr_recs; i++) {
			struct rl_core_cands cands = { NULL, 0, 0 };
			struct rl_core_spec *spec = malloc(sizeof(*spec));
			struct rl_core_res res;
			struct bpf_core_relo r;
			struct rl_diag d;
			char str[256];

			memcpy(&r, rl_btf_ext_rec(&ext->core_relo, sec, i), sizeof(r));
			(void)rl_core_relo_kind_name(r.kind);
			if (spec && !rl_core_spec_parse(btf, r.type_id, rl_btf_str(btf, r.access_str_off),
							r.kind, spec, &d))
				(void)rl_core_spec_str(spec, str, sizeof(str));
			free(spec);
			if (r.kind != RL_CORE_TYPE_ID_LOCAL &&
			    rl_core_find_cands(btf, r.type_id, &tgt, &cands, &d)) {
				free(cands.c);
				continue;
			}
			(void)rl_core_resolve(btf, &r, &cands, &res, &d);
			free(cands.c);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rl_btf_ext ext;
	struct rl_btf btf;
	struct rl_diag d;
	uint32_t btf_len;
	uint8_t *ext_bytes;
	size_t ext_size;

	if (size < 4)
		return 0;
	btf_len = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
		  (uint32_t)data[3] << 24;
	if (btf_len > size - 4)
		return 0;
	if (rl_btf_parse(&btf, data + 4, btf_len, true, &d))
		return 0;
	/* an ELF section's bytes sit at an aligned offset (elf.c checks it):
	 * give the .BTF.ext reader the same, in a buffer of its exact size */
	ext_size = size - 4 - btf_len;
	ext_bytes = malloc(ext_size ? ext_size : 1);
	if (ext_bytes) {
		memcpy(ext_bytes, data + 4 + btf_len, ext_size);
		if (!rl_btf_ext_parse(&ext, ext_bytes, ext_size, &btf, &d)) {
			read_infos(&btf, &ext);
			resolve_core(&btf, &ext);
			rl_btf_ext_free(&ext);
		}
		free(ext_bytes);
	}
	rl_btf_free(&btf);
	return 0;
}
