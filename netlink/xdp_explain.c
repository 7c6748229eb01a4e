/* xdp_explain.c - render a netlink message for --explain (see xdp_explain.h).
 *
 * Every line is one field:  LABEL (11 columns)  HEX (8 bytes, 24 columns)
 * MEANING.  A field longer than 8 bytes continues on hex-only lines.  The
 * walk follows the layout byte by byte, so the offsets a reader counts on
 * the screen are the offsets the kernel uses (NLMSGERR_ATTR_OFFS too).
 *
 * The message is read only within nlh->nlmsg_len; every attribute length
 * is checked against what is left before its payload is touched.
 *
 * The end of the file tells a whole exchange (rl_nl_explain_step): the
 * request and reply indented under their titles, the kernel path, and where
 * XDP_SETUP_PROG lands - the driver's ndo_bpf, or generic XDP in skb mode.
 */
#include "xdp_explain.h"
#include "explain_bpf.h"  /* rl_explain_xdp_ndo: the driver's ndo_bpf */
#include "kpath.h"        /* the kernel path as a tree */

#include <errno.h>
#include "xdp_attach.h"   /* the kernel paths, constant strings */
#include "xdp_msg.h"
#include "nl_explain_internal.h"
#include "tc_explain.h"
#include "tc_msg.h"
#include "tc_attach.h"   /* the kernel paths, constant strings */

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/if.h>
#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#define HEX_BYTES 8

struct flag_name {
	uint32_t bit;
	const char *name;
};

#define FLAG(x) { x, #x }
static const struct flag_name nlm_base[] = {
	FLAG(NLM_F_REQUEST), FLAG(NLM_F_MULTI), FLAG(NLM_F_ACK), FLAG(NLM_F_ECHO),
	FLAG(NLM_F_DUMP_INTR), FLAG(NLM_F_DUMP_FILTERED),
};
static const struct flag_name nlm_get[] = { FLAG(NLM_F_ROOT), FLAG(NLM_F_MATCH), FLAG(NLM_F_ATOMIC) };
static const struct flag_name nlm_new[] = {
	FLAG(NLM_F_REPLACE), FLAG(NLM_F_EXCL), FLAG(NLM_F_CREATE), FLAG(NLM_F_APPEND),
};
static const struct flag_name nlm_err[] = { FLAG(NLM_F_CAPPED), FLAG(NLM_F_ACK_TLVS) };
static const struct flag_name xdp_flags[] = {
	FLAG(XDP_FLAGS_UPDATE_IF_NOEXIST), FLAG(XDP_FLAGS_SKB_MODE), FLAG(XDP_FLAGS_DRV_MODE),
	FLAG(XDP_FLAGS_HW_MODE), FLAG(XDP_FLAGS_REPLACE),
};
static const struct flag_name iff_flags[] = {
	FLAG(IFF_UP), FLAG(IFF_BROADCAST), FLAG(IFF_LOOPBACK), FLAG(IFF_POINTOPOINT),
	FLAG(IFF_RUNNING), FLAG(IFF_NOARP), FLAG(IFF_PROMISC), FLAG(IFF_MULTICAST),
	FLAG(IFF_LOWER_UP),
};
#undef FLAG
#define NFLAGS(t) (sizeof(t) / sizeof((t)[0]))

/* "A|B|0x40", or "0". */
static const char *flags_str(char *buf, size_t len, uint32_t v, const struct flag_name *t1,
			     size_t n1, const struct flag_name *t2, size_t n2)
{
	size_t used = 0;

	buf[0] = '\0';
	for (size_t k = 0; k < n1 + n2; k++) {
		const struct flag_name *f = k < n1 ? &t1[k] : &t2[k - n1];

		if (v & f->bit) {
			used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
						 used ? "|" : "", f->name);
			v &= ~f->bit;
		}
		if (used >= len)
			return buf;
	}
	if (v)
		snprintf(buf + used, len - used, "%s0x%x", used ? "|" : "", v);
	else if (!used)
		snprintf(buf, len, "0");
	return buf;
}

static const char *msg_type_name(uint16_t t)
{
	switch (t) {
	case NLMSG_NOOP:    return "NLMSG_NOOP";
	case NLMSG_ERROR:   return "NLMSG_ERROR";
	case NLMSG_DONE:    return "NLMSG_DONE";
	case NLMSG_OVERRUN: return "NLMSG_OVERRUN";
	case RTM_NEWLINK:   return "RTM_NEWLINK";
	case RTM_DELLINK:   return "RTM_DELLINK";
	case RTM_GETLINK:   return "RTM_GETLINK";
	case RTM_SETLINK:   return "RTM_SETLINK";
	}
	return rl_tc_msg_type_name(t) ? rl_tc_msg_type_name(t) : "unknown";
}

/* The upper flag bits mean different things per request kind (netlink.h). */
static const char *nlmsg_flags_str(char *buf, size_t len, uint16_t type, uint16_t flags)
{
	if (type == NLMSG_ERROR)
		return flags_str(buf, len, flags, nlm_base, NFLAGS(nlm_base), nlm_err, NFLAGS(nlm_err));
	if (type >= RTM_BASE && (type & 3) == 2)          /* RTM_GET* */
		return flags_str(buf, len, flags, nlm_base, NFLAGS(nlm_base), nlm_get, NFLAGS(nlm_get));
	if (type >= RTM_BASE && (type & 3) == 0)          /* RTM_NEW* */
		return flags_str(buf, len, flags, nlm_base, NFLAGS(nlm_base), nlm_new, NFLAGS(nlm_new));
	return flags_str(buf, len, flags, nlm_base, NFLAGS(nlm_base), NULL, 0);
}

static void explain_nlmsghdr(struct rl_nlw *w, int depth, const uint8_t *p, const char *note)
{
	struct nlmsghdr h;
	char flags[160];

	memcpy(&h, p, sizeof(h));
	rl_nlw_field(w, depth, "nlmsghdr", p, 4, "nlmsg_len = %u%s", h.nlmsg_len, note);
	rl_nlw_field(w, depth, "", p + 4, 2, "nlmsg_type = %s (%u)", msg_type_name(h.nlmsg_type), h.nlmsg_type);
	rl_nlw_field(w, depth, "", p + 6, 2, "nlmsg_flags = %s",
	      nlmsg_flags_str(flags, sizeof(flags), h.nlmsg_type, h.nlmsg_flags));
	rl_nlw_field(w, depth, "", p + 8, 4, "nlmsg_seq = %u", h.nlmsg_seq);
	rl_nlw_field(w, depth, "", p + 12, 4, "nlmsg_pid = %u", h.nlmsg_pid);
}

static void explain_ifinfomsg(struct rl_nlw *w, const uint8_t *p)
{
	struct ifinfomsg ifi;
	char flags[160];

	memcpy(&ifi, p, sizeof(ifi));
	rl_nlw_field(w, 0, "ifinfomsg", p, 1, "ifi_family = %s (%u)",
	      ifi.ifi_family == 0 ? "AF_UNSPEC" : "?", ifi.ifi_family);
	rl_nlw_field(w, 0, "", p + 1, 1, "__ifi_pad");
	rl_nlw_field(w, 0, "", p + 2, 2, "ifi_type = %u%s", ifi.ifi_type,
	      ifi.ifi_type == 1 ? " (ARPHRD_ETHER)" : "");
	rl_nlw_field(w, 0, "", p + 4, 4, "ifi_index = %d", ifi.ifi_index);
	rl_nlw_field(w, 0, "", p + 8, 4, "ifi_flags = %s",
	      flags_str(flags, sizeof(flags), ifi.ifi_flags, iff_flags, NFLAGS(iff_flags), NULL, 0));
	rl_nlw_field(w, 0, "", p + 12, 4, "ifi_change = %s",
	      flags_str(flags, sizeof(flags), ifi.ifi_change, iff_flags, NFLAGS(iff_flags), NULL, 0));
}

static const char *link_attr_name(uint16_t type)
{
#define N(x) [x] = #x
	static const char *const names[] = {
		N(IFLA_ADDRESS), N(IFLA_BROADCAST), N(IFLA_IFNAME), N(IFLA_MTU), N(IFLA_LINK),
		N(IFLA_QDISC), N(IFLA_STATS), N(IFLA_MASTER), N(IFLA_TXQLEN), N(IFLA_MAP),
		N(IFLA_OPERSTATE), N(IFLA_LINKMODE), N(IFLA_LINKINFO), N(IFLA_IFALIAS),
		N(IFLA_STATS64), N(IFLA_AF_SPEC), N(IFLA_GROUP), N(IFLA_EXT_MASK),
		N(IFLA_PROMISCUITY), N(IFLA_NUM_TX_QUEUES), N(IFLA_NUM_RX_QUEUES),
		N(IFLA_CARRIER), N(IFLA_CARRIER_CHANGES), N(IFLA_LINK_NETNSID),
		N(IFLA_PROTO_DOWN), N(IFLA_GSO_MAX_SEGS), N(IFLA_GSO_MAX_SIZE), N(IFLA_XDP),
		N(IFLA_CARRIER_UP_COUNT), N(IFLA_CARRIER_DOWN_COUNT), N(IFLA_MIN_MTU),
		N(IFLA_MAX_MTU), N(IFLA_PERM_ADDRESS), N(IFLA_PARENT_DEV_NAME),
		N(IFLA_PARENT_DEV_BUS_NAME), N(IFLA_GRO_MAX_SIZE), N(IFLA_TSO_MAX_SIZE),
		N(IFLA_TSO_MAX_SEGS), N(IFLA_ALLMULTI),
	};
#undef N
	/* Newer than the 6.1 UAPI headers this builds with; numbers from the
	 * kernel's if_link.h, so a 6.x reply does not show "unknown". */
	static const char *const newer[] = {
		"IFLA_DEVLINK_PORT", "IFLA_GSO_IPV4_MAX_SIZE", "IFLA_GRO_IPV4_MAX_SIZE",
		"IFLA_DPLL_PIN", "IFLA_MAX_PACING_OFFLOAD_HORIZON", "IFLA_NETNS_IMMUTABLE",
		"IFLA_HEADROOM", "IFLA_TAILROOM",
	};

	if (type < NFLAGS(names) && names[type])
		return names[type];
	if (type >= 62 && type - 62 < (int)NFLAGS(newer))
		return newer[type - 62];
	return NULL;
}

static const char *extack_attr_name(uint16_t type)
{
	switch (type) {
	case NLMSGERR_ATTR_MSG:       return "NLMSGERR_ATTR_MSG";
	case NLMSGERR_ATTR_OFFS:      return "NLMSGERR_ATTR_OFFS";
	case NLMSGERR_ATTR_COOKIE:    return "NLMSGERR_ATTR_COOKIE";
	case NLMSGERR_ATTR_POLICY:    return "NLMSGERR_ATTR_POLICY";
	case NLMSGERR_ATTR_MISS_TYPE: return "NLMSGERR_ATTR_MISS_TYPE";
	case NLMSGERR_ATTR_MISS_NEST: return "NLMSGERR_ATTR_MISS_NEST";
	}
	return NULL;
}

static const char *attr_name(enum rl_nla_ctx ctx, uint16_t type)
{
	const char *name = ctx == RL_NLA_LINK ? link_attr_name(type) :
			   ctx == RL_NLA_XDP ? rl_xdp_attr_name(type) :
			   ctx == RL_NLA_TC ? rl_tc_attr_name(type) :
			   ctx == RL_NLA_TC_BPF ? rl_tc_bpf_attr_name(type) : extack_attr_name(type);

	return name ? name : "unknown";
}

static void explain_string(struct rl_nlw *w, int depth, const uint8_t *p, size_t n)
{
	char s[128];
	size_t k;

	for (k = 0; k < n && k < sizeof(s) - 1 && p[k]; k++)
		s[k] = p[k] >= 0x20 && p[k] < 0x7f ? (char)p[k] : '?';
	s[k] = '\0';
	rl_nlw_field(w, depth, "", p, n, "= \"%s\"", s);
}

static void explain_xdp_payload(struct rl_nlw *w, int depth, uint16_t type, const uint8_t *p, size_t n)
{
	char flags[160];
	int32_t s32;
	uint32_t u32;

	memcpy(&u32, p, sizeof(u32));
	s32 = (int32_t)u32;
	switch (type) {
	case IFLA_XDP_FD:
		if (s32 < 0)
			rl_nlw_field(w, depth, "", p, n, "= %d (no program: detach)", s32);
		else
			rl_nlw_field(w, depth, "", p, n, "= %d (a program fd of the sending process)", s32);
		break;
	case IFLA_XDP_EXPECTED_FD:
		if (s32 < 0)
			rl_nlw_field(w, depth, "", p, n, "= %d (no program may be attached now)", s32);
		else
			rl_nlw_field(w, depth, "", p, n, "= %d (fd of the program that must be attached now)", s32);
		break;
	case IFLA_XDP_FLAGS:
		rl_nlw_field(w, depth, "", p, n, "= %s",
		      flags_str(flags, sizeof(flags), u32, xdp_flags, NFLAGS(xdp_flags), NULL, 0));
		break;
	default:              /* the *_PROG_ID attributes */
		rl_nlw_field(w, depth, "", p, n, "= %u (program id)", u32);
		break;
	}
}


/* The payload of one attribute whose header was already printed. */
static void explain_payload(struct rl_nlw *w, int depth, enum rl_nla_ctx ctx, uint16_t type,
			    const uint8_t *p, size_t n)
{
	uint32_t u32;

	if ((ctx == RL_NLA_TC || ctx == RL_NLA_TC_BPF) && rl_tc_explain_payload(w, depth, ctx, type, p, n))
		return;
	if (ctx == RL_NLA_LINK && type == IFLA_XDP) {
		rl_nlw_attrs(w, depth + 1, p, n, RL_NLA_XDP);
		return;
	}
	if ((ctx == RL_NLA_LINK && (type == IFLA_IFNAME || type == IFLA_QDISC || type == IFLA_IFALIAS ||
				 type == IFLA_PARENT_DEV_NAME)) ||
	    (ctx == RL_NLA_EXTACK && type == NLMSGERR_ATTR_MSG)) {
		explain_string(w, depth, p, n);
		return;
	}
	if (ctx == RL_NLA_XDP && type == IFLA_XDP_ATTACHED && n == 1) {
		static const char *const att[] = { "XDP_ATTACHED_NONE", "XDP_ATTACHED_DRV",
			"XDP_ATTACHED_SKB", "XDP_ATTACHED_HW", "XDP_ATTACHED_MULTI" };

		rl_nlw_field(w, depth, "", p, n, "= %s (%u)", p[0] < NFLAGS(att) ? att[p[0]] : "?", p[0]);
		return;
	}
	if (ctx == RL_NLA_XDP && n == 4 && type != IFLA_XDP_UNSPEC && type != IFLA_XDP_ATTACHED &&
	    rl_xdp_attr_name(type)) {
		explain_xdp_payload(w, depth, type, p, n);
		return;
	}
	if (ctx == RL_NLA_EXTACK && type == NLMSGERR_ATTR_OFFS && n == 4) {
		memcpy(&u32, p, sizeof(u32));
		rl_nlw_field(w, depth, "", p, n, "= %u (where the refused attribute starts in our request)", u32);
		return;
	}
	if (ctx == RL_NLA_LINK && n == 4 && link_attr_name(type) && type != IFLA_LINKINFO) {
		memcpy(&u32, p, sizeof(u32));
		rl_nlw_field(w, depth, "", p, n, "= %u", u32);
	} else if (ctx == RL_NLA_LINK && n == 1 && link_attr_name(type)) {
		rl_nlw_field(w, depth, "", p, n, "= %u", p[0]);
	} else if (n == 0) {
		return;                         /* a flag-like attribute: the header says it all */
	} else if (n <= 2 * HEX_BYTES) {
		rl_nlw_field(w, depth, "", p, n, "(not decoded)");
	} else {
		rl_nlw_field(w, depth, "", NULL, 0, "(%zu payload bytes not shown)", n);
	}
}

void rl_nlw_attrs(struct rl_nlw *w, int depth, const uint8_t *p, size_t len, enum rl_nla_ctx ctx)
{
	size_t off = 0;

	while (len - off >= NLA_HDRLEN) {
		struct nlattr a;
		size_t aligned;

		memcpy(&a, p + off, sizeof(a));
		if (a.nla_len < NLA_HDRLEN || a.nla_len > len - off) {
			rl_nlw_field(w, depth, "nlattr", p + off, NLA_HDRLEN,
			      "nla_len = %u: damaged, %zu bytes are left", a.nla_len, len - off);
			return;
		}
		uint16_t type = a.nla_type & NLA_TYPE_MASK;

		rl_nlw_field(w, depth, "nlattr", p + off, NLA_HDRLEN, "nla_len = %u, nla_type = %s (%u)%s",
		      a.nla_len, attr_name(ctx, type), type,
		      a.nla_type & NLA_F_NESTED ? "|NLA_F_NESTED" : "");
		explain_payload(w, depth, ctx, type, p + off + NLA_HDRLEN, a.nla_len - NLA_HDRLEN);
		aligned = NLA_ALIGN(a.nla_len);
		if (aligned > a.nla_len && aligned <= len - off)
			rl_nlw_field(w, depth, "", p + off + a.nla_len, aligned - a.nla_len, "(padding to 4 bytes)");
		if (aligned >= len - off)
			return;
		off += aligned;
	}
	if (off < len)
		rl_nlw_field(w, depth, "", p + off, len - off, "(%zu trailing bytes)", len - off);
}

static void explain_error(struct rl_nlw *w, const struct nlmsghdr *nlh, const uint8_t *p, size_t len)
{
	struct nlmsghdr req;
	int32_t err;
	size_t off = sizeof(err) + sizeof(req);

	if (len < sizeof(err)) {
		rl_nlw_field(w, 0, "nlmsgerr", p, len, "(truncated)");
		return;
	}
	memcpy(&err, p, sizeof(err));
	if (err == 0)
		rl_nlw_field(w, 0, "nlmsgerr", p, 4, "error = 0 (success: this is the ACK)");
	else
		rl_nlw_field(w, 0, "nlmsgerr", p, 4, "error = %d (%s: %s)", err,
		      rl_nl_errno_name(err), strerror(err < 0 ? -err : err));
	if (len < off)
		return;
	explain_nlmsghdr(w, 1, p + sizeof(err), " (the header of our request, echoed)");
	memcpy(&req, p + sizeof(err), sizeof(req));
	/* Without NLM_F_CAPPED the whole request body is echoed too. */
	if (!(nlh->nlmsg_flags & NLM_F_CAPPED) && req.nlmsg_len > sizeof(req)) {
		size_t body = NLMSG_ALIGN(req.nlmsg_len) - sizeof(req);

		if (body > len - off)
			body = len - off;
		rl_nlw_field(w, 1, "", NULL, 0, "(%zu bytes of our request's body, echoed, not shown)", body);
		off += body;
	}
	if (nlh->nlmsg_flags & NLM_F_ACK_TLVS)
		rl_nlw_attrs(w, 0, p + off, len - off, RL_NLA_EXTACK);
}

/* The whole message, field by field, into w. */
static void explain_message(struct rl_nlw *w, const struct nlmsghdr *nlh)
{
	const uint8_t *p = (const uint8_t *)nlh;
	size_t blen;

	if (nlh->nlmsg_len < NLMSG_HDRLEN) {
		rl_nlw_printf(w, "%snlmsghdr   nlmsg_len = %u: shorter than the %d-byte header\n",
			 w->indent ? w->indent : "", nlh->nlmsg_len, NLMSG_HDRLEN);
		return;
	}
	explain_nlmsghdr(w, 0, p, "");
	p += NLMSG_HDRLEN;
	blen = nlh->nlmsg_len - NLMSG_HDRLEN;
	switch (nlh->nlmsg_type) {
	case NLMSG_ERROR:
		explain_error(w, nlh, p, blen);
		break;
	case RTM_NEWLINK:
	case RTM_DELLINK:
	case RTM_GETLINK:
	case RTM_SETLINK:
		if (blen < sizeof(struct ifinfomsg)) {
			rl_nlw_field(w, 0, "ifinfomsg", p, blen, "(truncated: %zu of 16 bytes)", blen);
			break;
		}
		explain_ifinfomsg(w, p);
		rl_nlw_attrs(w, 0, p + sizeof(struct ifinfomsg), blen - sizeof(struct ifinfomsg), RL_NLA_LINK);
		break;
	case RTM_NEWQDISC:
	case RTM_DELQDISC:
	case RTM_GETQDISC:
	case RTM_NEWTFILTER:
	case RTM_DELTFILTER:
	case RTM_GETTFILTER:
		rl_tc_explain_body(w, nlh->nlmsg_type, p, blen);
		break;
	default:
		if (blen)
			rl_nlw_field(w, 0, "payload", NULL, 0, "(%zu bytes not decoded)", blen);
		break;
	}
}

size_t rl_nl_explain(char *out, size_t outlen, const struct nlmsghdr *nlh)
{
	struct rl_nlw w = { .out = out, .cap = outlen, .len = 0, .attrs = rl_nlw_attrs, .message = rl_nlw_message };

	if (outlen)
		out[0] = '\0';
	explain_message(&w, nlh);
	return w.len;
}

/* ---- one exchange, as --explain tells it ------------------------------------ */

/* IFLA_XDP_FLAGS of an RTM_SETLINK request, 0 when absent. */
static uint32_t request_xdp_flags(const struct nlmsghdr *req)
{
	const struct nlattr *attr, *inner;

	if (req->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct ifinfomsg))
		return 0;
	mnl_attr_for_each(attr, req, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(attr) != IFLA_XDP)
			continue;
		mnl_attr_for_each_nested(inner, attr)
			if (mnl_attr_get_type(inner) == IFLA_XDP_FLAGS &&
			    mnl_attr_get_payload_len(inner) >= sizeof(uint32_t))
				return mnl_attr_get_u32(inner);
	}
	return 0;
}

/* IFLA_XDP_FD of an RTM_SETLINK request: -1 (detach) when absent. */
static int request_xdp_fd(const struct nlmsghdr *req)
{
	const struct nlattr *attr, *inner;

	if (req->nlmsg_len < MNL_NLMSG_HDRLEN + sizeof(struct ifinfomsg))
		return -1;
	mnl_attr_for_each(attr, req, sizeof(struct ifinfomsg)) {
		if (mnl_attr_get_type(attr) != IFLA_XDP)
			continue;
		mnl_attr_for_each_nested(inner, attr)
			if (mnl_attr_get_type(inner) == IFLA_XDP_FD &&
			    mnl_attr_get_payload_len(inner) >= sizeof(uint32_t))
				return (int)mnl_attr_get_u32(inner);
	}
	return -1;
}

size_t rl_xdp_setlink_tree(char *out, size_t outlen, const struct nlmsghdr *req, const char *driver)
{
	bool skb = request_xdp_flags(req) & XDP_FLAGS_SKB_MODE;
	bool attach = request_xdp_fd(req) >= 0;
	const char *note, *ndo = rl_explain_xdp_ndo(driver, &note);
	char install[400];

	if (skb)
		snprintf(install, sizeof(install),
			 "        generic_xdp_install         skb mode: dev_xdp_bpf_op() picks it, the driver is not called\n"
			 "          %s   generic_xdp_needed_key: do_xdp_generic() %s in the receive path\n",
			 attach ? "static_key_slow_inc" : "static_key_slow_dec",
			 attach ? "now runs" : "stops running");
	else
		snprintf(install, sizeof(install), "        %s %s\n", ndo, note);
	return (size_t)snprintf(out, outlen,
		"rtnl_setlink\n"
		"  do_setlink                    reads IFLA_XDP\n"
		"    dev_change_xdp_fd\n"
		"%s"
		"      dev_xdp_attach              checks the mode, the flags, the slot, the expected fd\n"
		"        dev_xdp_install           XDP_SETUP_PROG, through dev_xdp_bpf_op()\n"
		"%s"
		"          bpf_dispatcher_change_prog  the XDP dispatcher's direct call is re-patched (text_poke)"
		" and waits for an RCU grace period\n"
		"    netif_state_change          netdev notifiers and an RTM_NEWLINK broadcast\n",
		attach ? "      bpf_prog_get_type_dev       the fd becomes the program (+1 reference)\n" : "",
		install);
}

/* Where the source raises the refusal: by the kernel's words (extack)
 * first, then by errno.  "" when it cannot tell. */
const char *rl_xdp_setlink_stop(const struct nlmsghdr *req, const struct nlmsghdr *reply, int result,
				const char *driver)
{
	struct rl_nl_ack ack = { 0 };
	const char *note;

	if (result == 0)
		return NULL;
	if (reply && rl_nl_parse_error(reply, &ack) == 0 && ack.msg) {
		static const char *const in_attach[] = {
			"already attached", "at the same time", "Only one XDP mode flag", "does not match expected",
			"does not support XDP in native mode", "bound to different device", "device-bound",
			"link", "HW_MODE",
		};

		for (size_t i = 0; i < sizeof(in_attach) / sizeof(in_attach[0]); i++)
			if (strstr(ack.msg, in_attach[i]))
				return "dev_xdp_attach";
		if (!(request_xdp_flags(req) & XDP_FLAGS_SKB_MODE))
			return rl_explain_xdp_ndo(driver, &note);   /* the driver's own words (MTU, queues) */
	}
	switch (-result) {
	case EBUSY: case EEXIST: case EOPNOTSUPP:
		return "dev_xdp_attach";
	case EBADF:
		return "bpf_prog_get_type_dev";
	case ENODEV:
		return "rtnl_setlink";
	}
	return "";
}

void rl_nlw_message(struct rl_nlw *w, const char *title, const struct nlmsghdr *nlh)
{
	rl_nlw_printf(w, "  %s, %u bytes:\n", title, nlh->nlmsg_len);
	w->indent = "    ";
	explain_message(w, nlh);
	w->indent = NULL;
}

/* The device's whole description is long: its IFLA_XDP is what matters. */
static void tell_getlink_reply(struct rl_nlw *w, const struct nlmsghdr *reply, bool whole)
{
	struct rl_xdp_state st;
	struct rl_diag d = { "" };

	if (whole || reply->nlmsg_type != RTM_NEWLINK || rl_xdp_parse_newlink(reply, &st, &d) != 0) {
		rl_nlw_message(w, "reply", reply);
		return;
	}
	rl_nlw_printf(w, "  %-16s RTM_NEWLINK, %u bytes (the whole device; -v shows every byte)\n", "reply",
		 reply->nlmsg_len);
	rl_nlw_printf(w, "  %-16s attached %s, prog id %u (native %u, skb %u, hw %u)\n", "IFLA_XDP",
		 rl_xdp_attached_name(st.attached), st.prog_id, st.drv_prog_id, st.skb_prog_id,
		 st.hw_prog_id);
}

size_t rl_nl_explain_step(char *out, size_t outlen, const struct rl_nl_step *s)
{
	struct rl_nlw w = { .out = out, .cap = outlen, .len = 0, .attrs = rl_nlw_attrs, .message = rl_nlw_message };
	bool setlink = s->req->nlmsg_type == RTM_SETLINK;
	const struct nlmsghdr *reply = s->reply;

	if (outlen)
		out[0] = '\0';
	if (rl_tc_msg_type_name(s->req->nlmsg_type))
		return rl_tc_explain_step(&w, s);
	rl_nlw_printf(&w, "\n[%u] netlink %s (NETLINK_ROUTE socket -> the kernel)\n", s->step,
		 setlink ? "RTM_SETLINK" : s->req->nlmsg_type == RTM_GETLINK ? "RTM_GETLINK" : "message");
	rl_nlw_message(&w, "request", s->req);
	if (setlink) {
		char tree[1500], text[3000];
		struct rl_textbuf b;
		char why[160] = "";
		struct rl_nl_ack ack = { 0 };

		if (s->result && s->reply && rl_nl_parse_error(s->reply, &ack) == 0)
			snprintf(why, sizeof(why), "%s%s%s%s", rl_nl_errno_name(s->result), ack.msg ? " \"" : "",
				 ack.msg ? ack.msg : "", ack.msg ? "\"" : "");
		else if (s->result)
			snprintf(why, sizeof(why), "%s", rl_nl_errno_name(s->result));
		rl_xdp_setlink_tree(tree, sizeof(tree), s->req, s->driver);
		rl_tb_init(&b, text, sizeof(text));
		rl_kpath_render(&b, "                     ", tree,
				rl_xdp_setlink_stop(s->req, s->reply, s->result, s->driver), s->result ? why : NULL);
		rl_nlw_printf(&w, "  %-16s %s\n%s", "kernel path", RL_KPATH_TITLE, text);
	} else {
		rl_nlw_printf(&w, "  %-16s %s\n", "kernel path", rl_xdp_query_kernel_path());
	}
	if (!reply)
		rl_nlw_printf(&w, "  %-16s none arrived\n", "reply");
	else if (setlink || reply->nlmsg_type == NLMSG_ERROR)
		rl_nlw_message(&w, reply->nlmsg_type == NLMSG_ERROR ? "reply (NLMSG_ERROR; error 0 is the ACK)"
								  : "reply", reply);
	else
		tell_getlink_reply(&w, reply, s->whole_reply);
	if (s->result == 0)
		rl_nlw_printf(&w, "  %-16s 0 (%s)\n", "result", setlink ? "acknowledged: the kernel did it" : "success");
	else
		rl_nlw_printf(&w, "  %-16s %d %s (%s)\n", "result", s->result, rl_nl_errno_name(s->result),
			 strerror(-s->result));
	return w.len;
}
