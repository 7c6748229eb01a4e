/* load_internal.h - the steps of rl_object_load, split across files by job. */
#ifndef RL_LOAD_INTERNAL_H
#define RL_LOAD_INTERNAL_H

#include <fcntl.h>

#include "load.h"
#include "sys_bpf.h"

int rl_load_maps(struct rl_object *o, const struct rl_load_opts *opts, struct rl_diag *d);
void rl_kernel_name(char out[BPF_OBJ_NAME_LEN], const char *prefix, const char *name);

#endif
