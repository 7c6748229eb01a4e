/* kconfig.c - the running kernel's build configuration.
 *
 * Kernel interfaces: /boot/config-$(uname -r) (distributions install the
 * config there) or /proc/config.gz (CONFIG_IKCONFIG_PROC, gzip), lines of
 * "CONFIG_NAME=value" and "# CONFIG_NAME is not set"; and
 * /sys/kernel/security/lockdown ("none [integrity] confidentiality", the
 * bracketed word is the mode) for the lockdown LSM.
 */
#include "kconfig.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <zlib.h>

int rl_kconfig_parse(struct rl_kconfig *kc, char *text, size_t len, struct rl_diag *d)
{
	size_t cap = 0;

	memset(kc, 0, sizeof(*kc));
	kc->text = text;
	for (size_t i = 0; i < len;) {
		char *line = text + i, *nl = memchr(line, '\n', len - i), *eq;
		size_t n = nl ? (size_t)(nl - line) : len - i;

		line[n] = '\0';  /* text has one spare byte past len */
		i += n + 1;
		if (strncmp(line, "CONFIG_", 7) != 0 || !(eq = strchr(line, '=')))
			continue;
		*eq = '\0';
		if (kc->nr == cap) {
			struct rl_kconfig_entry *e;

			cap = cap ? cap * 2 : 1024;
			e = realloc(kc->entries, cap * sizeof(*e));
			if (!e) {
				rl_kconfig_free(kc);
				return rl_err(d, ENOMEM, "kernel config: out of memory");
			}
			kc->entries = e;
		}
		kc->entries[kc->nr].name = line;
		kc->entries[kc->nr].value = eq + 1;
		kc->nr++;
	}
	return 0;
}

const char *rl_kconfig_value(const struct rl_kconfig *kc, const char *name)
{
	for (size_t i = 0; kc && i < kc->nr; i++)
		if (!strcmp(kc->entries[i].name, name))
			return kc->entries[i].value;
	return NULL;
}

void rl_kconfig_free(struct rl_kconfig *kc)
{
	free(kc->entries);
	free(kc->text);
	memset(kc, 0, sizeof(*kc));
}

/* The whole (possibly gzip'ed: gzread passes plain files through) file, with
 * a spare byte for the parser's terminator. */
static char *read_all(const char *path, size_t *len)
{
	gzFile f = gzopen(path, "rb");
	size_t cap = 1 << 16, n = 0;
	char *buf = NULL;
	int got;

	if (!f)
		return NULL;
	do {
		if (!buf || cap - n < 2) {
			char *nb = realloc(buf, cap *= 2);

			if (!nb) {
				free(buf);
				gzclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = gzread(f, buf + n, (unsigned)(cap - n - 1));
		if (got > 0)
			n += (size_t)got;
	} while (got > 0);
	gzclose(f);
	if (got < 0) {
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	*len = n;
	return buf;
}

int rl_kconfig_get(const struct rl_kconfig **out, struct rl_diag *d)
{
	static struct rl_kconfig kc;
	static int state;  /* 0 unread, 1 read, <0 failed */
	char paths[2][96];
	struct utsname u;

	if (state == 0) {
		state = -ENOENT;
		snprintf(paths[0], sizeof(paths[0]), "/boot/config-%s", uname(&u) ? "" : u.release);
		snprintf(paths[1], sizeof(paths[1]), "/proc/config.gz");
		for (int i = 0; i < 2 && state < 0; i++) {
			size_t len;
			char *text = read_all(paths[i], &len);

			if (text && !rl_kconfig_parse(&kc, text, len, d)) {
				snprintf(kc.source, sizeof(kc.source), "%.*s", (int)sizeof(kc.source) - 1, paths[i]);
				state = 1;
			}
		}
	}
	if (state < 0)
		return rl_err(d, state, "the kernel's config is in neither /boot/config-$(uname -r) nor /proc/config.gz");
	*out = &kc;
	return 0;
}

const char *rl_lockdown_mode(const char **how)
{
	static const char *const modes[] = { "integrity", "confidentiality" };
	const struct rl_kconfig *kc;
	struct rl_diag d;
	char buf[128] = "";
	FILE *f = fopen("/sys/kernel/security/lockdown", "re");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
		*how = "/sys/kernel/security/lockdown";
		for (int i = 0; i < 2; i++) {
			char want[32];

			snprintf(want, sizeof(want), "[%s]", modes[i]);
			if (strstr(buf, want))
				return modes[i];
		}
		return NULL;
	}
	if (rl_kconfig_get(&kc, &d))
		return NULL;
	*how = "CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY=y";
	if (rl_kconfig_value(kc, "CONFIG_LOCK_DOWN_KERNEL_FORCE_INTEGRITY"))
		return modes[0];
	*how = "CONFIG_LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY=y";
	if (rl_kconfig_value(kc, "CONFIG_LOCK_DOWN_KERNEL_FORCE_CONFIDENTIALITY"))
		return modes[1];
	return NULL;
}
