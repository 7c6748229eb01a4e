/* load.h - from an object spec to kernel objects: BTF, maps, programs.
 *
 * This is where descriptions (rl_*_spec) become things that hold file
 * descriptors (rl_map, rl_prog, rl_object).  The order is the kernel's:
 *
 *   BPF_BTF_LOAD     the object's types (DATASEC sizes fixed up first)
 *   BPF_MAP_CREATE   every map (inner-map templates first; pinned-by-name
 *                    maps reused when compatible), global data filled,
 *                    .rodata frozen (BPF_MAP_FREEZE)
 *   BPF_PROG_LOAD    every program: linked with its subprograms, map fds
 *                    patched into ld_imm64, func/line info attached
 *   BPF_MAP_UPDATE   prog-array `values` filled with the new program fds
 *
 * All or nothing: if any step fails, every fd this call opened is closed and
 * every pin it created is removed before it returns.
 */
#ifndef RL_LOAD_H
#define RL_LOAD_H

#include <limits.h>
#include <stdbool.h>
#include <linux/bpf.h>

#include "diag.h"
#include "object.h"

struct rl_map {
	const struct rl_map_spec *spec;
	char kname[BPF_OBJ_NAME_LEN];   /* the name the kernel knows it by */
	uint32_t max_entries, map_flags; /* as created: the spec's, with the conventions
	                                    applied (rl_map_conventions) */
	int fd;
	uint32_t id;
	bool reused;                    /* an existing pin or another object's map */
	char pin_path[PATH_MAX];        /* "" when not pinned */
	bool pinned_here;               /* this run created the pin */
};

struct rl_prog {
	const struct rl_prog_spec *spec;
	char kname[BPF_OBJ_NAME_LEN];
	int fd;
	uint32_t id;
	uint32_t final_insn_cnt;        /* after appending subprograms */
	char pin_path[PATH_MAX];
	bool pinned_here;
};

struct rl_object {
	struct rl_object_spec *spec;
	int btf_fd;                     /* -1 when the object had no BTF or the kernel refused it */
	uint32_t btf_id;
	struct rl_map *maps;            /* parallel to spec->maps */
	uint32_t nr_maps;
	struct rl_prog *progs;          /* entry programs only */
	uint32_t nr_progs;
	char warning[RL_DIAG_MAX];      /* non-fatal: "kernel refused BTF, loading without it" */
	char *verifier_log;             /* log of the failed (or, with verbose, last) load */
	const char *failed_prog;        /* name of the program the verifier rejected */
};

struct rl_load_opts {
	const char *pin_dir;            /* pinned-by-name maps live here; NULL: ignore pinning */
	bool verbose_log;               /* keep the verifier log even on success */
	/* maps of these already-loaded objects are shared by name (sockops with
	 * several objects: contrack.o + redirect.o share sock_ops_map) */
	struct rl_object *const *share_with;
	uint32_t nr_share_with;
	/* called after each program is linked, before loading (for -v listings) */
	void (*on_linked)(void *ctx, const struct rl_prog *p, const struct bpf_insn *insns,
			  uint32_t cnt);
	void *ctx;
};

int rl_object_load(struct rl_object *o, struct rl_object_spec *spec,
		   const struct rl_load_opts *opts, struct rl_diag *d);

/* Pin every program and map under dir/<name> (maps already pinned stay
 * where they are).  On failure, removes the pins this call made. */
int rl_object_pin(struct rl_object *o, const char *dir, struct rl_diag *d);

/* DIR/NAME with the dots bpffs refuses replaced by '_' */
void rl_pin_path(char out[PATH_MAX], const char *dir, const char *name);

/* Remove the pins this run created (rollback) - not pins it reused. */
void rl_object_unpin_created(struct rl_object *o);

/* Close every fd; the kernel frees what nothing else holds (no pin,
 * attachment or map reference). */
void rl_object_close(struct rl_object *o);

struct rl_prog *rl_object_prog(struct rl_object *o, const char *name);
struct rl_map *rl_object_map(struct rl_object *o, const char *name);

#endif
