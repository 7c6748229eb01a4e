/* pins.c - choosing and preparing the pin directory for a command.
 *
 * Default: <bpffs>/rawload/<object name>/ (SPEC §1), bpffs mounted at
 * /sys/fs/bpf first if the machine has none.  A --pin DIR must be on bpffs:
 * BPF_OBJ_PIN only works there (bpf_obj_pin_user -> bpf_obj_do_pin checks
 * the superblock), and a clear early error beats a late EPERM.
 */
#include "bpffs.h"
#include "cli.h"
#include "undo.h"

#include <string.h>
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

/* `ip netns exec` runs us in a private mount namespace with a fresh /sys:
 * a bpffs we mount there disappears with the command, and our pins with it. */
static bool in_private_mount_ns(void)
{
	char self[64] = "", init[64] = "";

	/* readlink, not stat: stat of another namespace's nsfs file may be refused */
	if (readlink("/proc/self/ns/mnt", self, sizeof(self) - 1) <= 0 ||
	    readlink("/proc/1/ns/mnt", init, sizeof(init) - 1) <= 0)
		return false;
	return strcmp(self, init) != 0;
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
	if (mounted)
		fprintf(stderr, "rawload: mounted bpffs at %s (none was mounted)\n", mnt);
	if (mounted && in_private_mount_ns())
		fprintf(stderr, "rawload: warning: this is a private mount namespace (`ip netns exec`?): "
			"pins made here vanish when it ends; use `nsenter --net=/run/netns/NAME` instead\n");
	if (pin) {
		size_t n = (size_t)snprintf(out, PATH_MAX, "%s", pin);

		while (n > 1 && out[n - 1] == '/') /* "DIR/" names the same directory */
			out[--n] = '\0';
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
