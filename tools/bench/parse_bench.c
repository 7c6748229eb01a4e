/* parse_bench.c - time the pure half of the loader on objects of any size.
 *
 *   parse_bench [-t MS] OBJ...       rl_object_parse + rl_object_free, then
 *                                    rl_link_program for every program
 *   parse_bench --vmlinux [-t MS]    the kernel's BTF: read, rl_btf_parse,
 *                                    name index, lookups, and an unchecked
 *                                    walk (what CO-RE pays with no cache)
 *
 * Linked against the loader's pure objects (ELF, BTF, object model, linker):
 * no bpf(2), no root.  Each measurement repeats until MS milliseconds have
 * passed (at least 3 times) and reports the median repetition, so a cold
 * first run or a scheduler hiccup does not decide the figure.
 *
 * One line per object on stdout, for tools/bench/parser_scaling.sh:
 *   <file> progs <n> maps <n> relocs <n> btf_types <n> reps <n> parse_ns <n> link_ns <n>
 * and for --vmlinux:
 *   vmlinux bytes <n> types <n> read_calls <n> read_ns <n> parse_ns <n> index_ns <n>
 *   lookup_ns <n> reps <n> walk_ns <n>
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "btf.h"
#include "linker.h"
#include "object.h"

static double budget_ms = 300;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* read(2) until EOF, counting the calls: sysfs hands /sys/kernel/btf/vmlinux
 * out a page at a time however large the buffer (SPEC §6). */
static int read_all(const char *path, void **buf, size_t *len, int *nr_reads)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t cap = 1 << 20, n = 0;
	char *b = malloc(cap);
	ssize_t got;

	*nr_reads = 0;
	if (fd < 0 || !b) {
		fprintf(stderr, "parse_bench: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(b);
		return -1;
	}
	while ((got = read(fd, b + n, cap - n)) > 0) {
		n += (size_t)got;
		(*nr_reads)++;
		if (n == cap) {
			char *nb = realloc(b, cap * 2);

			if (!nb)
				break;
			b = nb;
			cap *= 2;
		}
	}
	close(fd);
	*buf = b;
	*len = n;
	return got < 0 ? -1 : 0;
}

/* One repetition of what we time; returns ns, or -1 on error. */
typedef long long (*rep_fn)(void *ctx);

static long long median_of(rep_fn fn, void *ctx, int *reps_out)
{
	static long long t[100000];
	long long start = now_ns(), v;
	int n = 0;

	while (n < 3 || (n < (int)(sizeof(t) / sizeof(t[0])) && now_ns() - start < budget_ms * 1e6)) {
		v = fn(ctx);
		if (v < 0)
			return -1;
		t[n++] = v;
	}
	qsort(t, n, sizeof(t[0]), cmp_ll);
	*reps_out = n;
	return t[n / 2];
}

struct obj_ctx {
	const char *path;
	void *bytes;
	size_t size;
	struct rl_object_spec spec;   /* kept parsed for the link step */
	int *map_fds;
};

static long long rep_parse(void *p)
{
	struct obj_ctx *c = p;
	struct rl_object_spec spec;
	struct rl_diag d = { "" };
	long long t0 = now_ns(), t1;

	if (rl_object_parse(&spec, c->path, c->bytes, c->size, &d)) {
		fprintf(stderr, "parse_bench: %s: %s\n", c->path, d.msg);
		return -1;
	}
	rl_object_free(&spec);
	t1 = now_ns();
	return t1 - t0;
}

static long long rep_link(void *p)
{
	struct obj_ctx *c = p;
	struct rl_diag d = { "" };
	long long t0 = now_ns();

	for (uint32_t i = 0; i < c->spec.nr_progs; i++) {
		struct rl_linked_prog lp;

		if (c->spec.progs[i].is_subprog)
			continue;
		if (rl_link_program(&c->spec, i, c->map_fds, NULL, &lp, &d)) {
			fprintf(stderr, "parse_bench: %s: link '%s': %s\n", c->path, c->spec.progs[i].name, d.msg);
			return -1;
		}
		rl_linked_prog_free(&lp);
	}
	return now_ns() - t0;
}

static int bench_object(const char *path)
{
	struct obj_ctx c = { .path = path };
	struct rl_diag d = { "" };
	long long parse_ns, link_ns;
	uint32_t relocs = 0, progs = 0;
	int reads, reps_p = 0, reps_l = 0, rc = -1;

	if (read_all(path, &c.bytes, &c.size, &reads))
		return -1;
	if (rl_object_parse(&c.spec, path, c.bytes, c.size, &d)) {
		fprintf(stderr, "parse_bench: %s: %s\n", path, d.msg);
		goto out_bytes;
	}
	c.map_fds = calloc(c.spec.nr_maps + 1, sizeof(int));
	for (uint32_t i = 0; c.map_fds && i < c.spec.nr_maps; i++)
		c.map_fds[i] = 100 + (int)i;  /* any numbers: nothing is loaded */
	for (uint32_t i = 0; i < c.spec.nr_progs; i++) {
		relocs += c.spec.progs[i].nr_relocs;
		progs += !c.spec.progs[i].is_subprog;
	}
	parse_ns = median_of(rep_parse, &c, &reps_p);
	link_ns = c.map_fds ? median_of(rep_link, &c, &reps_l) : -1;
	if (parse_ns >= 0 && link_ns >= 0) {
		printf("%s progs %u maps %u relocs %u btf_types %u reps %d parse_ns %lld link_ns %lld\n",
		       path, progs, c.spec.nr_maps, relocs, c.spec.has_btf ? c.spec.btf.nr_types - 1 : 0,
		       reps_p < reps_l ? reps_p : reps_l, parse_ns, link_ns);
		rc = 0;
	}
	free(c.map_fds);
	rl_object_free(&c.spec);
out_bytes:
	free(c.bytes);
	return rc;
}

/* ---- the kernel's BTF: what CO-RE costs before the first relocation ---- */

/* The least any reader must do to use BTF: size every record and remember
 * where it starts (record layouts from <linux/btf.h>), with no checks.  The
 * floor under rl_btf_parse for BTF the kernel has already validated. */
static long long walk_only(const void *bytes, size_t size, const struct btf_type **types)
{
	const struct btf_header *h = bytes;
	const uint8_t *p = (const uint8_t *)bytes + h->hdr_len + h->type_off;
	const uint8_t *end = p + h->type_len;
	long long t0 = now_ns();
	uint32_t id = 1;

	(void)size;
	while (p < end) {
		const struct btf_type *t = (const void *)p;
		uint32_t vlen = BTF_INFO_VLEN(t->info);
		size_t extra = 0;

		switch (BTF_INFO_KIND(t->info)) {
		case BTF_KIND_INT: case BTF_KIND_VAR: case BTF_KIND_DECL_TAG: extra = 4; break;
		case BTF_KIND_ARRAY: extra = sizeof(struct btf_array); break;
		case BTF_KIND_STRUCT: case BTF_KIND_UNION: extra = vlen * sizeof(struct btf_member); break;
		case BTF_KIND_ENUM: extra = vlen * sizeof(struct btf_enum); break;
		case BTF_KIND_FUNC_PROTO: extra = vlen * sizeof(struct btf_param); break;
		case BTF_KIND_DATASEC: extra = vlen * sizeof(struct btf_var_secinfo); break;
		case BTF_KIND_ENUM64: extra = vlen * sizeof(struct btf_enum64); break;
		default: break;
		}
		types[id++] = t;
		p += sizeof(*t) + extra;
	}
	return now_ns() - t0;
}

static long long median_ll(long long *v, int n)
{
	qsort(v, n, sizeof(v[0]), cmp_ll);
	return v[n / 2];
}

/* Each step timed separately, medians of up to 1000 repetitions. */
static int bench_vmlinux(void)
{
	static const char *const names[] = { "task_struct", "sk_buff", "xdp_md", "iphdr", "ethhdr",
					     "sock", "bpf_sock_ops", "sk_msg_md", "file", "inode" };
	static long long rd[1000], parse[1000], index[1000], lookup[1000], walk[1000];
	static const struct btf_type *types[1 << 20];
	const char *path = "/sys/kernel/btf/vmlinux";
	long long start = now_ns(), t0, t1, t2, t3;
	struct rl_diag d = { "" };
	uint32_t nr_types = 0, found = 0;
	int reads = 0, n = 0;
	size_t size = 0;

	while (n < 3 || (n < 1000 && now_ns() - start < budget_ms * 1e6)) {
		struct rl_btf btf;
		void *bytes;

		t0 = now_ns();
		if (read_all(path, &bytes, &size, &reads))
			return -1;
		t1 = now_ns();
		if (rl_btf_parse(&btf, bytes, size, false, &d)) {
			fprintf(stderr, "parse_bench: %s: %s\n", path, d.msg);
			free(bytes);
			return -1;
		}
		t2 = now_ns();
		walk[n] = btf.nr_types < (1 << 20) ? walk_only(bytes, size, types) : 0;
		t2 = now_ns();
		found += rl_btf_find_by_name_kind(&btf, "task_struct", BTF_KIND_STRUCT) != 0;
		t3 = now_ns();
		rd[n] = t1 - t0;
		parse[n] = t2 - t1;
		index[n] = t3 - t2;
		for (int r = 0; r < 100; r++)
			for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
				found += rl_btf_find_by_name_kind(&btf, names[i], BTF_KIND_STRUCT) != 0;
		lookup[n] = (now_ns() - t3) / 1000;
		nr_types = btf.nr_types - 1;
		rl_btf_free(&btf);
		free(bytes);
		n++;
	}
	if (!found)
		return -1;
	printf("vmlinux bytes %zu types %u read_calls %d read_ns %lld parse_ns %lld index_ns %lld "
	       "lookup_ns %lld reps %d walk_ns %lld\n", size, nr_types, reads, median_ll(rd, n),
	       median_ll(parse, n), median_ll(index, n), median_ll(lookup, n), n, median_ll(walk, n));
	return 0;
}

int main(int argc, char **argv)
{
	int rc = 0, i = 1;
	int vmlinux = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-t") && i + 1 < argc)
			budget_ms = atof(argv[++i]);
		else if (!strcmp(argv[i], "--vmlinux"))
			vmlinux = 1;
		else {
			fprintf(stderr, "usage: parse_bench [-t MS] OBJ... | parse_bench --vmlinux [-t MS]\n");
			return 2;
		}
	}
	if (vmlinux)
		return bench_vmlinux() ? 1 : 0;
	for (; i < argc; i++)
		rc |= bench_object(argv[i]) ? 1 : 0;
	return rc;
}
