/* sockops_pinned.c - `rawload sockops --pinned REF`: attach programs that
 * are already in the kernel, the seed lab's load-then-attach flow
 * (`rawload load OBJ --pin DIR`, then this; bpftool's `prog load` + `cgroup
 * attach` / `prog attach` did the same in the lab).  REF is
 *
 *   DIR            every sockops and sk_msg program pinned in DIR
 *   DIR/PROG       that one program (the lab attaches them one by one)
 *   id:N           program N, through a pin of it found on bpffs
 *
 * Either way the pin's directory is where links are pinned and where
 * `rawload detach sockops --pin DIR` finds what was attached.
 *
 *   BPF_OBJ_GET(DIR/<each pin>)             the programs (and maps) pinned there
 *   BPF_OBJ_GET_INFO_BY_FD(sk_msg program)  its map_ids: the maps its code uses
 *   BPF_MAP_GET_FD_BY_ID(each of those)     which one is the sockhash/sockmap
 *
 * The map an sk_msg program redirects into is one its instructions name
 * (bpf_msg_redirect_hash(msg, &map, ...) makes the verifier record the map
 * in prog->aux->used_maps, which is what map_ids lists), so no object file
 * is needed.  A program that names none gets the only sockhash pinned in
 * DIR, as cmd_sockops.c does for objects.
 */
#include "bpffs.h"
#include "cli.h"
#include "prog_ref.h"
#include "sockops_own.h"
#include "sockops_run.h"
#include "sys_bpf.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAP_IDS_MAX 64
#define PIN_NAME_MAX 256   /* struct rl_pin_entry.name */

static bool is_sock_map(uint32_t type)
{
	return type == BPF_MAP_TYPE_SOCKHASH || type == BPF_MAP_TYPE_SOCKMAP;
}

/* The first sockhash/sockmap among the maps program fd uses: 1 and t's map
 * fields filled (its fd is ours to close), 0 none. */
static int map_from_prog(int prog_fd, struct sockops_target *t)
{
	struct bpf_prog_info info;
	uint32_t ids[MAP_IDS_MAX];
	int n = rl_prog_info(prog_fd, &info, ids, MAP_IDS_MAX);

	for (int i = 0; i < n && i < MAP_IDS_MAX; i++) {
		struct rl_bpf_obj o;
		int fd = rl_sys_map_get_fd_by_id(ids[i]);

		if (fd < 0)
			continue;
		if (!rl_obj_describe(fd, &o) && is_sock_map(o.type)) {
			t->map_fd = fd;
			t->map_fd_owned = true;
			t->map_id = o.id;
			t->map_type = o.type;
			snprintf(t->map_name, sizeof(t->map_name), "%s", o.name);
			return 1;
		}
		close(fd);
	}
	return 0;
}

/* The only sockhash/sockmap pinned in the directory, or NULL. */
static const struct rl_pin_entry *only_pinned_map(const struct rl_pin_dir *pd)
{
	const struct rl_pin_entry *found = NULL;

	for (int i = 0; i < pd->n; i++)
		if (rl_pin_is_sockmap(&pd->e[i])) {
			if (found && found->o.id != pd->e[i].o.id)
				return NULL;
			found = &pd->e[i];
		}
	return found;
}

static int add_target(const struct rl_pin_dir *pd, const struct rl_pin_entry *e,
		      struct sockops_target *t)
{
	const struct rl_pin_entry *m;

	*t = (struct sockops_target){ .obj = pd->path, .prog_fd = e->fd, .prog_id = e->o.id,
				      .prog_type = e->o.type, .map_fd = -1 };
	/* the kernel keeps 15 characters of a program's name: the pin keeps them all */
	snprintf(t->name, sizeof(t->name), "%s", e->name);
	if (e->o.type != BPF_PROG_TYPE_SK_MSG || map_from_prog(e->fd, t))
		return 0;
	m = only_pinned_map(pd);
	if (!m) {
		fprintf(stderr, "rawload: %s: sk_msg program '%s' (id %u) uses no sockhash/sockmap, and "
			"%s holds none or several\n", pd->path, e->name, e->o.id, pd->path);
		return EXIT_USER;
	}
	t->map_fd = m->fd;
	t->map_id = m->o.id;
	t->map_type = m->o.type;
	snprintf(t->map_name, sizeof(t->map_name), "%s", m->o.name);
	return 0;
}

/* REF -> the pin directory and, for one program, its pin's name. */
int cli_sockops_pinned_ref(const char *ref, char dir[PATH_MAX], char only[PIN_NAME_MAX])
{
	char path[PATH_MAX];
	struct stat st;
	uint32_t id;
	int kind = rl_prog_ref_parse_id(ref, &id);
	char *slash;

	only[0] = '\0';
	if (kind < 0) {
		fprintf(stderr, "rawload: --pinned '%s': not a program id (id:N, N from `bpftool prog list`)\n",
			ref);
		return EXIT_USER;
	}
	if (kind == 1 && !cli_prog_pinned_at(id, path)) {
		fprintf(stderr, "rawload: --pinned %s: program %u has no pin on bpffs, and its pin's "
			"directory is where the attach is recorded (pin it first: `bpftool prog pin id %u "
			"PATH`)\n", ref, id, id);
		return EXIT_USER;
	}
	if (kind == 0)
		snprintf(path, sizeof(path), "%s", ref);
	rl_path_trim_slashes(path);
	if (stat(path, &st)) {
		fprintf(stderr, "rawload: --pinned '%s': %s\n", path, strerror(errno));
		return EXIT_USER;
	}
	snprintf(dir, PATH_MAX, "%s", path);
	if (S_ISDIR(st.st_mode))
		return 0;
	slash = strrchr(dir, '/');
	snprintf(only, PIN_NAME_MAX, "%s", slash ? slash + 1 : dir);
	if (slash)
		*slash = '\0';
	else
		snprintf(dir, PATH_MAX, ".");
	return 0;
}

int cli_sockops_pinned_targets(const char *dir, const char *only, struct rl_pin_dir *pd,
			       struct sockops_target *t, int max, int *n)
{
	struct rl_diag d = { "" };
	bool sockops = false, found = false;

	*n = 0;
	if (rl_pin_dir_read(pd, dir, &d) || rl_pin_dir_check(pd, &d))
		return cli_fail("--pinned", &d);
	for (int i = 0; i < pd->n; i++) {
		const struct rl_pin_entry *e = &pd->e[i];
		bool wanted = rl_pin_is_prog(e, BPF_PROG_TYPE_SOCK_OPS) ||
			      rl_pin_is_prog(e, BPF_PROG_TYPE_SK_MSG);

		if (only[0]) {
			if (strcmp(e->name, only))
				continue;
			found = true;
			if (!wanted) {
				char desc[64];

				if (e->what != RL_PIN_OBJ)
					snprintf(desc, sizeof(desc), "not a pin of a BPF object");
				else if (e->o.kind == RL_OBJ_PROG)
					snprintf(desc, sizeof(desc), "a program of type %s",
						 rl_prog_type_name(e->o.type));
				else
					snprintf(desc, sizeof(desc), "a %s", rl_obj_kind_name(e->o.kind));
				fprintf(stderr, "rawload: --pinned %s: %s, not a sockops or sk_msg program\n",
					e->path, desc);
				return EXIT_USER;
			}
		}
		if (!wanted)
			continue;
		if (*n >= max) {
			fprintf(stderr, "rawload: %s: more than %d sockops and sk_msg programs\n", dir, max);
			return EXIT_USER;
		}
		if (add_target(pd, e, &t[*n]))
			return EXIT_USER;
		(*n)++;
		sockops |= e->o.type == BPF_PROG_TYPE_SOCK_OPS;
	}
	if (only[0] && !found) {
		fprintf(stderr, "rawload: --pinned %s/%s: no such pin\n", dir, only);
		return EXIT_USER;
	}
	/* a whole directory without a sockops program is a mistake; one sk_msg
	 * program named on its own is the lab's `prog attach ... msg_verdict` */
	if (!sockops && !only[0]) {
		fprintf(stderr, "rawload: %s: no sockops program pinned there (`rawload load OBJ --pin "
			"%s` pins an object's programs): nothing would ever fill the sockhash\n", dir, dir);
		return EXIT_USER;
	}
	return 0;
}

void cli_sockops_targets_release(struct sockops_target *t, int n)
{
	for (int i = 0; i < n; i++)
		if (t[i].map_fd_owned && t[i].map_fd >= 0) {
			close(t[i].map_fd);
			t[i].map_fd = -1;
		}
}
