/* btf_ext.h - a checked view of .BTF.ext: func_info, line_info and CO-RE relocations.
 *
 *   struct btf_ext_header { magic 0xeB9F, version 1, flags, hdr_len,
 *                           func_info_off/len, line_info_off/len,
 *                           core_relo_off/len (only if hdr_len >= 32) }
 *   each info block:  u32 rec_size;
 *                     { u32 sec_name_off; u32 num_info; rec[num_info] } ...
 *
 * Records are struct bpf_func_info, struct bpf_line_info and
 * struct bpf_core_relo from <linux/bpf.h>; rec_size may be larger than the
 * struct (newer compilers), so walk with the stride, read the known prefix.
 * insn_off in every record is a BYTE offset from the start of its section.
 */
#ifndef RL_BTF_EXT_H
#define RL_BTF_EXT_H

#include <stdint.h>
#include <linux/bpf.h>

#include "btf.h"

struct rl_btf_ext_sec {
	const char *sec_name;      /* from the .BTF string table */
	uint32_t nr_recs;
	const uint8_t *recs;       /* nr_recs * rec_size bytes */
};

struct rl_btf_ext_info {
	uint32_t rec_size;
	uint32_t nr_secs;
	struct rl_btf_ext_sec *secs;
};

struct rl_btf_ext {
	struct rl_btf_ext_info func_info;   /* records: struct bpf_func_info */
	struct rl_btf_ext_info line_info;   /* records: struct bpf_line_info */
	struct rl_btf_ext_info core_relo;   /* records: struct bpf_core_relo */
};

/* Validate against the object's BTF: section names and string offsets
 * (file names, source lines, access strings) must be valid in `btf`,
 * type ids < btf->nr_types, insn_off a multiple of 8. */
int rl_btf_ext_parse(struct rl_btf_ext *ext, const void *bytes, size_t size,
		     const struct rl_btf *btf, struct rl_diag *d);
void rl_btf_ext_free(struct rl_btf_ext *ext);

const struct rl_btf_ext_sec *rl_btf_ext_find_sec(const struct rl_btf_ext_info *info,
						 const char *sec_name);

static inline const void *rl_btf_ext_rec(const struct rl_btf_ext_info *info,
					 const struct rl_btf_ext_sec *sec, uint32_t i)
{
	return sec->recs + (size_t)i * info->rec_size;
}

/* Last enum bpf_core_relo_kind value this reader knows, type_matches.  It
 * is an enum constant (BPF_CORE_TYPE_MATCHES, 12) in recent UAPI headers and
 * absent in older ones, so it cannot be tested with #ifdef: keep a number. */
#define RL_CORE_RELO_KIND_MAX 12

/* "byte_off", "byte_sz", ..., "type_matches"; "unknown" past the last. */
const char *rl_core_relo_kind_name(uint32_t kind);

#endif
