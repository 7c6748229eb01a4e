/* vlog.h - the verifier log: when to ask for it, how big, which part to show.
 *
 * BPF_PROG_LOAD can fill a user buffer with the verifier's account of its
 * walk through the program.  Asking for it costs time (the verifier formats
 * a line per instruction and state), so rawload loads without a log first
 * and asks again with one only when the program was refused.  The kernel
 * answers ENOSPC when the log does not fit; the buffer then grows.
 */
#ifndef RL_VLOG_H
#define RL_VLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag.h"
#include "sys_bpf.h"

#define RL_VLOG_START_SIZE (64u << 10)  /* first log buffer: 64 KiB */
#define RL_VLOG_MAX_SIZE   (16u << 20)  /* give up growing at 16 MiB */
#define RL_VLOG_TAIL_LINES 20           /* rl_vlog_tail()'s default */

/* What rl_prog_load_with_log() got back besides the fd. */
struct rl_vlog {
	char *log;              /* malloc'd, NUL-terminated (caller frees), or NULL: no log */
	size_t len;             /* strlen(log) */
	bool truncated;         /* ENOSPC even at RL_VLOG_MAX_SIZE: log is the part that fit */
};

/* Load a program, fetching the verifier log when it helps.
 *   always_log false: load without a log; on a refusal a log can explain,
 *                     load again with log_level 1 and return that log.
 *   always_log true:  (-v) load with log_level 1 and return the log even on
 *                     success.
 * The log fields of *o are ignored (this function owns the buffer).
 * Returns the prog fd or -errno.  On failure *d says why in the kernel's
 * errno words, and that the log did not fit when so; the caller adds which
 * program and BPF_PROG_LOAD in front. */
int rl_prog_load_with_log(const struct rl_prog_load_opts *o, struct rl_vlog *out,
			  bool always_log, struct rl_diag *d);

/* Pure policy, exposed for tests. */
/* May a verifier log explain a BPF_PROG_LOAD failing with err (positive errno)? */
bool rl_vlog_worth_retry(int err);
/* The next buffer size after ENOSPC with `cur` bytes; true_size is what the
 * kernel said the log needs (Linux >= 6.4), 0 when unknown. */
uint32_t rl_vlog_next_size(uint32_t cur, uint32_t true_size);

/* Copy the part of a verifier log that explains the refusal into out:
 * the last max_lines lines (<= 0: RL_VLOG_TAIL_LINES) ending at the error
 * line - the last line before the "processed N insns" summary - preceded by
 * the nearest source line ("; *v += 1; @ prog.c:15", which the verifier
 * prints from BTF line info) when none is inside that window, with "..."
 * marking the lines skipped in between.  Every line ends in '\n'.  If out is
 * too small, lines are dropped from the top.  Returns the bytes written
 * (out is always NUL-terminated when outlen > 0). */
size_t rl_vlog_tail(const char *log, size_t len, char *out, size_t outlen, int max_lines);

#endif
