/* attach_btf.h - where a BTF-attached program (tp_btf, fentry/fexit/fmod_ret,
 * lsm, iter) attaches, as the kernel wants it in BPF_PROG_LOAD. */
#ifndef RL_ATTACH_BTF_H
#define RL_ATTACH_BTF_H

#include <stdint.h>

#include "diag.h"
#include "object.h"

struct rl_attach_btf {
	uint32_t btf_id;         /* attach_btf_id: the type in vmlinux's or a module's BTF */
	int obj_fd;              /* attach_btf_obj_fd: the module's BTF object, -1 for vmlinux */
	char where[64];          /* "vmlinux" or the module's name */
	char type_name[160];     /* "btf_trace_sched_wakeup", "bpf_lsm_file_open", ... */
};

/* Find the program's target in the running kernel's BTF: vmlinux first,
 * then the modules.  Errors name the type looked for and where. */
int rl_attach_btf_resolve(const struct rl_prog_spec *s, struct rl_attach_btf *out,
			  struct rl_diag *d);
/* A named type of `kind` in the kernel's BTF: vmlinux (*obj_fd = -1), else
 * the first module that has it (*obj_fd = its BTF object, caller closes).
 * -ESRCH with *d set when none has it. */
int rl_kernel_btf_find(const char *name, uint32_t kind, uint32_t *id, int *obj_fd,
		       char *where, size_t where_len, struct rl_diag *d);
void rl_attach_btf_release(struct rl_attach_btf *a);

#endif
