/* host.c - facts about the running machine that an object's conventions need.
 *
 * Kernel interfaces: /sys/devices/system/cpu/possible (the CPU list format of
 * Documentation/admin-guide/cputopology.rst, "0-3,8") for PERF_EVENT_ARRAY
 * maps declared with max_entries 0, and the page size for ring buffers.
 */
#include "host.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int rl_parse_cpu_list(const char *s, uint32_t *count)
{
	uint64_t n = 0;

	while (*s && *s != '\n') {
		char *end;
		unsigned long a, b;

		if (*s < '0' || *s > '9')
			return -EINVAL;
		a = strtoul(s, &end, 10);
		b = a;
		if (*end == '-') {
			if (end[1] < '0' || end[1] > '9')
				return -EINVAL;
			b = strtoul(end + 1, &end, 10);
		}
		if (b < a || b - a >= 1u << 20)
			return -EINVAL;
		n += b - a + 1;
		if (*end == ',')
			end++;
		else if (*end && *end != '\n')
			return -EINVAL;
		s = end;
	}
	if (n == 0 || n > UINT32_MAX)
		return -EINVAL;
	*count = (uint32_t)n;
	return 0;
}

int rl_possible_cpus(uint32_t *count, struct rl_diag *d)
{
	static const char path[] = "/sys/devices/system/cpu/possible";
	static uint32_t cached;
	char buf[256];
	FILE *f;
	int err;

	if (cached) {
		*count = cached;
		return 0;
	}
	f = fopen(path, "re");
	if (!f)
		return rl_err(d, errno, "%s: %s", path, strerror(errno));
	if (!fgets(buf, sizeof(buf), f))
		buf[0] = '\0';
	fclose(f);
	err = rl_parse_cpu_list(buf, &cached);
	if (err) {
		cached = 0;
		return rl_err(d, EINVAL, "%s: '%.40s' is not a CPU list", path, buf);
	}
	*count = cached;
	return 0;
}

uint32_t rl_ringbuf_size(uint32_t want, uint32_t page)
{
	uint64_t sz = page ? page : 4096;

	while (sz < want)
		sz <<= 1;
	return sz > UINT32_MAX ? 0 : (uint32_t)sz;
}
