/* sys_bpf.h - the bpf(2) system call, one small wrapper per command.
 *
 * Everything rawload asks of the BPF subsystem goes through these functions,
 * and sys_bpf.c is the only file in the tree that makes the system call.
 * The kernel's interface is a single entry point:
 *
 *     long bpf(int cmd, union bpf_attr *attr, unsigned int size);
 *
 * where `cmd` picks the operation and `attr` is a union with one struct per
 * command (see /usr/include/linux/bpf.h).  Each wrapper below fills the one
 * struct its command reads and nothing else.
 *
 * Conventions, the same for every function here:
 *   - the result is a file descriptor, 0, or a negative errno
 *     (never -1 with errno set);
 *   - every fd returned is >= 3 and close-on-exec;
 *   - an optional fd (btf_fd, inner_map_fd, prog_btf_fd) that is < 0 means
 *     "none"; required fds are passed as given (-1 gets EBADF);
 *   - nothing prints, nothing exits.
 *
 * Two hooks make the layer testable and teachable: an observer that sees
 * every call after it returned (the --explain mode decodes the attr there),
 * and fault injection that fails the Nth call without entering the kernel.
 * Neither is thread-safe; rawload is single-threaded.
 */
#ifndef RL_SYS_BPF_H
#define RL_SYS_BPF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/bpf.h>

/* ---- programs ------------------------------------------------------- */

struct rl_prog_load_opts {
	uint32_t prog_type;             /* enum bpf_prog_type */
	uint32_t expected_attach_type;  /* enum bpf_attach_type; 0 when the type needs none */
	uint32_t prog_flags;            /* BPF_F_XDP_HAS_FRAGS, BPF_F_SLEEPABLE, ... */
	uint32_t kern_version;          /* only kprobes on kernels < 5.0 ever checked it */
	const char *name;               /* truncated to 15 bytes; [A-Za-z0-9_.] only */
	const char *license;            /* "GPL" unlocks the GPL-only helpers */
	const struct bpf_insn *insns;
	uint32_t insn_cnt;
	uint32_t attach_btf_id;         /* tp_btf/fentry/lsm/iter: the hooked type in kernel BTF */
	int attach_btf_obj_fd;          /* that BTF when a module's; <= 0: vmlinux */
	const int *fd_array;            /* kfuncs in modules: BTF fds by call insn off; NULL: none */
	int prog_btf_fd;                /* BTF for func_info/line_info; < 0: none */
	const void *func_info;          /* struct bpf_func_info[] */
	uint32_t func_info_rec_size, func_info_cnt;
	const void *line_info;          /* struct bpf_line_info[] */
	uint32_t line_info_rec_size, line_info_cnt;
	char *log_buf;                  /* verifier log; NULL: no log */
	uint32_t log_size, log_level;   /* log_level 1: the verifier's walk, 2: every insn */
	uint32_t *log_true_size_out;    /* kernel >= 6.4: bytes the whole log needs (0 before) */
};

/* BPF_PROG_LOAD: run the verifier and, if it accepts, JIT the program. */
int rl_sys_prog_load(const struct rl_prog_load_opts *o);

struct rl_test_run_opts {
	int prog_fd;
	const void *data_in;            /* the packet; XDP needs >= 14 bytes (an Ethernet header) */
	uint32_t data_size_in;
	void *data_out;                 /* NULL: do not copy the packet back */
	uint32_t data_size_out;         /* in: capacity of data_out, out: bytes the program left */
	const void *ctx_in;             /* e.g. struct xdp_md, struct __sk_buff; NULL: default */
	uint32_t ctx_size_in;
	void *ctx_out;
	uint32_t ctx_size_out;          /* in: capacity, out: length */
	uint32_t repeat;                /* run this many times (0 means 1) */
	uint32_t flags;                 /* BPF_F_TEST_RUN_ON_CPU, BPF_F_TEST_XDP_LIVE_FRAMES */
	uint32_t cpu;
	uint32_t retval;                /* out: the program's return value (the verdict) */
	uint32_t duration;              /* out: mean run time in ns */
};

/* BPF_PROG_TEST_RUN: run a loaded program on a buffer, not on live traffic. */
int rl_sys_prog_test_run(struct rl_test_run_opts *o);

/* BPF_PROG_ATTACH / BPF_PROG_DETACH: the "old style" attachment that cgroups
 * and sockmaps use (XDP goes through netlink instead, see netlink/). */
int rl_sys_prog_attach(int prog_fd, int target_fd, uint32_t attach_type, uint32_t flags);
int rl_sys_prog_detach(int prog_fd, int target_fd, uint32_t attach_type);

/* BPF_PROG_QUERY: the ids of programs attached at (target, type).  *cnt is
 * the capacity of ids on entry and the number attached on return (the
 * kernel reports the full count and fails with ENOSPC when ids is short).
 * ids may be NULL with *cnt == 0 to ask only for the count. */
int rl_sys_prog_query(int target_fd, uint32_t attach_type, uint32_t *attach_flags,
		      uint32_t *ids, uint32_t *cnt);

/* ---- links ---------------------------------------------------------- */

/* BPF_LINK_CREATE: an attachment that is itself an object (an fd, a pin).
 * target is an fd (cgroup, perf event) or, for tcx, an ifindex. */
/* attach types: RL_BPF_TCX_INGRESS / EGRESS (object.h, Linux 6.6) */
#define RL_BPF_LINK_TYPE_TCX 11   /* enum bpf_link_type, Linux 6.6; newer than our UAPI headers */
struct rl_link_create_opts {
	int prog_fd;
	uint32_t target;
	uint32_t attach_type;
	uint32_t flags;
	uint64_t cookie;          /* BPF_PERF_EVENT: bpf_get_attach_cookie()'s value */
};
int rl_sys_link_create(const struct rl_link_create_opts *o);
/* BPF_RAW_TRACEPOINT_OPEN: attach a raw tracepoint program to `name`; the fd
 * returned is a link (bpf_raw_tp_link_attach). */
int rl_sys_raw_tp_open(const char *name, int prog_fd);
int rl_sys_link_get_next_id(uint32_t start, uint32_t *next);
/* BPF_TASK_FD_QUERY: the program behind fd `fd` of process `pid` - a perf
 * event with PERF_EVENT_IOC_SET_BPF or a raw tracepoint fd - its kind
 * (enum bpf_task_fd_type) and the tracepoint's name in name.  -ENOENT/-ENOTSUPP
 * when the fd holds none. */
int rl_sys_task_fd_query(int pid, int fd, uint32_t *prog_id, uint32_t *fd_type, char *name,
			 uint32_t name_len);
int rl_sys_link_get_fd_by_id(uint32_t id);
/* BPF_LINK_DETACH (Linux 5.9): cut the link from its hook now, whoever still
 * holds its fds and pins; the link object lives on, "defunct", until they go. */
int rl_sys_link_detach(int link_fd);

/* ---- maps ----------------------------------------------------------- */

struct rl_map_create_opts {
	uint32_t type;                  /* enum bpf_map_type */
	uint32_t key_size, value_size, max_entries;
	uint32_t map_flags;             /* BPF_F_NO_PREALLOC, BPF_F_RDONLY_PROG, BPF_F_NUMA_NODE ... */
	const char *name;               /* truncated to 15 bytes; [A-Za-z0-9_.] only */
	int btf_fd;                     /* < 0: no BTF */
	uint32_t btf_key_type_id, btf_value_type_id;
	int inner_map_fd;               /* map-in-map template; < 0: none */
	uint32_t numa_node;             /* read only with BPF_F_NUMA_NODE in map_flags */
	uint64_t map_extra;             /* bloom filter: number of hash functions */
};

int rl_sys_map_create(const struct rl_map_create_opts *o);
/* flags: BPF_ANY, BPF_NOEXIST, BPF_EXIST (BPF_F_LOCK for spin-locked values) */
int rl_sys_map_update(int fd, const void *key, const void *value, uint64_t flags);
int rl_sys_map_lookup(int fd, const void *key, void *value);
int rl_sys_map_delete(int fd, const void *key);
/* key NULL: the first key.  Returns -ENOENT after the last key. */
int rl_sys_map_get_next_key(int fd, const void *key, void *next_key);
/* After BPF_MAP_FREEZE user space can no longer write the map (.rodata). */
int rl_sys_map_freeze(int fd);

/* ---- BTF ------------------------------------------------------------ */

/* BPF_BTF_LOAD: hand the kernel a raw .BTF blob; log may be NULL (log_size 0). */
int rl_sys_btf_load(const void *raw, uint32_t size, char *log, uint32_t log_size,
		    uint32_t log_level);

/* ---- any object: pins, info, ids ------------------------------------ */

/* BPF_OBJ_PIN: make `path` (on a bpffs mount) hold a reference to fd's object. */
int rl_sys_obj_pin(int fd, const char *path);
/* BPF_OBJ_GET: a new fd for a pinned object; flags 0, BPF_F_RDONLY or BPF_F_WRONLY. */
int rl_sys_obj_get(const char *path, uint32_t flags);
/* BPF_OBJ_GET_INFO_BY_FD: info is a struct bpf_prog_info / bpf_map_info /
 * bpf_btf_info / bpf_link_info; *info_len is its size on entry and the bytes
 * the kernel filled on return (less when the kernel's struct is older). */
int rl_sys_obj_info(int fd, void *info, uint32_t *info_len);

/* BPF_{PROG,MAP,BTF}_GET_NEXT_ID: the smallest id > start; -ENOENT at the end.
 * Walk everything with: for (id = 0; !rl_sys_prog_get_next_id(id, &id); ) */
int rl_sys_prog_get_next_id(uint32_t start, uint32_t *next);
int rl_sys_map_get_next_id(uint32_t start, uint32_t *next);
int rl_sys_btf_get_next_id(uint32_t start, uint32_t *next);
/* BPF_{PROG,MAP,BTF}_GET_FD_BY_ID: a new fd for an id (CAP_SYS_ADMIN). */
int rl_sys_prog_get_fd_by_id(uint32_t id);
int rl_sys_map_get_fd_by_id(uint32_t id);
int rl_sys_btf_get_fd_by_id(uint32_t id);

/* ---- hooks ---------------------------------------------------------- */

/* "BPF_PROG_LOAD" for 5; "BPF_UNKNOWN" for a number this build cannot name. */
const char *rl_bpf_cmd_name(int cmd);

/* Called after every call (injected faults included) with the attr as the
 * kernel left it, so outputs such as test.retval or log_true_size are
 * visible.  result is what the wrapper returns (fd, 0 or -errno); err is the
 * positive errno, 0 on success. */
struct rl_sys_observer {
	void (*on_call)(void *ctx, int cmd, const union bpf_attr *attr, long result, int err);
	void *ctx;
};

/* Copies *o; NULL removes the observer. */
void rl_sys_set_observer(const struct rl_sys_observer *o);

/* Fail the nth call from now (1 = the next one) with -err, without entering
 * the kernel.  One shot: the fault disarms itself.  nth <= 0 or err == 0
 * disarms.
 * Binaries built with -DRL_FAULT_INJECTION also read RAWLOAD_FAULT="N:ERRNO"
 * (ERRNO as a number or a name such as EPERM) before their first call. */
void rl_sys_set_fault(int nth, int err);
/* true while the most recent call was failed by injection (for --explain) */
bool rl_sys_last_call_injected(void);

/* bpf(2) calls attempted since the process started, injected ones included. */
unsigned rl_sys_call_count(void);

#endif
