/* object_internal.h - the steps object.c runs, split across files by job. */
#ifndef RL_OBJECT_INTERNAL_H
#define RL_OBJECT_INTERNAL_H

#include <elf.h>
#include <stdio.h>
#include <string.h>

#include "object.h"

int rl_object_collect_maps(struct rl_object_spec *obj, struct rl_diag *d);   /* object_maps.c */
int rl_object_collect_externs(struct rl_object_spec *obj, struct rl_diag *d); /* object_extern.c */
int rl_object_collect_relocs(struct rl_object_spec *obj, struct rl_diag *d); /* object_relo.c */
int rl_object_index_ext(struct rl_object_spec *obj, struct rl_diag *d);   /* object_ext.c */
int rl_object_collect_map_inits(struct rl_object_spec *obj, struct rl_diag *d);
struct rl_prog_spec *rl_object_func_at(struct rl_object_spec *obj, uint32_t sec_idx, uint32_t insn);

/* Global-data sections that become single-entry array maps. */
static inline int rl_is_data_section(const char *name)
{
	return !strcmp(name, ".data") || !strcmp(name, ".bss") || !strcmp(name, ".rodata") ||
	       !strncmp(name, ".data.", 6) || !strncmp(name, ".rodata.", 8) ||
	       !strncmp(name, ".bss.", 5);
}

#endif
