/* test_host.c - host facts behind the map conventions (loader/kernel/host.c,
 * rl_map_conventions in load_maps.c), without root. */
#include "unit.h"

#include <linux/bpf.h>
#include <errno.h>
#include <unistd.h>

#include "host.h"
#include "kconfig.h"
#include "load_internal.h"

static void test_cpu_list(void)
{
	static const struct { const char *s; int err; uint32_t n; } cases[] = {
		{ "0\n", 0, 1 }, { "0-1\n", 0, 2 }, { "0-3,8,10-11\n", 0, 7 }, { "0-127", 0, 128 },
		{ "", -EINVAL, 0 }, { "\n", -EINVAL, 0 }, { "3-1", -EINVAL, 0 }, { "0-", -EINVAL, 0 },
		{ "a", -EINVAL, 0 }, { "0;1", -EINVAL, 0 }, { "0-4294967295", -EINVAL, 0 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint32_t n = 0;

		CHECK_EQ(rl_parse_cpu_list(cases[i].s, &n), cases[i].err);
		if (!cases[i].err)
			CHECK_EQ(n, cases[i].n);
	}
}

static void test_possible_cpus(void)
{
	struct rl_diag d = { "" };
	uint32_t n = 0;

	CHECK_EQ(rl_possible_cpus(&n, &d), 0);
	CHECK(n >= 1);
	CHECK(n >= (uint32_t)sysconf(_SC_NPROCESSORS_CONF)); /* glibc counts the present ones */
}

static void test_ringbuf_size(void)
{
	CHECK_EQ(rl_ringbuf_size(1, 4096), 4096);
	CHECK_EQ(rl_ringbuf_size(4096, 4096), 4096);
	CHECK_EQ(rl_ringbuf_size(5000, 4096), 8192);
	CHECK_EQ(rl_ringbuf_size(3 * 4096, 4096), 4 * 4096);
	CHECK_EQ(rl_ringbuf_size(256 * 1024, 4096), 256 * 1024);
	CHECK_EQ(rl_ringbuf_size(5000, 65536), 65536);
	CHECK_EQ(rl_ringbuf_size(0x80000001u, 4096), 0);
}

static void test_conventions(void)
{
	struct rl_map_spec s = { .type = BPF_MAP_TYPE_PERF_EVENT_ARRAY, .key_size = 4, .value_size = 4 };
	struct rl_diag d = { "" };
	uint32_t max = 1234, flags = 99, cpus = 0;
	long page = sysconf(_SC_PAGESIZE);

	CHECK_EQ(rl_possible_cpus(&cpus, &d), 0);
	CHECK_EQ(rl_map_conventions(&s, &max, &flags, &d), 0);
	CHECK_EQ(max, cpus);
	CHECK_EQ(flags, 0);
	s.max_entries = 3; /* a declared size stays */
	CHECK_EQ(rl_map_conventions(&s, &max, &flags, &d), 0);
	CHECK_EQ(max, 3);

	s = (struct rl_map_spec){ .type = BPF_MAP_TYPE_RINGBUF, .max_entries = 5000,
				  .map_flags = BPF_F_NUMA_NODE };
	CHECK_EQ(rl_map_conventions(&s, &max, &flags, &d), 0);
	CHECK_EQ(max, rl_ringbuf_size(5000, (uint32_t)page));
	CHECK_EQ(flags, BPF_F_NUMA_NODE);

	s = (struct rl_map_spec){ .type = BPF_MAP_TYPE_ARRAY, .max_entries = 1, .origin = RL_MAP_GLOBAL_DATA,
				  .map_flags = BPF_F_RDONLY_PROG };
	CHECK_EQ(rl_map_conventions(&s, &max, &flags, &d), 0);
	CHECK_EQ(max, 1);
	CHECK_EQ(flags, BPF_F_RDONLY_PROG | BPF_F_MMAPABLE);
	CHECK_EQ(s.map_flags, BPF_F_RDONLY_PROG); /* the spec keeps what the object says */

	s = (struct rl_map_spec){ .type = BPF_MAP_TYPE_HASH, .max_entries = 0 };
	CHECK_EQ(rl_map_conventions(&s, &max, &flags, &d), 0);
	CHECK_EQ(max, 0); /* only perf event arrays mean "per CPU" by 0 */
}

static void test_kconfig_parse(void)
{
	static const char cfg[] = "#\n# Automatically generated file\nCONFIG_HZ=250\n"
		"# CONFIG_FOO is not set\nCONFIG_BPF_LSM=y\nCONFIG_MOD=m\n"
		"CONFIG_STR=\"a=b\"\nNOT_CONFIG=1\nCONFIG_LAST=7";
	struct rl_kconfig kc;
	struct rl_diag d = { "" };
	char *text = malloc(sizeof(cfg));

	memcpy(text, cfg, sizeof(cfg));
	CHECK_EQ(rl_kconfig_parse(&kc, text, sizeof(cfg) - 1, &d), 0);
	CHECK_EQ(kc.nr, 5);
	CHECK_STR(rl_kconfig_value(&kc, "CONFIG_HZ"), "250");
	CHECK_STR(rl_kconfig_value(&kc, "CONFIG_BPF_LSM"), "y");
	CHECK_STR(rl_kconfig_value(&kc, "CONFIG_MOD"), "m");
	CHECK_STR(rl_kconfig_value(&kc, "CONFIG_STR"), "\"a=b\"");
	CHECK_STR(rl_kconfig_value(&kc, "CONFIG_LAST"), "7");
	CHECK(rl_kconfig_value(&kc, "CONFIG_FOO") == NULL);
	CHECK(rl_kconfig_value(&kc, "NOT_CONFIG") == NULL);
	rl_kconfig_free(&kc);
}

/* The running kernel's config, read by kconfig.c, against `zcat /proc/config.gz`
 * read here by a pipe (a different reader). */
static void test_kconfig_running(void)
{
	const struct rl_kconfig *kc;
	struct rl_diag d = { "" };
	char line[512];
	int checked = 0;
	FILE *p = popen("zcat /proc/config.gz 2>/dev/null || cat /boot/config-$(uname -r)", "r");

	CHECK_EQ(rl_kconfig_get(&kc, &d), 0);
	if (!p)
		return;
	while (fgets(line, sizeof(line), p)) {
		char *eq = strchr(line, '=');

		if (strncmp(line, "CONFIG_", 7) || !eq)
			continue;
		*eq = '\0';
		eq[strcspn(eq + 1, "\n") + 1] = '\0';
		CHECK_STR(rl_kconfig_value(kc, line), eq + 1);
		checked++;
	}
	pclose(p);
	CHECK(checked > 100);
	CHECK_EQ(checked, kc->nr);
}

int main(void)
{
	static const struct unit_test tests[] = {
		UNIT_TEST(test_cpu_list),
		UNIT_TEST(test_possible_cpus),
		UNIT_TEST(test_ringbuf_size),
		UNIT_TEST(test_conventions),
		UNIT_TEST(test_kconfig_parse),
		UNIT_TEST(test_kconfig_running),
	};

	return unit_run("host", tests, sizeof(tests) / sizeof(tests[0]));
}
