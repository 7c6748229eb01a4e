/* load_maps.c - BPF_MAP_CREATE for every map spec, or reuse of an existing one.
 *
 * Three sources for a map's fd, tried in order:
 *   1. another object loaded in the same run defines a map of the same name
 *      (the seed's contrack.o + redirect.o both define sock_ops_map);
 *   2. the map is `pinning = LIBBPF_PIN_BY_NAME` and DIR/<name> exists;
 *   3. BPF_MAP_CREATE.
 * A reused map must match type, key/value size, max_entries and flags:
 * silently sharing a map of another shape would corrupt both users.
 */
#include "load_internal.h"
#include "externs.h"
#include "host.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* bpffs reserves names with a dot for itself (bpf_mkobj_ops -> bpf_lookup
 * refuses them with EPERM), so ".rodata" is pinned as "_rodata". */
void rl_pin_path(char out[PATH_MAX], const char *dir, const char *name)
{
	size_t n = (size_t)snprintf(out, PATH_MAX, "%s/", dir);

	for (; *name && n < PATH_MAX - 1; name++)
		out[n++] = *name == '.' ? '_' : *name;
	out[n] = '\0';
}

/* A loaded map by its spec name, or NULL. */
struct rl_map *rl_object_map(struct rl_object *o, const char *name)
{
	for (uint32_t i = 0; i < o->nr_maps; i++)
		if (!strcmp(o->maps[i].spec->name, name))
			return &o->maps[i];
	return NULL;
}

/* Kernel object names: at most 15 chars of [A-Za-z0-9_.] (bpf_obj_name_cpy). */
void rl_kernel_name(char out[BPF_OBJ_NAME_LEN], const char *prefix, const char *name)
{
	size_t n = 0;

	for (const char *s = prefix; s && *s && n < BPF_OBJ_NAME_LEN - 1; s++)
		out[n++] = *s;
	for (const char *s = name; *s && n < BPF_OBJ_NAME_LEN - 1; s++)
		out[n++] = *s;
	out[n] = '\0';
	for (size_t i = 0; i < n; i++)
		if (!((out[i] >= 'a' && out[i] <= 'z') || (out[i] >= 'A' && out[i] <= 'Z') ||
		      (out[i] >= '0' && out[i] <= '9') || out[i] == '_' || out[i] == '.'))
			out[i] = '_';
}

/* Global-data maps are named like "<obj>.rodata", the ecosystem's
 * convention (libbpf's internal_map_name), so `bpftool map list` reads the
 * same whichever loader made them:
 *   - a plain section (.data, .rodata, .bss, .kconfig) is a suffix of at
 *     least 7 characters' room, after up to 8 characters of the object name:
 *     "global_d.rodata", "global_d.bss", "abcdefg.kconfig";
 *   - a section with a second dot (.rodata.str1.1, .data.custom) is named
 *     alone, truncated to 15: two such sections must not both become
 *     "global_d.data.". */
void rl_data_map_name(char out[BPF_OBJ_NAME_LEN], const char *obj, const char *sec)
{
	size_t sfx = strlen(sec) > 7 ? strlen(sec) : 7;
	size_t room = sfx >= BPF_OBJ_NAME_LEN - 1 ? 0 : BPF_OBJ_NAME_LEN - 1 - sfx;
	char prefix[BPF_OBJ_NAME_LEN];

	if (sec[0] && strchr(sec + 1, '.'))
		room = 0;
	snprintf(prefix, sizeof(prefix), "%.*s", (int)room, obj);
	rl_kernel_name(out, prefix, sec);
}

/* Map types whose key/value the kernel type-checks with BTF (map_check_btf);
 * for the others (sockhash, prog array, ringbuf, ...) it rejects BTF ids. */
static bool map_type_takes_btf(uint32_t type)
{
	switch (type) {
	case BPF_MAP_TYPE_HASH: case BPF_MAP_TYPE_ARRAY: case BPF_MAP_TYPE_PERCPU_HASH:
	case BPF_MAP_TYPE_PERCPU_ARRAY: case BPF_MAP_TYPE_LRU_HASH:
	case BPF_MAP_TYPE_LRU_PERCPU_HASH: case BPF_MAP_TYPE_LPM_TRIE:
	case BPF_MAP_TYPE_SK_STORAGE: case BPF_MAP_TYPE_INODE_STORAGE:
	case BPF_MAP_TYPE_TASK_STORAGE: case BPF_MAP_TYPE_CGROUP_STORAGE:
		return true;
	}
	return false;
}

static int fetch_map_info(int fd, struct bpf_map_info *info, struct rl_diag *d)
{
	uint32_t len = sizeof(*info);
	int err;

	memset(info, 0, sizeof(*info));
	err = rl_sys_obj_info(fd, info, &len);
	if (err)
		return rl_err(d, err, "BPF_OBJ_GET_INFO_BY_FD: %s", strerror(-err));
	return 0;
}

static int check_compatible(const struct rl_map *m, const struct bpf_map_info *i,
			    const char *where, struct rl_diag *d)
{
	const struct rl_map_spec *s = m->spec;
	const char *what = NULL;
	uint32_t have = 0, want = 0;

	if (i->type != s->type)
		what = "type", have = i->type, want = s->type;
	else if (i->key_size != s->key_size)
		what = "key_size", have = i->key_size, want = s->key_size;
	else if (i->value_size != s->value_size)
		what = "value_size", have = i->value_size, want = s->value_size;
	else if (i->max_entries != m->max_entries)
		what = "max_entries", have = i->max_entries, want = m->max_entries;
	else if ((i->map_flags & ~BPF_F_MMAPABLE) != (m->map_flags & ~BPF_F_MMAPABLE))
		what = "map_flags", have = i->map_flags, want = m->map_flags;
	if (!what)
		return 0;
	if (what[0] == 't')
		return rl_err(d, EEXIST, "%s has type %s (%u), but the object defines type %s (%u); "
			      "remove it or rename the map", where, rl_map_type_name(have), have,
			      rl_map_type_name(want), want);
	return rl_err(d, EEXIST, "%s has %s %u, but the object defines %s %u; remove it or rename the map",
		      where, what, have, what, want);
}

/* BPF_OBJ_GET opens whatever is pinned: a map, a program, a link, BTF.  And
 * BPF_OBJ_GET_INFO_BY_FD does not care which struct we pass - for a program
 * it writes a bpf_prog_info into our bpf_map_info - so ask the fd itself:
 * the kernel makes each with anon_inode_getfd() under the name "bpf-map",
 * "bpf-prog", "bpf-link" or "btf" (bpf_map_new_fd() etc.), which
 * /proc/self/fd shows as "anon_inode:bpf-map". */
static int check_is_map(int fd, const char *path, struct rl_diag *d)
{
	static const struct { const char *inode, *what; } kinds[] = {
		{ "anon_inode:bpf-prog", "a program" }, { "anon_inode:bpf-link", "a link" },
		{ "anon_inode:btf", "BTF" },
	};
	char link[64], target[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return 0;       /* no /proc: the shape check below is all we have */
	target[n] = '\0';
	if (!strcmp(target, "anon_inode:bpf-map"))
		return 0;
	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (!strcmp(target, kinds[i].inode))
			return rl_err(d, EEXIST, "the object pinned at %s is %s, not a map; "
				      "remove it or rename the map", path, kinds[i].what);
	return rl_err(d, EEXIST, "the object pinned at %s is not a map (%s); remove it or rename the map",
		      path, target);
}

static int reuse_shared(struct rl_object *o, struct rl_map *m, const struct rl_load_opts *opts,
			struct rl_diag *d)
{
	for (uint32_t i = 0; i < opts->nr_share_with; i++) {
		struct rl_map *other = rl_object_map(opts->share_with[i], m->spec->name);
		struct bpf_map_info info;
		char where[160];
		int err;

		if (!other || other->spec->origin == RL_MAP_GLOBAL_DATA || other->spec->is_inner_template)
			continue;
		err = fetch_map_info(other->fd, &info, d);
		snprintf(where, sizeof(where), "the map of the same name in '%s'",
			 opts->share_with[i]->spec->name);
		if (!err)
			err = check_compatible(m, &info, where, d);
		if (err)
			return err;
		m->fd = fcntl(other->fd, F_DUPFD_CLOEXEC, 3);
		if (m->fd < 0)
			return rl_err(d, errno, "dup: %s", strerror(errno));
		m->id = info.id;
		m->reused = true;
		snprintf(m->pin_path, sizeof(m->pin_path), "%s", other->pin_path);
		(void)o;
		return 1;
	}
	return 0;
}

static int reuse_pinned(struct rl_map *m, const char *pin_dir, struct rl_diag *d)
{
	struct bpf_map_info info;
	char path[PATH_MAX];
	int fd, err;

	rl_pin_path(path, pin_dir, m->spec->name);
	if (access(path, F_OK) != 0)
		return 0;
	fd = rl_sys_obj_get(path, 0);
	if (fd < 0)
		return rl_err(d, fd, "BPF_OBJ_GET '%s': %s", path, strerror(-fd));
	err = check_is_map(fd, path, d);
	if (!err)
		err = fetch_map_info(fd, &info, d);
	if (!err) {
		char where[PATH_MAX + 32];

		snprintf(where, sizeof(where), "the pinned map at %s", path);
		err = check_compatible(m, &info, where, d);
	}
	if (err) {
		close(fd);
		return err;
	}
	m->fd = fd;
	m->id = info.id;
	m->reused = true;
	snprintf(m->pin_path, sizeof(m->pin_path), "%s", path);
	return 1;
}

static int create_map(struct rl_object *o, struct rl_map *m, struct rl_diag *d)
{
	const struct rl_map_spec *s = m->spec;
	struct rl_map_create_opts c = {
		.type = s->type, .key_size = s->key_size, .value_size = s->value_size,
		.max_entries = m->max_entries, .map_flags = m->map_flags, .name = m->kname,
		.numa_node = s->numa_node, .btf_fd = -1, .inner_map_fd = -1, .map_extra = s->map_extra,
	};
	struct bpf_map_info info;
	int fd, err;

	if (s->inner_idx >= 0)
		c.inner_map_fd = o->maps[s->inner_idx].fd;
	else if (s->type == BPF_MAP_TYPE_ARRAY_OF_MAPS || s->type == BPF_MAP_TYPE_HASH_OF_MAPS)
		/* the kernel sizes a map-in-map from a template map (inner_map_fd);
		 * without one it says only EINVAL */
		return rl_err(d, EINVAL, "%s has no inner map definition to make the template from "
			      "(declare `__array(values, struct { ... })` in the map)", rl_map_type_name(s->type));
	if (o->btf_fd >= 0 && (map_type_takes_btf(s->type) || s->origin == RL_MAP_GLOBAL_DATA) &&
	    s->btf_value_type_id) {
		c.btf_fd = o->btf_fd;
		c.btf_key_type_id = s->btf_key_type_id;
		c.btf_value_type_id = s->btf_value_type_id;
	}
	fd = rl_sys_map_create(&c);
	if (fd < 0 && c.btf_fd >= 0) {
		/* an older kernel may refuse BTF for this map type: the map itself
		 * works without it, only `bpftool map dump` pretty-printing is lost */
		c.btf_fd = -1;
		c.btf_key_type_id = c.btf_value_type_id = 0;
		fd = rl_sys_map_create(&c);
	}
	if (fd == -EINVAL && s->origin == RL_MAP_GLOBAL_DATA && (c.map_flags & BPF_F_MMAPABLE)) {
		/* before 5.5 arrays cannot be mmapable: the program does not care */
		c.map_flags &= ~BPF_F_MMAPABLE;
		fd = rl_sys_map_create(&c);
		if (fd >= 0)
			m->map_flags = c.map_flags;
	}
	if (fd < 0)
		return rl_err(d, fd, "BPF_MAP_CREATE(%s, key %u, value %u, max_entries %u, flags %#x): %s",
			      rl_map_type_name(s->type), s->key_size, s->value_size, c.max_entries,
			      c.map_flags, strerror(-fd));
	m->fd = fd;
	err = fetch_map_info(fd, &info, d);
	if (err)
		return err;
	m->id = info.id;
	return 0;
}

/* .data/.rodata get their initial bytes; .rodata is then frozen so the
 * verifier can treat its contents as constants (map_freeze, and
 * BPF_F_RDONLY_PROG keeps programs from writing it). */
static int fill_global_data(struct rl_map *m, const void *init, struct rl_diag *d)
{
	const struct rl_map_spec *s = m->spec;
	uint32_t zero = 0;
	int err;

	if (init) {
		err = rl_sys_map_update(m->fd, &zero, init, BPF_ANY);
		if (err)
			return rl_err(d, err, "BPF_MAP_UPDATE_ELEM (initial value, %llu bytes): %s",
				      (unsigned long long)s->init_size, strerror(-err));
	}
	if (s->readonly) {
		err = rl_sys_map_freeze(m->fd);
		if (err)
			return rl_err(d, err, "BPF_MAP_FREEZE: %s", strerror(-err));
	}
	return 0;
}

/* The conventions the ecosystem's objects rely on, which the kernel does not
 * apply itself (the object keeps what it declared; the map gets these):
 *   - PERF_EVENT_ARRAY with max_entries 0: one slot per possible CPU;
 *   - RINGBUF / USER_RINGBUF: the size rounded up to a power-of-two number of
 *     pages (ringbuf_map_alloc refuses anything else with EINVAL);
 *   - global data (.data, .rodata, .bss, .kconfig): BPF_F_MMAPABLE, so user
 *     space can map the values as a skeleton does. */
int rl_map_conventions(const struct rl_map_spec *s, uint32_t *max_entries, uint32_t *map_flags,
		       struct rl_diag *d)
{
	*max_entries = s->max_entries;
	*map_flags = s->map_flags;
	if (s->type == BPF_MAP_TYPE_PERF_EVENT_ARRAY && s->max_entries == 0) {
		int err = rl_possible_cpus(max_entries, d);

		if (err) {
			rl_diag_prefix(d, "PERF_EVENT_ARRAY with max_entries 0 (one per CPU): ");
			return err;
		}
	}
	if ((s->type == BPF_MAP_TYPE_RINGBUF || s->type == BPF_MAP_TYPE_USER_RINGBUF) && s->max_entries) {
		long page = sysconf(_SC_PAGESIZE);

		*max_entries = rl_ringbuf_size(s->max_entries, page > 0 ? (uint32_t)page : 4096);
		if (!*max_entries)
			return rl_err(d, E2BIG, "ring buffer of %u bytes: no power of two fits 32 bits",
				      s->max_entries);
	}
	if (s->origin == RL_MAP_GLOBAL_DATA)
		*map_flags |= BPF_F_MMAPABLE;
	return 0;
}

static int setup_one_map(struct rl_object *o, struct rl_map *m, const struct rl_load_opts *opts,
			 struct rl_diag *d)
{
	const struct rl_map_spec *s = m->spec;
	uint8_t *kconfig = NULL;
	int err;

	err = rl_map_conventions(s, &m->max_entries, &m->map_flags, d);
	if (err)
		return err;

	if (s->origin == RL_MAP_GLOBAL_DATA)
		rl_data_map_name(m->kname, o->spec->name, s->name);
	else
		rl_kernel_name(m->kname, NULL, s->name);
	if (s->origin != RL_MAP_GLOBAL_DATA && !s->is_inner_template)
		err = reuse_shared(o, m, opts, d);
	if (err == 0 && s->pinning == RL_PIN_BY_NAME && opts->pin_dir)
		err = reuse_pinned(m, opts->pin_dir, d);
	if (err)
		return err < 0 ? err : 0;
	if (m == &o->maps[o->spec->kconfig_map]) {
		/* .kconfig: the values come from the running kernel, not the file */
		kconfig = calloc(1, s->value_size);
		if (!kconfig)
			return rl_err(d, ENOMEM, "out of memory");
		err = rl_externs_kconfig_value(o->spec, kconfig, NULL, true, d);
	}
	if (!err)
		err = create_map(o, m, d);
	if (!err && s->origin == RL_MAP_GLOBAL_DATA)
		err = fill_global_data(m, kconfig ? kconfig : s->init_data, d);
	free(kconfig);
	if (!err && s->pinning == RL_PIN_BY_NAME && opts->pin_dir) {
		rl_pin_path(m->pin_path, opts->pin_dir, s->name);
		err = rl_sys_obj_pin(m->fd, m->pin_path);
		if (err) {
			err = rl_err(d, err, "BPF_OBJ_PIN '%s': %s", m->pin_path, strerror(-err));
			m->pin_path[0] = '\0';
		} else {
			m->pinned_here = true;
		}
	}
	return err;
}

/* map-in-map `values = { [k] = &inner }`: store the inner map's fd. */
static int fill_map_slots(struct rl_object *o, struct rl_map *m, struct rl_diag *d)
{
	for (uint32_t i = 0; i < m->spec->nr_init_slots; i++) {
		const struct rl_map_init_slot *sl = &m->spec->init_slots[i];
		int val, err;

		if (sl->is_prog)
			continue; /* programs are filled after BPF_PROG_LOAD */
		val = o->maps[sl->target_idx].fd;
		err = rl_sys_map_update(m->fd, &sl->key, &val, BPF_ANY);
		if (err)
			return rl_err(d, err, "slot %u = map '%s': BPF_MAP_UPDATE_ELEM: %s", sl->key,
				      o->maps[sl->target_idx].spec->name, strerror(-err));
	}
	return 0;
}

int rl_load_maps(struct rl_object *o, const struct rl_load_opts *opts, struct rl_diag *d)
{
	int err;

	/* inner templates first: the outer map's BPF_MAP_CREATE needs inner_map_fd */
	for (int pass = 0; pass < 2; pass++) {
		for (uint32_t i = 0; i < o->nr_maps; i++) {
			struct rl_map *m = &o->maps[i];

			if (m->spec->is_inner_template != (pass == 0))
				continue;
			err = setup_one_map(o, m, opts, d);
			if (err) {
				rl_diag_prefix(d, "map '%s': ", m->spec->name);
				return err;
			}
		}
	}
	for (uint32_t i = 0; i < o->nr_maps; i++) {
		if (o->maps[i].reused)
			continue; /* its owner already filled it */
		err = fill_map_slots(o, &o->maps[i], d);
		if (err) {
			rl_diag_prefix(d, "map '%s': ", o->maps[i].spec->name);
			return err;
		}
	}
	return 0;
}
