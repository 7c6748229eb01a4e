/* btf.h - a checked view of BPF Type Format data (.BTF and the kernel's own BTF).
 *
 * Pure: bytes in, tables out.  Layout (Documentation/bpf/btf.rst, UAPI <linux/btf.h>):
 *
 *   +-----------------------+
 *   | struct btf_header     |  magic 0xeB9F, version 1, hdr_len,
 *   |                       |  type_off/type_len, str_off/str_len (relative to hdr end)
 *   +-----------------------+
 *   | type section          |  struct btf_type, followed by kind-specific data
 *   |                       |  (btf_array, btf_member[vlen], btf_enum[vlen], ...)
 *   +-----------------------+
 *   | string section        |  "\0name\0name\0..." (first byte must be NUL)
 *   +-----------------------+
 *
 * Type ids start at 1 (id 0 is "void").  Every type's referenced ids are
 * checked to be < nr_types; chains of references (ptr -> typedef -> const ->
 * ...) are resolved with a bounded depth so a cycle cannot hang the loader.
 */
#ifndef RL_BTF_H
#define RL_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/btf.h>

#include "diag.h"

/* <linux/btf.h> from linux-libc-dev >= 6.0 defines every kind up to
 * BTF_KIND_ENUM64 (19) and struct btf_enum64. */

#define RL_BTF_MAX_DEPTH 32  /* bound for modifier/typedef/array chains */

struct rl_btf {
	const uint8_t *bytes;        /* header + types + strings (may point into owned) */
	size_t size;
	uint8_t *owned;              /* non-NULL when rl_btf owns a modifiable copy */
	const char *strs;
	uint32_t strs_len;
	uint32_t nr_types;           /* including id 0 (void) */
	const struct btf_type **types; /* types[id], types[0] == NULL */
	/* name index (built lazily by the rl_btf_find_* lookups, btf_query.c):
	 * name_index_cap slots of two u32s, [type id, hash], id 0 = empty.
	 * Building it writes to the view: lookups are not thread-safe. */
	uint32_t *name_index;
	uint32_t name_index_cap;
};

/* Bumped whenever the name index's layout or hash function changes, so a
 * saved copy of it (kernel_btf.c's per-boot cache) can tell it is stale. */
#define RL_BTF_NAME_INDEX_VERSION 2

/* Parse and validate every type.  If `copy` is true the bytes are copied and
 * the view owns them (needed before rl_btf_fixup_datasec); otherwise they must
 * outlive the view (a buffer that is not 4-byte aligned is copied anyway).
 * Errors name the type: "BTF type [42] STRUCT 'foo': member 3 refers to
 * type 9999, but BTF has 120 types".  Base BTF only (no split/module BTF). */
int rl_btf_parse(struct rl_btf *btf, const void *bytes, size_t size, bool copy,
		 struct rl_diag *d);
void rl_btf_free(struct rl_btf *btf);

const struct btf_type *rl_btf_type(const struct rl_btf *btf, uint32_t id);
const char *rl_btf_str(const struct rl_btf *btf, uint32_t off); /* "" if invalid */
const char *rl_btf_type_name(const struct rl_btf *btf, uint32_t id);
const char *rl_btf_kind_name(uint32_t kind);

static inline uint32_t rl_btf_kind(const struct btf_type *t) { return BTF_INFO_KIND(t->info); }
static inline uint32_t rl_btf_vlen(const struct btf_type *t) { return BTF_INFO_VLEN(t->info); }
static inline bool rl_btf_kflag(const struct btf_type *t) { return BTF_INFO_KFLAG(t->info); }

/* Follow typedef/volatile/const/restrict/type_tag to the underlying type id. */
uint32_t rl_btf_skip_mods(const struct rl_btf *btf, uint32_t id);

/* Size in bytes of a type (follows modifiers, multiplies arrays); -errno on
 * void, func, unsized or over-deep chains. */
int64_t rl_btf_resolve_size(const struct rl_btf *btf, uint32_t id);

/* First type with this name and kind, or 0.  Builds a hash index on first use
 * so lookups over the kernel's ~130k types stay O(1). */
uint32_t rl_btf_find_by_name_kind(struct rl_btf *btf, const char *name, uint32_t kind);

/* Every type (any kind) named exactly `name`: fills ids[0..max) in ascending
 * id order and returns how many match in all, which may exceed max (call
 * again with a bigger array, as with snprintf).  Anonymous types never match. */
uint32_t rl_btf_find_all_by_name(struct rl_btf *btf, const char *name, uint32_t *ids, uint32_t max);

/* CO-RE candidates: every type whose *essential* name equals that of `name`,
 * i.e. ignoring a "___flavor" suffix on either side ("task_struct___old"
 * finds "task_struct" and "task_struct___new").  Same contract as above;
 * the caller filters by kind. */
uint32_t rl_btf_find_all_by_essential_name(struct rl_btf *btf, const char *name,
					   uint32_t *ids, uint32_t max);

/* Length of `name` without its flavor suffix: the part before the last "___"
 * that sits between two non-'_' characters ("sk_buff___x" -> 7). */
size_t rl_btf_essential_name_len(const char *name);

/* For the object's .BTF: DATASEC types for .data/.bss/.rodata* carry size 0
 * and variable offsets 0 from the compiler; the loader must fill in the ELF
 * section size and each variable's symbol value before BPF_BTF_LOAD
 * (the kernel's btf_datasec_check_meta rejects size 0).  `section_size` and
 * `symbol_offset` are callbacks into the ELF view so btf.c stays ELF-free. */
struct rl_btf_fixup_ops {
	/* return 0 and set *size, or -ENOENT if the section does not exist */
	int (*section_size)(void *ctx, const char *sec_name, uint32_t *size);
	/* return 0 and set *off for a global variable symbol, -ENOENT if none */
	int (*symbol_offset)(void *ctx, const char *sec_name, const char *var_name, uint32_t *off);
	void *ctx;
};
int rl_btf_fixup_datasec(struct rl_btf *btf, const struct rl_btf_fixup_ops *ops,
			 struct rl_diag *d);

/* Build raw BTF bytes (for BPF_BTF_LOAD) from the (possibly fixed-up) view. */
static inline const void *rl_btf_raw(const struct rl_btf *btf, size_t *size)
{
	*size = btf->size;
	return btf->bytes;
}

#endif
