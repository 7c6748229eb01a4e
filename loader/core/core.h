/* core.h - CO-RE ("compile once, run everywhere"): rewrite the constants a
 * program was compiled with (field offsets, sizes, type ids, enum values) so
 * they match the running kernel's types.
 *
 * Pure: a local BTF (the object's .BTF), a relocation record from .BTF.ext,
 * and a target BTF (the kernel's) in; a value and a patched instruction out.
 * No syscalls, so the whole resolver runs under the fuzzer and in unit tests
 * with hand-made BTF.  Getting the kernel's BTF is kernel_btf.h's job.
 *
 * What the compiler leaves behind (Documentation/bpf/llvm_reloc.rst):
 *
 *   struct bpf_core_relo { u32 insn_off;        byte offset in the ELF section
 *                          u32 type_id;         local BTF id of the root type
 *                          u32 access_str_off;  "0:1:2" in the .BTF strings
 *                          u32 kind; }          enum bpf_core_relo_kind
 *
 *   access "0:1:2" on struct sk_buff___mine   (field-based kinds 0..5)
 *           | | '-- member 2 of the type reached so far (or an array index)
 *           | '---- member 1 of struct sk_buff___mine
 *           '------ index on the root pointer: p[0]
 *   access "0"   for the type-based kinds 6..9 and 12
 *   access "N"   for the enum kinds 10, 11: enumerator N of the local enum
 *
 * Resolution, as libbpf documents it:
 *   1. candidates: every kernel type whose *essential* name (the name
 *      without a "___flavour" suffix) equals the local type's, of a
 *      compatible kind; modules are searched only when vmlinux has none;
 *   2. each candidate is matched: fields by NAME through the same path
 *      (anonymous struct/union members are looked through), arrays by index,
 *      enumerators by name; candidates that do not match are dropped;
 *   3. all matching candidates must agree on where the field is and on the
 *      value, else the relocation is ambiguous (an error); the candidates
 *      that matched are all that later relocations on the type consider;
 *   4. no match: *_EXISTS and the type-based kinds give 0; the other kinds
 *      "poison" the instruction (RL_CORE_POISON_HELPER below) so the program
 *      still loads when the code is dead (a bpf_core_field_exists() guard)
 *      and the verifier names the instruction when it is not.
 */
#ifndef RL_CORE_H
#define RL_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/bpf.h>

#include "btf.h"
#include "btf_ext.h"
#include "diag.h"
#include "object.h"

/* A poisoned instruction becomes `call 0xbad2310` (the value libbpf uses as
 * well, so people who have seen it before recognise it).  No helper has that
 * number: the verifier rejects a reachable one with
 *   "invalid func unknown#195896080"
 * and never looks at an unreachable one (check_helper_call runs only on
 * paths it explores).  0xbad2310 = 195896080. */
#define RL_CORE_POISON_HELPER 0xbad2310

/* enum bpf_core_relo_kind from <linux/bpf.h>; spelled out so this file does
 * not depend on how new the UAPI header is (TYPE_MATCHES came in 6.0). */
enum rl_core_kind {
	RL_CORE_FIELD_BYTE_OFFSET = 0,
	RL_CORE_FIELD_BYTE_SIZE = 1,
	RL_CORE_FIELD_EXISTS = 2,
	RL_CORE_FIELD_SIGNED = 3,
	RL_CORE_FIELD_LSHIFT_U64 = 4,
	RL_CORE_FIELD_RSHIFT_U64 = 5,
	RL_CORE_TYPE_ID_LOCAL = 6,
	RL_CORE_TYPE_ID_TARGET = 7,
	RL_CORE_TYPE_EXISTS = 8,
	RL_CORE_TYPE_SIZE = 9,
	RL_CORE_ENUMVAL_EXISTS = 10,
	RL_CORE_ENUMVAL_VALUE = 11,
	RL_CORE_TYPE_MATCHES = 12,
};

static inline bool rl_core_kind_is_field(uint32_t k) { return k <= RL_CORE_FIELD_RSHIFT_U64; }
static inline bool rl_core_kind_is_enum(uint32_t k)
{
	return k == RL_CORE_ENUMVAL_EXISTS || k == RL_CORE_ENUMVAL_VALUE;
}
static inline bool rl_core_kind_is_type(uint32_t k)
{
	return (k >= RL_CORE_TYPE_ID_LOCAL && k <= RL_CORE_TYPE_SIZE) || k == RL_CORE_TYPE_MATCHES;
}

/* ---- access specs ------------------------------------------------------- */

#define RL_CORE_SPEC_MAX 64    /* steps in one access string */

/* One step of an access path.  For member steps `name` is the member's name;
 * array steps and the root step have name == NULL; for enum specs the single
 * step names the enumerator. */
struct rl_core_step {
	uint32_t type_id;      /* struct/union/array/enum this step indexes into */
	uint32_t idx;          /* member, element or enumerator index */
	const char *name;
};

/* An access string resolved against one BTF.  `raw` is the string as given
 * (one step per number, anonymous members included); `named` drops steps
 * into anonymous members, because a target is matched by names, not by
 * member positions. */
struct rl_core_spec {
	const struct rl_btf *btf;
	uint32_t kind;                 /* enum rl_core_kind */
	uint32_t root_id;              /* the relocation's type_id, unmodified */
	struct rl_core_step raw[RL_CORE_SPEC_MAX];
	uint32_t raw_len;
	struct rl_core_step named[RL_CORE_SPEC_MAX];
	uint32_t len;
	/* field specs: where the field is and what it is */
	uint64_t bit_off;              /* from the start of p[0] */
	uint32_t field_type_id;        /* type of the last step (root type if no member) */
	uint32_t bitfield_bits;        /* 0: not a bitfield */
};

/* Parse `access` ("0:1:2") for a relocation of `kind` on local type
 * `type_id`, checking every index against the BTF.  Errors: "access string
 * '0:9': member index 9, but struct foo has 3 members". */
int rl_core_spec_parse(const struct rl_btf *btf, uint32_t type_id, const char *access,
		       uint32_t kind, struct rl_core_spec *spec, struct rl_diag *d);

/* Human form: "sk_buff___mine.len", "task_struct.comm[2]",
 * "bpf_func_id::BPF_FUNC_map_lookup_elem", "struct sk_buff".  Returns the
 * length snprintf would; output is always terminated. */
int rl_core_spec_str(const struct rl_core_spec *spec, char *buf, size_t len);

/* ---- type relations (core_match.c) -------------------------------------- */

/* Essential names equal: "task_struct___v2" and "task_struct" are. */
bool rl_core_names_match(const char *a, const char *b);
/* May a local field of type l be read as a target field of type t?  (Two
 * structs/unions always may; ints of any size/sign, but not one with a bit
 * offset (the deprecated bitfield encoding); pointers to anything;
 * enums and forward declarations by name; arrays by element.) */
bool rl_core_fields_compat(const struct rl_btf *lb, uint32_t l, const struct rl_btf *tb, uint32_t t);
/* TYPE_ID_TARGET/TYPE_EXISTS/TYPE_SIZE: same kinds all the way down, names
 * ignored below the root, int sizes/signs and array lengths ignored (ints
 * with a bit offset refused, as for fields). */
bool rl_core_types_compat(const struct rl_btf *lb, uint32_t l, const struct rl_btf *tb, uint32_t t);
/* TYPE_MATCHES: the stricter relation (ints by bit width and sign, arrays
 * by length, members and enumerators by name, function prototypes argument
 * by argument). */
bool rl_core_types_match(const struct rl_btf *lb, uint32_t l, const struct rl_btf *tb, uint32_t t);

/* ---- targets and candidates --------------------------------------------- */

/* Where target types come from: vmlinux, then (only if vmlinux has no type
 * of the wanted name) the kernel modules.  `module` is called with i = 0, 1,
 * ... and returns 0 with *btf set (NULL when module i cannot contain
 * `ess_name`, to skip it cheaply), or -ENOENT after the last module. */
struct rl_core_target {
	struct rl_btf *vmlinux;
	int (*module)(void *ctx, uint32_t i, const char *ess_name, struct rl_btf **btf,
		      const char **mod_name);
	void *ctx;
};

struct rl_core_cand {
	struct rl_btf *btf;
	const char *btf_name;          /* "vmlinux" or the module's name */
	uint32_t id;
};

struct rl_core_cands {
	struct rl_core_cand *c;
	uint32_t n, cap;
};

/* Every target type that may stand for local type `local_id`: same essential
 * name, compatible kind.  Appends to *out (caller frees out->c). */
int rl_core_find_cands(const struct rl_btf *local, uint32_t local_id,
		       const struct rl_core_target *tgt, struct rl_core_cands *out,
		       struct rl_diag *d);

/* ---- resolving one relocation ------------------------------------------- */

struct rl_core_res {
	uint64_t orig_val;     /* what the compiler wrote (local layout) */
	uint64_t new_val;      /* what the kernel needs */
	uint32_t orig_sz;      /* field byte sizes, for resizing loads (0: n/a) */
	uint32_t new_sz;
	bool validate;         /* the instruction must hold orig_val (not for bitfields) */
	bool poison;           /* no match: poison the instruction (see why) */
	bool fail_memsz;       /* the field changed size and cannot be re-sized:
				  poison loads/stores of it, patch the rest */
	uint32_t nr_cands;     /* candidates considered */
	struct rl_core_cand match;     /* the candidate used (btf NULL: none) */
	char local_str[128];   /* rl_core_spec_str of the local spec */
	char target_str[128];  /* ... of the matching target spec, "" if none */
	char why[256];         /* poison or no-match reason */
};

/* Resolve one record.  `cands` are rl_core_find_cands' answer for the
 * record's type (ignored for TYPE_ID_LOCAL); pass them in so a caller can
 * cache them per type.  When some candidates match, `cands` is narrowed to
 * those, as libbpf narrows its per-type cache: a kernel type that failed one
 * relocation is not a candidate for the next one on the same local type.
 * Returns 0 (res filled, possibly res->poison) or -errno for a relocation
 * that cannot be right for any kernel (bad access string, candidates that
 * disagree on the value or on where the field is). */
int rl_core_resolve(const struct rl_btf *local, const struct bpf_core_relo *relo,
		    struct rl_core_cands *cands, struct rl_core_res *res,
		    struct rl_diag *d);

/* Patch insns[idx] (idx < cnt; ld_imm64 needs idx + 1 < cnt) with res.
 *   ALU/ALU64 with an immediate:  imm = new value
 *   LDX/ST/STX (FIELD_BYTE_OFFSET): off = new offset (must fit s16), and the
 *       access size follows the field's new size when that is 1/2/4/8
 *   LD_IMM64:                     the 64-bit immediate = new value
 * With res->validate, the instruction must hold res->orig_val first (else
 * the record points at the wrong instruction).  Poisoned results replace the
 * instruction (both halves of an ld_imm64) with the poison call.  *poisoned
 * (may be NULL) tells whether it did. */
int rl_core_patch_insn(struct bpf_insn *insns, uint32_t cnt, uint32_t idx, uint32_t kind,
		       const struct rl_core_res *res, bool *poisoned, struct rl_diag *d);

/* "CO-RE relocation #3 (byte_off sk_buff___mine.len, access '0:1')" */
int rl_core_relo_str(const struct rl_btf *local, const struct bpf_core_relo *relo,
		     uint32_t nr, char *buf, size_t len);

/* ---- a whole object (core_obj.c) ------------------------------------------ *
 *
 * The link step (linker.h) calls rl_core_fixup_function for every function it
 * places in a program's final instruction array.  Each .BTF.ext record is
 * resolved once per object (a .text function placed into three programs is
 * resolved once, patched three times), candidates once per local type. */

struct rl_core_session {
	const struct rl_object_spec *obj;
	const struct rl_core_target *tgt;
	uint32_t nr;                   /* records in .BTF.ext, all sections */
	struct rl_core_res *res;       /* [nr], valid where resolved[i] */
	uint8_t *resolved;
	uint32_t *sec_base;            /* first record index of each core_relo section */
	struct rl_core_cands *cands;   /* [obj->btf.nr_types], filled on demand */
	uint8_t *cands_done;
	/* counters over every placement, for reports and benchmarks */
	uint32_t nr_resolved, nr_patched, nr_poisoned;
	/* the program linked last (the one BPF_PROG_LOAD gets next): its name
	 * and which record poisoned which of its final instructions, so a
	 * refusal can be traced back (rl_core_explain_poison) */
	const char *prog_name;
	const struct bpf_insn *prog_insns;
	struct rl_core_poison_at { uint32_t insn, record; } *poison_at;
	uint32_t nr_poison_at, cap_poison_at;
};

int rl_core_session_init(struct rl_core_session *s, const struct rl_object_spec *obj,
			 const struct rl_core_target *tgt, struct rl_diag *d);
void rl_core_session_free(struct rl_core_session *s);

/* struct rl_link_hooks' fixup_function; ctx is a struct rl_core_session. */
int rl_core_fixup_function(void *session, const struct rl_prog_spec *fn, struct bpf_insn *insns,
			   struct rl_diag *d);

/* Resolve record i (in .BTF.ext order) now, if not done yet: s->res[i]. */
int rl_core_resolve_record(struct rl_core_session *s, uint32_t i, struct rl_diag *d);
/* Resolve every record of the object (benchmarks); stops at the first hard
 * error. */
int rl_core_resolve_all(struct rl_core_session *s, struct rl_diag *d);

/* Record i (in .BTF.ext order) and its section name. */
int rl_core_record(const struct rl_object_spec *obj, uint32_t i, struct bpf_core_relo *out,
		   const char **sec_name);

/* "task_struct.pid [114] in vmlinux: 20 -> 1264", "1 -> 0: struct
 * task_struct has no member 'x'", "POISONED (call 0xbad2310): ..." */
int rl_core_res_str(const struct rl_core_res *res, uint32_t kind, char *buf, size_t len);

/* A process-wide observer told about each record when it is resolved, for
 * the CLI's --explain (as rl_sys_set_observer is for system calls); NULL
 * removes it. */
struct rl_core_observer {
	void (*on_resolved)(void *ctx, const struct rl_object_spec *obj, uint32_t nr,
			    const struct bpf_core_relo *relo, const struct rl_core_res *res);
	void *ctx;
};
void rl_core_set_observer(const struct rl_core_observer *o);

/* After the verifier refused the program linked last: if its log shows a
 * poisoned instruction (unknown#195896080), write into buf which relocation
 * poisoned it and why, and return true.  The instruction is the one the log
 * prints just before the refusal ("3: (85) call unknown#195896080"); when the
 * log does not say, every poisoned relocation of that program is named. */
bool rl_core_explain_poison(const struct rl_core_session *s, const char *verifier_log,
			    char *buf, size_t len);

#endif
