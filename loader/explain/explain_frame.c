/* explain_frame.c - the field printers every bpf(2) explanation shares:
 * one "  name   value" line, an fd with what it refers to, bytes as hex,
 * attach-type names and flag words spelled out bit by bit.
 *
 * Below both explain_bpf.c (calls that create objects) and explain_bpf_obj.c
 * (calls that use them), so neither needs the other for its frame.
 */
#include "explain_bpf_internal.h"
#include "kpath.h"
#include "object.h"     /* rl_attach_type_name */

#include <inttypes.h>
#include <stdarg.h>
#include <string.h>

void ex_field(struct ex *x, const char *name, const char *fmt, ...)
{
	va_list ap;

	rl_tb_printf(&x->b, "  %-*s ", EX_NAME_W, name);
	va_start(ap, fmt);
	rl_tb_vprintf(&x->b, fmt, ap);
	va_end(ap);
	rl_tb_printf(&x->b, "\n");
}

void ex_path(struct ex *x, const char *tree, const char *stop_fn, const char *why)
{
	ex_field(x, "kernel path", "%s", RL_KPATH_TITLE);
	rl_kpath_render(&x->b, "                     ", tree, stop_fn, why);
}

void ex_fd_text(const struct ex *x, int fd, char *out, size_t outlen)
{
	char what[160];

	if (x->fds && x->fds->describe_fd && x->fds->describe_fd(x->fds->ctx, fd, what, sizeof(what)))
		snprintf(out, outlen, "fd %d = %s", fd, what);
	else
		snprintf(out, outlen, "fd %d", fd);
}

void ex_fd_field(struct ex *x, const char *name, uint32_t fd)
{
	char text[200];

	ex_fd_text(x, (int)fd, text, sizeof(text));
	ex_field(x, name, "%s", text);
}

void ex_hex_field(struct ex *x, const char *name, uint64_t uptr, uint32_t n)
{
	const uint8_t *p = (const uint8_t *)(uintptr_t)uptr;
	char hex[32 * 3 + 1] = "";
	uint32_t shown = n < 32 ? n : 32;

	if (!p) {
		ex_field(x, name, "(none)");
		return;
	}
	for (uint32_t i = 0; i < shown; i++)
		snprintf(hex + 3 * i, sizeof(hex) - 3 * i, "%02x ", p[i]);
	if (shown)
		hex[3 * shown - 1] = '\0';
	ex_field(x, name, "%s%s (%" PRIu32 " bytes)", hex, shown < n ? " ..." : "", n);
}

const char *ex_attach_name(uint32_t type, char *buf, size_t len)
{
	const char *n = rl_attach_type_name(type);

	if (!strcmp(n, "unknown"))
		snprintf(buf, len, "attach type %" PRIu32, type);
	else
		snprintf(buf, len, "BPF_%s", n);
	return buf;
}

const char *ex_user_str(uint64_t uptr, size_t max, size_t *len)
{
	const char *s = (const char *)(uintptr_t)uptr;

	*len = s ? strnlen(s, max) : 0;
	return s;
}

/* A table-driven "A|B|0x40" for flag words. */
struct flag_name { uint32_t bit; const char *name; };

static size_t flags_text(char *out, size_t outlen, uint32_t flags, const struct flag_name *t)
{
	struct rl_textbuf b;
	const char *sep = "";

	rl_tb_init(&b, out, outlen);
	if (!flags) {
		rl_tb_printf(&b, "0");
		return b.len;
	}
	for (; t->name; t++) {
		if (flags & t->bit) {
			rl_tb_printf(&b, "%s%s", sep, t->name);
			flags &= ~t->bit;
			sep = "|";
		}
	}
	if (flags)
		rl_tb_printf(&b, "%s%#" PRIx32, sep, flags);
	return b.len;
}

size_t rl_explain_attach_flags(char *out, size_t outlen, uint32_t flags)
{
	static const struct flag_name t[] = {
		{ 1u << 0, "BPF_F_ALLOW_OVERRIDE" }, { 1u << 1, "BPF_F_ALLOW_MULTI" },
		{ 1u << 2, "BPF_F_REPLACE" }, { 1u << 3, "BPF_F_BEFORE" }, { 1u << 4, "BPF_F_AFTER" },
		{ 1u << 5, "BPF_F_ID" }, { 1u << 6, "BPF_F_PREORDER" }, { 0, NULL },
	};
	return flags_text(out, outlen, flags, t);
}

size_t rl_explain_map_flags(char *out, size_t outlen, uint32_t flags)
{
	static const struct flag_name t[] = {
		{ BPF_F_NO_PREALLOC, "BPF_F_NO_PREALLOC" }, { BPF_F_NO_COMMON_LRU, "BPF_F_NO_COMMON_LRU" },
		{ BPF_F_NUMA_NODE, "BPF_F_NUMA_NODE" }, { BPF_F_RDONLY, "BPF_F_RDONLY" },
		{ BPF_F_WRONLY, "BPF_F_WRONLY" }, { BPF_F_STACK_BUILD_ID, "BPF_F_STACK_BUILD_ID" },
		{ BPF_F_ZERO_SEED, "BPF_F_ZERO_SEED" }, { BPF_F_RDONLY_PROG, "BPF_F_RDONLY_PROG" },
		{ BPF_F_WRONLY_PROG, "BPF_F_WRONLY_PROG" }, { BPF_F_CLONE, "BPF_F_CLONE" },
		{ BPF_F_MMAPABLE, "BPF_F_MMAPABLE" }, { BPF_F_PRESERVE_ELEMS, "BPF_F_PRESERVE_ELEMS" },
		{ BPF_F_INNER_MAP, "BPF_F_INNER_MAP" }, { 0, NULL },
	};
	return flags_text(out, outlen, flags, t);
}

size_t ex_prog_flags_text(char *out, size_t outlen, uint32_t flags)
{
	static const struct flag_name t[] = {
		{ BPF_F_STRICT_ALIGNMENT, "BPF_F_STRICT_ALIGNMENT" },
		{ BPF_F_ANY_ALIGNMENT, "BPF_F_ANY_ALIGNMENT" }, { BPF_F_TEST_RND_HI32, "BPF_F_TEST_RND_HI32" },
		{ BPF_F_TEST_STATE_FREQ, "BPF_F_TEST_STATE_FREQ" }, { BPF_F_SLEEPABLE, "BPF_F_SLEEPABLE" },
		{ BPF_F_XDP_HAS_FRAGS, "BPF_F_XDP_HAS_FRAGS" },
		{ 1u << 6, "BPF_F_XDP_DEV_BOUND_ONLY" }, { 0, NULL },
	};
	return flags_text(out, outlen, flags, t);
}

