/* test_tc_msg.c - tc's rtnetlink messages byte for byte, without root.
 *
 * Requests are compared with bytes written out by hand from the UAPI
 * layouts (struct tcmsg, TCA_*, TCA_BPF_*); a dump is built the way
 * tc_dump_tfilter answers (a priority-slot message, then the filter, then
 * NLMSG_DONE) and parsed; records round-trip; the --explain text names the
 * fields; and rl_tc_clsact_ensure runs against a fake kernel.
 */
#include "unit.h"

#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <libmnl/libmnl.h>
#include <linux/pkt_cls.h>
#include <linux/rtnetlink.h>

#include "tc_attach.h"
#include "tc_msg.h"
#include "xdp_explain.h"

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

static const struct rl_tc_filter_req filter = {
	.ifindex = 2, .hook = RL_TC_EGRESS, .prio = 1, .handle = 1, .prog_fd = 6,
	.name = "tc_drop_ping", .seq = 3,
};

static void test_newfilter(void)
{
	static const uint8_t want[] = {
		0x54, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x05, 0x06,  /* len 84, RTM_NEWTFILTER, REQ|ACK|EXCL|CREATE */
		0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,  /* seq 3, pid 0 */
		0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,  /* AF_UNSPEC, pads, ifindex 2 */
		0x01, 0x00, 0x00, 0x00, 0xf3, 0xff, 0xff, 0xff,  /* handle 1, parent ffff:fff3 */
		0x00, 0x03, 0x01, 0x00,                          /* info: prio 1 << 16 | htons(ETH_P_ALL) */
		0x08, 0x00, 0x01, 0x00, 'b', 'p', 'f', 0x00,     /* TCA_KIND "bpf" */
		0x28, 0x00, 0x02, 0x80,                          /* TCA_OPTIONS | NLA_F_NESTED, 40 */
		0x08, 0x00, 0x06, 0x00, 0x06, 0x00, 0x00, 0x00,  /* TCA_BPF_FD = 6 */
		0x11, 0x00, 0x07, 0x00, 't', 'c', '_', 'd', 'r', 'o', 'p', '_', 'p', 'i', 'n', 'g', 0x00,
		0x00, 0x00, 0x00,                                /* TCA_BPF_NAME + padding */
		0x08, 0x00, 0x08, 0x00, 0x01, 0x00, 0x00, 0x00,  /* TCA_BPF_FLAGS = ACT_DIRECT */
	};
	char buf[RL_TC_REQ_BUFSZ] ALIGNED;

	check_bytes(rl_tc_build_newfilter(buf, sizeof(buf), &filter), want, sizeof(want));
}

static void test_delfilter_and_qdisc(void)
{
	static const uint8_t del[] = {
		0x2c, 0x00, 0x00, 0x00, 0x2d, 0x00, 0x05, 0x00,  /* len 44, RTM_DELTFILTER, REQ|ACK */
		0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
		0x01, 0x00, 0x00, 0x00, 0xf3, 0xff, 0xff, 0xff,
		0x00, 0x03, 0x01, 0x00,
		0x08, 0x00, 0x01, 0x00, 'b', 'p', 'f', 0x00,
	};
	static const uint8_t qdisc[] = {
		0x30, 0x00, 0x00, 0x00, 0x24, 0x00, 0x05, 0x06,  /* len 48, RTM_NEWQDISC, REQ|ACK|EXCL|CREATE */
		0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
		0x00, 0x00, 0xff, 0xff, 0xf1, 0xff, 0xff, 0xff,  /* handle ffff:0, parent TC_H_CLSACT */
		0x00, 0x00, 0x00, 0x00,
		0x0b, 0x00, 0x01, 0x00, 'c', 'l', 's', 'a', 'c', 't', 0x00, 0x00, /* TCA_KIND "clsact" + pad */
	};
	char buf[RL_TC_REQ_BUFSZ] ALIGNED;
	struct rl_tc_filter_req bad = filter;

	check_bytes(rl_tc_build_delfilter(buf, sizeof(buf), &filter), del, sizeof(del));
	check_bytes(rl_tc_build_qdisc(buf, sizeof(buf), RTM_NEWQDISC, 2, 9), qdisc, sizeof(qdisc));
	CHECK(rl_tc_build_qdisc(buf, sizeof(buf), RTM_NEWLINK, 2, 9) == NULL);
	CHECK(rl_tc_build_qdisc(buf, 20, RTM_NEWQDISC, 2, 9) == NULL);
	bad.prio = 0;
	CHECK(rl_tc_build_newfilter(buf, sizeof(buf), &bad) == NULL);
	bad = filter;
	bad.ifindex = 0;
	CHECK(rl_tc_build_delfilter(buf, sizeof(buf), &bad) == NULL);
}

/* One RTM_NEWTFILTER as tcf_fill_node writes it; with_opts false: the
 * priority slot (handle 0, no TCA_OPTIONS). */
static size_t put_filter_msg(uint8_t *buf, uint32_t seq, bool with_opts)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);
	struct tcmsg *t;
	struct nlattr *nest;

	nlh->nlmsg_type = RTM_NEWTFILTER;
	nlh->nlmsg_flags = NLM_F_MULTI;
	nlh->nlmsg_seq = seq;
	t = mnl_nlmsg_put_extra_header(nlh, sizeof(*t));
	t->tcm_ifindex = 2;
	t->tcm_parent = 0xfffffff3;
	t->tcm_info = (5u << 16) | 0x0300;
	t->tcm_handle = with_opts ? 7 : 0;
	mnl_attr_put_strz(nlh, TCA_KIND, "bpf");
	mnl_attr_put_u32(nlh, TCA_CHAIN, 0);
	if (with_opts) {
		nest = mnl_attr_nest_start(nlh, TCA_OPTIONS);
		mnl_attr_put_strz(nlh, TCA_BPF_NAME, "tc_drop_ping");
		mnl_attr_put_u32(nlh, TCA_BPF_FLAGS, TCA_BPF_FLAG_ACT_DIRECT);
		mnl_attr_put_u32(nlh, TCA_BPF_ID, 42);
		mnl_attr_nest_end(nlh, nest);
	}
	return nlh->nlmsg_len;
}

static void test_parse_dump(void)
{
	static uint8_t buf[1024] ALIGNED;
	struct rl_tc_filter f[4];
	struct rl_diag d = { "" };
	struct nlmsghdr *done;
	size_t len = 0;
	int n = -1;

	len += put_filter_msg(buf, 11, false);
	len += put_filter_msg(buf + len, 11, true);
	done = mnl_nlmsg_put_header(buf + len);
	done->nlmsg_type = NLMSG_DONE;
	done->nlmsg_flags = NLM_F_MULTI;
	done->nlmsg_seq = 11;
	done->nlmsg_len += 4;
	len += done->nlmsg_len;
	CHECK_EQ(rl_tc_parse_dump(buf, len, 11, f, 4, &n, &d), 0);
	CHECK_EQ(n, 1);                      /* the priority slot is not a filter */
	CHECK_EQ(f[0].prio, 5);
	CHECK_EQ(f[0].protocol, 3);
	CHECK_EQ(f[0].handle, 7);
	CHECK_EQ(f[0].prog_id, 42);
	CHECK_EQ(f[0].bpf_flags, TCA_BPF_FLAG_ACT_DIRECT);
	CHECK_STR(f[0].kind, "bpf");
	CHECK_STR(f[0].name, "tc_drop_ping");
	/* another request's answer, and a dump cut before NLMSG_DONE */
	CHECK_EQ(rl_tc_parse_dump(buf, len, 12, f, 4, &n, &d), -EPROTO);
	CHECK_EQ(rl_tc_parse_dump(buf, len - done->nlmsg_len, 11, f, 4, &n, &d), -EBADMSG);
}

static void test_records(void)
{
	struct rl_tc_record r = { .ifindex = 7, .hook = RL_TC_EGRESS, .prio = 3, .handle = 1,
				  .made_clsact = true }, back;
	char name[64];

	rl_tc_record_name(name, sizeof(name), &r);
	CHECK_STR(name, "tc_7_egress_3_1_clsact");
	CHECK(strchr(name, '.') == NULL);    /* bpffs refuses dots */
	CHECK(rl_tc_record_parse(name, &back));
	CHECK(back.ifindex == 7 && back.hook == RL_TC_EGRESS && back.prio == 3 && back.handle == 1 &&
	      back.made_clsact);
	CHECK(rl_tc_record_parse("tc_7_ingress_1_1", &back));
	CHECK(back.hook == RL_TC_INGRESS && !back.made_clsact);
	CHECK(!rl_tc_record_parse("tc_7_sideways_1_1", &back));
	CHECK(!rl_tc_record_parse("tc_7_egress_0_1", &back));
	CHECK(!rl_tc_record_parse("tc_7_egress_1_1_x", &back));
	CHECK(!rl_tc_record_parse("tcx_7_egress", &back));
}

static void test_explain_and_offsets(void)
{
	char buf[RL_TC_REQ_BUFSZ] ALIGNED, text[8192];
	struct nlmsghdr *req = rl_tc_build_newfilter(buf, sizeof(buf), &filter);

	rl_nl_explain(text, sizeof(text), req);
	CHECK_CONTAINS(text, "nlmsg_type = RTM_NEWTFILTER (44)");
	CHECK_CONTAINS(text, "f3 ff ff ff             tcm_parent = ffff:fff3 (clsact egress");
	CHECK_CONTAINS(text, "tcm_info = prio 1, protocol 0x0003 ETH_P_ALL");
	CHECK_CONTAINS(text, "nla_type = TCA_OPTIONS (2)|NLA_F_NESTED");
	CHECK_CONTAINS(text, "= 6 (a program fd of the sending process)");
	CHECK_CONTAINS(text, "= \"tc_drop_ping\"");
	CHECK_CONTAINS(text, "TCA_BPF_FLAG_ACT_DIRECT (direct action");
	/* NLMSGERR_ATTR_OFFS counts from the request's first byte */
	CHECK_STR(rl_tc_attr_at(req, 36), "TCA_KIND");
	CHECK_STR(rl_tc_attr_at(req, 44), "TCA_OPTIONS");
	CHECK_STR(rl_tc_attr_at(req, 48), "TCA_BPF_FD");
	CHECK(rl_tc_attr_at(req, 50) == NULL);
}

/* ---- a fake kernel: answers every request with one prepared NLMSG_ERROR */

static int fake_error;
static ssize_t fake_transport(void *ctx, const struct nlmsghdr *req, void *reply, size_t len,
			      struct rl_diag *d)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(reply);
	struct nlmsgerr *e;

	(void)ctx, (void)len, (void)d;
	nlh->nlmsg_type = NLMSG_ERROR;
	nlh->nlmsg_flags = NLM_F_CAPPED;
	nlh->nlmsg_seq = req->nlmsg_seq;
	e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));
	e->error = fake_error;
	e->msg = *req;
	return nlh->nlmsg_len;
}

static void test_clsact_ensure(void)
{
	struct rl_diag d = { "" };
	bool made = true;

	rl_nl_set_transport(fake_transport, NULL);
	fake_error = -EEXIST;           /* a qdisc is there: shared, never ours */
	CHECK_EQ(rl_tc_clsact_ensure(2, &made, &d), 0);
	CHECK(!made);
	fake_error = 0;
	CHECK_EQ(rl_tc_clsact_ensure(2, &made, &d), 0);
	CHECK(made);
	fake_error = -ENODEV;
	CHECK_EQ(rl_tc_clsact_ensure(2, &made, &d), -ENODEV);
	CHECK_CONTAINS(d.msg, "RTM_NEWQDISC on ifindex 2 (clsact): ENODEV");
	fake_error = -EINVAL;
	{
		struct rl_tc_filter_req r = filter;

		CHECK_EQ(rl_tc_filter_add(&r, &d), -EINVAL);
		CHECK_CONTAINS(d.msg, "RTM_NEWTFILTER on ifindex 2 (egress, prio 1, handle 1): EINVAL");
		CHECK_CONTAINS(d.msg, "BPF_PROG_TYPE_SCHED_CLS");
	}
	rl_nl_set_transport(NULL, NULL);
}

int main(void)
{
	static const struct unit_test tests[] = {
		UNIT_TEST(test_newfilter),
		UNIT_TEST(test_delfilter_and_qdisc),
		UNIT_TEST(test_parse_dump),
		UNIT_TEST(test_records),
		UNIT_TEST(test_explain_and_offsets),
		UNIT_TEST(test_clsact_ensure),
	};

	return unit_run("tc_msg", tests, (int)(sizeof(tests) / sizeof(tests[0])));
}
