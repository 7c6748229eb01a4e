/* test_tracepoint.c - where a tracing program goes, from its section name
 * (loader/attach/tracepoint.c rl_tp_parse_section), without root. */
#include "unit.h"

#include "tracepoint.h"

static void test_sections(void)
{
	struct rl_tp_target t;

	CHECK(rl_tp_parse_section("tracepoint/syscalls/sys_enter_openat", &t));
	CHECK(t.kind == RL_TP_TRACEPOINT);
	CHECK_STR(t.cat, "syscalls");
	CHECK_STR(t.name, "sys_enter_openat");
	CHECK(rl_tp_parse_section("tp/sched/sched_switch", &t));
	CHECK_STR(t.cat, "sched");
	CHECK_STR(t.name, "sched_switch");
	CHECK(rl_tp_parse_section("raw_tp/sys_enter", &t));
	CHECK(t.kind == RL_TP_RAW);
	CHECK_STR(t.name, "sys_enter");
	CHECK(rl_tp_parse_section("raw_tracepoint/sched_switch", &t));
	CHECK_STR(t.name, "sched_switch");
	/* no category, an empty part, a third level, nothing after the prefix */
	CHECK(!rl_tp_parse_section("tracepoint/sys_enter_openat", &t));
	CHECK(!rl_tp_parse_section("tp//x", &t));
	CHECK(!rl_tp_parse_section("tp/a/", &t));
	CHECK(!rl_tp_parse_section("tp/a/b/c", &t));
	CHECK(!rl_tp_parse_section("raw_tp/", &t));
	CHECK(!rl_tp_parse_section("raw_tp/a/b", &t));
	CHECK(!rl_tp_parse_section("kprobe/do_sys_openat2", &t));
}

int main(void)
{
	static const struct unit_test tests[] = { UNIT_TEST(test_sections) };

	return unit_run("tracepoint", tests, 1);
}
