/* nl_explain_internal.h - the field writer of xdp_explain.c, shared with
 * tc_explain.c so both narrate a message the same way, byte by byte:
 * LABEL (11 columns)  HEX (8 bytes a line)  MEANING.  Pure, like both. */
#ifndef RL_NL_EXPLAIN_INTERNAL_H
#define RL_NL_EXPLAIN_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

/* Which attribute space a payload belongs to. */
enum rl_nla_ctx { RL_NLA_LINK, RL_NLA_XDP, RL_NLA_EXTACK, RL_NLA_TC, RL_NLA_TC_BPF };

struct rl_nlw {
	char *out;
	size_t cap;
	size_t len;           /* what the whole text needs, even past cap */
	const char *indent;   /* before every field line ("" or NULL: none) */
	/* xdp_explain.c's walkers, handed down so tc_explain.c can nest
	 * without calling up (rl_nlw_attrs, rl_nlw_message) */
	void (*attrs)(struct rl_nlw *w, int depth, const uint8_t *p, size_t len, enum rl_nla_ctx ctx);
	void (*message)(struct rl_nlw *w, const char *title, const struct nlmsghdr *nlh);
};

void rl_nlw_printf(struct rl_nlw *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* nl_explain.c.  One field: label, n bytes at p in hex, what they mean. */
void rl_nlw_field(struct rl_nlw *w, int depth, const char *label, const uint8_t *p, size_t n,
		  const char *fmt, ...) __attribute__((format(printf, 6, 7)));
/* xdp_explain.c.  Every attribute of len bytes at p, each length checked
 * before use; a whole message under a title, indented. */
void rl_nlw_attrs(struct rl_nlw *w, int depth, const uint8_t *p, size_t len, enum rl_nla_ctx ctx);
void rl_nlw_message(struct rl_nlw *w, const char *title, const struct nlmsghdr *nlh);

#endif
