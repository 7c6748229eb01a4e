/* kernel_btf_mod.c - kernel modules' BTF, for types vmlinux does not have.
 *
 * A module's /sys/kernel/btf/<module> is *split* BTF: it describes only the
 * module's own types and continues vmlinux's numbering:
 *
 *   vmlinux:   ids 1 .. N          strings at offsets 0 .. S-1
 *   module:    ids N+1 .. N+M      strings at offsets S .. S+T-1
 *              (its types may refer to any id 1 .. N+M)
 *
 * btf.c reads standalone BTF only, so a module is made standalone by
 * concatenation (rl_kernel_btf_merge_split): vmlinux's types then the
 * module's, vmlinux's strings then the module's.  Every id and string
 * offset keeps its meaning, and the same reader, lookups and resolver work
 * unchanged.  It costs a copy of vmlinux and a parse per module, so it is
 * paid only when vmlinux has no candidate for a name (libbpf's rule too) and
 * only for modules whose own strings contain that name.
 *
 * RAWLOAD_MODULE_BTF_DIR replaces /sys/kernel/btf as the place modules are
 * listed from (tests use it: most test machines have no module BTF).
 */
#include "kernel_btf.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>
#include <unistd.h>

/* Read exactly size bytes of a sysfs file (a module's BTF here, vmlinux's
 * when the one-call path is refused, in kernel_btf.c). */
int rl_kbtf_read_file(const char *path, void *dst, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;

	if (fd < 0)
		return -errno;
	while (n < size) {
		ssize_t r = read(fd, (char *)dst + n, size - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	return n == size ? 0 : -EIO;
}

struct rl_kbtf_module {
	char name[64];
	uint8_t *raw;               /* /sys/kernel/btf/<name> */
	size_t raw_size;
	bool read_tried;
	void *blob;                 /* vmlinux + this module, see merge_split */
	struct rl_btf btf;
	bool parsed, failed;
};

int rl_kernel_btf_merge_split(const void *base, size_t base_size, const void *split,
			      size_t split_size, void **out, size_t *out_size, struct rl_diag *d)
{
	const struct btf_header *bh = base, *sh = split;
	struct btf_header *h;
	uint8_t *p;
	size_t size;

	if (base_size < sizeof(*bh) || split_size < sizeof(*sh) || bh->magic != BTF_MAGIC ||
	    sh->magic != BTF_MAGIC || bh->hdr_len > base_size || sh->hdr_len > split_size ||
	    (uint64_t)bh->hdr_len + bh->type_off + bh->type_len > base_size ||
	    (uint64_t)bh->hdr_len + bh->str_off + bh->str_len > base_size ||
	    (uint64_t)sh->hdr_len + sh->type_off + sh->type_len > split_size ||
	    (uint64_t)sh->hdr_len + sh->str_off + sh->str_len > split_size)
		return rl_err(d, EINVAL, "split BTF: damaged header in the base or the split part");
	size = sizeof(*h) + (size_t)bh->type_len + sh->type_len + bh->str_len + sh->str_len;
	p = malloc(size);
	if (!p)
		return rl_err(d, ENOMEM, "split BTF: cannot allocate %zu bytes", size);
	h = (struct btf_header *)p;
	*h = (struct btf_header){ .magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(*h),
				  .type_off = 0, .type_len = bh->type_len + sh->type_len,
				  .str_off = bh->type_len + sh->type_len,
				  .str_len = bh->str_len + sh->str_len };
	/* types: base ids 1..n, then the module's n+1..; strings: the module's
	 * offsets already start at the base's str_len (btf_parse_str_sec) */
	p += sizeof(*h);
	memcpy(p, (const uint8_t *)base + bh->hdr_len + bh->type_off, bh->type_len);
	p += bh->type_len;
	memcpy(p, (const uint8_t *)split + sh->hdr_len + sh->type_off, sh->type_len);
	p += sh->type_len;
	memcpy(p, (const uint8_t *)base + bh->hdr_len + bh->str_off, bh->str_len);
	p += bh->str_len;
	memcpy(p, (const uint8_t *)split + sh->hdr_len + sh->str_off, sh->str_len);
	*out = h;
	*out_size = size;
	return 0;
}

static const char *module_dir(void)
{
	const char *dir = getenv("RAWLOAD_MODULE_BTF_DIR");

	return dir && *dir ? dir : "/sys/kernel/btf";
}

static void list_modules(struct rl_kernel_btf *kb)
{
	DIR *dh = opendir(module_dir());
	struct dirent *e;

	kb->mods_listed = true;
	while (dh && (e = readdir(dh))) {
		struct rl_kbtf_module *m;

		if (e->d_name[0] == '.' || !strcmp(e->d_name, "vmlinux"))
			continue;
		m = realloc(kb->mods, (kb->nr_mods + 1) * sizeof(*m));
		if (!m)
			break;
		kb->mods = m;
		m = &kb->mods[kb->nr_mods++];
		memset(m, 0, sizeof(*m));
		snprintf(m->name, sizeof(m->name), "%.63s", e->d_name);
	}
	if (dh)
		closedir(dh);
}

/* Cheap filter before the expensive merge: does the module's own string
 * section contain `ess` as a whole name (or a flavour of it)? */
static bool module_mentions(const struct rl_kbtf_module *m, const char *ess)
{
	const struct btf_header *h = (const void *)m->raw;
	const char *s, *end, *hit;
	size_t n = strlen(ess);

	if (m->raw_size < sizeof(*h) || (uint64_t)h->hdr_len + h->str_off + h->str_len > m->raw_size)
		return false;
	s = (const char *)m->raw + h->hdr_len + h->str_off;
	end = s + h->str_len;
	for (; (hit = memmem(s, (size_t)(end - s), ess, n)); s = hit + 1)
		if ((hit == (const char *)m->raw + h->hdr_len + h->str_off || hit[-1] == '\0') &&
		    (hit + n == end || hit[n] == '\0' || !strncmp(hit + n, "___", 3)))
			return true;
	return false;
}

static void read_module(struct rl_kbtf_module *m)
{
	char path[512];
	struct stat st;

	m->read_tried = true;
	snprintf(path, sizeof(path), "%s/%s", module_dir(), m->name);
	if (stat(path, &st) || st.st_size <= 0 || !(m->raw = malloc((size_t)st.st_size)))
		return;
	m->raw_size = (size_t)st.st_size;
	if (rl_kbtf_read_file(path, m->raw, m->raw_size)) {
		free(m->raw);
		m->raw = NULL;
	}
}

int rl_kbtf_module_btf(void *ctx, uint32_t i, const char *ess, struct rl_btf **btf, const char **name)
{
	struct rl_kernel_btf *kb = ctx;
	struct rl_kbtf_module *m;
	struct rl_diag d;
	size_t size;

	if (!kb->mods_listed)
		list_modules(kb);
	if (i >= kb->nr_mods)
		return -ENOENT;
	m = &kb->mods[i];
	*name = m->name;
	*btf = NULL;
	if (!m->read_tried)
		read_module(m);
	if (!m->raw || m->failed || !module_mentions(m, ess))
		return 0;
	if (!m->parsed) {
		m->failed = rl_kernel_btf_merge_split(kb->vmlinux.bytes, kb->vmlinux.size, m->raw,
						      m->raw_size, &m->blob, &size, &d) ||
			    rl_btf_parse(&m->btf, m->blob, size, false, &d);
		m->parsed = !m->failed;
		if (m->failed)
			return 0;       /* a module we cannot read has no candidates */
	}
	*btf = &m->btf;
	return 0;
}

void rl_kbtf_free_modules(struct rl_kernel_btf *kb)
{
	for (uint32_t i = 0; i < kb->nr_mods; i++) {
		if (kb->mods[i].parsed)
			rl_btf_free(&kb->mods[i].btf);
		free(kb->mods[i].blob);
		free(kb->mods[i].raw);
	}
	free(kb->mods);
	kb->mods = NULL;
	kb->nr_mods = 0;
	kb->mods_listed = false;
}
