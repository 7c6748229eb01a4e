/* xdp_explain.h - a netlink message as hex bytes beside their meaning.
 *
 * The teaching mode (--explain) prints what rawload sends to the kernel and
 * what comes back, field by field, in the order the bytes sit in memory:
 *
 *   nlmsghdr   34 00 00 00              nlmsg_len = 52
 *              13 00                    nlmsg_type = RTM_SETLINK (19)
 *              05 00                    nlmsg_flags = NLM_F_REQUEST|NLM_F_ACK
 *   ...
 *   nlattr     14 00 2b 80              nla_len = 20, nla_type = IFLA_XDP (43)|NLA_F_NESTED
 *     nlattr   08 00 01 00              nla_len = 8, nla_type = IFLA_XDP_FD (1)
 *              05 00 00 00              = 5 (a program fd of the sending process)
 *
 * Decoded: RTM_SETLINK / RTM_GETLINK / RTM_NEWLINK (ifinfomsg, the common
 * IFLA_* attributes, IFLA_XDP in full) and NLMSG_ERROR (error code, the
 * echoed request header, the extended-ack attributes).  Anything else is
 * named and its length given.
 *
 * rl_nl_explain_step tells one whole exchange the way `rawload --explain`
 * prints it - step number, request, kernel path, where the driver installs
 * the program, the reply, the result:
 *
 *   [5] netlink RTM_SETLINK (NETLINK_ROUTE socket -> the kernel)
 *     request, 52 bytes:
 *       nlmsghdr   34 00 00 00             nlmsg_len = 52
 *       ...
 *     kernel path      from the Linux source, not traced (indented = called by ...)
 *                        rtnl_setlink
 *                          do_setlink ...     (stops where the kernel refused)
 *     reply (NLMSG_ERROR; error 0 is the ACK), 36 bytes:
 *       ...
 *     result           0 (acknowledged: the kernel did it)
 *
 * Pure: no I/O.  What only the process can find out (the device's driver)
 * the caller passes in.
 */
#ifndef RL_XDP_EXPLAIN_H
#define RL_XDP_EXPLAIN_H

#include <stdbool.h>
#include <stddef.h>

#include <linux/netlink.h>

/* Render nlh (nlh->nlmsg_len bytes are read, never more) into out, always
 * NUL-terminated when outlen > 0.  Returns the length of the whole text, as
 * snprintf does: a result >= outlen means it was cut. */
size_t rl_nl_explain(char *out, size_t outlen, const struct nlmsghdr *nlh);

struct rl_nl_step {
	unsigned step;                  /* the narration's step number */
	const struct nlmsghdr *req;
	const struct nlmsghdr *reply;   /* NULL: none arrived */
	int result;                     /* what the caller got: 0 or -errno */
	const char *driver;             /* the device's driver ("veth"; ETHTOOL_GDRVINFO), NULL if unknown */
	bool whole_reply;               /* -v: every byte of an RTM_NEWLINK, not its IFLA_XDP summary */
};

/* Render one exchange, starting with a blank line; snprintf-style like
 * rl_nl_explain. */
size_t rl_nl_explain_step(char *out, size_t outlen, const struct rl_nl_step *s);

/* The kernel path of an RTM_SETLINK carrying IFLA_XDP (kpath.h tree):
 * native or skb mode, attach or detach, the driver's ndo_bpf by name. */
size_t rl_xdp_setlink_tree(char *out, size_t outlen, const struct nlmsghdr *req, const char *driver);
/* The function of that tree where the source raises the refusal (extack
 * words first, then errno); NULL when result is 0, "" when it cannot tell. */
const char *rl_xdp_setlink_stop(const struct nlmsghdr *req, const struct nlmsghdr *reply, int result,
				const char *driver);

#endif
