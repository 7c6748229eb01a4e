/* bpf_link.c - links: XDP links (create and pin, find by device), links on
 * a cgroup or a sockmap (create and pin, find by program and target), detach.
 *
 * Kernel interfaces: bpf(2) BPF_LINK_CREATE, BPF_OBJ_PIN, BPF_LINK_GET_NEXT_ID,
 * BPF_LINK_GET_FD_BY_ID, BPF_OBJ_GET_INFO_BY_FD, BPF_LINK_DETACH (all through
 * loader/kernel/sys_bpf.c).  See bpf_link.h for the lifetime rules.
 */
#include "bpf_link.h"
#include "sys_bpf.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

int rl_link_info_fd(int fd, struct rl_link_info *li, struct rl_diag *d)
{
	uint64_t buf[32] = { 0 };   /* bpf_link_info, room for newer members */
	struct bpf_link_info *k = (struct bpf_link_info *)buf;
	uint32_t n = sizeof(buf);
	int err = rl_sys_obj_info(fd, k, &n);

	if (err)
		return rl_err(d, err, "BPF_OBJ_GET_INFO_BY_FD (link): %s", strerror(-err));
	memset(li, 0, sizeof(*li));
	li->id = k->id;
	li->type = k->type;
	li->prog_id = k->prog_id;
	if (k->type == BPF_LINK_TYPE_XDP)
		li->ifindex = k->xdp.ifindex;
	else if (k->type == RL_BPF_LINK_TYPE_TCX)
		li->ifindex = k->xdp.ifindex;   /* tcx: ifindex is the first member too */
	else if (k->type == BPF_LINK_TYPE_CGROUP) {
		li->cgroup_id = k->cgroup.cgroup_id;
		li->attach_type = k->cgroup.attach_type;
	} else if (k->type == RL_BPF_LINK_TYPE_SOCKMAP) {
		/* struct { __u32 map_id; __u32 attach_type; } sockmap, the union's start */
		const uint32_t *u = (const uint32_t *)&k->raw_tracepoint;

		li->map_id = u[0];
		li->attach_type = u[1];
	}
	return 0;
}

int rl_xdp_link_find(int ifindex, struct rl_link_info *li, struct rl_diag *d)
{
	/* a detached (defunct) XDP link reports ifindex 0: it never matches */
	const struct rl_link_info want = { .type = BPF_LINK_TYPE_XDP, .ifindex = (uint32_t)ifindex };

	return rl_link_find(&want, li, d);
}

/* EBUSY from link_create: dev_xdp_attach found the mode's slot taken. */
static int busy(int ifindex, struct rl_diag *d)
{
	struct rl_link_info li;
	struct rl_diag ignore = { "" };

	if (rl_xdp_link_find(ifindex, &li, &ignore) == 1)
		return rl_err(d, EBUSY, "BPF_LINK_CREATE (xdp): EBUSY: XDP link %u (program %u) holds "
			      "the device; remove it with `rawload detach xdp DEV` (or unpin it)", li.id,
			      li.prog_id);
	return rl_err(d, EBUSY, "BPF_LINK_CREATE (xdp): EBUSY: an XDP program attached over netlink "
		      "holds the device (the kernel will not put a link over it); remove it with "
		      "`rawload detach xdp DEV` or `ip link set DEV xdp off`");
}

int rl_xdp_link_attach(int prog_fd, int ifindex, uint32_t xdp_flags, const char *pin_path,
		       struct rl_undo *undo, int *link_fd, struct rl_diag *d)
{
	struct rl_link_create_opts o = {
		.prog_fd = prog_fd, .target = (uint32_t)ifindex, .attach_type = BPF_XDP,
		.flags = xdp_flags,
	};
	struct rl_undo_step s = { .kind = RL_UNDO_UNLINK };
	struct utsname u;
	int err;

	*link_fd = rl_sys_link_create(&o);
	if (*link_fd == -EBUSY)
		return busy(ifindex, d);
	if (*link_fd == -EINVAL && !uname(&u)) {
		int major = 0, minor = 0;

		sscanf(u.release, "%d.%d", &major, &minor);
		if (major < 5 || (major == 5 && minor < 9))
			return rl_err(d, EINVAL, "BPF_LINK_CREATE (xdp): EINVAL: XDP links need Linux 5.9 "
				      "or newer (this is %s); attach without --link; nothing changed",
				      u.release);
	}
	if (*link_fd < 0)
		return rl_err(d, *link_fd, "BPF_LINK_CREATE (xdp): %s", strerror(-*link_fd));
	if (snprintf(s.path, sizeof(s.path), "%s", pin_path) >= (int)sizeof(s.path))
		return rl_err(d, ENAMETOOLONG, "pin path '%s' is too long", pin_path);
	err = rl_sys_obj_pin(*link_fd, s.path);
	if (err)
		return rl_err(d, err, "BPF_OBJ_PIN %s (the link): %s", s.path, strerror(-err));
	return rl_undo_push(undo, &s, d);
}

int rl_link_detach_id(uint32_t id, struct rl_diag *d)
{
	int fd = rl_sys_link_get_fd_by_id(id), err;

	if (fd < 0)
		return rl_err(d, fd, "BPF_LINK_GET_FD_BY_ID %u: %s", id, strerror(-fd));
	err = rl_sys_link_detach(fd);
	close(fd);
	if (err)
		return rl_err(d, err, "BPF_LINK_DETACH link %u: %s", id, strerror(-err));
	return 0;
}

int rl_link_wait_freed(uint32_t id, int timeout_ms)
{
	for (int waited = 0;; waited += 10) {
		int fd = rl_sys_link_get_fd_by_id(id);

		if (fd == -ENOENT)
			return 0;
		if (fd >= 0)
			close(fd);
		if (waited >= timeout_ms)
			return -EEXIST;
		usleep(10000);
	}
}

/* ---- links on a target fd: cgroups and sockmaps ------------------------ */

/* EBUSY / EINVAL from link_create, in words: what the kernel refused. */
static int link_refused(const char *what, int err, struct rl_diag *d)
{
	if (err == -EBUSY && !strcmp(what, "sockmap"))
		/* sock_map_prog_update: the map's slot holds a link, or a program
		 * attached with BPF_PROG_ATTACH that a link may not displace */
		return rl_err(d, EBUSY, "BPF_LINK_CREATE (sockmap): EBUSY: the map already has a "
			      "program in this slot (a link, or one attached with BPF_PROG_ATTACH); "
			      "`rawload detach sockops` it first");
	if (err == -EPERM && !strcmp(what, "cgroup"))
		/* __cgroup_bpf_attach: a link is always BPF_F_ALLOW_MULTI */
		return rl_err(d, EPERM, "BPF_LINK_CREATE (cgroup): EPERM: the cgroup (or a parent) has a "
			      "program attached without BPF_F_ALLOW_MULTI, and a cgroup link is always "
			      "ALLOW_MULTI");
	return rl_err(d, err, "BPF_LINK_CREATE (%s): %s", what, strerror(-err));
}

int rl_link_create_pinned(int prog_fd, int target_fd, uint32_t attach_type, const char *what,
			  const char *pin_path, struct rl_undo *undo, int *link_fd, uint32_t *link_id,
			  struct rl_diag *d)
{
	struct rl_link_create_opts o = {
		.prog_fd = prog_fd, .target = (uint32_t)target_fd, .attach_type = attach_type,
	};
	struct rl_undo_step s = { .kind = RL_UNDO_UNLINK };
	struct rl_link_info li;
	int err;

	*link_id = 0;
	*link_fd = rl_sys_link_create(&o);
	if (*link_fd < 0)
		return link_refused(what, *link_fd, d);
	err = rl_link_info_fd(*link_fd, &li, d);
	if (err)
		return err;
	*link_id = li.id;
	if (snprintf(s.path, sizeof(s.path), "%s", pin_path) >= (int)sizeof(s.path))
		return rl_err(d, ENAMETOOLONG, "pin path '%s' is too long", pin_path);
	err = rl_sys_obj_pin(*link_fd, s.path);
	if (err)
		return rl_err(d, err, "BPF_OBJ_PIN %s (%s link %u): %s", s.path, what, li.id,
			      strerror(-err));
	return rl_undo_push(undo, &s, d);
}

static bool link_matches(const struct rl_link_info *want, const struct rl_link_info *x)
{
	return x->type == want->type && (!want->prog_id || x->prog_id == want->prog_id) &&
	       (!want->ifindex || x->ifindex == want->ifindex) &&
	       (!want->cgroup_id || x->cgroup_id == want->cgroup_id) &&
	       (!want->map_id || x->map_id == want->map_id) &&
	       (!want->attach_type || x->attach_type == want->attach_type);
}

int rl_link_find(const struct rl_link_info *want, struct rl_link_info *li, struct rl_diag *d)
{
	uint32_t id = 0;
	int err;

	while (!(err = rl_sys_link_get_next_id(id, &id))) {
		int fd = rl_sys_link_get_fd_by_id(id);
		struct rl_link_info x;
		int r;

		if (fd < 0)
			continue;          /* freed since the walk saw it */
		r = rl_link_info_fd(fd, &x, d);
		close(fd);
		if (!r && link_matches(want, &x)) {
			*li = x;
			return 1;
		}
	}
	if (err != -ENOENT)
		return rl_err(d, err, "BPF_LINK_GET_NEXT_ID: %s", strerror(-err));
	return 0;
}
