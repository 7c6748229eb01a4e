/* sockops_show.c - `rawload show --cgroup PATH`: the sockops programs
 * attached to a cgroup v2 directory, the maps they use (a sockhash's sk_msg
 * program and how many sockets it holds), and for each program and map
 * what keeps it alive and what would free it.
 *
 *   BPF_PROG_QUERY(cgroup fd, BPF_CGROUP_SOCK_OPS)   the ids, attach flags
 *   BPF_PROG_GET_FD_BY_ID + BPF_OBJ_GET_INFO_BY_FD   name, map ids
 *   BPF_PROG_QUERY(map fd, BPF_SK_MSG_VERDICT)       the map's sk_msg program
 *   BPF_MAP_GET_NEXT_KEY, walked                     entries (keys are
 *                                                     readable, values not)
 *
 * The holders ("held by: cgroup X (CGROUP_SOCK_OPS attachment)", "map Y
 * (SK_MSG_VERDICT attachment)", pins, programs using a map, other
 * processes' fds) and the "freed when" line are holders.c's, as for
 * `rawload show DEV`.
 */
#include "cgroup.h"
#include "cli.h"
#include "sys_bpf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CG_PROGS_MAX 64    /* BPF_CGROUP_SOCK_OPS holds at most 64 (BPF_CGROUP_MAX_PROGS) */

#define SHOW_MAPS_MAX 8
#define PIN_INDEX_MAX 2048

struct shown_map {
	uint32_t id, type, key_size, max_entries;
	char name[BPF_OBJ_NAME_LEN];
	long entries;                   /* -1: not countable */
	uint32_t msg_id;                /* sk_msg program on a sockhash/sockmap, 0: none */
	char msg_name[BPF_OBJ_NAME_LEN];
};

struct shown_prog {
	uint32_t id;
	char name[BPF_OBJ_NAME_LEN];
	struct shown_map maps[SHOW_MAPS_MAX];
	uint32_t nr_maps;
};

/* Every pin on the bpffs mount (4 levels deep), walked once, looked up by id. */
struct pin_index {
	struct { char path[PATH_MAX]; struct rl_bpf_obj o; } *e;
	int n;
};

static int index_pin(void *ctx, const char *path)
{
	struct pin_index *ix = ctx;
	int fd;

	if (ix->n >= PIN_INDEX_MAX)
		return 1;
	fd = rl_pin_open(path, &ix->e[ix->n].o, NULL);
	if (fd < 0)
		return 0;
	close(fd);
	snprintf(ix->e[ix->n++].path, PATH_MAX, "%s", path);
	return 0;
}

static bool pin_matches(const struct pin_index *ix, int i, bool is_map, uint32_t id)
{
	return ix->e[i].o.id == id && ix->e[i].o.kind == (is_map ? RL_OBJ_MAP : RL_OBJ_PROG);
}

/* Keys are readable even where values are not (a sockhash's value is a
 * socket: looking it up from user space with a 4-byte value gives ENOSPC),
 * so count with BPF_MAP_GET_NEXT_KEY, bounded by max_entries. */
static long count_entries(int fd, uint32_t key_size, uint32_t max_entries)
{
	unsigned char *key = malloc(key_size ? key_size : 1), *next = malloc(key_size ? key_size : 1);
	long n = 0;
	int err;

	if (!key || !next) {
		free(key);
		free(next);
		return -1;
	}
	for (err = rl_sys_map_get_next_key(fd, NULL, next); !err && n <= (long)max_entries;
	     err = rl_sys_map_get_next_key(fd, key, next)) {
		memcpy(key, next, key_size);
		n++;
	}
	free(key);
	free(next);
	return err == -ENOENT ? n : -1;
}

static void fill_map(uint32_t id, struct shown_map *m)
{
	struct bpf_map_info mi;
	uint32_t len = sizeof(mi), ids[4], cnt = 4;
	int fd = rl_sys_map_get_fd_by_id(id);

	memset(m, 0, sizeof(*m));
	m->id = id;
	m->entries = -1;
	if (fd < 0)
		return;
	memset(&mi, 0, sizeof(mi));
	if (rl_sys_obj_info(fd, &mi, &len) == 0) {
		m->type = mi.type, m->key_size = mi.key_size, m->max_entries = mi.max_entries;
		memcpy(m->name, mi.name, sizeof(m->name) - 1);
		m->entries = count_entries(fd, mi.key_size, mi.max_entries);
	}
	if ((m->type == BPF_MAP_TYPE_SOCKHASH || m->type == BPF_MAP_TYPE_SOCKMAP) &&
	    rl_sockmap_query_msg_verdict(fd, ids, &cnt, NULL) == 0 && cnt > 0) {
		int pfd = rl_sys_prog_get_fd_by_id(ids[0]);
		struct rl_bpf_obj p;

		m->msg_id = ids[0];
		if (pfd >= 0 && rl_obj_describe(pfd, &p) == 0)
			snprintf(m->msg_name, sizeof(m->msg_name), "%s", p.name);
		if (pfd >= 0)
			close(pfd);
	}
	close(fd);
}

static void fill_prog(uint32_t id, struct shown_prog *sp)
{
	uint32_t map_ids[SHOW_MAPS_MAX];
	struct bpf_prog_info pi;
	int fd = rl_sys_prog_get_fd_by_id(id), nr;

	memset(sp, 0, sizeof(*sp));
	sp->id = id;
	if (fd < 0)
		return;
	nr = rl_prog_info(fd, &pi, map_ids, SHOW_MAPS_MAX);
	if (nr >= 0) {
		memcpy(sp->name, pi.name, sizeof(sp->name) - 1);
		sp->nr_maps = nr < SHOW_MAPS_MAX ? (uint32_t)nr : SHOW_MAPS_MAX;
		for (uint32_t i = 0; i < sp->nr_maps; i++)
			fill_map(map_ids[i], &sp->maps[i]);
	}
	close(fd);
}

static void print_text(const char *path, uint32_t flags, const struct shown_prog *progs, uint32_t n)
{
	printf("cgroup %s\n", path);
	if (!n)
		printf("  sock_ops (BPF_CGROUP_SOCK_OPS): nothing attached\n");
	else
		printf("  sock_ops (BPF_CGROUP_SOCK_OPS): %u program%s, attach flags %s\n", n,
		       n == 1 ? "" : "s", flags & BPF_F_ALLOW_MULTI ? "multi" : "0");
	for (uint32_t i = 0; i < n; i++) {
		const struct shown_prog *p = &progs[i];

		printf("  prog id %-6u %s\n", p->id, p->name);
		cli_print_holders(p->id, false, false, "      ");
		for (uint32_t k = 0; k < p->nr_maps; k++) {
			const struct shown_map *m = &p->maps[k];

			printf("      map id %-6u %-16s %s, %ld of %u entries\n", m->id, m->name,
			       rl_map_type_name(m->type), m->entries, m->max_entries);
			cli_print_holders(m->id, true, false, "          ");
			if (m->type != BPF_MAP_TYPE_SOCKHASH && m->type != BPF_MAP_TYPE_SOCKMAP)
				continue;
			if (!m->msg_id) {
				printf("          sk_msg (BPF_SK_MSG_VERDICT): none\n");
				continue;
			}
			printf("          sk_msg (BPF_SK_MSG_VERDICT): prog id %u %s\n", m->msg_id,
			       m->msg_name);
			cli_print_holders(m->msg_id, false, false, "              ");
		}
	}
	printf("  (programs attached directly here; those of ancestor cgroups also run: "
	       "bpftool cgroup tree)\n");
}

static void print_pins_json(const struct pin_index *ix, bool is_map, uint32_t id)
{
	int n = 0;

	printf("\"pins\":[");
	for (int i = 0; i < ix->n; i++)
		if (pin_matches(ix, i, is_map, id)) {
			printf("%s", n++ ? "," : "");
			json_str(stdout, ix->e[i].path);
		}
	printf("]");
}

static void print_json(const char *path, uint32_t flags, const struct shown_prog *progs, uint32_t n,
		       const struct pin_index *ix)
{
	printf("{\"cgroup\":");
	json_str(stdout, path);
	printf(",\"attach_type\":\"sock_ops\",\"attach_flags\":%u,\"programs\":[", flags);
	for (uint32_t i = 0; i < n; i++) {
		const struct shown_prog *p = &progs[i];

		printf("%s{\"id\":%u,\"name\":", i ? "," : "", p->id);
		json_str(stdout, p->name);
		printf(",");
		print_pins_json(ix, false, p->id);
		cli_print_holders(p->id, false, true, "");
		printf(",\"maps\":[");
		for (uint32_t k = 0; k < p->nr_maps; k++) {
			const struct shown_map *m = &p->maps[k];

			printf("%s{\"id\":%u,\"name\":", k ? "," : "", m->id);
			json_str(stdout, m->name);
			printf(",\"type\":");
			json_str(stdout, rl_map_type_name(m->type));
			printf(",\"max_entries\":%u,\"entries\":%ld,", m->max_entries, m->entries);
			if (m->msg_id) {
				printf("\"sk_msg\":{\"id\":%u,\"name\":", m->msg_id);
				json_str(stdout, m->msg_name);
				printf(",");
				print_pins_json(ix, false, m->msg_id);
				cli_print_holders(m->msg_id, false, true, "");
				printf("},");
			}
			print_pins_json(ix, true, m->id);
			cli_print_holders(m->id, true, true, "");
			printf("}");
		}
		printf("]}");
	}
	printf("]}\n");
}

int cli_show_cgroup(const char *path, struct cli *cli)
{
	uint32_t ids[CG_PROGS_MAX], n = CG_PROGS_MAX, flags = 0;
	struct pin_index ix = { NULL, 0 };
	struct shown_prog *progs;
	struct rl_diag d = { "" };
	char mnt[PATH_MAX];
	int cg_fd;

	cg_fd = rl_cgroup_open(path, &d);
	if (cg_fd < 0)
		return cli_fail("--cgroup", &d);
	if (rl_cgroup_query_sockops(cg_fd, ids, &n, &flags, &d)) {
		close(cg_fd);
		return cli_fail(path, &d);
	}
	close(cg_fd);
	progs = calloc(n ? n : 1, sizeof(*progs));
	ix.e = calloc(PIN_INDEX_MAX, sizeof(*ix.e));
	if (!progs || !ix.e) {
		free(progs);
		free(ix.e);
		fprintf(stderr, "rawload: out of memory\n");
		return EXIT_USER;
	}
	for (uint32_t i = 0; i < n; i++)
		fill_prog(ids[i], &progs[i]);
	if (cli->json) {
		if (rl_bpffs_mount_root(mnt) == 0)
			rl_pin_walk(mnt, 4, index_pin, &ix);
		print_json(path, flags, progs, n, &ix);
	} else {
		print_text(path, flags, progs, n);
	}
	free(progs);
	free(ix.e);
	return EXIT_OK;
}
