/* xdp_pinned.c - `rawload xdp --pinned REF DEV [--mode M] [--link | --replace]
 * [--pin DIR]`: attach a program that is already in the kernel, the seed
 * lab's `bpftool prog load` + `bpftool net attach xdp` done in two commands
 * (`rawload load OBJ --pin DIR` first).
 *
 * REF is a pin path, id:N, or a pin directory holding one XDP program
 * (loader/lifecycle/prog_ref.c).  Nothing is loaded; what this command adds
 * is the attachment and a record of it, in its own directory
 *
 *     PARENT/xdp_<ifindex>/        PARENT: --pin DIR, else the directory of
 *         <program name>           the program's pin (for id:N, of a pin
 *         link_xdp  (--link)       found on bpffs; none: <bpffs>/rawload/prog_<N>)
 *
 * The record holds a second pin of the program (and the link with --link),
 * made before the attach like every rawload attach (pending.h: lock, marker,
 * pins, then the one kernel change), so a process killed at any point
 * leaves either nothing attached, or an attachment whose record `rawload
 * detach xdp DEV --pin PARENT` finds; the recovery of a dead run removes
 * only the record, never the program's own pins.
 *
 * The detach removes the attachment and the record; the program's own pin
 * (from `rawload load`) still holds it, so it stays loaded - as after
 * `bpftool net detach`, and unlike `rawload detach` after a one-shot
 * `rawload xdp OBJ DEV`, which also removes the pins the load made.
 */
#include "bpffs.h"
#include "cli.h"
#include "prog_ref.h"
#include "sys_bpf.h"
#include "undo.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <unistd.h>

/* A record directory's name: xdp_<digits>. */
static bool is_record(const char *dir)
{
	const char *base = strrchr(dir, '/');

	base = base ? base + 1 : dir;
	if (strncmp(base, CLI_XDP_RECORD, strlen(CLI_XDP_RECORD)))
		return false;
	base += strlen(CLI_XDP_RECORD);
	return *base && strspn(base, "0123456789") == strlen(base);
}

/* A pin of program id on the bpffs mount (not in a record of an XDP
 * attach of it): true and its path in out when there is one. */
bool cli_prog_pinned_at(uint32_t id, char out[PATH_MAX])
{
	static char pins[8][PATH_MAX];   /* static: 32 KiB */
	char mnt[PATH_MAX], dir[PATH_MAX];
	int n;

	if (rl_bpffs_mount_root(mnt))
		return false;
	n = rl_find_pins_for_id(mnt, id, false, pins, 8);
	for (int i = 0; i < n && i < 8; i++) {
		snprintf(dir, sizeof(dir), "%.4095s", pins[i]);
		*strrchr(dir, '/') = '\0';
		if (!is_record(dir)) {
			snprintf(out, PATH_MAX, "%.4095s", pins[i]);
			return true;
		}
	}
	return false;
}

/* PARENT/xdp_<ifindex>: see the file comment. */
static int record_dir(const struct rl_prog_ref *r, const char *pin, int ifindex, char out[PATH_MAX])
{
	struct rl_diag d = { "" };
	char parent[PATH_MAX], mnt[PATH_MAX], name[32];
	bool mounted = false;

	if (pin) {
		snprintf(parent, sizeof(parent), "%s", pin);
		rl_path_trim_slashes(parent);
	} else if (r->pin_path[0]) {
		/* beside the program's pin (for id:N, the one found on bpffs) */
		snprintf(parent, sizeof(parent), "%s", r->pin_path);
		*strrchr(parent, '/') = '\0';
	} else {
		if (rl_bpffs_ensure(mnt, sizeof(mnt), &mounted, &d))
			return cli_fail("bpffs", &d);
		snprintf(name, sizeof(name), "prog_%u", r->id);
		rl_bpffs_default_dir(mnt, name, parent, sizeof(parent));
	}
	if (snprintf(out, PATH_MAX, "%s/" CLI_XDP_RECORD "%d", parent, ifindex) >= PATH_MAX) {
		fprintf(stderr, "rawload: --pin: '%s' is too long\n", parent);
		return EXIT_USER;
	}
	return 0;
}

/* A record left by an earlier attach stays that attach's: refuse. */
static int record_in_use(const char *dir, const char *dev)
{
	static struct rl_pin_dir pd;     /* static: ~300 KiB */
	struct rl_diag d = { "" };
	int busy = 0;

	pd.dfd = -1;
	if (rl_pin_dir_read(&pd, dir, &d))
		return 0;
	for (int i = 0; i < pd.n && !busy; i++)
		if (pd.e[i].what == RL_PIN_OBJ)
			busy = i + 1;
	if (busy) {
		char parent[PATH_MAX];

		snprintf(parent, sizeof(parent), "%s", dir);
		*strrchr(parent, '/') = '\0';
		fprintf(stderr, "rawload: %s: %s already records an attach (%s); remove it first with "
			"`rawload detach xdp %s --pin %s`; nothing changed\n", dev, dir,
			pd.e[busy - 1].path, dev, parent);
	}
	rl_pin_dir_release(&pd);
	return busy ? EXIT_USER : 0;
}

/* The second pin, the record that rawload attached it.  Undone on failure. */
static int pin_record(const struct rl_prog_ref *r, const char *dir, struct rl_undo *undo)
{
	struct rl_undo_step s = { .kind = RL_UNDO_UNLINK };
	struct rl_diag d = { "" };
	int err;

	if (snprintf(s.path, sizeof(s.path), "%s/%s", dir, r->name[0] ? r->name : "prog") >=
	    (int)sizeof(s.path)) {
		fprintf(stderr, "rawload: --pin: '%s' is too long\n", dir);
		return EXIT_USER;
	}
	err = rl_sys_obj_pin(r->fd, s.path);
	if (err) {
		fprintf(stderr, "rawload: BPF_OBJ_PIN %s (program %u): %s\n", s.path, r->id, strerror(-err));
		return EXIT_USER;
	}
	return rl_undo_push(undo, &s, &d) ? cli_fail(s.path, &d) : 0;
}

static void print_done(const struct rl_prog_ref *r, const char *ref, const char *dev, int ifindex,
		       enum rl_xdp_mode mode, const char *dir, uint32_t link_id)
{
	char parent[PATH_MAX];

	snprintf(parent, sizeof(parent), "%s", dir);
	*strrchr(parent, '/') = '\0';
	printf("attached %s (prog id %u, already loaded: %s) to %s (ifindex %d) in %s mode", r->name,
	       r->id, ref, dev, ifindex, rl_xdp_mode_name(mode));
	if (link_id)
		printf(" with XDP link id %u, pinned at %s/link_xdp", link_id, dir);
	printf("\nrecorded under %s; undo with: rawload detach xdp %s --pin %s\n", dir, dev, parent);
	if (r->pin_path[0])
		printf("after the detach the program stays loaded: its own pin %s holds it\n", r->pin_path);
	else
		printf("after the detach nothing of rawload's holds program %u any more\n", r->id);
}

int cli_xdp_pinned(const char *ref, const char *dev, const char *mode_s, bool link, bool replace,
		   const char *pin)
{
	struct rl_undo undo = { .n = 0 };
	struct rl_prog_ref r;
	struct rl_diag d = { "" };
	enum rl_xdp_mode mode;
	char want[PATH_MAX], dir[PATH_MAX];
	int ifindex, link_fd = -1, rc = EXIT_USER;
	uint32_t link_id = 0;

	if (cli_xdp_parse_mode(mode_s, &mode))
		return cli_usage_error("xdp", "--mode is native, skb or hw, not '%s'", mode_s);
	ifindex = (int)if_nametoindex(dev);
	if (!ifindex) {
		fprintf(stderr, "rawload: device '%s': %s (see `ip link`)\n", dev, strerror(errno));
		return EXIT_USER;
	}
	cli_block_signals();
	/* the program and its type first: a wrong REF changes nothing */
	if (rl_prog_ref_open(ref, BPF_PROG_TYPE_XDP, &r, &d))
		return cli_fail("--pinned", &d);
	if (!r.pin_path[0])
		cli_prog_pinned_at(r.id, r.pin_path);   /* id:N: is it pinned somewhere? */
	if (record_dir(&r, pin, ifindex, want) || cli_prepare_pin_dir(want, NULL, dir, &undo))
		goto out;
	if (record_in_use(dir, dev) || cli_pin_dir_begin(dir, RL_PENDING_XDP, ifindex, &undo))
		goto out;
	/* the record's pin first, the attach last (pending.h) */
	if (pin_record(&r, dir, &undo))
		goto out;
	if (cli_interrupted()) {
		fprintf(stderr, "rawload: interrupted: rolling back\n");
		goto out;
	}
	if (link ? cli_xdp_attach_link(r.fd, r.name, dev, ifindex, mode, dir, &undo, &link_fd, &link_id) :
		   cli_xdp_attach_nl(r.fd, r.name, dev, ifindex, mode, replace, &undo))
		goto out;
	rl_undo_forget(&undo);
	cli_pin_dir_commit(dir, RL_PENDING_XDP, ifindex);
	print_done(&r, ref, dev, ifindex, mode, dir, link_id);
	rc = EXIT_OK;
out:
	if (rc != EXIT_OK)
		rl_undo_run(&undo, NULL);   /* newest first: the link pin, the attach, our pin, dirs */
	if (link_fd >= 0)
		close(link_fd);             /* pinned on success; on failure this detaches */
	close(r.fd);
	return rc;
}
