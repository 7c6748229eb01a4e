/* nl_sock.h - one rtnetlink exchange: a request out, its whole answer in.
 *
 * The socket side shared by every backend of netlink/ (xdp_attach.c,
 * tc_attach.c): nl_sock.c opens an AF_NETLINK/NETLINK_ROUTE socket with
 * libmnl, sends the request, reads the reply (every datagram of a dump, up
 * to NLMSG_DONE), and checks that it answers our request (nlmsg_seq,
 * nlmsg_pid).  The observer (--explain), the fake-kernel transport (unit
 * tests) and fault injection (RAWLOAD_NL_FAULT) sit here, so they see every
 * backend's messages.
 */
#ifndef RL_NL_SOCK_H
#define RL_NL_SOCK_H

#include <stdint.h>
#include <sys/types.h>

#include <linux/netlink.h>

#include "diag.h"

/* A dump of a device's tc filters or one RTM_NEWLINK fits many times. */
#define RL_NL_REPLY_BUFSZ (32 * 1024)

/* A fresh nlmsg_seq for the next request. */
uint32_t rl_nl_next_seq(void);

/* Send req and read its answer into reply: the byte count, or -errno with d
 * filled (socket errors, a reply that answers something else, a fault). */
ssize_t rl_nl_call(const struct nlmsghdr *req, void *reply, size_t replylen, struct rl_diag *d);

/* Tell the observer about one finished exchange (reply NULL: none arrived). */
void rl_nl_notify(const struct nlmsghdr *req, const void *reply, int result);

/* Append to d->msg (for hints after the kernel's words). */
void rl_nl_diag_append(struct rl_diag *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* --explain: on_message runs after every exchange with the request, the
 * reply (NULL if none arrived) and the result the caller is about to get.
 * NULL or an observer with on_message NULL switches it off. */
struct rl_nl_observer {
	void (*on_message)(void *ctx, const struct nlmsghdr *req,
			   const struct nlmsghdr *reply, int result);
	void *ctx;
};
void rl_nl_set_observer(const struct rl_nl_observer *o);

/* Tests: replace the socket by a fake kernel.  The function receives the
 * request and writes the reply bytes into reply; it returns their count or
 * -errno (and may fill d).  NULL restores the real socket. */
typedef ssize_t (*rl_nl_transport_fn)(void *ctx, const struct nlmsghdr *req,
				      void *reply, size_t replylen, struct rl_diag *d);
void rl_nl_set_transport(rl_nl_transport_fn fn, void *ctx);

/* Tests: make the nth netlink exchange from now (1 = the next one) fail
 * with -err before anything is sent.  nth 0 switches it off.  The fault
 * fires once. */
void rl_nl_set_fault(int nth, int err);

#endif
