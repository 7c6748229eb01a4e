/* externs.c - values of `.kconfig` externs, from the running kernel.
 *
 * Kernel interfaces: uname(2) for LINUX_KERNEL_VERSION; the kernel config
 * (kconfig.c: /boot/config-$(uname -r) or /proc/config.gz) for CONFIG_*;
 * BPF_PROG_LOAD of a 3-instruction kprobe calling bpf_get_attach_cookie for
 * LINUX_HAS_BPF_COOKIE (helper 174, 5.15); /proc/kallsyms for
 * LINUX_HAS_SYSCALL_WRAPPER (an arch prefix such as __x64_sys_bpf).
 * Value encodings (the __kconfig convention): bool/char y=1 n=0, tristate
 * (enum libbpf_tristate) y=1 m=2 n=0, integers decimal or 0x-hex, char
 * arrays the quoted string.  A strong extern without a value is an error;
 * a __weak one stays 0.
 *
 * `.ksyms`: a typed variable is the kernel's BTF VAR of that name (vmlinux or
 * a module: the module's BTF fd goes into the ld_imm64), a typeless one is
 * its /proc/kallsyms address, a kfunc is the kernel's BTF FUNC (a module's
 * via BPF_PROG_LOAD's fd_array).
 */
#include "externs.h"
#include "attach_btf.h"
#include "kconfig.h"
#include "sys_bpf.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

uint32_t rl_parse_kernel_release(const char *release)
{
	unsigned a = 0, b = 0, c = 0;

	if (sscanf(release, "%u.%u.%u", &a, &b, &c) < 2)
		return 0;
	return (a << 16) + (b << 8) + (c > 255 ? 255 : c);
}

uint32_t rl_linux_kernel_version(void)
{
	struct utsname u;

	return uname(&u) ? 0 : rl_parse_kernel_release(u.release);
}

static int probe_bpf_cookie(void)
{
	static int cached = -1;
	const struct bpf_insn insns[] = {
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_get_attach_cookie },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct rl_prog_load_opts o = {
		.prog_type = BPF_PROG_TYPE_KPROBE, .license = "GPL", .insns = insns, .insn_cnt = 3,
		.prog_btf_fd = -1, .name = "rl_probe_cookie",
	};
	int fd;

	if (cached < 0) {
		fd = rl_sys_prog_load(&o);
		cached = fd >= 0;
		if (fd >= 0)
			close(fd);
	}
	return cached;
}

static int has_syscall_wrapper(void)
{
	static const char *const names[] = { "__x64_sys_bpf", "__arm64_sys_bpf", "__s390x_sys_bpf",
					     "__ia32_sys_bpf", "__riscv_sys_bpf", "__se_sys_bpf" };
	char line[256];
	int found = 0;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f)) {
		char *sym = strrchr(line, ' ');

		if (!sym)
			continue;
		sym[strcspn(sym, "\n\t")] = '\0';
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !found; i++)
			found = !strcmp(sym + 1, names[i]);
	}
	fclose(f);
	return found;
}

static void put_int(uint8_t *dst, uint32_t size, uint64_t v)
{
	memcpy(dst, &v, size); /* little-endian: the low `size` bytes */
}

/* A CONFIG_* value into its slot. */
static int put_config(const struct rl_extern *e, const char *v, uint8_t *dst, struct rl_diag *d)
{
	if (e->kcfg == RL_KCFG_CHARS) {
		size_t n = strlen(v);

		if (n < 2 || v[0] != '"' || v[n - 1] != '"')
			return rl_err(d, EINVAL, "extern '%s' is a char array, but the config value %s is not a string",
				      e->name, v);
		n -= 2;
		if (n >= e->size)
			n = e->size - 1;   /* truncated, still NUL-terminated */
		memcpy(dst, v + 1, n);
		return 0;
	}
	if ((v[0] == 'y' || v[0] == 'm' || v[0] == 'n') && !v[1]) {
		switch (e->kcfg) {
		case RL_KCFG_TRISTATE:
			put_int(dst, e->size, v[0] == 'y' ? 1 : v[0] == 'm' ? 2 : 0);
			return 0;
		case RL_KCFG_BOOL:
			if (v[0] == 'm')
				return rl_err(d, EINVAL, "extern '%s' is a bool, but the kernel has it as a module (m); declare it enum libbpf_tristate",
					      e->name);
			put_int(dst, 1, v[0] == 'y');
			return 0;
		case RL_KCFG_CHAR:
			*dst = (uint8_t)v[0];
			return 0;
		default:
			return rl_err(d, EINVAL, "extern '%s' is an integer, but the config value is '%s'", e->name, v);
		}
	}
	if (e->kcfg == RL_KCFG_INT) {
		char *end;
		unsigned long long u;

		errno = 0;
		u = e->is_signed ? (unsigned long long)strtoll(v, &end, 0) : strtoull(v, &end, 0);
		if (errno || *end || end == v)
			return rl_err(d, EINVAL, "extern '%s': config value '%s' is not a number", e->name, v);
		if (e->size < 8 && !e->is_signed && u >> (e->size * 8))
			return rl_err(d, ERANGE, "extern '%s': config value %s does not fit %u bytes", e->name, v, e->size);
		put_int(dst, e->size, u);
		return 0;
	}
	return rl_err(d, EINVAL, "extern '%s': config value '%s' does not suit its type", e->name, v);
}

int rl_externs_kconfig_value(const struct rl_object_spec *spec, uint8_t *value,
			     struct rl_kconfig_value *out, bool probe, struct rl_diag *d)
{
	const struct rl_kconfig *kc = NULL;
	struct rl_diag kd = { "" };
	int kc_err = 0, err;

	for (uint32_t i = 0; i < spec->nr_externs; i++) {
		const struct rl_extern *e = &spec->externs[i];
		uint8_t *dst = value + e->offset;
		struct rl_kconfig_value *o = out ? &out[i] : NULL;
		const char *v = NULL;
		char text[160] = "";

		if (e->kind != RL_EXTERN_KCONFIG)
			continue;
		if (!strcmp(e->name, "LINUX_KERNEL_VERSION")) {
			uint32_t kv = rl_linux_kernel_version();

			put_int(dst, e->size < 4 ? e->size : 4, kv);
			snprintf(text, sizeof(text), "%#x (uname: %u.%u.%u)", kv, kv >> 16, (kv >> 8) & 255, kv & 255);
		} else if (!strcmp(e->name, "LINUX_HAS_BPF_COOKIE") && !probe) {
			snprintf(text, sizeof(text), "decided at load: BPF_PROG_LOAD probe of bpf_get_attach_cookie");
		} else if (!strcmp(e->name, "LINUX_HAS_BPF_COOKIE")) {
			put_int(dst, 1, probe_bpf_cookie());
			snprintf(text, sizeof(text), "%d (probe: bpf_get_attach_cookie)", *dst);
		} else if (!strcmp(e->name, "LINUX_HAS_SYSCALL_WRAPPER")) {
			put_int(dst, 1, has_syscall_wrapper());
			snprintf(text, sizeof(text), "%d (/proc/kallsyms)", *dst);
		} else if (!strncmp(e->name, "CONFIG_", 7)) {
			if (!kc && !kc_err)
				kc_err = rl_kconfig_get(&kc, &kd);
			v = kc ? rl_kconfig_value(kc, e->name) : NULL;
			if (v) {
				err = put_config(e, v, dst, d);
				if (err)
					return err;
				if (e->kcfg == RL_KCFG_BOOL || e->kcfg == RL_KCFG_TRISTATE)
					snprintf(text, sizeof(text), "%s -> %u (%s)", v, *dst, kc->source);
				else
					snprintf(text, sizeof(text), "%.40s (%s)", v, kc->source);
			}
		}
		if (!text[0]) {
			if (!e->weak)
				return rl_err(d, ENOENT, "extern '%s' (.kconfig) has no value on this kernel (%s); declare it __weak to default to 0",
					      e->name, !strncmp(e->name, "CONFIG_", 7) ?
					      (kc ? "not set in the kernel's config" : kd.msg) : "not a name rawload knows");
			snprintf(text, sizeof(text), "0 (__weak, no value on this kernel)");
		}
		if (o) {
			o->name = e->name;
			snprintf(o->text, sizeof(o->text), "%s", text);
		}
	}
	return 0;
}

int rl_kallsyms_lookup(const char *name, uint64_t *addr)
{
	char line[512];
	int found = -ENOENT;
	FILE *f = fopen("/proc/kallsyms", "re");

	if (!f)
		return -errno;
	while (found && fgets(line, sizeof(line), f)) {
		unsigned long long a;
		char type, sym[256];

		if (sscanf(line, "%llx %c %255s", &a, &type, sym) == 3 && !strcmp(sym, name)) {
			*addr = a;
			found = 0;
		}
	}
	fclose(f);
	return found;
}

static int keep_fd(int *fds, uint32_t *nr, uint32_t first, int fd, struct rl_diag *d)
{
	for (uint32_t i = first; i < *nr; i++)
		if (fds[i] == fd)
			return (int)i;
	if (*nr >= RL_KSYM_MAX_MODULES)
		return rl_err(d, E2BIG, "externs in more than %d kernel modules", RL_KSYM_MAX_MODULES);
	fds[*nr] = fd;
	return (int)(*nr)++;
}

int rl_externs_resolve_ksyms(const struct rl_object_spec *spec, struct rl_ksyms *k,
			     struct rl_diag *d)
{
	memset(k, 0, sizeof(*k));
	k->targets = calloc(spec->nr_externs + 1, sizeof(*k->targets));
	if (!k->targets)
		return rl_err(d, ENOMEM, "out of memory");
	for (uint32_t i = 0; i < spec->nr_externs; i++) {
		const struct rl_extern *e = &spec->externs[i];
		struct rl_extern_target *t = &k->targets[i];
		char where[64];
		int fd = -1, err = 0, idx;

		if (e->kind == RL_EXTERN_KCONFIG)
			continue;
		if (e->kind == RL_EXTERN_KSYM_TYPELESS) {
			err = rl_kallsyms_lookup(e->name, &t->addr);
			if (err && !e->weak)
				return rl_err(d, err, "extern '%s' (.ksyms, typeless): not in /proc/kallsyms",
					      e->name);
			t->resolved = !err;
			continue;
		}
		err = rl_kernel_btf_find(e->name, e->kind == RL_EXTERN_KFUNC ? BTF_KIND_FUNC : BTF_KIND_VAR,
					 &t->btf_id, &fd, where, sizeof(where), d);
		if (err == -ESRCH && e->weak) {
			rl_diag_clear(d);
			continue;       /* __weak: 0, or a poisoned call */
		}
		if (err) {
			rl_diag_prefix(d, "extern '%s' (.ksyms, %s): ", e->name, rl_extern_kind_name(e->kind));
			return err;
		}
		t->resolved = true;
		if (fd < 0)
			continue;
		if (e->kind == RL_EXTERN_KFUNC) {
			if (!k->nr_fds)
				k->nr_fds = 1;          /* [0]: vmlinux */
			idx = keep_fd(k->fd_array, &k->nr_fds, 1, fd, d);
			t->fd_idx = (int16_t)idx;
		} else {
			idx = keep_fd(k->var_fds, &k->nr_var_fds, 0, fd, d);
			t->btf_fd = fd;
		}
		if (idx < 0) {
			close(fd);
			return idx;
		}
		if ((e->kind == RL_EXTERN_KFUNC ? k->fd_array[idx] : k->var_fds[idx]) != fd)
			close(fd);      /* the same module again: keep one fd */
	}
	return 0;
}

void rl_ksyms_release(struct rl_ksyms *k)
{
	for (uint32_t i = 1; i < k->nr_fds; i++)
		close(k->fd_array[i]);
	for (uint32_t i = 0; i < k->nr_var_fds; i++)
		close(k->var_fds[i]);
	free(k->targets);
	memset(k, 0, sizeof(*k));
}

int rl_externs_describe(const struct rl_object_spec *spec, char (*out)[RL_EXTERN_TEXT])
{
	struct rl_kconfig_value *kv = calloc(spec->nr_externs + 1, sizeof(*kv));
	uint8_t *value = NULL;
	struct rl_diag d = { "" };
	int kerr = -ENOENT;

	if (!kv)
		return -ENOMEM;
	if (spec->kconfig_map >= 0 && (value = calloc(1, spec->maps[spec->kconfig_map].value_size)))
		kerr = rl_externs_kconfig_value(spec, value, kv, false, &d);
	for (uint32_t i = 0; i < spec->nr_externs; i++) {
		const struct rl_extern *e = &spec->externs[i];
		struct rl_diag fd_d = { "" };
		char where[64];
		uint32_t id = 0;
		uint64_t addr = 0;
		int fd = -1, err;

		switch (e->kind) {
		case RL_EXTERN_KCONFIG:
			snprintf(out[i], RL_EXTERN_TEXT, "%s", kerr ? d.msg : kv[i].text);
			break;
		case RL_EXTERN_KSYM_TYPELESS:
			err = rl_kallsyms_lookup(e->name, &addr);
			if (!err && addr)
				snprintf(out[i], RL_EXTERN_TEXT, "ld_imm64 %#llx (/proc/kallsyms)",
					 (unsigned long long)addr);
			else
				snprintf(out[i], RL_EXTERN_TEXT, "%s", err ? (e->weak ? "0 (__weak, not in /proc/kallsyms)" :
					 "not in /proc/kallsyms: the load will fail") : "its /proc/kallsyms address (hidden: needs root)");
			break;
		case RL_EXTERN_KSYM:
		case RL_EXTERN_KFUNC:
			err = rl_kernel_btf_find(e->name, e->kind == RL_EXTERN_KFUNC ? BTF_KIND_FUNC : BTF_KIND_VAR,
						 &id, &fd, where, sizeof(where), &fd_d);
			if (fd >= 0)
				close(fd);
			if (!err)
				snprintf(out[i], RL_EXTERN_TEXT, "%s BTF %s [%u] -> %s", where,
					 e->kind == RL_EXTERN_KFUNC ? "FUNC" : "VAR", id,
					 e->kind == RL_EXTERN_KFUNC ? "call src_reg BPF_PSEUDO_KFUNC_CALL, imm = id"
								    : "ld_imm64 src_reg BPF_PSEUDO_BTF_ID, imm = id");
			else if (e->weak)
				snprintf(out[i], RL_EXTERN_TEXT, "absent (__weak): %s",
					 e->kind == RL_EXTERN_KFUNC ? "a poisoned call, its address 0" : "0");
			else
				snprintf(out[i], RL_EXTERN_TEXT, "%s", fd_d.msg);
			break;
		}
	}
	free(value);
	free(kv);
	return 0;
}
