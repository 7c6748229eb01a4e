/* output.c - the CLI's two ways of speaking: the one-line error on stderr
 * ("rawload: <what>: <diag>") and JSON strings for --json. */
#include "cli.h"

#include <stdlib.h>

int cli_fail(const char *what, const struct rl_diag *d)
{
	if (what && *what)
		fprintf(stderr, "rawload: %s: %s\n", what, d->msg);
	else
		fprintf(stderr, "rawload: %s\n", d->msg);
	return EXIT_USER;
}

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}
