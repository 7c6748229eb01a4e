/* diag.h - the caller-owned diagnostic that every layer adds context to.
 *
 * rawload's error convention: a function returns 0 (or an fd / count) on
 * success and a negative errno on failure.  The *words* that explain the
 * failure travel separately, in a struct rl_diag the caller owns.  The
 * innermost layer writes the reason ("relocation 3 refers to symbol 42, but
 * .symtab has 17 symbols"); each outer layer prefixes its context
 * ("section 'xdp': "), so the CLI prints one line that reads from the
 * outside in.  Library code never prints and never exits.
 */
#ifndef RL_DIAG_H
#define RL_DIAG_H

#include <stddef.h>

#define RL_DIAG_MAX 1024

struct rl_diag {
	char msg[RL_DIAG_MAX];
};

/* Replace the message.  Returns -err so callers can `return rl_err(d, EINVAL, ...)`. */
int rl_err(struct rl_diag *d, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Prefix the existing message with more context ("map 'x': " + old). */
void rl_diag_prefix(struct rl_diag *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

void rl_diag_clear(struct rl_diag *d);

#endif
