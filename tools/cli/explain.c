/* explain.c - `rawload --explain`: every kernel interaction, numbered and
 * told as it happens.
 *
 * Two hooks carry the story out of the library, which never prints:
 *
 *   loader/kernel/sys_bpf.c   rl_sys_set_observer()  after every bpf(2) call
 *   netlink/xdp_attach.c rl_nl_set_observer()   after every netlink exchange
 *
 * and two pure formatters turn what they see into a whole numbered step:
 * rl_explain_bpf_step() (loader/explain/explain_bpf.c) and rl_nl_explain_step()
 * (netlink/xdp_explain.c), whose text tests/unit/test_explain.c holds as a
 * golden sequence.  This file only adds what a formatter cannot know: what
 * an fd *is* (from /proc/self/fd and /proc/self/fdinfo), which driver a
 * device has, and the step counter.
 *
 * Where it prints: stdout, one flush per step, so the narration lands in
 * order between the command's own lines; with --json, stderr, so the JSON
 * document stays clean.  Errors are printed as always (stderr, one line)
 * by the subcommand; a failed step is narrated with its errno here too.
 *
 * Two rules keep the observer honest:
 *   - No bpf(2) from inside the observer.  sys_bpf() counts a call
 *     (sys.calls++, and the fault-injection countdown) *before* the
 *     observer runs, so a call of our own would be counted as one of the
 *     loader's and could consume a fault armed for the loader (RAWLOAD_FAULT
 *     "N:ERRNO" must fail the loader's Nth call, with or without --explain).
 *     It would also re-enter the observer.  Object ids therefore come from
 *     /proc/self/fdinfo (prog_id, map_id, btf_id), which needs no bpf(2).
 *   - A `busy` flag ignores calls made while a step is being told, should a
 *     describer ever grow one.
 */
#include "core.h"
#include "explain.h"
#include "externs.h"
#include "explain_bpf.h"
#include "insn_dump.h"
#include "sys_bpf.h"
#include "xdp_explain.h"
#include "xdp_attach.h"

#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <libmnl/libmnl.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/magic.h>
#include <linux/rtnetlink.h>
#include <linux/sockios.h>

static struct {
	bool explain;                   /* --explain (else -v alone: CO-RE lines only) */
	bool verbose;
	FILE *out;
	unsigned step;
	bool busy;
	unsigned core_step;             /* the step after which CO-RE was last told */
	const struct rl_object_spec *core_obj;
	const void *listed_insns;       /* the last instruction listing shown */
	uint32_t listed_cnt;
	unsigned listed_step;           /* the step that sent it last */
	unsigned listed_origin;         /* the step whose listing shows it */
} ex;

/* ---- what an fd is ------------------------------------------------------- */

/* One "key:\tvalue" line of /proc/self/fdinfo/FD (bpf_prog_show_fdinfo,
 * bpf_map_show_fdinfo, bpf_btf_show_fdinfo and bpf_link_show_fdinfo write
 * them): the value without its leading tab. */
static bool fdinfo_str(int fd, const char *key, char *val, size_t len)
{
	char path[64], buf[2048];
	size_t klen = strlen(key);
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return false;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	for (char *line = buf; line;) {
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			line += klen + 1 + strspn(line + klen + 1, " \t");
			snprintf(val, len, "%.*s", (int)strcspn(line, "\n"), line);
			return true;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return false;
}

static bool fdinfo_u32(int fd, const char *key, uint32_t *val)
{
	char text[32];

	if (!fdinfo_str(fd, key, text, sizeof(text)))
		return false;
	*val = (uint32_t)strtoul(text, NULL, 0);
	return true;
}

static void describe_path(int fd, const char *target, char *out, size_t len)
{
	struct statfs sfs;
	long type = fstatfs(fd, &sfs) == 0 ? (long)sfs.f_type : 0;

	if (type == CGROUP2_SUPER_MAGIC)
		snprintf(out, len, "cgroup v2 directory %s", target);
	else if (type == CGROUP_SUPER_MAGIC)
		snprintf(out, len, "cgroup v1 directory %s (BPF attaches to v2 only)", target);
	else
		snprintf(out, len, "%s", target);
}

/* An fd that appears "from nowhere": the lowest other fd of ours naming the
 * same map (load_maps.c dups a map shared by name between objects), or -1. */
static int dup_of(int fd, uint32_t map_id)
{
	char link[64], target[32];
	uint32_t id;

	for (int other = 3; other < fd; other++) {
		ssize_t n;

		snprintf(link, sizeof(link), "/proc/self/fd/%d", other);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = '\0';
		if (!strcmp(target, "anon_inode:bpf-map") && fdinfo_u32(other, "map_id", &id) && id == map_id)
			return other;
	}
	return -1;
}

static bool describe_fd(void *ctx, int fd, char *out, size_t len)
{
	char link[64], target[PATH_MAX];
	uint32_t id = 0, type = 0;
	ssize_t n;

	(void)ctx;
	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return false;           /* closed already, or not ours */
	target[n] = '\0';
	/* anon_inode_getfd() names: "bpf-prog", "bpf-map", "btf", "bpf-link"/"bpf_link" */
	if (!strcmp(target, "anon_inode:bpf-prog") && fdinfo_u32(fd, "prog_id", &id)) {
		fdinfo_u32(fd, "prog_type", &type);
		snprintf(out, len, "prog id %u (%s)", id, rl_prog_type_name(type));
	} else if (!strcmp(target, "anon_inode:bpf-map") && fdinfo_u32(fd, "map_id", &id)) {
		int orig = dup_of(fd, id);

		fdinfo_u32(fd, "map_type", &type);
		if (orig >= 0)
			snprintf(out, len, "map id %u (%s), a dup of fd %d: one map shared by name between the"
				 " objects (fcntl F_DUPFD_CLOEXEC, no bpf(2) call)", id, rl_map_type_name(type), orig);
		else
			snprintf(out, len, "map id %u (%s)", id, rl_map_type_name(type));
	} else if (!strcmp(target, "anon_inode:btf") && fdinfo_u32(fd, "btf_id", &id)) {
		snprintf(out, len, "btf id %u", id);
	} else if (!strncmp(target, "anon_inode:bpf", 14) && fdinfo_u32(fd, "link_id", &id)) {
		char type[32];

		if (fdinfo_str(fd, "link_type", type, sizeof(type)))
			snprintf(out, len, "link id %u (%s)", id, type);
		else
			snprintf(out, len, "link id %u", id);
	} else if (target[0] == '/') {
		describe_path(fd, target, out, len);
	} else {
		snprintf(out, len, "%s", target);
	}
	return true;
}

static bool map_shape(void *ctx, int fd, uint32_t *type, uint32_t *ksize, uint32_t *vsize)
{
	(void)ctx;
	return fdinfo_u32(fd, "map_type", type) && fdinfo_u32(fd, "key_size", ksize) &&
	       fdinfo_u32(fd, "value_size", vsize);
}

static bool driver_name(int ifindex, char *out, size_t len);

/* BPF_LINK_CREATE for XDP names the device and its driver's ndo_bpf. */
static bool describe_ifindex(void *ctx, uint32_t ifindex, char name[16], char driver[32])
{
	(void)ctx;
	if (!if_indextoname(ifindex, name))
		return false;
	if (!driver_name((int)ifindex, driver, 32))
		driver[0] = '\0';
	return true;
}

static const struct rl_explain_fd_ops fd_ops = { describe_fd, map_shape, NULL, describe_ifindex };

/* ---- printing --------------------------------------------------------------- */

/* Print text with every line indented. */
static void print_indented(const char *text, const char *indent)
{
	for (const char *p = text; *p;) {
		const char *nl = strchr(p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen(p);

		fprintf(ex.out, "%s%.*s\n", indent, (int)n, p);
		p += n + (nl ? 1 : 0);
	}
}

/* The pure formatters return the length they need, snprintf-style: render
 * into 16 KiB and, if that was cut, once more into exactly enough. */
typedef size_t (*render_fn)(char *out, size_t len, const void *arg);

static char *render(render_fn fn, const void *arg)
{
	size_t cap = 16384, need;
	char *buf = malloc(cap);

	if (!buf)
		return NULL;
	need = fn(buf, cap, arg);
	if (need >= cap) {
		free(buf);
		buf = malloc(need + 1);
		if (buf)
			fn(buf, need + 1, arg);
	}
	return buf;
}

struct insn_list { const struct bpf_insn *insns; uint32_t cnt; };
struct bpf_call { unsigned step; int cmd; const union bpf_attr *attr; long result; int err; };

static size_t render_insns(char *out, size_t len, const void *arg)
{
	const struct insn_list *l = arg;

	return rl_insn_dump(out, len, l->insns, l->cnt);
}

static size_t render_bpf_call(char *out, size_t len, const void *arg)
{
	const struct bpf_call *c = arg;

	return rl_explain_bpf_step(out, len, c->step, c->cmd, c->attr, c->result, c->err, &fd_ops);
}

static size_t render_nl_step(char *out, size_t len, const void *arg)
{
	return rl_nl_explain_step(out, len, arg);
}

static void list_insns(const char *title, const struct bpf_insn *insns, uint32_t cnt)
{
	struct insn_list l = { insns, cnt };
	char *text = render(render_insns, &l);

	fprintf(ex.out, "  %s\n", title);
	if (text)
		print_indented(text, "    ");
	free(text);
}

/* -v: what the kernel receives, after linking and relocation. */
static void list_sent_insns(const union bpf_attr *a)
{
	const struct bpf_insn *insns = (const struct bpf_insn *)(uintptr_t)a->insns;

	if (!insns || !a->insn_cnt)
		return;
	/* a retry (the verifier log asked for after a refusal, or a bigger
	 * buffer) sends the same buffer in the very next call: list it once */
	if (insns == ex.listed_insns && a->insn_cnt == ex.listed_cnt && ex.listed_step + 1 == ex.step) {
		fprintf(ex.out, "  %-16s the same %u as in step %u\n", "instructions", a->insn_cnt,
			ex.listed_origin);
		ex.listed_step = ex.step;
		return;
	}
	list_insns("instructions as sent (after relocation: subprograms appended, calls and map fds patched):",
		   insns, a->insn_cnt);
	ex.listed_insns = insns;
	ex.listed_cnt = a->insn_cnt;
	ex.listed_step = ex.listed_origin = ex.step;
}

/* ---- the bpf(2) observer --------------------------------------------------- */

static void on_bpf_call(void *ctx, int cmd, const union bpf_attr *a, long result, int err)
{
	struct bpf_call c = { 0, cmd, a, result, err };
	char *text;

	(void)ctx;
	if (ex.busy)
		return;
	ex.busy = true;
	c.step = ++ex.step;
	text = render(render_bpf_call, &c);
	fputs(text ? text : "\n(out of memory)\n", ex.out);
	free(text);
	if (rl_sys_last_call_injected())
		fprintf(ex.out, "  %-16s injected by the fault hook (RAWLOAD_FAULT): the kernel never saw this call\n",
			"note");
	if (cmd == BPF_PROG_LOAD && ex.verbose)
		list_sent_insns(a);
	fflush(ex.out);
	ex.busy = false;
}

/* ---- the netlink observer --------------------------------------------------- */

/* The driver behind ifindex (ETHTOOL_GDRVINFO, what `ethtool -i` prints). */
static bool driver_name(int ifindex, char *out, size_t len)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { 0 };
	int s, r;

	if (!if_indextoname((unsigned)ifindex, ifr.ifr_name))
		return false;
	ifr.ifr_data = (void *)&info;
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return false;
	r = ioctl(s, SIOCETHTOOL, &ifr);
	close(s);
	if (r < 0)
		return false;
	snprintf(out, len, "%s", info.driver);
	return true;
}

static void on_nl_message(void *ctx, const struct nlmsghdr *req, const struct nlmsghdr *reply,
			  int result)
{
	struct rl_nl_step st = { 0, req, reply, result, NULL, ex.verbose };
	const struct ifinfomsg *ifi = mnl_nlmsg_get_payload(req);
	char drv[32], *text;

	(void)ctx;
	if (ex.busy)
		return;
	ex.busy = true;
	st.step = ++ex.step;
	/* which driver's ndo_bpf an attach enters: only this process can ask */
	if (req->nlmsg_type == RTM_SETLINK && req->nlmsg_len >= NLMSG_LENGTH(sizeof(*ifi)) &&
	    driver_name(ifi->ifi_index, drv, sizeof(drv)))
		st.driver = drv;
	text = render(render_nl_step, &st);
	fputs(text ? text : "\n(out of memory)\n", ex.out);
	free(text);
	fflush(ex.out);
	ex.busy = false;
}

/* ---- -v: instructions before relocation --------------------------------------- */

static void on_linked(void *ctx, const struct rl_prog *p, const struct bpf_insn *insns, uint32_t cnt)
{
	const struct rl_prog_spec *s = p->spec;

	(void)ctx;
	(void)insns;
	fprintf(ex.out, "\nprogram '%s' (section '%s'): %u instructions as the ELF section holds them\n",
		s->name, s->sec_name, s->insn_cnt);
	list_insns("before relocation (as the compiler left them):", s->insns, s->insn_cnt);
	if (cnt != s->insn_cnt)
		fprintf(ex.out, "  linking appended %u instructions of subprograms: %u in all\n",
			cnt - s->insn_cnt, cnt);
	fflush(ex.out);
}

/* Externs are resolved in user space too: the kernel sees a map value
 * load, a BTF id or an address, never the name.  Told before the steps. */
void cli_explain_externs(const struct cli *cli, const struct rl_object_spec *spec)
{
	char (*txt)[RL_EXTERN_TEXT];

	if (!cli->explain || !spec->nr_externs)
		return;
	txt = calloc(spec->nr_externs, sizeof(*txt));
	if (!txt || rl_externs_describe(spec, txt)) {
		free(txt);
		return;
	}
	fprintf(ex.out, "  externs of %s: resolved by rawload before BPF_PROG_LOAD (the kernel never sees their names)\n",
		spec->name);
	for (uint32_t i = 0; i < spec->nr_externs; i++)
		fprintf(ex.out, "    %-24s %-16s %s\n", spec->externs[i].name,
			rl_extern_kind_name(spec->externs[i].kind), txt[i]);
	if (spec->kconfig_map >= 0)
		fprintf(ex.out, "    (.kconfig values go into a read-only map '.kconfig' of %u bytes the object has no section for)\n",
			spec->maps[spec->kconfig_map].value_size);
	free(txt);
}

void cli_explain_load_opts(const struct cli *cli, struct rl_load_opts *opts)
{
	if (cli->explain && cli->verbose && !opts->on_linked) {
		opts->on_linked = on_linked;
		opts->ctx = NULL;
	}
}

/* CO-RE is resolved in user space, before BPF_PROG_LOAD: no kernel call to
 * narrate, but the decision is the lesson - which local field, which kernel
 * candidate, and the value patched into the instruction.  Each record is
 * resolved (and told) once per object, however many programs use it.
 *   --explain   a heading, then one indented line per record, between steps
 *   -v alone    one line per record on stderr, beside the verifier's log:
 *               "OBJ: CO-RE relocation #N (kind local.access, ...): target
 *               [id] in vmlinux: old -> new" */
static void on_core_resolved(void *ctx, const struct rl_object_spec *obj, uint32_t nr,
			     const struct bpf_core_relo *relo, const struct rl_core_res *res)
{
	char what[256], outcome[256];

	(void)ctx;
	rl_core_relo_str(&obj->btf, relo, nr, what, sizeof(what));
	rl_core_res_str(res, relo->kind, outcome, sizeof(outcome));
	if (!ex.explain) {
		fprintf(ex.out, "%s: %s: %s\n", obj->name, what, outcome);
		return;
	}
	if (ex.core_obj != obj || ex.core_step != ex.step || !ex.step)
		fprintf(ex.out, "\nCO-RE of '%s', resolved in user space before BPF_PROG_LOAD (no kernel call:"
			" the kernel sees only the patched instructions)\n", obj->name);
	ex.core_obj = obj;
	ex.core_step = ex.step;
	fprintf(ex.out, "    %s: %s\n", what, outcome);
	fflush(ex.out);
}

void cli_explain_install(const struct cli *cli)
{
	static const struct rl_sys_observer sys_obs = { on_bpf_call, NULL };
	static const struct rl_nl_observer nl_obs = { on_nl_message, NULL };
	static const struct rl_core_observer core_obs = { on_core_resolved, NULL };

	if (!cli->explain && !cli->verbose)
		return;
	ex.explain = cli->explain;
	ex.verbose = cli->verbose;
	/* the narration on stdout between the command's own lines; -v's CO-RE
	 * lines, like the verifier log it prints, on stderr; --json keeps
	 * stdout for the document */
	ex.out = cli->explain && !cli->json ? stdout : stderr;
	rl_core_set_observer(&core_obs);
	if (!cli->explain)
		return;
	rl_sys_set_observer(&sys_obs);
	rl_nl_set_observer(&nl_obs);
}
