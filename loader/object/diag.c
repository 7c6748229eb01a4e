/* diag.c - building the one-line, outside-in error message (see diag.h). */
#include "diag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

int rl_err(struct rl_diag *d, int err, const char *fmt, ...)
{
	va_list ap;

	if (d) {
		va_start(ap, fmt);
		vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
		va_end(ap);
	}
	return err > 0 ? -err : err;
}

void rl_diag_prefix(struct rl_diag *d, const char *fmt, ...)
{
	char old[RL_DIAG_MAX];
	va_list ap;
	int n;

	if (!d)
		return;
	memcpy(old, d->msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(d->msg) - 1)
		return;
	/* keep as much of the inner reason as fits after the prefix */
	strncat(d->msg, old, sizeof(d->msg) - 1 - (size_t)n);
}

void rl_diag_clear(struct rl_diag *d)
{
	if (d)
		d->msg[0] = '\0';
}
