/* kconfig.h - the running kernel's build configuration, for `.kconfig`
 * externs and for explaining refusals (lockdown). */
#ifndef RL_KCONFIG_H
#define RL_KCONFIG_H

#include <stddef.h>

#include "diag.h"

struct rl_kconfig_entry {
	const char *name;   /* "CONFIG_BPF_LSM" */
	const char *value;  /* "y", "m", "250", "\"string\"" */
};

struct rl_kconfig {
	char *text;                       /* the file, '\n' and '=' replaced by NULs */
	struct rl_kconfig_entry *entries;
	size_t nr;
	char source[96];                  /* "/proc/config.gz" or "/boot/config-..." */
};

/* Parse config text (takes ownership of the malloc'ed `text`).  Pure:
 * "CONFIG_X=v" lines count, "# CONFIG_X is not set" and others do not. */
int rl_kconfig_parse(struct rl_kconfig *kc, char *text, size_t len, struct rl_diag *d);
/* The process-wide config: /boot/config-$(uname -r), else /proc/config.gz;
 * read once.  -ENOENT with *d set when neither exists. */
int rl_kconfig_get(const struct rl_kconfig **out, struct rl_diag *d);
/* A value by its full name ("CONFIG_HZ"), or NULL when unset. */
const char *rl_kconfig_value(const struct rl_kconfig *kc, const char *name);
void rl_kconfig_free(struct rl_kconfig *kc);

/* The kernel's lockdown mode: "integrity", "confidentiality", or NULL when
 * none is known (from /sys/kernel/security/lockdown, else the config's
 * CONFIG_LOCK_DOWN_KERNEL_FORCE_*).  `how` says where it was read. */
const char *rl_lockdown_mode(const char **how);

#endif
