/* cmd_detach.c - `rawload detach xdp DEV [--pin DIR] [--id N]`, and the
 * door to `rawload detach sockops ...` (tools/cli/cmd_sockops.c).
 *
 * `rawload xdp` left two kinds of reference behind: the device's XDP slot
 * and the pins.  Detaching removes both, then watches the kernel free what
 * nothing holds any more:
 *
 *   0. read the pin directory first, every entry (a pin we cannot open
 *      is an error before anything changed, not a pin silently left to
 *      keep the program alive); a failure up to the detach changes nothing
 *   1. an XDP link (`rawload xdp --link`): BPF_LINK_DETACH on it
 *      (bpf_xdp_link_detach -> dev_xdp_detach_link), the device lets go at
 *      once whoever else holds the link; the link itself is freed in step 2
 *      with its pin.  Otherwise RTM_SETLINK with IFLA_XDP_FD = -1, XDP_FLAGS_REPLACE and
 *      IFLA_XDP_EXPECTED_FD = the program we looked at: the kernel
 *      (dev_xdp_attach) removes it only if it is still the one attached, so
 *      a program swapped in meanwhile by someone else is left alone;
 *   2. unlink every entry of the object's pin directory, then rmdir it,
 *      relative to the directory fd opened without following links (a
 *      symbolic link found there is removed, never followed);
 *   3. poll BPF_PROG_GET_FD_BY_ID until ENOENT: the id leaves the kernel's
 *      idr when the last reference goes (bpf_prog_put -> bpf_prog_free_id).
 *      The program's maps follow after an RCU grace period, when the
 *      program's memory is released (bpf_prog_free_deferred -> its
 *      used_maps are put).
 *
 * Ownership: rawload detaches only what it attached, i.e. a program pinned
 * under --pin DIR or under <bpffs>/rawload.  --id N detaches program N
 * whatever pinned it (the user has looked and takes responsibility).
 * SIGINT/SIGTERM are held off and looked at before step 1 (nothing
 * changed) and before step 3 (only the wait is skipped): exit 1 either way.
 */
#include "bpf_link.h"
#include "bpffs.h"
#include "cli.h"
#include "sys_bpf.h"
#include "xdp_attach.h"

#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

__attribute__((weak)) int cli_detach_sockops(int argc, char **argv, struct cli *cli)
{
	(void)argc, (void)argv, (void)cli;
	fprintf(stderr, "rawload detach sockops: not built\n");
	return EXIT_USAGE;
}

static int refuse_foreign(const char *dev, uint32_t id, const char *name, const char *pin)
{
	char root[PATH_MAX] = "<bpffs>/rawload", mnt[PATH_MAX], elsewhere[1][PATH_MAX];

	if (pin)
		snprintf(root, sizeof(root), "%s", pin);
	else
		rl_pin_root(root);
	fprintf(stderr, "rawload: %s has XDP program %u '%s' that rawload did not attach (no pin under %s); "
		"pass --id %u to detach it anyway\n", dev, id, name, root, id);
	/* pinned somewhere else on bpffs: probably ours with another --pin */
	if (!rl_bpffs_mount_root(mnt) && rl_find_pins_for_id(mnt, id, false, elsewhere, 1) > 0)
		fprintf(stderr, "rawload: note: it is pinned at %s; if rawload attached it with --pin, "
			"pass the same --pin DIR%s\n", elsewhere[0], strstr(elsewhere[0], "/" CLI_XDP_RECORD) ?
			" (for `xdp --pinned`: the directory above xdp_<ifindex>)" : "");
	return EXIT_USER;
}

/* `rawload xdp --pinned` recorded its attach in PARENT/xdp_<ifindex>
 * (xdp_pinned.c): that directory, not the program's own pin directory, is
 * what this detach empties.  Looked for as --pin DIR itself, DIR/xdp_<ifindex>,
 * or (no --pin) the directory of a pin of the program under <bpffs>/rawload
 * with that name.  true and out set when found. */
static bool find_record(const char *pin, int ifindex, uint32_t id, char out[PATH_MAX])
{
	static char pins[16][PATH_MAX];   /* static: 64 KiB */
	char name[32], *slash;
	struct stat st;
	int n;

	snprintf(name, sizeof(name), CLI_XDP_RECORD "%d", ifindex);
	if (pin) {
		slash = strrchr(pin, '/');
		if (!strcmp(slash ? slash + 1 : pin, name)) {
			snprintf(out, PATH_MAX, "%s", pin);
			return true;
		}
		return snprintf(out, PATH_MAX, "%s/%s", pin, name) < PATH_MAX && !lstat(out, &st) &&
		       S_ISDIR(st.st_mode);
	}
	n = rl_find_pins_for_id(NULL, id, false, pins, 16);
	for (int i = 0; i < n && i < 16; i++) {
		slash = strrchr(pins[i], '/');
		*slash = '\0';
		slash = strrchr(pins[i], '/');
		if (slash && !strcmp(slash + 1, name)) {
			snprintf(out, PATH_MAX, "%.4095s", pins[i]);
			return true;
		}
	}
	return false;
}

/* After a record's detach: the program's own pin (rawload load's) holds it
 * still - say so now rather than wait for a free that will not come. */
static bool says_still_pinned(uint32_t id, const char *name)
{
	struct rl_holder h[16];
	char text[PATH_MAX + 128];
	int n = rl_find_holders(id, false, h, 16), pins = 0;

	for (int i = 0; i < n && i < 16; i++)
		pins += h[i].kind == RL_HOLD_PIN;
	if (!pins)
		return false;
	printf("program id %u '%s' stays loaded; held by:\n", id, name);
	for (int i = 0; i < n && i < 16; i++) {
		rl_holder_text(&h[i], text, sizeof(text));
		printf("  %s\n", text);
	}
	return true;
}

static int detach_one(const char *dev, int ifindex, enum rl_xdp_mode mode, uint32_t id,
		      const char *pin, bool forced)
{
	/* static: a directory listing is ~300 KiB, too big for the stack.  Set
	 * at run time, not by an initialiser, which would put all of it in the
	 * binary's .data */
	static struct rl_pin_dir pd;
	struct bpf_prog_info info;
	uint32_t map_ids[64];
	struct rl_diag d = { "" };
	struct rl_undo marker = { .n = 0 };
	struct rl_link_info li = { 0 };
	char rec[PATH_MAX];
	bool record;
	int fd, nmaps, found, err, rc, haslink;

	pd.dfd = -1;
	pd.n = 0;

	fd = rl_sys_prog_get_fd_by_id(id);
	if (fd < 0) {
		fprintf(stderr, "rawload: %s: program %u: BPF_PROG_GET_FD_BY_ID: %s\n", dev, id, strerror(-fd));
		return EXIT_USER;
	}
	nmaps = rl_prog_info(fd, &info, map_ids, 64);
	if (nmaps < 0) {
		close(fd);
		fprintf(stderr, "rawload: %s: program %u: BPF_OBJ_GET_INFO_BY_FD: %s: nothing changed\n",
			dev, id, strerror(-nmaps));
		return EXIT_USER;
	}
	nmaps = nmaps < 64 ? nmaps : 64;
	record = find_record(pin, ifindex, id, rec);
	found = cli_find_pin_dir(dev, record ? rec : pin, id, &pd);
	if (found < 0 || (!found && !forced)) {
		close(fd);
		return found ? EXIT_USER : refuse_foreign(dev, id, info.name, pin);
	}
	if (cli_interrupted()) {
		close(fd);
		rl_pin_dir_release(&pd);
		fprintf(stderr, "rawload: %s: interrupted: nothing changed\n", dev);
		return EXIT_USER;
	}
	/* lock the directory and mark it before the kernel change: killed
	 * between the detach and the last unpin, this process leaves a marked
	 * directory whose program is attached nowhere, which the next detach
	 * recognises as a dead command's and empties (pending.h) */
	if (found && (cli_lock_pin_dir(pd.path, false) ||
		      cli_pin_dir_begin(pd.path, RL_PENDING_XDP, ifindex, &marker))) {
		close(fd);
		rl_pin_dir_release(&pd);
		fprintf(stderr, "rawload: %s: nothing changed\n", dev);
		return EXIT_USER;
	}
	rl_undo_forget(&marker);   /* from here the marker stays until the unpin */
	haslink = rl_xdp_link_find(ifindex, &li, &d);
	if (haslink < 0 || (haslink && li.prog_id != id))
		haslink = 0;   /* not found or not this program's: the netlink path says why */
	err = haslink ? rl_link_detach_id(li.id, &d) : rl_xdp_detach_expected(ifindex, mode, fd, &d);
	close(fd); /* from here on we hold no reference but the pins' fds */
	if (err) {
		if (found)
			cli_pin_dir_commit(pd.path, RL_PENDING_XDP, ifindex);
		rl_pin_dir_release(&pd);
		fprintf(stderr, "rawload: %s: %s%s: nothing changed\n", dev, d.msg,
			err == -EEXIST ? " (the program changed since we looked: run the command again)" : "");
		return EXIT_USER;
	}
	printf("detached program %u '%s' from %s (%s mode)", id, info.name, dev, rl_xdp_mode_name(mode));
	if (haslink)
		printf(" by BPF_LINK_DETACH on XDP link %u", li.id);
	printf("\n");
	/* the rest cannot be taken back; a signal from here on only skips the wait */
	rc = found ? cli_unpin_object(&pd, id, map_ids, nmaps) : EXIT_OK;
	if (!found)
		printf("  no pins removed (--id: not found under %s)\n", pin ? pin : "<bpffs>/rawload");
	rl_pin_dir_close_fds(&pd);
	if (cli_interrupted()) {
		rl_pin_dir_release(&pd);
		fprintf(stderr, "rawload: %s: interrupted after the detach finished: not waiting for the "
			"kernel to free the ids\n", dev);
		return EXIT_USER;
	}
	if (haslink) {
		if (rl_link_wait_freed(li.id, 2000) == 0)
			printf("link id %u freed\n", li.id);
		else
			printf("link id %u still exists (an fd or a pin elsewhere holds it; it is detached)\n",
			       li.id);
	}
	if (record && says_still_pinned(id, info.name)) {
		rl_pin_dir_release(&pd);
		return rc;
	}
	cli_watch_freed(id, false, info.name);
	for (int i = 0; i < nmaps; i++)
		cli_watch_freed(map_ids[i], true, "");
	for (int i = 0; found && i < pd.n; i++) /* maps pinned beside it that the program did not use */
		if (pd.e[i].o.kind == RL_OBJ_MAP && !rl_id_in(pd.e[i].o.id, map_ids, (uint32_t)nmaps))
			cli_watch_freed(pd.e[i].o.id, true, pd.e[i].o.name);
	rl_pin_dir_release(&pd);
	return rc;
}

static int detach_xdp(int argc, char **argv)
{
	static const enum rl_xdp_mode modes[] = { RL_XDP_MODE_NATIVE, RL_XDP_MODE_SKB, RL_XDP_MODE_HW };
	const char *pin = NULL, *id_s = NULL, *pos[1];
	const struct cli_opt opts[] = {
		{ "--pin", &pin, NULL }, { "--id", &id_s, NULL }, { NULL, NULL, NULL },
	};
	struct rl_xdp_state st;
	struct rl_diag d = { "" };
	uint32_t want = 0;
	int npos, ifindex, rc = EXIT_OK, done = 0, recovered;

	if (cli_parse_args("detach", argc, argv, opts, pos, 1, 1, &npos))
		return EXIT_USAGE;
	if (id_s && cli_parse_id(id_s, &want))
		return cli_usage_error("detach", "--id takes a program id, not '%s'", id_s);
	cli_block_signals(); /* a signal stops us between steps, never inside one */
	ifindex = (int)if_nametoindex(pos[0]);
	if (!ifindex) {
		fprintf(stderr, "rawload: device '%s': %s (see `ip link`)\n", pos[0], strerror(errno));
		return EXIT_USER;
	}
	/* first what a killed `rawload xdp` / `detach xdp` on this device left */
	recovered = want ? 0 : cli_recover_dead(pin, RL_PENDING_XDP, ifindex);
	if (rl_xdp_query(ifindex, &st, &d))
		return cli_fail(pos[0], &d);
	for (int m = 0; m < 3; m++) {
		uint32_t id = m == 0 ? st.drv_prog_id : m == 1 ? st.skb_prog_id : st.hw_prog_id;

		if (!id || (want && id != want))
			continue;
		rc |= detach_one(pos[0], ifindex, modes[m], id, pin, want != 0);
		done++;
	}
	if (done)
		return rc ? EXIT_USER : EXIT_OK;
	if (!st.drv_prog_id && !st.skb_prog_id && !st.hw_prog_id) {
		if (recovered)
			return EXIT_OK;   /* what was left is gone; nothing else was attached */
		fprintf(stderr, "rawload: %s: no XDP program attached\n", pos[0]);
		return EXIT_USER;
	}
	fprintf(stderr, "rawload: %s: no XDP program with id %u attached (attached: %u)\n", pos[0], want,
		st.drv_prog_id ? st.drv_prog_id : st.skb_prog_id ? st.skb_prog_id : st.hw_prog_id);
	return EXIT_USER;
}

int cmd_detach(int argc, char **argv, struct cli *cli)
{
	if (argc < 2)
		return cli_usage_error("detach", "what to detach: xdp, tc or sockops");
	if (!strcmp(argv[1], "xdp"))
		return detach_xdp(argc - 1, argv + 1);
	if (!strcmp(argv[1], "sockops"))
		return cli_detach_sockops(argc - 1, argv + 1, cli);
	if (!strcmp(argv[1], "tc"))
		return cli_detach_tc(argc - 1, argv + 1, cli);
	return cli_usage_error("detach", "can detach xdp, tc or sockops, not '%s'", argv[1]);
}
