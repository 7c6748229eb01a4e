/* cmd_trace.c - `rawload trace OBJ [--prog NAME] [--pin DIR] [--link]
 * [--type NAME]`: attach every tracepoint / raw tracepoint program of OBJ,
 * print the records of its ring buffer map until Ctrl-C or SIGTERM, then
 * detach and unpin everything.
 *
 *   1. from the section names, where each program goes (tracepoint.c):
 *      tracepoint/CAT/NAME, tp/CAT/NAME -> the tracepoint's id in tracefs
 *      raw_tracepoint/NAME, raw_tp/NAME -> by name
 *      all looked up before anything is loaded: an unknown name changes nothing
 *   2. load the object, pin programs and maps under DIR
 *   3. attach: perf_event_open + PERF_EVENT_IOC_SET_BPF + ENABLE, or with
 *      --link BPF_LINK_CREATE(BPF_PERF_EVENT) on the perf fd (the link is
 *      pinned under DIR); raw tracepoints with BPF_RAW_TRACEPOINT_OPEN
 *   4. read the BPF_MAP_TYPE_RINGBUF map (ringbuf.c: mmap + epoll) and
 *      print each record field by field with its BTF type (trace_print.c)
 *   5. on SIGINT/SIGTERM/SIGHUP: close the perf events and links (that
 *      detaches), remove the pins and the directory
 *
 * The record's type: --type NAME, else the struct named after the ring
 * buffer map - map `events` -> struct event, struct events or struct
 * events_record.  It must be in the object's BTF: clang emits a type there
 * when a function's signature uses it (see bpf/opensnoop.bpf.c).
 */
#include "bpffs.h"
#include "cli.h"
#include "ringbuf.h"
#include "sys_bpf.h"
#include "tracepoint.h"
#include "undo.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define MAX_TP 32

struct tp_attach {
	const struct rl_prog_spec *spec;
	struct rl_tp_target target;
	uint32_t tp_id;
	int perf_fd, link_fd;
	char link_pin[PATH_MAX];
};

struct trace {
	struct tp_attach a[MAX_TP];
	int n;
	const struct rl_btf *btf;
	uint32_t record_type;
	unsigned long records;
};

/* Why a kprobe program is not attached here: rawload attaches tracepoints
 * only, and a kernel without CONFIG_KPROBE_EVENTS has no kprobe_events. */
static const char *kprobe_note(const struct rl_object_spec *o)
{
	char dir[PATH_MAX], path[PATH_MAX + 16];
	struct rl_diag d = { "" };
	bool mounted, kprobe = false;

	for (uint32_t i = 0; i < o->nr_progs; i++)
		kprobe |= o->progs[i].prog_type == BPF_PROG_TYPE_KPROBE;
	if (!kprobe)
		return "";
	if (rl_tracefs_dir(dir, &mounted, &d) == 0) {
		snprintf(path, sizeof(path), "%s/kprobe_events", dir);
		if (access(path, F_OK))
			return " (kprobes: not attached by rawload trace, and this kernel has none: no "
			       "kprobe_events in tracefs, CONFIG_KPROBE_EVENTS is off)";
	}
	return " (kprobes are not attached by rawload trace)";
}

static int collect(struct trace *t, const struct rl_object_spec *o, const char *obj, const char *want)
{
	char skipped[256] = "";

	for (uint32_t i = 0; i < o->nr_progs; i++) {
		const struct rl_prog_spec *p = &o->progs[i];
		struct tp_attach *a = &t->a[t->n];

		if (p->is_subprog || (want && strcmp(p->name, want)))
			continue;
		if ((p->prog_type != BPF_PROG_TYPE_TRACEPOINT && p->prog_type != BPF_PROG_TYPE_RAW_TRACEPOINT) ||
		    !rl_tp_parse_section(p->sec_name, &a->target)) {
			snprintf(skipped + strlen(skipped), sizeof(skipped) - strlen(skipped), "%s%s (%s)",
				 skipped[0] ? ", " : "", p->name, p->sec_name);
			continue;
		}
		if (t->n == MAX_TP) {
			fprintf(stderr, "rawload: %s: more than %d tracepoint programs\n", obj, MAX_TP);
			return -1;
		}
		a->spec = p;
		a->perf_fd = a->link_fd = -1;
		t->n++;
	}
	if (t->n)
		return 0;
	if (want)
		fprintf(stderr, "rawload: %s: no tracepoint program named '%s'%s%s\n", obj, want,
			skipped[0] ? " (it is not one: " : "", skipped[0] ? skipped : "");
	else
		fprintf(stderr, "rawload: %s: no tracepoint or raw tracepoint program (sections "
			"tracepoint/CAT/NAME, tp/CAT/NAME, raw_tp/NAME)%s%s%s; nothing changed\n", obj,
			skipped[0] ? "; it has " : "", skipped, kprobe_note(o));
	return -1;
}

/* Step 1 for tracepoints: every id, before anything exists in the kernel. */
static int resolve_ids(struct trace *t, const char *obj)
{
	struct rl_diag d = { "" };

	for (int i = 0; i < t->n; i++) {
		struct tp_attach *a = &t->a[i];

		if (a->target.kind == RL_TP_TRACEPOINT &&
		    rl_tp_id(a->target.cat, a->target.name, &a->tp_id, &d)) {
			fprintf(stderr, "rawload: %s: program '%s' (section %s): %s; nothing changed\n", obj,
				a->spec->name, a->spec->sec_name, d.msg);
			return -1;
		}
	}
	return 0;
}

/* The ring buffer map and the BTF type of its records. */
static int find_record_type(struct trace *t, struct rl_object_spec *o, const char *type_name,
			    const char *obj, const struct rl_map_spec **rb)
{
	char names[3][80];

	*rb = NULL;
	for (uint32_t i = 0; i < o->nr_maps; i++)
		if (o->maps[i].type == BPF_MAP_TYPE_RINGBUF && !*rb)
			*rb = &o->maps[i];
	if (!*rb) {
		if (type_name)
			fprintf(stderr, "rawload: %s: --type %s, but the object has no ring buffer map\n", obj,
				type_name);
		return type_name ? -1 : 0;
	}
	t->btf = &o->btf;
	if (type_name) {
		t->record_type = rl_btf_find_by_name_kind(&o->btf, type_name, BTF_KIND_STRUCT);
		if (!t->record_type)
			t->record_type = rl_btf_find_by_name_kind(&o->btf, type_name, BTF_KIND_UNION);
		if (!t->record_type) {
			fprintf(stderr, "rawload: %s: --type %s: no struct or union of that name in the "
				"object's BTF; nothing changed\n", obj, type_name);
			return -1;
		}
		return 0;
	}
	snprintf(names[0], sizeof(names[0]), "%.60s", (*rb)->name);
	if (strlen(names[0]) > 1 && names[0][strlen(names[0]) - 1] == 's')
		names[0][strlen(names[0]) - 1] = '\0';          /* events -> event */
	snprintf(names[1], sizeof(names[1]), "%.60s", (*rb)->name);
	snprintf(names[2], sizeof(names[2]), "%.60s_record", (*rb)->name);
	for (int i = 0; i < 3 && !t->record_type; i++)
		t->record_type = rl_btf_find_by_name_kind(&o->btf, names[i], BTF_KIND_STRUCT);
	if (!t->record_type)
		fprintf(stderr, "rawload: %s: no struct %s / %s / %s in the BTF: records are printed in "
			"hex (name the type with --type NAME)\n", obj, names[0], names[1], names[2]);
	return 0;
}

static void explain_attach(const struct tp_attach *a, bool link)
{
	printf("\n[trace] %s '%s' -> %s%s%s\n", a->target.kind == RL_TP_RAW ? "raw tracepoint" : "tracepoint",
	       a->spec->name, a->target.cat, a->target.kind == RL_TP_RAW ? "" : "/", a->target.name);
	if (a->target.kind == RL_TP_TRACEPOINT)
		printf("  %-16s perf_event_open({ type = PERF_TYPE_TRACEPOINT, config = %u (events/%s/%s/id), "
		       "sample_period = 1 }, pid -1, cpu 0)\n", "perf event", a->tp_id, a->target.cat,
		       a->target.name);
	printf("  %-16s %s\n", "kernel path", rl_tp_kernel_path(a->target.kind, link));
	fflush(stdout);
}

static int attach_one(struct tp_attach *a, struct rl_prog *p, bool link, const char *pin_dir,
		      const struct cli *cli)
{
	struct rl_diag d = { "" };
	int err;

	if (cli->explain)
		explain_attach(a, link);
	if (a->target.kind == RL_TP_RAW) {
		a->link_fd = rl_sys_raw_tp_open(a->target.name, p->fd);
		if (a->link_fd < 0) {
			rl_err(&d, a->link_fd, "BPF_RAW_TRACEPOINT_OPEN '%s': %s%s", a->target.name,
			       strerror(-a->link_fd), a->link_fd == -ENOENT ? " (no such raw tracepoint)" : "");
			goto fail;
		}
	} else {
		a->perf_fd = rl_tp_perf_open(a->tp_id, &d);
		if (a->perf_fd < 0)
			goto fail;
		if (link) {
			struct rl_link_create_opts o = { .prog_fd = p->fd, .target = (uint32_t)a->perf_fd,
							 .attach_type = BPF_PERF_EVENT };

			a->link_fd = rl_sys_link_create(&o);
			if (a->link_fd < 0) {
				rl_err(&d, a->link_fd, "BPF_LINK_CREATE(BPF_PERF_EVENT): %s",
				       strerror(-a->link_fd));
				goto fail;
			}
		} else if (rl_tp_perf_set_bpf(a->perf_fd, p->fd, &d)) {
			goto fail;
		}
	}
	if (link && a->link_fd >= 0) {
		rl_pin_path(a->link_pin, pin_dir, "link_");
		snprintf(a->link_pin + strlen(a->link_pin), sizeof(a->link_pin) - strlen(a->link_pin),
			 "%.200s", a->spec->name);
		err = rl_sys_obj_pin(a->link_fd, a->link_pin);
		if (err) {
			rl_err(&d, err, "BPF_OBJ_PIN %s: %s", a->link_pin, strerror(-err));
			a->link_pin[0] = '\0';
			goto fail;
		}
	}
	return 0;
fail:
	fprintf(stderr, "rawload: program '%s' (section %s): %s\n", a->spec->name, a->spec->sec_name, d.msg);
	return -1;
}

/* Close perf events and links (the detach), remove link pins. */
static void detach_all(struct trace *t, bool quiet)
{
	struct rl_diag d = { "" };

	for (int i = t->n - 1; i >= 0; i--) {
		struct tp_attach *a = &t->a[i];

		if (a->link_pin[0] && rl_bpffs_remove(a->link_pin, 0, &d) && !quiet)
			fprintf(stderr, "rawload: %s\n", d.msg);
		if (a->link_fd >= 0)
			close(a->link_fd);
		if (a->perf_fd >= 0)
			close(a->perf_fd);
		a->link_fd = a->perf_fd = -1;
		a->link_pin[0] = '\0';
	}
}

static int on_record(void *ctx, const void *rec, uint32_t len)
{
	struct trace *t = ctx;

	t->records++;
	if (t->record_type) {
		cli_print_record(stdout, t->btf, t->record_type, rec, len);
		return 0;
	}
	for (uint32_t i = 0; i < len; i++)
		printf("%02x%s", ((const uint8_t *)rec)[i], i + 1 < len ? " " : "\n");
	fflush(stdout);
	return 0;
}

static int run(struct trace *t, struct rl_object *o, const struct rl_map_spec *rbs)
{
	struct rl_map *m = rbs ? rl_object_map(o, rbs->name) : NULL;
	struct rl_ringbuf rb;
	struct rl_diag d = { "" };
	int r;

	if (!m) {
		fprintf(stderr, "rawload: no ring buffer map: waiting for Ctrl-C\n");
		while (!cli_interrupted())
			usleep(100 * 1000);
		return 0;
	}
	if (rl_ringbuf_open(&rb, m->fd, rbs->max_entries, &d)) {
		fprintf(stderr, "rawload: map '%s': %s\n", rbs->name, d.msg);
		return -1;
	}
	while (!cli_interrupted()) {
		r = rl_ringbuf_poll(&rb, 100, on_record, t);
		if (r < 0) {
			fprintf(stderr, "rawload: map '%s': epoll: %s\n", rbs->name, strerror(-r));
			break;
		}
	}
	rl_ringbuf_consume(&rb, on_record, t);   /* what arrived before the signal */
	rl_ringbuf_close(&rb);
	return r < 0 ? -1 : 0;
}

int cmd_trace(int argc, char **argv, struct cli *cli)
{
	const char *prog_name = NULL, *pin = NULL, *type_name = NULL, *pos[1];
	bool link = false;
	const struct cli_opt opts[] = {
		{ "--prog", &prog_name, NULL }, { "--pin", &pin, NULL }, { "--link", NULL, &link },
		{ "--type", &type_name, NULL }, { NULL, NULL, NULL },
	};
	static struct trace t;
	struct rl_undo undo = { .n = 0 };
	struct rl_load_opts lo = { 0 };
	const struct rl_map_spec *rbs;
	char pin_dir[PATH_MAX];
	struct cli_loaded l;
	struct rl_diag d = { "" };
	int npos, rc = EXIT_USER;

	if (cli_parse_args("trace", argc, argv, opts, pos, 1, 1, &npos))
		return EXIT_USAGE;
	cli_block_signals();
	if (cli_parse_object(pos[0], &l))
		return EXIT_USER;
	if (collect(&t, &l.spec, pos[0], prog_name) || resolve_ids(&t, pos[0]) ||
	    find_record_type(&t, &l.spec, type_name, pos[0], &rbs)) {
		cli_unload_object(&l);
		return EXIT_USER;
	}
	if (cli_prepare_pin_dir(pin, pos[0], pin_dir, &undo)) {
		cli_unload_object(&l);
		return EXIT_USER;
	}
	lo.pin_dir = pin_dir;
	lo.verbose_log = cli->verbose;
	if (cli_load_parsed(&l, &lo, cli))
		goto out_undo;
	if (rl_object_pin(&l.obj, pin_dir, &d)) {
		cli_fail(pos[0], &d);
		goto out_unload;
	}
	for (int i = 0; i < t.n; i++) {
		if (cli_interrupted()) {
			fprintf(stderr, "rawload: interrupted: rolling back\n");
			goto out_detach;
		}
		if (attach_one(&t.a[i], rl_object_prog(&l.obj, t.a[i].spec->name), link, pin_dir, cli))
			goto out_detach;
	}
	for (int i = 0; i < t.n; i++)
		fprintf(stderr, "attached %s to %s %s%s%s%s\n", t.a[i].spec->name,
			t.a[i].target.kind == RL_TP_RAW ? "raw tracepoint" : "tracepoint", t.a[i].target.cat,
			t.a[i].target.kind == RL_TP_RAW ? "" : "/", t.a[i].target.name,
			t.a[i].link_pin[0] ? " (link pinned)" : "");
	fprintf(stderr, "pinned under %s; printing %s records until Ctrl-C\n", pin_dir,
		rbs ? rbs->name : "(no ring buffer)");
	rc = run(&t, &l.obj, rbs) ? EXIT_USER : EXIT_OK;
out_detach:
	detach_all(&t, false);
	if (rc == EXIT_OK)
		fprintf(stderr, "detached %d program%s after %lu record%s; removing the pins\n", t.n,
			t.n == 1 ? "" : "s", t.records, t.records == 1 ? "" : "s");
out_unload:
	rl_object_unpin_created(&l.obj);
	cli_unload_object(&l);
out_undo:
	rl_undo_run(&undo, NULL);   /* the pin directory, if we made it */
	return rc;
}
