/* detach_tc.c - `rawload detach tc DEV [--ingress|--egress] [--pin DIR]`.
 *
 * Takes off what `rawload tc` attached, and only that:
 *   1. find it: every cls_bpf filter under the hook (RTM_GETTFILTER dump)
 *      and every tcx program (BPF_PROG_QUERY on the ifindex, 6.6+); one is
 *      ours when its program is pinned under --pin DIR (or <bpffs>/rawload)
 *      beside the record `rawload tc` left there (tc_<ifindex>_<hook>_<prio>_<handle>
 *      or tcx_<ifindex>_<hook>);
 *   2. netlink: RTM_DELTFILTER of exactly that (prio, handle); tcx: nothing
 *      to send - the link goes when its pin does;
 *   3. remove the record and the pin directory (cmd_detach.c's unpin);
 *   4. the clsact qdisc, if the record says rawload made it and no filter
 *      is left under ingress or egress (RTM_DELQDISC) - before 3, so the
 *      record stays until the qdisc is settled;
 *   5. watch the kernel free the program and its maps.
 * A detach that stopped after step 2 is finished by the next one: with no
 * attachment of ours found, a record whose filter is gone is completed.
 */
#include "bpffs.h"
#include "cli.h"
#include "sys_bpf.h"
#include "tc_attach.h"

#include <dirent.h>
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_FILTERS 64

struct found {
	const char *dev;
	int ifindex;
	enum rl_tc_hook hook;
	uint32_t prog_id;
	int record;              /* index of the record in pd */
	struct rl_tc_record rec; /* netlink only */
};

/* The record entry in pd that names this attachment, or -1. */
static int find_record(const struct rl_pin_dir *pd, const struct found *f, bool tcx,
		       const struct rl_tc_filter *flt, struct rl_tc_record *rec)
{
	char want[64];

	snprintf(want, sizeof(want), "tcx_%d_%s", f->ifindex, rl_tc_hook_name(f->hook));
	for (int i = 0; i < pd->n; i++) {
		if (pd->e[i].what != RL_PIN_SUBDIR)
			continue;
		if (tcx && !strcmp(pd->e[i].name, want))
			return i;
		if (!tcx && rl_tc_record_parse(pd->e[i].name, rec) && rec->ifindex == f->ifindex &&
		    rec->hook == f->hook && rec->prio == flt->prio && rec->handle == flt->handle)
			return i;
	}
	return -1;
}

/* The clsact qdisc the record says rawload made: deleted once no filter
 * is left in it.  0, or EXIT_USER after saying why (the record stays, so a
 * second detach comes back here). */
static int drop_clsact(const char *dev, int ifindex)
{
	struct rl_diag d = { "" };
	int users, err = rl_tc_clsact_delete_if_unused(ifindex, &users, &d);

	if (err < 0) {
		fprintf(stderr, "rawload: %s: clsact qdisc: %s (run the detach again)\n", dev, d.msg);
		return EXIT_USER;
	}
	if (err == 1)
		printf("  removed the clsact qdisc (rawload made it, no filter is left in it)\n");
	else
		printf("  kept the clsact qdisc rawload made: %d filter%s still in it\n", users,
		       users == 1 ? "" : "s");
	return 0;
}

/* Steps 3-5 once the attachment itself is gone (or, for tcx, goes with
 * its pin).  The qdisc first: until it is settled the record and the pins
 * stay, and a second detach finds them (finish_leftovers). */
static int finish(struct found *f, struct rl_pin_dir *pd, const struct bpf_prog_info *info,
		  const uint32_t *map_ids, int nmaps)
{
	struct rl_diag d = { "" };
	int rc;

	if (f->rec.made_clsact && drop_clsact(f->dev, f->ifindex))
		return EXIT_USER;
	if (rl_bpffs_rmdir(pd->e[f->record].path, &d)) {
		fprintf(stderr, "rawload: %s: %s\n", f->dev, d.msg);
		return EXIT_USER;
	}
	printf("  removed record %s\n", pd->e[f->record].path);
	rc = cli_unpin_object(pd, f->prog_id, map_ids, nmaps);
	rl_pin_dir_close_fds(pd);
	if (cli_interrupted()) {
		fprintf(stderr, "rawload: %s: interrupted after the detach finished: not waiting for the "
			"kernel to free the ids\n", f->dev);
		return EXIT_USER;
	}
	cli_watch_freed(f->prog_id, false, info->name);
	for (int i = 0; i < nmaps; i++)
		cli_watch_freed(map_ids[i], true, "");
	return rc;
}

/* A detach that stopped after the filter was deleted left its record (and
 * pins) behind: finish it - the qdisc, the record, the pins.  Looks in DIR
 * (--pin) or in each directory under <bpffs>/rawload.  Returns how many it
 * finished, or -1. */
static int finish_dir(const char *dev, int ifindex, bool ingress, bool egress, const char *dir)
{
	static struct rl_pin_dir pd;
	struct rl_tc_record rec;
	struct rl_diag d = { "" };
	int done = 0, rc = 0;

	pd.dfd = -1;
	pd.n = 0;
	if (rl_pin_dir_read(&pd, dir, &d))
		return 0;
	for (int i = 0; i < pd.n && !rc; i++) {
		if (pd.e[i].what != RL_PIN_SUBDIR || !rl_tc_record_parse(pd.e[i].name, &rec) ||
		    rec.ifindex != ifindex || (ingress && rec.hook != RL_TC_INGRESS) ||
		    (egress && rec.hook != RL_TC_EGRESS))
			continue;
		/* ours only if its filter is really gone */
		struct rl_tc_filter f[64];
		int n;
		bool there = false;

		if (rl_tc_filter_list(ifindex, rec.hook, f, 64, &n, &d)) {
			fprintf(stderr, "rawload: %s: %s\n", dev, d.msg);
			rc = -1;
			break;
		}
		for (int k = 0; k < n && k < 64; k++)
			there |= f[k].prio == rec.prio && f[k].handle == rec.handle;
		if (there)
			continue;
		printf("finishing an earlier detach from %s: %s\n", dev, pd.e[i].path);
		if ((rec.made_clsact && drop_clsact(dev, ifindex)) || rl_bpffs_rmdir(pd.e[i].path, &d)) {
			if (d.msg[0])
				fprintf(stderr, "rawload: %s: %s\n", dev, d.msg);
			rc = -1;
			break;
		}
		printf("  removed record %s\n", pd.e[i].path);
		if (rl_pin_dir_check(&pd, &d) == 0 && cli_unpin_object(&pd, 0, NULL, 0))
			rc = -1;
		done++;
		break;   /* the directory is gone now */
	}
	rl_pin_dir_release(&pd);
	return rc ? -1 : done;
}

static int finish_leftovers(const char *dev, int ifindex, bool ingress, bool egress, const char *pin)
{
	char root[PATH_MAX], sub[PATH_MAX + 256];
	struct dirent *e;
	DIR *dh;
	int done = 0, r;

	if (pin)
		return finish_dir(dev, ifindex, ingress, egress, pin);
	if (rl_pin_root(root) || !(dh = opendir(root)))
		return 0;
	while ((e = readdir(dh))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", root, e->d_name);
		r = finish_dir(dev, ifindex, ingress, egress, sub);
		if (r < 0) {
			done = -1;
			break;
		}
		done += r;
	}
	closedir(dh);
	return done;
}

/* One program found at the hook: ours?  Then detach it.  1 detached, 0 not
 * ours, -1 failed (printed). */
static int try_one(struct found *f, const char *pin, bool tcx, const struct rl_tc_filter *flt)
{
	static struct rl_pin_dir pd; /* ~300 KiB: not on the stack */
	struct bpf_prog_info info;
	uint32_t map_ids[64];
	struct rl_diag d = { "" };
	int fd, nmaps, found, rc;

	pd.dfd = -1;
	pd.n = 0;
	fd = rl_sys_prog_get_fd_by_id(f->prog_id);
	if (fd < 0)
		return 0;   /* gone meanwhile */
	nmaps = rl_prog_info(fd, &info, map_ids, 64);
	close(fd);
	if (nmaps < 0)
		return 0;
	nmaps = nmaps < 64 ? nmaps : 64;
	found = cli_find_pin_dir(f->dev, pin, f->prog_id, &pd);
	if (found <= 0)
		return found;
	memset(&f->rec, 0, sizeof(f->rec));
	f->record = find_record(&pd, f, tcx, flt, &f->rec);
	if (f->record < 0) {
		rl_pin_dir_release(&pd);
		return 0;
	}
	if (cli_interrupted()) {
		rl_pin_dir_release(&pd);
		fprintf(stderr, "rawload: %s: interrupted: nothing changed\n", f->dev);
		return -1;
	}
	if (!tcx && rl_tc_filter_del(f->ifindex, f->hook, flt->prio, flt->handle, &d)) {
		rl_pin_dir_release(&pd);
		fprintf(stderr, "rawload: %s: %s: nothing changed\n", f->dev, d.msg);
		return -1;
	}
	if (tcx)
		printf("detaching program %u '%s' from %s (tcx %s): its link goes with its pin\n",
		       f->prog_id, info.name, f->dev, rl_tc_hook_name(f->hook));
	else
		printf("detached program %u '%s' from %s (cls_bpf %s, prio %u handle %u)\n", f->prog_id,
		       info.name, f->dev, rl_tc_hook_name(f->hook), (unsigned)flt->prio, flt->handle);
	rc = finish(f, &pd, &info, map_ids, nmaps);
	rl_pin_dir_release(&pd);
	return rc ? -1 : 1;
}

static int detach_hook(const char *dev, int ifindex, enum rl_tc_hook hook, const char *pin,
		       int *others)
{
	static struct rl_tc_filter flt[MAX_FILTERS];
	struct found f = { .dev = dev, .ifindex = ifindex, .hook = hook };
	uint32_t ids[16], cnt = 16;
	struct rl_diag d = { "" };
	int n, r, done = 0, failed = 0;

	if (rl_tc_filter_list(ifindex, hook, flt, MAX_FILTERS, &n, &d)) {
		fprintf(stderr, "rawload: %s: %s\n", dev, d.msg);
		return -1;
	}
	for (int i = 0; i < n && i < MAX_FILTERS; i++) {
		if (strcmp(flt[i].kind, "bpf") || !flt[i].prog_id) {
			(*others)++;
			continue;
		}
		f.prog_id = flt[i].prog_id;
		r = try_one(&f, pin, false, &flt[i]);
		done += r > 0;
		failed += r < 0;
		*others += r == 0;
	}
	/* tcx: BPF_PROG_QUERY with target_ifindex (the union with target_fd);
	 * a kernel before 6.6 answers EINVAL - no tcx there, nothing to find */
	if (rl_sys_prog_query(ifindex, hook == RL_TC_INGRESS ? RL_BPF_TCX_INGRESS : RL_BPF_TCX_EGRESS,
			      NULL, ids, &cnt) == 0) {
		for (uint32_t i = 0; i < cnt && i < 16; i++) {
			f.prog_id = ids[i];
			r = try_one(&f, pin, true, NULL);
			done += r > 0;
			failed += r < 0;
			*others += r == 0;
		}
	}
	return failed ? -1 : done;
}

int cli_detach_tc(int argc, char **argv, struct cli *cli)
{
	const char *pin = NULL, *pos[1];
	bool ingress = false, egress = false;
	const struct cli_opt opts[] = {
		{ "--pin", &pin, NULL }, { "--ingress", NULL, &ingress }, { "--egress", NULL, &egress },
		{ NULL, NULL, NULL },
	};
	int npos, ifindex, done = 0, others = 0, r;
	bool failed = false;

	(void)cli;
	if (cli_parse_args("detach", argc, argv, opts, pos, 1, 1, &npos))
		return EXIT_USAGE;
	cli_block_signals();
	ifindex = (int)if_nametoindex(pos[0]);
	if (!ifindex) {
		fprintf(stderr, "rawload: device '%s': %s (see `ip link`)\n", pos[0], strerror(errno));
		return EXIT_USER;
	}
	for (int h = RL_TC_INGRESS; h <= RL_TC_EGRESS; h++) {
		if ((ingress || egress) && !(h == RL_TC_INGRESS ? ingress : egress))
			continue;
		r = detach_hook(pos[0], ifindex, (enum rl_tc_hook)h, pin, &others);
		failed |= r < 0;
		done += r > 0 ? r : 0;
	}
	if (failed)
		return EXIT_USER;
	if (done)
		return EXIT_OK;
	r = finish_leftovers(pos[0], ifindex, ingress, egress, pin);
	if (r)
		return r < 0 ? EXIT_USER : EXIT_OK;
	fprintf(stderr, "rawload: %s: no tc program of rawload's attached%s%s (%d other%s there; pinned "
		"elsewhere? pass --pin DIR)\n", pos[0], ingress ? " at ingress" : egress ? " at egress" : "",
		"", others, others == 1 ? "" : "s");
	return EXIT_USER;
}
