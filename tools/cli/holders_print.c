/* holders_print.c - printing what loader/lifecycle/holders.c found: "held
 * by:" one holder a line and "freed when:", or the same as JSON members. */
#include "cli.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define PRINT_HOLDERS_MAX 32

static const char *holder_kind_key(enum rl_holder_kind k)
{
	static const char *const names[] = {
		[RL_HOLD_PIN] = "pin", [RL_HOLD_XDP] = "xdp", [RL_HOLD_CGROUP] = "cgroup",
		[RL_HOLD_SOCKMAP] = "sockmap", [RL_HOLD_PROG_ARRAY] = "prog_array",
		[RL_HOLD_OUTER_MAP] = "outer_map", [RL_HOLD_PROG_USES] = "program",
		[RL_HOLD_FD] = "fd", [RL_HOLD_TC] = "tc", [RL_HOLD_LINK] = "link",
		[RL_HOLD_PERF] = "perf_event",
	};
	return names[k];
}

static void print_holders_json(const struct rl_holder *h, int n, const char *freed)
{
	char text[PATH_MAX + 128];

	printf(",\"holders\":[");
	for (int i = 0; i < n; i++) {
		rl_holder_text(&h[i], text, sizeof(text));
		printf("%s{\"kind\":\"%s\",\"text\":", i ? "," : "", holder_kind_key(h[i].kind));
		json_str(stdout, text);
		if (h[i].kind == RL_HOLD_PIN) {
			printf(",\"path\":");
			json_str(stdout, h[i].path);
		}
		printf("}");
	}
	printf("],\"freed_when\":");
	json_str(stdout, freed);
}

void cli_print_holders(uint32_t id, bool is_map, bool json, const char *indent)
{
	static struct rl_holder h[PRINT_HOLDERS_MAX];  /* static: each is PATH_MAX-sized */
	static char freed[8192];
	char text[PATH_MAX + 128];
	int n = rl_find_holders(id, is_map, h, PRINT_HOLDERS_MAX);

	if (n < 0 && !json) {
		printf("%s%-12s%s\n", indent, "held by:", n == -ENOENT ? "(gone: freed meanwhile)" :
		       "(cannot tell: the kernel refused to show it)");
		return;
	}
	if (n < 0)
		n = 0;
	rl_freed_when(h, n, freed, sizeof(freed));
	if (json) {
		print_holders_json(h, n, freed);
		return;
	}
	for (int i = 0; i < n; i++) {
		rl_holder_text(&h[i], text, sizeof(text));
		printf("%s%-12s%s\n", indent, i ? "" : "held by:", text);
	}
	if (!n)
		printf("%s%-12s%s\n", indent, "held by:", "nothing but fds (none found in other processes)");
	printf("%s%-12s%s\n", indent, "freed when:", freed);
}
