/* inflate.c - DEFLATE (RFC 1951) and the gzip member around it (RFC 1952).
 *
 * No kernel interface of its own: /proc/config.gz (CONFIG_IKCONFIG_PROC) is a
 * gzip file and kconfig.c needs its text; this file turns the bytes into the
 * text so rawload links no compression library.  Pure: bytes in, bytes out.
 *
 * A gzip file is one or more members:
 *
 *   +----+----+----+-----+----------+-----+----+
 *   | 1f | 8b | CM | FLG | MTIME(4) | XFL | OS |   CM 8 = deflate
 *   +----+----+----+-----+----------+-----+----+
 *   [XLEN(2) + XLEN bytes]  if FLG & 4  (FEXTRA)
 *   [file name, ending 0]   if FLG & 8  (FNAME)
 *   [comment, ending 0]     if FLG & 16 (FCOMMENT)
 *   [CRC-16(2)]             if FLG & 2  (FHCRC: low half of the header's CRC-32)
 *   +=== DEFLATE stream ===+-----------+----------+
 *   |  ...                 | CRC-32(4) | ISIZE(4) |  little-endian; ISIZE = length mod 2^32
 *   +======================+-----------+----------+
 *
 * The DEFLATE stream is a run of blocks, read as bits from the least
 * significant bit of each byte up; a Huffman code is read first bit first
 * (its most significant bit), every other field least significant bit first:
 *
 *   block: BFINAL(1) BTYPE(2) ...
 *     BTYPE 00 stored:  skip to a byte boundary | LEN(2) | NLEN(2) = ~LEN | LEN bytes
 *     BTYPE 01 fixed:   symbols coded with the fixed codes (lit/len: 0-143 8 bits,
 *                       144-255 9, 256-279 7, 280-287 8; distances 5 bits)
 *     BTYPE 10 dynamic: HLIT(5)+257 HDIST(5)+1 HCLEN(4)+4
 *                       | HCLEN x 3-bit code-length-code lengths, in the order
 *                         16 17 18 0 8 7 9 6 10 5 11 4 12 3 13 2 14 1 15
 *                       | HLIT + HDIST code lengths, coded with that code
 *                         (16: repeat previous 3-6, 17: 3-10 zeros, 18: 11-138 zeros)
 *                       | the symbols, coded with the two codes just built
 *     BTYPE 11          an error
 *   symbols: 0-255 a literal byte, 256 end of block, 257-285 a length (plus
 *   extra bits) followed by a distance code (plus extra bits): copy `length`
 *   bytes from `distance` back in the output (they may overlap).
 *
 * Codes are canonical (RFC 1951 3.2.2): only each symbol's code length is sent;
 * codes of one length are consecutive, in symbol order, after all shorter ones.
 * Decoding walks the lengths 1..15 keeping the first code of each length, so
 * one table of counts and one of symbols sorted by length are enough.
 */
#include "inflate.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_BITS 15
#define MAX_LIT  288  /* 286 used, 2 more in the fixed code */
#define MAX_DIST 32   /* 30 used, 2 more in the fixed code */

struct bits {
	const uint8_t *p;
	size_t len, pos;   /* next unread byte */
	uint32_t buf;      /* bits read from p but not consumed, low bit first */
	int cnt;
};

struct huff {
	uint16_t count[MAX_BITS + 1];  /* codes of each length */
	uint16_t sym[MAX_LIT];         /* symbols ordered by code */
};

/* n (0..16) bits, least significant first; -1 when the input ends. */
static int getbits(struct bits *b, int n)
{
	uint32_t v;

	while (b->cnt < n) {
		if (b->pos >= b->len)
			return -1;
		b->buf |= (uint32_t)b->p[b->pos++] << b->cnt;
		b->cnt += 8;
	}
	v = b->buf & ((1u << n) - 1);
	b->buf >>= n;
	b->cnt -= n;
	return (int)v;
}

/* Canonical code from lengths[0..n): 0, or -1 when over-subscribed (more codes
 * of some length than the shorter ones leave room for).  Incomplete codes are
 * allowed (a lone distance code is one bit long); unused codes fail to decode. */
static int huff_build(struct huff *h, const uint8_t *lengths, int n)
{
	uint16_t offs[MAX_BITS + 2];
	int left = 1;

	memset(h->count, 0, sizeof(h->count));
	for (int s = 0; s < n; s++)
		h->count[lengths[s]]++;
	h->count[0] = 0;
	for (int len = 1; len <= MAX_BITS; len++) {
		left = left * 2 - h->count[len];
		if (left < 0)
			return -1;
	}
	offs[1] = 0;
	for (int len = 1; len <= MAX_BITS; len++)
		offs[len + 1] = (uint16_t)(offs[len] + h->count[len]);
	for (int s = 0; s < n; s++)
		if (lengths[s])
			h->sym[offs[lengths[s]]++] = (uint16_t)s;
	return 0;
}

/* One symbol: -1 when the input ends, -2 on a code that is not in h. */
static int huff_decode(struct bits *b, const struct huff *h)
{
	int code = 0, first = 0, index = 0;

	for (int len = 1; len <= MAX_BITS; len++) {
		int bit = getbits(b, 1), count = h->count[len];

		if (bit < 0)
			return -1;
		code |= bit;
		if (code - first < count)  /* a code of this length */
			return h->sym[index + code - first];
		index += count;
		first = (first + count) << 1;
		code <<= 1;
	}
	return -2;
}

static int out_grow(struct rl_inflate_out *o, size_t more, struct rl_diag *d)
{
	size_t want = o->len + more, na;
	uint8_t *nb;

	if (want < o->len || want > o->cap)
		return rl_err(d, EFBIG, "deflate: output larger than the %zu bytes allowed", o->cap);
	if (want <= o->alloc)
		return 0;
	na = o->alloc ? o->alloc : 1 << 16;
	while (na < want)
		na = na > o->cap / 2 ? o->cap + 1 : na * 2;  /* cap + 1: the spare byte */
	nb = realloc(o->buf, na);
	if (!nb)
		return rl_err(d, ENOMEM, "deflate: out of memory for %zu bytes", na);
	o->buf = nb;
	o->alloc = na;
	return 0;
}

static int truncated(struct rl_diag *d, const struct bits *b)
{
	return rl_err(d, EINVAL, "deflate: input ends inside a block (after %zu bytes)", b->pos);
}

static int stored_block(struct bits *b, struct rl_inflate_out *o, struct rl_diag *d)
{
	unsigned len, nlen;
	int err;

	b->buf = 0;  /* the rest of the current byte is padding */
	b->cnt = 0;
	if (b->len - b->pos < 4)
		return truncated(d, b);
	len = b->p[b->pos] | (unsigned)b->p[b->pos + 1] << 8;
	nlen = b->p[b->pos + 2] | (unsigned)b->p[b->pos + 3] << 8;
	b->pos += 4;
	if (len != (~nlen & 0xffff))
		return rl_err(d, EINVAL, "deflate: stored block at byte %zu: LEN %#x is not the complement of NLEN %#x",
			      b->pos - 4, len, nlen);
	if (b->len - b->pos < len)
		return truncated(d, b);
	if ((err = out_grow(o, len, d)))
		return err;
	memcpy(o->buf + o->len, b->p + b->pos, len);
	o->len += len;
	b->pos += len;
	return 0;
}

static const uint16_t len_base[29] = {
	3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31,
	35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258 };
static const uint8_t len_extra[29] = {
	0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0 };
static const uint16_t dist_base[30] = {
	1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
	1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577 };
static const uint8_t dist_extra[30] = {
	0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13 };

/* The symbols of one Huffman block up to end-of-block; start is where this
 * DEFLATE stream's output began (distances may not reach before it). */
static int huffman_block(struct bits *b, const struct huff *lit, const struct huff *dist,
			 struct rl_inflate_out *o, size_t start, struct rl_diag *d)
{
	for (;;) {
		int sym = huff_decode(b, lit), e, ds;
		size_t len, dst;
		int err;

		if (sym == -1)
			return truncated(d, b);
		if (sym < 0)
			return rl_err(d, EINVAL, "deflate: byte %zu: a literal/length code not in the table", b->pos);
		if (sym < 256) {
			if ((err = out_grow(o, 1, d)))
				return err;
			o->buf[o->len++] = (uint8_t)sym;
			continue;
		}
		if (sym == 256)
			return 0;
		if (sym > 285)
			return rl_err(d, EINVAL, "deflate: byte %zu: length symbol %d (285 is the last)", b->pos, sym);
		if ((e = getbits(b, len_extra[sym - 257])) < 0)
			return truncated(d, b);
		len = len_base[sym - 257] + (size_t)e;
		ds = huff_decode(b, dist);
		if (ds == -1)
			return truncated(d, b);
		if (ds < 0 || ds > 29)
			return rl_err(d, EINVAL, "deflate: byte %zu: distance code %d not valid", b->pos, ds);
		if ((e = getbits(b, dist_extra[ds])) < 0)
			return truncated(d, b);
		dst = dist_base[ds] + (size_t)e;
		if (dst > o->len - start)
			return rl_err(d, EINVAL, "deflate: byte %zu: distance %zu reaches before the %zu bytes written",
				      b->pos, dst, o->len - start);
		if ((err = out_grow(o, len, d)))
			return err;
		for (size_t i = 0; i < len; i++, o->len++)  /* byte by byte: the copy may overlap */
			o->buf[o->len] = o->buf[o->len - dst];
	}
}

static void fixed_codes(struct huff *lit, struct huff *dist)
{
	uint8_t l[MAX_LIT];
	int s = 0;

	for (; s < 144; s++)
		l[s] = 8;
	for (; s < 256; s++)
		l[s] = 9;
	for (; s < 280; s++)
		l[s] = 7;
	for (; s < MAX_LIT; s++)
		l[s] = 8;
	huff_build(lit, l, MAX_LIT);
	memset(l, 5, MAX_DIST);
	huff_build(dist, l, MAX_DIST);
}

/* The header of a dynamic block: the two codes it sends. */
static int dynamic_codes(struct bits *b, struct huff *lit, struct huff *dist, struct rl_diag *d)
{
	static const uint8_t order[19] = { 16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15 };
	uint8_t l[MAX_LIT + MAX_DIST] = { 0 };
	int hlit = getbits(b, 5), hdist = getbits(b, 5), hclen = getbits(b, 4), n = 0;
	struct huff cl;

	if (hclen < 0)
		return truncated(d, b);
	hlit += 257;
	hdist += 1;
	hclen += 4;
	if (hlit > 286 || hdist > 30)
		return rl_err(d, EINVAL, "deflate: byte %zu: dynamic block with %d length and %d distance codes (at most 286 and 30)",
			      b->pos, hlit, hdist);
	for (int i = 0; i < hclen; i++) {
		int v = getbits(b, 3);

		if (v < 0)
			return truncated(d, b);
		l[order[i]] = (uint8_t)v;
	}
	if (huff_build(&cl, l, 19))
		return rl_err(d, EINVAL, "deflate: byte %zu: over-subscribed code length code", b->pos);
	memset(l, 0, 19);
	while (n < hlit + hdist) {
		int sym = huff_decode(b, &cl), rep, val = 0;

		if (sym == -1)
			return truncated(d, b);
		if (sym < 0)
			return rl_err(d, EINVAL, "deflate: byte %zu: a code length code not in the table", b->pos);
		if (sym < 16) {
			l[n++] = (uint8_t)sym;
			continue;
		}
		if (sym == 16) {
			if (n == 0)
				return rl_err(d, EINVAL, "deflate: byte %zu: repeat of a code length before the first", b->pos);
			val = l[n - 1];
			rep = getbits(b, 2);
			rep = rep < 0 ? rep : rep + 3;
		} else if (sym == 17) {
			rep = getbits(b, 3);
			rep = rep < 0 ? rep : rep + 3;
		} else {
			rep = getbits(b, 7);
			rep = rep < 0 ? rep : rep + 11;
		}
		if (rep < 0)
			return truncated(d, b);
		if (n + rep > hlit + hdist)
			return rl_err(d, EINVAL, "deflate: byte %zu: code length repeat runs past the %d lengths", b->pos, hlit + hdist);
		memset(l + n, val, (size_t)rep);
		n += rep;
	}
	if (!l[256])
		return rl_err(d, EINVAL, "deflate: byte %zu: dynamic block without an end-of-block code", b->pos);
	if (huff_build(lit, l, hlit) || huff_build(dist, l + hlit, hdist))
		return rl_err(d, EINVAL, "deflate: byte %zu: over-subscribed literal/length or distance code", b->pos);
	return 0;
}

int rl_inflate(const uint8_t *in, size_t len, size_t *used, struct rl_inflate_out *out,
	       struct rl_diag *d)
{
	struct bits b = { .p = in, .len = len };
	size_t start = out->len;
	struct huff lit, dist;
	int last, type, err;

	do {
		last = getbits(&b, 1);
		type = getbits(&b, 2);
		if (type < 0)
			return truncated(d, &b);
		switch (type) {
		case 0:
			err = stored_block(&b, out, d);
			break;
		case 1:
			fixed_codes(&lit, &dist);
			err = huffman_block(&b, &lit, &dist, out, start, d);
			break;
		case 2:
			err = dynamic_codes(&b, &lit, &dist, d);
			if (!err)
				err = huffman_block(&b, &lit, &dist, out, start, d);
			break;
		default:
			return rl_err(d, EINVAL, "deflate: byte %zu: block type 3 (reserved)", b.pos);
		}
		if (err)
			return err;
	} while (!last);
	if (used)
		*used = b.pos;  /* bits left in b.buf are padding of the last byte */
	return 0;
}

uint32_t rl_crc32(uint32_t crc, const uint8_t *p, size_t n)
{
	crc = ~crc;
	while (n--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & -(crc & 1));
	}
	return ~crc;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* The member header: *hdr_len its size, or -EINVAL. */
static int gzip_header(const uint8_t *p, size_t len, size_t *hdr_len, struct rl_diag *d)
{
	size_t pos = 10;
	uint8_t flg;

	if (len < 10 || p[0] != 0x1f || p[1] != 0x8b)
		return rl_err(d, EINVAL, "gzip: no gzip magic 1f 8b");
	if (p[2] != 8)
		return rl_err(d, EINVAL, "gzip: compression method %u (8, deflate, is the only one)", p[2]);
	flg = p[3];
	if (flg & 0xe0)
		return rl_err(d, EINVAL, "gzip: reserved flag bits set (FLG %#x)", flg);
	if (flg & 4) {  /* FEXTRA */
		size_t xlen;

		if (len - pos < 2)
			return rl_err(d, EINVAL, "gzip: header ends inside FEXTRA");
		xlen = p[pos] | (size_t)p[pos + 1] << 8;
		if (len - pos - 2 < xlen)
			return rl_err(d, EINVAL, "gzip: FEXTRA of %zu bytes past the end", xlen);
		pos += 2 + xlen;
	}
	for (int bit = 8; bit <= 16; bit <<= 1) {  /* FNAME, FCOMMENT: zero-terminated */
		const uint8_t *z;

		if (!(flg & bit))
			continue;
		z = memchr(p + pos, 0, len - pos);
		if (!z)
			return rl_err(d, EINVAL, "gzip: header %s without its terminating zero",
				      bit == 8 ? "file name" : "comment");
		pos = (size_t)(z - p) + 1;
	}
	if (flg & 2) {  /* FHCRC: the low 16 bits of the CRC-32 of the header so far */
		if (len - pos < 2)
			return rl_err(d, EINVAL, "gzip: header ends inside FHCRC");
		if ((rl_crc32(0, p, pos) & 0xffff) != (p[pos] | (unsigned)p[pos + 1] << 8))
			return rl_err(d, EINVAL, "gzip: header CRC mismatch");
		pos += 2;
	}
	*hdr_len = pos;
	return 0;
}

int rl_gunzip(const uint8_t *in, size_t len, struct rl_inflate_out *out, struct rl_diag *d)
{
	size_t pos = 0;
	int err;

	do {
		size_t hdr = 0, used = 0, start = out->len;
		uint32_t crc;

		if ((err = gzip_header(in + pos, len - pos, &hdr, d)))
			return err;
		pos += hdr;
		if ((err = rl_inflate(in + pos, len - pos, &used, out, d)))
			return err;
		pos += used;
		if (len - pos < 8)
			return rl_err(d, EINVAL, "gzip: member ends without its CRC-32 and ISIZE trailer");
		crc = rl_crc32(0, out->buf + start, out->len - start);
		if (crc != le32(in + pos))
			return rl_err(d, EINVAL, "gzip: CRC-32 %#010x of the data, the trailer says %#010x",
				      crc, le32(in + pos));
		if ((uint32_t)(out->len - start) != le32(in + pos + 4))
			return rl_err(d, EINVAL, "gzip: %zu bytes of data, the trailer's ISIZE says %u",
				      out->len - start, le32(in + pos + 4));
		pos += 8;
	} while (pos < len);
	if (out->len == out->alloc) {  /* the spare byte (alloc is at most cap + 1) */
		uint8_t *nb = realloc(out->buf, out->len + 1);

		if (!nb)
			return rl_err(d, ENOMEM, "gzip: out of memory");
		out->buf = nb;
		out->alloc = out->len + 1;
	}
	out->buf[out->len] = 0;
	return 0;
}
