/* detach_pins.c - what every detach does after the attachment is gone:
 * find the program's pin directory, empty it, and watch the kernel free
 * the program and its maps.  Shared by detach xdp (cmd_detach.c) and
 * detach tc (detach_tc.c). */
#include "bpffs.h"
#include "cli.h"

#include <limits.h>
#include <stdio.h>
#include <string.h>

#define FREE_TIMEOUT_MS 2000

static bool has_prog(const struct rl_pin_dir *pd, uint32_t id)
{
	for (int i = 0; i < pd->n; i++)
		if (pd->e[i].fd >= 0 && pd->e[i].o.kind == RL_OBJ_PROG && pd->e[i].o.id == id)
			return true;
	return false;
}

/* The pin directory of program `id`: --pin DIR itself, or the directory of
 * its pin found under DIR (or <bpffs>/rawload).  Read before anything is
 * changed, and every entry must open: a pin we could not look at would be
 * silently left behind, keeping what it holds alive.  1 found, 0 not
 * pinned there, or -1 after printing why (nothing changed). */
int cli_find_pin_dir(const char *dev, const char *pin, uint32_t id, struct rl_pin_dir *pd)
{
	char pins[1][PATH_MAX];
	struct rl_diag d = { "" };
	char *slash;
	int n, err;

	if (pin && rl_pin_dir_read(pd, pin, &d) == 0) {
		if (has_prog(pd, id) || (err = rl_pin_dir_check(pd, &d)) != 0)
			goto check;
		rl_pin_dir_release(pd); /* perhaps one level down: DIR/<object>/ */
	}
	n = rl_find_pins_for_id(pin, id, false, pins, 1);
	if (n <= 0)
		return 0;
	slash = strrchr(pins[0], '/');
	if (slash && slash != pins[0])
		*slash = '\0';
	err = rl_pin_dir_read(pd, pins[0], &d);
	if (err) {
		fprintf(stderr, "rawload: %s: program %u's pin directory: %s: nothing changed\n", dev, id, d.msg);
		return -1;
	}
check:
	err = rl_pin_dir_check(pd, &d);
	if (err) {
		rl_pin_dir_release(pd);
		fprintf(stderr, "rawload: %s: %s: nothing changed\n", dev, d.msg);
		return -1;
	}
	return 1;
}

/* Remove the pins of the object's pin directory (entries that are links
 * are removed as links, never followed), then the directory.  A directory
 * shared with others - the bpffs root or <bpffs>/rawload itself - keeps
 * everything but the pins of this program and its maps.  0, or EXIT_USER
 * after saying what was kept. */
int cli_unpin_object(struct rl_pin_dir *pd, uint32_t prog_id, const uint32_t *map_ids, int nmaps)
{
	char mnt[PATH_MAX] = "", root[PATH_MAX] = "";
	struct rl_diag d = { "" };
	bool shared;
	int rc = 0;

	rl_bpffs_mount_root(mnt);
	rl_pin_root(root);
	shared = !strcmp(pd->path, mnt) || !strcmp(pd->path, root);
	for (int i = 0; i < pd->n; i++) {
		struct rl_pin_entry *e = &pd->e[i];
		bool ours = e->fd >= 0 && ((e->o.kind == RL_OBJ_PROG && e->o.id == prog_id) ||
					   (e->o.kind == RL_OBJ_MAP && rl_id_in(e->o.id, map_ids, (uint32_t)nmaps)));

		if (shared && !ours) {
			e->o.kind = RL_OBJ_UNKNOWN; /* somebody else's: not ours to watch */
			continue;
		}
		if (e->what == RL_PIN_SUBDIR)
			continue; /* the rmdir below says it is there */
		if (rl_pin_dir_unlink(pd, i, &d)) {
			fprintf(stderr, "rawload: could not unpin: %s\n", d.msg);
			rc = EXIT_USER;
		} else if (e->what == RL_PIN_LINK) {
			printf("  removed symbolic link %s (not followed)\n", e->path);
		} else {
			printf("  unpinned %s (%s %u '%s')\n", e->path, rl_obj_kind_name(e->o.kind),
			       e->o.id, e->o.name);
		}
	}
	if (shared)
		return rc;
	if (!rc && rl_pending_clear_all(pd->path, &d)) {
		fprintf(stderr, "rawload: kept %s: %s\n", pd->path, d.msg);
		return EXIT_USER;
	}
	if (rl_bpffs_rmdir(pd->path, &d)) {
		fprintf(stderr, "rawload: kept %s: %s\n", pd->path, d.msg);
		return EXIT_USER;
	}
	printf("  removed %s\n", pd->path);
	return rc;
}

/* Step 3: the proof.  Our own fds are all closed by now. */
void cli_watch_freed(uint32_t id, bool is_map, const char *name)
{
	struct rl_holder h[16];
	char text[PATH_MAX + 128];
	int n;

	if (rl_wait_freed(id, is_map, FREE_TIMEOUT_MS) == 0) {
		printf("%s id %u freed\n", is_map ? "map" : "program", id);
		return;
	}
	n = rl_find_holders(id, is_map, h, 16);
	printf("%s id %u '%s' still exists after %d ms%s\n", is_map ? "map" : "program", id, name,
	       FREE_TIMEOUT_MS, n > 0 ? "; held by:" : "");
	for (int i = 0; i < n; i++) {
		rl_holder_text(&h[i], text, sizeof(text));
		printf("  %s\n", text);
	}
}

