/* pins.c - choosing and preparing the pin directory for a command (reading
 * one back for detach is loader/lifecycle/pin_dir.c).
 *
 * Default: <bpffs>/rawload/<object name>/ (SPEC §1), bpffs mounted at
 * /sys/fs/bpf first if the machine has none.  A --pin DIR must be on bpffs:
 * BPF_OBJ_PIN only works there (bpf_obj_pin_user -> bpf_obj_do_pin checks
 * the superblock), and a clear early error beats a late EPERM.
 */
#include "bpffs.h"
#include "cli.h"
#include "undo.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void object_name(const char *path, char *out, size_t len)
{
	const char *base = strrchr(path, '/');
	size_t n;

	snprintf(out, len, "%s", base ? base + 1 : path);
	n = strlen(out);
	if (n > 6 && !strcmp(out + n - 6, ".bpf.o"))
		out[n - 6] = '\0';
	else if (n > 2 && !strcmp(out + n - 2, ".o"))
		out[n - 2] = '\0';
}

int cli_prepare_pin_dir(const char *pin, const char *obj_path, char out[PATH_MAX],
			struct rl_undo *undo)
{
	struct rl_diag d = { "" };
	char mnt[PATH_MAX], name[128];
	bool mounted = false;
	int created = 0, err;

	err = rl_bpffs_ensure(mnt, sizeof(mnt), &mounted, &d);
	if (err)
		return cli_fail("bpffs", &d);
	/* `ip netns exec` runs us in a private mount namespace with a fresh
	 * /sys: a bpffs mounted there vanishes with the command, pins and all */
	if (mounted)
		fprintf(stderr, "rawload: mounted bpffs at %s (none was mounted; under `ip netns exec` "
			"it would vanish with the command: use `nsenter --net=/run/netns/NAME` instead)\n", mnt);
	if (pin) {
		snprintf(out, PATH_MAX, "%s", pin);
		rl_path_trim_slashes(out); /* "DIR/" names the same directory */
	} else {
		object_name(obj_path, name, sizeof(name));
		rl_bpffs_default_dir(mnt, name, out, PATH_MAX);
	}
	err = rl_bpffs_mkdir_p(out, &created, &d);
	if (!err)
		err = rl_bpffs_check(out, &d);
	if (err) {
		rl_bpffs_rmdir_created(out, created);
		return cli_fail("--pin", &d);
	}
	/* remember each directory we made, outermost first, so undo (newest
	 * first) removes the deepest first */
	for (int i = created - 1; i >= 0; i--) {
		struct rl_undo_step s = { .kind = RL_UNDO_RMDIR };
		char *cut;

		snprintf(s.path, sizeof(s.path), "%s", out);
		for (int k = 0; k < i; k++) {
			cut = strrchr(s.path, '/');
			if (cut)
				*cut = '\0';
		}
		if (rl_undo_push(undo, &s, &d))
			return cli_fail("--pin", &d);
	}
	return 0;
}
