/* cli.h - what the subcommands share: global flags, output helpers.
 *
 * The CLI is the only layer that prints or exits.  Every subcommand is a
 * function `int cmd_x(int argc, char **argv, struct cli *cli)` returning the
 * process exit status: 0 success, 1 user error (bad object, refused by the
 * kernel), 2 usage error.
 */
#ifndef RL_CLI_H
#define RL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <stdint.h>

#include "diag.h"
#include "load.h"
#include "bpf_objects.h"
#include "holders.h"
#include "pin_dir.h"
#include "pending.h"
#include "object.h"
#include "xdp_attach.h"

enum { EXIT_OK = 0, EXIT_USER = 1, EXIT_USAGE = 2 };

struct cli {
	bool explain;   /* --explain: narrate each kernel interaction */
	bool verbose;   /* -v: full verifier log, instructions before/after relocation */
	bool json;      /* --json: machine-readable output */
};

struct cli_cmd {
	const char *name;
	int (*run)(int argc, char **argv, struct cli *cli);
};

/* usage.c: every command's usage lines, for `rawload --help` and errors */
void cli_usage(FILE *f);

/* one line on stderr: "rawload: <what>: <diag>" and return EXIT_USER */
int cli_fail(const char *what, const struct rl_diag *d);
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool cli_wants_help(int argc, char **argv);
int cli_print_help(const char *cmd);

/* Read a whole file (at most 1 GiB) into a malloc'd buffer. */
int cli_read_file(const char *path, void **bytes, size_t *size, struct rl_diag *d);

/* "--name VALUE" (value != NULL) or "--name" (flag != NULL) */
struct cli_opt {
	const char *name;
	const char **value;
	bool *flag;
};
/* Returns 0, or EXIT_USAGE after printing the usage error. */
int cli_parse_args(const char *cmd, int argc, char **argv, const struct cli_opt *opts,
		   const char **pos, int min_pos, int max_pos, int *npos);

/* "--id N": a kernel object id, 1 .. UINT32_MAX.  0 or -EINVAL. */
int cli_parse_id(const char *s, uint32_t *id);

/* JSON string output with escaping */
void json_str(FILE *f, const char *s);
/* inspect_externs.c: the object's externs and how each resolves (human table,
 * or the elements of a JSON array) */
void cli_print_externs(const struct rl_object_spec *obj, bool json);

/* read + parse; prints "rawload: PATH: reason" itself on failure */
int cli_open_object(const char *path, void **bytes, struct rl_object_spec *obj);

/* An object file, parsed and loaded: the three lifetimes in one place. */
struct cli_loaded {
	const char *path;            /* as given on the command line */
	void *bytes;                 /* the file; the spec points into it */
	struct rl_object_spec spec;
	struct rl_object obj;        /* fds */
	bool loaded;
};
/* read, parse, load; on failure prints the error (+ verifier log tail) and
 * returns EXIT_USER with nothing left open in the kernel */
int cli_load_object(const char *path, struct cli_loaded *l, const struct rl_load_opts *opts,
		    const struct cli *cli);
/* the same in two steps, so a command can check the object model (does it
 * have the program asked for?) before anything is created in the kernel */
int cli_parse_object(const char *path, struct cli_loaded *l);
int cli_load_parsed(struct cli_loaded *l, const struct rl_load_opts *opts, const struct cli *cli);
void cli_unload_object(struct cli_loaded *l);
void cli_print_verifier_log(const struct rl_object *o, const struct cli *cli);

struct rl_undo;
/* --pin DIR or /sys/fs/bpf/rawload/<object name>: bpffs mounted if absent,
 * DIR checked to be on bpffs, created 0700 (pushed on `undo` if created). */
int cli_prepare_pin_dir(const char *pin, const char *obj_path, char out[4096], struct rl_undo *undo);

/* Crash safety (loader/lifecycle/pending.h).  cli_prepare_pin_dir takes the
 * directory's lock for the rest of the process (another command there gets
 * a clear refusal) and first finishes or undoes what a dead command left in
 * it.  An attach or detach marks the directory before its kernel change
 * (begin) and unmarks it once the change is recorded by the pins (commit). */
struct rl_recovery;
int cli_lock_pin_dir(const char *dir, bool quiet);
int cli_pin_dir_begin(const char *dir, enum rl_pending_kind kind, int ifindex, struct rl_undo *undo);
int cli_pin_dir_commit(const char *dir, enum rl_pending_kind kind, int ifindex);
void cli_report_recovery(const char *dir, const struct rl_recovery *r);
/* detach: recover dead commands' directories under --pin DIR or <bpffs>/rawload
 * marked for this kind (and device); how many were recovered */
int cli_recover_dead(const char *pin, enum rl_pending_kind kind, int ifindex);

/* block SIGINT/SIGTERM/SIGHUP; poll for them between steps */
void cli_block_signals(void);
bool cli_interrupted(void);

size_t cli_packet_icmp_echo_reply(uint8_t *buf, size_t cap);
size_t cli_packet_tcp_syn(uint8_t *buf, size_t cap);

/* After a detach, with our own fds closed: "program id N freed", or that it
 * still exists after 2 s and its holders (cmd_detach.c). */
void cli_watch_freed(uint32_t id, bool is_map, const char *name);

/* The holders of an object and what would free it: as text, "held by: ..."
 * one holder a line then "freed when: ...", every line starting with indent;
 * as JSON, the members ,"holders":[{"kind":..,"text":..[,"path":..]}],"freed_when":".."
 * (show DEV, show --pin and show --cgroup all print them this way). */
void cli_print_holders(uint32_t id, bool is_map, bool json, const char *indent);

/* Provided by the sockops command (tools/cli/cmd_sockops.c); weak
 * placeholders keep the build whole until it exists. */
int cli_detach_sockops(int argc, char **argv, struct cli *cli);
int cli_show_cgroup(const char *path, struct cli *cli);
/* The cgroup for sockops/detach sockops: arg (--cgroup) when given, else
 * SPEC §1's default (the cgroup rawload runs in; the v2 root only when it
 * runs there), announced on stderr.  0 or EXIT_USER after printing why. */
int cli_sockops_cgroup(const char *arg, char out[PATH_MAX], const char *cmd);

/* cmd_detach.c, shared with detach_tc.c: the pin directory of program id
 * (--pin DIR or found under <bpffs>/rawload), read with every entry opened:
 * 1 found, 0 not pinned there, -1 after printing why; and removing what
 * it holds of the program and its maps (0 or EXIT_USER). */
int cli_find_pin_dir(const char *dev, const char *pin, uint32_t id, struct rl_pin_dir *pd);
int cli_unpin_object(struct rl_pin_dir *pd, uint32_t prog_id, const uint32_t *map_ids, int nmaps);

/* xdp_steps.c, shared by cmd_xdp.c and xdp_pinned.c: --mode's word; the netlink attach
 * (refusals said in one line naming who holds the device) and the XDP link
 * pinned at pin_dir/link_xdp.  0 or EXIT_USER after printing why; each
 * pushes its undo. */
int cli_xdp_parse_mode(const char *s, enum rl_xdp_mode *mode);
int cli_xdp_attach_nl(int prog_fd, const char *prog_name, const char *dev, int ifindex,
		      enum rl_xdp_mode mode, bool replace, struct rl_undo *undo);
int cli_xdp_attach_link(int prog_fd, const char *prog_name, const char *dev, int ifindex,
			enum rl_xdp_mode mode, const char *pin_dir, struct rl_undo *undo, int *link_fd,
			uint32_t *link_id);
/* xdp_pinned.c: a pin of program id on bpffs that is not an XDP attach's
 * record (id:N given on the command line): true and its path in out. */
bool cli_prog_pinned_at(uint32_t id, char out[PATH_MAX]);
/* xdp_pinned.c: `rawload xdp --pinned REF DEV ...`, a program already loaded.
 * Its attach is recorded in PARENT/xdp_<ifindex> (CLI_XDP_RECORD), which
 * `rawload detach xdp DEV` looks for first. */
#define CLI_XDP_RECORD "xdp_"
int cli_xdp_pinned(const char *ref, const char *dev, const char *mode_s, bool link, bool replace,
		   const char *pin);

/* links_show.c: `rawload show --links`, every BPF link like `bpftool link list` */
int cli_show_links(const struct cli *cli);

/* tools/cli/detach_tc.c */
int cli_detach_tc(int argc, char **argv, struct cli *cli);

/* trace_print.c: one ring buffer record, field by field, with BTF type
 * type_id of btf; a line on f */
void cli_print_record(FILE *f, const struct rl_btf *btf, uint32_t type_id, const void *rec,
		      uint32_t len);

int cmd_tc(int argc, char **argv, struct cli *cli);
int cmd_trace(int argc, char **argv, struct cli *cli);
int cmd_inspect(int argc, char **argv, struct cli *cli);
int cmd_run(int argc, char **argv, struct cli *cli);
int cmd_xdp(int argc, char **argv, struct cli *cli);
int cmd_load(int argc, char **argv, struct cli *cli);
int cmd_sockops(int argc, char **argv, struct cli *cli);
int cmd_detach(int argc, char **argv, struct cli *cli);
int cmd_show(int argc, char **argv, struct cli *cli);

#endif
