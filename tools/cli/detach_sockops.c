/* detach_sockops.c - finding again what `rawload sockops` attached, so that
 * `rawload detach sockops [--cgroup PATH] [--pin DIR] [--id N]` takes
 * exactly that away (`rawload show --cgroup PATH` is sockops_show.c).
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
 *
 * `rawload sockops --link` pinned links there too (link_sockops_<prog>,
 * link_sk_msg_<prog>).  A program a link holds cannot be taken off with
 * BPF_PROG_DETACH (__cgroup_bpf_detach matches the entry's prog AND link:
 * ENOENT; sock_map_prog_update refuses a slot a link holds: EBUSY), so each
 * link gets BPF_LINK_DETACH first (cgroup_bpf_link_detach /
 * sock_map_link_detach: the hook lets go now, the link lives on, defunct,
 * holding its program until its pin goes).  Then the pins go, and the
 * kernel frees the links (bpf_link_put -> bpf_link_free, deferred to a
 * work queue) and after them the programs; both are watched until gone.
 *
 * A detach can stop half-way (a refused call, a signal).  Its pins stay,
 * and they are how the next try finds the rest: a directory whose sockops
 * programs are attached nowhere any more, but whose sk_msg program is still
 * on its sockhash or whose pins remain, is finished by a second run.  What
 * is attached to *another* cgroup is never touched.  --id N detaches
 * program N whoever attached it (as `detach xdp --id` does).
 */
#include "bpf_link.h"
#include "bpffs.h"
#include "cgroup.h"
#include "cli.h"
#include "sockops_own.h"
#include "sys_bpf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CG_PROGS_MAX 64    /* BPF_CGROUP_SOCK_OPS holds at most 64 (BPF_CGROUP_MAX_PROGS) */

struct detach_run {
	int cg_fd;
	const char *cgroup;
	uint32_t ids[CG_PROGS_MAX];     /* attached to the cgroup when we looked */
	uint32_t n;
	struct rl_pin_dir pd;
	int found;                      /* pin directories taken */
	uint32_t seen[CG_PROGS_MAX];    /* sockops programs found pinned: ours */
	uint32_t nr_seen;
	bool unsure;                    /* a pin directory could not be read */
};

/* Count this directory's sockops programs by where they are attached
 * (loader/lifecycle/sockops_own.c), and remember each one as ours.  Looking
 * at every other cgroup costs a walk of the cgroup tree per program, so
 * only when asked (look_around). */
static void classify(struct detach_run *r, struct rl_sockops_dir_state *st, bool look_around)
{
	rl_sockops_classify(&r->pd, r->ids, r->n,
			    look_around ? rl_sockops_attached_elsewhere : NULL, st);
	for (int i = 0; i < r->pd.n; i++) {
		const struct rl_pin_entry *e = &r->pd.e[i];

		if (rl_pin_is_prog(e, BPF_PROG_TYPE_SOCK_OPS) &&
		    !rl_id_in(e->o.id, r->seen, r->nr_seen) && r->nr_seen < CG_PROGS_MAX)
			r->seen[r->nr_seen++] = e->o.id;
	}
}

/* BPF_LINK_DETACH on every link pinned here: the cgroup links first (the
 * order `rawload sockops` attached in, reversed), then the sockmap links. */
static int detach_links(struct detach_run *r)
{
	struct rl_pin_dir *pd = &r->pd;
	struct rl_diag d = { "" };
	int rc = 0;

	for (int pass = 0; pass < 2; pass++)
		for (int i = 0; i < pd->n; i++) {
			const struct rl_pin_entry *e = &pd->e[i];
			struct rl_link_info li;
			bool cg;

			if (e->fd < 0 || e->o.kind != RL_OBJ_LINK || rl_link_info_fd(e->fd, &li, &d))
				continue;
			cg = li.type == BPF_LINK_TYPE_CGROUP;
			if (pass != !cg)
				continue;
			if (cg ? !li.cgroup_id : !li.map_id) {
				printf("%s link id %u (prog id %u) is detached already (defunct: its pin %s "
				       "holds it)\n", cg ? "cgroup" : "sockmap", li.id,
				       li.prog_id, e->path);
				continue;
			}
			if (rl_link_detach_id(li.id, &d)) {
				rc = cli_fail(e->path, &d);
				continue;
			}
			if (cg)
				printf("detached cgroup link id %u (sockops prog id %u) from cgroup %s: "
				       "BPF_LINK_DETACH\n", li.id, li.prog_id, r->cgroup);
			else
				printf("detached %s link id %u (prog id %u) from map id %u: BPF_LINK_DETACH\n",
				       "sockmap", li.id, li.prog_id, li.map_id);
		}
	/* what BPF_PROG_DETACH may still take off: the programs attached without a link */
	r->n = CG_PROGS_MAX;
	if (!rc && rl_cgroup_query_sockops(r->cg_fd, r->ids, &r->n, NULL, &d))
		rc = cli_fail(r->cgroup, &d);
	return rc;
}

/* Every sk_msg program pinned here off every sockhash pinned here.  No
 * query first (it needs Linux 5.19): BPF_PROG_DETACH of a program that is
 * not on that map fails with ENOENT (psock_replace_prog), which is fine. */
static int detach_msg(struct rl_pin_dir *pd)
{
	struct rl_diag d = { "" };
	int rc = 0;

	for (int m = 0; m < pd->n; m++) {
		if (!rl_pin_is_sockmap(&pd->e[m]))
			continue;
		for (int p = 0; p < pd->n; p++) {
			const struct rl_pin_entry *pr = &pd->e[p];
			int err;

			if (!rl_pin_is_prog(pr, BPF_PROG_TYPE_SK_MSG))
				continue;
			err = rl_sockmap_detach_msg_verdict(pd->e[m].fd, pr->fd, &d);
			if (err == -ENOENT)
				continue;
			if (err) {
				rc = cli_fail(pr->path, &d);
				continue;
			}
			printf("detached sk_msg  %-16s (prog id %u) from %s (map id %u)\n", pr->o.name,
			       pr->o.id, pd->e[m].o.name, pd->e[m].o.id);
		}
	}
	return rc;
}

static void watch_all(struct rl_pin_dir *pd)
{
	uint32_t links[RL_PIN_DIR_MAX];
	int nl = 0;

	for (int i = 0; i < pd->n; i++)
		if (pd->e[i].o.kind == RL_OBJ_LINK && pd->e[i].fd >= 0)
			links[nl++] = pd->e[i].o.id;
	rl_pin_dir_close_fds(pd);
	if (cli_interrupted()) {
		fprintf(stderr, "rawload: interrupted after the detach finished: not waiting for the "
			"kernel to free the ids\n");
		return;
	}
	/* the links first: each holds its program until it is freed */
	for (int i = 0; i < nl; i++)
		if (rl_link_wait_freed(links[i], 2000) == 0)
			printf("link id %u freed\n", links[i]);
		else
			printf("link id %u still exists after 2000 ms (an fd elsewhere holds it; it is "
			       "detached)\n", links[i]);
	for (int i = 0; i < pd->n; i++)
		if (pd->e[i].o.kind == RL_OBJ_PROG || pd->e[i].o.kind == RL_OBJ_MAP)
			cli_watch_freed(pd->e[i].o.id, pd->e[i].o.kind == RL_OBJ_MAP, pd->e[i].o.name);
}

/* Remove every entry (a link as a link, never followed), then the directory. */
static int unpin_all(struct rl_pin_dir *pd)
{
	struct rl_diag d = { "" };
	int rc = 0, n = 0;

	for (int i = 0; i < pd->n; i++) {
		if (pd->e[i].what == RL_PIN_SUBDIR)
			continue; /* the rmdir below says it is there */
		if (rl_pin_dir_unlink(pd, i, &d))
			rc = cli_fail("unpin", &d);
		else if (pd->e[i].what == RL_PIN_LINK)
			printf("removed symbolic link %s (not followed)\n", pd->e[i].path);
		else
			n++;
	}
	if (!rc && rl_pending_clear_all(pd->path, &d))   /* our marker, any dead command's */
		rc = cli_fail("", &d);
	if (!rc && rl_bpffs_rmdir(pd->path, &d))
		rc = cli_fail("", &d);
	if (!rc)
		printf("unpinned %d object%s and removed %s\n", n, n == 1 ? "" : "s", pd->path);
	return rc;
}

/* Detach this directory's sockops programs from the cgroup and its sk_msg
 * programs from its sockhash, then remove the pins and the directory.  On
 * a failure the pins stay: they are how the next try finds the rest. */
static int detach_dir(struct detach_run *r)
{
	struct rl_pin_dir *pd = &r->pd;
	struct rl_diag d = { "" };
	int rc = 0;

	r->found++;
	if (cli_interrupted()) {
		fprintf(stderr, "rawload: %s: interrupted: nothing changed there\n", pd->path);
		return EXIT_USER;
	}
	/* locked and marked before the first detach: killed half-way, this
	 * leaves a marked directory the next detach finishes (pending.h) */
	{
		struct rl_undo marker = { .n = 0 };

		if (cli_lock_pin_dir(pd->path, false) ||
		    cli_pin_dir_begin(pd->path, RL_PENDING_SOCKOPS, 0, &marker)) {
			fprintf(stderr, "rawload: %s: nothing changed there\n", pd->path);
			return EXIT_USER;
		}
		rl_undo_forget(&marker);
	}
	if (detach_links(r))
		rc = EXIT_USER;
	for (int i = 0; i < pd->n; i++) {
		const struct rl_pin_entry *e = &pd->e[i];

		if (!rl_pin_is_prog(e, BPF_PROG_TYPE_SOCK_OPS) || !rl_id_in(e->o.id, r->ids, r->n))
			continue;
		if (rl_cgroup_detach_sockops(r->cg_fd, e->fd, &d)) {
			rc = cli_fail(e->path, &d);
			continue;
		}
		printf("detached sockops %-16s (prog id %u) from cgroup %s\n", e->o.name, e->o.id,
		       r->cgroup);
	}
	if (detach_msg(pd))
		rc = EXIT_USER;
	if (!rc)
		rc = unpin_all(pd);
	if (rc) {
		fprintf(stderr, "rawload: %s: detach incomplete, its pins kept; run `rawload detach "
			"sockops --cgroup %s --pin %s` again to finish\n", pd->path, r->cgroup, pd->path);
		return rc;
	}
	watch_all(pd);
	return 0;
}

/* Read a pin directory; every entry must open (a pin we cannot look at
 * would be left behind, holding what it pins). */
static int read_dir(struct detach_run *r, const char *dir)
{
	struct rl_diag d = { "" };
	int err = rl_pin_dir_read(&r->pd, dir, &d);

	if (!err && (err = rl_pin_dir_check(&r->pd, &d)) != 0)
		rl_pin_dir_release(&r->pd);
	if (err) {
		fprintf(stderr, "rawload: %s: nothing changed there\n", d.msg);
		r->unsure = true;
	}
	return err;
}

/* --pin DIR: nothing of DIR may be attached to another cgroup, else
 * nothing is changed (its sockops program serves that cgroup). */
static int detach_named(struct detach_run *r, const char *dir)
{
	struct rl_diag d = { "" };
	struct rl_sockops_dir_state st;
	int rc;

	if (rl_bpffs_check(dir, &d))
		return cli_fail("--pin", &d);
	if (read_dir(r, dir))
		return EXIT_USER;
	classify(r, &st, true);
	if (st.elsewhere) {
		fprintf(stderr, "rawload: %s: sockops program %u pinned here is attached to cgroup %s, "
			"not %s: nothing changed (is --cgroup right? `rawload show --cgroup PATH` lists "
			"them)\n", r->pd.path, st.other_id, st.other_cg, r->cgroup);
		rl_pin_dir_release(&r->pd);
		return EXIT_USER;
	}
	if (!st.here)
		printf("nothing pinned in %s is attached to cgroup %s or another: removing what is "
		       "left (an earlier detach that stopped half-way)\n", r->pd.path, r->cgroup);
	rc = detach_dir(r);
	rl_pin_dir_release(&r->pd);
	return rc;
}

/* No --pin: one <bpffs>/rawload/<name>/ directory.  Taken when its sockops
 * program is attached to this cgroup, or when a detach stopped half-way
 * there (sockops attached nowhere, sk_msg still on its map). */
static int consider_dir(struct detach_run *r, const char *dir)
{
	struct rl_sockops_dir_state st;
	int rc = 0;

	if (read_dir(r, dir))
		return EXIT_USER;
	classify(r, &st, false);
	if (st.here || (st.loose && rl_sockops_msg_still_attached(&r->pd))) {
		classify(r, &st, true);
		if (st.elsewhere)
			fprintf(stderr, "rawload: %s: left alone: its sockops program %u is attached to "
				"cgroup %s\n", r->pd.path, st.other_id, st.other_cg);
		else if (st.here)
			rc = detach_dir(r);
		else {
			printf("%s: its sockops program is attached nowhere, its sk_msg program still "
			       "is: finishing an earlier detach\n", r->pd.path);
			rc = detach_dir(r);
		}
	}
	rl_pin_dir_release(&r->pd);
	return rc;
}

static int detach_found(struct detach_run *r)
{
	char root[PATH_MAX], dir[PATH_MAX];
	struct rl_diag d = { "" };
	struct dirent *de;
	struct stat st;
	int rc = 0, dfd;
	DIR *dh;

	if (rl_pin_root(root))
		return 0; /* no bpffs mounted: nothing was pinned */
	dfd = rl_bpffs_open_dir(root, &d);
	if (dfd < 0)
		return dfd == -ENOENT ? 0 : cli_fail("", &d);
	dh = fdopendir(dfd);
	if (!dh) {
		close(dfd);
		return 0;
	}
	while ((de = readdir(dh))) {
		if (de->d_name[0] == '.' || fstatat(dfd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) ||
		    !S_ISDIR(st.st_mode) ||
		    snprintf(dir, sizeof(dir), "%s/%s", root, de->d_name) >= (int)sizeof(dir))
			continue;
		if (cli_interrupted())
			break;
		if (consider_dir(r, dir))
			rc = EXIT_USER;
	}
	closedir(dh);
	return rc;
}

/* --id N of a program a cgroup link holds on this cgroup (no pin of it
 * found): BPF_LINK_DETACH on that link.  The link may live on (a pin or fd
 * elsewhere), holding the program; what the kernel freed is said.  Returns
 * 1 when such a link was found (r->found counts a success), else 0. */
static int detach_id_link(struct detach_run *r, uint32_t id)
{
	struct rl_link_info want = { .type = BPF_LINK_TYPE_CGROUP, .prog_id = id,
				     .attach_type = BPF_CGROUP_SOCK_OPS }, li;
	struct rl_diag d = { "" };
	struct stat st;

	/* a cgroup v2 directory's inode number is its cgroup id (kernfs) */
	if (fstat(r->cg_fd, &st) || !(want.cgroup_id = st.st_ino) || rl_link_find(&want, &li, &d) != 1)
		return 0;
	if (cli_interrupted() || rl_link_detach_id(li.id, &d)) {
		fprintf(stderr, "rawload: program %u: cgroup link %u: %s: nothing changed\n", id, li.id,
			d.msg[0] ? d.msg : "interrupted");
		return 1;
	}
	r->found++;
	printf("detached sockops program %u from cgroup %s by BPF_LINK_DETACH on cgroup link id %u "
	       "(--id; no pins removed)\n", id, r->cgroup, li.id);
	if (rl_link_wait_freed(li.id, 2000) == 0) {
		printf("link id %u freed\n", li.id);
		cli_watch_freed(id, false, "");
	} else {
		printf("link id %u still exists, detached (a pin or fd elsewhere holds it, and the link "
		       "holds program %u until it goes)\n", li.id, id);
	}
	return 1;
}

/* --id N: program N off the cgroup, whoever attached it.  If rawload
 * pinned it (under --pin DIR or <bpffs>/rawload), its whole directory goes
 * the usual way. */
static int detach_id(struct detach_run *r, uint32_t id, const char *pin)
{
	char pins[1][PATH_MAX], *slash;
	struct rl_diag d = { "" };
	struct rl_bpf_obj o;
	int fd, err;

	if (!rl_id_in(id, r->ids, r->n)) {
		fprintf(stderr, "rawload: program %u is not attached to cgroup %s (%u sockops program%s "
			"there)\n", id, r->cgroup, r->n, r->n == 1 ? " is" : "s are");
		return EXIT_USER;
	}
	if (rl_find_pins_for_id(pin, id, false, pins, 1) > 0 && (slash = strrchr(pins[0], '/')) &&
	    slash != pins[0]) {
		char mnt[PATH_MAX] = "", root[PATH_MAX] = "";

		*slash = '\0';
		rl_bpffs_mount_root(mnt);
		rl_pin_root(root);
		if (strcmp(pins[0], mnt) && strcmp(pins[0], root))
			return detach_named(r, pins[0]);
	}
	if (detach_id_link(r, id))
		return r->found ? 0 : EXIT_USER;
	fd = rl_sys_prog_get_fd_by_id(id);
	if (fd < 0) {
		fprintf(stderr, "rawload: program %u: BPF_PROG_GET_FD_BY_ID: %s\n", id, strerror(-fd));
		return EXIT_USER;
	}
	err = rl_obj_describe(fd, &o);
	if (!err && cli_interrupted())
		err = -EINTR;
	if (!err)
		err = rl_cgroup_detach_sockops(r->cg_fd, fd, &d);
	close(fd);
	if (err) {
		fprintf(stderr, "rawload: program %u: %s: nothing changed\n", id,
			err == -EINTR ? "interrupted" : d.msg[0] ? d.msg : strerror(-err));
		return EXIT_USER;
	}
	printf("detached sockops %-16s (prog id %u) from cgroup %s (--id; no pins removed: not "
	       "found under %s)\n", o.name, id, r->cgroup, pin ? pin : "<bpffs>/rawload");
	r->found++;
	cli_watch_freed(id, false, o.name);
	return 0;
}

/* What is left on the cgroup after we are done is somebody else's: say so
 * (unless a pin directory could not be read: then we cannot tell). */
static void report_others(const struct detach_run *r)
{
	uint32_t ids[CG_PROGS_MAX], n = CG_PROGS_MAX;

	if (r->unsure || rl_cgroup_query_sockops(r->cg_fd, ids, &n, NULL, NULL))
		return;
	for (uint32_t i = 0; i < n && i < CG_PROGS_MAX; i++) {
		struct rl_bpf_obj o = { .name = "" };
		int fd;

		if (rl_id_in(ids[i], r->seen, r->nr_seen))
			continue; /* ours, and a failure above said why it is still there */
		fd = rl_sys_prog_get_fd_by_id(ids[i]);
		if (fd >= 0) {
			rl_obj_describe(fd, &o);
			close(fd);
		}
		fprintf(stderr, "rawload: note: cgroup %s also has sockops program %u '%s' that rawload "
			"did not attach (no pin of it under the pin directories looked at): left alone; "
			"`rawload detach sockops --cgroup %s --id %u` detaches it\n", r->cgroup, ids[i],
			o.name, r->cgroup, ids[i]);
	}
}

static int detach_sockops(struct detach_run *r, const char *pin, const char *id_s)
{
	uint32_t id = 0;
	int rc, recovered = 0;

	/* first what a killed `rawload sockops` / `detach sockops` left */
	if (!id_s)
		recovered = cli_recover_dead(pin, RL_PENDING_SOCKOPS, 0);
	if (id_s)
		rc = cli_parse_id(id_s, &id) ? EXIT_USAGE : detach_id(r, id, pin);
	else if (pin)   /* recovered to nothing: the directory went with what was left */
		rc = recovered && access(pin, F_OK) ? EXIT_OK : detach_named(r, pin);
	else
		rc = detach_found(r);
	if (rc == EXIT_USAGE)
		return cli_usage_error("detach", "--id takes a program id, not '%s'", id_s);
	if (cli_interrupted() && !rc) {
		fprintf(stderr, "rawload: interrupted\n");
		rc = EXIT_USER;
	}
	if (!r->found && !pin && !id_s && recovered && r->n == 0)
		return EXIT_OK;   /* what was left is gone; nothing else was attached */
	if (!r->found && !pin && !id_s) {
		if (r->n == 0)
			fprintf(stderr, "rawload: nothing to detach: no sockops program is attached to %s\n",
				r->cgroup);
		else
			fprintf(stderr, "rawload: nothing to detach: none of the %u sockops program%s on %s "
				"is pinned under <bpffs>/rawload/*/ (pass --pin DIR if it was pinned "
				"elsewhere; programs rawload did not attach are left alone)\n", r->n,
				r->n == 1 ? "" : "s", r->cgroup);
		rc = EXIT_USER;
	}
	report_others(r);
	return rc;
}

int cli_detach_sockops(int argc, char **argv, struct cli *cli)
{
	const char *cgroup_arg = NULL, *pin = NULL, *id_s = NULL;
	const struct cli_opt opts[] = {
		{ "--cgroup", &cgroup_arg, NULL }, { "--pin", &pin, NULL }, { "--id", &id_s, NULL },
		{ NULL, NULL, NULL },
	};
	char cgroup[PATH_MAX];
	struct rl_diag d = { "" };
	struct detach_run *r;
	int npos, rc;

	(void)cli;
	if (cli_parse_args("detach", argc, argv, opts, NULL, 0, 0, &npos))
		return EXIT_USAGE;
	if (cli_sockops_cgroup(cgroup_arg, cgroup, "detach sockops"))
		return EXIT_USER;
	cli_block_signals(); /* a signal stops us between steps, never inside one */
	r = calloc(1, sizeof(*r));
	if (!r) {
		fprintf(stderr, "rawload: out of memory\n");
		return EXIT_USER;
	}
	r->cgroup = cgroup;
	r->pd.dfd = -1;
	r->n = CG_PROGS_MAX;
	r->cg_fd = rl_cgroup_open(cgroup, &d);
	if (r->cg_fd < 0) {
		free(r);
		return cli_fail("--cgroup", &d);
	}
	if (rl_cgroup_query_sockops(r->cg_fd, r->ids, &r->n, NULL, &d))
		rc = cli_fail(cgroup, &d);
	else
		rc = detach_sockops(r, pin, id_s);
	close(r->cg_fd);
	free(r);
	return rc;
}
