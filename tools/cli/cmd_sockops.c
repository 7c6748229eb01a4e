/* cmd_sockops.c - `rawload sockops OBJ [OBJ...] [--cgroup PATH] [--pin DIR]
 * [--link]` and `rawload sockops --pinned DIR|DIR/PROG|id:N [--cgroup PATH] [--link]`.
 *
 * Socket-to-socket redirection needs two hooks on two different targets:
 *
 *   cgroup v2 dir --BPF_CGROUP_SOCK_OPS--> sockops program
 *        on ESTABLISHED: bpf_sock_hash_update(skops, &map, &key)
 *   sockhash      --BPF_SK_MSG_VERDICT---> sk_msg program
 *        on sendmsg() of a socket in the map: bpf_msg_redirect_hash()
 *
 * The sequence, each step undone (newest first) if a later one fails or a
 * signal arrives:
 *   0. lock DIR and mark it DIR/rawload_pending_sockops          pending.h
 *   1. load every object; the second and later ones share maps by name with
 *      the earlier ones (contrack.o + redirect.o share sock_ops_map), and
 *      pin each one's programs and maps under DIR.  With --pinned DIR the
 *      programs are already loaded and pinned there (`rawload load --pin
 *      DIR`): they are opened from their pins instead (sockops_pinned.c)
 *   2. attach each sk_msg program to the sockhash/sockmap it redirects into
 *      (BPF_PROG_ATTACH, target = the map fd; with --link a sockmap link,
 *      BPF_LINK_CREATE, Linux 6.10+, pinned at DIR/link_sk_msg_<prog>).  This
 *      comes FIRST: a socket picks up the map's programs when it is inserted
 *      (sock_map_link() in net/core/sock_map.c), so sockets inserted before
 *      the attach would never run the sk_msg program
 *   3. attach each sockops program to the cgroup (BPF_PROG_ATTACH, target =
 *      the cgroup fd, BPF_F_ALLOW_MULTI so nobody else's program is
 *      displaced - __cgroup_bpf_attach() keeps a list per attach type; with
 *      --link a cgroup link, pinned at DIR/link_sockops_<prog>)
 *   4. remove the marker
 * Every link is pinned before the next attach: a process killed between a
 * BPF_LINK_CREATE and its pin loses its only reference to the link, and the
 * kernel detaches it (bpf_link_release); one killed later leaves it pinned,
 * and the marker tells `rawload detach sockops` to finish or undo the run.
 * Cgroup default (SPEC §1): --cgroup PATH, else the cgroup this process runs
 * in - the v2 root only when rawload itself runs there.
 */
#include "bpf_link.h"
#include "bpffs.h"
#include "cgroup.h"
#include "cli.h"
#include "probes.h"
#include "sockops_run.h"
#include "sys_bpf.h"
#include "undo.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SOCKOPS_MAX_OBJS 8
struct sockops_run {
	struct cli_loaded objs[SOCKOPS_MAX_OBJS];
	struct rl_object *shared[SOCKOPS_MAX_OBJS];   /* &objs[i].obj, for share_with */
	int nr_objs;
	char cgroup[PATH_MAX];
	int cg_fd;
	char pin_dir[PATH_MAX];
	struct rl_undo undo;
	struct sockops_target t[SOCKOPS_MAX_ATTACH];  /* what steps 2 and 3 attach */
	int nt;
	bool link;                   /* --link */
	bool msg_link;               /* ... and this kernel has sockmap links */
	int link_fds[SOCKOPS_MAX_ATTACH];   /* closed last: an unpinned link goes with its fd */
	int nr_link_fds;
	struct rl_pin_dir pd;        /* --pinned DIR: its pins, whose fds the targets borrow */
};

static bool is_sockmap_type(uint32_t type)
{
	return type == BPF_MAP_TYPE_SOCKHASH || type == BPF_MAP_TYPE_SOCKMAP;
}

int cli_sockops_cgroup(const char *arg, char out[PATH_MAX], const char *cmd)
{
	struct rl_diag d = { "" };
	bool is_root = false;

	if (arg) {
		snprintf(out, PATH_MAX, "%s", arg);
		return 0;
	}
	if (rl_cgroup_default(out, PATH_MAX, &is_root, &d))
		return cli_fail("cgroup", &d);
	/* the root cgroup holds every process on the machine: say so */
	if (is_root)
		fprintf(stderr, "rawload %s: no --cgroup given and rawload runs in the root cgroup: "
			"using %s (every TCP socket on this machine)\n", cmd, out);
	else
		fprintf(stderr, "rawload %s: no --cgroup given: using the cgroup rawload runs in, %s\n",
			cmd, out);
	return 0;
}

/* Was `path` pinned by an object loaded earlier in this run? */
static bool pinned_earlier(const struct sockops_run *r, const struct rl_object *o, const char *path)
{
	for (int i = 0; i < r->nr_objs && &r->objs[i].obj != o; i++) {
		const struct rl_object *e = &r->objs[i].obj;

		for (uint32_t k = 0; k < e->nr_progs; k++)
			if (!strcmp(e->progs[k].pin_path, path))
				return true;
		for (uint32_t k = 0; k < e->nr_maps; k++)
			if (!strcmp(e->maps[k].pin_path, path))
				return true;
	}
	return false;
}

/* Pin one program or map as DIR/<name>.  bpffs refuses names with a dot
 * ("reserved for future use", bpf_lookup() in kernel/bpf/inode.c), so
 * `.rodata` is pinned as `_rodata`; a name an earlier object of this run
 * already pinned gets "<object>_" in front (two objects may both have a
 * `.rodata`, or a program called `prog`). */
static int pin_entry(const struct sockops_run *r, const struct rl_object *o, const char *name,
		     int fd, char *pin_path, bool *pinned_here, struct rl_diag *d)
{
	char clean[128];
	int n;

	if (pin_path[0] || fd < 0)
		return 0; /* already pinned (a shared or pinned-by-name map) or released */
	snprintf(clean, sizeof(clean), "%s", name);
	for (char *c = clean; *c; c++)
		if (*c == '.')
			*c = '_';
	n = snprintf(pin_path, PATH_MAX, "%s/%s", r->pin_dir, clean);
	if (n < PATH_MAX && pinned_earlier(r, o, pin_path))
		n = snprintf(pin_path, PATH_MAX, "%s/%s_%s", r->pin_dir, o->spec->name, clean);
	if (n >= PATH_MAX) {
		pin_path[0] = '\0';
		return rl_err(d, ENAMETOOLONG, "pin path for '%s' under '%s' is too long", name, r->pin_dir);
	}
	if (rl_bpffs_pin(fd, pin_path, d)) {
		pin_path[0] = '\0';
		return -EEXIST;
	}
	*pinned_here = true;
	return 0;
}

static int pin_object(const struct sockops_run *r, struct rl_object *o, struct rl_diag *d)
{
	int err = 0;

	for (uint32_t i = 0; i < o->nr_progs && !err; i++)
		err = pin_entry(r, o, o->progs[i].spec->name, o->progs[i].fd, o->progs[i].pin_path,
				&o->progs[i].pinned_here, d);
	for (uint32_t i = 0; i < o->nr_maps && !err; i++)
		err = pin_entry(r, o, o->maps[i].spec->name, o->maps[i].fd, o->maps[i].pin_path,
				&o->maps[i].pinned_here, d);
	if (err)
		rl_object_unpin_created(o);
	return err;
}

/* Before anything is loaded: the objects together must hold a sockops
 * program, or nothing would ever fill the sockhash. */
static bool have_sockops_prog(const struct sockops_run *r)
{
	for (int k = 0; k < r->nr_objs; k++)
		for (uint32_t i = 0; i < r->objs[k].spec.nr_progs; i++) {
			const struct rl_prog_spec *p = &r->objs[k].spec.progs[i];

			if (!p->is_subprog && p->prog_type == BPF_PROG_TYPE_SOCK_OPS)
				return true;
		}
	return false;
}

/* Step 1: parse every object (a wrong one fails before the kernel sees
 * anything), then load (sharing maps with the objects before) and pin, one
 * by one: pinning each object before loading the next lets a shared map
 * carry its first pin path along instead of being pinned twice. */
static int load_all(struct sockops_run *r, const char **paths, int n, const struct cli *cli)
{
	struct rl_diag d = { "" };

	for (int i = 0; i < n; i++) {
		if (cli_parse_object(paths[i], &r->objs[i]))
			return EXIT_USER;
		r->nr_objs = i + 1;
	}
	if (!have_sockops_prog(r)) {
		fprintf(stderr, "rawload: no sockops program (SEC(\"sockops\")) in the object%s: "
			"nothing would ever fill the sockhash\n", n > 1 ? "s" : "");
		return EXIT_USER;
	}
	for (int i = 0; i < n; i++) {
		struct rl_load_opts lo = {
			.pin_dir = r->pin_dir, .verbose_log = cli->verbose,
			.share_with = r->shared, .nr_share_with = (uint32_t)i,
		};

		if (cli_load_parsed(&r->objs[i], &lo, cli))
			return EXIT_USER; /* it freed objs[i]; the later ones are parsed only */
		r->shared[i] = &r->objs[i].obj;
		if (pin_object(r, &r->objs[i].obj, &d))
			return cli_fail(paths[i], &d);
		if (cli_interrupted())
			return EXIT_USER;
	}
	return 0;
}

/* The sockhash an sk_msg program redirects into: the SOCKHASH/SOCKMAP its
 * own instructions reference (its map relocations), else the only such map
 * of its object, else the only one of the whole run. */
static struct rl_map *sockmap_of(struct sockops_run *r, struct rl_object *o, struct rl_prog *p)
{
	struct rl_map *found = NULL;
	int n = 0;

	for (uint32_t i = 0; i < p->spec->nr_relocs; i++) {
		const struct rl_reloc *rel = &p->spec->relocs[i];

		if (rel->kind == RL_RELOC_MAP && rel->map_idx < o->nr_maps &&
		    is_sockmap_type(o->maps[rel->map_idx].spec->type))
			return &o->maps[rel->map_idx];
	}
	for (uint32_t i = 0; i < o->nr_maps; i++)
		if (is_sockmap_type(o->maps[i].spec->type) && (!found || found->id != o->maps[i].id))
			found = &o->maps[i], n++;
	if (n == 1)
		return found;
	if (n > 1)
		return NULL;
	for (int k = 0; k < r->nr_objs; k++)
		for (uint32_t i = 0; i < r->objs[k].obj.nr_maps; i++) {
			struct rl_map *m = &r->objs[k].obj.maps[i];

			if (is_sockmap_type(m->spec->type) && (!found || found->id != m->id))
				found = m, n++;
		}
	return n == 1 ? found : NULL;
}

/* After step 1 from objects: one target per sockops and sk_msg program,
 * the sk_msg ones with their map.  0 or EXIT_USER after saying why. */
static int targets_from_objects(struct sockops_run *r)
{
	for (int k = 0; k < r->nr_objs; k++) {
		struct rl_object *o = &r->objs[k].obj;

		for (uint32_t i = 0; i < o->nr_progs; i++) {
			struct rl_prog *p = &o->progs[i];
			uint32_t type = p->spec->prog_type;
			struct sockops_target *t;
			struct rl_map *m;

			if (type != BPF_PROG_TYPE_SOCK_OPS && type != BPF_PROG_TYPE_SK_MSG)
				continue;
			if (r->nt >= SOCKOPS_MAX_ATTACH) {
				fprintf(stderr, "rawload: more than %d sockops and sk_msg programs\n",
					SOCKOPS_MAX_ATTACH);
				return EXIT_USER;
			}
			t = &r->t[r->nt++];
			*t = (struct sockops_target){ .obj = o->spec->name, .prog_fd = p->fd,
						      .prog_id = p->id, .prog_type = type, .map_fd = -1 };
			snprintf(t->name, sizeof(t->name), "%s", p->spec->name);
			if (type != BPF_PROG_TYPE_SK_MSG)
				continue;
			m = sockmap_of(r, o, p);
			if (!m) {
				fprintf(stderr, "rawload: %s: sk_msg program '%s': cannot tell which "
					"sockhash/sockmap to attach it to (its code references none, and "
					"the objects define none or several)\n", t->obj, t->name);
				return EXIT_USER;
			}
			t->map_fd = m->fd;
			t->map_id = m->id;
			t->map_type = m->spec->type;
			snprintf(t->map_name, sizeof(t->map_name), "%s", m->spec->name);
		}
	}
	return 0;
}

/* The map holds ONE sk_msg program; attaching another silently replaces it
 * (sock_map_prog_update -> psock_set_prog).  Refuse instead, and refuse two
 * of our own programs for one map. */
static int check_map_free(const struct sockops_run *r, const struct sockops_target *t)
{
	uint32_t ids[4], cnt = 4;

	for (const struct sockops_target *o = r->t; o < t; o++)
		if (o->prog_type == BPF_PROG_TYPE_SK_MSG && o->map_id == t->map_id) {
			fprintf(stderr, "rawload: %s: sk_msg programs '%s' and '%s' both use map '%s': "
				"a map runs one sk_msg program\n", t->obj, o->name, t->name, t->map_name);
			return EXIT_USER;
		}
	if (rl_sockmap_query_msg_verdict(t->map_fd, ids, &cnt, NULL) || cnt == 0 || ids[0] == t->prog_id)
		return 0; /* a kernel without sock_map_bpf_prog_query (< 5.19) cannot tell us */
	fprintf(stderr, "rawload: %s: %s '%s' (map id %u) already has sk_msg program id %u attached; "
		"rawload does not replace it (`rawload detach sockops` it first, or use another --pin DIR)\n",
		t->obj, rl_map_type_name(t->map_type), t->map_name, t->map_id, ids[0]);
	return EXIT_USER;
}

/* A link for t on target_fd, pinned at DIR/link_<kind>_<prog> before
 * anything else happens (bpf_link.c). */
static int attach_link(struct sockops_run *r, struct sockops_target *t, int target_fd,
		       uint32_t attach_type, const char *kind, const char *what, struct rl_diag *d)
{
	int fd = -1, err;

	if (snprintf(t->link_pin, sizeof(t->link_pin), "%s/link_%s_%s", r->pin_dir, kind, t->name) >=
	    (int)sizeof(t->link_pin))
		return rl_err(d, ENAMETOOLONG, "pin directory '%s' is too long", r->pin_dir);
	err = rl_link_create_pinned(t->prog_fd, target_fd, attach_type, what, t->link_pin, &r->undo,
				    &fd, &t->link_id, d);
	if (fd >= 0)
		r->link_fds[r->nr_link_fds++] = fd;
	return err;
}

/* Step 2: every sk_msg program onto its sockhash. */
static int attach_msg(struct sockops_run *r)
{
	struct rl_diag d = { "" };

	for (int i = 0; i < r->nt; i++) {
		struct sockops_target *t = &r->t[i];
		struct rl_undo_step step = { .kind = RL_UNDO_PROG_DETACH, .prog_fd = t->prog_fd,
					     .target_fd = t->map_fd, .attach_type = BPF_SK_MSG_VERDICT };
		int err;

		if (t->prog_type != BPF_PROG_TYPE_SK_MSG)
			continue;
		if (check_map_free(r, t) || cli_interrupted())
			return EXIT_USER;
		if (r->msg_link)
			err = attach_link(r, t, t->map_fd, BPF_SK_MSG_VERDICT, "sk_msg", "sockmap", &d);
		else if (!(err = rl_sockmap_attach_msg_verdict(t->map_fd, t->prog_fd, &d)))
			err = rl_undo_push(&r->undo, &step, &d);
		if (err) {
			fprintf(stderr, "rawload: %s: program '%s' -> map '%s': %s\n", t->obj, t->name,
				t->map_name, d.msg);
			return EXIT_USER;
		}
		t->attached = true;
	}
	return 0;
}

/* Step 3: every sockops program onto the cgroup. */
static int attach_sockops(struct sockops_run *r)
{
	struct rl_diag d = { "" };

	for (int i = 0; i < r->nt; i++) {
		struct sockops_target *t = &r->t[i];
		struct rl_undo_step step = { .kind = RL_UNDO_PROG_DETACH, .prog_fd = t->prog_fd,
					     .target_fd = r->cg_fd, .attach_type = BPF_CGROUP_SOCK_OPS };
		int err;

		if (t->prog_type != BPF_PROG_TYPE_SOCK_OPS)
			continue;
		if (cli_interrupted())
			return EXIT_USER;
		if (r->link)
			err = attach_link(r, t, r->cg_fd, BPF_CGROUP_SOCK_OPS, "sockops", "cgroup", &d);
		else if (!(err = rl_cgroup_attach_sockops(r->cg_fd, t->prog_fd, &d)))
			err = rl_undo_push(&r->undo, &step, &d);
		if (err) {
			fprintf(stderr, "rawload: %s: program '%s' -> cgroup %s: %s\n", t->obj, t->name,
				r->cgroup, d.msg);
			return EXIT_USER;
		}
		t->attached = true;
	}
	return 0;
}

static void print_report(const struct sockops_run *r, const char *pinned)
{
	if (r->link && !r->msg_link)
		printf("note: this kernel has no sockmap links (Linux 6.10 added them): sk_msg is "
		       "attached with BPF_PROG_ATTACH, the sockops program with a cgroup link\n");
	/* in the order they were attached: sk_msg first, then sockops */
	for (int i = 0; i < 2 * r->nt; i++) {
		const struct sockops_target *t = &r->t[i % r->nt];

		if (!t->attached || (i < r->nt) != (t->prog_type == BPF_PROG_TYPE_SK_MSG))
			continue;
		if (t->prog_type == BPF_PROG_TYPE_SK_MSG)
			printf("attached sk_msg  %-20s (prog id %u) to %s %s (map id %u), BPF_SK_MSG_VERDICT",
			       t->name, t->prog_id, rl_map_type_name(t->map_type), t->map_name, t->map_id);
		else
			printf("attached sockops %-20s (prog id %u) to cgroup %s, "
			       "BPF_CGROUP_SOCK_OPS + BPF_F_ALLOW_MULTI", t->name, t->prog_id, r->cgroup);
		if (t->link_id)
			printf(" with %s link id %u pinned at %s",
			       t->prog_type == BPF_PROG_TYPE_SK_MSG ? "sockmap" : "cgroup", t->link_id,
			       t->link_pin);
		printf("\n");
	}
	for (int k = 0; k < r->nr_objs; k++) {
		const struct rl_object *o = &r->objs[k].obj;

		for (uint32_t i = 0; i < o->nr_progs; i++) {
			uint32_t t = o->progs[i].spec->prog_type;

			if (t != BPF_PROG_TYPE_SOCK_OPS && t != BPF_PROG_TYPE_SK_MSG)
				printf("note: %s program '%s' is loaded and pinned, not attached\n",
				       rl_prog_type_name(t), o->progs[i].spec->name);
		}
	}
	printf("%s %s; undo with: rawload detach sockops --cgroup %s --pin %s\n",
	       pinned ? "attached programs pinned under" : "pinned under", r->pin_dir, r->cgroup,
	       r->pin_dir);
}

/* --link: a cgroup link for sockops always; for sk_msg a sockmap link where
 * the kernel has them (probes.c), else BPF_PROG_ATTACH, said in the report.
 * Asked after signals are blocked: the probe is a bpf(2) call like any. */
static void choose_links(struct sockops_run *r)
{
	r->msg_link = r->link && rl_probe(RL_FEAT_SOCKMAP_LINK) == 1;
}

/* --pinned REF: the programs are in the kernel and pinned in DIR already;
 * DIR is locked (no marker: nothing is created but the links, each pinned
 * at once, and a dead run's attachments are pinned programs that `detach
 * sockops --pin DIR` finds). */
static int sockops_pinned(struct sockops_run *r, const char *ref)
{
	struct rl_diag d = { "" };
	char only[256];

	r->cg_fd = rl_cgroup_open(r->cgroup, &d);
	if (r->cg_fd < 0)
		return cli_fail("--cgroup", &d);
	cli_block_signals();
	choose_links(r);
	if (cli_sockops_pinned_ref(ref, r->pin_dir, only))
		return EXIT_USER;
	if (rl_bpffs_check(r->pin_dir, &d))
		return cli_fail("--pinned", &d);
	if (cli_lock_pin_dir(r->pin_dir, false) ||
	    cli_sockops_pinned_targets(r->pin_dir, only, &r->pd, r->t, SOCKOPS_MAX_ATTACH, &r->nt))
		return EXIT_USER;
	if (attach_msg(r) || attach_sockops(r) || cli_interrupted())
		return EXIT_USER;
	print_report(r, r->pin_dir);
	return EXIT_OK;
}

static int sockops_sequence(struct sockops_run *r, const char **paths, int n, const char *pin,
			    const struct cli *cli)
{
	struct rl_diag d = { "" };

	/* the cgroup first: a wrong --cgroup should fail before anything is loaded */
	r->cg_fd = rl_cgroup_open(r->cgroup, &d);
	if (r->cg_fd < 0)
		return cli_fail("--cgroup", &d);
	cli_block_signals();
	choose_links(r);
	if (cli_prepare_pin_dir(pin, paths[0], r->pin_dir, &r->undo) ||
	    cli_pin_dir_begin(r->pin_dir, RL_PENDING_SOCKOPS, 0, &r->undo))
		return EXIT_USER;
	/* load_all pins before anything is attached: a process killed after an
	 * attach leaves it pinned, and the marker tells a later detach (or the
	 * next sockops in this directory) that the run did not finish */
	if (load_all(r, paths, n, cli) || targets_from_objects(r) || attach_msg(r) || attach_sockops(r))
		return EXIT_USER;
	if (cli_interrupted())
		return EXIT_USER;
	cli_pin_dir_commit(r->pin_dir, RL_PENDING_SOCKOPS, 0);
	print_report(r, NULL);
	return EXIT_OK;
}

int cmd_sockops(int argc, char **argv, struct cli *cli)
{
	const char *cgroup = NULL, *pin = NULL, *pinned = NULL, *pos[SOCKOPS_MAX_OBJS];
	bool link = false;
	const struct cli_opt opts[] = {
		{ "--cgroup", &cgroup, NULL }, { "--pin", &pin, NULL }, { "--link", NULL, &link },
		{ "--pinned", &pinned, NULL }, { NULL, NULL, NULL },
	};
	struct sockops_run *r;
	int npos, rc = EXIT_USER;

	if (cli_parse_args("sockops", argc, argv, opts, pos, 0, SOCKOPS_MAX_OBJS, &npos))
		return EXIT_USAGE;
	if (pinned && (npos || pin))
		return cli_usage_error("sockops", "--pinned DIR attaches what is pinned in DIR: no OBJ "
				       "and no --pin with it");
	if (!pinned && !npos)
		return cli_usage_error("sockops", "missing argument (OBJ, or --pinned DIR)");
	r = calloc(1, sizeof(*r));
	if (!r) {
		fprintf(stderr, "rawload: out of memory\n");
		return EXIT_USER;
	}
	r->cg_fd = -1;
	r->pd.dfd = -1;
	if (cli_sockops_cgroup(cgroup, r->cgroup, "sockops"))
		goto out;
	r->link = link;
	rc = pinned ? sockops_pinned(r, pinned) : sockops_sequence(r, pos, npos, pin, cli);
	if (rc != EXIT_OK) {
		if (cli_interrupted())
			fprintf(stderr, "rawload: interrupted: rolling back\n");
		/* pins first, then the attachments newest first (our fds are still
		 * open, so BPF_PROG_DETACH can name each program), then the dir */
		for (int k = r->nr_objs - 1; k >= 0; k--)
			rl_object_unpin_created(&r->objs[k].obj);
	}
out:
	if (rc != EXIT_OK)
		rl_undo_run(&r->undo, NULL);
	rl_undo_forget(&r->undo);
	/* newest first; a link whose pin the undo removed is detached here */
	for (int i = r->nr_link_fds - 1; i >= 0; i--)
		close(r->link_fds[i]);
	cli_sockops_targets_release(r->t, r->nt);
	rl_pin_dir_release(&r->pd);
	for (int k = r->nr_objs - 1; k >= 0; k--)
		cli_unload_object(&r->objs[k]);
	if (r->cg_fd >= 0)
		close(r->cg_fd);
	free(r);
	return rc;
}
