/* textbuf.h - snprintf into a fixed buffer, many times, without losing count.
 *
 * The pure formatters (explain_bpf.c, insn_dump.c) build long texts piece by
 * piece.  They follow snprintf's contract for the whole text: the result is
 * the length the complete text needs, the buffer holds as much as fits and is
 * always NUL-terminated, so a caller can tell "cut" (result >= size) from
 * "complete" and retry with a bigger buffer.
 */
#ifndef RL_TEXTBUF_H
#define RL_TEXTBUF_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

struct rl_textbuf {
	char *out;
	size_t cap;
	size_t len;     /* what the whole text needs, even past cap */
};

static inline void rl_tb_init(struct rl_textbuf *b, char *out, size_t cap)
{
	b->out = out;
	b->cap = cap;
	b->len = 0;
	if (cap)
		out[0] = '\0';
}

static inline void rl_tb_vprintf(struct rl_textbuf *b, const char *fmt, va_list ap)
{
	size_t room = b->len < b->cap ? b->cap - b->len : 0;
	int n = vsnprintf(room ? b->out + b->len : NULL, room, fmt, ap);

	if (n > 0)
		b->len += (size_t)n;
}

static inline void rl_tb_printf(struct rl_textbuf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static inline void rl_tb_printf(struct rl_textbuf *b, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	rl_tb_vprintf(b, fmt, ap);
	va_end(ap);
}

#endif
