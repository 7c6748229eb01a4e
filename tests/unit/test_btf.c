/* test_btf.c - the BTF and .BTF.ext readers (loader/object/btf.c, btf_query.c,
 * btf_ext.c) on a real compiled object, on the running kernel's BTF, and on
 * hand-made damaged blobs that must fail with an exact reason.
 *
 * Facts about build/tests/objects/btf_shapes.bpf.o were read off
 * `bpftool btf dump file build/tests/objects/btf_shapes.bpf.o`.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "btf.h"
#include "btf_ext.h"
#include "elf.h"
#include "unit.h"

#define SHAPES_OBJ "build/tests/objects/btf_shapes.bpf.o"
#define VMLINUX "/sys/kernel/btf/vmlinux"

/* ---- the compiled object ------------------------------------------------- */

struct shapes {
	void *file;
	struct rl_elf elf;
	struct rl_btf btf;
};

static int open_shapes(struct shapes *s)
{
	struct rl_diag d = { "" };
	const struct rl_elf_section *sec;
	size_t size;

	memset(s, 0, sizeof(*s));
	s->file = unit_read_file(SHAPES_OBJ, &size);
	if (!s->file) {
		fprintf(stderr, "  cannot read %s: run `make %s` first\n", SHAPES_OBJ, SHAPES_OBJ);
		return -1;
	}
	if (rl_elf_parse(&s->elf, s->file, size, &d)) {
		fprintf(stderr, "  %s: %s\n", SHAPES_OBJ, d.msg);
		return -1;
	}
	sec = rl_elf_section_by_name(&s->elf, ".BTF");
	if (!sec || !sec->data)
		return -1;
	if (rl_btf_parse(&s->btf, sec->data, sec->size, true, &d)) {
		fprintf(stderr, "  .BTF: %s\n", d.msg);
		return -1;
	}
	return 0;
}

static void close_shapes(struct shapes *s)
{
	rl_btf_free(&s->btf);
	rl_elf_free(&s->elf);
	free(s->file);
}

static void test_object_types(void)
{
	struct shapes s;
	struct rl_btf *b = &s.btf;
	const struct btf_type *t;
	uint32_t id, ids[4];

	CHECK(open_shapes(&s) == 0);
	if (!b->nr_types)
		return close_shapes(&s);
	CHECK_EQ(b->nr_types, 69);                      /* [1]..[68] + void */

	id = rl_btf_find_by_name_kind(b, "shape_value", BTF_KIND_STRUCT);
	t = rl_btf_type(b, id);
	CHECK(t != NULL);
	if (t) {
		CHECK_EQ(t->size, 96);
		CHECK_EQ(rl_btf_vlen(t), 8);
		CHECK_EQ(rl_btf_resolve_size(b, id), 96);
	}
	id = rl_btf_find_by_name_kind(b, "shape_bits", BTF_KIND_STRUCT);
	t = rl_btf_type(b, id);
	CHECK(t && t->size == 16 && rl_btf_vlen(t) == 5 && rl_btf_kflag(t));
	if (t) {        /* 'count' : 28 at bit 4 */
		const struct btf_member *m = (const void *)(t + 1);

		CHECK_STR(rl_btf_str(b, m[2].name_off), "count");
		CHECK_EQ(BTF_MEMBER_BITFIELD_SIZE(m[2].offset), 28);
		CHECK_EQ(BTF_MEMBER_BIT_OFFSET(m[2].offset), 4);
	}
	t = rl_btf_type(b, rl_btf_find_by_name_kind(b, "shape_addr", BTF_KIND_UNION));
	CHECK(t && t->size == 16 && rl_btf_vlen(t) == 2);
	t = rl_btf_type(b, rl_btf_find_by_name_kind(b, "shape_color", BTF_KIND_ENUM));
	CHECK(t && t->size == 4 && rl_btf_vlen(t) == 3);
	/* clang 14: an 8-byte ENUM; clang >= 15: ENUM64 */
	id = rl_btf_find_by_name_kind(b, "shape_big", BTF_KIND_ENUM64);
	if (!id)
		id = rl_btf_find_by_name_kind(b, "shape_big", BTF_KIND_ENUM);
	CHECK_EQ(rl_btf_resolve_size(b, id), 8);

	/* typedef shape_ids_t = shape_id_t[7]; shape_id_t -> shape_u32_t -> __u32 */
	CHECK_EQ(rl_btf_resolve_size(b, rl_btf_find_by_name_kind(b, "shape_ids_t", BTF_KIND_TYPEDEF)), 28);
	id = rl_btf_skip_mods(b, rl_btf_find_by_name_kind(b, "shape_cv_id_t", BTF_KIND_TYPEDEF));
	CHECK_STR(rl_btf_type_name(b, id), "unsigned int");
	CHECK_EQ(rl_btf_kind(rl_btf_type(b, id)), BTF_KIND_INT);
	CHECK_EQ(rl_btf_find_by_name_kind(b, "shape_id_t", BTF_KIND_STRUCT), 0);
	CHECK_EQ(rl_btf_find_all_by_name(b, "shape_id_t", ids, 4), 1);
	CHECK_EQ(rl_btf_find_all_by_name(b, "no_such_type", ids, 4), 0);

	/* FUNC -> FUNC_PROTO, linkage in vlen */
	t = rl_btf_type(b, rl_btf_find_by_name_kind(b, "shape_helper", BTF_KIND_FUNC));
	CHECK(t && rl_btf_vlen(t) == BTF_FUNC_STATIC);
	if (t) {
		CHECK_EQ(rl_btf_kind(rl_btf_type(b, t->type)), BTF_KIND_FUNC_PROTO);
		CHECK_EQ(rl_btf_vlen(rl_btf_type(b, t->type)), 2);
	}
	CHECK_EQ(rl_btf_resolve_size(b, rl_btf_find_by_name_kind(b, "shape_xdp", BTF_KIND_FUNC)), -EINVAL);
	CHECK_EQ(rl_btf_resolve_size(b, 0), -EINVAL);

	/* the BTF-defined map: VAR -> anonymous struct { type, max_entries, key, value } */
	t = rl_btf_type(b, rl_btf_find_by_name_kind(b, "shape_map", BTF_KIND_VAR));
	CHECK(t != NULL);
	if (t) {
		CHECK_EQ(rl_btf_vlen(rl_btf_type(b, t->type)), 4);
		CHECK_EQ(rl_btf_resolve_size(b, t->type), 32);
	}
	t = rl_btf_type(b, rl_btf_find_by_name_kind(b, ".data", BTF_KIND_DATASEC));
	CHECK(t && rl_btf_vlen(t) == 2 && t->size == 0);  /* the compiler leaves size 0 */
	CHECK_STR(rl_btf_kind_name(BTF_KIND_DATASEC), "DATASEC");
	CHECK_STR(rl_btf_kind_name(99), "UNKNOWN");
	close_shapes(&s);
}

/* ELF-side callbacks for the DATASEC fix-up. */
static int elf_section_size(void *ctx, const char *sec_name, uint32_t *size)
{
	const struct rl_elf_section *sec = rl_elf_section_by_name(ctx, sec_name);

	if (!sec)
		return -ENOENT;
	*size = (uint32_t)sec->size;
	return 0;
}

static int elf_symbol_offset(void *ctx, const char *sec_name, const char *var_name, uint32_t *off)
{
	const struct rl_elf *elf = ctx;
	const struct rl_elf_section *sec = rl_elf_section_by_name(elf, sec_name);

	for (uint32_t i = 0; sec && i < elf->nr_symbols; i++)
		if (elf->symbols[i].shndx == sec->index && !strcmp(elf->symbols[i].name, var_name)) {
			*off = (uint32_t)elf->symbols[i].value;
			return 0;
		}
	return -ENOENT;
}

static int no_section(void *ctx, const char *sec_name, uint32_t *size)
{
	(void)ctx, (void)sec_name, (void)size;
	return -ENOENT;
}

static void test_object_fixup(void)
{
	struct shapes s;
	struct rl_btf_fixup_ops ops = { elf_section_size, elf_symbol_offset, NULL };
	struct rl_btf_fixup_ops none = { no_section, elf_symbol_offset, NULL };
	struct rl_diag d = { "" };
	const struct btf_type *t;
	struct rl_btf view;
	const struct rl_elf_section *sec;

	CHECK(open_shapes(&s) == 0);
	if (!s.btf.nr_types)
		return close_shapes(&s);
	ops.ctx = none.ctx = &s.elf;
	CHECK_EQ(rl_btf_fixup_datasec(&s.btf, &none, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "DATASEC '.bss': the object has no section '.bss' to take its size from");

	CHECK_EQ(rl_btf_fixup_datasec(&s.btf, &ops, &d), 0);
	t = rl_btf_type(&s.btf, rl_btf_find_by_name_kind(&s.btf, ".data", BTF_KIND_DATASEC));
	sec = rl_elf_section_by_name(&s.elf, ".data");
	CHECK(t && sec && t->size == sec->size);
	if (t) {        /* __u64 shape_counter at 0, __u16 shape_second_data at 8 */
		const struct btf_var_secinfo *v = (const void *)(t + 1);

		CHECK_STR(rl_btf_type_name(&s.btf, v[0].type), "shape_counter");
		CHECK_EQ(v[0].offset, 0);
		CHECK_STR(rl_btf_type_name(&s.btf, v[1].type), "shape_second_data");
		CHECK_EQ(v[1].offset, 8);
	}
	t = rl_btf_type(&s.btf, rl_btf_find_by_name_kind(&s.btf, ".maps", BTF_KIND_DATASEC));
	CHECK(t && t->size == 32);
	t = rl_btf_type(&s.btf, rl_btf_find_by_name_kind(&s.btf, ".bss", BTF_KIND_DATASEC));
	CHECK(t && t->size == 16);
	/* the fixed-up bytes still parse */
	{
		size_t n;
		const void *raw = rl_btf_raw(&s.btf, &n);

		CHECK_EQ(rl_btf_parse(&view, raw, n, false, &d), 0);
		rl_btf_free(&view);
	}
	/* a view that does not own its bytes must not be edited */
	sec = rl_elf_section_by_name(&s.elf, ".BTF");
	CHECK_EQ(rl_btf_parse(&view, sec->data, sec->size, false, &d), 0);
	if (view.owned == NULL) {
		CHECK_EQ(rl_btf_fixup_datasec(&view, &ops, &d), -EINVAL);
		CHECK_CONTAINS(d.msg, "parse with copy=true");
	}
	rl_btf_free(&view);
	close_shapes(&s);
}

static void test_object_btf_ext(void)
{
	struct shapes s;
	struct rl_btf_ext ext;
	struct rl_diag d = { "" };
	const struct rl_elf_section *sec;
	const struct rl_btf_ext_sec *xs;

	CHECK(open_shapes(&s) == 0);
	sec = rl_elf_section_by_name(&s.elf, ".BTF.ext");
	CHECK(sec && sec->data);
	if (!s.btf.nr_types || !sec || !sec->data)
		return close_shapes(&s);
	CHECK_EQ(rl_btf_ext_parse(&ext, sec->data, sec->size, &s.btf, &d), 0);
	CHECK_EQ(ext.func_info.rec_size, sizeof(struct bpf_func_info));
	CHECK_EQ(ext.line_info.rec_size, sizeof(struct bpf_line_info));
	xs = rl_btf_ext_find_sec(&ext.func_info, "xdp");
	CHECK(xs && xs->nr_recs == 1);     /* shape_xdp; shape_helper lives in .text */
	if (xs) {
		const struct bpf_func_info *fi = rl_btf_ext_rec(&ext.func_info, xs, 0);

		CHECK_EQ(fi->insn_off, 0);
		CHECK_STR(rl_btf_type_name(&s.btf, fi->type_id), "shape_xdp");
	}
	xs = rl_btf_ext_find_sec(&ext.func_info, ".text");
	CHECK(xs && xs->nr_recs == 1);
	xs = rl_btf_ext_find_sec(&ext.func_info, "socket");
	CHECK(xs && xs->nr_recs == 1);
	xs = rl_btf_ext_find_sec(&ext.line_info, "xdp");
	CHECK(xs && xs->nr_recs > 3);
	for (uint32_t i = 0, found = 0; xs && i < xs->nr_recs; i++) {
		const struct bpf_line_info *li = rl_btf_ext_rec(&ext.line_info, xs, i);

		CHECK_CONTAINS(rl_btf_str(&s.btf, li->file_name_off), "btf_shapes.bpf.c");
		found |= strstr(rl_btf_str(&s.btf, li->line_off), "shape_counter += shape_limit") != NULL;
		if (i == xs->nr_recs - 1)
			CHECK(found);
	}
	CHECK(rl_btf_ext_find_sec(&ext.func_info, "kprobe/x") == NULL);
	CHECK_EQ(ext.core_relo.nr_secs, 0);
	rl_btf_ext_free(&ext);
	close_shapes(&s);
}

/* ---- the running kernel's BTF -------------------------------------------- */

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void test_vmlinux(void)
{
	struct rl_diag d = { "" };
	struct rl_btf btf;
	double best = 1e9, t0, index_ms, index_best = 1e9, lookups_ms;
	size_t size;
	uint8_t *bytes = unit_read_file(VMLINUX, &size);
	uint32_t ts, skb, ids[8], n;

	if (!bytes) {
		printf("  skip test_vmlinux: cannot read %s\n", VMLINUX);
		return;
	}
	for (int i = 0; i < 20; i++) {      /* time the parse only, best of 20 */
		t0 = now_ms();
		int err = rl_btf_parse(&btf, bytes, size, false, &d);
		double dt = now_ms() - t0;

		CHECK_EQ(err, 0);
		if (err) {
			fprintf(stderr, "  %s: %s\n", VMLINUX, d.msg);
			free(bytes);
			return;
		}
		best = dt < best ? dt : best;
		if (i < 19)
			rl_btf_free(&btf);
	}
	t0 = now_ms();
	ts = rl_btf_find_by_name_kind(&btf, "task_struct", BTF_KIND_STRUCT);
	index_ms = now_ms() - t0;
	for (int i = 0; i < 5; i++) {       /* and again, warm */
		free(btf.name_index);
		btf.name_index = NULL;
		t0 = now_ms();
		rl_btf_find_by_name_kind(&btf, "task_struct", BTF_KIND_STRUCT);
		index_best = now_ms() - t0 < index_best ? now_ms() - t0 : index_best;
	}
	t0 = now_ms();
	for (int i = 0; i < 1000; i++)
		skb = rl_btf_find_by_name_kind(&btf, "sk_buff", BTF_KIND_STRUCT);
	lookups_ms = now_ms() - t0;
	CHECK(ts != 0);
	CHECK(skb != 0);
	CHECK(rl_btf_resolve_size(&btf, ts) > 1000);
	CHECK(rl_btf_resolve_size(&btf, skb) > 100);
	n = rl_btf_find_all_by_essential_name(&btf, "task_struct___rawload", ids, 8);
	CHECK(n >= 1 && ids[0] == ts);
	CHECK_EQ(rl_btf_find_by_name_kind(&btf, "task_struct___rawload", BTF_KIND_STRUCT), 0);
	/* many types share a name (every kfunc has a DECL_TAG "bpf_kfunc"):
	 * the index must return all of them, lowest id first, like a scan */
	{
		uint32_t want = 0, got, *all;

		for (uint32_t id = 1; id < btf.nr_types; id++)
			want += !strcmp(rl_btf_type_name(&btf, id), "bpf_kfunc");
		all = calloc(want + 1, sizeof(*all));
		got = rl_btf_find_all_by_name(&btf, "bpf_kfunc", all, want + 1);
		CHECK_EQ(got, want);
		for (uint32_t i = 1; all && i < got && i < want; i++)
			CHECK(all[i - 1] < all[i]);
		free(all);
	}
	printf("  vmlinux BTF: %zu bytes, %u types: parse %.3f ms (best of 20), "
	       "name index %.3f ms (first), %.3f ms (best of 5), lookup %.1f ns\n",
	       size, btf.nr_types, best, index_ms, index_best, lookups_ms * 1e6 / 1000);
	/* figures only: speed is measured by tools/bench, never asserted in tests */
	rl_btf_free(&btf);
	free(bytes);
}

/* ---- hand-made BTF -------------------------------------------------------- */

#define INFO(kind, kflag, vlen) (((uint32_t)(kflag) << 31) | ((uint32_t)(kind) << 24) | (vlen))
#define INT_ENC(enc, off, bits) (((uint32_t)(enc) << 24) | ((off) << 16) | (bits))

/* header + types + strings, like a compiler writes them */
static size_t make_btf(uint8_t *out, const uint32_t *types, size_t types_len, const char *strs, size_t strs_len)
{
	struct btf_header h = {
		.magic = BTF_MAGIC, .version = BTF_VERSION, .hdr_len = sizeof(h),
		.type_off = 0, .type_len = (uint32_t)types_len,
		.str_off = (uint32_t)types_len, .str_len = (uint32_t)strs_len,
	};

	memcpy(out, &h, sizeof(h));
	memcpy(out + sizeof(h), types, types_len);
	memcpy(out + sizeof(h) + types_len, strs, strs_len);
	return sizeof(h) + types_len + strs_len;
}

static const char good_strs[] = "\0int\0list\0next\0a\0b\0c";   /* 1 int, 5 list, 10 next, 15 a, 17 b, 19 c */

/* Parse and expect an error containing `want`. */
static void expect_fail(const uint8_t *buf, size_t size, const char *want)
{
	struct rl_diag d = { "" };
	struct rl_btf btf;
	int err = rl_btf_parse(&btf, buf, size, true, &d);

	CHECK_EQ(err, -EINVAL);
	CHECK_CONTAINS(d.msg, want);
	CHECK(btf.types == NULL && btf.owned == NULL);
}

static void test_good_blob(void)
{
	/* [1] int, [2] struct list { struct list *next; }, [3] ptr -> [2],
	 * [4] enum64 c = 2^40, [5] typedef a -> [6] const -> [7] array int[3] */
	const uint32_t types[] = {
		1, INFO(BTF_KIND_INT, 0, 0), 4, INT_ENC(BTF_INT_SIGNED, 0, 32),
		5, INFO(BTF_KIND_STRUCT, 0, 1), 8, 10, 3, 0,
		0, INFO(BTF_KIND_PTR, 0, 0), 2,
		19, INFO(BTF_KIND_ENUM64, 0, 1), 8, 19, 0, 0x100,
		15, INFO(BTF_KIND_TYPEDEF, 0, 0), 6,
		0, INFO(BTF_KIND_CONST, 0, 0), 7,
		0, INFO(BTF_KIND_ARRAY, 0, 0), 0, 1, 1, 3,
	};
	uint8_t buf[1024];
	size_t n = make_btf(buf, types, sizeof(types), good_strs, sizeof(good_strs));
	struct rl_diag d = { "" };
	struct rl_btf btf;

	CHECK_EQ(rl_btf_parse(&btf, buf, n, false, &d), 0);
	CHECK_EQ(btf.nr_types, 8);
	CHECK_EQ(rl_btf_find_by_name_kind(&btf, "list", BTF_KIND_STRUCT), 2);
	CHECK_EQ(rl_btf_resolve_size(&btf, 3), 8);
	CHECK_EQ(rl_btf_resolve_size(&btf, 4), 8);
	CHECK_EQ(rl_btf_resolve_size(&btf, 5), 12);
	CHECK_EQ(rl_btf_skip_mods(&btf, 5), 7);
	CHECK_STR(rl_btf_kind_name(rl_btf_kind(rl_btf_type(&btf, 4))), "ENUM64");
	CHECK(rl_btf_type(&btf, 8) == NULL);
	CHECK_STR(rl_btf_str(&btf, 9999), "");
	rl_btf_free(&btf);
}

static void test_bad_header(void)
{
	const uint32_t types[] = { 1, INFO(BTF_KIND_INT, 0, 0), 4, INT_ENC(0, 0, 32) };
	uint8_t buf[256];
	size_t n = make_btf(buf, types, sizeof(types), good_strs, sizeof(good_strs));
	struct btf_header *h = (void *)buf;

	buf[0] = 0x12;
	expect_fail(buf, n, "BTF header: bad magic 0xeb12, expected 0xeb9f");
	buf[0] = 0x9f;
	expect_fail(buf, 10, "BTF header: only 10 bytes, struct btf_header needs 24");
	h->type_len = 4000;
	expect_fail(buf, n, "BTF header: type section (off 0, len 4000) runs past the");
	h->type_len = sizeof(types);
	h->version = 2;
	expect_fail(buf, n, "version 2");
	h->version = 1;
	h->hdr_len = 8;
	expect_fail(buf, n, "hdr_len 8 is shorter");
	h->hdr_len = 24;
	h->str_len -= 1;                /* drops the final NUL of "c" */
	expect_fail(buf, n - 1, "does not end with a NUL byte");
	h->str_len += 1;
	buf[24 + sizeof(types)] = 'x';  /* first string must be "" */
	expect_fail(buf, n, "must start with the empty string");
}

static void test_bad_types(void)
{
	uint8_t buf[1024];
	size_t n;

	{       /* struct member refers past the end */
		const uint32_t t[] = {
			1, INFO(BTF_KIND_INT, 0, 0), 4, INT_ENC(0, 0, 32),
			5, INFO(BTF_KIND_STRUCT, 0, 2), 8, 10, 1, 0, 15, 99, 32,
		};
		n = make_btf(buf, t, sizeof(t), good_strs, sizeof(good_strs));
		expect_fail(buf, n, "BTF type [2] STRUCT 'list': member 1 refers to type 99, but BTF has 3 types");
	}
	{       /* typedef a -> typedef b -> typedef a */
		const uint32_t t[] = {
			15, INFO(BTF_KIND_TYPEDEF, 0, 0), 2,
			17, INFO(BTF_KIND_TYPEDEF, 0, 0), 1,
		};
		n = make_btf(buf, t, sizeof(t), good_strs, sizeof(good_strs));
		expect_fail(buf, n, "BTF type [1] TYPEDEF 'a': reference cycle [1] -> [2] -> [1]");
	}
	{       /* const -> volatile -> const: a cycle of anonymous modifiers */
		const uint32_t t[] = {
			1, INFO(BTF_KIND_INT, 0, 0), 4, INT_ENC(0, 0, 32),
			0, INFO(BTF_KIND_CONST, 0, 0), 3,
			0, INFO(BTF_KIND_VOLATILE, 0, 0), 2,
		};
		n = make_btf(buf, t, sizeof(t), good_strs, sizeof(good_strs));
		expect_fail(buf, n, "BTF type [2] CONST '': reference cycle [2] -> [3] -> [2]");
	}
	{       /* unknown kind 25 */
		const uint32_t t[] = { 1, INFO(25, 0, 0), 4 };
		n = make_btf(buf, t, sizeof(t), good_strs, sizeof(good_strs));
		expect_fail(buf, n, "BTF type [1]: unknown kind 25");
	}
	{       /* vlen 5 members announced, 1 present */
		const uint32_t t[] = {
			1, INFO(BTF_KIND_INT, 0, 0), 4, INT_ENC(0, 0, 32),
			5, INFO(BTF_KIND_STRUCT, 0, 5), 4, 10, 1, 0,
		};
		n = make_btf(buf, t, sizeof(t), good_strs, sizeof(good_strs));
		expect_fail(buf, n, "BTF type [2] STRUCT 'list': vlen 5 needs 60 bytes after the type, but only 12 are left");
	}
	{       /* a type cut in the middle of its btf_type */
		const uint32_t t[] = { 1, INFO(BTF_KIND_INT, 0, 0), 4, INT_ENC(0, 0, 32), 5, 0 };
		n = make_btf(buf, t, sizeof(t), good_strs, sizeof(good_strs));
		expect_fail(buf, n, "BTF type [2]: only 8 bytes left in the type section");
	}
}

static void test_bad_semantics(void)
{
	uint8_t buf[1024];
	size_t n;

	{       /* FUNC must point at a FUNC_PROTO */
		const uint32_t t[] = {
			1, INFO(BTF_KIND_INT, 0, 0), 4, INT_ENC(0, 0, 32),
			15, INFO(BTF_KIND_FUNC, 0, 1), 1,
		};
		n = make_btf(buf, t, sizeof(t), good_strs, sizeof(good_strs));
		expect_fail(buf, n, "BTF type [2] FUNC 'a': type [1] is INT, expected a FUNC_PROTO");
	}
	{       /* 129-bit int */
		const uint32_t t[] = { 1, INFO(BTF_KIND_INT, 0, 0), 16, INT_ENC(0, 0, 129) };
		n = make_btf(buf, t, sizeof(t), good_strs, sizeof(good_strs));
		expect_fail(buf, n, "BTF type [1] INT 'int': bit offset 0 + 129 bits, at most 128 bits");
	}
	{       /* 32 bits at bit offset 8 of a 4-byte int */
		const uint32_t t[] = { 1, INFO(BTF_KIND_INT, 0, 0), 4, INT_ENC(0, 8, 32) };
		n = make_btf(buf, t, sizeof(t), good_strs, sizeof(good_strs));
		expect_fail(buf, n, "bit offset 8 + 32 bits does not fit in 4 bytes");
	}
	{       /* name offset past the strings */
		const uint32_t t[] = { 500, INFO(BTF_KIND_INT, 0, 0), 4, INT_ENC(0, 0, 32) };
		n = make_btf(buf, t, sizeof(t), good_strs, sizeof(good_strs));
		expect_fail(buf, n, "BTF type [1] INT: name offset 500 is outside the 21-byte string section");
	}
	{       /* DATASEC entries must be VARs */
		const uint32_t t[] = {
			1, INFO(BTF_KIND_INT, 0, 0), 4, INT_ENC(0, 0, 32),
			15, INFO(BTF_KIND_DATASEC, 0, 1), 4, 1, 0, 4,
		};
		n = make_btf(buf, t, sizeof(t), good_strs, sizeof(good_strs));
		expect_fail(buf, n, "BTF type [2] DATASEC 'a': entry 0 is type [1] INT, expected a VAR");
	}
	{       /* VAR linkage 7 */
		const uint32_t t[] = {
			1, INFO(BTF_KIND_INT, 0, 0), 4, INT_ENC(0, 0, 32),
			15, INFO(BTF_KIND_VAR, 0, 0), 1, 7,
		};
		n = make_btf(buf, t, sizeof(t), good_strs, sizeof(good_strs));
		expect_fail(buf, n, "BTF type [2] VAR 'a': linkage 7");
	}
	{       /* 40 consts in a row: too deep, no cycle */
		uint32_t t[4 + 40 * 3];

		memcpy(t, (const uint32_t[]){ 1, INFO(BTF_KIND_INT, 0, 0), 4, INT_ENC(0, 0, 32) }, 16);
		for (uint32_t i = 0; i < 40; i++) {     /* [i+2] const -> [i+1] */
			t[4 + 3 * i] = 0;
			t[5 + 3 * i] = INFO(BTF_KIND_CONST, 0, 0);
			t[6 + 3 * i] = i + 1;
		}
		n = make_btf(buf, t, sizeof(t), good_strs, sizeof(good_strs));
		expect_fail(buf, n, "BTF type [34] CONST '': more than 32 pointer/typedef/modifier/array links");
	}
}

/* ---- hand-made .BTF.ext --------------------------------------------------- */

static void test_btf_ext_blobs(void)
{
	/* [1] int, [2] func_proto int(void), [3] FUNC 'a' */
	const uint32_t types[] = {
		1, INFO(BTF_KIND_INT, 0, 0), 4, INT_ENC(0, 0, 32),
		0, INFO(BTF_KIND_FUNC_PROTO, 0, 0), 1,
		15, INFO(BTF_KIND_FUNC, 0, 1), 2,
	};
	uint8_t bbuf[256];
	size_t bn = make_btf(bbuf, types, sizeof(types), good_strs, sizeof(good_strs));
	/* header (32) | func_info: rec_size 8, sec "b"(17) x2 {0, 3} {16, 3}
	 *             | core_relo: rec_size 16, sec "b" x1 {8, 1, access "c"(19), kind 0} */
	uint32_t ext[] = {
		0x0001eb9f, 32, 0, 28, 28, 0, 28, 28,
		8, 17, 2, 0, 3, 16, 3,
		16, 17, 1, 8, 1, 19, 0,
	};
	struct rl_diag d = { "" };
	struct rl_btf btf;
	struct rl_btf_ext x;

	CHECK_EQ(rl_btf_parse(&btf, bbuf, bn, false, &d), 0);
	CHECK_EQ(rl_btf_ext_parse(&x, ext, sizeof(ext), &btf, &d), 0);
	CHECK_EQ(x.func_info.nr_secs, 1);
	CHECK_EQ(x.func_info.secs[0].nr_recs, 2);
	CHECK_STR(x.func_info.secs[0].sec_name, "b");
	CHECK_EQ(x.line_info.nr_secs, 0);
	CHECK_EQ(x.core_relo.nr_secs, 1);
	rl_btf_ext_free(&x);

	ext[14] = 999;                  /* second func_info type id */
	CHECK_EQ(rl_btf_ext_parse(&x, ext, sizeof(ext), &btf, &d), -EINVAL);
	CHECK_STR(d.msg, ".BTF.ext func_info: section 'b' record 1: type id 999 >= 4 types");
	ext[14] = 1;
	CHECK_EQ(rl_btf_ext_parse(&x, ext, sizeof(ext), &btf, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "record 1: type [1] is INT, expected a FUNC");
	ext[14] = 3;
	ext[13] = 12;                   /* insn_off in the middle of an instruction */
	CHECK_EQ(rl_btf_ext_parse(&x, ext, sizeof(ext), &btf, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "record 1: insn_off 12 is not a multiple of 8");
	ext[13] = 16;
	ext[21] = 13;                   /* CO-RE kind past type_matches */
	CHECK_EQ(rl_btf_ext_parse(&x, ext, sizeof(ext), &btf, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, ".BTF.ext core_relo: section 'b' record 0: relocation kind 13 is unknown");
	ext[21] = 0;
	ext[10] = 5;                    /* 5 records announced, 2 present */
	CHECK_EQ(rl_btf_ext_parse(&x, ext, sizeof(ext), &btf, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "section 'b': 5 records of 8 bytes run past the block");
	ext[10] = 2;
	ext[8] = 4;                     /* rec_size smaller than bpf_func_info */
	CHECK_EQ(rl_btf_ext_parse(&x, ext, sizeof(ext), &btf, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "rec_size 4, expected a multiple of 4 and at least 8");
	ext[8] = 8;
	ext[9] = 1000;                  /* section name offset */
	CHECK_EQ(rl_btf_ext_parse(&x, ext, sizeof(ext), &btf, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "section name offset 1000 is not a string");
	ext[9] = 17;
	ext[3] = 100;                   /* func_info block length */
	CHECK_EQ(rl_btf_ext_parse(&x, ext, sizeof(ext), &btf, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, ".BTF.ext func_info: block (off 0, len 100) runs past the 56 bytes after the header");
	ext[3] = 28;
	ext[0] = 0x0001eb9e;
	CHECK_EQ(rl_btf_ext_parse(&x, ext, sizeof(ext), &btf, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "bad magic 0xeb9e");
	ext[0] = 0x0001eb9f;
	{       /* a 24-byte header, from before CO-RE: no core_relo fields */
		const uint32_t old[] = { 0x0001eb9f, 24, 0, 28, 28, 0, 8, 17, 2, 0, 3, 16, 3 };

		CHECK_EQ(rl_btf_ext_parse(&x, old, sizeof(old), &btf, &d), 0);
		CHECK_EQ(x.func_info.nr_secs, 1);
		CHECK_EQ(x.core_relo.nr_secs, 0);
		rl_btf_ext_free(&x);
		CHECK_EQ(rl_btf_ext_parse(&x, old, 20, &btf, &d), -EINVAL);
		CHECK_CONTAINS(d.msg, ".BTF.ext header: only 20 bytes, the header needs at least 24");
	}
	rl_btf_free(&btf);

	CHECK_STR(rl_core_relo_kind_name(0), "byte_off");
	CHECK_STR(rl_core_relo_kind_name(5), "rshift_u64");
	CHECK_STR(rl_core_relo_kind_name(12), "type_matches");
	CHECK_STR(rl_core_relo_kind_name(13), "unknown");
}

/* Flavors: "a", "a___x", "a___y" and a STRUCT and a TYPEDEF both named "b". */
static void test_name_lookups(void)
{
	const uint32_t types[] = {
		15, INFO(BTF_KIND_INT, 0, 0), 4, INT_ENC(0, 0, 32),      /* [1] a */
		21, INFO(BTF_KIND_TYPEDEF, 0, 0), 1,                      /* [2] a___x */
		27, INFO(BTF_KIND_TYPEDEF, 0, 0), 1,                      /* [3] a___y */
		17, INFO(BTF_KIND_TYPEDEF, 0, 0), 5,                      /* [4] b (typedef) */
		17, INFO(BTF_KIND_STRUCT, 0, 0), 0,                       /* [5] b (struct) */
	};
	static const char strs[] = "\0int\0list\0next\0a\0b\0c\0a___x\0a___y";
	uint8_t buf[512];
	size_t n = make_btf(buf, types, sizeof(types), strs, sizeof(strs));
	struct rl_diag d = { "" };
	struct rl_btf btf;
	uint32_t ids[4] = { 0 };

	CHECK_EQ(rl_btf_parse(&btf, buf, n, false, &d), 0);
	CHECK_EQ(rl_btf_find_all_by_essential_name(&btf, "a___z", ids, 4), 3);
	CHECK(ids[0] == 1 && ids[1] == 2 && ids[2] == 3);
	CHECK_EQ(rl_btf_find_all_by_essential_name(&btf, "a", ids, 1), 3);   /* count > max */
	CHECK_EQ(rl_btf_find_all_by_name(&btf, "a", ids, 4), 1);
	CHECK_EQ(rl_btf_find_all_by_name(&btf, "a___y", ids, 4), 1);
	CHECK_EQ(ids[0], 3);
	CHECK_EQ(rl_btf_find_all_by_name(&btf, "b", ids, 4), 2);
	CHECK_EQ(rl_btf_find_by_name_kind(&btf, "b", BTF_KIND_STRUCT), 5);
	CHECK_EQ(rl_btf_find_by_name_kind(&btf, "b", BTF_KIND_TYPEDEF), 4);
	CHECK_EQ(rl_btf_find_by_name_kind(&btf, "", BTF_KIND_STRUCT), 0);
	CHECK_EQ(rl_btf_resolve_size(&btf, 4), 0);       /* an empty struct */
	rl_btf_free(&btf);
}

static void test_essential_names(void)
{
	CHECK_EQ(rl_btf_essential_name_len("task_struct"), 11);
	CHECK_EQ(rl_btf_essential_name_len("task_struct___v1"), 11);
	CHECK_EQ(rl_btf_essential_name_len("a___b___c"), 5);  /* the last separator */
	CHECK_EQ(rl_btf_essential_name_len("a____b"), 6);    /* four underscores: not a flavor */
	CHECK_EQ(rl_btf_essential_name_len("a___"), 4);      /* nothing after it */
	CHECK_EQ(rl_btf_essential_name_len("___a"), 4);      /* nothing before it */
	CHECK_EQ(rl_btf_essential_name_len("___"), 3);
	CHECK_EQ(rl_btf_essential_name_len("b___"), 4);
}

int main(void)
{
	static const struct unit_test tests[] = {
		UNIT_TEST(test_object_types),
		UNIT_TEST(test_object_fixup),
		UNIT_TEST(test_object_btf_ext),
		UNIT_TEST(test_vmlinux),
		UNIT_TEST(test_good_blob),
		UNIT_TEST(test_bad_header),
		UNIT_TEST(test_bad_types),
		UNIT_TEST(test_bad_semantics),
		UNIT_TEST(test_btf_ext_blobs),
		UNIT_TEST(test_name_lookups),
		UNIT_TEST(test_essential_names),
	};

	return unit_run("btf", tests, sizeof(tests) / sizeof(tests[0]));
}
