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
#include <fcntl.h>
#include <unistd.h>

#include "inflate.h"

/* A kernel config is ~10k lines; anything far larger is not one. */
#define KCONFIG_MAX (64u << 20)

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

/* The whole file, gunzip'ed when it starts with gzip's magic, with a spare
 * byte for the parser's terminator.  NULL (and d says why) when unreadable. */
static char *read_all(const char *path, size_t *len, int *damaged, struct rl_diag *d)
{
	struct rl_inflate_out text = { .cap = KCONFIG_MAX };
	size_t cap = 1 << 16, n = 0;
	uint8_t *buf = NULL;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t got;

	if (fd < 0)
		return NULL;
	do {
		if (!buf || cap - n < 2) {
			uint8_t *nb = n > KCONFIG_MAX ? NULL : realloc(buf, cap *= 2);

			if (!nb) {
				free(buf);
				close(fd);
				return NULL;
			}
			buf = nb;
		}
		got = read(fd, buf + n, cap - n - 1);
		if (got > 0)
			n += (size_t)got;
	} while (got > 0 || (got < 0 && errno == EINTR));
	close(fd);
	if (got < 0 || n < 2 || buf[0] != 0x1f || buf[1] != 0x8b) {
		if (got < 0) {
			free(buf);
			return NULL;
		}
		buf[n] = '\0';
		*len = n;
		return (char *)buf;
	}
	if (rl_gunzip(buf, n, &text, d)) {
		rl_diag_prefix(d, "%s", path);
		*damaged = 1;
		free(buf);
		free(text.buf);
		return NULL;
	}
	free(buf);
	*len = text.len;
	return (char *)text.buf;  /* rl_gunzip leaves a zero past len */
}

int rl_kconfig_get(const struct rl_kconfig **out, struct rl_diag *d)
{
	static struct rl_kconfig kc;
	static int state;  /* 0 unread, 1 read, <0 failed */
	char paths[2][96];
	struct utsname u;
	int damaged = 0;

	if (state == 0) {
		state = -ENOENT;
		snprintf(paths[0], sizeof(paths[0]), "/boot/config-%s", uname(&u) ? "" : u.release);
		snprintf(paths[1], sizeof(paths[1]), "/proc/config.gz");
		for (int i = 0; i < 2 && state < 0; i++) {
			size_t len;
			char *text = read_all(paths[i], &len, &damaged, d);

			if (text && !rl_kconfig_parse(&kc, text, len, d)) {
				snprintf(kc.source, sizeof(kc.source), "%.*s", (int)sizeof(kc.source) - 1, paths[i]);
				state = 1;
			}
		}
	}
	if (state < 0 && damaged)  /* d already says which file and what is wrong */
		return state = -EINVAL;
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
