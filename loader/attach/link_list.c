/* link_list.c - enumerate and decode BPF links (see link_list.h for the
 * layout).  Kernel interfaces: BPF_LINK_GET_NEXT_ID, BPF_LINK_GET_FD_BY_ID,
 * BPF_OBJ_GET_INFO_BY_FD, all through loader/kernel/sys_bpf.c.
 */
#include "link_list.h"
#include "cgroup.h"
#include "sys_bpf.h"

#include <errno.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define INFO_MAX 256      /* bytes: bpf_link_info is 96 on 6.18; the rest stays zero */

const char *rl_link_type_name(uint32_t type)
{
	static const char *const names[] = {
		"unspec", "raw_tracepoint", "tracing", "cgroup", "iter", "netns", "xdp",
		"perf_event", "kprobe_multi", "struct_ops", "netfilter", "tcx", "uprobe_multi",
		"netkit", "sockmap",
	};

	return type < sizeof(names) / sizeof(names[0]) ? names[type] : "unknown";
}

const char *rl_link_perf_type_name(uint32_t perf_type)
{
	/* enum bpf_perf_event_type (Linux 6.6) */
	static const char *const names[] = {
		"unspec", "uprobe", "uretprobe", "kprobe", "kretprobe", "tracepoint", "event",
	};

	return perf_type < sizeof(names) / sizeof(names[0]) ? names[perf_type] : "unknown";
}

size_t rl_link_name_offset(uint32_t type, uint32_t perf_type)
{
	switch (type) {
	case RL_LINK_RAW_TP:
	case RL_LINK_ITER:
		return 16;
	case RL_LINK_PERF_EVENT:
		/* uprobe file_name, kprobe func_name, tracepoint tp_name: all at 24 */
		return perf_type >= 1 && perf_type <= 5 ? 24 : 0;
	}
	return 0;
}

static uint32_t u32_at(const uint8_t *b, size_t len, size_t off)
{
	uint32_t v = 0;

	if (off + 4 <= len)
		memcpy(&v, b + off, 4);
	return v;
}

static uint64_t u64_at(const uint8_t *b, size_t len, size_t off)
{
	uint64_t v = 0;

	if (off + 8 <= len)
		memcpy(&v, b + off, 8);
	return v;
}

int rl_link_decode(const void *info, size_t len, struct rl_link_desc *out)
{
	const uint8_t *b = info;

	memset(out, 0, sizeof(*out));
	if (len < 12)
		return -EINVAL;
	out->type = u32_at(b, len, 0);
	out->id = u32_at(b, len, 4);
	out->prog_id = u32_at(b, len, 8);
	switch (out->type) {
	case RL_LINK_TRACING:
		out->attach_type = u32_at(b, len, 16);
		out->target_obj_id = u32_at(b, len, 20);
		out->target_btf_id = u32_at(b, len, 24);
		break;
	case RL_LINK_CGROUP:
		out->cgroup_id = u64_at(b, len, 16);
		out->attach_type = u32_at(b, len, 24);
		break;
	case RL_LINK_ITER:
		out->map_id = u32_at(b, len, 28);
		break;
	case RL_LINK_NETNS:
		out->netns_ino = u32_at(b, len, 16);
		out->attach_type = u32_at(b, len, 20);
		break;
	case RL_LINK_XDP:
		out->ifindex = u32_at(b, len, 16);   /* 0: detached (the device went) */
		break;
	case RL_LINK_PERF_EVENT:
		out->perf_type = u32_at(b, len, 16);
		break;
	case RL_LINK_STRUCT_OPS:
		out->map_id = u32_at(b, len, 16);
		break;
	case RL_LINK_NETFILTER:
		out->nf_pf = u32_at(b, len, 16);
		out->nf_hooknum = u32_at(b, len, 20);
		out->nf_priority = (int32_t)u32_at(b, len, 24);
		break;
	case RL_LINK_TCX:
	case RL_LINK_NETKIT:
		out->ifindex = u32_at(b, len, 16);
		out->attach_type = u32_at(b, len, 20);
		break;
	case RL_LINK_SOCKMAP:
		out->map_id = u32_at(b, len, 16);
		out->attach_type = u32_at(b, len, 20);
		break;
	}
	return 0;
}

/* The second call: the same info with our buffer at the name's pointer.
 * (perf_event needs its perf type back in the request: the kernel reads
 * nothing else, but a zeroed request is what it expects.) */
static void read_name(int fd, struct rl_link_desc *out)
{
	uint64_t buf[INFO_MAX / 8] = { 0 };
	size_t off = rl_link_name_offset(out->type, out->perf_type);
	uint64_t ptr = (uint64_t)(uintptr_t)out->name;
	uint32_t n = sizeof(buf), cap = sizeof(out->name);

	if (!off)
		return;
	memcpy((uint8_t *)buf + off, &ptr, 8);
	memcpy((uint8_t *)buf + off + 8, &cap, 4);
	if (rl_sys_obj_info(fd, buf, &n))
		out->name[0] = '\0';
	out->name[sizeof(out->name) - 1] = '\0';
}

int rl_link_describe_fd(int fd, struct rl_link_desc *out, struct rl_diag *d)
{
	uint64_t buf[INFO_MAX / 8] = { 0 };
	uint32_t n = sizeof(buf);
	int err = rl_sys_obj_info(fd, buf, &n);

	if (err)
		return rl_err(d, err, "BPF_OBJ_GET_INFO_BY_FD (link): %s", strerror(-err));
	rl_link_decode(buf, n, out);
	read_name(fd, out);
	return 0;
}

int rl_link_list(struct rl_link_desc *out, int max, struct rl_diag *d)
{
	uint32_t id = 0;
	int n = 0, err;

	while (!(err = rl_sys_link_get_next_id(id, &id))) {
		struct rl_link_desc one;
		int fd = rl_sys_link_get_fd_by_id(id);

		if (fd == -ENOENT)
			continue;          /* freed since the walk saw it */
		if (fd < 0)
			return rl_err(d, fd, "BPF_LINK_GET_FD_BY_ID %u: %s", id, strerror(-fd));
		err = rl_link_describe_fd(fd, &one, d);
		close(fd);
		if (err)
			return err;
		if (n < max)
			out[n] = one;
		n++;
	}
	if (err != -ENOENT)
		return rl_err(d, err, "BPF_LINK_GET_NEXT_ID: %s", strerror(-err));
	return n;
}

/* ---- cgroup id -> path --------------------------------------------------- */

static uint64_t want_cgroup_id;
static char found_cgroup[PATH_MAX];

static int match_cgroup(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)ftw;
	if (flag != FTW_D || (uint64_t)st->st_ino != want_cgroup_id)
		return 0;
	snprintf(found_cgroup, sizeof(found_cgroup), "%s", path);
	return 1;                   /* stop the walk */
}

int rl_cgroup_path_by_id(uint64_t cgroup_id, char *out, size_t len)
{
	char mnt[PATH_MAX];
	struct rl_diag d = { "" };

	if (rl_cgroup2_mount(mnt, sizeof(mnt), &d))
		return -ENOENT;
	want_cgroup_id = cgroup_id;
	found_cgroup[0] = '\0';
	/* FTW_PHYS: cgroupfs has no symbolic links, but never follow one */
	if (nftw(mnt, match_cgroup, 16, FTW_PHYS | FTW_MOUNT) != 1)
		return -ENOENT;
	snprintf(out, len, "%s", found_cgroup);
	return 0;
}
