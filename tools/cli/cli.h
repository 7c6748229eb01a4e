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
#include "object.h"

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

static inline bool cli_id_in(uint32_t id, const uint32_t *ids, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		if (ids[i] == id)
			return true;
	return false;
}

/* "--id N": a kernel object id, 1 .. UINT32_MAX.  0 or -EINVAL. */
int cli_parse_id(const char *s, uint32_t *id);

/* JSON string output with escaping */
void json_str(FILE *f, const char *s);

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

/* block SIGINT/SIGTERM/SIGHUP; poll for them between steps */
void cli_block_signals(void);
bool cli_interrupted(void);

size_t cli_packet_icmp_echo_reply(uint8_t *buf, size_t cap);
size_t cli_packet_tcp_syn(uint8_t *buf, size_t cap);

/* ---- bpfobj.c: what a BPF fd or pin is; when an id is gone ----------- */
enum cli_obj_kind { CLI_OBJ_UNKNOWN, CLI_OBJ_PROG, CLI_OBJ_MAP, CLI_OBJ_LINK };

/* What BPF_OBJ_GET_INFO_BY_FD says about any object, kind-independent. */
struct cli_obj {
	enum cli_obj_kind kind;
	uint32_t id;
	uint32_t type;                  /* prog, map or link type */
	char name[16];                  /* BPF_OBJ_NAME_LEN; "" for links */
};

/* The kernel names the anon inode behind a BPF fd "bpf-prog", "bpf-map" or
 * "bpf-link": readlink(/proc/self/fd/N) tells the kinds apart. */
enum cli_obj_kind cli_fd_kind(int fd);
const char *cli_obj_kind_name(enum cli_obj_kind k);     /* "program", "map", "link" */
/* Fill o from an fd of any kind.  0 or -errno. */
int cli_obj_describe(int fd, struct cli_obj *o);
/* BPF_OBJ_GET_INFO_BY_FD for a program, twice: once for the counts, then
 * with room for up to max map ids.  Returns the number of maps the program
 * uses (may exceed max) or -errno.  info->map_ids points at map_ids after. */
int cli_prog_info(int fd, struct bpf_prog_info *info, uint32_t *map_ids, uint32_t max);
/* BPF_OBJ_GET + cli_obj_describe.  Returns the fd (caller closes) or -errno
 * with a reason in d. */
int cli_pin_open(const char *path, struct cli_obj *o, struct rl_diag *d);

/* The bpffs mount (no mount is made) / "<bpffs>/rawload", rawload's default
 * pin root.  0, or -ENOENT when no bpffs is mounted. */
int cli_bpffs_root(char out[PATH_MAX]);
int cli_pin_root(char out[PATH_MAX]);

/* Call fn for every entry under dir that is not a directory, in name order,
 * descending max_depth levels of subdirectories.  fn returns 0 to go on,
 * anything else stops the walk and is returned.  -errno if dir cannot be read. */
typedef int (*cli_pin_fn)(void *ctx, const char *path);
int cli_pin_walk(const char *dir, int max_depth, cli_pin_fn fn, void *ctx);

/* The pins under root (NULL: <bpffs>/rawload; searched 6 levels deep) of
 * the program `id` (the map `id` when is_map).  Writes up to max paths and
 * returns how many were found (may exceed max), or -errno. */
int cli_find_pins_for_id(const char *root, uint32_t id, bool is_map, char paths[][PATH_MAX], int max);

/* Poll until program (map) `id` no longer exists, up to timeout_ms: the
 * kernel frees after the last reference goes, programs' maps only after an
 * RCU grace period.  0 when gone, -EEXIST when still there. */
int cli_wait_freed(uint32_t id, bool is_map, int timeout_ms);

/* A pin directory as detach reads it (pins.c): opened by an O_NOFOLLOW
 * walk, each entry classified with fstatat(AT_SYMLINK_NOFOLLOW), each pin
 * opened with BPF_OBJ_GET through the directory fd.  A symbolic link is
 * listed as one and never followed. */
#define CLI_PIN_DIR_MAX 64
enum cli_pin_what { CLI_PIN_OBJ, CLI_PIN_LINK, CLI_PIN_SUBDIR, CLI_PIN_OTHER };
struct cli_pin_entry {
	char name[256];
	char path[PATH_MAX];            /* DIR/name, for messages */
	enum cli_pin_what what;
	int fd;                         /* CLI_PIN_OBJ opened: BPF_OBJ_GET's fd, else -1 */
	struct cli_obj o;               /* kind, id, type, name when opened */
	int err;                        /* -errno when it could not be looked at / opened */
	char why[256];
};
struct cli_pin_dir {
	char path[PATH_MAX];
	int dfd;
	struct cli_pin_entry e[CLI_PIN_DIR_MAX];   /* in name order */
	int n;
};
/* 0 or -errno (no such directory, a link in its path, too many entries). An
 * entry that cannot be opened stays listed with err set: see _check. */
int cli_pin_dir_read(struct cli_pin_dir *pd, const char *dir, struct rl_diag *d);
/* -errno and "cannot open pin 'P': ..." for the first entry with err set. */
int cli_pin_dir_check(const struct cli_pin_dir *pd, struct rl_diag *d);
int cli_pin_dir_unlink(struct cli_pin_dir *pd, int i, struct rl_diag *d);
void cli_pin_dir_close_fds(struct cli_pin_dir *pd);   /* the entries' fds */
void cli_pin_dir_release(struct cli_pin_dir *pd);     /* those and the dir fd */

/* After a detach, with our own fds closed: "program id N freed", or that it
 * still exists after 2 s and its holders (cmd_detach.c). */
void cli_watch_freed(uint32_t id, bool is_map, const char *name);

/* ---- holders.c: who keeps a BPF object alive -------------------------
 *
 * A program or map lives while its reference count is above zero.  Each of
 * these holds one: an open fd (in any process), a pin in bpffs, a netdev's
 * XDP slot, a cgroup attachment, a sockmap attachment, a prog-array slot
 * (programs), a program that uses it or an outer map's slot (maps).  The
 * kernel keeps no list of holders; we find them by looking everywhere the
 * kernel lets us look.  Not searched: BPF links, tc filters, perf events.
 */
enum cli_holder_kind {
	CLI_HOLD_PIN,         /* path: a pin anywhere on the bpffs mount */
	CLI_HOLD_XDP,         /* path: device name, ifindex, slot: enum rl_xdp_mode */
	CLI_HOLD_CGROUP,      /* path: cgroup directory, slot: attach type */
	CLI_HOLD_SOCKMAP,     /* id/name: the sockmap/sockhash, slot: attach type */
	CLI_HOLD_PROG_ARRAY,  /* id/name: the prog array, slot: its index */
	CLI_HOLD_OUTER_MAP,   /* id/name: array/hash of maps holding this map */
	CLI_HOLD_PROG_USES,   /* id/name: a program that uses this map */
	CLI_HOLD_FD,          /* pid, fd, name: the process's comm */
};

struct cli_holder {
	enum cli_holder_kind kind;
	uint32_t id;                    /* the holding program or map */
	uint32_t slot;
	int ifindex, pid, fd;
	char name[16];
	char path[PATH_MAX];
};

/* Every holder of program `id` (map `id` when is_map) that can be seen from
 * here: pins on the bpffs mount, XDP slots of this network namespace's
 * devices, cgroup v2 attachments (sock_ops, skb, sock, device), sockmap
 * attachments, prog-array slots, outer maps, programs using a map and open
 * fds of other processes.  Writes up to max; returns the number written or
 * -errno (-ENOENT: no such object). */
int cli_find_holders(uint32_t id, bool is_map, struct cli_holder *out, int max);

/* "pin /sys/fs/bpf/x/prog", "XDP slot of veth-b (native mode)", ... */
void cli_holder_text(const struct cli_holder *h, char *buf, size_t len);
/* What makes this holder let go: "detach xdp veth-b", "unpin PATH", ... */
void cli_holder_release(const struct cli_holder *h, char *buf, size_t len);
/* "detach xdp veth-b + unpin PATH": every holder's release, joined. */
void cli_freed_when(const struct cli_holder *h, int n, char *buf, size_t len);

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

int cmd_inspect(int argc, char **argv, struct cli *cli);
int cmd_run(int argc, char **argv, struct cli *cli);
int cmd_xdp(int argc, char **argv, struct cli *cli);
int cmd_load(int argc, char **argv, struct cli *cli);
int cmd_sockops(int argc, char **argv, struct cli *cli);
int cmd_detach(int argc, char **argv, struct cli *cli);
int cmd_show(int argc, char **argv, struct cli *cli);

#endif
