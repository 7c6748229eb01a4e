/* externs.h - values for an object's `.kconfig` externs (object_extern.c). */
#ifndef RL_EXTERNS_H
#define RL_EXTERNS_H

#include <stdint.h>

#include "diag.h"
#include "object.h"

/* Where a kconfig extern's value came from, for inspect / --explain. */
struct rl_kconfig_value {
	const char *name;
	char text[160];     /* "0x61200 (6.18.44, from uname)", "y -> 1 (/proc/config.gz)" */
};

/* Fill `value` (the .kconfig map's value_size bytes, zeroed by the caller)
 * with every kconfig extern of the object.  `out` (may be NULL) gets one
 * description per kconfig extern, in spec->externs order. */
int rl_externs_kconfig_value(const struct rl_object_spec *spec, uint8_t *value,
			     struct rl_kconfig_value *out, struct rl_diag *d);

/* The running kernel's version as KERNEL_VERSION(a, b, c), c capped at 255. */
uint32_t rl_linux_kernel_version(void);
/* Pure: "6.18.44-fc" -> KERNEL_VERSION(6, 18, 44); 0 if unreadable. */
uint32_t rl_parse_kernel_release(const char *release);

#endif
