/* kernel_btf.c - getting the running kernel's BTF into a struct rl_btf, fast.
 *
 * Why a cache: reading vmlinux's 5.5 MB, parsing its 126k types and
 * building the name index costs ~8-10 ms and ~9 MB of RSS in every process
 * (measured on 6.18: read 2 ms in one BPF_OBJ_GET_INFO_BY_FD, parse 3 ms,
 * index 3-4 ms), for a CO-RE object that looks at a few dozen types.  The
 * bytes cannot change until the next boot, so the first process leaves the
 * *result* of that work in a file, and later processes map it and touch
 * only the pages they read (~0.05 ms, ~0.8 MB for 111 relocations):
 *
 *   /run/rawload/vmlinux.<boot id>.<BTF size>      mapped at CACHE_ADDR
 *   +---------------------------+ 0
 *   | struct cache_header       |  magic, version, boot id, sizes, offsets,
 *   |                           |  index fingerprint, complete flag
 *   +---------------------------+ btf_off   (page aligned)
 *   | the raw BTF bytes         |  as BPF_OBJ_GET_INFO_BY_FD returned them
 *   +---------------------------+ types_off
 *   | types[nr_types]           |  struct rl_btf's table: POINTERS into the
 *   |                           |  raw bytes above, valid at CACHE_ADDR
 *   +---------------------------+ index_off
 *   | name index                |  struct rl_btf's hash table, as btf_query.c
 *   |                           |  built it: cap x [type id, name hash]
 *   +---------------------------+ file_size
 *
 * The pointer table is why the file is always mapped at one fixed address.
 * The writer reads and parses in anonymous memory placed at that address
 * plus btf_off, exactly where the bytes will sit in every later mapping, so
 * the parser's pointers can be copied into the file as they are.  If the
 * address is taken (MAP_FIXED_NOREPLACE fails), or the cache is stale,
 * damaged or not ours, we fall back to reading and parsing.
 *
 * Two things that cost RSS were learnt the hard way: the kernel maps up to
 * 64 KiB of already-cached file pages around each fault ("fault-around"),
 * and a file written with write(2) may be cached in large folios that are
 * mapped whole.  So the writer copies through a MADV_RANDOM mapping (single
 * pages), and the reader checks the cache with a fingerprint computed in
 * private memory instead of a lookup in the big mapping.
 *
 * Trust: the file holds pointers we follow, so it must be a regular file
 * owned by our euid and writable by nobody else; /run/rawload is 0700.
 * The fixed address only locates public, read-only type data.
 */
#include "kernel_btf.h"
#include "sys_bpf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000  /* Linux 4.17; older kernels ignore it (checked) */
#endif

#define SYSFS_BTF        "/sys/kernel/btf"
#define VMLINUX_BTF      SYSFS_BTF "/vmlinux"
#define BOOT_ID          "/proc/sys/kernel/random/boot_id"
#define CACHE_DIR        "/run/rawload"
/* 62 TiB: in the lower half of x86-64/arm64 user space (47/48 bits), far
 * from where PIE executables and the heap (0x55..), shared libraries and
 * mmap (0x7f..) and ASan's shadow (< 16 TiB) live. */
#define CACHE_ADDR       ((uintptr_t)0x3e0000000000ull)
#define CACHE_MAGIC      "rlkbtf\0"
#define CACHE_VERSION    1

struct cache_header {
	char magic[8];
	uint32_t version;
	uint32_t ptr_size;           /* sizeof(void *) of the writer */
	char boot_id[40];
	uint64_t map_addr;
	uint64_t file_size;
	uint64_t btf_off, btf_size;
	uint64_t types_off, index_off;
	uint32_t nr_types, index_cap;
	uint32_t index_fp;           /* index_fingerprint() of the writer */
	uint32_t complete;           /* written last */
};

static struct rl_kernel_btf kbtf;
static bool kbtf_loaded;

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

const char *rl_kernel_btf_source_name(enum rl_kernel_btf_source s)
{
	switch (s) {
	case RL_KBTF_CACHE:    return "per-boot cache";
	case RL_KBTF_BPF_INFO: return "BPF_OBJ_GET_INFO_BY_FD";
	case RL_KBTF_SYSFS:    return VMLINUX_BTF;
	}
	return "?";
}

static size_t page_up(size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);

	return (n + page - 1) / page * page;
}

/* ---- reading the bytes ---------------------------------------------------- */

/* vmlinux's BTF object id: 1 on every kernel seen so far, but check the
 * name and the kernel_btf flag (bpf_btf_info) rather than trust it. */
static int open_vmlinux_btf(uint32_t *size)
{
	uint32_t id = 0;

	while (!rl_sys_btf_get_next_id(id, &id)) {
		struct bpf_btf_info info = { 0 };
		uint32_t len = sizeof(info);
		char name[16] = "";
		int fd = rl_sys_btf_get_fd_by_id(id);

		if (fd < 0)
			return fd;
		info.name = (uint64_t)(uintptr_t)name;
		info.name_len = sizeof(name);
		if (!rl_sys_obj_info(fd, &info, &len) && info.kernel_btf && !strcmp(name, "vmlinux")) {
			*size = info.btf_size;
			return fd;
		}
		close(fd);
	}
	return -ENOENT;
}

/* One BPF_OBJ_GET_INFO_BY_FD copies the whole blob (btf_get_info_by_fd ->
 * copy_to_user); dst must be prefaulted, or the copy takes a page fault per
 * 4 KiB and loses most of its advantage. */
static int read_via_bpf(void *dst, size_t size)
{
	struct bpf_btf_info info = { 0 };
	uint32_t len = sizeof(info), have;
	int fd = open_vmlinux_btf(&have), err;

	if (fd < 0)
		return fd;
	if (have != size) {
		close(fd);
		return -ESTALE;
	}
	info.btf = (uint64_t)(uintptr_t)dst;
	info.btf_size = (uint32_t)size;
	err = rl_sys_obj_info(fd, &info, &len);
	close(fd);
	return err;
}

/* Try the one-call path, fall back to sysfs (no root, old kernel). */
static int read_vmlinux(void *dst, size_t size, enum rl_kernel_btf_source *src)
{
	if (!read_via_bpf(dst, size)) {
		*src = RL_KBTF_BPF_INFO;
		return 0;
	}
	*src = RL_KBTF_SYSFS;
	return rl_kbtf_read_file(VMLINUX_BTF, dst, size);
}

static int read_boot_id(char out[40])
{
	int fd = open(BOOT_ID, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	memset(out, 0, 40);
	if (fd < 0)
		return -errno;
	n = read(fd, out, 39);
	close(fd);
	if (n < 32)
		return -EIO;
	out[strcspn(out, "\n")] = '\0';
	return 0;
}

/* ---- the view over a parsed or mapped blob -------------------------------- */

/* Fill the fields rl_btf_parse would, from a blob the cache says is valid. */
static void view_from_cache(struct rl_btf *btf, const uint8_t *map, const struct cache_header *h)
{
	const struct btf_header *bh = (const void *)(map + h->btf_off);

	memset(btf, 0, sizeof(*btf));
	btf->bytes = map + h->btf_off;
	btf->size = h->btf_size;
	btf->strs = (const char *)btf->bytes + bh->hdr_len + bh->str_off;
	btf->strs_len = bh->str_len;
	btf->nr_types = h->nr_types;
	btf->types = (const struct btf_type **)(uintptr_t)(map + h->types_off);
	btf->name_index = (uint32_t *)(uintptr_t)(map + h->index_off);
	btf->name_index_cap = h->index_cap;
}

/* The name index in the cache was built by btf_query.c of the rawload that
 * wrote it; a rawload upgraded since (same boot) might hash names another
 * way or lay slots out differently, and its lookups would then miss.  A
 * fingerprint catches that without touching the big mapping (each page
 * touched there costs RSS): index a one-type BTF in memory and read back
 * the slot btf_query.c made for it, [id 1, hash("int")]. */
static uint32_t index_fingerprint(void)
{
	static const struct {
		struct btf_header h;
		struct btf_type t;
		uint32_t int_data;
		char strs[5];
	} tiny = {
		{ BTF_MAGIC, BTF_VERSION, 0, sizeof(struct btf_header), 0, 16, 16, 5 },
		{ 1, BTF_KIND_INT << 24, { 4 } }, 32 /* bits; no encoding, offset 0 */, "\0int",
	};
	struct rl_btf b;
	uint32_t fp = 0;

	if (rl_btf_parse(&b, &tiny, sizeof(tiny), true, NULL))
		return 0;
	if (rl_btf_find_by_name_kind(&b, "int", BTF_KIND_INT) == 1)
		for (uint32_t i = 0; b.name_index && i < b.name_index_cap; i++)
			if (b.name_index[2 * i] == 1)
				fp = b.name_index[2 * i + 1];
	rl_btf_free(&b);
	return fp;
}

/* ---- the cache: reading -------------------------------------------------- */

static bool cache_wanted(char *dir, size_t len)
{
	const char *env = getenv("RAWLOAD_BTF_CACHE");

	if (env && (!*env || !strcmp(env, "off")))
		return false;
	snprintf(dir, len, "%s", env ? env : CACHE_DIR);
	return true;
}

static void *map_fixed(int fd, size_t len, int prot, int flags)
{
	void *p = mmap((void *)CACHE_ADDR, len, prot, flags | MAP_FIXED_NOREPLACE, fd, 0);

	if (p == MAP_FAILED)
		return NULL;
	if ((uintptr_t)p != CACHE_ADDR) {       /* a kernel without NOREPLACE */
		munmap(p, len);
		return NULL;
	}
	return p;
}

/* The strings view_from_cache points at must lie inside the BTF bytes. */
static bool btf_header_ok(const uint8_t *bytes, uint64_t size)
{
	const struct btf_header *bh = (const void *)bytes;

	return size >= sizeof(*bh) && bh->magic == BTF_MAGIC && bh->hdr_len <= size &&
	       (uint64_t)bh->hdr_len + bh->str_off + bh->str_len <= size && bh->str_len > 0;
}

static bool header_ok(const struct cache_header *h, const char *boot_id, size_t btf_size,
		      size_t file_size)
{
	return !memcmp(h->magic, CACHE_MAGIC, 8) && h->version == CACHE_VERSION &&
	       h->ptr_size == sizeof(void *) && !strcmp(h->boot_id, boot_id) &&
	       h->map_addr == CACHE_ADDR && h->file_size == file_size && h->btf_size == btf_size &&
	       h->complete == 1 && h->index_fp && h->index_fp == index_fingerprint() &&
	       h->btf_off + h->btf_size <= file_size &&
	       h->types_off + (uint64_t)h->nr_types * sizeof(void *) <= file_size &&
	       h->index_off + (uint64_t)h->index_cap * 8 <= file_size &&
	       btf_header_ok((const uint8_t *)h + h->btf_off, h->btf_size);
}

static int map_cache(struct rl_kernel_btf *kb, const char *boot_id, size_t btf_size)
{
	int fd = open(kb->cache_path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	void *map;

	if (fd < 0)
		return -errno;
	/* The file holds pointers this process will follow: take it only from
	 * ourselves (root, for loads), never from a file others could write. */
	if (fstat(fd, &st) || (size_t)st.st_size < sizeof(struct cache_header) ||
	    st.st_uid != geteuid() || (st.st_mode & 022) || !S_ISREG(st.st_mode)) {
		close(fd);
		return -EPERM;
	}
	map = map_fixed(fd, (size_t)st.st_size, PROT_READ, MAP_SHARED);
	close(fd);      /* the mapping keeps the file */
	if (!map)
		return -EADDRINUSE;
	/* if the page cache was dropped, fault pages back one by one: no
	 * readahead, which would bring (and map) whole large folios */
	madvise(map, (size_t)st.st_size, MADV_RANDOM);
	if (!header_ok(map, boot_id, btf_size, (size_t)st.st_size)) {
		munmap(map, (size_t)st.st_size);
		return -ESTALE;
	}
	view_from_cache(&kb->vmlinux, map, map);
	kb->map = map;
	kb->map_len = (size_t)st.st_size;
	kb->map_is_cache = true;
	kb->source = RL_KBTF_CACHE;
	return 0;
}

/* ---- the cache: writing ---------------------------------------------------- */

/* Caches of earlier boots: on a /run that is not tmpfs they would pile up.
 * Files of this boot (another writer's temporary one included) stay. */
static void remove_old_caches(const char *dir, const char *boot_id)
{
	DIR *dh = opendir(dir);
	struct dirent *e;
	char path[512], mine[64];

	snprintf(mine, sizeof(mine), "vmlinux.%s.", boot_id);
	while (dh && (e = readdir(dh))) {
		if (strncmp(e->d_name, "vmlinux.", 8) || !strncmp(e->d_name, mine, strlen(mine)))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		unlink(path);
	}
	if (dh)
		closedir(dh);
}

/* The writer reads and parses in anonymous memory mapped at CACHE_ADDR +
 * btf_off, exactly where the file's BTF bytes will later be mapped, so the
 * parser's pointers are already the ones the file must hold.  Then it copies
 * everything into the file (writer_write) and swaps the anonymous memory
 * for a mapping of the file, like any later process. */
struct cache_writer {
	int fd;
	char tmp[300];
	uint8_t *anon;              /* [CACHE_ADDR, CACHE_ADDR + anon_len) */
	size_t anon_len;
	struct rl_btf btf;          /* parsed in anon; tables malloc'ed */
	struct cache_header h;
};

static int writer_parse(struct cache_writer *w, struct rl_kernel_btf *kb, size_t btf_size)
{
	size_t btf_off = page_up(sizeof(struct cache_header));
	struct rl_diag d;
	uint64_t t0 = now_ns();
	int err;

	w->anon_len = btf_off + btf_size;
	w->anon = map_fixed(-1, w->anon_len, PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE);
	if (!w->anon)
		return -EADDRINUSE;
	err = read_vmlinux(w->anon + btf_off, btf_size, &kb->source);
	kb->read_ns = now_ns() - t0;
	t0 = now_ns();
	if (!err)
		err = rl_btf_parse(&w->btf, w->anon + btf_off, btf_size, false, &d);
	if (err)
		return err;
	rl_btf_find_by_name_kind(&w->btf, "int", BTF_KIND_INT);    /* builds the name index */
	if (!w->btf.name_index || w->btf.owned)
		return -ENOMEM;
	kb->parse_ns = now_ns() - t0;
	w->h.btf_off = btf_off;
	w->h.btf_size = btf_size;
	w->h.types_off = page_up(btf_off + btf_size);
	w->h.index_off = page_up(w->h.types_off + (size_t)w->btf.nr_types * sizeof(void *));
	w->h.file_size = page_up(w->h.index_off + (size_t)w->btf.name_index_cap * 8);
	return 0;
}

/* Copy into a shared mapping of the file rather than write(2): write(2)
 * lets the file system cache the file in large folios (ext4 does, on a /run
 * that is not tmpfs), and a reader's mapping then maps a whole folio on
 * each fault, megabytes of RSS for a few lookups.  Pages dirtied through a
 * MADV_RANDOM mapping stay single pages. */
static int writer_write(struct cache_writer *w, const char *boot_id)
{
	struct cache_header *h = &w->h;
	uint8_t *f;

	memcpy(h->magic, CACHE_MAGIC, 8);
	h->version = CACHE_VERSION;
	h->ptr_size = sizeof(void *);
	snprintf(h->boot_id, sizeof(h->boot_id), "%s", boot_id);
	h->map_addr = CACHE_ADDR;
	h->nr_types = w->btf.nr_types;
	h->index_cap = w->btf.name_index_cap;
	h->index_fp = index_fingerprint();
	if (ftruncate(w->fd, (off_t)h->file_size))
		return -errno;
	f = mmap(NULL, h->file_size, PROT_READ | PROT_WRITE, MAP_SHARED, w->fd, 0);
	if (f == MAP_FAILED)
		return -errno;
	madvise(f, h->file_size, MADV_RANDOM);
	memcpy(f + h->btf_off, w->anon + h->btf_off, h->btf_size);
	memcpy(f + h->types_off, w->btf.types, (size_t)h->nr_types * sizeof(void *));
	memcpy(f + h->index_off, w->btf.name_index, (size_t)h->index_cap * 8);
	/* the header last, complete = 1 last of all: a reader (after the
	 * rename) never sees a half-written file as valid */
	memcpy(f, h, sizeof(*h));
	__atomic_store_n(&((struct cache_header *)f)->complete, 1, __ATOMIC_RELEASE);
	munmap(f, h->file_size);
	return 0;
}

static int write_cache(struct rl_kernel_btf *kb, const char *dir, const char *boot_id, size_t btf_size)
{
	struct cache_writer w = { .fd = -1 };
	enum rl_kernel_btf_source src;
	int err;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return -errno;
	snprintf(w.tmp, sizeof(w.tmp), "%s.tmp%d", kb->cache_path, (int)getpid());
	w.fd = open(w.tmp, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (w.fd < 0)
		return -errno;
	err = writer_parse(&w, kb, btf_size);
	if (!err)
		err = writer_write(&w, boot_id);
	if (!err && rename(w.tmp, kb->cache_path))
		err = -errno;
	close(w.fd);
	free(w.btf.types);
	free(w.btf.name_index);
	if (w.anon)
		munmap(w.anon, w.anon_len);
	if (err) {
		unlink(w.tmp);
		return err;
	}
	/* from now on this process reads the file like any later one */
	src = kb->source;
	err = map_cache(kb, boot_id, btf_size);
	if (err)
		return err;
	kb->source = src;
	kb->cache_written = true;
	remove_old_caches(dir, boot_id);
	return 0;
}

/* ---- no cache: read into a prefaulted buffer and parse --------------------- */

static int load_in_memory(struct rl_kernel_btf *kb, size_t size, struct rl_diag *d)
{
	uint64_t t0 = now_ns();
	void *buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
			 -1, 0);
	int err;

	if (buf == MAP_FAILED)
		return rl_err(d, ENOMEM, "cannot map %zu bytes for the kernel's BTF", size);
	err = read_vmlinux(buf, size, &kb->source);
	kb->read_ns = now_ns() - t0;
	if (err) {
		munmap(buf, size);
		return rl_err(d, err, "%s: %s", VMLINUX_BTF, strerror(-err));
	}
	t0 = now_ns();
	err = rl_btf_parse(&kb->vmlinux, buf, size, false, d);
	kb->parse_ns = now_ns() - t0;
	if (err) {
		munmap(buf, size);
		rl_diag_prefix(d, "%s: ", VMLINUX_BTF);
		return err;
	}
	kb->map = buf;
	kb->map_len = size;
	return 0;
}

/* ---- the process-wide object ----------------------------------------------- */

int rl_kernel_btf_get(struct rl_kernel_btf **out, struct rl_diag *d)
{
	struct rl_kernel_btf *kb = &kbtf;
	char dir[200], boot_id[40];
	struct stat st;
	uint64_t t0;
	int err;

	if (kbtf_loaded) {
		*out = kb;
		return 0;
	}
	memset(kb, 0, sizeof(*kb));
	err = stat(VMLINUX_BTF, &st) ? errno : st.st_size <= 0 ? ENOENT : 0;
	if (err)
		return rl_err(d, err, "%s: %s (was the kernel built with CONFIG_DEBUG_INFO_BTF?)",
			      VMLINUX_BTF, strerror(err));
	if (cache_wanted(dir, sizeof(dir)) && !read_boot_id(boot_id)) {
		snprintf(kb->cache_path, sizeof(kb->cache_path), "%s/vmlinux.%s.%lld", dir, boot_id,
			 (long long)st.st_size);
		t0 = now_ns();
		if (!map_cache(kb, boot_id, (size_t)st.st_size)) {
			kb->parse_ns = now_ns() - t0;
			goto done;
		}
		if (!write_cache(kb, dir, boot_id, (size_t)st.st_size))
			goto done;
		kb->cache_path[0] = '\0';   /* no permission, or the address is taken */
	}
	err = load_in_memory(kb, (size_t)st.st_size, d);
	if (err)
		return err;
done:
	kb->target.vmlinux = &kb->vmlinux;
	kb->target.module = rl_kbtf_module_btf;
	kb->target.ctx = kb;
	kbtf_loaded = true;
	*out = kb;
	return 0;
}

void rl_kernel_btf_release(void)
{
	struct rl_kernel_btf *kb = &kbtf;

	if (!kbtf_loaded)
		return;
	if (!kb->map_is_cache)
		rl_btf_free(&kb->vmlinux);      /* tables malloc'ed by the parser */
	if (kb->map)
		munmap(kb->map, kb->map_len);
	rl_kbtf_free_modules(kb);
	memset(kb, 0, sizeof(*kb));
	kbtf_loaded = false;
}
