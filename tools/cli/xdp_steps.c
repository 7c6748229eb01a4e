/* xdp_steps.c - the attach step of `rawload xdp`, shared by the one-shot
 * command (cmd_xdp.c) and load-then-attach (xdp_pinned.c): over rtnetlink
 * (netlink/xdp_attach.c) or as an XDP link (loader/attach/bpf_link.c), with
 * each refusal said in one line that names who holds the device.
 */
#include "bpf_link.h"
#include "cli.h"
#include "sys_bpf.h"
#include "undo.h"
#include "xdp_attach.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cli_xdp_parse_mode(const char *s, enum rl_xdp_mode *mode)
{
	if (!s || !strcmp(s, "native") || !strcmp(s, "drv"))
		*mode = RL_XDP_MODE_NATIVE;
	else if (!strcmp(s, "skb") || !strcmp(s, "generic"))
		*mode = RL_XDP_MODE_SKB;
	else if (!strcmp(s, "hw"))
		*mode = RL_XDP_MODE_HW;
	else
		return -EINVAL;
	return 0;
}

/* For --replace: *fd = an fd for the program attached now, or -1 if none.
 * 0 or -errno (kept apart from the fd: -EPERM is -1). */
static int current_prog_fd(int ifindex, enum rl_xdp_mode mode, int *fd, struct rl_diag *d)
{
	struct rl_xdp_state st;
	uint32_t id;
	int err = rl_xdp_query(ifindex, &st, d);

	*fd = -1;
	if (err)
		return err;
	id = mode == RL_XDP_MODE_SKB ? st.skb_prog_id : mode == RL_XDP_MODE_HW ? st.hw_prog_id :
	     st.drv_prog_id;
	if (!id)
		return 0;
	err = rl_sys_prog_get_fd_by_id(id);
	if (err < 0)
		return rl_err(d, err, "BPF_PROG_GET_FD_BY_ID %u: %s", id, strerror(-err));
	*fd = err;
	return 0;
}

/* EBUSY from the netlink attach: say which kind holds the device. */
static void netlink_busy(const char *dev, int ifindex, const struct rl_diag *nd)
{
	struct rl_link_info li;
	struct rl_diag d = { "" };

	if (rl_xdp_link_find(ifindex, &li, &d) == 1)
		fprintf(stderr, "rawload: %s: XDP link %u (program %u) holds the device, and a netlink "
			"attach cannot replace a link; remove it with `rawload detach xdp %s` (or unpin "
			"the link); nothing changed\n", dev, li.id, li.prog_id, dev);
	else
		fprintf(stderr, "rawload: %s: %s; nothing changed\n", dev, nd->msg);
}

int cli_xdp_attach_link(int prog_fd, const char *prog_name, const char *dev, int ifindex,
			enum rl_xdp_mode mode, const char *pin_dir, struct rl_undo *undo, int *link_fd,
			uint32_t *link_id)
{
	struct rl_link_info li = { 0 };
	struct rl_diag d = { "" };
	char path[PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/link_xdp", pin_dir) >= (int)sizeof(path)) {
		fprintf(stderr, "rawload: %s: pin directory '%s' is too long\n", dev, pin_dir);
		return EXIT_USER;
	}
	if (rl_xdp_link_attach(prog_fd, ifindex, rl_xdp_mode_flag(mode), path, undo, link_fd, &d)) {
		fprintf(stderr, "rawload: %s: program '%s': %s\n", dev, prog_name, d.msg);
		return EXIT_USER;
	}
	rl_link_info_fd(*link_fd, &li, &d);
	*link_id = li.id;
	return 0;
}

int cli_xdp_attach_nl(int prog_fd, const char *prog_name, const char *dev, int ifindex,
		      enum rl_xdp_mode mode, bool replace, struct rl_undo *undo)
{
	struct rl_undo_step step = rl_xdp_undo_step(ifindex, mode, prog_fd);
	struct rl_diag d = { "" };
	int expected, err;

	if (replace && current_prog_fd(ifindex, mode, &expected, &d))
		return cli_fail(dev, &d);
	if (!replace)
		expected = -1;
	err = rl_xdp_attach(ifindex, prog_fd, mode, replace && expected >= 0, expected, &d);
	if (expected >= 0)
		close(expected);
	if (err == -EBUSY) {
		netlink_busy(dev, ifindex, &d);
		return EXIT_USER;
	}
	if (err) {
		fprintf(stderr, "rawload: %s: program '%s': %s\n", dev, prog_name, d.msg);
		return EXIT_USER;
	}
	/* a replaced program cannot be put back by undo; a fresh attach can be removed */
	if (!(replace && expected >= 0) && rl_undo_push(undo, &step, &d))
		return cli_fail(dev, &d);
	return 0;
}

