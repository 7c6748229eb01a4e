/* usage.c - what each command says about itself: the one-line usage, the
 * `rawload CMD --help` paragraph, and the usage error that quotes them.
 * main.c's dispatch table names the same commands. */
#include "cli.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

struct cli_cmd_help {
	const char *name;
	const char *usage;   /* one line: "xdp OBJ DEV [--prog NAME] ..." */
	const char *help;    /* a paragraph for `rawload CMD --help` */
};

static const struct cli_cmd_help commands[] = {
	{ "inspect", "inspect OBJ [--json]",
	  "Parse OBJ without touching the kernel (no root needed) and list its sections,\n"
	  "programs, maps, relocations, BTF and CO-RE relocations." },
	{ "xdp", "xdp OBJ DEV [--prog NAME] [--mode native|skb|hw] [--replace | --link] [--pin DIR] | "
	  "xdp --pinned PATH|id:N|DIR DEV [--mode ...] [--replace | --link] [--pin DIR]",
	  "Load OBJ and attach its XDP program to network device DEV with an rtnetlink\n"
	  "RTM_SETLINK message (IFLA_XDP_FD + IFLA_XDP_FLAGS).  Mode native (the driver's\n"
	  "ndo_bpf) is the default; skb (generic XDP) only when asked.  A program already on\n"
	  "DEV is never replaced unless --replace, which swaps atomically\n"
	  "(IFLA_XDP_EXPECTED_FD).  --link: an XDP link (BPF_LINK_CREATE, BPF_XDP) pinned at\n"
	  "DIR/link_xdp instead of netlink.  Programs and maps are pinned under DIR (default\n"
	  "/sys/fs/bpf/rawload/<object>/).  Undo with `rawload detach xdp DEV`.\n"
	  "--pinned: attach a program already in the kernel (`rawload load OBJ --pin DIR`\n"
	  "first): its pin PATH, id:N, or a pin directory DIR holding one XDP program; its\n"
	  "type must be XDP.  The attach is recorded in PARENT/xdp_<ifindex> (a second pin\n"
	  "of the program, and link_xdp with --link), PARENT being --pin DIR or the\n"
	  "directory of the program's pin.  `rawload detach xdp DEV --pin PARENT` removes\n"
	  "the attach and the record; the program's own pin keeps it loaded." },
	{ "tc", "tc OBJ DEV [--ingress|--egress] [--prog NAME] [--link] [--pin DIR]",
	  "Load OBJ and attach its tc program (SEC(\"tc\"), BPF_PROG_TYPE_SCHED_CLS) to\n"
	  "network device DEV, at ingress (the default) or egress.  By default over\n"
	  "rtnetlink: the clsact qdisc if DEV has none (RTM_NEWQDISC), then a direct-action\n"
	  "cls_bpf filter at the lowest free priority (RTM_NEWTFILTER, TCA_BPF_FD,\n"
	  "TCA_BPF_FLAG_ACT_DIRECT).  --link uses a tcx link instead (BPF_LINK_CREATE with\n"
	  "BPF_TCX_INGRESS/EGRESS, Linux 6.6+), pinned beside the program.  Programs and\n"
	  "maps are pinned under DIR (default /sys/fs/bpf/rawload/<object>/) with a record\n"
	  "of the attachment.  Undo with `rawload detach tc DEV`." },
	{ "trace", "trace OBJ [--prog NAME] [--pin DIR] [--link] [--type NAME]",
	  "Load OBJ, attach every tracepoint program (SEC(\"tracepoint/CAT/NAME\") or\n"
	  "tp/CAT/NAME: perf_event_open(PERF_TYPE_TRACEPOINT) + PERF_EVENT_IOC_SET_BPF, or\n"
	  "with --link BPF_LINK_CREATE(BPF_PERF_EVENT), pinned) and raw tracepoint program\n"
	  "(raw_tp/NAME: BPF_RAW_TRACEPOINT_OPEN), and print the records of its ring buffer\n"
	  "map, field by field, decoded with their BTF type: --type NAME, else the struct\n"
	  "named after the map (events -> struct event, events, events_record).  Runs until\n"
	  "Ctrl-C/SIGTERM, then detaches and removes every pin (default pin directory\n"
	  "/sys/fs/bpf/rawload/<object>/).  Status lines go to stderr, records to stdout." },
	{ "sockops", "sockops (OBJ [OBJ...] [--pin DIR] | --pinned DIR|DIR/PROG|id:N) [--cgroup PATH] [--link]",
	  "Load the objects (later ones share maps by name with earlier ones, so\n"
	  "contrack.o + redirect.o share sock_ops_map), attach each sk_msg program to the\n"
	  "sockhash/sockmap it uses (BPF_SK_MSG_VERDICT) and then each sockops program to\n"
	  "the cgroup v2 directory PATH (BPF_CGROUP_SOCK_OPS with BPF_F_ALLOW_MULTI, so no\n"
	  "other program is displaced).  Without --cgroup: the cgroup rawload runs in (the\n"
	  "v2 root only when rawload runs there).  Programs and maps are pinned under DIR\n"
	  "(default /sys/fs/bpf/rawload/<first object>/).  Undo with\n"
	  "`rawload detach sockops --cgroup PATH --pin DIR`.\n"
	  "--link: attach with BPF_LINK_CREATE instead: a cgroup link for each sockops\n"
	  "program (DIR/link_sockops_<prog>) and, on Linux 6.10+, a sockmap link for each\n"
	  "sk_msg program (DIR/link_sk_msg_<prog>; older kernels: BPF_PROG_ATTACH, said in\n"
	  "one line).  Each link is pinned before the next attach; a link whose last pin\n"
	  "and fd go detaches itself.\n"
	  "--pinned DIR: attach the sockops and sk_msg programs already pinned in DIR\n"
	  "(`rawload load OBJ --pin DIR`), each sk_msg program to the sockhash its code\n"
	  "uses; links are pinned in DIR, and `detach sockops --pin DIR` removes it all.\n"
	  "--pinned DIR/PROG or id:N (through a pin of N on bpffs): that program only,\n"
	  "the lab's one-at-a-time order; DIR is the pin's directory.\n"
	  "Known kernel behaviour: with the redirect on, a blocking read() on a redirected\n"
	  "socket may now and then fail with EAGAIN; applications should retry it." },
	{ "load", "load OBJ [--pin DIR]",
	  "Load every map and program of OBJ and pin them under DIR (default\n"
	  "/sys/fs/bpf/rawload/<object>/); attach nothing.  Maps declared with\n"
	  "pinning = LIBBPF_PIN_BY_NAME reuse DIR/<map> when its shape matches.\n"
	  "The pins keep the objects alive; `rm -r DIR` frees them." },
	{ "run", "run OBJ --prog NAME (--packet FILE | --icmp-echo-reply | --tcp-syn) [--repeat N]",
	  "Load OBJ (attach nothing), run program NAME on a frame with BPF_PROG_TEST_RUN and\n"
	  "print the verdict by name, the output packet length and the mean ns/run.\n"
	  "--packet FILE takes a raw Ethernet frame; the canned frames are IPv4 from\n"
	  "192.0.2.1 to 192.0.2.2.  Everything is unloaded when the command ends." },
	{ "detach", "detach xdp DEV [--pin DIR] [--id N] | detach tc DEV [--ingress|--egress] [--pin DIR] | detach sockops [--cgroup PATH] [--pin DIR] [--id N]",
	  "xdp: take the XDP program off DEV (only if it is still the one looked at:\n"
	  "IFLA_XDP_EXPECTED_FD), remove its pin directory, and wait until the kernel has\n"
	  "freed the program and its maps (their ids are gone).  Only a program rawload\n"
	  "attached is detached: one pinned under --pin DIR or <bpffs>/rawload; --id N\n"
	  "detaches program N whoever attached it.  After `xdp --pinned` only the attach\n"
	  "and its record (DIR/xdp_<ifindex>) go: the program stays, held by its own pin.\n"
	  "tc: remove the cls_bpf filter or tcx link `rawload tc` attached to DEV (both\n"
	  "hooks unless --ingress/--egress), its pins, and the clsact qdisc only if rawload\n"
	  "made it and no filter is left in it.\n"
	  "sockops: detach what `rawload sockops` attached (see `rawload sockops --help`): its\n"
	  "sockops programs from the cgroup, its sk_msg program from the sockhash (its links:\n"
	  "BPF_LINK_DETACH, then the kernel frees them), its pins.\n"
	  "A detach that stopped half-way keeps the pins, and running it again finishes it.\n"
	  "--id N detaches sockops program N from the cgroup whoever attached it (a\n"
	  "program a cgroup link holds: BPF_LINK_DETACH on the link); the\n"
	  "programs left on the cgroup that rawload did not attach are named.\n"
	  "Pin directories are read and emptied without following symbolic links." },
	{ "show", "show [DEV | --cgroup PATH | --pin DIR | --links] [--json]",
	  "What is attached where and what keeps it alive.  DEV: the XDP program on the\n"
	  "device (mode, id, name, type), each map it uses (id, type, sizes; the\n"
	  "dropped/passed counters of xdp_stats summed over the possible CPUs).  --pin DIR:\n"
	  "every pin in DIR.  --cgroup PATH: the sockops programs attached there, their\n"
	  "maps (a sockhash's sk_msg program, its entries).  Nothing: every directory\n"
	  "under <bpffs>/rawload.  For each object, its holders (pins, XDP slots, cgroup\n"
	  "and sockmap attachments, links, prog-array slots, programs using a map, other\n"
	  "processes' fds) and what would free it.  --links: every BPF link in the kernel,\n"
	  "like `bpftool link list`: id, type, program, and what it holds the program on\n"
	  "(device, cgroup, map, netns, tracepoint...)." },
};

#define N_COMMANDS (sizeof(commands) / sizeof(commands[0]))

void cli_usage(FILE *f)
{
	fprintf(f, "usage: rawload [--explain] [-v] [--json] COMMAND ...\n\ncommands:\n");
	for (size_t i = 0; i < N_COMMANDS; i++)
		fprintf(f, "  rawload %s\n", commands[i].usage);
	fprintf(f, "\nglobal flags:\n"
		   "  --explain  narrate each kernel interaction (syscall, netlink message, kernel path)\n"
		   "  -v         full verifier log even on success, and each CO-RE resolution\n"
		   "  --json     machine-readable output for show/inspect/run\n"
		   "\n`rawload COMMAND --help` explains one command; see also rawload(8).\n");
}

int cli_print_help(const char *cmd)
{
	for (size_t i = 0; i < N_COMMANDS; i++) {
		if (strcmp(commands[i].name, cmd) == 0) {
			printf("usage: rawload %s\n\n%s\n", commands[i].usage, commands[i].help);
			return EXIT_OK;
		}
	}
	return EXIT_USAGE;
}

bool cli_wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return true;
	return false;
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "rawload %s: ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	for (size_t i = 0; i < N_COMMANDS; i++)
		if (!strcmp(commands[i].name, cmd))
			fprintf(stderr, "\nusage: rawload %s", commands[i].usage);
	fprintf(stderr, "\n");
	return EXIT_USAGE;
}

