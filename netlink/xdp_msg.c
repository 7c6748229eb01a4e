/* xdp_msg.c - building and reading the XDP rtnetlink messages (see xdp_msg.h).
 *
 * A netlink attribute is a TLV padded to 4 bytes (libmnl's attr.c draws it):
 *
 *   <----- nla_len (header + payload, no padding) ----->
 *   +---------+---------+------------------------------+-----+
 *   | nla_len | nla_type| payload                      | pad |
 *   +---------+---------+------------------------------+-----+
 *     u16       u16: type | NLA_F_NESTED when the payload is itself attributes
 *
 * libmnl writes and walks the TLVs; this file decides which ones to write and
 * checks every length before it reads a value.  No sockets here.
 */
#include "xdp_msg.h"

#include <errno.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

uint32_t rl_xdp_mode_flag(enum rl_xdp_mode mode)
{
	switch (mode) {
	case RL_XDP_MODE_SKB:
		return XDP_FLAGS_SKB_MODE;
	case RL_XDP_MODE_HW:
		return XDP_FLAGS_HW_MODE;
	case RL_XDP_MODE_NATIVE:
	default:
		return XDP_FLAGS_DRV_MODE;
	}
}

const char *rl_xdp_mode_name(enum rl_xdp_mode mode)
{
	switch (mode) {
	case RL_XDP_MODE_NATIVE: return "native";
	case RL_XDP_MODE_SKB:    return "skb";
	case RL_XDP_MODE_HW:     return "hw";
	}
	return "unknown";
}

const char *rl_xdp_attached_name(uint8_t attached)
{
	switch (attached) {
	case XDP_ATTACHED_NONE:  return "none";
	case XDP_ATTACHED_DRV:   return "native";
	case XDP_ATTACHED_SKB:   return "skb";
	case XDP_ATTACHED_HW:    return "hw";
	case XDP_ATTACHED_MULTI: return "multi";
	}
	return "unknown";
}

const char *rl_nl_errno_name(int err)
{
	const char *name = strerrorname_np(err < 0 ? -err : err);

	return name ? name : "errno";
}

uint32_t rl_xdp_setlink_flags(const struct rl_xdp_setlink_req *r)
{
	uint32_t flags = rl_xdp_mode_flag(r->mode);

	/* Exactly one mode bit: with none, the kernel picks native if the
	 * driver has ndo_bpf and generic otherwise (dev_xdp_mode()), which
	 * would make a detach hit whatever mode happens to be default. */
	if (r->replace)
		flags |= XDP_FLAGS_REPLACE;
	else if (r->prog_fd >= 0)
		flags |= XDP_FLAGS_UPDATE_IF_NOEXIST;
	return flags;
}

/* nlmsghdr + ifinfomsg for one device: the common start of both requests. */
static struct nlmsghdr *put_link_header(void *buf, size_t buflen, uint16_t type,
					uint16_t flags, int ifindex, uint32_t seq)
{
	struct nlmsghdr *nlh;
	struct ifinfomsg *ifi;

	if (!buf || ifindex <= 0 || buflen < MNL_NLMSG_HDRLEN + MNL_ALIGN(sizeof(*ifi)))
		return NULL;
	nlh = mnl_nlmsg_put_header(buf);          /* zeroed, nlmsg_len = 16 */
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	/* nlmsg_pid stays 0: the message is addressed to the kernel, which
	 * learns our port id from the socket, not from this field. */
	/* Zeroed too, so ifi_family is AF_UNSPEC (0): a link belongs to no
	 * address family.  (Spelled as 0 to keep <sys/socket.h>, the socket
	 * API, out of this pure file.) */
	ifi = mnl_nlmsg_put_extra_header(nlh, sizeof(*ifi));
	ifi->ifi_index = ifindex;
	return nlh;
}

static bool put_s32(struct nlmsghdr *nlh, size_t buflen, uint16_t type, int32_t v)
{
	return mnl_attr_put_check(nlh, buflen, type, sizeof(v), &v);
}

struct nlmsghdr *rl_xdp_build_setlink(void *buf, size_t buflen, const struct rl_xdp_setlink_req *r)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest;
	bool ok;

	/* NLM_F_ACK: an RTM_SETLINK that succeeds is otherwise silent; with
	 * it the kernel always answers NLMSG_ERROR (error 0 = done). */
	nlh = put_link_header(buf, buflen, RTM_SETLINK, NLM_F_REQUEST | NLM_F_ACK,
			      r->ifindex, r->seq);
	if (!nlh)
		return NULL;
	/* mnl_attr_nest_start sets NLA_F_NESTED in the type: do_setlink parses
	 * IFLA_XDP with nla_parse_nested_deprecated, which does not insist on
	 * the flag, but it tells any reader (and --explain) what follows. */
	nest = mnl_attr_nest_start_check(nlh, buflen, IFLA_XDP);
	ok = nest && put_s32(nlh, buflen, IFLA_XDP_FD, r->prog_fd) &&
	     mnl_attr_put_u32_check(nlh, buflen, IFLA_XDP_FLAGS, rl_xdp_setlink_flags(r));
	/* do_setlink reads IFLA_XDP_EXPECTED_FD only with XDP_FLAGS_REPLACE
	 * and refuses REPLACE without it (-EINVAL). */
	if (ok && r->replace)
		ok = put_s32(nlh, buflen, IFLA_XDP_EXPECTED_FD, r->expected_fd);
	if (!ok)
		return NULL;
	mnl_attr_nest_end(nlh, nest);
	return nlh;
}

struct nlmsghdr *rl_xdp_build_getlink(void *buf, size_t buflen, int ifindex, uint32_t seq)
{
	/* No NLM_F_ACK: the answer is the RTM_NEWLINK itself (or an
	 * NLMSG_ERROR if rtnl_getlink fails, e.g. -ENODEV). */
	return put_link_header(buf, buflen, RTM_GETLINK, NLM_F_REQUEST, ifindex, seq);
}

static int get_u32(const struct nlattr *a, uint32_t *v, const char *name, struct rl_diag *d)
{
	if (mnl_attr_get_payload_len(a) < sizeof(uint32_t))
		return rl_err(d, EBADMSG, "RTM_NEWLINK: %s has %u payload bytes, expected 4",
			      name, mnl_attr_get_payload_len(a));
	*v = mnl_attr_get_u32(a);
	return 0;
}

/* The attributes inside IFLA_XDP, as rtnl_xdp_fill() writes them. */
static int parse_xdp_nest(const struct nlattr *xdp, struct rl_xdp_state *st, struct rl_diag *d)
{
	const struct nlattr *a;
	int err = 0;

	mnl_attr_for_each_nested(a, xdp) {
		switch (mnl_attr_get_type(a)) {
		case IFLA_XDP_ATTACHED:
			if (mnl_attr_get_payload_len(a) < 1)
				return rl_err(d, EBADMSG, "RTM_NEWLINK: empty IFLA_XDP_ATTACHED");
			st->attached = mnl_attr_get_u8(a);
			break;
		case IFLA_XDP_PROG_ID:
			err = get_u32(a, &st->prog_id, "IFLA_XDP_PROG_ID", d);
			break;
		case IFLA_XDP_DRV_PROG_ID:
			err = get_u32(a, &st->drv_prog_id, "IFLA_XDP_DRV_PROG_ID", d);
			break;
		case IFLA_XDP_SKB_PROG_ID:
			err = get_u32(a, &st->skb_prog_id, "IFLA_XDP_SKB_PROG_ID", d);
			break;
		case IFLA_XDP_HW_PROG_ID:
			err = get_u32(a, &st->hw_prog_id, "IFLA_XDP_HW_PROG_ID", d);
			break;
		default:
			break;     /* newer kernels may add more: ignore */
		}
		if (err)
			return err;
	}
	return 0;
}

int rl_xdp_parse_newlink(const struct nlmsghdr *nlh, struct rl_xdp_state *st, struct rl_diag *d)
{
	const struct nlattr *a;

	memset(st, 0, sizeof(*st));
	if (nlh->nlmsg_type != RTM_NEWLINK)
		return rl_err(d, EBADMSG, "expected RTM_NEWLINK (%d), got message type %u",
			      RTM_NEWLINK, nlh->nlmsg_type);
	if (nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct ifinfomsg))
		return rl_err(d, EBADMSG, "RTM_NEWLINK of %u bytes is shorter than nlmsghdr + ifinfomsg (%zu)",
			      nlh->nlmsg_len, MNL_NLMSG_HDRLEN + sizeof(struct ifinfomsg));
	/* The reply describes the whole device (name, mtu, stats, ...); only
	 * IFLA_XDP matters here.  No IFLA_XDP at all means nothing attached. */
	mnl_attr_for_each(a, nlh, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(a) == IFLA_XDP)
			return parse_xdp_nest(a, st, d);
	}
	return 0;
}

int rl_nl_parse_error(const struct nlmsghdr *nlh, struct rl_nl_ack *ack)
{
	const struct nlmsgerr *e;
	const struct nlattr *attr;   /* the name mnl_attr_for_each_payload uses */
	const void *tlvs;
	size_t off, payload_len;

	memset(ack, 0, sizeof(*ack));
	if (nlh->nlmsg_type != NLMSG_ERROR || nlh->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(*e))
		return -EBADMSG;
	e = mnl_nlmsg_get_payload(nlh);
	ack->error = e->error > 0 ? -e->error : e->error;   /* the kernel sends -errno */
	if (!(nlh->nlmsg_flags & NLM_F_ACK_TLVS))
		return 0;
	/* The TLVs follow the echo of our request: just its header when
	 * NLM_F_CAPPED (NETLINK_CAP_ACK asks for that; an ACK is always
	 * capped, see netlink_ack()), otherwise the whole request. */
	payload_len = mnl_nlmsg_get_payload_len(nlh);
	off = sizeof(*e);
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED))
		off = sizeof(e->error) + MNL_ALIGN((size_t)e->msg.nlmsg_len);
	if (off > payload_len)
		return -EBADMSG;
	tlvs = (const char *)e + off;
	mnl_attr_for_each_payload(tlvs, payload_len - off) {
		const char *p = mnl_attr_get_payload(attr);
		uint16_t n = mnl_attr_get_payload_len(attr);

		if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_MSG && n > 0 && p[n - 1] == '\0')
			ack->msg = p;
		else if (mnl_attr_get_type(attr) == NLMSGERR_ATTR_OFFS && n >= sizeof(uint32_t)) {
			ack->has_offs = true;
			ack->offs = mnl_attr_get_u32(attr);
		}
	}
	return 0;
}

int rl_nl_check_reply(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		      struct rl_diag *d)
{
	const struct nlmsghdr *nlh = buf;
	int rem = len > 0x7fffffff ? 0x7fffffff : (int)len;

	if (!mnl_nlmsg_ok(nlh, rem))
		return rl_err(d, EBADMSG, "reply of %zu bytes holds no complete netlink message", len);
	/* The kernel answers with the request's nlmsg_seq and, as nlmsg_pid,
	 * the requester's port id (netlink_ack() and rtnl_getlink() both
	 * write NETLINK_CB(skb).portid).  A message that differs answers
	 * something else: an earlier request, or another socket's. */
	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem)) {
		if (nlh->nlmsg_seq != seq)
			return rl_err(d, EPROTO, "reply has nlmsg_seq %u, expected %u",
				      nlh->nlmsg_seq, seq);
		if (nlh->nlmsg_pid != portid)
			return rl_err(d, EPROTO, "reply has nlmsg_pid %u, expected our port id %u",
				      nlh->nlmsg_pid, portid);
	}
	return 0;
}

int rl_xdp_parse_ack(const struct nlmsghdr *nlh, size_t len, uint32_t seq,
		     struct rl_nl_ack *ack, struct rl_diag *d)
{
	struct rl_nl_ack a;
	int rem = len > 0x7fffffff ? 0x7fffffff : (int)len;

	if (ack)
		memset(ack, 0, sizeof(*ack));
	if (!mnl_nlmsg_ok(nlh, rem))
		return rl_err(d, EBADMSG, "reply of %zu bytes holds no complete netlink message", len);
	/* One request, one answer: the first message must be ours. */
	if (nlh->nlmsg_seq != seq)
		return rl_err(d, EPROTO, "reply has nlmsg_seq %u, expected %u",
			      nlh->nlmsg_seq, seq);
	if (nlh->nlmsg_type != NLMSG_ERROR)
		return rl_err(d, EBADMSG, "expected NLMSG_ERROR (the ACK), got message type %u",
			      nlh->nlmsg_type);
	if (rl_nl_parse_error(nlh, &a) < 0)
		return rl_err(d, EBADMSG, "damaged NLMSG_ERROR of %u bytes", nlh->nlmsg_len);
	if (ack)
		*ack = a;
	if (a.error == 0)
		return 0;
	if (a.msg && a.msg[0])
		return rl_err(d, a.error, "%s (kernel: '%s')", rl_nl_errno_name(a.error), a.msg);
	return rl_err(d, a.error, "%s (%s)", rl_nl_errno_name(a.error), strerror(-a.error));
}

const char *rl_xdp_attr_name(uint16_t type)
{
	static const char *const names[] = {
		[IFLA_XDP_UNSPEC] = "IFLA_XDP_UNSPEC",
		[IFLA_XDP_FD] = "IFLA_XDP_FD",
		[IFLA_XDP_ATTACHED] = "IFLA_XDP_ATTACHED",
		[IFLA_XDP_FLAGS] = "IFLA_XDP_FLAGS",
		[IFLA_XDP_PROG_ID] = "IFLA_XDP_PROG_ID",
		[IFLA_XDP_DRV_PROG_ID] = "IFLA_XDP_DRV_PROG_ID",
		[IFLA_XDP_SKB_PROG_ID] = "IFLA_XDP_SKB_PROG_ID",
		[IFLA_XDP_HW_PROG_ID] = "IFLA_XDP_HW_PROG_ID",
		[IFLA_XDP_EXPECTED_FD] = "IFLA_XDP_EXPECTED_FD",
	};

	return type < MNL_ARRAY_SIZE(names) ? names[type] : NULL;
}

const char *rl_xdp_attr_at(const struct nlmsghdr *req, uint32_t offs)
{
	const struct nlattr *a, *n;

	mnl_attr_for_each(a, req, sizeof(struct ifinfomsg)) {
		if ((const char *)a - (const char *)req == (long)offs)
			return mnl_attr_get_type(a) == IFLA_XDP ? "IFLA_XDP" : NULL;
		if (mnl_attr_get_type(a) != IFLA_XDP)
			continue;
		mnl_attr_for_each_nested(n, a) {
			if ((const char *)n - (const char *)req == (long)offs)
				return rl_xdp_attr_name(mnl_attr_get_type(n));
		}
	}
	return NULL;
}
