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
 * named and its length given.  Pure: no I/O.
 */
#ifndef RL_XDP_EXPLAIN_H
#define RL_XDP_EXPLAIN_H

#include <stddef.h>

#include <linux/netlink.h>

/* Render nlh (nlh->nlmsg_len bytes are read, never more) into out, always
 * NUL-terminated when outlen > 0.  Returns the length of the whole text, as
 * snprintf does: a result >= outlen means it was cut. */
size_t rl_nl_explain(char *out, size_t outlen, const struct nlmsghdr *nlh);

#endif
