/* test_netlink.c - the XDP rtnetlink messages, byte for byte, without root.
 *
 * Requests are compared with bytes written out by hand from the UAPI
 * layouts; replies are built by hand the way the kernel builds them
 * (rtnl_xdp_fill, netlink_ack) and parsed; the --explain text is compared
 * with a golden copy; and rl_xdp_attach / rl_xdp_detach run against a fake
 * kernel plugged in with rl_nl_set_transport.
 */
#include "unit.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <linux/if_link.h>
#include <linux/rtnetlink.h>

#include "xdp_explain.h"
#include "xdp_attach.h"
#include "xdp_msg.h"

#define ALIGNED __attribute__((aligned(8)))

static void check_bytes(const struct nlmsghdr *nlh, const uint8_t *want, size_t n)
{
	CHECK(nlh != NULL);
	if (!nlh)
		return;
	CHECK_EQ(nlh->nlmsg_len, n);
	for (size_t i = 0; i < n && i < nlh->nlmsg_len; i++) {
		if (((const uint8_t *)nlh)[i] != want[i]) {
			CHECK_EQ(((const uint8_t *)nlh)[i], want[i]);
			fprintf(stderr, "    (first difference at byte %zu)\n", i);
			return;
		}
	}
}

/* The 32 bytes every RTM_SETLINK here starts with: len, type 19, flags
 * REQUEST|ACK, seq 1, pid 0; ifinfomsg AF_UNSPEC, index 7. */
#define SETLINK_HDR(len) \
	len, 0x00, 0x00, 0x00, 0x13, 0x00, 0x05, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, \
	0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00

static void test_setlink_native(void)
{
	static const uint8_t want[] = {
		SETLINK_HDR(0x34),
		0x14, 0x00, 0x2b, 0x80,                         /* IFLA_XDP | NLA_F_NESTED, 20 */
		0x08, 0x00, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00, /* IFLA_XDP_FD = 5 */
		0x08, 0x00, 0x03, 0x00, 0x05, 0x00, 0x00, 0x00, /* FLAGS = UPDATE_IF_NOEXIST|DRV */
	};
	struct rl_xdp_setlink_req r = { .ifindex = 7, .prog_fd = 5, .mode = RL_XDP_MODE_NATIVE,
					.expected_fd = -1, .seq = 1 };
	char buf[RL_XDP_REQ_BUFSZ] ALIGNED;

	check_bytes(rl_xdp_build_setlink(buf, sizeof(buf), &r), want, sizeof(want));
}

static void test_setlink_skb(void)
{
	static const uint8_t want[] = {
		SETLINK_HDR(0x34),
		0x14, 0x00, 0x2b, 0x80,
		0x08, 0x00, 0x01, 0x00, 0x05, 0x00, 0x00, 0x00,
		0x08, 0x00, 0x03, 0x00, 0x03, 0x00, 0x00, 0x00, /* UPDATE_IF_NOEXIST|SKB */
	};
	struct rl_xdp_setlink_req r = { .ifindex = 7, .prog_fd = 5, .mode = RL_XDP_MODE_SKB, .seq = 1 };
	char buf[RL_XDP_REQ_BUFSZ] ALIGNED;

	check_bytes(rl_xdp_build_setlink(buf, sizeof(buf), &r), want, sizeof(want));
}

static void test_setlink_replace(void)
{
	static const uint8_t want[] = {
		SETLINK_HDR(0x3c),
		0x1c, 0x00, 0x2b, 0x80,                         /* 28 bytes now */
		0x08, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00, 0x00, /* FD = 6, the new program */
		0x08, 0x00, 0x03, 0x00, 0x14, 0x00, 0x00, 0x00, /* REPLACE|DRV, no UPDATE_IF_NOEXIST */
		0x08, 0x00, 0x08, 0x00, 0x05, 0x00, 0x00, 0x00, /* IFLA_XDP_EXPECTED_FD = 5 */
	};
	struct rl_xdp_setlink_req r = { .ifindex = 7, .prog_fd = 6, .mode = RL_XDP_MODE_NATIVE,
					.replace = true, .expected_fd = 5, .seq = 1 };
	char buf[RL_XDP_REQ_BUFSZ] ALIGNED;

	check_bytes(rl_xdp_build_setlink(buf, sizeof(buf), &r), want, sizeof(want));
}

static void test_setlink_detach(void)
{
	static const uint8_t want[] = {
		SETLINK_HDR(0x34),
		0x14, 0x00, 0x2b, 0x80,
		0x08, 0x00, 0x01, 0x00, 0xff, 0xff, 0xff, 0xff, /* FD = -1 */
		0x08, 0x00, 0x03, 0x00, 0x02, 0x00, 0x00, 0x00, /* just SKB: the mode to clear */
	};
	struct rl_xdp_setlink_req r = { .ifindex = 7, .prog_fd = -1, .mode = RL_XDP_MODE_SKB, .seq = 1 };
	char buf[RL_XDP_REQ_BUFSZ] ALIGNED;

	check_bytes(rl_xdp_build_setlink(buf, sizeof(buf), &r), want, sizeof(want));
	r.mode = RL_XDP_MODE_HW;
	CHECK_EQ(rl_xdp_setlink_flags(&r), XDP_FLAGS_HW_MODE);
}

static void test_getlink(void)
{
	static const uint8_t want[] = {
		0x20, 0x00, 0x00, 0x00, 0x12, 0x00, 0x01, 0x00, /* 32 bytes, RTM_GETLINK, REQUEST */
		0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, /* seq 9 */
		0x00, 0x00, 0x00, 0x00, 0x07, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
	};
	char buf[RL_XDP_REQ_BUFSZ] ALIGNED;

	check_bytes(rl_xdp_build_getlink(buf, sizeof(buf), 7, 9), want, sizeof(want));
}

static void test_build_refuses(void)
{
	struct rl_xdp_setlink_req r = { .ifindex = 7, .prog_fd = 5, .replace = true, .expected_fd = 4 };
	char buf[RL_XDP_REQ_BUFSZ] ALIGNED;

	CHECK(rl_xdp_build_setlink(buf, 59, &r) == NULL);   /* needs 60 */
	CHECK(rl_xdp_build_setlink(buf, 60, &r) != NULL);
	CHECK(rl_xdp_build_getlink(buf, 31, 7, 1) == NULL);
	CHECK(rl_xdp_build_getlink(buf, sizeof(buf), 0, 1) == NULL);
	r.ifindex = -3;
	CHECK(rl_xdp_build_setlink(buf, sizeof(buf), &r) == NULL);
}

/* RTM_NEWLINK for ifindex 7 "eth0" with a native program, id 42, in the
 * order rtnl_xdp_fill writes it: DRV_PROG_ID, ATTACHED, PROG_ID. */
static const uint8_t newlink_drv[] ALIGNED = {
	0x48, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0xd2, 0x04, 0x00, 0x00,
	0x00, 0x00, 0x01, 0x00, 0x07, 0x00, 0x00, 0x00, 0x43, 0x10, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00,
	0x09, 0x00, 0x03, 0x00, 'e', 't', 'h', '0', 0x00, 0x00, 0x00, 0x00,       /* IFLA_IFNAME */
	0x1c, 0x00, 0x2b, 0x00,                                                   /* IFLA_XDP */
	0x08, 0x00, 0x05, 0x00, 0x2a, 0x00, 0x00, 0x00,                           /* DRV_PROG_ID */
	0x05, 0x00, 0x02, 0x00, 0x01, 0x00, 0x00, 0x00,                           /* ATTACHED DRV */
	0x08, 0x00, 0x04, 0x00, 0x2a, 0x00, 0x00, 0x00,                           /* PROG_ID */
};

static void test_parse_newlink(void)
{
	uint8_t msg[sizeof(newlink_drv)] ALIGNED;
	struct rl_xdp_state st;
	struct rl_diag d = { "" };

	memcpy(msg, newlink_drv, sizeof(msg));
	CHECK_EQ(rl_xdp_parse_newlink((void *)msg, &st, &d), 0);
	CHECK_EQ(st.attached, XDP_ATTACHED_DRV);
	CHECK_EQ(st.prog_id, 42);
	CHECK_EQ(st.drv_prog_id, 42);
	CHECK_EQ(st.skb_prog_id, 0);
	CHECK_EQ(st.hw_prog_id, 0);

	/* A PROG_ID with a 2-byte payload is refused, not read past. */
	msg[64] = 0x06;
	msg[44] = 0x1a;
	((struct nlmsghdr *)msg)->nlmsg_len = 0x46;
	CHECK_EQ(rl_xdp_parse_newlink((void *)msg, &st, &d), -EBADMSG);
	CHECK_STR(d.msg, "RTM_NEWLINK: IFLA_XDP_PROG_ID has 2 payload bytes, expected 4");

	memcpy(msg, newlink_drv, sizeof(msg));
	msg[4] = RTM_GETLINK;
	CHECK_EQ(rl_xdp_parse_newlink((void *)msg, &st, &d), -EBADMSG);
	CHECK_CONTAINS(d.msg, "expected RTM_NEWLINK (16), got message type 18");

	/* No IFLA_XDP at all: nothing attached. */
	memcpy(msg, newlink_drv, sizeof(msg));
	((struct nlmsghdr *)msg)->nlmsg_len = 44;
	CHECK_EQ(rl_xdp_parse_newlink((void *)msg, &st, &d), 0);
	CHECK_EQ(st.attached, XDP_ATTACHED_NONE);
}

/* NLMSG_ERROR -16 for request seq 7, capped, with MSG and OFFS = 44. */
static size_t build_error(uint8_t *buf, int32_t err, const char *kmsg, uint32_t seq)
{
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	static const uint8_t echo[16] = { 0x34, 0x00, 0x00, 0x00, 0x13, 0x00, 0x05, 0x00,
					  0x07, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00 };
	size_t len = 16, n = kmsg ? strlen(kmsg) + 1 : 0;
	uint16_t alen = (uint16_t)(4 + n), type = NLMSGERR_ATTR_MSG;
	uint32_t offs = 44;

	memset(buf, 0, 256);
	memcpy(buf + len, &err, 4);
	memcpy(buf + len + 4, echo, 16);
	len += 20;
	if (kmsg) {
		memcpy(buf + len, &alen, 2);
		memcpy(buf + len + 2, &type, 2);
		memcpy(buf + len + 4, kmsg, n);
		len += (alen + 3u) & ~3u;
		alen = 8;
		type = NLMSGERR_ATTR_OFFS;
		memcpy(buf + len, &alen, 2);
		memcpy(buf + len + 2, &type, 2);
		memcpy(buf + len + 4, &offs, 4);
		len += 8;
	}
	nlh->nlmsg_len = (uint32_t)len;
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED | (kmsg ? NLM_F_ACK_TLVS : 0);
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = 1234;
	return len;
}

static void test_parse_ack(void)
{
	uint8_t buf[256] ALIGNED;
	struct rl_nl_ack ack;
	struct rl_diag d = { "" };
	size_t len;

	len = build_error(buf, -EBUSY, "XDP program already attached", 7);
	CHECK_EQ(len, 80);
	CHECK_EQ(rl_xdp_parse_ack((void *)buf, len, 7, &ack, &d), -EBUSY);
	CHECK_STR(d.msg, "EBUSY (kernel: 'XDP program already attached')");
	CHECK_STR(ack.msg, "XDP program already attached");
	CHECK(ack.has_offs);
	CHECK_EQ(ack.offs, 44);

	len = build_error(buf, 0, NULL, 7);
	CHECK_EQ(rl_xdp_parse_ack((void *)buf, len, 7, &ack, &d), 0);
	CHECK(ack.msg == NULL);

	len = build_error(buf, -ENODEV, NULL, 7);
	CHECK_EQ(rl_xdp_parse_ack((void *)buf, len, 7, NULL, &d), -ENODEV);
	CHECK_STR(d.msg, "ENODEV (No such device)");

	CHECK_EQ(rl_xdp_parse_ack((void *)buf, len, 8, NULL, &d), -EPROTO);
	CHECK_STR(d.msg, "reply has nlmsg_seq 7, expected 8");
	CHECK_EQ(rl_xdp_parse_ack((void *)buf, 12, 7, NULL, &d), -EBADMSG);
}

/* The socket side checks every message it receives before parsing: the
 * ACK built by build_error carries seq 7 and pid 1234 (our port id here). */
static void test_check_reply(void)
{
	uint8_t buf[512] ALIGNED;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct rl_diag d = { "" };
	size_t len = build_error(buf, 0, NULL, 7);

	CHECK_EQ(rl_nl_check_reply(buf, len, 7, 1234, &d), 0);

	CHECK_EQ(rl_nl_check_reply(buf, len, 7, 4321, &d), -EPROTO);
	CHECK_STR(d.msg, "reply has nlmsg_pid 1234, expected our port id 4321");

	CHECK_EQ(rl_nl_check_reply(buf, len, 8, 1234, &d), -EPROTO);
	CHECK_STR(d.msg, "reply has nlmsg_seq 7, expected 8");

	/* a second message in the same datagram is checked too */
	memcpy(buf + len, buf, len);
	CHECK_EQ(rl_nl_check_reply(buf, 2 * len, 7, 1234, &d), 0);
	((struct nlmsghdr *)(buf + len))->nlmsg_pid = 99;
	CHECK_EQ(rl_nl_check_reply(buf, 2 * len, 7, 1234, &d), -EPROTO);
	CHECK_STR(d.msg, "reply has nlmsg_pid 99, expected our port id 1234");

	/* fewer bytes than one header: not read at all */
	nlh->nlmsg_len = 8;
	CHECK_EQ(rl_nl_check_reply(buf, 8, 7, 1234, &d), -EBADMSG);
	CHECK_STR(d.msg, "reply of 8 bytes holds no complete netlink message");
}

/* Without NLM_F_CAPPED the whole request is echoed before the TLVs. */
static void test_parse_error_uncapped(void)
{
	uint8_t buf[256] ALIGNED;
	struct nlmsghdr *nlh = (struct nlmsghdr *)buf;
	struct rl_nl_ack ack;
	size_t len = build_error(buf, -EINVAL, "boom", 7);
	size_t tlvs = 36, body = 52 - 16;

	memmove(buf + tlvs + body, buf + tlvs, len - tlvs);
	memset(buf + tlvs, 0xee, body);
	nlh->nlmsg_len = (uint32_t)(len + body);
	nlh->nlmsg_flags = NLM_F_ACK_TLVS;
	CHECK_EQ(rl_nl_parse_error(nlh, &ack), 0);
	CHECK_EQ(ack.error, -EINVAL);
	CHECK_STR(ack.msg, "boom");

	nlh->nlmsg_len = (uint32_t)(tlvs + 8);   /* echo claims more than is there */
	CHECK_EQ(rl_nl_parse_error(nlh, &ack), -EBADMSG);
}

static void test_attr_at(void)
{
	struct rl_xdp_setlink_req r = { .ifindex = 7, .prog_fd = 5, .seq = 1 };
	char buf[RL_XDP_REQ_BUFSZ] ALIGNED;
	struct nlmsghdr *nlh = rl_xdp_build_setlink(buf, sizeof(buf), &r);

	CHECK_STR(rl_xdp_attr_at(nlh, 32), "IFLA_XDP");
	CHECK_STR(rl_xdp_attr_at(nlh, 36), "IFLA_XDP_FD");
	CHECK_STR(rl_xdp_attr_at(nlh, 44), "IFLA_XDP_FLAGS");
	CHECK(rl_xdp_attr_at(nlh, 40) == NULL);
}

static const char golden_setlink[] =
	"nlmsghdr   34 00 00 00             nlmsg_len = 52\n"
	"           13 00                   nlmsg_type = RTM_SETLINK (19)\n"
	"           05 00                   nlmsg_flags = NLM_F_REQUEST|NLM_F_ACK\n"
	"           01 00 00 00             nlmsg_seq = 1\n"
	"           00 00 00 00             nlmsg_pid = 0\n"
	"ifinfomsg  00                      ifi_family = AF_UNSPEC (0)\n"
	"           00                      __ifi_pad\n"
	"           00 00                   ifi_type = 0\n"
	"           07 00 00 00             ifi_index = 7\n"
	"           00 00 00 00             ifi_flags = 0\n"
	"           00 00 00 00             ifi_change = 0\n"
	"nlattr     14 00 2b 80             nla_len = 20, nla_type = IFLA_XDP (43)|NLA_F_NESTED\n"
	"  nlattr   08 00 01 00             nla_len = 8, nla_type = IFLA_XDP_FD (1)\n"
	"           05 00 00 00             = 5 (a program fd of the sending process)\n"
	"  nlattr   08 00 03 00             nla_len = 8, nla_type = IFLA_XDP_FLAGS (3)\n"
	"           05 00 00 00             = XDP_FLAGS_UPDATE_IF_NOEXIST|XDP_FLAGS_DRV_MODE\n";

static const char golden_error[] =
	"nlmsghdr   50 00 00 00             nlmsg_len = 80\n"
	"           02 00                   nlmsg_type = NLMSG_ERROR (2)\n"
	"           00 03                   nlmsg_flags = NLM_F_CAPPED|NLM_F_ACK_TLVS\n"
	"           07 00 00 00             nlmsg_seq = 7\n"
	"           d2 04 00 00             nlmsg_pid = 1234\n"
	"nlmsgerr   f0 ff ff ff             error = -16 (EBUSY: Device or resource busy)\n"
	"  nlmsghdr 34 00 00 00             nlmsg_len = 52 (the header of our request, echoed)\n"
	"           13 00                   nlmsg_type = RTM_SETLINK (19)\n"
	"           05 00                   nlmsg_flags = NLM_F_REQUEST|NLM_F_ACK\n"
	"           07 00 00 00             nlmsg_seq = 7\n"
	"           00 00 00 00             nlmsg_pid = 0\n"
	"nlattr     21 00 01 00             nla_len = 33, nla_type = NLMSGERR_ATTR_MSG (1)\n"
	"           58 44 50 20 70 72 6f 67 = \"XDP program already attached\"\n"
	"           72 61 6d 20 61 6c 72 65\n"
	"           61 64 79 20 61 74 74 61\n"
	"           63 68 65 64 00\n"
	"           00 00 00                (padding to 4 bytes)\n"
	"nlattr     08 00 02 00             nla_len = 8, nla_type = NLMSGERR_ATTR_OFFS (2)\n"
	"           2c 00 00 00             = 44 (where the refused attribute starts in our request)\n";

static void test_explain(void)
{
	struct rl_xdp_setlink_req r = { .ifindex = 7, .prog_fd = 5, .seq = 1 };
	char buf[RL_XDP_REQ_BUFSZ] ALIGNED;
	uint8_t reply[256] ALIGNED;
	char out[4096], small[40];
	struct nlmsghdr *nlh = rl_xdp_build_setlink(buf, sizeof(buf), &r);
	size_t n;

	n = rl_nl_explain(out, sizeof(out), nlh);
	CHECK_STR(out, golden_setlink);
	CHECK_EQ(n, strlen(golden_setlink));

	/* Cut short: NUL-terminated, and the length says how much was needed. */
	CHECK_EQ(rl_nl_explain(small, sizeof(small), nlh), strlen(golden_setlink));
	CHECK_EQ(strlen(small), sizeof(small) - 1);

	build_error(reply, -EBUSY, "XDP program already attached", 7);
	rl_nl_explain(out, sizeof(out), (void *)reply);
	CHECK_STR(out, golden_error);

	memcpy(reply, newlink_drv, sizeof(newlink_drv));
	rl_nl_explain(out, sizeof(out), (void *)reply);
	CHECK_CONTAINS(out, "IFLA_XDP_ATTACHED (2)\n           01                      = XDP_ATTACHED_DRV (1)\n");
	CHECK_CONTAINS(out, "ifi_flags = IFF_UP|IFF_BROADCAST|IFF_RUNNING|IFF_MULTICAST|IFF_LOWER_UP\n");
	CHECK_CONTAINS(out, "= \"eth0\"\n");
	CHECK_CONTAINS(out, "= 42 (program id)\n");

	((struct nlmsghdr *)reply)->nlmsg_len = 0x2e;   /* cuts IFLA_XDP's header in half */
	rl_nl_explain(out, sizeof(out), (void *)reply);
	CHECK_CONTAINS(out, "(2 trailing bytes)");
}

/* One exchange as --explain tells it (test_explain.c has a whole sequence):
 * a refusal with no reply and no driver known, skb mode's generic path, a
 * query's reply summed up unless -v asks for every byte. */
/* the end of the step: the request's bytes are test_explain's golden */
static const char golden_getlink_tail[] =
	"  kernel path      rtnl_getlink -> rtnl_fill_ifinfo -> rtnl_xdp_fill\n"
	"  reply            RTM_NEWLINK, 72 bytes (the whole device; -v shows every byte)\n"
	"  IFLA_XDP         attached native, prog id 42 (native 42, skb 0, hw 0)\n"
	"  result           0 (success)\n";

static void test_explain_step(void)
{
	struct rl_xdp_setlink_req r = { .ifindex = 7, .prog_fd = 5, .seq = 1 };
	char buf[RL_XDP_REQ_BUFSZ] ALIGNED;
	char out[8192];
	struct rl_nl_step st = { .step = 2, .result = -EBUSY };

	st.req = rl_xdp_build_setlink(buf, sizeof(buf), &r);
	rl_nl_explain_step(out, sizeof(out), &st);
	CHECK_CONTAINS(out, "\n[2] netlink RTM_SETLINK (NETLINK_ROUTE socket -> the kernel)\n  request, 52 bytes:\n");
	CHECK_CONTAINS(out, "  reply            none arrived\n"
			    "  result           -16 EBUSY (Device or resource busy)\n");
	/* no reply: EBUSY alone says dev_xdp_attach refused; nothing below it is named */
	CHECK_CONTAINS(out, "dev_xdp_attach           checks the mode, the flags, the slot, the expected fd  <- refused here: EBUSY\n");
	CHECK(!strstr(out, "dev_xdp_install"));
	CHECK(!strstr(out, "ndo_bpf"));
	st.driver = "mlx5_core";
	st.result = 0;
	rl_nl_explain_step(out, sizeof(out), &st);
	CHECK_CONTAINS(out, "ndo_bpf                the driver's net_device_ops.ndo_bpf (XDP_SETUP_PROG)\n");
	CHECK_CONTAINS(out, "bpf_dispatcher_change_prog");
	CHECK(!strstr(out, "generic_xdp_install"));
	r.mode = RL_XDP_MODE_SKB;
	st.req = rl_xdp_build_setlink(buf, sizeof(buf), &r);
	rl_nl_explain_step(out, sizeof(out), &st);
	CHECK_CONTAINS(out, "generic_xdp_install    skb mode: dev_xdp_bpf_op() picks it, the driver is not called\n");
	CHECK_CONTAINS(out, "static_key_slow_inc");
	CHECK(!strstr(out, "ndo_bpf"));
	CHECK(!strstr(out, "mlx5_core"));

	st.req = rl_xdp_build_getlink(buf, sizeof(buf), 7, 3);
	st.reply = (const void *)newlink_drv;
	st.result = 0;
	CHECK_EQ(rl_nl_explain_step(out, sizeof(out), &st), strlen(out));
	CHECK_CONTAINS(out, "\n[2] netlink RTM_GETLINK (NETLINK_ROUTE socket -> the kernel)\n"
			    "  request, 32 bytes:\n    nlmsghdr   20 00 00 00             nlmsg_len = 32\n");
	CHECK_STR(strstr(out, "  kernel path"), golden_getlink_tail);
	st.whole_reply = true;
	rl_nl_explain_step(out, sizeof(out), &st);
	CHECK_CONTAINS(out, "  reply, 72 bytes:\n    nlmsghdr   48 00 00 00             nlmsg_len = 72\n");
	CHECK_CONTAINS(out, "    nlattr     1c 00 2b 00             nla_len = 28, nla_type = IFLA_XDP (43)\n");
}

/* ---- a fake kernel behind rl_nl_set_transport --------------------------- */

struct fake_kernel {
	int calls;
	uint8_t req[4][RL_XDP_REQ_BUFSZ];    /* what rawload sent */
	const uint8_t *reply[4];             /* what to answer; seq is patched in */
	size_t reply_len[4];
};

static ssize_t fake_transport(void *ctx, const struct nlmsghdr *req, void *reply, size_t replylen,
			      struct rl_diag *d)
{
	struct fake_kernel *k = ctx;
	int i = k->calls++;

	(void)d;
	if (i >= 4 || !k->reply[i] || k->reply_len[i] > replylen)
		return -EIO;
	memcpy(k->req[i], req, req->nlmsg_len);
	memcpy(reply, k->reply[i], k->reply_len[i]);
	((struct nlmsghdr *)reply)->nlmsg_seq = req->nlmsg_seq;
	return (ssize_t)k->reply_len[i];
}

struct seen {
	int calls;
	uint16_t req_type, reply_type;
	int result;
};

static void observe(void *ctx, const struct nlmsghdr *req, const struct nlmsghdr *reply, int result)
{
	struct seen *s = ctx;

	s->calls++;
	s->req_type = req->nlmsg_type;
	s->reply_type = reply ? reply->nlmsg_type : 0;
	s->result = result;
}

static void test_attach_refused(void)
{
	struct fake_kernel k = { 0 };
	uint8_t err[256] ALIGNED;
	struct seen s = { 0 };
	struct rl_nl_observer o = { observe, &s };
	struct rl_diag d = { "" };

	k.reply[0] = err;
	k.reply_len[0] = build_error(err, -EBUSY, "XDP program already attached", 0);
	rl_nl_set_transport(fake_transport, &k);
	rl_nl_set_observer(&o);
	CHECK_EQ(rl_xdp_attach(7, 5, RL_XDP_MODE_NATIVE, false, -1, &d), -EBUSY);
	CHECK_STR(d.msg, "RTM_SETLINK on ifindex 7 (attach, native mode): EBUSY (kernel: "
		  "'XDP program already attached') [at IFLA_XDP_FLAGS]; use --replace to swap it atomically");
	CHECK_EQ(s.calls, 1);
	CHECK_EQ(s.req_type, RTM_SETLINK);
	CHECK_EQ(s.reply_type, NLMSG_ERROR);
	CHECK_EQ(s.result, -EBUSY);

	k.calls = 0;
	k.reply_len[0] = build_error(err, -EOPNOTSUPP, "Underlying driver does not support XDP in native mode", 0);
	CHECK_EQ(rl_xdp_attach(7, 5, RL_XDP_MODE_NATIVE, false, -1, &d), -EOPNOTSUPP);
	CHECK_CONTAINS(d.msg, "; the driver has no native XDP: try --mode skb");
	rl_nl_set_observer(NULL);
	rl_nl_set_transport(NULL, NULL);
}

/* rl_xdp_detach asks first, then clears exactly the mode that holds a program. */
static void test_detach_queries_mode(void)
{
	static uint8_t newlink_skb[sizeof(newlink_drv)] ALIGNED;
	struct fake_kernel k = { 0 };
	uint8_t ack[256] ALIGNED;
	struct rl_diag d = { "" };
	uint32_t flags;
	int32_t fd;

	memcpy(newlink_skb, newlink_drv, sizeof(newlink_drv));
	newlink_skb[50] = IFLA_XDP_SKB_PROG_ID;
	newlink_skb[60] = XDP_ATTACHED_SKB;
	k.reply[0] = newlink_skb;
	k.reply_len[0] = sizeof(newlink_skb);
	k.reply[1] = ack;
	k.reply_len[1] = build_error(ack, 0, NULL, 0);
	rl_nl_set_transport(fake_transport, &k);
	CHECK_EQ(rl_xdp_detach(7, &d), 0);
	CHECK_EQ(k.calls, 2);
	CHECK_EQ(((struct nlmsghdr *)k.req[0])->nlmsg_type, RTM_GETLINK);
	CHECK_EQ(((struct nlmsghdr *)k.req[1])->nlmsg_type, RTM_SETLINK);
	memcpy(&fd, k.req[1] + 40, 4);
	memcpy(&flags, k.req[1] + 48, 4);
	CHECK_EQ(fd, -1);
	CHECK_EQ(flags, XDP_FLAGS_SKB_MODE);

	/* Nothing attached: ENOENT and no RTM_SETLINK. */
	k.calls = 0;
	newlink_skb[60] = XDP_ATTACHED_NONE;
	newlink_skb[44] = 0x04;                  /* IFLA_XDP with no ids */
	((struct nlmsghdr *)newlink_skb)->nlmsg_len = 48;
	k.reply_len[0] = 48;
	CHECK_EQ(rl_xdp_detach(7, &d), -ENOENT);
	CHECK_EQ(k.calls, 1);
	CHECK_STR(d.msg, "ifindex 7: no XDP program attached");
	rl_nl_set_transport(NULL, NULL);
}

static void test_fault_injection(void)
{
	struct fake_kernel k = { 0 };
	struct rl_xdp_state st;
	struct rl_diag d = { "" };

	rl_nl_set_transport(fake_transport, &k);
	rl_nl_set_fault(1, EIO);
	CHECK_EQ(rl_xdp_query(7, &st, &d), -EIO);
	CHECK_STR(d.msg, "RTM_GETLINK on ifindex 7: injected fault: Input/output error");
	CHECK_EQ(k.calls, 0);
	/* one shot: the next call reaches the (fake) kernel */
	k.reply[0] = newlink_drv;
	k.reply_len[0] = sizeof(newlink_drv);
	CHECK_EQ(rl_xdp_query(7, &st, &d), 0);
	CHECK_EQ(st.prog_id, 42);
	rl_nl_set_transport(NULL, NULL);
}

static void test_argument_checks(void)
{
	struct rl_diag d = { "" };

	rl_nl_set_fault(1, EIO);     /* must not be reached */
	CHECK_EQ(rl_xdp_attach(7, -1, RL_XDP_MODE_NATIVE, false, -1, &d), -EBADF);
	CHECK_EQ(rl_xdp_detach_expected(7, RL_XDP_MODE_SKB, -1, &d), -EBADF);
	rl_nl_set_fault(0, 0);
	CHECK_STR(rl_xdp_mode_name(RL_XDP_MODE_SKB), "skb");
	CHECK_STR(rl_xdp_attached_name(XDP_ATTACHED_MULTI), "multi");
}

int main(void)
{
	static const struct unit_test tests[] = {
		UNIT_TEST(test_setlink_native),
		UNIT_TEST(test_setlink_skb),
		UNIT_TEST(test_setlink_replace),
		UNIT_TEST(test_setlink_detach),
		UNIT_TEST(test_getlink),
		UNIT_TEST(test_build_refuses),
		UNIT_TEST(test_parse_newlink),
		UNIT_TEST(test_parse_ack),
		UNIT_TEST(test_check_reply),
		UNIT_TEST(test_parse_error_uncapped),
		UNIT_TEST(test_attr_at),
		UNIT_TEST(test_explain),
		UNIT_TEST(test_explain_step),
		UNIT_TEST(test_attach_refused),
		UNIT_TEST(test_detach_queries_mode),
		UNIT_TEST(test_fault_injection),
		UNIT_TEST(test_argument_checks),
	};

	return unit_run("netlink", tests, (int)(sizeof(tests) / sizeof(tests[0])));
}
