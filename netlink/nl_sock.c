/* nl_sock.c - the NETLINK_ROUTE socket that carries every rtnetlink message
 * of netlink/ (XDP's RTM_SETLINK, tc's RTM_NEWQDISC / RTM_NEWTFILTER ...).
 *
 * One exchange, every time:
 *
 *   mnl_socket_open2(NETLINK_ROUTE)      socket(AF_NETLINK, SOCK_RAW, NETLINK_ROUTE)
 *   setsockopt(NETLINK_EXT_ACK = 1)      errors come with the kernel's words
 *   setsockopt(NETLINK_CAP_ACK = 1)      ... and without a copy of our request
 *   mnl_socket_bind(0, AUTOPID)          the kernel picks our port id
 *   sendto(request)                      to port 0: the kernel
 *   recvfrom(reply)                      the answer, or NLMSG_ERROR (0 = ACK);
 *                                        a dump: datagrams until NLMSG_DONE
 *   check nlmsg_seq == ours, nlmsg_pid == our port id
 *
 * A socket per exchange costs a few microseconds and means no state is
 * left behind between calls; an attach waits milliseconds in the kernel
 * anyway (dev_xdp_install on veth ends in synchronize_rcu()).
 */
#include "nl_sock.h"
#include "xdp_msg.h"   /* rl_nl_check_reply */

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>

#include <libmnl/libmnl.h>

/* RTM_NEWLINK for one device is 1-3 KiB (without IFLA_EXT_MASK the kernel
 * leaves out per-VF data); recvfrom reports a truncated one as ENOSPC. */
static struct rl_nl_observer observer;
static rl_nl_transport_fn transport;
static void *transport_ctx;
static int fault_nth, fault_err, fault_calls;
static int kill_nth;          /* tests: SIGKILL at that exchange */
static bool kill_after;
static uint32_t last_seq;

void rl_nl_set_observer(const struct rl_nl_observer *o)
{
	if (o)
		observer = *o;
	else
		memset(&observer, 0, sizeof(observer));
}

void rl_nl_set_transport(rl_nl_transport_fn fn, void *ctx)
{
	transport = fn;
	transport_ctx = ctx;
}

void rl_nl_set_fault(int nth, int err)
{
	fault_nth = nth;
	fault_err = err;
	fault_calls = 0;
}

uint32_t rl_nl_next_seq(void)
{
	return ++last_seq;
}

void rl_nl_diag_append(struct rl_diag *d, const char *fmt, ...)
{
	size_t used;
	va_list ap;

	if (!d)
		return;
	used = strlen(d->msg);
	va_start(ap, fmt);
	vsnprintf(d->msg + used, sizeof(d->msg) - used, fmt, ap);
	va_end(ap);
}

/* A dump (NLM_F_DUMP) answers in several datagrams of NLM_F_MULTI messages,
 * the last one ending with NLMSG_DONE; anything else is one datagram.  The
 * datagrams are laid end to end in buf, so the caller walks one stream. */
static bool wants_more(const void *buf, size_t len)
{
	const struct nlmsghdr *nlh = buf, *last = NULL;
	int rem = len > 0x7fffffff ? 0x7fffffff : (int)len;

	for (; mnl_nlmsg_ok(nlh, rem); nlh = mnl_nlmsg_next(nlh, &rem))
		last = nlh;
	return last && (last->nlmsg_flags & NLM_F_MULTI) && last->nlmsg_type != NLMSG_DONE &&
	       last->nlmsg_type != NLMSG_ERROR;
}

static ssize_t recv_all(struct mnl_socket *nl, char *buf, size_t buflen)
{
	size_t used = 0;
	ssize_t n = -EIO;

	do {
		if (used == buflen) {
			errno = ENOSPC;
			return -1;
		}
		do
			n = mnl_socket_recvfrom(nl, buf + used, buflen - used);
		while (n < 0 && errno == EINTR);
		if (n < 0)
			return -1;
		used += (size_t)n;
	} while (n > 0 && wants_more(buf, used));
	return (ssize_t)used;
}

static ssize_t socket_exchange(const struct nlmsghdr *req, void *buf, size_t buflen,
			       struct rl_diag *d)
{
	struct mnl_socket *nl;
	uint32_t portid;
	ssize_t n = -EIO;
	int one = 1, err;

	nl = mnl_socket_open2(NETLINK_ROUTE, SOCK_CLOEXEC);
	if (!nl)
		return rl_err(d, errno, "socket(AF_NETLINK, NETLINK_ROUTE): %s", strerror(errno));
	/* Both options exist since Linux 4.12/4.3; an older kernel refusing
	 * them only costs us the kernel's words, so the result is ignored. */
	mnl_socket_setsockopt(nl, NETLINK_EXT_ACK, &one, sizeof(one));
	mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one));
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0) {
		err = rl_err(d, errno, "bind(AF_NETLINK): %s", strerror(errno));
		goto exit_socket;
	}
	portid = mnl_socket_get_portid(nl);
	if (mnl_socket_sendto(nl, req, req->nlmsg_len) < 0) {
		err = rl_err(d, errno, "sendto(NETLINK_ROUTE): %s", strerror(errno));
		goto exit_socket;
	}
	n = recv_all(nl, buf, buflen);
	if (n < 0) {
		if (errno == ENOSPC)
			err = rl_err(d, EMSGSIZE, "reply larger than %zu bytes", buflen);
		else
			err = rl_err(d, errno, "recvfrom(NETLINK_ROUTE): %s", strerror(errno));
		goto exit_socket;
	}
	err = rl_nl_check_reply(buf, (size_t)n, req->nlmsg_seq, portid, d);
exit_socket:
	mnl_socket_close(nl);
	return err < 0 ? err : n;
}

/* RAWLOAD_NL_FAULT="N:ERRNO" (a number) arms a fault in test builds only,
 * like RAWLOAD_FAULT for bpf(2) in loader/kernel/sys_bpf.c. */
static void read_fault_env(void)
{
#ifdef RL_FAULT_INJECTION
	static bool done;
	const char *env = getenv("RAWLOAD_NL_FAULT");
	const char *colon = env ? strchr(env, ':') : NULL;

	if (done)
		return;
	done = true;
	/* "N:KILL" dies just before the Nth exchange, "N:KILL+" just after its
	 * reply arrived (the kernel has changed): the crash-safety walks */
	if (colon && atoi(env) > 0 && !strncmp(colon + 1, "KILL", 4)) {
		kill_nth = atoi(env);
		kill_after = colon[5] == '+';
	} else if (colon && atoi(env) > 0 && atoi(colon + 1) > 0) {
		rl_nl_set_fault(atoi(env), atoi(colon + 1));
	}
#endif
}

/* The one place a request leaves this file: fault injection, the test
 * transport, or the real socket. */
ssize_t rl_nl_call(const struct nlmsghdr *req, void *reply, size_t replylen, struct rl_diag *d)
{
	ssize_t n = -EIO;

	read_fault_env();
	if (fault_nth > 0 && ++fault_calls == fault_nth) {
		fault_nth = 0;
		return rl_err(d, fault_err, "injected fault: %s", strerror(fault_err));
	}
	if (kill_nth > 0 && --kill_nth == 0 && !kill_after)
		raise(SIGKILL);
	if (transport)
		n = transport(transport_ctx, req, reply, replylen, d);
	else
		n = socket_exchange(req, reply, replylen, d);
	if (kill_after && kill_nth == 0)
		raise(SIGKILL);
	return n;
}

void rl_nl_notify(const struct nlmsghdr *req, const void *reply, int result)
{
	if (observer.on_message)
		observer.on_message(observer.ctx, req, reply, result);
}

