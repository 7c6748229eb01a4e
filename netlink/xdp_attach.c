/* xdp_attach.c - attach, detach and query XDP over rtnetlink: the requests
 * of xdp_msg.c sent through nl_sock.c (one socket per exchange), the
 * kernel's verdict turned into 0 or -errno with a hint of what to do.
 */
#include "xdp_attach.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

const char *rl_xdp_query_kernel_path(void)
{
	return "rtnl_getlink -> rtnl_fill_ifinfo -> rtnl_xdp_fill";
}

/* Advice for the refusals a user can do something about.  The kernel's
 * words (already in d) say what happened; this says what to do. */
static void add_hint(struct rl_diag *d, int err, const struct rl_xdp_setlink_req *r,
		     const char *kmsg)
{
	/* dev_xdp_attach() uses EBUSY and EEXIST for two refusals each; the
	 * extack text tells them apart. */
	bool other_mode = kmsg && strstr(kmsg, "at the same time");

	if (err == -EBUSY && kmsg && strstr(kmsg, "link"))
		rl_nl_diag_append(d, "; a BPF link owns this hook: it goes when the link does (bpftool link)");
	else if (err == -EBUSY && !r->replace && r->prog_fd >= 0)
		rl_nl_diag_append(d, "; use --replace to swap it atomically");
	else if (err == -EEXIST && (other_mode || !r->replace))
		rl_nl_diag_append(d, "; detach the program attached in the other mode first");
	else if (err == -EEXIST)
		rl_nl_diag_append(d, "; the program attached now is not the expected one: check with 'rawload show'");
	else if (r->mode == RL_XDP_MODE_HW && r->prog_fd >= 0)
		rl_nl_diag_append(d, "; hw mode needs a NIC that offloads XDP: try --mode native or --mode skb");
	else if (err == -EOPNOTSUPP && r->mode == RL_XDP_MODE_NATIVE)
		rl_nl_diag_append(d, "; the driver has no native XDP: try --mode skb");
	else if (err == -ENODEV)
		rl_nl_diag_append(d, "; the device is gone");
	else if (err == -EPERM)
		rl_nl_diag_append(d, "; changing a link needs CAP_NET_ADMIN (run as root)");
	else if (r->mode == RL_XDP_MODE_NATIVE && r->prog_fd >= 0)
		/* the driver's ndo_bpf(XDP_SETUP_PROG) said no for a reason of its
		 * own (veth: peer MTU too large for a page, ERANGE; not enough
		 * queues, ENOSPC): generic XDP runs after the driver, without it */
		rl_nl_diag_append(d, "; the driver refused native XDP: try --mode skb");
}

static int setlink(const struct rl_xdp_setlink_req *r, const char *what, struct rl_diag *d)
{
	char req_buf[RL_XDP_REQ_BUFSZ] __attribute__((aligned(8)));
	char reply[RL_NL_REPLY_BUFSZ] __attribute__((aligned(8)));
	struct nlmsghdr *req;
	struct rl_nl_ack ack = { 0 };
	ssize_t n;
	int err;

	req = rl_xdp_build_setlink(req_buf, sizeof(req_buf), r);
	if (!req)
		return rl_err(d, EINVAL, "RTM_SETLINK: invalid ifindex %d", r->ifindex);
	n = rl_nl_call(req, reply, sizeof(reply), d);
	err = n < 0 ? (int)n : rl_xdp_parse_ack((const void *)reply, (size_t)n, r->seq, &ack, d);
	rl_nl_notify(req, n < 0 ? NULL : reply, err);
	if (err == 0)
		return 0;
	rl_diag_prefix(d, "RTM_SETLINK on ifindex %d (%s, %s mode): ", r->ifindex, what,
		       rl_xdp_mode_name(r->mode));
	if (ack.has_offs && rl_xdp_attr_at(req, ack.offs))
		rl_nl_diag_append(d, " [at %s]", rl_xdp_attr_at(req, ack.offs));
	add_hint(d, err, r, ack.msg);
	return err;
}

int rl_xdp_attach(int ifindex, int prog_fd, enum rl_xdp_mode mode, bool replace,
		  int expected_fd, struct rl_diag *d)
{
	struct rl_xdp_setlink_req r = {
		.ifindex = ifindex, .prog_fd = prog_fd, .mode = mode,
		.replace = replace, .expected_fd = expected_fd,
	};

	if (prog_fd < 0)
		return rl_err(d, EBADF, "XDP attach: program fd %d (detach is rl_xdp_detach)", prog_fd);
	r.seq = rl_nl_next_seq();
	return setlink(&r, replace ? "replace" : "attach", d);
}

int rl_xdp_detach_expected(int ifindex, enum rl_xdp_mode mode, int expected_fd,
			   struct rl_diag *d)
{
	struct rl_xdp_setlink_req r = {
		.ifindex = ifindex, .prog_fd = -1, .mode = mode,
		.replace = true, .expected_fd = expected_fd,
	};

	if (expected_fd < 0)
		return rl_err(d, EBADF, "XDP detach: expected program fd %d", expected_fd);
	r.seq = rl_nl_next_seq();
	return setlink(&r, "detach", d);
}

int rl_xdp_detach(int ifindex, struct rl_diag *d)
{
	static const enum rl_xdp_mode modes[] = {
		RL_XDP_MODE_NATIVE, RL_XDP_MODE_SKB, RL_XDP_MODE_HW,
	};
	struct rl_xdp_state st;
	int err, detached = 0;

	err = rl_xdp_query(ifindex, &st, d);
	if (err)
		return err;
	/* The kernel reports each mode's program in its own *_PROG_ID
	 * (rtnl_xdp_report_one); a device can hold native + hw at once. */
	const uint32_t ids[] = { st.drv_prog_id, st.skb_prog_id, st.hw_prog_id };

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		struct rl_xdp_setlink_req r = { .ifindex = ifindex, .prog_fd = -1,
						.mode = modes[i] };

		if (!ids[i])
			continue;
		r.seq = rl_nl_next_seq();
		err = setlink(&r, "detach", d);
		if (err)
			return err;
		detached++;
	}
	if (!detached)
		return rl_err(d, ENOENT, "ifindex %d: no XDP program attached", ifindex);
	return 0;
}

/* The answer to RTM_GETLINK: the RTM_NEWLINK, or NLMSG_ERROR on failure. */
static int parse_getlink_reply(const void *buf, size_t len, uint32_t seq,
			       struct rl_xdp_state *st, struct rl_diag *d)
{
	const struct nlmsghdr *nlh = buf;

	memset(st, 0, sizeof(*st));
	if (!mnl_nlmsg_ok(nlh, (int)len))
		return rl_err(d, EBADMSG, "reply of %zu bytes holds no complete netlink message", len);
	if (nlh->nlmsg_seq != seq)
		return rl_err(d, EPROTO, "reply has nlmsg_seq %u, expected %u", nlh->nlmsg_seq, seq);
	if (nlh->nlmsg_type == NLMSG_ERROR) {
		int err = rl_xdp_parse_ack(nlh, len, seq, NULL, d);

		return err ? err : rl_err(d, EBADMSG,
				"the kernel acknowledged RTM_GETLINK instead of answering it");
	}
	return rl_xdp_parse_newlink(nlh, st, d);
}

int rl_xdp_query(int ifindex, struct rl_xdp_state *st, struct rl_diag *d)
{
	char req_buf[RL_XDP_REQ_BUFSZ] __attribute__((aligned(8)));
	char reply[RL_NL_REPLY_BUFSZ] __attribute__((aligned(8)));
	struct nlmsghdr *req;
	uint32_t seq = rl_nl_next_seq();
	ssize_t n;
	int err;

	memset(st, 0, sizeof(*st));
	req = rl_xdp_build_getlink(req_buf, sizeof(req_buf), ifindex, seq);
	if (!req)
		return rl_err(d, EINVAL, "RTM_GETLINK: invalid ifindex %d", ifindex);
	n = rl_nl_call(req, reply, sizeof(reply), d);
	err = n < 0 ? (int)n : parse_getlink_reply(reply, (size_t)n, seq, st, d);
	rl_nl_notify(req, n < 0 ? NULL : reply, err);
	if (err)
		rl_diag_prefix(d, "RTM_GETLINK on ifindex %d: ", ifindex);
	return err;
}

int rl_xdp_undo_attach(const struct rl_undo_step *s, struct rl_diag *d)
{
	return rl_xdp_detach_expected(s->ifindex, (enum rl_xdp_mode)s->mode, s->prog_fd, d);
}

struct rl_undo_step rl_xdp_undo_step(int ifindex, enum rl_xdp_mode mode, int prog_fd)
{
	return (struct rl_undo_step){ .kind = RL_UNDO_CALL, .fn = rl_xdp_undo_attach,
				      .ifindex = ifindex, .mode = (int)mode, .prog_fd = prog_fd };
}
