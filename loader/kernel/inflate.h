/* inflate.h - DEFLATE (RFC 1951) and gzip members (RFC 1952), bytes in, bytes out.
 * Pure: no fds, no syscalls; used for /proc/config.gz (kconfig.c). */
#ifndef RL_INFLATE_H
#define RL_INFLATE_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* The growing output: buf/len are the bytes so far; cap is the most the
 * caller accepts (-EFBIG beyond it).  buf is malloc'ed; the caller frees it. */
struct rl_inflate_out {
	uint8_t *buf;
	size_t len, alloc, cap;
};

/* A raw DEFLATE stream: in[0..len) up to and including its final block.
 * *used (may be NULL) gets the bytes consumed (rounded up to a byte). */
int rl_inflate(const uint8_t *in, size_t len, size_t *used, struct rl_inflate_out *out,
	       struct rl_diag *d);

/* A gzip file: one or more members, each header + DEFLATE + CRC-32 + ISIZE.
 * out->buf gets one spare byte past out->len (set to 0) for text parsers. */
int rl_gunzip(const uint8_t *in, size_t len, struct rl_inflate_out *out, struct rl_diag *d);

/* CRC-32 (the IEEE polynomial, reflected, as gzip's trailer). */
uint32_t rl_crc32(uint32_t crc, const uint8_t *p, size_t n);

#endif
