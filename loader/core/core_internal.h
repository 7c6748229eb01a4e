/* core_internal.h - what the CO-RE files (core*.c) share and nobody else needs. */
#ifndef RL_CORE_INTERNAL_H
#define RL_CORE_INTERNAL_H

#include "core.h"

/* One member of a struct/union, with the bitfield encoding decoded.  BTF has
 * two: kind_flag set -> offset = bitfield_size << 24 | bit_offset; kind_flag
 * clear -> the member's INT type carries bits and a bit offset of its own
 * (the old encoding, btf.rst "BTF_KIND_INT" / "BTF_KIND_STRUCT"). */
struct rl_core_member {
	uint32_t type_id;
	uint64_t bit_off;        /* from the start of the struct */
	uint32_t bits;           /* bitfield width, 0 for a plain member */
	const char *name;        /* "" for an anonymous member */
};
void rl_core_member_at(const struct rl_btf *btf, const struct btf_type *t, uint32_t i,
		       struct rl_core_member *m);

static inline bool rl_core_is_composite(const struct btf_type *t)
{
	return t && (rl_btf_kind(t) == BTF_KIND_STRUCT || rl_btf_kind(t) == BTF_KIND_UNION);
}
static inline bool rl_core_is_enum(const struct btf_type *t)
{
	return t && (rl_btf_kind(t) == BTF_KIND_ENUM || rl_btf_kind(t) == BTF_KIND_ENUM64);
}

/* Type `id` after typedefs and qualifiers; NULL for void.  *out_id (may be
 * NULL) gets the id reached. */
const struct btf_type *rl_core_skip(const struct rl_btf *btf, uint32_t id, uint32_t *out_id);

/* "struct", "union", "enum", "typedef", ... for messages */
const char *rl_core_kind_word(uint32_t btf_kind);
/* ... of type id after typedefs and qualifiers ("void" for none) */
const char *rl_core_type_word(const struct rl_btf *btf, uint32_t id);

/* Name and (64-bit, sign-extended where the enum is signed) value of
 * enumerator i of an ENUM or ENUM64. */
const char *rl_core_enumerator(const struct rl_btf *btf, const struct btf_type *t, uint32_t i,
			       uint64_t *value);

#endif
