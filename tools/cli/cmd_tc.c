/* cmd_tc.c - `rawload tc OBJ DEV [--ingress|--egress] [--prog NAME] [--link]
 * [--pin DIR]`.
 *
 * The sequence, each step undone if a later one fails:
 *   1. load the object (BTF, maps, programs)                load.c
 *   2a. (netlink, the default) the clsact qdisc, if DEV has none:
 *       RTM_NEWQDISC                                         netlink/tc_attach.c
 *       then a direct-action cls_bpf filter with the program fd at a free
 *       priority: RTM_NEWTFILTER -> tc_new_tfilter -> ... -> cls_bpf_change
 *   2b. (--link) a tcx link: BPF_LINK_CREATE with BPF_TCX_INGRESS/EGRESS and
 *       target_ifindex (Linux 6.6+); no qdisc involved
 *   3. pin programs and maps (and the link) under DIR, and record what was
 *      attached as an empty directory there (tc_7_egress_1_1_clsact, tcx_7_egress)
 *      so `rawload detach tc DEV` removes exactly this filter, and the
 *      clsact qdisc only if rawload made it.
 */
#include "bpffs.h"
#include "cli.h"
#include "probes.h"
#include "sys_bpf.h"
#include "tc_attach.h"
#include "undo.h"

#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#define TC_HANDLE 1   /* our filter's handle; the priority is what varies */

/* --prog NAME, or the object's only tc (SCHED_CLS) program; chosen before
 * anything is loaded, so a wrong object creates no kernel state. */
static const struct rl_prog_spec *pick_tc_prog(const struct rl_object_spec *o, const char *obj,
					       const char *name)
{
	const struct rl_prog_spec *found = NULL, *named = NULL;
	char names[256] = "", others[256] = "";
	int n = 0;

	for (uint32_t i = 0; i < o->nr_progs; i++) {
		const struct rl_prog_spec *p = &o->progs[i];
		char *list = p->prog_type == BPF_PROG_TYPE_SCHED_CLS ? names : others;

		if (p->is_subprog)
			continue;
		if (name && !strcmp(p->name, name))
			named = p;
		snprintf(list + strlen(list), 256 - strlen(list), "%s%s (section %s)", list[0] ? ", " : "",
			 p->name, p->sec_name);
		if (p->prog_type == BPF_PROG_TYPE_SCHED_CLS) {
			found = p;
			n++;
		}
	}
	if (named && named->prog_type == BPF_PROG_TYPE_SCHED_CLS)
		return named;
	if (named) {
		fprintf(stderr, "rawload: %s: program '%s' (section %s) is not a tc program: cls_bpf and tcx "
			"take BPF_PROG_TYPE_SCHED_CLS (SEC(\"tc\") or SEC(\"classifier\")); nothing changed\n",
			obj, name, named->sec_name);
		return NULL;
	}
	if (name)
		fprintf(stderr, "rawload: %s: no program named '%s' (tc programs: %s)\n", obj, name,
			n ? names : "none");
	else if (n == 0)
		fprintf(stderr, "rawload: %s: no tc program (SEC(\"tc\") or SEC(\"classifier\"))%s%s; "
			"nothing changed\n", obj, others[0] ? "; it has " : "", others);
	else if (n > 1)
		fprintf(stderr, "rawload: %s: %d tc programs (%s): choose one with --prog NAME\n", obj, n,
			names);
	return n == 1 && !name ? found : NULL;
}

/* mkdir DIR/NAME (an empty directory is the record) and push its rmdir. */
static int make_record(const char *dir, const char *name, struct rl_undo *undo, struct rl_diag *d)
{
	struct rl_undo_step s = { .kind = RL_UNDO_RMDIR };
	int created = 0, err;

	if (snprintf(s.path, sizeof(s.path), "%s/%s", dir, name) >= (int)sizeof(s.path))
		return rl_err(d, ENAMETOOLONG, "pin directory '%s' is too long", dir);
	err = rl_bpffs_mkdir_p(s.path, &created, d);
	if (!err && !created)
		return rl_err(d, EEXIST, "%s exists already: is this object attached there? "
			      "(rawload detach tc ... first)", s.path);
	return err ? err : rl_undo_push(undo, &s, d);
}

static int attach_netlink(struct rl_prog *p, const char *dev, int ifindex, enum rl_tc_hook hook,
			  const char *pin_dir, struct rl_undo *undo, char *done, size_t donelen)
{
	struct rl_tc_filter_req r = { .ifindex = ifindex, .hook = hook, .handle = TC_HANDLE,
				      .prog_fd = p->fd, .name = p->spec->name };
	struct rl_tc_record rec = { .ifindex = ifindex, .hook = hook, .handle = TC_HANDLE };
	struct rl_undo_step step;
	struct rl_diag d = { "" };
	char name[64];
	bool made;

	if (rl_tc_clsact_ensure(ifindex, &made, &d))
		return cli_fail(dev, &d);
	step = rl_tc_undo_clsact_step(ifindex);
	if (made && rl_undo_push(undo, &step, &d))
		return cli_fail(dev, &d);
	if (rl_tc_free_prio(ifindex, hook, &r.prio, &d))
		return cli_fail(dev, &d);
	if (rl_tc_filter_add(&r, &d)) {
		fprintf(stderr, "rawload: %s: program '%s': %s\n", dev, p->spec->name, d.msg);
		return EXIT_USER;
	}
	step = rl_tc_undo_filter_step(ifindex, hook, r.prio, r.handle);
	if (rl_undo_push(undo, &step, &d))
		return cli_fail(dev, &d);
	rec.prio = r.prio;
	rec.made_clsact = made;
	rl_tc_record_name(name, sizeof(name), &rec);
	if (make_record(pin_dir, name, undo, &d))
		return cli_fail(dev, &d);
	snprintf(done, donelen, "as cls_bpf filter prio %u handle %u (direct action) under clsact %s%s",
		 (unsigned)r.prio, r.handle, rl_tc_hook_name(hook),
		 made ? ", clsact qdisc created" : ", clsact qdisc was there");
	return 0;
}

/* Linux 6.6 brought tcx; an older kernel answers EINVAL (unknown attach type). */
static void tcx_refused(const char *dev, int err)
{
	struct utsname u;
	int major = 0, minor = 0;

	if (!uname(&u))
		sscanf(u.release, "%d.%d", &major, &minor);
	if (err == -EINVAL && (major < 6 || (major == 6 && minor < 6)))
		fprintf(stderr, "rawload: %s: BPF_LINK_CREATE (tcx): EINVAL: tcx links need Linux 6.6 or newer "
			"(this is %s); use `rawload tc` without --link; nothing changed\n", dev, u.release);
	else
		fprintf(stderr, "rawload: %s: BPF_LINK_CREATE (tcx): %s%s; nothing changed\n", dev,
			strerror(-err), err == -EINVAL ? " (program type and attach type disagree?)" : "");
}

static int attach_tcx(struct rl_prog *p, const char *dev, int ifindex, enum rl_tc_hook hook,
		      const char *pin_dir, struct rl_undo *undo, int *link_fd, char *done, size_t donelen)
{
	struct rl_link_create_opts o = {
		.prog_fd = p->fd, .target = (uint32_t)ifindex,
		.attach_type = hook == RL_TC_INGRESS ? RL_BPF_TCX_INGRESS : RL_BPF_TCX_EGRESS,
	};
	struct rl_undo_step s = { .kind = RL_UNDO_UNLINK };
	struct rl_bpf_obj info;
	struct rl_diag d = { "" };
	char name[64];
	int err;

	*link_fd = rl_sys_link_create(&o);
	if (*link_fd < 0) {
		tcx_refused(dev, *link_fd);
		return EXIT_USER;
	}
	snprintf(name, sizeof(name), "tcx_%d_%s", ifindex, rl_tc_hook_name(hook));
	if (make_record(pin_dir, name, undo, &d))
		return cli_fail(dev, &d);
	if (snprintf(s.path, sizeof(s.path), "%s/link_tcx_%s", pin_dir, rl_tc_hook_name(hook)) >=
	    (int)sizeof(s.path)) {
		fprintf(stderr, "rawload: %s: pin directory '%s' is too long\n", dev, pin_dir);
		return EXIT_USER;
	}
	err = rl_sys_obj_pin(*link_fd, s.path);
	if (err) {
		fprintf(stderr, "rawload: %s: BPF_OBJ_PIN %s: %s\n", dev, s.path, strerror(-err));
		return EXIT_USER;
	}
	if (rl_undo_push(undo, &s, &d))
		return cli_fail(dev, &d);
	rl_obj_describe(*link_fd, &info);
	snprintf(done, donelen, "with tcx link id %u (%s), pinned at %s", info.id, rl_tc_hook_name(hook),
		 s.path);
	return 0;
}

int cmd_tc(int argc, char **argv, struct cli *cli)
{
	const char *prog_name = NULL, *pin = NULL, *pos[2];
	bool ingress = false, egress = false, link = false;
	const struct cli_opt opts[] = {
		{ "--prog", &prog_name, NULL }, { "--ingress", NULL, &ingress },
		{ "--egress", NULL, &egress }, { "--link", NULL, &link }, { "--pin", &pin, NULL },
		{ NULL, NULL, NULL },
	};
	struct rl_undo undo = { .n = 0 };
	struct rl_load_opts lo = { 0 };
	char pin_dir[PATH_MAX], done[PATH_MAX + 128] = "";
	struct cli_loaded l;
	struct rl_diag d = { "" };
	const struct rl_prog_spec *want;
	enum rl_tc_hook hook;
	struct rl_prog *p;
	int npos, ifindex, link_fd = -1, rc = EXIT_USER;

	if (cli_parse_args("tc", argc, argv, opts, pos, 2, 2, &npos))
		return EXIT_USAGE;
	if (ingress && egress)
		return cli_usage_error("tc", "--ingress or --egress, not both");
	hook = egress ? RL_TC_EGRESS : RL_TC_INGRESS;
	ifindex = (int)if_nametoindex(pos[1]);
	if (!ifindex) {
		fprintf(stderr, "rawload: device '%s': %s (see `ip link`); nothing changed\n", pos[1],
			strerror(errno));
		return EXIT_USER;
	}
	cli_block_signals();
	/* the object first: a wrong one must leave not even a pin directory */
	if (cli_parse_object(pos[0], &l))
		return EXIT_USER;
	want = pick_tc_prog(&l.spec, pos[0], prog_name);
	if (!want) {
		cli_unload_object(&l);
		return EXIT_USER;
	}
	if (link && rl_probe(RL_FEAT_TCX) == 0) {
		/* refused before anything is loaded: no half-attached state */
		fprintf(stderr, "rawload: %s: %s need Linux %s or newer (probed: %s); use `rawload tc` "
			"without --link; nothing changed\n", pos[1], rl_feature_name(RL_FEAT_TCX),
			rl_feature_since(RL_FEAT_TCX), rl_probe_how(RL_FEAT_TCX));
		cli_unload_object(&l);
		return EXIT_USER;
	}
	if (cli_prepare_pin_dir(pin, pos[0], pin_dir, &undo)) {
		cli_unload_object(&l);
		return EXIT_USER;
	}
	lo.pin_dir = pin_dir;
	lo.verbose_log = cli->verbose;
	if (cli_load_parsed(&l, &lo, cli))
		goto out_undo;
	p = rl_object_prog(&l.obj, want->name);
	if (cli_interrupted()) {
		fprintf(stderr, "rawload: interrupted: rolling back\n");
		goto out_unload;
	}
	if (link ? attach_tcx(p, pos[1], ifindex, hook, pin_dir, &undo, &link_fd, done, sizeof(done)) :
		   attach_netlink(p, pos[1], ifindex, hook, pin_dir, &undo, done, sizeof(done)))
		goto out_unload;
	if (rl_object_pin(&l.obj, pin_dir, &d)) {
		cli_fail(pos[0], &d);
		goto out_unload;
	}
	if (cli_interrupted()) {
		fprintf(stderr, "rawload: interrupted: rolling back\n");
		goto out_unload;
	}
	printf("attached %s (prog id %u) to %s (ifindex %d) %s %s\n", p->spec->name, p->id, pos[1],
	       ifindex, rl_tc_hook_name(hook), done);
	printf("pinned under %s; undo with: rawload detach tc %s --%s\n", pin_dir, pos[1],
	       rl_tc_hook_name(hook));
	rl_undo_forget(&undo);
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
		rl_undo_run(&undo, NULL);
	return rc;
}
