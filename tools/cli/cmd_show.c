/* cmd_show.c - `rawload show [DEV | --cgroup PATH | --pin DIR] [--json]`:
 * what is attached where, and what keeps it alive.
 *
 *   DEV          RTM_GETLINK: the XDP mode and program id on the device;
 *                RTM_GETTFILTER dumps of both clsact hooks and BPF_PROG_QUERY
 *                of tcx: the tc programs; then each program and each map it uses
 *   --pin DIR    every pin in DIR and the object behind it
 *   (nothing)    every directory under <bpffs>/rawload, as --pin DIR
 *   --cgroup P   the sockops command's view (tools/cli/cmd_sockops.c)
 *   --links      every BPF link in the kernel (links_show.c)
 *
 * For each object: BPF_OBJ_GET_INFO_BY_FD (name, type, sizes; for a program
 * a second call with a buffer for its map ids), its holders (holders.c) and
 * what would free it.  A per-CPU array named `xdp_stats` or `tc_stats` is
 * read as the counters of bpf/xdp_drop_ping.bpf.c / tc_drop_ping.bpf.c:
 * key 0 dropped, key 1 passed.
 *
 * A per-CPU map's value, seen from user space, is one slot per *possible*
 * CPU, each rounded up to 8 bytes (bpf_percpu_array_copy copies
 * round_up(value_size, 8) bytes for_each_possible_cpu):
 *
 *   lookup(key) -> | cpu 0: value, pad to 8 | cpu 1: value, pad to 8 | ...
 */
#include "cli.h"
#include "sys_bpf.h"
#include "tc_attach.h"
#include "xdp_attach.h"

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_MAP_IDS 64

__attribute__((weak)) int cli_show_cgroup(const char *path, struct cli *cli)
{
	(void)path, (void)cli;
	fprintf(stderr, "rawload show --cgroup: not built\n");
	return EXIT_USAGE;
}

/* ---- reading ---------------------------------------------------------- */

/* num_possible_cpus(): the CPUs listed in "0-1" / "0-3,8-11". */
static int possible_cpus(void)
{
	char buf[256], *p = buf;
	FILE *f = fopen("/sys/devices/system/cpu/possible", "re");
	int n = 0;

	if (!f)
		return -errno;
	if (!fgets(buf, sizeof(buf), f)) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	while (*p && *p != '\n') {
		char *end;
		long lo = strtol(p, &end, 10), hi = lo;

		if (end == p)
			return -EINVAL;
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		n += (int)(hi - lo + 1);
		p = *end == ',' ? end + 1 : end;
	}
	return n;
}

struct counters {
	int cpus;
	uint64_t dropped, passed;
};

/* Sum keys 0 and 1 of a per-CPU array of __u64 over the possible CPUs. */
static int read_xdp_stats(uint32_t map_id, const struct bpf_map_info *m, struct counters *c)
{
	uint32_t stride = (m->value_size + 7) / 8 * 8;
	uint64_t *vals, sums[2] = { 0, 0 };
	int fd, err = 0;

	c->cpus = possible_cpus();
	if (c->cpus <= 0 || m->value_size != 8 || m->max_entries < 2)
		return -EINVAL;
	vals = calloc((size_t)c->cpus, stride);
	fd = rl_sys_map_get_fd_by_id(map_id);
	if (!vals || fd < 0) {
		free(vals);
		return fd < 0 ? fd : -ENOMEM;
	}
	for (uint32_t key = 0; key < 2 && !err; key++) {
		err = rl_sys_map_lookup(fd, &key, vals);
		for (int cpu = 0; cpu < c->cpus && !err; cpu++)
			sums[key] += *(uint64_t *)((char *)vals + (size_t)cpu * stride);
	}
	close(fd);
	free(vals);
	c->dropped = sums[0];
	c->passed = sums[1];
	return err;
}

/* ---- printing --------------------------------------------------------- */

/* One program: 0, or -ENOENT when the id is gone.  Its map ids go to
 * map_ids (up to max) and their count is returned in *nmaps. */
static int show_prog(uint32_t id, const struct cli *cli, uint32_t *map_ids, int max, int *nmaps)
{
	struct bpf_prog_info info;
	char tag[17];
	int fd = rl_sys_prog_get_fd_by_id(id), n;

	if (fd < 0)
		return fd;
	n = rl_prog_info(fd, &info, map_ids, (uint32_t)max);
	close(fd);
	if (n < 0)
		return n;
	*nmaps = n < max ? n : max;
	for (int i = 0; i < 8; i++)
		snprintf(tag + 2 * i, 3, "%02x", info.tag[i]);
	if (cli->json) {
		printf("{\"kind\":\"program\",\"id\":%u,\"name\":", id);
		json_str(stdout, info.name);
		printf(",\"type\":\"%s\",\"insns\":%u,\"xlated_insns\":%u,\"verified_insns\":%u,"
		       "\"jited_bytes\":%u,\"tag\":\"%s\",\"btf_id\":%u,\"map_ids\":[",
		       rl_prog_type_name(info.type), info.xlated_prog_len / 8, info.xlated_prog_len / 8,
		       info.verified_insns, info.jited_prog_len, tag, info.btf_id);
		for (int i = 0; i < *nmaps; i++)
			printf("%s%u", i ? "," : "", map_ids[i]);
		printf("]");
	} else {
		printf("program %u '%s'\n", id, info.name);
		printf("  %-12s%s, btf id %u\n", "type:", rl_prog_type_name(info.type), info.btf_id);
		/* verified_insns: what the verifier walked (every path, each
		 * state once); xlated: the code after its rewrite, which runs */
		printf("  %-12sthe verifier walked %u instructions; %u after its rewrite (xlated),"
		       " %u bytes of machine code (jited)\n", "verifier:", info.verified_insns,
		       info.xlated_prog_len / 8, info.jited_prog_len);
		printf("  %-12stag %s, in /proc/kallsyms as bpf_prog_%s_%s\n", "jit:", tag, tag, info.name);
		printf("  %-12s", "maps:");
		for (int i = 0; i < *nmaps; i++)
			printf("%s%u", i ? ", " : "", map_ids[i]);
		printf("%s\n", *nmaps ? "" : "none");
	}
	cli_print_holders(id, false, cli->json, "  ");
	if (cli->json)
		printf("}");
	return 0;
}

static int show_map(uint32_t id, const struct cli *cli)
{
	struct bpf_map_info m;
	uint32_t len = sizeof(m);
	struct counters c;
	bool stats;
	int fd = rl_sys_map_get_fd_by_id(id), err;

	if (fd < 0)
		return fd;
	memset(&m, 0, sizeof(m));
	err = rl_sys_obj_info(fd, &m, &len);
	close(fd);
	if (err)
		return err;
	stats = m.type == BPF_MAP_TYPE_PERCPU_ARRAY &&
		(!strcmp(m.name, "xdp_stats") || !strcmp(m.name, "tc_stats")) &&
		read_xdp_stats(id, &m, &c) == 0;
	if (cli->json) {
		printf("{\"kind\":\"map\",\"id\":%u,\"name\":", id);
		json_str(stdout, m.name);
		printf(",\"type\":\"%s\",\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u,"
		       "\"flags\":%u", rl_map_type_name(m.type), m.key_size, m.value_size,
		       m.max_entries, m.map_flags);
		if (stats)
			printf(",\"counters\":{\"dropped\":%llu,\"passed\":%llu,\"cpus\":%d}",
			       (unsigned long long)c.dropped, (unsigned long long)c.passed, c.cpus);
	} else {
		printf("map %u '%s'\n", id, m.name);
		printf("  %-12s%s, key %u B, value %u B, max_entries %u, flags 0x%x\n", "type:",
		       rl_map_type_name(m.type), m.key_size, m.value_size, m.max_entries, m.map_flags);
		if (stats)
			printf("  %-12sdropped %llu passed %llu (summed over %d possible CPUs)\n",
			       "counters:", (unsigned long long)c.dropped,
			       (unsigned long long)c.passed, c.cpus);
	}
	cli_print_holders(id, true, cli->json, "  ");
	if (cli->json)
		printf("}");
	return 0;
}

/* ---- show DEV --------------------------------------------------------- */

/* tc at DEV: cls_bpf filters (RTM_GETTFILTER) and tcx programs
 * (BPF_PROG_QUERY on the ifindex, Linux 6.6+), both hooks; each program id
 * added to ids[]. */
static void show_tc(const char *dev, int ifindex, const struct cli *cli, uint32_t *ids, int *nids,
		    int max)
{
	static struct rl_tc_filter f[32];
	int shown = 0;

	for (int hook = RL_TC_INGRESS; hook <= RL_TC_EGRESS; hook++) {
		uint32_t tcx[16], cnt = 16;
		int n = 0;

		if (rl_tc_filter_list(ifindex, (enum rl_tc_hook)hook, f, 32, &n, NULL))
			n = 0;
		for (int i = 0; i < n && i < 32; i++) {
			if (cli->json)
				printf("%s{\"hook\":\"%s\",\"kind\":\"cls_bpf\",\"prio\":%u,\"handle\":%u,"
				       "\"prog_id\":%u}", shown ? "," : "", rl_tc_hook_name((enum rl_tc_hook)hook),
				       f[i].prio, f[i].handle, f[i].prog_id);
			else
				printf("%s (ifindex %d): tc %s filter prio %u handle %u: %s program %u '%s'%s\n",
				       dev, ifindex, rl_tc_hook_name((enum rl_tc_hook)hook), f[i].prio, f[i].handle,
				       f[i].kind, f[i].prog_id, f[i].name,
				       f[i].bpf_flags & 1 ? " (direct action)" : "");
			shown++;
			if (f[i].prog_id && *nids < max && !rl_id_in(f[i].prog_id, ids, (uint32_t)*nids))
				ids[(*nids)++] = f[i].prog_id;
		}
		if (rl_sys_prog_query(ifindex, hook == RL_TC_INGRESS ? RL_BPF_TCX_INGRESS : RL_BPF_TCX_EGRESS,
				      NULL, tcx, &cnt))
			cnt = 0;
		for (uint32_t i = 0; i < cnt && i < 16; i++) {
			if (cli->json)
				printf("%s{\"hook\":\"%s\",\"kind\":\"tcx\",\"prog_id\":%u}", shown ? "," : "",
				       rl_tc_hook_name((enum rl_tc_hook)hook), tcx[i]);
			else
				printf("%s (ifindex %d): tcx %s program %u\n", dev, ifindex,
				       rl_tc_hook_name((enum rl_tc_hook)hook), tcx[i]);
			shown++;
			if (*nids < max && !rl_id_in(tcx[i], ids, (uint32_t)*nids))
				ids[(*nids)++] = tcx[i];
		}
	}
	if (!shown && !cli->json)
		printf("%s (ifindex %d): no tc program attached\n", dev, ifindex);
}

static int show_dev(const char *dev, const struct cli *cli)
{
	static const enum rl_xdp_mode modes[] = { RL_XDP_MODE_NATIVE, RL_XDP_MODE_SKB, RL_XDP_MODE_HW };
	uint32_t ids[3], map_ids[MAX_MAP_IDS], all_maps[MAX_MAP_IDS], progs[64];
	struct rl_xdp_state st;
	struct rl_diag d = { "" };
	int ifindex = (int)if_nametoindex(dev), nall = 0, nprogs = 0, np = 0;

	if (!ifindex) {
		fprintf(stderr, "rawload: device '%s': %s (see `ip link`)\n", dev, strerror(errno));
		return EXIT_USER;
	}
	if (rl_xdp_query(ifindex, &st, &d))
		return cli_fail(dev, &d);
	ids[0] = st.drv_prog_id, ids[1] = st.skb_prog_id, ids[2] = st.hw_prog_id;
	if (cli->json) {
		printf("{\"device\":");
		json_str(stdout, dev);
		printf(",\"ifindex\":%d,\"xdp\":[", ifindex);
	}
	for (int m = 0; m < 3; m++) {
		if (!ids[m])
			continue;
		if (cli->json)
			printf("%s{\"mode\":\"%s\",\"prog_id\":%u}", nprogs ? "," : "",
			       rl_xdp_mode_name(modes[m]), ids[m]);
		else
			printf("%s (ifindex %d): XDP program %u attached in %s mode\n", dev, ifindex,
			       ids[m], rl_xdp_mode_name(modes[m]));
		nprogs++;
		if (!rl_id_in(ids[m], progs, (uint32_t)np))
			progs[np++] = ids[m];
	}
	if (!nprogs && !cli->json)
		printf("%s (ifindex %d): no XDP program attached\n", dev, ifindex);
	if (cli->json)
		printf("],\"tc\":[");
	show_tc(dev, ifindex, cli, progs, &np, 64);
	if (cli->json)
		printf("],\"programs\":[");
	for (int p = 0, shown = 0; p < np; p++) {
		int n = 0;

		if (cli->json && shown++)
			printf(",");
		if (show_prog(progs[p], cli, map_ids, MAX_MAP_IDS, &n))
			continue;
		for (int i = 0; i < n; i++) {
			bool seen = false;

			for (int k = 0; k < nall; k++)
				seen |= all_maps[k] == map_ids[i];
			if (!seen && nall < MAX_MAP_IDS)
				all_maps[nall++] = map_ids[i];
		}
	}
	if (cli->json)
		printf("],\"maps\":[");
	for (int i = 0; i < nall; i++) {
		if (cli->json && i)
			printf(",");
		show_map(all_maps[i], cli);
	}
	if (cli->json)
		printf("]}\n");
	return EXIT_OK;
}

/* ---- show --pin DIR --------------------------------------------------- */

struct pin_list {
	const struct cli *cli;
	int n;
};

static int show_one_pin(void *ctx, const char *path)
{
	struct pin_list *pl = ctx;
	uint32_t map_ids[MAX_MAP_IDS];
	struct rl_bpf_obj o;
	int fd = rl_pin_open(path, &o, NULL), nmaps;

	if (fd < 0)
		return 0; /* not a pinned object (a bpf_iter file, say) */
	close(fd);
	if (pl->cli->json) {
		printf("%s{\"path\":", pl->n ? "," : "");
		json_str(stdout, path);
		printf(",\"object\":");
	} else {
		printf("%spin %s\n", pl->n ? "\n" : "", path);
	}
	pl->n++;
	if (o.kind == RL_OBJ_PROG)
		show_prog(o.id, pl->cli, map_ids, MAX_MAP_IDS, &nmaps);
	else if (o.kind == RL_OBJ_MAP)
		show_map(o.id, pl->cli);
	else if (pl->cli->json)
		printf("{\"kind\":\"link\",\"id\":%u,\"type\":%u}", o.id, o.type);
	else
		printf("link %u (link type %u)\n", o.id, o.type);
	if (pl->cli->json)
		printf("}");
	return 0;
}

static int show_pin_dir(const char *dir, const struct cli *cli)
{
	struct pin_list pl = { cli, 0 };
	int err;

	if (cli->json) {
		printf("{\"pin_dir\":");
		json_str(stdout, dir);
		printf(",\"pins\":[");
	} else {
		printf("== %s\n", dir);
	}
	err = rl_pin_walk(dir, 2, show_one_pin, &pl);
	if (cli->json)
		printf("]}");
	else if (!err && !pl.n)
		printf("no pins\n");
	if (err) {
		if (!cli->json)
			fflush(stdout);
		fprintf(stderr, "rawload: %s: %s\n", dir, strerror(-err));
		return EXIT_USER;
	}
	return EXIT_OK;
}

/* `rawload show` alone: every object directory under <bpffs>/rawload. */
static int show_all(const struct cli *cli)
{
	char root[PATH_MAX];
	struct dirent **names;
	int n, shown = 0, rc = EXIT_OK;

	if (rl_pin_root(root))
		snprintf(root, sizeof(root), "<bpffs>/rawload (no bpffs is mounted)");
	n = scandir(root, &names, NULL, alphasort);
	if (n < 0) {
		if (cli->json)
			printf("{\"pin_dirs\":[]}\n");
		else
			printf("nothing pinned under %s\n", root);
		return EXIT_OK;
	}
	if (cli->json)
		printf("{\"pin_dirs\":[");
	for (int i = 0; i < n; i++) {
		char dir[PATH_MAX];

		if (names[i]->d_name[0] != '.' && names[i]->d_type == DT_DIR) {
			snprintf(dir, sizeof(dir), "%.3800s/%s", root, names[i]->d_name);
			printf("%s", shown++ ? (cli->json ? "," : "\n") : "");
			rc |= show_pin_dir(dir, cli);
		}
		free(names[i]);
	}
	free(names);
	if (cli->json)
		printf("]}\n");
	else if (!shown)
		printf("nothing pinned under %s\n", root);
	return rc;
}

int cmd_show(int argc, char **argv, struct cli *cli)
{
	const char *cgroup = NULL, *pin = NULL, *pos[1];
	bool links = false;
	const struct cli_opt opts[] = {
		{ "--cgroup", &cgroup, NULL }, { "--pin", &pin, NULL }, { "--links", NULL, &links },
		{ NULL, NULL, NULL },
	};
	int npos, rc;

	if (cli_parse_args("show", argc, argv, opts, pos, 0, 1, &npos))
		return EXIT_USAGE;
	if ((npos > 0) + (cgroup != NULL) + (pin != NULL) + links > 1)
		return cli_usage_error("show", "give one of DEV, --cgroup PATH, --pin DIR, --links");
	if (links)
		return cli_show_links(cli);
	if (cgroup)
		return cli_show_cgroup(cgroup, cli);
	if (npos)
		return show_dev(pos[0], cli);
	if (!pin)
		return show_all(cli);
	rc = show_pin_dir(pin, cli);
	if (cli->json)
		printf("\n");
	return rc;
}
