/* object.h - the object model: what a BPF ELF object asks the kernel to create.
 *
 * Pure description, no file descriptors.  Following cilium/ebpf's naming, a
 * description is a *spec* (rl_prog_spec, rl_map_spec, rl_object_spec); the
 * things that own kernel objects live in load.h (rl_prog, rl_map, rl_object).
 *
 * Built from the ELF view (elf.h) and the BTF views (btf.h, btf_ext.h):
 *   - programs: one per STT_FUNC symbol in each executable section except
 *     .text; .text functions are subprograms that programs call;
 *   - maps: BTF-defined (.maps), legacy (maps, struct bpf_map_def) and the
 *     global-data sections (.data, .rodata*, .bss) as 1-entry arrays;
 *   - relocations: each classified by the patched instruction and the
 *     symbol's section.
 */
#ifndef RL_OBJECT_H
#define RL_OBJECT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

#include "btf.h"
#include "btf_ext.h"
#include "diag.h"
#include "elf.h"

enum rl_reloc_kind {
	RL_RELOC_MAP,        /* ld_imm64 of a map:          src_reg = BPF_PSEUDO_MAP_FD,    imm = map fd */
	RL_RELOC_MAP_VALUE,  /* ld_imm64 of global data:    src_reg = BPF_PSEUDO_MAP_VALUE, imm = map fd,
	                        insn[1].imm = offset in the value */
	RL_RELOC_CALL,       /* call to a subprogram:       src_reg = BPF_PSEUDO_CALL, imm = pc-relative */
	RL_RELOC_FUNC_ADDR,  /* ld_imm64 of a function (callback for bpf_loop etc.): BPF_PSEUDO_FUNC */
	RL_RELOC_EXTERN,     /* extern .ksyms variable or kfunc call: resolved in the kernel's BTF
	                        (.kconfig externs become RL_RELOC_MAP_VALUE into ".kconfig") */
};

struct rl_reloc {
	enum rl_reloc_kind kind;
	uint32_t insn_idx;     /* instruction index relative to the function's first insn */
	uint32_t sym_idx;
	const char *sym_name;
	uint32_t map_idx;      /* MAP, MAP_VALUE: index into rl_object_spec.maps */
	uint32_t map_off;      /* MAP_VALUE: byte offset in the map value */
	uint32_t target_sec;   /* CALL, FUNC_ADDR: section holding the callee */
	uint32_t target_insn;  /* CALL, FUNC_ADDR: callee insn index inside target_sec */
	int32_t ext_idx;       /* EXTERN: index into rl_object_spec.externs, -1 if unknown */
};

/* expected_attach_type for types that take none (0 is BPF_CGROUP_INET_INGRESS) */
#define RL_ATTACH_NONE UINT32_MAX

/* UAPI numbers newer than the oldest <linux/bpf.h> rawload builds with
 * (Debian 12: 6.1); the kernel's enum bpf_attach_type / bpf_prog_type. */
enum {
	RL_BPF_PROG_TYPE_NETFILTER = 32,
	RL_BPF_STRUCT_OPS = 44, RL_BPF_NETFILTER = 45, RL_BPF_TCX_INGRESS = 46,
	RL_BPF_TCX_EGRESS = 47, RL_BPF_TRACE_UPROBE_MULTI = 48, RL_BPF_CGROUP_UNIX_CONNECT = 49,
	RL_BPF_CGROUP_UNIX_SENDMSG = 50, RL_BPF_CGROUP_UNIX_RECVMSG = 51,
	RL_BPF_CGROUP_UNIX_GETPEERNAME = 52, RL_BPF_CGROUP_UNIX_GETSOCKNAME = 53,
	RL_BPF_NETKIT_PRIMARY = 54, RL_BPF_NETKIT_PEER = 55,
};

/* How a BTF-attached program names its target in the kernel's BTF. */
enum rl_btf_attach {
	RL_BTF_NONE,
	RL_BTF_TRACE,        /* tp_btf/<tp>: typedef btf_trace_<tp> */
	RL_BTF_FUNC,         /* fentry|fexit|fmod_ret/<fn>: func <fn> */
	RL_BTF_LSM,          /* lsm/<hook>: func bpf_lsm_<hook> */
	RL_BTF_ITER,         /* iter/<target>: func bpf_iter_<target> */
};

/* Where a function's records sit in one .BTF.ext info block: section `sec`
 * (index into rl_btf_ext_info.secs, -1 if none) records [first, first+count).
 * Consumers still check each record's insn_off: when a compiler wrote a
 * section's records out of order the range is the whole section. */
struct rl_ext_range {
	int32_t sec;
	uint32_t first, count;
};
enum { RL_EXT_FUNC, RL_EXT_LINE, RL_EXT_CORE, RL_EXT_KINDS };

/* A function in an executable section: a program (entry point) or a subprogram. */
struct rl_prog_spec {
	char name[64];
	const char *sec_name;
	uint32_t sec_idx;
	uint32_t sec_insn_off;      /* first insn index inside its section */
	uint32_t insn_cnt;
	const struct bpf_insn *insns; /* points into the ELF bytes (read-only) */
	bool is_subprog;            /* in .text (where clang puts the helpers it did not
	                               inline); every function elsewhere, global or
	                               static, is a program of its section's type */
	uint32_t prog_type;         /* enum bpf_prog_type */
	uint32_t expected_attach_type; /* enum bpf_attach_type, or RL_ATTACH_NONE */
	uint32_t prog_flags;        /* e.g. BPF_F_XDP_HAS_FRAGS for xdp.frags */
	const char *attach_target;  /* "kprobe/<fn>": the part after the slash, or NULL */
	enum rl_btf_attach btf_attach; /* tp_btf, fentry, lsm, iter: attach_btf_id needed */
	const char *unsupported;    /* the kind needs what rawload lacks (freplace, struct_ops) */
	struct rl_reloc *relocs;    /* in instruction order (insn_idx) */
	uint32_t nr_relocs;
	struct rl_ext_range ext[RL_EXT_KINDS]; /* func_info, line_info, CO-RE records */
};

enum rl_map_origin {
	RL_MAP_BTF,          /* SEC(".maps"), BTF-described */
	RL_MAP_LEGACY,       /* SEC("maps"), struct bpf_map_def */
	RL_MAP_GLOBAL_DATA,  /* .data / .rodata* / .bss */
};

#define RL_NO_SECTION UINT32_MAX /* rl_map_spec.sec_idx of a map no section defines (.kconfig) */

enum rl_pinning { RL_PIN_NONE = 0, RL_PIN_BY_NAME = 1 };  /* LIBBPF_PIN_* values */

/* One slot of a prog-array or map-in-map initialiser: `.values = { [2] = &prog }`. */
struct rl_map_init_slot {
	uint32_t key;
	bool is_prog;          /* true: a program; false: a map */
	uint32_t target_idx;   /* index into progs[] or maps[] */
};

struct rl_map_spec {
	char name[64];
	enum rl_map_origin origin;
	uint32_t sec_idx;           /* defining section */
	uint64_t sec_off;           /* offset of the definition inside it */
	uint32_t type;              /* enum bpf_map_type */
	uint32_t key_size, value_size, max_entries, map_flags;
	uint32_t numa_node;
	uint64_t map_extra;         /* __uint(map_extra, N): bloom filter hash count, ... */
	uint32_t btf_key_type_id;   /* local BTF ids, 0 if unknown */
	uint32_t btf_value_type_id;
	uint32_t btf_var_type_id;   /* for .maps: the VAR; for global data: the DATASEC */
	enum rl_pinning pinning;
	int32_t inner_idx;          /* map-in-map: index of the inner template map, -1 if none */
	bool is_inner_template;     /* created only as a template, never pinned or named by users */
	/* global data */
	const uint8_t *init_data;   /* initial value (NULL for .bss: zero-filled) */
	uint64_t init_size;
	bool readonly;              /* .rodata*: BPF_F_RDONLY_PROG, frozen after fill */
	bool has_init_values;       /* BTF map with a `values` member */
	uint32_t init_values_off;   /* its byte offset inside the definition */
	struct rl_map_init_slot *init_slots;
	uint32_t nr_init_slots;
};

/* An extern the object expects the loader to resolve (libbpf's conventions):
 *   .kconfig  `extern int LINUX_KERNEL_VERSION __kconfig;`, CONFIG_* values:
 *             laid out in a synthetic read-only ".kconfig" map (the object has
 *             no such section), references become map-value loads;
 *   .ksyms    `extern const struct rq runqueues __ksym;` (typed: the kernel's
 *             BTF VAR), `extern const void init_task __ksym;` (typeless: an
 *             address from /proc/kallsyms) and kfuncs (FUNC: a kernel BTF id). */
enum rl_extern_kind { RL_EXTERN_KCONFIG, RL_EXTERN_KSYM, RL_EXTERN_KSYM_TYPELESS, RL_EXTERN_KFUNC };
enum rl_kcfg_type { RL_KCFG_BOOL, RL_KCFG_CHAR, RL_KCFG_TRISTATE, RL_KCFG_INT, RL_KCFG_CHARS };

struct rl_extern {
	const char *name;
	enum rl_extern_kind kind;
	bool weak;                  /* STB_WEAK: unresolved is 0 (a poisoned call for kfuncs) */
	uint32_t btf_id;            /* its VAR or FUNC in the object's BTF */
	uint32_t type_id;           /* VAR: the declared type (modifiers skipped) */
	/* .kconfig */
	enum rl_kcfg_type kcfg;
	bool is_signed;
	uint32_t size, align, offset; /* in the .kconfig map's value */
};

/* How the loader resolved an extern (.ksyms), for the linker to patch in:
 * typed variable  ld_imm64 src_reg BPF_PSEUDO_BTF_ID, imm btf_id, insn[1].imm btf_fd
 * typeless        ld_imm64 of addr (from /proc/kallsyms)
 * kfunc           call src_reg BPF_PSEUDO_KFUNC_CALL, imm btf_id, off fd_idx
 * unresolved      (only __weak) 0 for a variable, a poisoned call for a kfunc */
struct rl_extern_target {
	bool resolved;
	uint32_t btf_id;
	int32_t btf_fd;          /* a module's BTF fd, 0 for vmlinux */
	int16_t fd_idx;          /* kfunc in a module: its index in BPF_PROG_LOAD's fd_array */
	uint64_t addr;
};

struct rl_object_spec {
	char name[64];              /* object name: file basename without .o / .bpf.o */
	struct rl_elf elf;
	struct rl_btf btf;          /* btf.nr_types == 0 when the object has no .BTF */
	bool has_btf;
	struct rl_btf_ext btf_ext;
	bool has_btf_ext;
	char license[128];
	uint32_t kern_version;
	struct rl_prog_spec *progs; /* programs and subprograms */
	uint32_t nr_progs;
	struct rl_map_spec *maps;
	uint32_t nr_maps;
	uint32_t nr_core_relos;
	struct rl_extern *externs;
	uint32_t nr_externs;
	int32_t kconfig_map;        /* index of the synthetic ".kconfig" map, -1 if none */
	uint32_t *map_order;        /* internal: map indices sorted by (section, offset) */
	uint32_t nr_map_order;
};

/* Build the object model from bytes.  `name` is the file name for messages
 * (the object name is derived from its basename).  The bytes must outlive
 * the spec.  On error, *d holds "section 'x': ..." style context (the caller
 * adds the file name) and nothing needs freeing. */
int rl_object_parse(struct rl_object_spec *obj, const char *name, const void *bytes,
		    size_t size, struct rl_diag *d);
void rl_object_free(struct rl_object_spec *obj);

/* The .BTF.ext info block of a kind (RL_EXT_FUNC...). */
const struct rl_btf_ext_info *rl_object_ext_info(const struct rl_object_spec *obj, int kind);
/* How many records of a kind (RL_EXT_FUNC...) describe the function itself
 * (not the subprograms linked to it later). */
uint32_t rl_prog_ext_count(const struct rl_object_spec *obj, const struct rl_prog_spec *p, int kind);

/* Programs only (is_subprog == false) by name, or NULL. */
const struct rl_prog_spec *rl_object_find_prog(const struct rl_object_spec *obj, const char *name);
int rl_object_find_map(const struct rl_object_spec *obj, const char *name);
/* An extern by name, or -1. */
int rl_object_find_extern(const struct rl_object_spec *obj, const char *name);
const char *rl_extern_kind_name(enum rl_extern_kind k);

/* Section-name conventions (SPEC §2): "xdp", "sockops", "kprobe/foo", ... */
struct rl_sec_def {
	const char *prefix;
	uint32_t prog_type;
	uint32_t expected_attach_type;
	uint32_t prog_flags;    /* BPF_F_SLEEPABLE for ".s" kinds, BPF_F_XDP_HAS_FRAGS */
	bool takes_target;      /* "kprobe/<fn>" */
	enum rl_btf_attach btf_attach;
	const char *unsupported; /* why rawload cannot load this kind, or NULL */
};
const struct rl_sec_def *rl_sec_def_find(const char *sec_name);
int rl_btf_attach_name(enum rl_btf_attach kind, const char *target, char *out, size_t len,
		       uint32_t *btf_kind);
const char *rl_prog_type_name(uint32_t prog_type);
const char *rl_map_type_name(uint32_t map_type);
const char *rl_attach_type_name(uint32_t attach_type);
const char *rl_reloc_kind_name(enum rl_reloc_kind k);

#endif
