/* sys_bpf.c - the only door to the BPF subsystem: syscall(__NR_bpf, ...).
 *
 * One system call, many commands.  The third argument is a pointer to a
 * union; each command reads its own struct inside it:
 *
 *   union bpf_attr (144 bytes with the 6.1 UAPI header)
 *   +--------------------------------------------------------------+
 *   | BPF_MAP_CREATE: map_type key_size value_size max_entries ... |
 *   | BPF_MAP_*_ELEM: map_fd key value|next_key flags              |
 *   | BPF_PROG_LOAD:  prog_type insn_cnt insns license log_* ...   |
 *   | BPF_OBJ_*:      pathname bpf_fd file_flags                   |
 *   | ...             (overlaid: all start at offset 0)            |
 *   +--------------------------------------------------------------+
 *
 * How the kernel reads it (kernel/bpf/syscall.c, __sys_bpf):
 *   1. bpf_check_uarg_tail_zero(): if user space passes a bigger union than
 *      the kernel knows, the extra bytes must be zero (else E2BIG).  This is
 *      what lets a binary built with new headers run on an old kernel.
 *   2. copy min(size, sizeof(attr)) bytes; the kernel's own attr starts zeroed,
 *      so an old binary's shorter union reads as "new fields = 0".
 *   3. CHECK_ATTR(cmd): every byte after the command's last field
 *      (BPF_PROG_LOAD_LAST_FIELD etc.) must be zero, else EINVAL.
 * So each wrapper below starts from a zeroed union and fills only its own
 * fields: a leftover byte from another command would be an EINVAL that no
 * error message explains.  We always pass sizeof(union bpf_attr).
 *
 * Results: the raw syscall returns -1 and sets errno; sys_bpf() turns that
 * into -errno in exactly one place, so every caller can `return err;`.
 */
#include "sys_bpf.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define offsetofend(T, f) (offsetof(T, f) + sizeof(((T *)0)->f))

/* Fields newer than the 6.1 UAPI header this tree builds with.  Linux 6.4
 * appended an output field to two commands: the size the whole verifier
 * (or BTF) log needed, including the NUL.  The kernel writes it back only
 * when our size covers it; sizeof(union bpf_attr) does for both, so we read
 * the u32 at its offset instead of needing a newer header.  Older kernels
 * leave the zero we wrote. */
#define PROG_LOAD_LOG_TRUE_SIZE_OFF offsetofend(union bpf_attr, core_relo_rec_size)
#define BTF_LOAD_LOG_TRUE_SIZE_OFF  offsetofend(union bpf_attr, btf_log_level)
_Static_assert(PROG_LOAD_LOG_TRUE_SIZE_OFF + 4 <= sizeof(union bpf_attr),
	       "log_true_size must fit in the union we pass");

static struct {
	struct rl_sys_observer observer;
	unsigned calls;
	int fault_countdown;    /* > 0: the call that brings it to 0 fails */
	int fault_err;
	int signal_countdown;   /* > 0: raise fault_signal before that call (tests) */
	int fault_signal;
	bool signal_after;      /* raise it after that call returned instead */
	bool fault_env_read;
	bool last_injected;
} sys;

static uint64_t ptr_to_u64(const void *p)
{
	/* __aligned_u64 fields carry user pointers so that 32-bit processes
	 * and 64-bit kernels agree on the layout */
	return (uint64_t)(uintptr_t)p;
}

/* For *optional* fds (BTF, inner map): < 0 means "none" in our opts, and
 * the kernel spells "none" as 0 (which is why no BPF object may ever live at
 * fd 0: see fd_above_stdio).  Required fds (target, prog, map) are passed
 * as they are, so a -1 there is the kernel's EBADF, not a silent fd 0. */
static uint32_t fd_or_none(int fd)
{
	return fd > 0 ? (uint32_t)fd : 0;
}

static void copy_obj_name(char dst[BPF_OBJ_NAME_LEN], const char *src)
{
	/* bpf_obj_name_cpy() refuses a name without a NUL inside 16 bytes and
	 * any character outside [A-Za-z0-9_.]; we only truncate */
	if (src)
		strncpy(dst, src, BPF_OBJ_NAME_LEN - 1);
}

static bool cmd_returns_fd(int cmd)
{
	switch (cmd) {
	case BPF_MAP_CREATE: case BPF_PROG_LOAD: case BPF_OBJ_GET:
	case BPF_PROG_GET_FD_BY_ID: case BPF_MAP_GET_FD_BY_ID:
	case BPF_BTF_LOAD: case BPF_BTF_GET_FD_BY_ID: case BPF_RAW_TRACEPOINT_OPEN:
	case BPF_LINK_CREATE: case BPF_LINK_GET_FD_BY_ID: case BPF_ITER_CREATE:
	case BPF_ENABLE_STATS:
		return true;
	}
	return false;
}

/* The kernel hands out the lowest free fd.  If the process started with
 * stdin/stdout/stderr closed, a map could land on fd 0, 1 or 2 and then:
 *   - printf() would write into it;
 *   - worse, several attr fields use 0 for "no object" (attach_btf_obj_fd
 *     0 means vmlinux; fd_or_none() above spells "none" the same way), so
 *     an object at fd 0 could not be named in them at all.
 * Move such an fd to >= 3.  F_DUPFD_CLOEXEC keeps close-on-exec, which every
 * bpf fd already has: anon_inode_getfd(..., O_RDWR | O_CLOEXEC) in
 * bpf_prog_new_fd() and bpf_map_new_fd(), O_RDONLY | O_CLOEXEC in
 * btf_new_fd(), so a program we exec (iperf3 in the tests) inherits none. */
static long fd_above_stdio(long fd)
{
	int moved, err;

	if (fd > 2)
		return fd;
	moved = fcntl((int)fd, F_DUPFD_CLOEXEC, 3);
	err = errno;
	close((int)fd);
	return moved < 0 ? -err : moved;
}

#ifdef RL_FAULT_INJECTION
static int errno_by_name(const char *s)
{
	static const struct { const char *name; int err; } names[] = {
		{ "EPERM", EPERM }, { "ENOENT", ENOENT }, { "EINTR", EINTR }, { "EBADF", EBADF },
		{ "EAGAIN", EAGAIN }, { "ENOMEM", ENOMEM }, { "EACCES", EACCES },
		{ "EFAULT", EFAULT }, { "EBUSY", EBUSY }, { "EEXIST", EEXIST },
		{ "EINVAL", EINVAL }, { "EMFILE", EMFILE }, { "ENOSPC", ENOSPC },
		{ "E2BIG", E2BIG }, { "EOPNOTSUPP", EOPNOTSUPP },
	};
	char *end;
	long n = strtol(s, &end, 10);

	if (*s && !*end && n > 0)
		return (int)n;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name))
			return names[i].err;
	return 0;
}
#endif

/* RAWLOAD_FAULT="N:ERRNO" arms a fault before the first call.  Only test
 * builds honour it: a production binary must not fail on an env variable. */
static void read_fault_env(void)
{
	sys.fault_env_read = true;
#ifdef RL_FAULT_INJECTION
	const char *env = getenv("RAWLOAD_FAULT");
	const char *colon = env ? strchr(env, ':') : NULL;
	int err;

	if (!colon)
		return;
	/* "N:SIGINT" / "N:SIGTERM" / "N:SIGPIPE": the Nth call goes through,
	 * but the signal arrives just before it - for the rollback-on-signal
	 * tests.  "N:SIGKILL" dies just before the Nth call, "N:SIGKILL+" just
	 * after it returned: the crash-safety walks (no handler runs). */
	static const struct { const char *name; int sig; bool after; } sigs[] = {
		{ "SIGINT", SIGINT, false }, { "SIGTERM", SIGTERM, false },
		{ "SIGPIPE", SIGPIPE, false }, { "SIGKILL", SIGKILL, false },
		{ "SIGKILL+", SIGKILL, true },
	};
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		if (strcmp(colon + 1, sigs[i].name))
			continue;
		sys.signal_countdown = atoi(env) > 0 ? atoi(env) : 0;
		sys.fault_signal = sigs[i].sig;
		sys.signal_after = sigs[i].after;
		return;
	}
	err = errno_by_name(colon + 1);
	if (err)
		rl_sys_set_fault(atoi(env), err);
#endif
}

/* THE call.  Every wrapper ends here, which gives one place to
 *   - inject faults (tests),
 *   - convert -1/errno into -errno,
 *   - keep fds off 0..2,
 *   - let --explain watch (the observer sees the attr after the kernel
 *     wrote its outputs into it). */
static long sys_bpf(int cmd, union bpf_attr *a, unsigned size)
{
	long r;

	if (!sys.fault_env_read)
		read_fault_env();
	sys.calls++;
	sys.last_injected = false;
	if (sys.signal_countdown > 0 && --sys.signal_countdown == 0 && !sys.signal_after)
		raise(sys.fault_signal); /* the call below still goes through */
	if (sys.fault_countdown > 0 && --sys.fault_countdown == 0) {
		sys.last_injected = true;
		r = -sys.fault_err;
	} else {
		r = syscall(__NR_bpf, cmd, a, size);
		if (r < 0)
			r = -errno;             /* the one conversion */
		else if (cmd_returns_fd(cmd))
			r = fd_above_stdio(r);
	}
	if (sys.observer.on_call)
		sys.observer.on_call(sys.observer.ctx, cmd, a, r, r < 0 ? (int)-r : 0);
	if (sys.signal_after && sys.signal_countdown == 0 && sys.fault_signal) {
		sys.signal_after = false;
		raise(sys.fault_signal); /* the call is done; the process dies now */
	}
	return r;
}

#define SYS_BPF(cmd, attr) ((int)sys_bpf((cmd), (attr), sizeof(*(attr))))

/* ---- programs ------------------------------------------------------- */

int rl_sys_prog_load(const struct rl_prog_load_opts *o)
{
	union bpf_attr a;
	uint32_t true_size;
	int r;

	memset(&a, 0, sizeof(a));
	a.prog_type = o->prog_type;
	a.expected_attach_type = o->expected_attach_type;
	a.prog_flags = o->prog_flags;
	a.kern_version = o->kern_version;
	copy_obj_name(a.prog_name, o->name);
	a.license = ptr_to_u64(o->license ? o->license : "");
	a.insns = ptr_to_u64(o->insns);
	a.insn_cnt = o->insn_cnt;
	a.attach_btf_id = o->attach_btf_id;
	if (o->attach_btf_obj_fd > 0)
		a.attach_btf_obj_fd = (uint32_t)o->attach_btf_obj_fd;
	a.fd_array = ptr_to_u64(o->fd_array);
	/* BTF is read only when func_info or line_info is given
	 * (check_btf_info() returns early otherwise) */
	a.prog_btf_fd = fd_or_none(o->prog_btf_fd);
	if (o->func_info_cnt) {
		a.func_info = ptr_to_u64(o->func_info);
		a.func_info_rec_size = o->func_info_rec_size;
		a.func_info_cnt = o->func_info_cnt;
	}
	if (o->line_info_cnt) {
		a.line_info = ptr_to_u64(o->line_info);
		a.line_info_rec_size = o->line_info_rec_size;
		a.line_info_cnt = o->line_info_cnt;
	}
	/* a log level without a buffer is EINVAL (bpf_vlog_init), so both or neither */
	if (o->log_buf && o->log_size) {
		a.log_buf = ptr_to_u64(o->log_buf);
		a.log_size = o->log_size;
		a.log_level = o->log_level;
		o->log_buf[0] = '\0';
	}
	r = SYS_BPF(BPF_PROG_LOAD, &a);
	if (o->log_true_size_out) {
		memcpy(&true_size, (const char *)&a + PROG_LOAD_LOG_TRUE_SIZE_OFF, sizeof(true_size));
		*o->log_true_size_out = true_size;
	}
	return r;
}

int rl_sys_prog_test_run(struct rl_test_run_opts *o)
{
	union bpf_attr a;
	int r;

	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (uint32_t)o->prog_fd;
	a.test.data_in = ptr_to_u64(o->data_in);
	a.test.data_size_in = o->data_size_in;
	a.test.data_out = ptr_to_u64(o->data_out);
	a.test.data_size_out = o->data_out ? o->data_size_out : 0;
	a.test.ctx_in = ptr_to_u64(o->ctx_in);
	a.test.ctx_size_in = o->ctx_size_in;
	a.test.ctx_out = ptr_to_u64(o->ctx_out);
	a.test.ctx_size_out = o->ctx_out ? o->ctx_size_out : 0;
	a.test.repeat = o->repeat;
	a.test.flags = o->flags;
	a.test.cpu = o->cpu;
	r = SYS_BPF(BPF_PROG_TEST_RUN, &a);
	/* also on ENOSPC (data_out too small): the kernel copied what fitted
	 * and still reports the full size and the verdict */
	if (r == 0 || r == -ENOSPC) {
		o->retval = a.test.retval;
		o->duration = a.test.duration;
		o->data_size_out = a.test.data_size_out;
		o->ctx_size_out = a.test.ctx_size_out;
	}
	return r;
}

int rl_sys_prog_attach(int prog_fd, int target_fd, uint32_t attach_type, uint32_t flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)target_fd;
	a.attach_bpf_fd = (uint32_t)prog_fd;
	a.attach_type = attach_type;
	a.attach_flags = flags;
	return SYS_BPF(BPF_PROG_ATTACH, &a);
}

int rl_sys_prog_detach(int prog_fd, int target_fd, uint32_t attach_type)
{
	union bpf_attr a;

	/* With BPF_F_ALLOW_MULTI several programs share one hook, so the
	 * kernel needs attach_bpf_fd to know which one to take off
	 * (__cgroup_bpf_detach); sockmap detach needs it too. */
	memset(&a, 0, sizeof(a));
	a.target_fd = (uint32_t)target_fd;
	a.attach_bpf_fd = (uint32_t)prog_fd;
	a.attach_type = attach_type;
	return SYS_BPF(BPF_PROG_DETACH, &a);
}

int rl_sys_prog_query(int target_fd, uint32_t attach_type, uint32_t *attach_flags,
		      uint32_t *ids, uint32_t *cnt)
{
	union bpf_attr a;
	int r;

	memset(&a, 0, sizeof(a));
	a.query.target_fd = (uint32_t)target_fd;
	a.query.attach_type = attach_type;
	a.query.prog_ids = ptr_to_u64(ids);
	a.query.prog_cnt = ids && cnt ? *cnt : 0;
	r = SYS_BPF(BPF_PROG_QUERY, &a);
	if (r == 0 || r == -ENOSPC) {
		if (cnt)
			*cnt = a.query.prog_cnt;
		if (attach_flags)
			*attach_flags = a.query.attach_flags;
	}
	return r;
}

/* ---- links ---------------------------------------------------------- */

int rl_sys_link_create(const struct rl_link_create_opts *o)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = (uint32_t)o->prog_fd;
	/* one union: target_fd (a cgroup, a perf event) or target_ifindex (tcx) */
	a.link_create.target_fd = o->target;
	a.link_create.attach_type = o->attach_type;
	a.link_create.flags = o->flags;
	/* perf_event.bpf_cookie: the first member of the per-type union, where
	 * tcx keeps relative_fd and expected_revision: 0 means none for both */
	a.link_create.perf_event.bpf_cookie = o->cookie;
	return SYS_BPF(BPF_LINK_CREATE, &a);
}

int rl_sys_raw_tp_open(const char *name, int prog_fd)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.raw_tracepoint.name = ptr_to_u64(name);
	a.raw_tracepoint.prog_fd = (uint32_t)prog_fd;
	return SYS_BPF(BPF_RAW_TRACEPOINT_OPEN, &a);
}

int rl_sys_task_fd_query(int pid, int fd, uint32_t *prog_id, uint32_t *fd_type, char *name,
			 uint32_t name_len)
{
	union bpf_attr a;
	int r;

	memset(&a, 0, sizeof(a));
	a.task_fd_query.pid = (uint32_t)pid;
	a.task_fd_query.fd = (uint32_t)fd;
	a.task_fd_query.buf = ptr_to_u64(name);
	a.task_fd_query.buf_len = name ? name_len : 0;
	r = SYS_BPF(BPF_TASK_FD_QUERY, &a);
	if (r == 0) {
		*prog_id = a.task_fd_query.prog_id;
		*fd_type = a.task_fd_query.fd_type;
	}
	return r;
}

int rl_sys_link_get_fd_by_id(uint32_t id)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.link_id = id;
	return SYS_BPF(BPF_LINK_GET_FD_BY_ID, &a);
}

int rl_sys_link_detach(int link_fd)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.link_detach.link_fd = (uint32_t)link_fd;
	return SYS_BPF(BPF_LINK_DETACH, &a);
}

/* ---- maps ----------------------------------------------------------- */

int rl_sys_map_create(const struct rl_map_create_opts *o)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_type = o->type;
	a.key_size = o->key_size;
	a.value_size = o->value_size;
	a.max_entries = o->max_entries;
	a.map_flags = o->map_flags;
	copy_obj_name(a.map_name, o->name);
	/* map_create() looks at btf_fd only when a type id is non-zero */
	if (o->btf_fd > 0 && (o->btf_key_type_id || o->btf_value_type_id)) {
		a.btf_fd = (uint32_t)o->btf_fd;
		a.btf_key_type_id = o->btf_key_type_id;
		a.btf_value_type_id = o->btf_value_type_id;
	}
	a.inner_map_fd = fd_or_none(o->inner_map_fd);
	a.numa_node = o->numa_node;
	a.map_extra = o->map_extra;
	return SYS_BPF(BPF_MAP_CREATE, &a);
}

static int map_elem(int cmd, int fd, const void *key, const void *value, uint64_t flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	a.key = ptr_to_u64(key);
	a.value = ptr_to_u64(value);    /* same slot as next_key */
	a.flags = flags;
	return SYS_BPF(cmd, &a);
}

int rl_sys_map_update(int fd, const void *key, const void *value, uint64_t flags)
{
	return map_elem(BPF_MAP_UPDATE_ELEM, fd, key, value, flags);
}

int rl_sys_map_lookup(int fd, const void *key, void *value)
{
	/* per-CPU maps: value must hold value_size rounded up to 8, times the
	 * number of possible CPUs */
	return map_elem(BPF_MAP_LOOKUP_ELEM, fd, key, value, 0);
}

int rl_sys_map_delete(int fd, const void *key)
{
	return map_elem(BPF_MAP_DELETE_ELEM, fd, key, NULL, 0);
}

int rl_sys_map_get_next_key(int fd, const void *key, void *next_key)
{
	return map_elem(BPF_MAP_GET_NEXT_KEY, fd, key, next_key, 0);
}

int rl_sys_map_freeze(int fd)
{
	union bpf_attr a;

	/* Freezing fails with EBUSY while a writable mmap() exists, and it
	 * only stops *user space*: programs can still write unless the map
	 * was also created with BPF_F_RDONLY_PROG. */
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)fd;
	return SYS_BPF(BPF_MAP_FREEZE, &a);
}

/* ---- BTF ------------------------------------------------------------ */

int rl_sys_btf_load(const void *raw, uint32_t size, char *log, uint32_t log_size,
		    uint32_t log_level)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.btf = ptr_to_u64(raw);
	a.btf_size = size;
	if (log && log_size) {
		a.btf_log_buf = ptr_to_u64(log);
		a.btf_log_size = log_size;
		a.btf_log_level = log_level;
		log[0] = '\0';
	}
	return SYS_BPF(BPF_BTF_LOAD, &a);
}

/* ---- pins, info, ids ------------------------------------------------ */

int rl_sys_obj_pin(int fd, const char *path)
{
	union bpf_attr a;

	/* bpf_obj_pin_user() creates an inode in bpffs that holds one
	 * reference; unlink(2) of the path drops it again */
	memset(&a, 0, sizeof(a));
	a.pathname = ptr_to_u64(path);
	a.bpf_fd = (uint32_t)fd;
	return SYS_BPF(BPF_OBJ_PIN, &a);
}

int rl_sys_obj_get(const char *path, uint32_t flags)
{
	union bpf_attr a;

	memset(&a, 0, sizeof(a));
	a.pathname = ptr_to_u64(path);
	a.file_flags = flags;
	return SYS_BPF(BPF_OBJ_GET, &a);
}

int rl_sys_obj_info(int fd, void *info, uint32_t *info_len)
{
	union bpf_attr a;
	int r;

	memset(&a, 0, sizeof(a));
	a.info.bpf_fd = (uint32_t)fd;
	a.info.info_len = *info_len;
	a.info.info = ptr_to_u64(info);
	r = SYS_BPF(BPF_OBJ_GET_INFO_BY_FD, &a);
	if (r == 0)
		*info_len = a.info.info_len;
	return r;
}

static int get_next_id(int cmd, uint32_t start, uint32_t *next)
{
	union bpf_attr a;
	int r;

	memset(&a, 0, sizeof(a));
	a.start_id = start;
	r = SYS_BPF(cmd, &a);
	if (r == 0)
		*next = a.next_id;
	return r;
}

int rl_sys_prog_get_next_id(uint32_t start, uint32_t *next)
{
	return get_next_id(BPF_PROG_GET_NEXT_ID, start, next);
}

int rl_sys_map_get_next_id(uint32_t start, uint32_t *next)
{
	return get_next_id(BPF_MAP_GET_NEXT_ID, start, next);
}

int rl_sys_btf_get_next_id(uint32_t start, uint32_t *next)
{
	return get_next_id(BPF_BTF_GET_NEXT_ID, start, next);
}

int rl_sys_link_get_next_id(uint32_t start, uint32_t *next)
{
	return get_next_id(BPF_LINK_GET_NEXT_ID, start, next);
}

static int get_fd_by_id(int cmd, uint32_t id)
{
	union bpf_attr a;

	/* prog_id, map_id and btf_id share one slot (start_id) */
	memset(&a, 0, sizeof(a));
	a.prog_id = id;
	return SYS_BPF(cmd, &a);
}

int rl_sys_prog_get_fd_by_id(uint32_t id)
{
	return get_fd_by_id(BPF_PROG_GET_FD_BY_ID, id);
}

int rl_sys_map_get_fd_by_id(uint32_t id)
{
	return get_fd_by_id(BPF_MAP_GET_FD_BY_ID, id);
}

int rl_sys_btf_get_fd_by_id(uint32_t id)
{
	return get_fd_by_id(BPF_BTF_GET_FD_BY_ID, id);
}

/* ---- hooks ---------------------------------------------------------- */

const char *rl_bpf_cmd_name(int cmd)
{
#define N(c) [c] = #c
	static const char *const names[] = {
		N(BPF_MAP_CREATE), N(BPF_MAP_LOOKUP_ELEM), N(BPF_MAP_UPDATE_ELEM),
		N(BPF_MAP_DELETE_ELEM), N(BPF_MAP_GET_NEXT_KEY), N(BPF_PROG_LOAD),
		N(BPF_OBJ_PIN), N(BPF_OBJ_GET), N(BPF_PROG_ATTACH), N(BPF_PROG_DETACH),
		N(BPF_PROG_TEST_RUN), N(BPF_PROG_GET_NEXT_ID), N(BPF_MAP_GET_NEXT_ID),
		N(BPF_PROG_GET_FD_BY_ID), N(BPF_MAP_GET_FD_BY_ID), N(BPF_OBJ_GET_INFO_BY_FD),
		N(BPF_PROG_QUERY), N(BPF_RAW_TRACEPOINT_OPEN), N(BPF_BTF_LOAD),
		N(BPF_BTF_GET_FD_BY_ID), N(BPF_TASK_FD_QUERY), N(BPF_MAP_LOOKUP_AND_DELETE_ELEM),
		N(BPF_MAP_FREEZE), N(BPF_BTF_GET_NEXT_ID), N(BPF_MAP_LOOKUP_BATCH),
		N(BPF_MAP_LOOKUP_AND_DELETE_BATCH), N(BPF_MAP_UPDATE_BATCH),
		N(BPF_MAP_DELETE_BATCH), N(BPF_LINK_CREATE), N(BPF_LINK_UPDATE),
		N(BPF_LINK_GET_FD_BY_ID), N(BPF_LINK_GET_NEXT_ID), N(BPF_ENABLE_STATS),
		N(BPF_ITER_CREATE), N(BPF_LINK_DETACH), N(BPF_PROG_BIND_MAP),
	};
#undef N
	if (cmd < 0 || (size_t)cmd >= sizeof(names) / sizeof(names[0]) || !names[cmd])
		return "BPF_UNKNOWN";
	return names[cmd];
}

void rl_sys_set_observer(const struct rl_sys_observer *o)
{
	if (o)
		sys.observer = *o;
	else
		memset(&sys.observer, 0, sizeof(sys.observer));
}

void rl_sys_set_fault(int nth, int err)
{
	sys.fault_env_read = true;      /* an explicit call wins over the env */
	sys.fault_countdown = nth > 0 && err ? nth : 0;
	sys.fault_err = err < 0 ? -err : err;
}

bool rl_sys_last_call_injected(void)
{
	return sys.last_injected;
}

unsigned rl_sys_call_count(void)
{
	return sys.calls;
}
