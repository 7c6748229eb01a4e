/* nl_explain.c - the field writer every netlink narration uses
 * (nl_explain_internal.h): LABEL, the bytes in hex 8 a line, the meaning.
 * Pure: it only formats into a buffer. */
#include "nl_explain_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define LABEL_W   11
#define HEX_BYTES 8
#define HEX_W     (HEX_BYTES * 3)

void rl_nlw_printf(struct rl_nlw *w, const char *fmt, ...)
{
	size_t room = w->len < w->cap ? w->cap - w->len : 0;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(room ? w->out + w->len : NULL, room, fmt, ap);
	va_end(ap);
	if (n > 0)
		w->len += (size_t)n;
}

/* One field: label, its bytes in hex, what they mean. */
void rl_nlw_field(struct rl_nlw *w, int depth, const char *label, const uint8_t *p, size_t n,
		  const char *fmt, ...)
{
	char meaning[256], hex[HEX_W + 1], line[LABEL_W + HEX_W + sizeof(meaning) + 8];
	size_t i = 0, end;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(meaning, sizeof(meaning), fmt, ap);
	va_end(ap);
	do {
		size_t chunk = n - i < HEX_BYTES ? n - i : HEX_BYTES;

		hex[0] = '\0';
		for (size_t j = 0; j < chunk; j++)
			snprintf(hex + 3 * j, sizeof(hex) - 3 * j, "%02x ", p[i + j]);
		snprintf(line, sizeof(line), "%*s%-*s%-*s%s", depth * 2, "",
			 LABEL_W - depth * 2, i == 0 ? label : "", HEX_W, hex,
			 i == 0 ? meaning : "");
		end = strlen(line);
		while (end > 0 && line[end - 1] == ' ')
			end--;
		rl_nlw_printf(w, "%s%.*s\n", w->indent ? w->indent : "", (int)end, line);
		i += chunk;
	} while (i < n);
}

