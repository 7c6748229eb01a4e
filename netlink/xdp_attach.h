/* xdp_attach.h - attach, replace, detach and query XDP programs over rtnetlink.
 *
 * The socket side of netlink/: each call opens an AF_NETLINK/NETLINK_ROUTE
 * socket with libmnl, sends one request built by xdp_msg.c, reads the one
 * reply, checks that it answers our request (nlmsg_seq, nlmsg_pid) and turns
 * the kernel's verdict - with its extended-ack words - into 0 or -errno and
 * a one-line rl_diag:
 *
 *   RTM_SETLINK on ifindex 7 (attach, native mode): EBUSY (kernel: 'XDP
 *   program already attached'); use --replace to swap it atomically
 *
 * Kernel path of an attach: rtnl_setlink -> do_setlink -> dev_change_xdp_fd
 * -> dev_xdp_attach -> dev_xdp_install -> ndo_bpf(XDP_SETUP_PROG).
 *
 * Never prints: the CLI's --explain mode watches through an observer.
 */
#ifndef RL_XDP_ATTACH_H
#define RL_XDP_ATTACH_H

#include <stdbool.h>
#include <sys/types.h>

#include "diag.h"
#include "undo.h"
#include "nl_sock.h"
#include "xdp_msg.h"

/* Attach prog_fd to the device in `mode`.  Without `replace` the kernel
 * refuses (EBUSY) when a program is already attached in that mode; with it,
 * the swap happens only if expected_fd's program is the one attached now
 * (EEXIST otherwise), atomically.  expected_fd -1 with replace means "only
 * if none is attached" (dev_change_xdp_fd leaves old_prog NULL), so a
 * caller that queried and found nothing keeps the same guarantee.
 * 0 or -errno. */
int rl_xdp_attach(int ifindex, int prog_fd, enum rl_xdp_mode mode, bool replace,
		  int expected_fd, struct rl_diag *d);

/* Detach whatever is attached: query first, then send fd -1 with the mode
 * bit of each mode that holds a program.  -ENOENT when nothing is attached. */
int rl_xdp_detach(int ifindex, struct rl_diag *d);

/* Detach only if the program attached in `mode` is expected_fd's (fd -1 +
 * XDP_FLAGS_REPLACE + IFLA_XDP_EXPECTED_FD): the safe undo of an attach,
 * which never removes somebody else's program.  -EEXIST if it is not ours. */
int rl_xdp_detach_expected(int ifindex, enum rl_xdp_mode mode, int expected_fd,
			   struct rl_diag *d);

/* The undo step of an attach (struct rl_undo_step's RL_UNDO_CALL): detach
 * s->prog_fd from s->ifindex in s->mode with rl_xdp_detach_expected, so it
 * never removes someone else's program.  rl_xdp_undo_step() fills one. */
int rl_xdp_undo_attach(const struct rl_undo_step *s, struct rl_diag *d);
struct rl_undo_step rl_xdp_undo_step(int ifindex, enum rl_xdp_mode mode, int prog_fd);

/* What is attached to the device now (RTM_GETLINK). */
int rl_xdp_query(int ifindex, struct rl_xdp_state *st, struct rl_diag *d);

/* The kernel functions a request enters, for --explain. */
const char *rl_xdp_query_kernel_path(void);    /* RTM_GETLINK */

#endif
