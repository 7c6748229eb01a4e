/* test_load_root.c - the loader against the real kernel (root; the pure checks
 * run without, the kernel ones are skipped).
 *
 *  - the kernel names derived from ELF names, against literal expectations;
 *  - a kernel that refuses the object's BTF: a warning, and maps and programs
 *    load without any BTF id;
 *  - a map pinned by name refuses a pin that holds a program or another map type;
 *  - every test object loads, and what the kernel reports back (BPF_OBJ_GET_INFO_BY_FD)
 *    matches the spec: program type and name, map type, sizes, max_entries, flags;
 *  - a program the verifier rejects fails with the log naming the source line, and the
 *    kernel's program and map id lists are exactly as before - also when a good
 *    program, a pinned map and .rodata were already in the kernel;
 *  - fault injection: failing the Nth bpf(2) call, for every N of a whole load, leaves no
 *    fd, no pin and no kernel object behind (all or nothing, SPEC §3).
 */
#include "unit.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bpffs.h"
#include "load.h"
#include "load_internal.h"
#include "sys_bpf.h"

#define OBJDIR "build/tests/objects/"

static int count_entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int n = 0;

	while (d && (e = readdir(d)))
		n += e->d_name[0] != '.';
	if (d)
		closedir(d);
	return n;
}

/* the DIR's own fd is counted too: the same one each time */
static int count_fds(void)
{
	return count_entries("/proc/self/fd");
}

struct loaded { void *bytes; struct rl_object_spec spec; struct rl_object obj; };

static int load_file(const char *path, struct loaded *l, const struct rl_load_opts *opts,
		     struct rl_diag *d)
{
	size_t size;
	int err;

	memset(l, 0, sizeof(*l));
	l->bytes = unit_read_file(path, &size);
	if (!l->bytes)
		return rl_err(d, ENOENT, "cannot read %s", path);
	err = rl_object_parse(&l->spec, path, l->bytes, size, d);
	if (err)
		return err;
	return rl_object_load(&l->obj, &l->spec, opts, d);
}

static void unload(struct loaded *l)
{
	rl_object_close(&l->obj);
	rl_object_free(&l->spec);
	free(l->bytes);
}

/* Other processes may load BPF objects while we run, so "nothing left behind"
 * is checked on the objects THIS load created: an observer notes the id of
 * every new program and map from /proc/self/fdinfo (not a bpf(2) call, so the
 * fault countdown is untouched), and afterwards each id must be gone. */
struct created { uint32_t prog_ids[64], map_ids[64]; int nprogs, nmaps, npins; };

static uint32_t fdinfo_id(long fd, const char *key)
{
	char path[64], line[256];
	uint32_t id = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%ld", fd);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			id = (uint32_t)strtoul(line + strlen(key), NULL, 10);
	if (f)
		fclose(f);
	return id;
}

static void note_created(void *ctx, int cmd, const union bpf_attr *attr, long result, int err)
{
	struct created *c = ctx;

	(void)attr;
	(void)err;
	if (result < 0)
		return;
	if (cmd == BPF_PROG_LOAD && c->nprogs < 64)
		c->prog_ids[c->nprogs++] = fdinfo_id(result, "prog_id:");
	if (cmd == BPF_MAP_CREATE && c->nmaps < 64)
		c->map_ids[c->nmaps++] = fdinfo_id(result, "map_id:");
	c->npins += cmd == BPF_OBJ_PIN;
}

/* Is `id` still in the kernel's id table?  GET_NEXT_ID takes no reference
 * (GET_FD_BY_ID would, and so keep the object alive a little longer). */
static bool id_exists(int (*next)(uint32_t, uint32_t *), uint32_t id)
{
	uint32_t found;

	return id && next(id - 1, &found) == 0 && found == id;
}

static bool ids_gone(const struct created *c)
{
	for (int i = 0; i < c->nprogs; i++)
		if (id_exists(rl_sys_prog_get_next_id, c->prog_ids[i]))
			return false;
	for (int i = 0; i < c->nmaps; i++)
		if (id_exists(rl_sys_map_get_next_id, c->map_ids[i]))
			return false;
	return true;
}

/* The kernel releases a closed program after an RCU grace period and a
 * workqueue pass (bpf_prog_put -> ... -> bpf_prog_free_deferred), and only
 * then the maps it used: ids can outlive the last close by milliseconds. */
static bool all_gone(const struct created *c)
{
	for (int i = 0; i < 200; i++) {
		if (ids_gone(c))
			return true;
		usleep(10000);
	}
	return false;
}

/* ---- kernel names (no root) ------------------------------------------------ */

static void test_kernel_names(void)
{
	static const struct { const char *prefix, *name, *want; } progs[] = {
		{ NULL, "xdp_drop_ping", "xdp_drop_ping" },
		{ NULL, "exactly_15_char", "exactly_15_char" },
		{ NULL, "xdp_with_a_rather_long_name", "xdp_with_a_rath" },
		{ NULL, "tc/ingress-1", "tc_ingress_1" },
		{ NULL, "a b:c$d", "a_b_c_d" },
		{ NULL, "\xc3\xbc" "ber", "__ber" },     /* UTF-8: each byte replaced */
		{ NULL, "", "" },
		{ "pre_", "fix", "pre_fix" },
		{ "0123456789", "abcdefghij", "0123456789abcde" },
	};
	static const struct { const char *obj, *sec, *want; } data[] = {
		{ "global_data", ".rodata", "global_d.rodata" },
		{ "global_data", ".data", "global_d.data" },
		{ "global_data", ".bss", "global_d.bss" },
		{ "ab", ".rodata", "ab.rodata" },
		{ "abcdefghij", ".kconfig", "abcdefg.kconfig" },
		{ "global_data", ".rodata.str1.1", ".rodata.str1.1" },
		{ "long_names", ".data.custom_counters", ".data.custom_co" },
		{ "x", ".data.a", ".data.a" },
		{ "my-obj", ".bss", "my_obj.bss" },
		{ "sock", ".rodata.cst16", ".rodata.cst16" },
	};
	char out[BPF_OBJ_NAME_LEN];

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		memset(out, 'X', sizeof(out));
		rl_kernel_name(out, progs[i].prefix, progs[i].name);
		CHECK_STR(out, progs[i].want);
	}
	for (size_t i = 0; i < sizeof(data) / sizeof(data[0]); i++) {
		memset(out, 'X', sizeof(out));
		rl_data_map_name(out, data[i].obj, data[i].sec);
		CHECK_STR(out, data[i].want);
	}
}

/* ---- the kernel (root) ---------------------------------------------------- */

static const char *const objects[] = {
	"global_data", "tail_call", "subprog", "map_in_map", "maps_btf", "maps_legacy",
	"multi_prog", "sock_progs", "btf_shapes", "long_names", "map_conventions",
};

static void test_objects_match_kernel_info(void)
{
	for (size_t i = 0; i < sizeof(objects) / sizeof(objects[0]); i++) {
		char path[256];
		struct rl_diag d = { "" };
		struct loaded l;

		snprintf(path, sizeof(path), OBJDIR "%s.bpf.o", objects[i]);
		if (load_file(path, &l, NULL, &d)) {
			fprintf(stderr, "  %s: %s\n", path, d.msg);
			CHECK(0);
			unload(&l);
			continue;
		}
		for (uint32_t p = 0; p < l.obj.nr_progs; p++) {
			struct bpf_prog_info info = { 0 };
			uint32_t len = sizeof(info);

			CHECK_EQ(rl_sys_obj_info(l.obj.progs[p].fd, &info, &len), 0);
			CHECK_EQ(info.type, l.obj.progs[p].spec->prog_type);
			CHECK_STR(info.name, l.obj.progs[p].kname);
			CHECK_EQ(info.id, l.obj.progs[p].id);
		}
		for (uint32_t m = 0; m < l.obj.nr_maps; m++) {
			const struct rl_map_spec *s = l.obj.maps[m].spec;
			struct bpf_map_info info = { 0 };
			uint32_t len = sizeof(info);

			if (s->is_inner_template) {
				CHECK_EQ(l.obj.maps[m].fd, -1); /* released after creating the outer map */
				continue;
			}
			CHECK_EQ(rl_sys_obj_info(l.obj.maps[m].fd, &info, &len), 0);
			CHECK_EQ(info.type, s->type);
			CHECK_EQ(info.key_size, s->key_size);
			CHECK_EQ(info.value_size, s->value_size);
			CHECK_EQ(info.max_entries, l.obj.maps[m].max_entries);
			CHECK_EQ(info.map_flags, l.obj.maps[m].map_flags);
			CHECK_STR(info.name, l.obj.maps[m].kname);
		}
		CHECK(l.obj.btf_fd >= 0); /* every test object has BTF the kernel accepts */
		unload(&l);
	}
}

/* The names the kernel reports, written out (tests/objects/long_names.bpf.c,
 * global_data.bpf.c): the kernel accepted each, and they are the expected ones. */
/* The conventions as the kernel reports them (map_conventions.bpf.c): the perf
 * event array has one slot per possible CPU, counted here from sysfs
 * independently of host.c, the ring buffer 8192 bytes, the bloom filter its
 * map_extra and flags, global data BPF_F_MMAPABLE. */
static void test_map_conventions_in_kernel(void)
{
	struct rl_diag d = { "" };
	struct loaded l;
	uint32_t cpus = 0;
	char buf[64] = "";
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	int a, b, n;

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	for (char *t = strtok(buf, ",\n"); t; t = strtok(NULL, ",\n")) {
		n = sscanf(t, "%d-%d", &a, &b);
		cpus += n == 2 ? (uint32_t)(b - a + 1) : n == 1 ? 1 : 0;
	}
	CHECK(cpus > 0);
	if (load_file(OBJDIR "map_conventions.bpf.o", &l, NULL, &d)) {
		fprintf(stderr, "  map_conventions: %s\n", d.msg);
		CHECK(0);
		unload(&l);
		return;
	}
	for (uint32_t m = 0; m < l.obj.nr_maps; m++) {
		const struct rl_map_spec *s = l.obj.maps[m].spec;
		struct bpf_map_info info = { 0 };
		uint32_t len = sizeof(info);

		CHECK_EQ(rl_sys_obj_info(l.obj.maps[m].fd, &info, &len), 0);
		if (!strcmp(s->name, "events")) {
			CHECK_EQ(s->max_entries, 0);
			CHECK_EQ(info.max_entries, cpus);
		} else if (!strcmp(s->name, "logbuf")) {
			CHECK_EQ(s->max_entries, 5000);
			CHECK_EQ(info.max_entries, 8192);
		} else if (!strcmp(s->name, "seen")) {
			CHECK_EQ(info.map_extra, 3);
			CHECK_EQ(info.map_flags, BPF_F_ZERO_SEED);
		} else if (!strcmp(s->name, ".rodata")) {
			CHECK_EQ(info.map_flags, BPF_F_RDONLY_PROG | BPF_F_MMAPABLE);
		} else {
			CHECK_STR(s->name, ".bss");
			CHECK_EQ(info.map_flags, BPF_F_MMAPABLE);
		}
	}
	unload(&l);
}

/* tp_btf programs (btf_attach.bpf.c): TRACING, attach_btf_id = the id of
 * typedef btf_trace_<tp> in /sys/kernel/btf/vmlinux, parsed here from the
 * sysfs file (not through kernel_btf.c's cache), vmlinux's BTF object. */
static void test_tp_btf_attach_ids(void)
{
	static const struct { const char *prog, *type; } want[] = {
		{ "on_switch", "btf_trace_sched_switch" },
		{ "on_exec", "btf_trace_sched_process_exec" },
	};
	struct rl_diag d = { "" };
	struct rl_btf vmlinux;
	struct loaded l;
	size_t size;
	void *raw = unit_read_file("/sys/kernel/btf/vmlinux", &size);

	CHECK(raw != NULL);
	if (!raw || rl_btf_parse(&vmlinux, raw, size, false, &d)) {
		free(raw);
		CHECK(0);
		return;
	}
	if (load_file(OBJDIR "btf_attach.bpf.o", &l, NULL, &d)) {
		fprintf(stderr, "  btf_attach: %s\n", d.msg);
		CHECK(0);
	} else {
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			struct rl_prog *p = rl_object_prog(&l.obj, want[i].prog);
			struct bpf_prog_info info = { 0 };
			uint32_t len = sizeof(info);

			CHECK(p != NULL);
			if (!p)
				continue;
			CHECK_EQ(rl_sys_obj_info(p->fd, &info, &len), 0);
			CHECK_EQ(info.type, BPF_PROG_TYPE_TRACING);
			CHECK_EQ(info.attach_btf_id,
				 rl_btf_find_by_name_kind(&vmlinux, want[i].type, BTF_KIND_TYPEDEF));
			CHECK(info.attach_btf_id != 0);
		}
	}
	unload(&l);
	rl_btf_free(&vmlinux);
	free(raw);
}

static void test_kernel_names_in_kernel(void)
{
	static const struct { const char *obj, *elf, *kernel; } names[] = {
		{ "long_names", "xdp_with_a_rather_long_name", "xdp_with_a_rath" },
		{ "long_names", "map_with_a_rather_long_name", "map_with_a_rath" },
		{ "long_names", ".bss", "long_nam.bss" },
		{ "long_names", ".data.custom_counters", ".data.custom_co" },
		{ "global_data", "xdp_globals", "xdp_globals" },
		{ "global_data", ".rodata", "global_d.rodata" },
		{ "global_data", ".data", "global_d.data" },
		{ "global_data", ".bss", "global_d.bss" },
		{ "global_data", ".rodata.str1.1", ".rodata.str1.1" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		char path[256], name[BPF_OBJ_NAME_LEN] = "";
		struct rl_diag d = { "" };
		struct rl_prog *p;
		struct rl_map *m;
		struct loaded l;
		int fd = -1;

		snprintf(path, sizeof(path), OBJDIR "%s.bpf.o", names[i].obj);
		if (load_file(path, &l, NULL, &d)) {
			fprintf(stderr, "  %s: %s\n", path, d.msg);
			CHECK(0);
		} else if ((p = rl_object_prog(&l.obj, names[i].elf))) {
			struct bpf_prog_info info = { 0 };
			uint32_t len = sizeof(info);

			fd = p->fd;
			if (!rl_sys_obj_info(fd, &info, &len))
				memcpy(name, info.name, sizeof(name));
		} else if ((m = rl_object_map(&l.obj, names[i].elf))) {
			struct bpf_map_info info = { 0 };
			uint32_t len = sizeof(info);

			fd = m->fd;
			if (!rl_sys_obj_info(fd, &info, &len))
				memcpy(name, info.name, sizeof(name));
		}
		CHECK(fd >= 0);
		CHECK_STR(name, names[i].kernel);
		unload(&l);
	}
}

/* BPF_BTF_LOAD refused (an injected EPERM): a warning, and the object loads
 * without BTF - no BTF id on any map or program, no func/line info. */
struct first_call { int cmd; bool injected; int n; };

static void note_first(void *ctx, int cmd, const union bpf_attr *attr, long result, int err)
{
	struct first_call *f = ctx;

	(void)attr;
	(void)result;
	(void)err;
	if (f->n++ == 0) {
		f->cmd = cmd;
		f->injected = rl_sys_last_call_injected();
	}
}

/* How many of the object's maps and programs the kernel says carry BTF. */
static int count_btf_ids(struct rl_object *o)
{
	int n = 0;

	for (uint32_t i = 0; i < o->nr_progs; i++) {
		struct bpf_prog_info info = { 0 };
		uint32_t len = sizeof(info);

		CHECK_EQ(rl_sys_obj_info(o->progs[i].fd, &info, &len), 0);
		n += info.btf_id != 0;
		n += info.nr_func_info != 0 || info.nr_line_info != 0;
	}
	for (uint32_t i = 0; i < o->nr_maps; i++) {
		struct bpf_map_info info = { 0 };
		uint32_t len = sizeof(info);

		if (o->maps[i].fd < 0)
			continue;       /* an inner-map template, closed after use */
		CHECK_EQ(rl_sys_obj_info(o->maps[i].fd, &info, &len), 0);
		n += info.btf_id != 0 || info.btf_key_type_id != 0 || info.btf_value_type_id != 0;
	}
	return n;
}

static void test_btf_refused_loads_without(void)
{
	static const char *const objs[] = { "maps_btf", "global_data" };

	for (size_t i = 0; i < sizeof(objs) / sizeof(objs[0]); i++) {
		struct first_call first = { -1, false, 0 };
		struct rl_sys_observer watch = { note_first, &first };
		struct rl_diag d = { "" };
		char path[256];
		struct loaded l;
		int err;

		snprintf(path, sizeof(path), OBJDIR "%s.bpf.o", objs[i]);
		/* the control: loaded normally, the kernel knows the BTF */
		err = load_file(path, &l, NULL, &d);
		CHECK_EQ(err, 0);
		if (!err) {
			CHECK(l.obj.btf_fd >= 0);
			CHECK(count_btf_ids(&l.obj) > 0);
			CHECK_STR(l.obj.warning, "");
		}
		unload(&l);

		rl_sys_set_observer(&watch);
		rl_sys_set_fault(1, EPERM);
		err = load_file(path, &l, NULL, &d);
		rl_sys_set_fault(0, 0);
		rl_sys_set_observer(NULL);
		CHECK_EQ(first.cmd, BPF_BTF_LOAD);      /* the fault hit BTF, nothing else */
		CHECK(first.injected);
		CHECK_EQ(err, 0);
		if (err)
			fprintf(stderr, "  %s: %s\n", path, d.msg);
		CHECK_STR(l.obj.warning, "the kernel refused the object's BTF (BPF_BTF_LOAD: "
			  "Operation not permitted); loading without it");
		CHECK_EQ(l.obj.btf_fd, -1);
		CHECK_EQ(l.obj.btf_id, 0);
		if (!err)
			CHECK_EQ(count_btf_ids(&l.obj), 0);
		unload(&l);
	}
}


/* A map pinned by name (maps_btf's pinned_cfg: ARRAY, key 4, value 8, 4
 * entries) finds something else at its pin: a program, or a map of
 * another type.  Refused, naming what is there, and the load leaves
 * nothing but the foreign pin. */
static int pin_foreign(const char *path, bool prog)
{
	struct bpf_insn insns[] = { { .code = BPF_ALU64 | BPF_MOV | BPF_K, .imm = 2 },
				    { .code = BPF_JMP | BPF_EXIT } };
	struct rl_prog_load_opts po = { .prog_type = BPF_PROG_TYPE_XDP, .license = "GPL",
					.insns = insns, .insn_cnt = 2, .prog_btf_fd = -1 };
	struct rl_map_create_opts mo = { .type = BPF_MAP_TYPE_HASH, .key_size = 4, .value_size = 8,
					 .max_entries = 4, .btf_fd = -1, .inner_map_fd = -1 };
	int fd = prog ? rl_sys_prog_load(&po) : rl_sys_map_create(&mo), err;

	if (fd < 0)
		return fd;
	err = rl_sys_obj_pin(fd, path);
	close(fd);
	return err;
}

static void test_pinned_reuse_refusals(void)
{
	static const struct { bool prog; const char *says; } cases[] = {
		{ true, "is a program, not a map; remove it or rename the map" },
		{ false, "has type HASH (1), but the object defines type ARRAY (2); remove it or rename the map" },
	};
	char mnt[256], dir[300], pin[340], want[400];
	struct rl_load_opts opts = { .pin_dir = dir };
	bool mounted;
	struct rl_diag d;

	CHECK_EQ(rl_bpffs_ensure(mnt, sizeof(mnt), &mounted, &d), 0);
	snprintf(dir, sizeof(dir), "%s/rl-unit-reuse-%d", mnt, (int)getpid());
	snprintf(pin, sizeof(pin), "%s/pinned_cfg", dir);
	CHECK_EQ(mkdir(dir, 0700), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct loaded l;
		int err;

		CHECK_EQ(pin_foreign(pin, cases[i].prog), 0);
		err = load_file(OBJDIR "maps_btf.bpf.o", &l, &opts, &d);
		CHECK_EQ(err, -EEXIST);
		snprintf(want, sizeof(want), "map 'pinned_cfg': the %s %s %s",
			 cases[i].prog ? "object pinned at" : "pinned map at", pin, cases[i].says);
		CHECK_STR(d.msg, want);
		CHECK_EQ(count_entries(dir), 1);        /* only the foreign pin */
		unload(&l);
		unlink(pin);
	}
	CHECK_EQ(rmdir(dir), 0);
}

static void test_verifier_reject_leaves_nothing(void)
{
	struct created created = { .nprogs = 0 };
	struct rl_sys_observer watch = { note_created, &created };
	int fds = count_fds();
	struct rl_diag d = { "" };
	struct loaded l;
	int err;

	rl_sys_set_observer(&watch);
	err = load_file(OBJDIR "verifier_reject.bpf.o", &l, NULL, &d);
	rl_sys_set_observer(NULL);

	CHECK(err < 0);
	CHECK_CONTAINS(d.msg, "program 'xdp_unchecked'");
	CHECK_CONTAINS(d.msg, "BPF_PROG_LOAD");
	CHECK_CONTAINS(l.obj.verifier_log, "invalid access to packet");
	CHECK_CONTAINS(l.obj.verifier_log, "verifier_reject.bpf.c:");
	unload(&l);
	CHECK(all_gone(&created));
	CHECK_EQ(count_fds(), fds);
}

/* A good program, a pinned BTF map and .rodata are in the kernel when the
 * verifier refuses the next program: afterwards the good program's id, the
 * map ids and the pin are gone (the maps after an RCU grace period: all_gone
 * waits up to 2 s). */
static void test_late_reject_leaves_nothing(void)
{
	struct created created = { .nprogs = 0 };
	struct rl_sys_observer watch = { note_created, &created };
	struct rl_load_opts opts;
	char mnt[256], dir[300];
	int fds = count_fds();
	struct rl_diag d = { "" };
	struct loaded l;
	bool mounted;
	int err;

	CHECK_EQ(rl_bpffs_ensure(mnt, sizeof(mnt), &mounted, &d), 0);
	snprintf(dir, sizeof(dir), "%s/rl-unit-mixed-%d", mnt, (int)getpid());
	CHECK_EQ(mkdir(dir, 0700), 0);
	opts = (struct rl_load_opts){ .pin_dir = dir };
	rl_sys_set_observer(&watch);
	err = load_file(OBJDIR "verifier_reject_mixed.bpf.o", &l, &opts, &d);
	rl_sys_set_observer(NULL);

	CHECK(err < 0);
	CHECK_CONTAINS(d.msg, "program 'xdp_bad': BPF_PROG_LOAD(XDP, ");
	CHECK_CONTAINS(l.obj.verifier_log, "invalid access to packet");
	CHECK_CONTAINS(l.obj.verifier_log, "verifier_reject_mixed.bpf.c:");
	/* what the kernel held when xdp_bad was refused */
	CHECK_EQ(created.nprogs, 1);            /* xdp_good */
	CHECK_EQ(created.nmaps, 2);             /* mixed_seen, .rodata */
	CHECK_EQ(created.npins, 1);             /* mixed_seen, pinned by name */
	for (int i = 0; i < created.nprogs; i++)
		CHECK(created.prog_ids[i] != 0);
	for (int i = 0; i < created.nmaps; i++)
		CHECK(created.map_ids[i] != 0);
	unload(&l);
	CHECK(all_gone(&created));
	CHECK_EQ(count_entries(dir), 0);        /* no pin left */
	CHECK_EQ(count_fds(), fds);
	CHECK_EQ(rmdir(dir), 0);
}


/* Fail call 1, 2, ..., N of a whole load (N = calls a clean load makes). */
static void fault_walk(const char *name, const char *pin_dir)
{
	struct rl_load_opts opts = { .pin_dir = pin_dir };
	struct created created;
	struct rl_sys_observer watch = { note_created, &created };
	char path[256];
	int fds = count_fds();
	unsigned calls0, total;
	struct rl_diag d;
	struct loaded l;

	snprintf(path, sizeof(path), OBJDIR "%s.bpf.o", name);
	calls0 = rl_sys_call_count();
	CHECK_EQ(load_file(path, &l, &opts, &d), 0);
	total = rl_sys_call_count() - calls0;
	rl_object_unpin_created(&l.obj);
	unload(&l);
	CHECK(total > 3);
	for (unsigned n = 1; n <= total; n++) {
		int err;

		memset(&created, 0, sizeof(created));
		rl_sys_set_observer(&watch);
		rl_sys_set_fault((int)n, EPERM);
		err = load_file(path, &l, &opts, &d);
		rl_sys_set_fault(0, 0);
		rl_sys_set_observer(NULL);
		if (!err) /* a refused optional step (BTF, info query) may be survivable */
			rl_object_unpin_created(&l.obj);
		unload(&l);
		if (count_fds() != fds || !all_gone(&created) ||
		    (pin_dir && count_entries(pin_dir) != 0)) {
			fprintf(stderr, "  %s: fault at call %u/%u (err %d: %s) left something behind\n",
				name, n, total, err, d.msg);
			CHECK(0);
			break;
		}
	}
}

static void test_fault_injection_every_call(void)
{
	char mnt[256], dir[300];
	bool mounted;
	struct rl_diag d;

	fault_walk("global_data", NULL);
	fault_walk("tail_call", NULL);
	fault_walk("map_in_map", NULL);
	CHECK_EQ(rl_bpffs_ensure(mnt, sizeof(mnt), &mounted, &d), 0);
	snprintf(dir, sizeof(dir), "%s/rl-unit-%d", mnt, (int)getpid());
	CHECK_EQ(mkdir(dir, 0700), 0);
	fault_walk("maps_btf", dir); /* pinned_cfg: pinning by name */
	rmdir(dir);
}

int main(void)
{
	static const struct unit_test pure[] = {
		UNIT_TEST(test_kernel_names),
	};
	static const struct unit_test tests[] = {
		UNIT_TEST(test_kernel_names),
		UNIT_TEST(test_objects_match_kernel_info),
		UNIT_TEST(test_kernel_names_in_kernel),
		UNIT_TEST(test_map_conventions_in_kernel),
		UNIT_TEST(test_tp_btf_attach_ids),
		UNIT_TEST(test_btf_refused_loads_without),
		UNIT_TEST(test_pinned_reuse_refusals),
		UNIT_TEST(test_verifier_reject_leaves_nothing),
		UNIT_TEST(test_late_reject_leaves_nothing),
		UNIT_TEST(test_fault_injection_every_call),
	};

	if (geteuid() != 0) {
		printf("load_root: kernel tests skipped (need root)\n");
		return unit_run("load_root", pure, sizeof(pure) / sizeof(pure[0]));
	}
	return unit_run("load_root", tests, sizeof(tests) / sizeof(tests[0]));
}
