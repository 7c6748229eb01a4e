/* cmd_load.c - `rawload load OBJ [--pin DIR]`: load everything, attach nothing.
 *
 * Without an attachment, a program lives only as long as something holds a
 * reference to it.  The fds this process holds go away when it exits, so we
 * pin each program and map in bpffs (BPF_OBJ_PIN): the pin is the reference
 * that keeps them alive until `rm` (or `rawload detach`) removes it.
 */
#include "cli.h"
#include "undo.h"

#include <string.h>

static void print_loaded(const struct cli_loaded *l, const char *dir)
{
	const struct rl_object *o = &l->obj;

	printf("loaded %s: %u program%s, %u map%s, pinned under %s\n", l->spec.name, o->nr_progs,
	       o->nr_progs == 1 ? "" : "s", o->nr_maps, o->nr_maps == 1 ? "" : "s", dir);
	printf("  %-20s %-16s %8s  %s\n", "program", "type", "id", "pin");
	for (uint32_t i = 0; i < o->nr_progs; i++)
		printf("  %-20s %-16s %8u  %s\n", o->progs[i].spec->name,
		       rl_prog_type_name(o->progs[i].spec->prog_type), o->progs[i].id, o->progs[i].pin_path);
	printf("  %-20s %-16s %8s  %s\n", "map", "type", "id", "pin");
	for (uint32_t i = 0; i < o->nr_maps; i++) {
		if (o->maps[i].fd < 0)
			continue; /* inner-map template: only a shape, already released */
		printf("  %-20s %-16s %8u  %s%s\n", o->maps[i].spec->name,
		       rl_map_type_name(o->maps[i].spec->type), o->maps[i].id, o->maps[i].pin_path,
		       o->maps[i].reused ? " (reused)" : "");
	}
}

int cmd_load(int argc, char **argv, struct cli *cli)
{
	const char *pin = NULL, *pos[1];
	const struct cli_opt opts[] = { { "--pin", &pin, NULL }, { NULL, NULL, NULL } };
	struct rl_undo undo = { .n = 0 };
	struct rl_load_opts lo = { 0 };
	struct rl_diag d = { "" };
	char pin_dir[PATH_MAX];
	struct cli_loaded l;
	int npos, rc = EXIT_USER;

	if (cli_parse_args("load", argc, argv, opts, pos, 1, 1, &npos))
		return EXIT_USAGE;
	cli_block_signals();
	if (cli_prepare_pin_dir(pin, pos[0], pin_dir, &undo) ||
	    cli_pin_dir_begin(pin_dir, RL_PENDING_LOAD, 0, &undo)) {
		rl_undo_run(&undo, NULL);
		return EXIT_USER;
	}
	lo.pin_dir = pin_dir;
	lo.verbose_log = cli->verbose;
	if (cli_load_object(pos[0], &l, &lo, cli)) {
		rl_undo_run(&undo, NULL);
		return EXIT_USER;
	}
	if (rl_object_pin(&l.obj, pin_dir, &d)) {
		cli_fail(pos[0], &d);
	} else if (cli_interrupted()) {
		fprintf(stderr, "rawload: interrupted: rolling back\n");
	} else {
		/* every pin stands: a load killed before this line leaves a marker,
		 * and the next command in this directory removes its partial pins */
		cli_pin_dir_commit(pin_dir, RL_PENDING_LOAD, 0);
		print_loaded(&l, pin_dir);
		rc = EXIT_OK;
	}
	if (rc != EXIT_OK) {
		rl_object_unpin_created(&l.obj);
		rl_undo_run(&undo, NULL);
	}
	rl_undo_forget(&undo);
	cli_unload_object(&l);
	return rc;
}
