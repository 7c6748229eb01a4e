/* test_inflate.c - the DEFLATE/gzip decoder (loader/kernel/inflate.c) against
 * the gzip binary: data written to /tmp, compressed there with `gzip -N`,
 * decoded here and compared; /proc/config.gz against `zcat`; damaged inputs
 * each refused with -errno and a message. */
#include "unit.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "inflate.h"

static char tmpdir[64];

static int gunzip_buf(const uint8_t *in, size_t len, size_t cap, struct rl_inflate_out *o,
		      struct rl_diag *d)
{
	memset(o, 0, sizeof(*o));
	o->cap = cap;
	d->msg[0] = '\0';
	return rl_gunzip(in, len, o, d);
}

/* `cmd` > path's .gz; its bytes, or NULL. */
static uint8_t *gzip_file(const char *path, const char *flags, size_t *len)
{
	char cmd[256], out[128];

	snprintf(out, sizeof(out), "%s.gz", path);
	snprintf(cmd, sizeof(cmd), "gzip %s -c '%s' > '%s'", flags, path, out);
	if (system(cmd) != 0)
		return NULL;
	return unit_read_file(out, len);
}

static void fill(uint8_t *p, size_t n, int kind)
{
	uint32_t x = 12345;

	for (size_t i = 0; i < n; i++) {
		x = x * 1103515245u + 12345u;
		if (kind == 0)
			p[i] = (uint8_t)(x >> 16);                 /* random */
		else if (kind == 1)
			p[i] = "CONFIG_BPF=y\n# CONFIG_FOO is not set\nCONFIG_HZ=250\n"[(x >> 16) % 50]; /* text */
		else
			p[i] = 0;
	}
	if (kind == 1)  /* longer repeats too */
		for (size_t i = 4000; i + 300 < n; i += 997)
			memcpy(p + i, p + i - 3000, 300);
}

static void round_trip(size_t n, int kind, const char *flags)
{
	uint8_t *data = malloc(n ? n : 1), *gz;
	char path[128];
	struct rl_inflate_out o;
	struct rl_diag d;
	size_t gzlen;
	FILE *f;

	fill(data, n, kind);
	snprintf(path, sizeof(path), "%s/data", tmpdir);
	f = fopen(path, "wb");
	CHECK(f && fwrite(data, 1, n, f) == n);
	fclose(f);
	gz = gzip_file(path, flags, &gzlen);
	CHECK(gz != NULL);
	if (gz) {
		int err = gunzip_buf(gz, gzlen, 1 << 24, &o, &d);

		if (err)
			fprintf(stderr, "  %zu bytes kind %d gzip %s: %s\n", n, kind, flags, d.msg);
		CHECK_EQ(err, 0);
		CHECK_EQ(o.len, n);
		CHECK(o.len == n && !memcmp(o.buf, data, n));
		CHECK(o.buf && o.buf[o.len] == 0);
		free(o.buf);
	}
	free(gz);
	free(data);
}

static void test_round_trips(void)
{
	static const size_t sizes[] = { 0, 1, 100, 5000, 70000, 300000 };
	static const char *const levels[] = { "-1 -n", "-6", "-9 -n", "-1" };

	for (int kind = 0; kind < 3; kind++)
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
			for (size_t l = 0; l < sizeof(levels) / sizeof(levels[0]); l++)
				round_trip(sizes[s], kind, levels[l]);
}

/* gzip stores what it cannot compress: the first block of random data is
 * BTYPE 00, and the stored path must give the bytes back. */
static void test_stored_blocks(void)
{
	uint8_t data[70000], *gz;
	char path[128];
	size_t gzlen;
	FILE *f;

	fill(data, sizeof(data), 0);
	snprintf(path, sizeof(path), "%s/data", tmpdir);
	f = fopen(path, "wb");
	CHECK(f && fwrite(data, 1, sizeof(data), f) == sizeof(data));
	fclose(f);
	gz = gzip_file(path, "-9 -n", &gzlen);
	CHECK(gz && gzlen > 10);
	if (gz) {
		struct rl_inflate_out o;
		struct rl_diag d;

		CHECK_EQ((gz[10] >> 1) & 3, 0);  /* -n: no name, the stream starts at byte 10 */
		CHECK_EQ(gunzip_buf(gz, gzlen, 1 << 20, &o, &d), 0);
		CHECK(o.len == sizeof(data) && !memcmp(o.buf, data, sizeof(data)));
		free(o.buf);
	}
	free(gz);
	round_trip(200000, 0, "-6");
}

static void test_proc_config(void)
{
	char cmd[256], path[128];
	size_t gzlen = 0, plainlen = 0;
	uint8_t *gz = unit_read_file("/proc/config.gz", &gzlen), *plain;
	struct rl_inflate_out o;
	struct rl_diag d;

	if (!gz) {
		printf("  (no /proc/config.gz on this kernel: skipped)\n");
		return;
	}
	snprintf(path, sizeof(path), "%s/config", tmpdir);
	snprintf(cmd, sizeof(cmd), "zcat /proc/config.gz > '%s'", path);
	CHECK_EQ(system(cmd), 0);
	plain = unit_read_file(path, &plainlen);
	CHECK(plain && plainlen > 1000);
	CHECK_EQ(gunzip_buf(gz, gzlen, 64 << 20, &o, &d), 0);
	CHECK_EQ(o.len, plainlen);
	CHECK(plain && o.len == plainlen && !memcmp(o.buf, plain, plainlen));
	CHECK(o.buf && strstr((char *)o.buf, "CONFIG_BPF=y"));
	free(o.buf);
	free(plain);
	free(gz);
}

/* A little bit writer for hand-made streams: fields low bit first, Huffman
 * codes first bit (most significant) first. */
struct bw { uint8_t b[64]; size_t bit; };

static void put(struct bw *w, uint32_t v, int n)
{
	for (int i = 0; i < n; i++, w->bit++)
		if (v >> i & 1)
			w->b[w->bit / 8] |= (uint8_t)(1u << (w->bit % 8));
}

static void put_code(struct bw *w, uint32_t code, int n)
{
	for (int i = n - 1; i >= 0; i--)
		put(w, code >> i & 1, 1);
}

static int inflate_bw(const struct bw *w, struct rl_inflate_out *o, struct rl_diag *d)
{
	memset(o, 0, sizeof(*o));
	o->cap = 1 << 16;
	d->msg[0] = '\0';
	return rl_inflate(w->b, (w->bit + 7) / 8, NULL, o, d);
}

static void test_hand_made(void)
{
	struct rl_inflate_out o;
	struct rl_diag d;
	struct bw w = { { 0 }, 0 };

	/* fixed block: 'a', then length 3 at distance 1 -> "aaaa" */
	put(&w, 1, 1);
	put(&w, 1, 2);
	put_code(&w, 0x30 + 'a', 8);
	put_code(&w, 1, 7);        /* 257: length 3 */
	put_code(&w, 0, 5);        /* distance code 0: distance 1 */
	put_code(&w, 0, 7);        /* 256: end of block */
	CHECK_EQ(inflate_bw(&w, &o, &d), 0);
	CHECK(o.len == 4 && !memcmp(o.buf, "aaaa", 4));
	free(o.buf);

	/* the same with distance 2 after one byte: before the start */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 1, 2);
	put_code(&w, 0x30 + 'a', 8);
	put_code(&w, 1, 7);
	put_code(&w, 1, 5);        /* distance code 1: distance 2 */
	put_code(&w, 0, 7);
	CHECK_EQ(inflate_bw(&w, &o, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "distance 2 reaches before the 1 bytes written");
	free(o.buf);

	/* distance code 30 (only in the fixed code's table, never valid) */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 1, 2);
	put_code(&w, 0x30 + 'a', 8);
	put_code(&w, 1, 7);
	put_code(&w, 30, 5);
	CHECK_EQ(inflate_bw(&w, &o, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "distance code 30 not valid");
	free(o.buf);

	/* block type 3 */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 3, 2);
	CHECK_EQ(inflate_bw(&w, &o, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "block type 3");
	free(o.buf);

	/* stored block whose NLEN is not ~LEN */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 0, 2);
	put(&w, 0, 5);
	put(&w, 3, 16);
	put(&w, 0x1234, 16);
	CHECK_EQ(inflate_bw(&w, &o, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "not the complement of NLEN");
	free(o.buf);

	/* stored block longer than the input */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 0, 2);
	put(&w, 0, 5);
	put(&w, 100, 16);
	put(&w, ~100u & 0xffff, 16);
	CHECK_EQ(inflate_bw(&w, &o, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "input ends inside a block");
	free(o.buf);

	/* dynamic block claiming 287 literal/length codes (HLIT 30) */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 2, 2);
	put(&w, 30, 5);
	put(&w, 0, 5);
	put(&w, 0, 4);
	CHECK_EQ(inflate_bw(&w, &o, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "287 length");
	free(o.buf);

	/* dynamic block whose code length code is over-subscribed (four 1-bit codes) */
	memset(&w, 0, sizeof(w));
	put(&w, 1, 1);
	put(&w, 2, 2);
	put(&w, 0, 5);
	put(&w, 0, 5);
	put(&w, 0, 4);             /* 4 code length code lengths */
	for (int i = 0; i < 4; i++)
		put(&w, 1, 3);
	CHECK_EQ(inflate_bw(&w, &o, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "over-subscribed");
	free(o.buf);
}

/* A text file gzip'ed with a name: header fields, every damage we can name. */
static void test_damaged(void)
{
	uint8_t data[20000], *gz, *bad;
	char path[128];
	struct rl_inflate_out o;
	struct rl_diag d;
	size_t gzlen;
	int refused = 0;
	FILE *f;

	fill(data, sizeof(data), 1);
	snprintf(path, sizeof(path), "%s/data", tmpdir);
	f = fopen(path, "wb");
	CHECK(f && fwrite(data, 1, sizeof(data), f) == sizeof(data));
	fclose(f);
	gz = gzip_file(path, "-6", &gzlen);   /* FNAME "data" */
	CHECK(gz && gzlen > 30 && (gz[3] & 8));
	if (!gz)
		return;
	bad = malloc(gzlen + 64);

	/* every truncation */
	for (size_t n = 0; n < gzlen; n++) {
		int err = gunzip_buf(gz, n, 1 << 20, &o, &d);

		CHECK_EQ(err, -EINVAL);
		CHECK(d.msg[0] != '\0');
		free(o.buf);
	}
	/* CRC-32 and ISIZE */
	memcpy(bad, gz, gzlen);
	bad[gzlen - 8] ^= 1;
	CHECK_EQ(gunzip_buf(bad, gzlen, 1 << 20, &o, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "CRC-32");
	free(o.buf);
	memcpy(bad, gz, gzlen);
	bad[gzlen - 4] ^= 1;
	CHECK_EQ(gunzip_buf(bad, gzlen, 1 << 20, &o, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "ISIZE");
	free(o.buf);
	/* magic, method, reserved flags */
	memcpy(bad, gz, gzlen);
	bad[1] = 0x8c;
	CHECK_EQ(gunzip_buf(bad, gzlen, 1 << 20, &o, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "magic");
	free(o.buf);
	memcpy(bad, gz, gzlen);
	bad[2] = 7;
	CHECK_EQ(gunzip_buf(bad, gzlen, 1 << 20, &o, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "compression method 7");
	free(o.buf);
	memcpy(bad, gz, gzlen);
	bad[3] |= 0x80;
	CHECK_EQ(gunzip_buf(bad, gzlen, 1 << 20, &o, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "reserved flag");
	free(o.buf);
	/* the size cap */
	CHECK_EQ(gunzip_buf(gz, gzlen, 1000, &o, &d), -EFBIG);
	CHECK_CONTAINS(d.msg, "1000 bytes allowed");
	free(o.buf);
	/* trailing garbage after the member */
	memcpy(bad, gz, gzlen);
	bad[gzlen] = 'x';
	CHECK_EQ(gunzip_buf(bad, gzlen + 1, 1 << 20, &o, &d), -EINVAL);
	free(o.buf);
	/* every single-bit flip in the stream: refused or decoded, never a crash;
	 * the CRC catches nearly all of them (the name, bytes 10..14, is free) */
	for (size_t i = 15; i < gzlen; i++) {
		memcpy(bad, gz, gzlen);
		bad[i] ^= (uint8_t)(1u << (i % 8));
		if (gunzip_buf(bad, gzlen, 1 << 20, &o, &d) < 0) {
			refused++;
			CHECK(d.msg[0] != '\0');
		}
		free(o.buf);
	}
	CHECK(refused >= (int)(gzlen - 15) - 2);
	free(bad);
	free(gz);
}

/* FEXTRA, FCOMMENT and FHCRC (the gzip binary writes none of them): added to
 * a gzip -n member by hand; two members in a row. */
static void test_header_fields(void)
{
	uint8_t data[3000], *gz, *x;
	char path[128];
	struct rl_inflate_out o;
	struct rl_diag d;
	size_t gzlen, n = 0, crc_at;
	uint32_t c;
	FILE *f;

	fill(data, sizeof(data), 1);
	snprintf(path, sizeof(path), "%s/data", tmpdir);
	f = fopen(path, "wb");
	CHECK(f && fwrite(data, 1, sizeof(data), f) == sizeof(data));
	fclose(f);
	gz = gzip_file(path, "-9 -n", &gzlen);
	CHECK(gz && gz[3] == 0);
	if (!gz)
		return;
	x = malloc(2 * gzlen + 64);
	memcpy(x, gz, 10);
	x[3] = 2 | 4 | 8 | 16;
	n = 10;
	x[n++] = 3;
	x[n++] = 0;
	memcpy(x + n, "abc", 3), n += 3;
	memcpy(x + n, "name", 5), n += 5;
	memcpy(x + n, "a comment", 10), n += 10;
	crc_at = n;
	c = rl_crc32(0, x, n);
	x[n++] = (uint8_t)c;
	x[n++] = (uint8_t)(c >> 8);
	memcpy(x + n, gz + 10, gzlen - 10);
	n += gzlen - 10;
	memcpy(x + n, gz, gzlen);  /* a second, plain member */
	n += gzlen;
	CHECK_EQ(gunzip_buf(x, n, 1 << 20, &o, &d), 0);
	CHECK(o.len == 2 * sizeof(data) && !memcmp(o.buf, data, sizeof(data)) &&
	      !memcmp(o.buf + sizeof(data), data, sizeof(data)));
	free(o.buf);
	x[crc_at] ^= 1;
	CHECK_EQ(gunzip_buf(x, n, 1 << 20, &o, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "header CRC");
	free(o.buf);
	x[crc_at] ^= 1;
	/* XLEN past the end */
	CHECK_EQ(gunzip_buf(x, 14, 1 << 20, &o, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "FEXTRA");
	free(o.buf);
	/* a name without its zero */
	CHECK_EQ(gunzip_buf(x, 18, 1 << 20, &o, &d), -EINVAL);
	CHECK_CONTAINS(d.msg, "file name without");
	free(o.buf);
	free(x);
	free(gz);
}

static void test_crc32(void)
{
	CHECK_EQ(rl_crc32(0, (const uint8_t *)"123456789", 9), 0xcbf43926u);  /* RFC 1952's check value */
	CHECK_EQ(rl_crc32(0, NULL, 0), 0);
}

int main(void)
{
	static const struct unit_test tests[] = {
		UNIT_TEST(test_crc32),
		UNIT_TEST(test_round_trips),
		UNIT_TEST(test_stored_blocks),
		UNIT_TEST(test_proc_config),
		UNIT_TEST(test_hand_made),
		UNIT_TEST(test_damaged),
		UNIT_TEST(test_header_fields),
	};
	char cmd[96];
	int rc;

	snprintf(tmpdir, sizeof(tmpdir), "/tmp/rl_inflate.%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", tmpdir);
	if (system(cmd) != 0)
		return 1;
	rc = unit_run("inflate", tests, sizeof(tests) / sizeof(tests[0]));
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmpdir);
	if (system(cmd) != 0)
		return 1;
	return rc;
}
