/* explain_bpf_internal.h - shared by explain_bpf.c (objects being created:
 * programs, maps, BTF), explain_bpf_obj.c (everything done to them
 * afterwards: elements, pins, attachments, queries, ids) and explain_frame.c
 * (the field printers both use).  Not an API. */
#ifndef RL_EXPLAIN_BPF_INTERNAL_H
#define RL_EXPLAIN_BPF_INTERNAL_H

#include "explain_bpf.h"
#include "textbuf.h"

struct ex {
	struct rl_textbuf b;
	const struct rl_explain_fd_ops *fds;   /* may be NULL */
};

#define EX_NAME_W 16   /* width of the field-name column */

/* explain_frame.c: "  name             value\n" */
void ex_field(struct ex *x, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* "kernel path" and its tree (kpath.h), cut at stop_fn when refused */
void ex_path(struct ex *x, const char *tree, const char *stop_fn, const char *why);
/* "fd 7 = prog id 57" (or "fd 7" when nobody can tell) into out */
void ex_fd_text(const struct ex *x, int fd, char *out, size_t outlen);
/* a field holding an fd */
void ex_fd_field(struct ex *x, const char *name, uint32_t fd);
/* bytes of our own memory as hex, at most 32 shown */
void ex_hex_field(struct ex *x, const char *name, uint64_t uptr, uint32_t n);
/* "BPF_CGROUP_SOCK_OPS" into buf (or "attach type 99") */
const char *ex_attach_name(uint32_t type, char *buf, size_t len);
/* a NUL-terminated string in our memory, at most max bytes looked at */
const char *ex_user_str(uint64_t uptr, size_t max, size_t *len);

/* BPF_F_* program flags as "A|B" */
size_t ex_prog_flags_text(char *out, size_t outlen, uint32_t flags);

/* explain_bpf_obj.c: one function per family of commands */
void ex_map_elem(struct ex *x, int cmd, const union bpf_attr *a, long result);
void ex_map_freeze(struct ex *x, const union bpf_attr *a);
void ex_obj_pin_get(struct ex *x, int cmd, const union bpf_attr *a, long result);
void ex_prog_attach(struct ex *x, int cmd, const union bpf_attr *a, long result);
void ex_prog_query(struct ex *x, const union bpf_attr *a, long result);
void ex_test_run(struct ex *x, const union bpf_attr *a, long result);
void ex_info_by_fd(struct ex *x, const union bpf_attr *a, long result);
void ex_by_id(struct ex *x, int cmd, const union bpf_attr *a, long result);
/* explain_link.c: BPF_LINK_CREATE / BPF_LINK_DETACH (XDP, cgroup, sockmap) */
void ex_link_create(struct ex *x, const union bpf_attr *a, long result);
void ex_link_detach(struct ex *x, const union bpf_attr *a, long result);
/* the kernel path of those commands; map_type (or UINT32_MAX if unknown)
 * refines MAP_UPDATE_ELEM */
const char *ex_obj_path(int cmd, const union bpf_attr *a, uint32_t map_type);

#endif
