/* load_internal.h - the steps of rl_object_load, split across files by job. */
#ifndef RL_LOAD_INTERNAL_H
#define RL_LOAD_INTERNAL_H

#include <fcntl.h>

#include "load.h"
#include "sys_bpf.h"

/* max_entries / map_flags a map is created with: the spec's plus the ecosystem's
 * conventions (PERF_EVENT_ARRAY 0 = possible CPUs, ring buffers page-rounded,
 * global data mmapable). */
int rl_map_conventions(const struct rl_map_spec *s, uint32_t *max_entries, uint32_t *map_flags,
		       struct rl_diag *d);
int rl_load_maps(struct rl_object *o, const struct rl_load_opts *opts, struct rl_diag *d);
/* Kernel object names (load_maps.c): at most 15 characters of [A-Za-z0-9_.],
 * others replaced by '_'.  rl_kernel_name: prefix + name, truncated;
 * rl_data_map_name: a global-data map's name ("global_d.rodata"). */
void rl_kernel_name(char out[BPF_OBJ_NAME_LEN], const char *prefix, const char *name);
void rl_data_map_name(char out[BPF_OBJ_NAME_LEN], const char *obj, const char *sec);

#endif
