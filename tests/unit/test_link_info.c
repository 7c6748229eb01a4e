/* test_link_info.c - the pure parts of link listing and load-then-attach:
 * bpf_link_info bytes decoded per link type (loader/attach/link_list.c),
 * the type names `bpftool link list` uses, where a link's name pointer
 * goes, and `id:N` references (loader/lifecycle/prog_ref.c).
 *
 * Each info is built the way the kernel's fill_link_info writes it on Linux
 * 6.18 (include/uapi/linux/bpf.h): type, id, prog_id, then the union at
 * offset 16.  No root needed.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "link_list.h"
#include "prog_ref.h"
#include "unit.h"

struct info {
	uint8_t b[96];
};

static struct info head(uint32_t type, uint32_t id, uint32_t prog_id)
{
	struct info i;

	memset(&i, 0, sizeof(i));
	memcpy(i.b, &type, 4);
	memcpy(i.b + 4, &id, 4);
	memcpy(i.b + 8, &prog_id, 4);
	return i;
}

static void put32(struct info *i, size_t off, uint32_t v) { memcpy(i->b + off, &v, 4); }
static void put64(struct info *i, size_t off, uint64_t v) { memcpy(i->b + off, &v, 8); }

static void test_decode_xdp_tcx(void)
{
	struct info i = head(6, 384, 40380);
	struct rl_link_desc l;

	put32(&i, 16, 7);
	CHECK_EQ(rl_link_decode(i.b, sizeof(i.b), &l), 0);
	CHECK_EQ(l.type, RL_LINK_XDP);
	CHECK_EQ(l.id, 384);
	CHECK_EQ(l.prog_id, 40380);
	CHECK_EQ(l.ifindex, 7);
	CHECK_EQ(l.attach_type, 0);
	i = head(11, 5, 6);
	put32(&i, 16, 3);
	put32(&i, 20, 47);      /* BPF_TCX_EGRESS */
	CHECK_EQ(rl_link_decode(i.b, sizeof(i.b), &l), 0);
	CHECK_EQ(l.ifindex, 3);
	CHECK_EQ(l.attach_type, 47);
}

static void test_decode_cgroup_sockmap_netns(void)
{
	struct info i = head(3, 9, 10);
	struct rl_link_desc l;

	put64(&i, 16, 0x123456789ull);
	put32(&i, 24, 3);       /* BPF_CGROUP_SOCK_OPS */
	rl_link_decode(i.b, sizeof(i.b), &l);
	CHECK_EQ(l.cgroup_id, 0x123456789ull);
	CHECK_EQ(l.attach_type, 3);
	i = head(14, 11, 12);
	put32(&i, 16, 55);
	put32(&i, 20, 7);       /* BPF_SK_MSG_VERDICT */
	rl_link_decode(i.b, sizeof(i.b), &l);
	CHECK_EQ(l.map_id, 55);
	CHECK_EQ(l.attach_type, 7);
	i = head(5, 1, 2);
	put32(&i, 16, 4026531840u);
	put32(&i, 20, 17);      /* BPF_FLOW_DISSECTOR */
	rl_link_decode(i.b, sizeof(i.b), &l);
	CHECK_EQ(l.netns_ino, 4026531840u);
	CHECK_EQ(l.attach_type, 17);
}

static void test_decode_tracing_perf_netfilter(void)
{
	struct info i = head(2, 1, 2);
	struct rl_link_desc l;

	put32(&i, 16, 24);      /* BPF_TRACE_FENTRY */
	put32(&i, 20, 1);
	put32(&i, 24, 4242);
	rl_link_decode(i.b, sizeof(i.b), &l);
	CHECK_EQ(l.attach_type, 24);
	CHECK_EQ(l.target_obj_id, 1);
	CHECK_EQ(l.target_btf_id, 4242);
	i = head(7, 1, 2);
	put32(&i, 16, 5);       /* BPF_PERF_EVENT_TRACEPOINT */
	rl_link_decode(i.b, sizeof(i.b), &l);
	CHECK_EQ(l.perf_type, 5);
	CHECK_STR(rl_link_perf_type_name(l.perf_type), "tracepoint");
	i = head(10, 1, 2);
	put32(&i, 16, 2);       /* NFPROTO_IPV4 */
	put32(&i, 20, 1);
	put32(&i, 24, (uint32_t)-100);
	rl_link_decode(i.b, sizeof(i.b), &l);
	CHECK_EQ(l.nf_pf, 2);
	CHECK_EQ(l.nf_hooknum, 1);
	CHECK_EQ(l.nf_priority, -100);
}

/* An older kernel writes fewer bytes: what it did not write reads as 0. */
static void test_decode_short(void)
{
	struct info i = head(11, 5, 6);
	struct rl_link_desc l;

	put32(&i, 16, 3);
	put32(&i, 20, 46);
	CHECK_EQ(rl_link_decode(i.b, 20, &l), 0);
	CHECK_EQ(l.ifindex, 3);
	CHECK_EQ(l.attach_type, 0);
	CHECK_EQ(rl_link_decode(i.b, 11, &l), -EINVAL);
}

static void test_names(void)
{
	CHECK_STR(rl_link_type_name(1), "raw_tracepoint");
	CHECK_STR(rl_link_type_name(6), "xdp");
	CHECK_STR(rl_link_type_name(11), "tcx");
	CHECK_STR(rl_link_type_name(14), "sockmap");
	CHECK_STR(rl_link_type_name(99), "unknown");
	CHECK_EQ(rl_link_name_offset(RL_LINK_RAW_TP, 0), 16);
	CHECK_EQ(rl_link_name_offset(RL_LINK_PERF_EVENT, 5), 24);
	CHECK_EQ(rl_link_name_offset(RL_LINK_PERF_EVENT, 6), 0);   /* a perf counter: no name */
	CHECK_EQ(rl_link_name_offset(RL_LINK_XDP, 0), 0);
}

static void test_prog_ref_id(void)
{
	uint32_t id = 0;

	CHECK_EQ(rl_prog_ref_parse_id("id:42", &id), 1);
	CHECK_EQ(id, 42);
	CHECK_EQ(rl_prog_ref_parse_id("id:4294967295", &id), 1);
	CHECK_EQ(id, 4294967295u);
	CHECK_EQ(rl_prog_ref_parse_id("/sys/fs/bpf/lab/xdp_drop_ping", &id), 0);
	CHECK_EQ(rl_prog_ref_parse_id("id:0", &id), -EINVAL);
	CHECK_EQ(rl_prog_ref_parse_id("id:", &id), -EINVAL);
	CHECK_EQ(rl_prog_ref_parse_id("id:-1", &id), -EINVAL);
	CHECK_EQ(rl_prog_ref_parse_id("id:12x", &id), -EINVAL);
	CHECK_EQ(rl_prog_ref_parse_id("id:4294967296", &id), -EINVAL);
}

int main(void)
{
	static const struct unit_test tests[] = {
		UNIT_TEST(test_decode_xdp_tcx),
		UNIT_TEST(test_decode_cgroup_sockmap_netns),
		UNIT_TEST(test_decode_tracing_perf_netfilter),
		UNIT_TEST(test_decode_short),
		UNIT_TEST(test_names),
		UNIT_TEST(test_prog_ref_id),
	};

	return unit_run("link_info", tests, sizeof(tests) / sizeof(tests[0]));
}
