/* kernel_btf.h - the running kernel's own BTF, for CO-RE (core.h).
 *
 * The kernel describes its types in /sys/kernel/btf/vmlinux (5.5 MB and
 * ~126k types on a 6.18 kernel) and each module's in /sys/kernel/btf/<mod>
 * as *split* BTF: type ids and string offsets continue where vmlinux's end.
 *
 * Three ways to get vmlinux's bytes, fastest first (measured: see the
 * report in kernel_btf.c):
 *   1. a per-boot cache file under /run/rawload (RAWLOAD_BTF_CACHE=DIR to
 *      move it, =off to disable) holding the bytes *and* the parsed tables,
 *      mapped so that only the pages a lookup touches are ever read;
 *   2. BPF_BTF_GET_FD_BY_ID(vmlinux's id) + BPF_OBJ_GET_INFO_BY_FD into a
 *      prefaulted buffer: the whole blob in one system call (needs root);
 *   3. read(2) of /sys/kernel/btf/vmlinux, which sysfs hands out 4 KiB per
 *      call (works without root: rawload inspect).
 * Paths 2 and 3 parse the bytes (btf.h) and, when the cache directory is
 * writable, leave a cache behind for the next process.
 *
 * Everything is per process: the first rl_kernel_btf_get() does the work,
 * later calls return the same object.
 */
#ifndef RL_KERNEL_BTF_H
#define RL_KERNEL_BTF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "btf.h"
#include "core.h"
#include "diag.h"

enum rl_kernel_btf_source {
	RL_KBTF_CACHE,        /* mapped from the per-boot cache file */
	RL_KBTF_BPF_INFO,     /* BPF_OBJ_GET_INFO_BY_FD, then parsed */
	RL_KBTF_SYSFS,        /* read from /sys/kernel/btf/vmlinux, then parsed */
};

struct rl_kbtf_module;

struct rl_kernel_btf {
	/* The vmlinux view.  Do NOT rl_btf_free() it: when it comes from the
	 * cache its tables live in a file mapping; rl_kernel_btf_release()
	 * knows how to let go of either kind. */
	struct rl_btf vmlinux;
	/* ready for rl_core_session_init(): vmlinux, then modules on demand */
	struct rl_core_target target;
	enum rl_kernel_btf_source source;
	bool cache_written;          /* this process created the cache file */
	char cache_path[256];        /* "" when no cache is used */
	uint64_t read_ns, parse_ns;  /* getting the bytes / parsing or mapping them */
	/* private */
	void *map;                   /* cache mapping or the prefaulted buffer */
	size_t map_len;
	bool map_is_cache;
	struct rl_kbtf_module *mods;
	uint32_t nr_mods;
	bool mods_listed;
};

/* The process-wide kernel BTF (loaded on the first call).  Errors:
 * "/sys/kernel/btf/vmlinux: No such file or directory (the kernel was
 * built without CONFIG_DEBUG_INFO_BTF)". */
int rl_kernel_btf_get(struct rl_kernel_btf **out, struct rl_diag *d);

/* Unmap / free it (tests, leak checkers); the next get() starts over. */
void rl_kernel_btf_release(void);

const char *rl_kernel_btf_source_name(enum rl_kernel_btf_source s);

/* Split BTF (a module's) as a standalone blob: base types + split types,
 * base strings + split strings, so ids and string offsets stay what the
 * kernel numbers them.  Pure; exposed for tests.  *out is malloc'ed. */
int rl_kernel_btf_merge_split(const void *base, size_t base_size, const void *split,
			      size_t split_size, void **out, size_t *out_size, struct rl_diag *d);

/* ---- kernel_btf_mod.c, used by kernel_btf.c (never the other way) ------- */

/* struct rl_core_target's `module` callback: module i's BTF (vmlinux +
 * module, merged) if its strings mention `ess_name`, else *btf = NULL. */
int rl_kbtf_module_btf(void *ctx, uint32_t i, const char *ess_name, struct rl_btf **btf,
		       const char **mod_name);
void rl_kbtf_free_modules(struct rl_kernel_btf *kb);
/* read exactly size bytes of a (sysfs) file: 0 or -errno */
int rl_kbtf_read_file(const char *path, void *dst, size_t size);

#endif
