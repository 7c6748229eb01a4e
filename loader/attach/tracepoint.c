/* tracepoint.c - tracefs ids, perf_event_open and its ioctls for
 * tracepoint programs (see tracepoint.h).
 */
#include "tracepoint.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

static bool take(const char *s, const char *prefix, const char **rest)
{
	size_t n = strlen(prefix);

	if (strncmp(s, prefix, n))
		return false;
	*rest = s + n;
	return true;
}

bool rl_tp_parse_section(const char *sec, struct rl_tp_target *t)
{
	const char *rest, *slash;

	memset(t, 0, sizeof(*t));
	if (take(sec, "raw_tracepoint/", &rest) || take(sec, "raw_tp/", &rest)) {
		t->kind = RL_TP_RAW;
		if (!*rest || strlen(rest) >= sizeof(t->name) || strchr(rest, '/'))
			return false;
		snprintf(t->name, sizeof(t->name), "%s", rest);
		return true;
	}
	if (!take(sec, "tracepoint/", &rest) && !take(sec, "tp/", &rest))
		return false;
	t->kind = RL_TP_TRACEPOINT;
	slash = strchr(rest, '/');
	if (!slash || slash == rest || !slash[1] || strchr(slash + 1, '/') ||
	    (size_t)(slash - rest) >= sizeof(t->cat) || strlen(slash + 1) >= sizeof(t->name))
		return false;
	snprintf(t->cat, sizeof(t->cat), "%.*s", (int)(slash - rest), rest);
	snprintf(t->name, sizeof(t->name), "%s", slash + 1);
	return true;
}

static bool has_events(const char *dir)
{
	char p[PATH_MAX];
	struct stat st;

	snprintf(p, sizeof(p), "%s/events", dir);
	return !stat(p, &st) && S_ISDIR(st.st_mode);
}

int rl_tracefs_dir(char out[PATH_MAX], bool *mounted, struct rl_diag *d)
{
	static const char *const dirs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

	*mounted = false;
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		if (has_events(dirs[i])) {
			snprintf(out, PATH_MAX, "%s", dirs[i]);
			return 0;
		}
	}
	/* the kernel creates /sys/kernel/tracing as an empty mount point */
	if (mount("tracefs", dirs[0], "tracefs", 0, NULL))
		return rl_err(d, errno, "no tracefs mounted and mount -t tracefs %s failed: %s", dirs[0],
			      strerror(errno));
	*mounted = true;
	snprintf(out, PATH_MAX, "%s", dirs[0]);
	return 0;
}

int rl_tp_id(const char *cat, const char *name, uint32_t *id, struct rl_diag *d)
{
	char dir[PATH_MAX], path[PATH_MAX + 300], buf[32];
	bool mounted;
	ssize_t n;
	int fd, err;

	err = rl_tracefs_dir(dir, &mounted, d);
	if (err)
		return err;
	snprintf(path, sizeof(path), "%s/events/%s/%s/id", dir, cat, name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return rl_err(d, ENOENT, "no tracepoint %s/%s (see %s/events/%s/)", cat, name, dir, cat);
	if (fd < 0)
		return rl_err(d, errno, "%s: %s", path, strerror(errno));
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return rl_err(d, EIO, "%s: cannot read the id", path);
	buf[n] = '\0';
	*id = (uint32_t)strtoul(buf, NULL, 10);
	return *id ? 0 : rl_err(d, EIO, "%s: id '%s' is not a number", path, buf);
}

int rl_tp_perf_open(uint32_t id, struct rl_diag *d)
{
	struct perf_event_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.type = PERF_TYPE_TRACEPOINT;
	a.size = sizeof(a);
	a.config = id;
	a.sample_period = 1;      /* every hit: the BPF program decides what to keep */
	a.wakeup_events = 1;
	/* pid -1, cpu 0: every task on CPU 0 - and the program runs on every
	 * CPU anyway (perf_event_attach_bpf_prog: the tracepoint's prog_array) */
	fd = (int)syscall(__NR_perf_event_open, &a, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0)
		return rl_err(d, errno, "perf_event_open(PERF_TYPE_TRACEPOINT, id %u): %s%s", id,
			      strerror(errno), errno == EACCES || errno == EPERM ?
			      " (needs CAP_PERFMON or root; see kernel.perf_event_paranoid)" : "");
	return fd;
}

int rl_tp_perf_set_bpf(int perf_fd, int prog_fd, struct rl_diag *d)
{
	if (ioctl(perf_fd, PERF_EVENT_IOC_SET_BPF, prog_fd))
		return rl_err(d, errno, "ioctl(PERF_EVENT_IOC_SET_BPF): %s%s", strerror(errno),
			      errno == EINVAL ? " (the program is not a tracepoint program?)" :
			      errno == EEXIST ? " (this perf event has a program already)" : "");
	if (ioctl(perf_fd, PERF_EVENT_IOC_ENABLE, 0))
		return rl_err(d, errno, "ioctl(PERF_EVENT_IOC_ENABLE): %s", strerror(errno));
	return 0;
}

const char *rl_tp_kernel_path(enum rl_tp_kind kind, bool link)
{
	if (kind == RL_TP_RAW)
		return "bpf(BPF_RAW_TRACEPOINT_OPEN) -> bpf_raw_tracepoint_open -> bpf_raw_tp_link_attach -> "
		       "bpf_get_raw_tracepoint -> bpf_probe_register (the program is called from the "
		       "tracepoint's __bpf_trace_* stub)";
	if (link)
		return "perf_event_open -> perf_init_event -> perf_tp_event_init; bpf(BPF_LINK_CREATE, "
		       "BPF_PERF_EVENT) -> bpf_perf_link_attach -> perf_event_set_bpf_prog -> "
		       "perf_event_attach_bpf_prog (the tracepoint's prog_array) -> trace_call_bpf";
	return "perf_event_open -> perf_init_event -> perf_tp_event_init; ioctl(PERF_EVENT_IOC_SET_BPF) -> "
	       "_perf_ioctl -> perf_event_set_bpf_prog -> perf_event_attach_bpf_prog (the tracepoint's "
	       "prog_array) -> trace_call_bpf on every hit";
}
