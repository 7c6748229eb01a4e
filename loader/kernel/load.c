/* load.c - rl_object_load: BTF, then maps (load_maps.c), then programs.
 * See load.h for the order and the all-or-nothing rule. */
#include "load_internal.h"
#include "attach_btf.h"
#include "core.h"
#include "externs.h"
#include "kconfig.h"
#include "kernel_btf.h"
#include "linker.h"
#include "vlog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- BTF -------------------------------------------------------------- */

/* Sizes and offsets for the DATASEC fix-up: from the ELF sections, and for
 * ".kconfig", which no section holds, from the synthetic map's layout. */
static int elf_section_size(void *ctx, const char *sec_name, uint32_t *size)
{
	const struct rl_object_spec *spec = ctx;
	const struct rl_elf_section *s = rl_elf_section_by_name(&spec->elf, sec_name);

	if (!s && !strcmp(sec_name, ".kconfig") && spec->kconfig_map >= 0) {
		*size = spec->maps[spec->kconfig_map].value_size;
		return 0;
	}
	if (!s)
		return -ENOENT;
	*size = (uint32_t)s->size;
	return 0;
}

static int elf_symbol_offset(void *ctx, const char *sec_name, const char *var, uint32_t *off)
{
	const struct rl_object_spec *spec = ctx;
	const struct rl_elf *elf = &spec->elf;
	const struct rl_elf_section *s = rl_elf_section_by_name(elf, sec_name);
	int e = rl_object_find_extern(spec, var);

	if (!s && e >= 0 && spec->externs[e].kind == RL_EXTERN_KCONFIG) {
		*off = spec->externs[e].offset;
		return 0;
	}
	for (uint32_t i = 0; s && i < elf->nr_symbols; i++)
		if (elf->symbols[i].shndx == s->index && !strcmp(elf->symbols[i].name, var)) {
			*off = (uint32_t)elf->symbols[i].value;
			return 0;
		}
	return -ENOENT;
}

/* A kernel that refuses the object's BTF still runs its programs: warn and
 * go on without (maps lose pretty-printing, verifier logs lose source lines). */
static void load_btf(struct rl_object *o)
{
	struct rl_btf_fixup_ops ops = { elf_section_size, elf_symbol_offset, o->spec };
	struct rl_diag d = { "" };
	const void *raw;
	size_t size;
	char *log;
	int fd;

	if (!o->spec->has_btf)
		return;
	if (rl_btf_fixup_datasec(&o->spec->btf, &ops, &d)) {
		snprintf(o->warning, sizeof(o->warning), "BTF not loaded: %s", d.msg);
		return;
	}
	raw = rl_btf_raw(&o->spec->btf, &size);
	fd = rl_sys_btf_load(raw, (uint32_t)size, NULL, 0, 0);
	if (fd < 0) {
		/* ask again with a log, only to explain the refusal */
		log = calloc(1, 1 << 16);
		if (log) {
			int again = rl_sys_btf_load(raw, (uint32_t)size, log, 1 << 16, 1);

			if (again >= 0) {
				/* refused once, accepted now: still go without, and
				 * the log (the kernel's walk of a BTF it accepted)
				 * explains nothing */
				close(again);
				log[0] = '\0';
			}
		}
		/* the log walks every type and ends with the reason: keep the
		 * last line and the type it names (the one before) */
		{
			char *end = log ? log + strlen(log) : NULL, *last = NULL, *prev = NULL;

			while (end && end > log && end[-1] == '\n')
				*--end = '\0';
			if (end && (last = strrchr(log, '\n'))) {
				*last++ = '\0';
				prev = strrchr(log, '\n');
				prev = prev ? prev + 1 : log;
			} else if (log) {
				last = log;
			}
			snprintf(o->warning, sizeof(o->warning),
				 "the kernel refused the object's BTF (BPF_BTF_LOAD: %s%s%.120s%s%.120s); loading without it",
				 strerror(-fd), last && *last ? ": " : "", prev ? prev : "", prev ? " " : "",
				 last ? last : "");
		}
		free(log);
		return;
	}
	o->btf_fd = fd;
	{
		struct bpf_btf_info info = { 0 };
		uint32_t len = sizeof(info);

		if (!rl_sys_obj_info(fd, &info, &len))
			o->btf_id = info.id;
	}
}

/* ---- programs ---------------------------------------------------------- */

/* fentry/fexit/fmod_ret need a BPF trampoline patched into kernel text; a
 * kernel in lockdown refuses them with EPERM and an empty verifier log, which
 * alone reads like a missing privilege.  Say which lockdown. */
static void explain_trampoline_refusal(const struct rl_prog_spec *s, int err, struct rl_diag *d)
{
	const char *how = "", *mode;

	if (err != -EPERM || s->prog_type != BPF_PROG_TYPE_TRACING ||
	    (s->expected_attach_type != BPF_TRACE_FENTRY && s->expected_attach_type != BPF_TRACE_FEXIT &&
	     s->expected_attach_type != BPF_MODIFY_RETURN))
		return;
	mode = rl_lockdown_mode(&how);
	if (mode)
		snprintf(d->msg + strlen(d->msg), sizeof(d->msg) - strlen(d->msg), " (the kernel is locked down, mode '%s' per %s: it refuses fentry/fexit/fmod_ret trampolines even to root; tp_btf/raw_tp/kprobe programs still load)",
			       mode, how);
}

static int load_one_prog(struct rl_object *o, struct rl_prog *p, const int *map_fds,
			 struct rl_core_session *core, const struct rl_ksyms *ksyms,
			 const struct rl_load_opts *opts, struct rl_diag *d)
{
	struct rl_link_hooks hooks = { core ? rl_core_fixup_function : NULL, core,
				       ksyms ? ksyms->targets : NULL };
	const struct rl_prog_spec *s = p->spec;
	struct rl_linked_prog lp;
	struct rl_prog_load_opts lo = { 0 };
	struct bpf_prog_info info = { 0 };
	uint32_t info_len = sizeof(info);
	struct rl_vlog vlog;
	struct rl_attach_btf ab = { .obj_fd = -1 };
	int fd, err;

	if (!s->prog_type)
		return rl_err(d, EINVAL, "section '%s' names no known program type (known: xdp, tc, tcx/..., socket, sk_skb/..., sk_msg, sockops, cgroup/..., kprobe/..., uprobe/..., tracepoint/..., raw_tp/..., tp_btf/..., fentry/..., lsm/..., iter/..., ...; see rawload(8))",
			      s->sec_name);
	if (s->unsupported)
		return rl_err(d, EOPNOTSUPP, "section '%s': a %s program %s", s->sec_name,
			      rl_prog_type_name(s->prog_type), s->unsupported);
	if (s->btf_attach != RL_BTF_NONE) {
		err = rl_attach_btf_resolve(s, &ab, d);
		if (err)
			return err;
	}
	err = rl_link_program(o->spec, (uint32_t)(s - o->spec->progs), map_fds, &hooks, &lp, d);
	if (err) {
		rl_attach_btf_release(&ab);
		return err;
	}
	if (opts->on_linked)
		opts->on_linked(opts->ctx, p, lp.insns, lp.insn_cnt);
	rl_kernel_name(p->kname, NULL, s->name);
	lo.prog_type = s->prog_type;
	lo.expected_attach_type = s->expected_attach_type == RL_ATTACH_NONE ? 0 : s->expected_attach_type;
	lo.prog_flags = s->prog_flags;
	lo.kern_version = o->spec->kern_version;
	lo.name = p->kname;
	lo.license = o->spec->license[0] ? o->spec->license : "";
	lo.insns = lp.insns;
	lo.insn_cnt = lp.insn_cnt;
	lo.attach_btf_id = ab.btf_id;
	lo.attach_btf_obj_fd = ab.obj_fd;
	if (ksyms && ksyms->nr_fds)
		lo.fd_array = ksyms->fd_array;
	lo.prog_btf_fd = -1;
	if (o->btf_fd >= 0 && lp.nr_func_info) {
		lo.prog_btf_fd = o->btf_fd;
		lo.func_info = lp.func_info;
		lo.func_info_rec_size = sizeof(struct bpf_func_info);
		lo.func_info_cnt = lp.nr_func_info;
		lo.line_info = lp.line_info;
		lo.line_info_rec_size = sizeof(struct bpf_line_info);
		lo.line_info_cnt = lp.nr_line_info;
	}
	p->final_insn_cnt = lp.insn_cnt;
	fd = rl_prog_load_with_log(&lo, &vlog, opts->verbose_log, d);
	rl_linked_prog_free(&lp);
	rl_attach_btf_release(&ab);
	if (vlog.log) {
		free(o->verifier_log);
		o->verifier_log = vlog.log;
	}
	if (fd < 0) {
		o->failed_prog = s->name;
		/* a poisoned CO-RE relocation the verifier reached: say which */
		rl_core_explain_poison(core, vlog.log, o->warning, sizeof(o->warning));
		rl_diag_prefix(d, "BPF_PROG_LOAD(%s, %u insns): ", rl_prog_type_name(s->prog_type),
			       p->final_insn_cnt);
		explain_trampoline_refusal(s, fd, d);
		if (vlog.log)
			strncat(d->msg, " - the verifier says:", sizeof(d->msg) - strlen(d->msg) - 1);
		return fd;
	}
	p->fd = fd;
	if (!rl_sys_obj_info(fd, &info, &info_len))
		p->id = info.id;
	return 0;
}

/* prog-array `values = { [k] = &prog }`: the program fds exist only now. */
static int fill_prog_slots(struct rl_object *o, struct rl_diag *d)
{
	for (uint32_t i = 0; i < o->nr_maps; i++) {
		const struct rl_map_spec *ms = o->maps[i].spec;

		for (uint32_t k = 0; k < ms->nr_init_slots && !o->maps[i].reused; k++) {
			const struct rl_map_init_slot *sl = &ms->init_slots[k];
			struct rl_prog *p;
			int err;

			if (!sl->is_prog)
				continue;
			p = rl_object_prog(o, o->spec->progs[sl->target_idx].name);
			err = p ? rl_sys_map_update(o->maps[i].fd, &sl->key, &p->fd, BPF_ANY) : -ENOENT;
			if (err)
				return rl_err(d, err, "map '%s': slot %u = program '%s': %s", ms->name,
					      sl->key, o->spec->progs[sl->target_idx].name, strerror(-err));
		}
	}
	return 0;
}

/* CO-RE: the kernel's BTF (read once per process), one session per object. */
static int core_begin(struct rl_object *o, struct rl_core_session *core, struct rl_diag *d)
{
	struct rl_kernel_btf *kb;
	int err = rl_kernel_btf_get(&kb, d);

	if (!err)
		err = rl_core_session_init(core, o->spec, &kb->target, d);
	if (err)
		rl_diag_prefix(d, "CO-RE (%u relocations): ", o->spec->nr_core_relos);
	return err;
}

static int load_progs(struct rl_object *o, const struct rl_load_opts *opts, struct rl_diag *d)
{
	int *map_fds = calloc(o->nr_maps + 1, sizeof(int));
	struct rl_core_session core_session, *core = NULL;
	struct rl_ksyms ksyms;
	bool ksyms_done = false;
	int err = 0;

	if (!map_fds)
		return rl_err(d, ENOMEM, "out of memory");
	for (uint32_t i = 0; i < o->nr_maps; i++)
		map_fds[i] = o->maps[i].fd;
	if (o->spec->nr_core_relos) {
		err = core_begin(o, &core_session, d);
		core = err ? NULL : &core_session;
	}
	for (uint32_t i = 0; i < o->spec->nr_externs && !err && !ksyms_done; i++)
		if (o->spec->externs[i].kind != RL_EXTERN_KCONFIG) {
			err = rl_externs_resolve_ksyms(o->spec, &ksyms, d);
			ksyms_done = true;
		}
	for (uint32_t i = 0; i < o->nr_progs && !err; i++) {
		err = load_one_prog(o, &o->progs[i], map_fds, core, ksyms_done ? &ksyms : NULL, opts, d);
		if (err)
			rl_diag_prefix(d, "program '%s': ", o->progs[i].spec->name);
	}
	if (core)
		rl_core_session_free(core);
	if (ksyms_done)
		rl_ksyms_release(&ksyms);
	free(map_fds);
	return err ? err : fill_prog_slots(o, d);
}

/* ---- the whole object --------------------------------------------------- */

static int alloc_object(struct rl_object *o, struct rl_object_spec *spec, struct rl_diag *d)
{
	uint32_t n = 0;

	memset(o, 0, sizeof(*o));
	o->spec = spec;
	o->btf_fd = -1;
	for (uint32_t i = 0; i < spec->nr_progs; i++)
		n += !spec->progs[i].is_subprog;
	o->maps = calloc(spec->nr_maps + 1, sizeof(*o->maps));
	o->progs = calloc(n + 1, sizeof(*o->progs));
	if (!o->maps || !o->progs)
		return rl_err(d, ENOMEM, "out of memory");
	o->nr_maps = spec->nr_maps;
	for (uint32_t i = 0; i < spec->nr_maps; i++) {
		o->maps[i].spec = &spec->maps[i];
		o->maps[i].fd = -1;
	}
	for (uint32_t i = 0; i < spec->nr_progs; i++) {
		if (spec->progs[i].is_subprog)
			continue;
		o->progs[o->nr_progs].spec = &spec->progs[i];
		o->progs[o->nr_progs].fd = -1;
		o->nr_progs++;
	}
	return 0;
}

int rl_object_load(struct rl_object *o, struct rl_object_spec *spec,
		   const struct rl_load_opts *opts, struct rl_diag *d)
{
	static const struct rl_load_opts no_opts;
	int err;

	if (!opts)
		opts = &no_opts;
	err = alloc_object(o, spec, d);
	if (!err) {
		load_btf(o);
		err = rl_load_maps(o, opts, d);
	}
	if (!err)
		err = load_progs(o, opts, d);
	/* inner-map templates only served as a shape for BPF_MAP_CREATE */
	for (uint32_t i = 0; !err && i < o->nr_maps; i++)
		if (o->maps[i].spec->is_inner_template && o->maps[i].fd >= 0) {
			close(o->maps[i].fd);
			o->maps[i].fd = -1;
		}
	if (err) {
		/* keep the verifier's words for the caller; rl_object_close frees them */
		char *log = o->verifier_log;

		o->verifier_log = NULL;
		rl_object_unpin_created(o);
		rl_object_close(o);
		o->verifier_log = log;
	}
	return err;
}

static int pin_one(char *pin_path, bool *pinned_here, int fd, const char *dir,
		   const char *name, struct rl_diag *d)
{
	int err;

	if (pin_path[0] || fd < 0)
		return 0;
	rl_pin_path(pin_path, dir, name);
	err = rl_sys_obj_pin(fd, pin_path);
	if (err) {
		err = rl_err(d, err, "BPF_OBJ_PIN '%s': %s%s", pin_path, strerror(-err),
			     err == -EEXIST ? " (already pinned: detach/unpin first, or use another --pin DIR)" : "");
		pin_path[0] = '\0';
		return err;
	}
	*pinned_here = true;
	return 0;
}

int rl_object_pin(struct rl_object *o, const char *dir, struct rl_diag *d)
{
	int err = 0;

	for (uint32_t i = 0; i < o->nr_progs && !err; i++)
		err = pin_one(o->progs[i].pin_path, &o->progs[i].pinned_here, o->progs[i].fd, dir,
			      o->progs[i].spec->name, d);
	for (uint32_t i = 0; i < o->nr_maps && !err; i++)
		err = pin_one(o->maps[i].pin_path, &o->maps[i].pinned_here, o->maps[i].fd, dir,
			      o->maps[i].spec->name, d);
	if (err)
		rl_object_unpin_created(o);
	return err;
}

void rl_object_unpin_created(struct rl_object *o)
{
	for (uint32_t i = 0; i < o->nr_progs; i++)
		if (o->progs[i].pinned_here && unlink(o->progs[i].pin_path) == 0)
			o->progs[i].pinned_here = false, o->progs[i].pin_path[0] = '\0';
	for (uint32_t i = 0; i < o->nr_maps; i++)
		if (o->maps[i].pinned_here && unlink(o->maps[i].pin_path) == 0)
			o->maps[i].pinned_here = false, o->maps[i].pin_path[0] = '\0';
}

void rl_object_close(struct rl_object *o)
{
	for (uint32_t i = 0; i < o->nr_progs; i++)
		if (o->progs[i].fd >= 0)
			close(o->progs[i].fd);
	for (uint32_t i = 0; i < o->nr_maps; i++)
		if (o->maps[i].fd >= 0)
			close(o->maps[i].fd);
	if (o->btf_fd >= 0)
		close(o->btf_fd);
	free(o->progs);
	free(o->maps);
	free(o->verifier_log);
	o->progs = NULL;
	o->maps = NULL;
	o->verifier_log = NULL;
	o->nr_progs = o->nr_maps = 0;
	o->btf_fd = -1;
}

struct rl_prog *rl_object_prog(struct rl_object *o, const char *name)
{
	for (uint32_t i = 0; i < o->nr_progs; i++)
		if (!strcmp(o->progs[i].spec->name, name))
			return &o->progs[i];
	return NULL;
}
