/* attach_btf.c - attach_btf_id (and attach_btf_obj_fd) for BTF-attached programs.
 *
 * Kernel interface: BPF_PROG_LOAD's attach_btf_id names the kernel type a
 * TRACING/LSM program hooks (Documentation/bpf/btf.rst, "BPF_PROG_LOAD"):
 *   tp_btf/<tp>            typedef btf_trace_<tp>   (BPF_TRACE_RAW_TP)
 *   fentry|fexit|fmod_ret  func <fn>                (BPF_TRACE_FENTRY, ...)
 *   lsm/<hook>             func bpf_lsm_<hook>      (BPF_LSM_MAC)
 *   iter/<target>          func bpf_iter_<target>   (BPF_TRACE_ITER)
 * The id is vmlinux's (/sys/kernel/btf/vmlinux, read once by kernel_btf.c)
 * or, when vmlinux lacks the type, a module's: its split BTF continues
 * vmlinux's numbering, and attach_btf_obj_fd then names the module's BTF
 * object, found by BPF_BTF_GET_NEXT_ID + BPF_OBJ_GET_INFO_BY_FD (name).
 */
#include "attach_btf.h"
#include "kernel_btf.h"
#include "sys_bpf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* The kernel BTF object of a module by name, as an fd; negative errno. */
static int module_btf_fd(const char *module)
{
	uint32_t id = 0;

	while (rl_sys_btf_get_next_id(id, &id) == 0) {
		struct bpf_btf_info info = { 0 };
		uint32_t len = sizeof(info);
		char name[64] = "";
		int fd = rl_sys_btf_get_fd_by_id(id);

		if (fd < 0)
			continue;
		info.name = (uint64_t)(uintptr_t)name;
		info.name_len = sizeof(name);
		if (!rl_sys_obj_info(fd, &info, &len) && info.kernel_btf && !strcmp(name, module))
			return fd;
		close(fd);
	}
	return -ENOENT;
}

int rl_kernel_btf_find(const char *name, uint32_t kind, uint32_t *id, int *obj_fd,
		       char *where, size_t where_len, struct rl_diag *d)
{
	struct rl_kernel_btf *kb;
	struct rl_btf *mod;
	const char *mod_name;
	int err = rl_kernel_btf_get(&kb, d);

	*obj_fd = -1;
	if (err)
		return err;
	*id = rl_btf_find_by_name_kind(&kb->vmlinux, name, kind);
	if (*id) {
		snprintf(where, where_len, "vmlinux");
		return 0;
	}
	for (uint32_t i = 0; rl_kbtf_module_btf(kb, i, name, &mod, &mod_name) == 0; i++) {
		if (!mod || !(*id = rl_btf_find_by_name_kind(mod, name, kind)))
			continue;
		*obj_fd = module_btf_fd(mod_name);
		if (*obj_fd < 0)
			return rl_err(d, *obj_fd, "'%s' is in module %s, whose BTF object the kernel does not list",
				      name, mod_name);
		snprintf(where, where_len, "%s", mod_name);
		return 0;
	}
	return rl_err(d, ESRCH, "the kernel's BTF has no %s '%s' (vmlinux and %u module%s searched)",
		      kind == BTF_KIND_TYPEDEF ? "tracepoint typedef" : kind == BTF_KIND_VAR ? "variable" : "function",
		      name, kb->nr_mods, kb->nr_mods == 1 ? "" : "s");
}

int rl_attach_btf_resolve(const struct rl_prog_spec *s, struct rl_attach_btf *out,
			  struct rl_diag *d)
{
	uint32_t kind;
	int err;

	memset(out, 0, sizeof(*out));
	out->obj_fd = -1;
	err = rl_btf_attach_name(s->btf_attach, s->attach_target, out->type_name,
				 sizeof(out->type_name), &kind);
	if (err)
		return rl_err(d, EINVAL, "section '%s' names no kernel %s to attach to (expected '%.*s/<name>')",
			      s->sec_name, s->btf_attach == RL_BTF_TRACE ? "tracepoint" : "function",
			      (int)strcspn(s->sec_name, "/"), s->sec_name);
	err = rl_kernel_btf_find(out->type_name, kind, &out->btf_id, &out->obj_fd, out->where,
				 sizeof(out->where), d);
	if (err == -ESRCH)
		snprintf(d->msg + strlen(d->msg), sizeof(d->msg) - strlen(d->msg), ": no such %s on this kernel",
			 kind == BTF_KIND_TYPEDEF ? "BTF-enabled tracepoint" : "function");
	else if (err)
		rl_diag_prefix(d, "%s '%s': ", s->sec_name, out->type_name);
	return err;
}

void rl_attach_btf_release(struct rl_attach_btf *a)
{
	if (a->obj_fd >= 0)
		close(a->obj_fd);
	a->obj_fd = -1;
}
