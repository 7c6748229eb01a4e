/* cmd_detach.c - `rawload detach xdp DEV [--pin DIR] [--id N]`, and the
 * door to `rawload detach sockops ...` (tools/cli/cmd_sockops.c).
 *
 * `rawload xdp` left two kinds of reference behind: the device's XDP slot
 * and the pins.  Detaching removes both, then watches the kernel free what
 * nothing holds any more:
 *
 *   1. RTM_SETLINK with IFLA_XDP_FD = -1, XDP_FLAGS_REPLACE and
 *      IFLA_XDP_EXPECTED_FD = the program we looked at: the kernel
 *      (dev_xdp_attach) removes it only if it is still the one attached, so
 *      a program swapped in meanwhile by someone else is left alone;
 *   2. unlink every pin in the object's pin directory, then rmdir it;
 *   3. poll BPF_PROG_GET_FD_BY_ID until ENOENT: the id leaves the kernel's
 *      idr when the last reference goes (bpf_prog_put -> bpf_prog_free_id).
 *      The program's maps follow after an RCU grace period, when the
 *      program's memory is released (bpf_prog_free_deferred -> its
 *      used_maps are put).
 *
 * Ownership: rawload detaches only what it attached, i.e. a program pinned
 * under --pin DIR or under <bpffs>/rawload.  --id N detaches program N
 * whatever pinned it (the user has looked and takes responsibility).
 */
#include "cli.h"
#include "sys_bpf.h"
#include "xdp_link.h"

#include <errno.h>
#include <limits.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_PINS 64
#define FREE_TIMEOUT_MS 2000

__attribute__((weak)) int cli_detach_sockops(int argc, char **argv, struct cli *cli)
{
	(void)argc, (void)argv, (void)cli;
	fprintf(stderr, "rawload detach sockops: not built\n");
	return EXIT_USAGE;
}

/* What the pin directory held: the ids to watch after unlinking. */
struct unpinned {
	struct cli_obj objs[MAX_PINS];
	char paths[MAX_PINS][PATH_MAX];
	int n;
};

static int collect_pin(void *ctx, const char *path)
{
	struct unpinned *u = ctx;
	int fd;

	if (u->n >= MAX_PINS)
		return 0;
	fd = cli_pin_open(path, &u->objs[u->n], NULL);
	if (fd < 0)
		return 0;
	close(fd);
	snprintf(u->paths[u->n++], PATH_MAX, "%s", path);
	return 0;
}

static bool in_list(uint32_t id, const uint32_t *ids, int n)
{
	for (int i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* Remove the pins of the directory that holds `pin` (the object's pin
 * directory), and the directory.  A directory shared with others - the
 * bpffs root or <bpffs>/rawload itself - keeps everything but the pins of
 * this program and its maps. */
static void unpin_object(const char *pin, uint32_t prog_id, const uint32_t *map_ids, int nmaps,
			 struct unpinned *u)
{
	char dir[PATH_MAX], mnt[PATH_MAX] = "", root[PATH_MAX] = "";
	char *slash;
	bool shared;

	snprintf(dir, sizeof(dir), "%s", pin);
	slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return;
	*slash = '\0';
	cli_bpffs_root(mnt);
	cli_pin_root(root);
	shared = !strcmp(dir, mnt) || !strcmp(dir, root);
	cli_pin_walk(dir, 0, collect_pin, u);
	for (int i = 0; i < u->n; i++) {
		struct cli_obj *o = &u->objs[i];
		bool ours = (o->kind == CLI_OBJ_PROG && o->id == prog_id) ||
			    (o->kind == CLI_OBJ_MAP && in_list(o->id, map_ids, nmaps));

		if (shared && !ours) {
			o->kind = CLI_OBJ_UNKNOWN; /* somebody else's: not ours to watch */
			continue;
		}
		if (unlink(u->paths[i]))
			printf("  could not unpin %s: %s\n", u->paths[i], strerror(errno));
		else
			printf("  unpinned %s (%s %u '%s')\n", u->paths[i], cli_obj_kind_name(o->kind),
			       o->id, o->name);
	}
	if (shared)
		return;
	if (rmdir(dir))
		printf("  kept %s: %s\n", dir, strerror(errno));
	else
		printf("  removed %s\n", dir);
}

/* Step 3: the proof.  Our own fds are all closed by now. */
static void watch_freed(uint32_t id, bool is_map, const char *name)
{
	struct cli_holder h[16];
	char text[PATH_MAX + 128];
	int n;

	if (cli_wait_freed(id, is_map, FREE_TIMEOUT_MS) == 0) {
		printf("%s id %u freed\n", is_map ? "map" : "program", id);
		return;
	}
	n = cli_find_holders(id, is_map, h, 16);
	printf("%s id %u '%s' still exists after %d ms%s\n", is_map ? "map" : "program", id, name,
	       FREE_TIMEOUT_MS, n > 0 ? "; held by:" : "");
	for (int i = 0; i < n; i++) {
		cli_holder_text(&h[i], text, sizeof(text));
		printf("  %s\n", text);
	}
}

static int refuse_foreign(const char *dev, uint32_t id, const char *name, const char *pin)
{
	char root[PATH_MAX] = "<bpffs>/rawload", mnt[PATH_MAX], elsewhere[1][PATH_MAX];

	if (pin)
		snprintf(root, sizeof(root), "%s", pin);
	else
		cli_pin_root(root);
	fprintf(stderr, "rawload: %s has XDP program %u '%s' that rawload did not attach (no pin under %s); "
		"pass --id %u to detach it anyway\n", dev, id, name, root, id);
	/* pinned somewhere else on bpffs: probably ours with another --pin */
	if (!cli_bpffs_root(mnt) && cli_find_pins_for_id(mnt, id, false, elsewhere, 1) > 0)
		fprintf(stderr, "rawload: note: it is pinned at %s; if rawload attached it with --pin, "
			"pass the same --pin DIR\n", elsewhere[0]);
	return EXIT_USER;
}

static int detach_one(const char *dev, int ifindex, enum rl_xdp_mode mode, uint32_t id,
		      const char *pin, bool forced)
{
	static struct unpinned u;
	char pins[4][PATH_MAX];
	struct bpf_prog_info info;
	uint32_t map_ids[64];
	struct rl_diag d = { "" };
	int fd, nmaps, npins, err;

	fd = rl_sys_prog_get_fd_by_id(id);
	if (fd < 0) {
		fprintf(stderr, "rawload: %s: program %u: BPF_PROG_GET_FD_BY_ID: %s\n", dev, id, strerror(-fd));
		return EXIT_USER;
	}
	nmaps = cli_prog_info(fd, &info, map_ids, 64);
	if (nmaps < 0)
		nmaps = 0;
	npins = cli_find_pins_for_id(pin, id, false, pins, 4);
	if (npins <= 0 && !forced) {
		close(fd);
		return refuse_foreign(dev, id, info.name, pin);
	}
	err = rl_xdp_detach_expected(ifindex, mode, fd, &d);
	close(fd); /* from here on we hold no reference */
	if (err) {
		fprintf(stderr, "rawload: %s: %s%s\n", dev, d.msg,
			err == -EEXIST ? " (the program changed since we looked: run the command again)" : "");
		return EXIT_USER;
	}
	printf("detached program %u '%s' from %s (%s mode)\n", id, info.name, dev, rl_xdp_mode_name(mode));
	u.n = 0;
	if (npins > 0)
		unpin_object(pins[0], id, map_ids, nmaps < 64 ? nmaps : 64, &u);
	else
		printf("  no pins removed (--id: not found under %s)\n", pin ? pin : "<bpffs>/rawload");
	watch_freed(id, false, info.name);
	for (int i = 0; i < nmaps && i < 64; i++)
		watch_freed(map_ids[i], true, "");
	for (int i = 0; i < u.n; i++) /* maps pinned beside it that the program did not use */
		if (u.objs[i].kind == CLI_OBJ_MAP && !in_list(u.objs[i].id, map_ids, nmaps))
			watch_freed(u.objs[i].id, true, u.objs[i].name);
	return EXIT_OK;
}

static int parse_id(const char *s, uint32_t *id)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || !*s || v == 0 || v > UINT32_MAX)
		return -EINVAL;
	*id = (uint32_t)v;
	return 0;
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
	int npos, ifindex, rc = EXIT_OK, done = 0;

	if (cli_parse_args("detach", argc, argv, opts, pos, 1, 1, &npos))
		return EXIT_USAGE;
	if (id_s && parse_id(id_s, &want))
		return cli_usage_error("detach", "--id takes a program id, not '%s'", id_s);
	ifindex = (int)if_nametoindex(pos[0]);
	if (!ifindex) {
		fprintf(stderr, "rawload: device '%s': %s (see `ip link`)\n", pos[0], strerror(errno));
		return EXIT_USER;
	}
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
		return cli_usage_error("detach", "what to detach: xdp or sockops");
	if (!strcmp(argv[1], "xdp"))
		return detach_xdp(argc - 1, argv + 1);
	if (!strcmp(argv[1], "sockops"))
		return cli_detach_sockops(argc - 1, argv + 1, cli);
	return cli_usage_error("detach", "can detach xdp or sockops, not '%s'", argv[1]);
}
