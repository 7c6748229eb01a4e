/* externs.h - values for an object's `.kconfig` externs (object_extern.c). */
#ifndef RL_EXTERNS_H
#define RL_EXTERNS_H

#include <stdbool.h>
#include <stdint.h>

#include "diag.h"
#include "object.h"

/* Where a kconfig extern's value came from, for inspect / --explain. */
struct rl_kconfig_value {
	const char *name;
	char text[160];     /* "0x61200 (6.18.44, from uname)", "y -> 1 (/proc/config.gz)" */
};

/* Fill `value` (the .kconfig map's value_size bytes, zeroed by the caller)
 * with every kconfig extern of the object (probe: may call BPF_PROG_LOAD
 * for LINUX_HAS_BPF_COOKIE; else that one is left 0).  `out` (may be NULL) gets one
 * description per kconfig extern, in spec->externs order. */
int rl_externs_kconfig_value(const struct rl_object_spec *spec, uint8_t *value,
			     struct rl_kconfig_value *out, bool probe, struct rl_diag *d);
/* How each extern resolves on the running kernel, one line each (parallel to
 * spec->externs), without bpf(2): for `inspect` and `--explain`. */
#define RL_EXTERN_TEXT 200
int rl_externs_describe(const struct rl_object_spec *spec, char (*out)[RL_EXTERN_TEXT]);

/* .ksyms externs resolved against the running kernel: targets[] parallel
 * to spec->externs (for the linker), module BTF fds kept open until the
 * programs are loaded, and the fd_array BPF_PROG_LOAD needs for kfuncs in
 * modules (fd_array[0] unused: off 0 means vmlinux). */
#define RL_KSYM_MAX_MODULES 16
struct rl_ksyms {
	struct rl_extern_target *targets;
	int fd_array[RL_KSYM_MAX_MODULES + 1];
	uint32_t nr_fds;                     /* entries used in fd_array, 0 or >= 2 */
	int var_fds[RL_KSYM_MAX_MODULES];    /* module BTF fds named by ld_imm64 */
	uint32_t nr_var_fds;
};
/* Resolve every ksym/kfunc extern: typed variables and kfuncs in the
 * kernel's BTF, typeless variables in /proc/kallsyms.  A strong extern the
 * kernel lacks is an error naming it; a __weak one stays unresolved. */
int rl_externs_resolve_ksyms(const struct rl_object_spec *spec, struct rl_ksyms *k,
			     struct rl_diag *d);
void rl_ksyms_release(struct rl_ksyms *k);
/* An address from /proc/kallsyms (0 when hidden: kptr_restrict, no root). */
int rl_kallsyms_lookup(const char *name, uint64_t *addr);

/* The running kernel's version as KERNEL_VERSION(a, b, c), c capped at 255. */
uint32_t rl_linux_kernel_version(void);
/* Pure: "6.18.44-fc" -> KERNEL_VERSION(6, 18, 44); 0 if unreadable. */
uint32_t rl_parse_kernel_release(const char *release);

#endif
