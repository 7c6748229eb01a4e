/* sockops_find.c - finding again what `rawload sockops` attached:
 * `rawload detach sockops [--cgroup PATH] [--pin DIR]` takes exactly that
 * away, `rawload show --cgroup PATH` lists it.
 *
 * The kernel keeps no record of who attached a program.  What rawload has
 * is its pins: `rawload sockops` pinned every program and map under DIR.  So
 *
 *   BPF_PROG_QUERY(cgroup, BPF_CGROUP_SOCK_OPS)  ids attached to the cgroup
 *   BPF_OBJ_GET(DIR/<each pin>)                  ids rawload pinned
 *
 * and only a program in both lists is detached: BPF_PROG_DETACH(prog fd,
 * cgroup fd, BPF_CGROUP_SOCK_OPS) - with BPF_F_ALLOW_MULTI the program fd
 * says which one of the list goes (__cgroup_bpf_detach() matches it).  The
 * sk_msg program comes off its sockhash the same way (target = the map fd,
 * BPF_SK_MSG_VERDICT), then the pins are removed and the kernel frees what
 * nothing holds any more.  Without --pin, every <bpffs>/rawload/<name>/
 * directory whose pinned sockops program is attached to the cgroup is taken.
 */
#include "bpffs.h"
#include "cgroup.h"
#include "cli.h"
#include "sys_bpf.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PINS_MAX 64        /* entries read from one pin directory */
#define CG_PROGS_MAX 64    /* BPF_CGROUP_SOCK_OPS holds at most 64 (BPF_CGROUP_MAX_PROGS) */
#define FREE_TIMEOUT_MS 2000

/* One pinned BPF object, opened with BPF_OBJ_GET. */
struct pinned {
	char path[PATH_MAX];
	int fd;
	struct cli_obj o;      /* kind, id, type, name */
};

struct pin_dir {
	struct pinned e[PINS_MAX];
	int n;
};

static int collect(void *ctx, const char *path)
{
	struct pin_dir *set = ctx;
	struct pinned *p = &set->e[set->n];

	if (set->n >= PINS_MAX)
		return 1;
	p->fd = cli_pin_open(path, &p->o, NULL);
	if (p->fd < 0)
		return 0; /* not a BPF object we can open: not ours */
	if (p->o.kind != CLI_OBJ_PROG && p->o.kind != CLI_OBJ_MAP) {
		close(p->fd);
		return 0;
	}
	snprintf(p->path, sizeof(p->path), "%s", path);
	set->n++;
	return 0;
}

/* Open every pinned program and map directly under dir (not below). */
static int read_pin_dir(const char *dir, struct pin_dir *set)
{
	int err;

	set->n = 0;
	err = cli_pin_walk(dir, 0, collect, set);
	return err < 0 ? err : 0;
}

static bool is_prog(const struct pinned *p, uint32_t type)
{
	return p->o.kind == CLI_OBJ_PROG && p->o.type == type;
}

static void close_pin_dir(struct pin_dir *set)
{
	for (int i = 0; i < set->n; i++)
		close(set->e[i].fd);
	set->n = 0;
}

static bool id_in(uint32_t id, const uint32_t *ids, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

static bool is_sockmap(const struct pinned *p)
{
	return p->o.kind == CLI_OBJ_MAP &&
	       (p->o.type == BPF_MAP_TYPE_SOCKHASH || p->o.type == BPF_MAP_TYPE_SOCKMAP);
}

/* What a pin directory holds for this cgroup: how many of its sockops
 * programs are attached there and how many are not. */
static void count_sockops(const struct pin_dir *set, const uint32_t *ids, uint32_t n,
			  int *attached, int *elsewhere)
{
	*attached = *elsewhere = 0;
	for (int i = 0; i < set->n; i++) {
		const struct pinned *p = &set->e[i];

		if (!is_prog(p, BPF_PROG_TYPE_SOCK_OPS))
			continue;
		if (id_in(p->o.id, ids, n))
			(*attached)++;
		else
			(*elsewhere)++;
	}
}

/* The proof that nothing else holds them: drop our own fds, then wait for
 * each id to leave the kernel (a program's maps go an RCU grace period
 * after the program, bpf_prog_free_deferred). */
static void watch_freed(struct pin_dir *set)
{
	struct cli_obj objs[PINS_MAX];
	int n = set->n;

	for (int i = 0; i < n; i++)
		objs[i] = set->e[i].o;
	close_pin_dir(set);
	for (int i = 0; i < n; i++) {
		bool is_map = objs[i].kind == CLI_OBJ_MAP;

		printf("%s id %u '%s' %s\n", cli_obj_kind_name(objs[i].kind), objs[i].id, objs[i].name,
		       cli_wait_freed(objs[i].id, is_map, FREE_TIMEOUT_MS) == 0 ? "freed" :
		       "still exists: something else holds it (rawload show, bpftool)");
	}
}

/* sk_msg programs pinned here that sit on a sockhash pinned here. */
static int detach_msg(struct pin_dir *set)
{
	int err = 0;

	for (int m = 0; m < set->n; m++) {
		uint32_t ids[4], cnt = 4;
		struct rl_diag d = { "" };

		if (!is_sockmap(&set->e[m]) ||
		    rl_sockmap_query_msg_verdict(set->e[m].fd, ids, &cnt, NULL) || cnt == 0)
			continue;
		for (int p = 0; p < set->n; p++) {
			const struct pinned *pr = &set->e[p];

			if (!is_prog(pr, BPF_PROG_TYPE_SK_MSG) || pr->o.id != ids[0])
				continue;
			if (rl_sockmap_detach_msg_verdict(set->e[m].fd, pr->fd, &d)) {
				err = cli_fail(pr->path, &d);
				continue;
			}
			printf("detached sk_msg  %-16s (prog id %u) from %s (map id %u)\n", pr->o.name,
			       pr->o.id, set->e[m].o.name, set->e[m].o.id);
		}
	}
	return err;
}

/* Detach this directory's sockops programs from the cgroup and its sk_msg
 * programs from its sockhash, then remove the pins and the directory. */
static int detach_dir(const char *dir, struct pin_dir *set, int cg_fd, const char *cgroup,
		      const uint32_t *ids, uint32_t n)
{
	struct rl_diag d = { "" };
	int err = 0;

	for (int i = 0; i < set->n; i++) {
		const struct pinned *p = &set->e[i];

		if (!is_prog(p, BPF_PROG_TYPE_SOCK_OPS) || !id_in(p->o.id, ids, n))
			continue;
		if (rl_cgroup_detach_sockops(cg_fd, p->fd, &d)) {
			err = cli_fail(p->path, &d);
			continue;
		}
		printf("detached sockops %-16s (prog id %u) from cgroup %s\n", p->o.name, p->o.id, cgroup);
	}
	if (detach_msg(set))
		err = EXIT_USER;
	if (err)
		return err; /* keep the pins: they are how a second try finds the rest */
	for (int i = 0; i < set->n; i++)
		if (rl_bpffs_unpin(set->e[i].path, &d))
			err = cli_fail("unpin", &d);
	if (!err && rl_bpffs_rmdir(dir, &d))
		err = cli_fail("", &d);
	if (!err)
		printf("unpinned %d object%s and removed %s\n", set->n, set->n == 1 ? "" : "s", dir);
	if (!err)
		watch_freed(set);
	return err;
}

/* --pin DIR: everything there must belong to this cgroup, else nothing is
 * changed (its sockops program may serve another cgroup). */
static int detach_named(const char *dir, int cg_fd, const char *cgroup, const uint32_t *ids,
			uint32_t n, struct pin_dir *set)
{
	struct rl_diag d = { "" };
	int attached, elsewhere, err;

	if (rl_bpffs_check(dir, &d))
		return cli_fail("--pin", &d);
	err = read_pin_dir(dir, set);
	if (err) {
		fprintf(stderr, "rawload: --pin %s: %s\n", dir, strerror(-err));
		return EXIT_USER;
	}
	count_sockops(set, ids, n, &attached, &elsewhere);
	if (attached == 0 || elsewhere > 0) {
		fprintf(stderr, "rawload: %s: %d sockops program%s pinned here, %d attached to cgroup %s: "
			"nothing changed (is --cgroup right? `rawload show --cgroup PATH` lists them)\n",
			dir, attached + elsewhere, attached + elsewhere == 1 ? "" : "s", attached, cgroup);
		close_pin_dir(set);
		return EXIT_USER;
	}
	err = detach_dir(dir, set, cg_fd, cgroup, ids, n);
	close_pin_dir(set);
	return err;
}

/* No --pin: every <bpffs>/rawload/<name>/ whose sockops program is attached
 * to this cgroup (and has no sockops program attached anywhere else). */
static int detach_found(int cg_fd, const char *cgroup, const uint32_t *ids, uint32_t n,
			struct pin_dir *set, int *found)
{
	char root[PATH_MAX], dir[PATH_MAX];
	struct dirent *de;
	int rc = 0;
	DIR *dh;

	*found = 0;
	if (cli_pin_root(root))
		return 0; /* no bpffs mounted: nothing was pinned */
	dh = opendir(root);
	if (!dh)
		return 0;
	while ((de = readdir(dh))) {
		int attached, elsewhere;

		if (de->d_name[0] == '.' ||
		    snprintf(dir, sizeof(dir), "%s/%s", root, de->d_name) >= (int)sizeof(dir) ||
		    read_pin_dir(dir, set))
			continue;
		count_sockops(set, ids, n, &attached, &elsewhere);
		if (attached && elsewhere)
			fprintf(stderr, "rawload: %s: left alone: %d of its sockops programs are not "
				"attached to %s\n", dir, elsewhere, cgroup);
		else if (attached) {
			(*found)++;
			if (detach_dir(dir, set, cg_fd, cgroup, ids, n))
				rc = EXIT_USER;
		}
		close_pin_dir(set);
	}
	closedir(dh);
	return rc;
}

int cli_detach_sockops(int argc, char **argv, struct cli *cli)
{
	const char *cgroup_arg = NULL, *pin = NULL;
	const struct cli_opt opts[] = {
		{ "--cgroup", &cgroup_arg, NULL }, { "--pin", &pin, NULL }, { NULL, NULL, NULL },
	};
	uint32_t ids[CG_PROGS_MAX], n = CG_PROGS_MAX;
	char cgroup[PATH_MAX];
	struct rl_diag d = { "" };
	struct pin_dir *set;
	int npos, cg_fd, found = 1, rc;

	(void)cli;
	if (cli_parse_args("detach", argc, argv, opts, NULL, 0, 0, &npos))
		return EXIT_USAGE;
	if (cli_sockops_cgroup(cgroup_arg, cgroup, "detach sockops"))
		return EXIT_USER;
	cg_fd = rl_cgroup_open(cgroup, &d);
	if (cg_fd < 0)
		return cli_fail("--cgroup", &d);
	if (rl_cgroup_query_sockops(cg_fd, ids, &n, NULL, &d)) {
		close(cg_fd);
		return cli_fail(cgroup, &d);
	}
	set = calloc(1, sizeof(*set));
	if (!set) {
		close(cg_fd);
		fprintf(stderr, "rawload: out of memory\n");
		return EXIT_USER;
	}
	if (pin)
		rc = detach_named(pin, cg_fd, cgroup, ids, n, set);
	else
		rc = detach_found(cg_fd, cgroup, ids, n, set, &found);
	if (!found && n == 0)
		fprintf(stderr, "rawload: nothing to detach: no sockops program is attached to %s\n",
			cgroup);
	else if (!found)
		fprintf(stderr, "rawload: nothing to detach: none of the %u sockops program%s on %s is "
			"pinned under <bpffs>/rawload/*/ (pass --pin DIR if it was pinned elsewhere; "
			"programs rawload did not attach are left alone)\n", n, n == 1 ? "" : "s", cgroup);
	if (!found)
		rc = EXIT_USER;
	free(set);
	close(cg_fd);
	return rc;
}

/* ---- rawload show --cgroup PATH ------------------------------------- */

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
	struct { char path[PATH_MAX]; struct cli_obj o; } *e;
	int n;
};

static int index_pin(void *ctx, const char *path)
{
	struct pin_index *ix = ctx;
	int fd;

	if (ix->n >= PIN_INDEX_MAX)
		return 1;
	fd = cli_pin_open(path, &ix->e[ix->n].o, NULL);
	if (fd < 0)
		return 0;
	close(fd);
	snprintf(ix->e[ix->n++].path, PATH_MAX, "%s", path);
	return 0;
}

static bool pin_matches(const struct pin_index *ix, int i, bool is_map, uint32_t id)
{
	return ix->e[i].o.id == id && ix->e[i].o.kind == (is_map ? CLI_OBJ_MAP : CLI_OBJ_PROG);
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
		struct cli_obj p;

		m->msg_id = ids[0];
		if (pfd >= 0 && cli_obj_describe(pfd, &p) == 0)
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
	nr = cli_prog_info(fd, &pi, map_ids, SHOW_MAPS_MAX);
	if (nr >= 0) {
		memcpy(sp->name, pi.name, sizeof(sp->name) - 1);
		sp->nr_maps = nr < SHOW_MAPS_MAX ? (uint32_t)nr : SHOW_MAPS_MAX;
		for (uint32_t i = 0; i < sp->nr_maps; i++)
			fill_map(map_ids[i], &sp->maps[i]);
	}
	close(fd);
}

static void print_pins_text(const struct pin_index *ix, bool is_map, uint32_t id, const char *indent)
{
	int n = 0;

	for (int i = 0; i < ix->n; i++)
		if (pin_matches(ix, i, is_map, id))
			printf("%s%s %s\n", indent, n++ ? "    " : "pin:", ix->e[i].path);
	if (!n)
		printf("%spin: none\n", indent);
}

static void print_text(const char *path, uint32_t flags, const struct shown_prog *progs, uint32_t n,
		       const struct pin_index *ix)
{
	printf("cgroup %s\n", path);
	printf("  sock_ops (BPF_CGROUP_SOCK_OPS): %u program%s%s\n", n, n == 1 ? "" : "s",
	       n ? (flags & BPF_F_ALLOW_MULTI ? ", attach flags multi" : ", attach flags 0") : "");
	for (uint32_t i = 0; i < n; i++) {
		const struct shown_prog *p = &progs[i];

		printf("  prog id %-6u %s\n", p->id, p->name);
		print_pins_text(ix, false, p->id, "      ");
		for (uint32_t k = 0; k < p->nr_maps; k++) {
			const struct shown_map *m = &p->maps[k];

			printf("      map id %-6u %-16s %s, %ld of %u entries\n", m->id, m->name,
			       rl_map_type_name(m->type), m->entries, m->max_entries);
			if (m->type == BPF_MAP_TYPE_SOCKHASH || m->type == BPF_MAP_TYPE_SOCKMAP) {
				if (m->msg_id)
					printf("          sk_msg (BPF_SK_MSG_VERDICT): prog id %u %s\n",
					       m->msg_id, m->msg_name);
				else
					printf("          sk_msg (BPF_SK_MSG_VERDICT): none\n");
				if (m->msg_id)
					print_pins_text(ix, false, m->msg_id, "          sk_msg ");
			}
			print_pins_text(ix, true, m->id, "          ");
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
				printf("},");
			}
			print_pins_json(ix, true, m->id);
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
	if (cli_bpffs_root(mnt) == 0)
		cli_pin_walk(mnt, 4, index_pin, &ix);
	if (cli->json)
		print_json(path, flags, progs, n, &ix);
	else
		print_text(path, flags, progs, n, &ix);
	free(progs);
	free(ix.e);
	return EXIT_OK;
}
