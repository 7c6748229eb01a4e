/* vlog.c - verifier log policy: the load/retry loop and the tail that matters.
 *
 * What a log_level 1 log looks like (Linux 6.18, a refused XDP program):
 *
 *   0: R1=ctx() R10=fp0                              <- state at entry
 *   ; v = bpf_map_lookup_elem(&counters, &key); @ count.bpf.c:14
 *   10: (18) r1 = 0xffff888104418e00      ; R1=map_ptr(...)
 *   12: (85) call bpf_map_lookup_elem#1   ; R0=map_value_or_null(...)
 *   ; *v += 1; @ count.bpf.c:15                      <- source, from BTF line info
 *   13: (79) r1 = *(u64 *)(r0 +0)                    <- the insn it refused
 *   R0 invalid mem access 'map_value_or_null'        <- the reason
 *   processed 13 insns (limit 1000000) max_states_per_insn 0 ...   <- summary
 *
 * The reason is the last line before the summary (print_verification_stats()
 * runs after the walk, success or not); the "; ... @ file:line" lines appear
 * only when BPF_PROG_LOAD got line_info and the BTF it refers to.
 *
 * Buffer sizing: since Linux 6.4 the log is a ring by default - when it
 * overflows the kernel keeps the *end* (the useful part), fails the load with
 * ENOSPC even if the program was fine, and reports in log_true_size how big
 * the buffer had to be.  Older kernels keep the beginning and say nothing.
 * Either way we grow and load again.
 */
#include "vlog.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- loading with a log --------------------------------------------- */

bool rl_vlog_worth_retry(int err)
{
	switch (err) {
	case EPERM:     /* no CAP_BPF/CAP_SYS_ADMIN: refused before the verifier ran */
	case ENOMEM:    /* allocation (or, before 5.11, RLIMIT_MEMLOCK) */
	case EFAULT:    /* a bad pointer in the attr: our bug, not the program's */
	case EINTR:
	case EAGAIN:
		return false;
	}
	/* EACCES, EINVAL: the verifier's verdicts; E2BIG "BPF program is too
	 * large"; EBADF "fd N is not pointing to valid bpf_map" - all logged */
	return true;
}

uint32_t rl_vlog_next_size(uint32_t cur, uint32_t true_size)
{
	if (true_size > cur)
		return true_size < RL_VLOG_MAX_SIZE ? true_size : RL_VLOG_MAX_SIZE;
	if (cur >= RL_VLOG_MAX_SIZE / 4)
		return RL_VLOG_MAX_SIZE;
	return cur * 4;
}

/* The verifier checks signal_pending() while it walks and gives up with
 * EAGAIN, so a signal that arrives mid-load (SIGCHLD, a resize) is retried.
 * A few times only: the CLI's SIGINT handler decides what a ^C means. */
static int load_retrying_eagain(const struct rl_prog_load_opts *o)
{
	int fd = -EAGAIN;

	for (int i = 0; i < 5 && fd == -EAGAIN; i++)
		fd = rl_sys_prog_load(o);
	return fd;
}

/* Load with log_level 1, growing the buffer on ENOSPC.  first_err is the
 * log-less load's result (0 when there was none).  out->log receives the log. */
static int load_logged(struct rl_prog_load_opts *lo, int first_err, struct rl_vlog *out)
{
	uint32_t size = RL_VLOG_START_SIZE, true_size;
	char *nb;
	int fd;

	for (;;) {
		nb = realloc(out->log, size);
		if (!nb)
			return first_err ? first_err : -ENOMEM;
		out->log = nb;
		true_size = 0;
		lo->log_buf = nb;
		lo->log_size = size;
		lo->log_level = 1;
		lo->log_true_size_out = &true_size;
		fd = load_retrying_eagain(lo);
		if (fd != -ENOSPC || size >= RL_VLOG_MAX_SIZE)
			break;
		size = rl_vlog_next_size(size, true_size);
	}
	if (fd == -ENOSPC) {
		/* Even 16 MiB did not hold it.  Keep the (truncated) log, but
		 * the verdict must come from a load whose log cannot overflow:
		 * ENOSPC here says only that the log was full, not why the
		 * verifier refused (or whether it did). */
		out->truncated = true;
		if (first_err)
			return first_err;
		lo->log_buf = NULL;
		lo->log_size = lo->log_level = 0;
		lo->log_true_size_out = NULL;
		fd = load_retrying_eagain(lo);
	}
	return fd;
}

static int load_failed(int fd, const struct rl_vlog *out, struct rl_diag *d)
{
	if (fd >= 0)
		return fd;
	/* Linux >= 6.4 keeps the end of an overflowing log (the verdict),
	 * older kernels the beginning */
	return rl_err(d, -fd, "%s%s", strerror(-fd), out->truncated ?
		      " (the verifier log did not fit in 16 MiB: what follows is the part the kernel kept)" : "");
}

int rl_prog_load_with_log(const struct rl_prog_load_opts *o, struct rl_vlog *out,
			  bool always_log, struct rl_diag *d)
{
	struct rl_prog_load_opts lo = *o;
	int fd, first_err = 0;

	memset(out, 0, sizeof(*out));
	lo.log_buf = NULL;
	lo.log_size = lo.log_level = 0;
	lo.log_true_size_out = NULL;
	if (!always_log) {
		/* the fast path: most programs load, and then nobody reads a log */
		fd = load_retrying_eagain(&lo);
		if (fd >= 0 || !rl_vlog_worth_retry(-fd))
			return load_failed(fd, out, d);
		first_err = fd;
	}
	fd = load_logged(&lo, first_err, out);
	if (out->log && out->log[0]) {
		out->len = strlen(out->log);
	} else {
		free(out->log);      /* refused before the verifier wrote anything */
		out->log = NULL;
	}
	return load_failed(fd, out, d);
}

/* ---- the tail that explains ----------------------------------------- */

static bool starts_with(const char *s, size_t n, const char *prefix)
{
	size_t k = strlen(prefix);

	return n >= k && !memcmp(s, prefix, k);
}

/* Lines the verifier prints after its verdict, and blank lines. */
static bool is_summary_line(const char *s, size_t n)
{
	return n == 0 || starts_with(s, n, "processed ") ||
	       starts_with(s, n, "verification time ") || starts_with(s, n, "stack depth ");
}

static bool is_source_line(const char *s, size_t n)
{
	return starts_with(s, n, "; ");
}

/* Lines are [start, next) where next is the start of the following line;
 * `end` (n, or n + 1 when the text lacks a final '\n') acts as the start of
 * a line after the last one.  The line before `pos` starts here: */
static size_t line_before(const char *s, size_t pos)
{
	size_t i = pos - 1;

	while (i > 0 && s[i - 1] != '\n')
		i--;
	return i;
}

static size_t line_after(const char *s, size_t n, size_t pos)
{
	const char *nl = memchr(s + pos, '\n', n - pos);

	return nl ? (size_t)(nl - s) + 1 : n + 1;
}

struct tail_out {
	char *out;
	size_t cap, len;        /* len counts what would be written, like snprintf */
};

static void put(struct tail_out *t, const char *s, size_t n)
{
	if (t->len + 1 < t->cap) {
		size_t room = t->cap - 1 - t->len;

		memcpy(t->out + t->len, s, n < room ? n : room);
	}
	t->len += n;
}

/* Copy the lines in [from, to) (line starts) with a '\n' after each. */
static void put_lines(struct tail_out *t, const char *s, size_t n, size_t from, size_t to)
{
	for (size_t p = from; p < to; ) {
		size_t next = line_after(s, n, p);
		size_t end = next > n ? n : next - 1;   /* without the '\n' */

		put(t, s + p, end - p);
		put(t, "\n", 1);
		p = next;
	}
}

static size_t emit(const char *s, size_t n, size_t src, size_t src_next, size_t wstart,
		   size_t wend, char *out, size_t outlen)
{
	struct tail_out t = { out, outlen, 0 };

	if (src_next) {
		put_lines(&t, s, n, src, src_next);
		if (src_next < wstart)
			put(&t, "...\n", 4);
	}
	put_lines(&t, s, n, wstart, wend);
	out[t.len < outlen ? t.len : outlen - 1] = '\0';
	return t.len;
}

size_t rl_vlog_tail(const char *log, size_t len, char *out, size_t outlen, int max_lines)
{
	size_t n = log ? strnlen(log, len) : 0;
	size_t end, err = 0, err_next = 0, wstart, src = 0, src_next = 0, p, need;
	bool have_src = false;

	if (outlen)
		out[0] = '\0';
	if (!n || !outlen)
		return 0;
	if (max_lines <= 0)
		max_lines = RL_VLOG_TAIL_LINES;
	end = log[n - 1] == '\n' ? n : n + 1;

	/* the error line: the last one that is not part of the summary */
	for (p = end; p > 0 && !err_next; ) {
		size_t st = line_before(log, p);

		if (!is_summary_line(log + st, p - 1 - st)) {
			err = st;
			err_next = p;
		}
		p = st;
	}
	if (!err_next) {        /* nothing but summary: show the last line */
		err = line_before(log, end);
		err_next = end;
	}

	/* the window: max_lines lines ending with the error line */
	wstart = err;
	for (int k = 1; k < max_lines && wstart > 0; k++)
		wstart = line_before(log, wstart);
	for (p = wstart; p < err_next; p = line_after(log, n, p))
		if (is_source_line(log + p, line_after(log, n, p) - 1 - p))
			have_src = true;

	/* no source line inside: fetch the nearest one above */
	for (p = wstart; !have_src && p > 0 && !src_next; ) {
		size_t st = line_before(log, p);

		if (is_source_line(log + st, p - 1 - st)) {
			src = st;
			src_next = p;
		}
		p = st;
	}

	/* shrink from the top until it fits; the source line goes last */
	for (;;) {
		need = emit(log, n, src, src_next, wstart, err_next, out, outlen);
		if (need < outlen)
			return need;
		if (wstart < err)
			wstart = line_after(log, n, wstart);
		else if (src_next)
			src_next = 0;
		else
			return strlen(out);
	}
}
