/* main.c - rawload's entry point: global flags, then a dispatch table of
 * subcommands (one file each, like bpftool's prog.c / net.c / cgroup.c).
 * What each command says about itself (usage, --help) is in usage.c. */
#include "cli.h"
#include "explain.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>

static const struct cli_cmd commands[] = {
	{ "inspect", cmd_inspect },
	{ "xdp", cmd_xdp },
	{ "tc", cmd_tc },
	{ "trace", cmd_trace },
	{ "sockops", cmd_sockops },
	{ "load", cmd_load },
	{ "run", cmd_run },
	{ "detach", cmd_detach },
	{ "show", cmd_show },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

/* Global flags may stand anywhere on the line ("rawload xdp o.o veth0 --explain"):
 * take them out of argv before the subcommand parses the rest. */
static int take_global_flags(int argc, char **argv, struct cli *cli)
{
	int out = 1;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--explain"))
			cli->explain = true;
		else if (!strcmp(argv[i], "-v"))
			cli->verbose = true;
		else if (!strcmp(argv[i], "--json"))
			cli->json = true;
		else
			argv[out++] = argv[i];
	}
	argv[out] = NULL;
	return out;
}

int main(int argc, char **argv)
{
	struct cli cli = { 0 };

	/* A reader that goes away (`rawload --explain xdp ... | head`) must not
	 * kill us between two kernel changes: with SIGPIPE ignored a write to
	 * the closed pipe fails with EPIPE and the command runs to its end.
	 * SIGHUP (a closed terminal) is held off with SIGINT/SIGTERM during
	 * each sequence and rolls it back (signals.c). */
	signal(SIGPIPE, SIG_IGN);
	argc = take_global_flags(argc, argv, &cli);
	cli_explain_install(&cli);
	if (argc < 2) {
		cli_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") || !strcmp(argv[1], "help")) {
		cli_usage(stdout);
		return EXIT_OK;
	}
	for (size_t c = 0; c < N_COMMANDS; c++) {
		if (strcmp(commands[c].name, argv[1]) != 0)
			continue;
		if (cli_wants_help(argc - 1, argv + 1))
			return cli_print_help(commands[c].name);
		return commands[c].run(argc - 1, argv + 1, &cli);
	}
	fprintf(stderr, "rawload: unknown command '%s'\n", argv[1]);
	cli_usage(stderr);
	return EXIT_USAGE;
}
