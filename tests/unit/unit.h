/* unit.h - a tiny test harness: CHECK() records a failure and goes on,
 * each test is a function, and main() prints "NAME: N passed, N failed". */
#ifndef RL_UNIT_H
#define RL_UNIT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int unit_failed_checks;

#define CHECK(cond) do { if (!(cond)) { unit_failed_checks++; \
	fprintf(stderr, "  %s:%d: CHECK(%s) failed\n", __FILE__, __LINE__, #cond); } } while (0)
#define CHECK_EQ(a, b) do { long long _a = (long long)(a), _b = (long long)(b); if (_a != _b) { \
	unit_failed_checks++; fprintf(stderr, "  %s:%d: %s == %lld, expected %s == %lld\n", \
	__FILE__, __LINE__, #a, _a, #b, _b); } } while (0)
#define CHECK_STR(a, b) do { const char *_a = (a), *_b = (b); if (!_a || strcmp(_a, _b)) { \
	unit_failed_checks++; fprintf(stderr, "  %s:%d: %s is \"%s\", expected \"%s\"\n", \
	__FILE__, __LINE__, #a, _a ? _a : "(null)", _b); } } while (0)
#define CHECK_CONTAINS(hay, needle) do { const char *_h = (hay), *_n = (needle); \
	if (!_h || !strstr(_h, _n)) { unit_failed_checks++; fprintf(stderr, \
	"  %s:%d: \"%s\" does not contain \"%s\"\n", __FILE__, __LINE__, _h ? _h : "(null)", _n); } } while (0)

/* The whole file in a malloc'd buffer (NULL if unreadable).  Reads until EOF
 * rather than trusting the size: sysfs files such as /sys/kernel/btf/vmlinux
 * report a size that is not their length. */
static inline void *unit_read_file(const char *path, size_t *size)
{
	FILE *f = fopen(path, "rb");
	size_t cap = 1 << 16, n = 0, got;
	uint8_t *buf = NULL, *nb;

	if (!f)
		return NULL;
	do {
		if (!buf || n == cap) {
			cap = buf ? cap * 2 : cap;
			nb = realloc(buf, cap);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*size = n;
	return buf;
}

struct unit_test { const char *name; void (*fn)(void); };
#define UNIT_TEST(f) { #f, f }

static inline int unit_run(const char *suite, const struct unit_test *tests, int n)
{
	int passed = 0, failed = 0;

	for (int i = 0; i < n; i++) {
		int before = unit_failed_checks;
		tests[i].fn();
		if (unit_failed_checks == before) {
			passed++;
		} else {
			failed++;
			fprintf(stderr, "FAIL %s.%s\n", suite, tests[i].name);
		}
	}
	printf("%s: %d passed, %d failed\n", suite, passed, failed);
	return failed ? 1 : 0;
}

#endif
