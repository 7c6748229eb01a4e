/* cmd_xdp.c - `rawload xdp OBJ DEV [--prog NAME] [--mode native|skb|hw]
 * [--replace | --link] [--pin DIR]`; `rawload xdp --pinned REF DEV ...`
 * (a program already loaded) is xdp_pinned.c, the attach step xdp_steps.c.
 *
 * The sequence, each step undone if a later one fails:
 *   0. lock DIR and mark it DIR/rawload_pending_xdp_<ifindex>  pending.h
 *   1. load the object (BTF, maps, programs)             load.c
 *   2. pin programs and maps under DIR so `show` and `detach` find them
 *   3. attach one XDP program to DEV over rtnetlink        netlink/xdp_attach.c
 *      RTM_SETLINK -> do_setlink -> dev_change_xdp_fd -> dev_xdp_install
 *      -> the driver's ndo_bpf(XDP_SETUP_PROG)
 *      or, with --link, an XDP link: BPF_LINK_CREATE with BPF_XDP ->
 *      bpf_xdp_link_attach -> dev_xdp_attach_link -> dev_xdp_attach, pinned
 *      at DIR/link_xdp (a link killed before its pin detaches itself when
 *      its last fd closes)                                 loader/attach/bpf_link.c
 *   4. remove the marker: the attachment is recorded by the pins
 * The attach is the last kernel change, so a process killed at any point
 * (SIGKILL cannot be caught) leaves either nothing attached or an attached
 * program that is pinned; the marker tells `rawload detach xdp DEV` or the
 * next `rawload xdp` which directories a dead run left to clean.
 * An XDP program already on DEV is never replaced unless --replace, and then
 * atomically: IFLA_XDP_EXPECTED_FD names the program we expect to displace.
 * A swap cannot be undone, so with --replace the pins are staged before it
 * (see stage_pins): a failure before the swap leaves the displaced program
 * attached and pinned, and after it nothing is rolled back.
 */
#include "bpf_link.h"
#include "bpffs.h"
#include "cli.h"
#include "sys_bpf.h"
#include "undo.h"
#include "xdp_attach.h"

#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

/* --prog NAME, or the object's only XDP program.  Chosen from the parsed
 * object, before anything is loaded: a wrong object creates no kernel state. */
static const struct rl_prog_spec *pick_xdp_prog(const struct rl_object_spec *o, const char *obj,
						const char *name)
{
	const struct rl_prog_spec *found = NULL;
	char names[256] = "";
	int n = 0;

	for (uint32_t i = 0; i < o->nr_progs; i++) {
		const struct rl_prog_spec *p = &o->progs[i];

		if (p->is_subprog || p->prog_type != BPF_PROG_TYPE_XDP)
			continue;
		if (name && !strcmp(p->name, name))
			return p;
		found = p;
		n++;
		snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s",
			 n > 1 ? ", " : "", p->name);
	}
	if (name) {
		fprintf(stderr, "rawload: %s: no XDP program named '%s' (XDP programs: %s)\n", obj, name,
			n ? names : "none");
		return NULL;
	}
	if (n == 1)
		return found;
	if (n == 0)
		fprintf(stderr, "rawload: %s: no XDP program (no SEC(\"xdp\") function)\n", obj);
	else
		fprintf(stderr, "rawload: %s: %d XDP programs (%s): choose one with --prog NAME\n", obj, n, names);
	return NULL;
}

/* --replace: the swap cannot be undone, so our pins must stand before it -
 * but the displaced program may be pinned at our names (same object, same
 * directory), and those pins must keep it alive until the swap has
 * happened.  So ours are pinned in a staging directory DIR/rawload_staging
 * first and, once the swap is done, renamed over whatever stands at their
 * names (rename(2) on bpffs, simple_rename, replaces the old pin atomically,
 * dropping the displaced program's reference).  Maps reused from a pin keep
 * theirs. */
#define STAGING "rawload_staging"

static int stage_pins(struct rl_object *o, const char *dir, char stage[PATH_MAX], struct rl_undo *undo,
		      struct rl_diag *d)
{
	struct rl_undo_step s = { .kind = RL_UNDO_RMDIR };
	int created = 0, err;

	if (snprintf(stage, PATH_MAX, "%s/%s", dir, STAGING) >= PATH_MAX)
		return rl_err(d, ENAMETOOLONG, "pin directory '%s' is too long", dir);
	err = rl_bpffs_mkdir_p(stage, &created, d);
	if (err)
		return err;
	snprintf(s.path, sizeof(s.path), "%s", stage);
	if (created && (err = rl_undo_push(undo, &s, d)) != 0)
		return err;
	return rl_object_pin(o, stage, d);
}

static int move_pin(int from, int to, char *pin_path, const char *dir, struct rl_diag *d)
{
	const char *name = strrchr(pin_path, '/') + 1;

	if (renameat(from, name, to, name))
		return rl_err(d, errno, "rename '%s' to '%s/%s': %s (the program is attached and pinned "
			      "at the first)", pin_path, dir, name, strerror(errno));
	snprintf(pin_path, PATH_MAX, "%s/%s", dir, name);
	return 0;
}

/* After the swap: every staged pin to DIR, then the staging directory goes. */
static int unstage_pins(struct rl_object *o, const char *dir, const char *stage, struct rl_diag *d)
{
	int from = rl_bpffs_open_dir(stage, d), to = from < 0 ? -1 : rl_bpffs_open_dir(dir, d), err = 0;

	if (from < 0 || to < 0)
		err = from < 0 ? from : to;
	for (uint32_t i = 0; !err && i < o->nr_progs; i++)
		if (o->progs[i].pinned_here)
			err = move_pin(from, to, o->progs[i].pin_path, dir, d);
	for (uint32_t i = 0; !err && i < o->nr_maps; i++)
		if (o->maps[i].pinned_here && !strncmp(o->maps[i].pin_path, stage, strlen(stage)))
			err = move_pin(from, to, o->maps[i].pin_path, dir, d);
	if (from >= 0)
		close(from);
	if (to >= 0)
		close(to);
	if (!err)
		err = rl_bpffs_rmdir(stage, d);
	return err;
}

int cmd_xdp(int argc, char **argv, struct cli *cli)
{
	const char *prog_name = NULL, *mode_s = NULL, *pin = NULL, *pinned = NULL, *pos[2];
	bool replace = false, link = false;
	const struct cli_opt opts[] = {
		{ "--prog", &prog_name, NULL }, { "--mode", &mode_s, NULL },
		{ "--replace", NULL, &replace }, { "--pin", &pin, NULL }, { "--link", NULL, &link },
		{ "--pinned", &pinned, NULL }, { NULL, NULL, NULL },
	};
	struct rl_undo undo = { .n = 0 };
	struct rl_load_opts lo = { 0 };
	char pin_dir[PATH_MAX], stage[PATH_MAX] = "";
	struct cli_loaded l;
	enum rl_xdp_mode mode;
	struct rl_diag d = { "" };
	const struct rl_prog_spec *want;
	struct rl_prog *p;
	int npos, ifindex, link_fd = -1, rc = EXIT_USER;
	uint32_t link_id = 0;

	if (cli_parse_args("xdp", argc, argv, opts, pos, 1, 2, &npos))
		return EXIT_USAGE;
	if (link && replace)
		return cli_usage_error("xdp", "--replace swaps a netlink attach; --link makes a new link "
				       "(detach the old one first)");
	if (pinned && (npos != 1 || prog_name))
		return cli_usage_error("xdp", "with --pinned REF the program is already loaded: give only "
				       "DEV (no OBJ, no --prog)");
	if (pinned)
		return cli_xdp_pinned(pinned, pos[0], mode_s, link, replace, pin);
	if (npos != 2)
		return cli_usage_error("xdp", "missing argument");
	if (cli_xdp_parse_mode(mode_s, &mode))
		return cli_usage_error("xdp", "--mode is native, skb or hw, not '%s'", mode_s);
	ifindex = (int)if_nametoindex(pos[1]);
	if (!ifindex) {
		fprintf(stderr, "rawload: device '%s': %s (see `ip link`)\n", pos[1], strerror(errno));
		return EXIT_USER;
	}
	cli_block_signals();
	if (cli_prepare_pin_dir(pin, pos[0], pin_dir, &undo) ||
	    cli_pin_dir_begin(pin_dir, RL_PENDING_XDP, ifindex, &undo)) {
		rl_undo_run(&undo, NULL);
		return EXIT_USER;
	}
	lo.pin_dir = pin_dir;
	lo.verbose_log = cli->verbose;
	if (cli_parse_object(pos[0], &l))
		goto out_undo;
	want = pick_xdp_prog(&l.spec, pos[0], prog_name);
	if (!want) {
		cli_unload_object(&l);
		goto out_undo;
	}
	if (cli_load_parsed(&l, &lo, cli))
		goto out_undo;
	p = rl_object_prog(&l.obj, want->name);
	if (cli_interrupted()) {
		fprintf(stderr, "rawload: interrupted: rolling back\n");
		goto out_unload;
	}
	if (replace && stage_pins(&l.obj, pin_dir, stage, &undo, &d)) {
		cli_fail(pos[0], &d);
		goto out_unload;
	}
	if (replace && cli_interrupted()) {
		fprintf(stderr, "rawload: interrupted: rolling back\n");
		goto out_unload;
	}
	/* pins first, the attach last: whenever this process dies, either
	 * nothing is attached or what is attached is pinned (pending.h) */
	if (!replace && rl_object_pin(&l.obj, pin_dir, &d)) {
		cli_fail(pos[0], &d);
		goto out_unload;
	}
	if (!replace && cli_interrupted()) {
		fprintf(stderr, "rawload: interrupted: rolling back\n");
		goto out_unload;
	}
	if (link ? cli_xdp_attach_link(p->fd, p->spec->name, pos[1], ifindex, mode, pin_dir, &undo,
				       &link_fd, &link_id) :
		   cli_xdp_attach_nl(p->fd, p->spec->name, pos[1], ifindex, mode, replace, &undo))
		goto out_unload;
	if (replace) {
		/* swapped: nothing is taken back any more, whatever happens */
		rl_undo_forget(&undo);
		if (unstage_pins(&l.obj, pin_dir, stage, &d)) {
			cli_fail(pos[0], &d);
			cli_unload_object(&l);
			return EXIT_USER;
		}
	}
	/* attached and pinned: the marker goes, and with it the last undo */
	rl_undo_forget(&undo);
	cli_pin_dir_commit(pin_dir, RL_PENDING_XDP, ifindex);
	printf("attached %s (prog id %u) to %s (ifindex %d) in %s mode", p->spec->name, p->id,
	       pos[1], ifindex, rl_xdp_mode_name(mode));
	if (link)
		printf(" with XDP link id %u, pinned at %s/link_xdp", link_id, pin_dir);
	printf("\n");
	printf("pinned under %s; undo with: rawload detach xdp %s\n", pin_dir, pos[1]);
	rc = EXIT_OK;
out_unload:
	if (rc != EXIT_OK) {
		/* newest first: pins, then the attachment (while our fds are open), then the dir */
		rl_object_unpin_created(&l.obj);
		rl_undo_run(&undo, NULL);
	}
	if (link_fd >= 0)
		close(link_fd);   /* pinned on success; on failure this detaches */
	cli_unload_object(&l);
out_undo:
	if (rc != EXIT_OK)
		rl_undo_run(&undo, NULL); /* the pin directory, if loading failed */
	return rc;
}
