/* args.c - a small option parser shared by the subcommands.
 *
 * Options are "--name VALUE" or "--name" (a flag) and may be mixed with
 * positional arguments.  Unknown options and missing values are usage
 * errors (exit 2) with the command's usage line.
 */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

int cli_parse_args(const char *cmd, int argc, char **argv, const struct cli_opt *opts,
		   const char **pos, int min_pos, int max_pos, int *npos)
{
	*npos = 0;
	for (int i = 1; i < argc; i++) {
		const struct cli_opt *o = NULL;

		if (argv[i][0] != '-' || argv[i][1] == '\0') {
			if (*npos >= max_pos)
				return cli_usage_error(cmd, "unexpected argument '%s'", argv[i]);
			pos[(*npos)++] = argv[i];
			continue;
		}
		for (const struct cli_opt *c = opts; c && c->name; c++)
			if (!strcmp(c->name, argv[i]))
				o = c;
		if (!o)
			return cli_usage_error(cmd, "unknown option '%s'", argv[i]);
		if (o->flag) {
			*o->flag = true;
		} else {
			if (i + 1 >= argc)
				return cli_usage_error(cmd, "option '%s' needs a value", argv[i]);
			*o->value = argv[++i];
		}
	}
	if (*npos < min_pos)
		return cli_usage_error(cmd, "missing argument%s", min_pos - *npos > 1 ? "s" : "");
	return 0;
}

int cli_parse_id(const char *s, uint32_t *id)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || !*s || *s == '-' || v == 0 || v > UINT32_MAX)
		return -EINVAL;
	*id = (uint32_t)v;
	return 0;
}
