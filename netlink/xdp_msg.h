/* xdp_msg.h - the rtnetlink messages that attach, detach and query XDP.
 *
 * Pure: bytes in, bytes out.  Nothing here opens a socket, so the exact
 * bytes that --explain prints, that the unit tests compare and that
 * xdp_attach.c sends are produced by the same functions.
 *
 * Attach / replace / detach is one RTM_SETLINK request:
 *
 *   +--------------------+ 16 bytes  nlmsg_len, RTM_SETLINK, NLM_F_REQUEST|NLM_F_ACK,
 *   | struct nlmsghdr    |           nlmsg_seq, nlmsg_pid = 0
 *   +--------------------+ 16 bytes  ifi_family = AF_UNSPEC, ifi_index = the device
 *   | struct ifinfomsg   |
 *   +--------------------+
 *   | IFLA_XDP | NESTED  |  nlattr { len, type } around the three below
 *   |  IFLA_XDP_FD       |  s32: the program fd, -1 to detach
 *   |  IFLA_XDP_FLAGS    |  u32: one mode bit + UPDATE_IF_NOEXIST or REPLACE
 *   |  IFLA_XDP_EXPECTED_FD  s32: only with XDP_FLAGS_REPLACE
 *   +--------------------+
 *
 * The kernel answers with NLMSG_ERROR: error 0 is the ACK, a negative error
 * is a refusal, and with NETLINK_EXT_ACK set the refusal carries the
 * kernel's own words in NLMSGERR_ATTR_MSG.
 *
 * Query is RTM_GETLINK (same two headers, no attributes); the reply is an
 * RTM_NEWLINK describing the device, whose nested IFLA_XDP holds
 * IFLA_XDP_ATTACHED and the program ids per mode.
 */
#ifndef RL_XDP_MSG_H
#define RL_XDP_MSG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/netlink.h>

#include "diag.h"

/* Big enough for any request built here (52..60 bytes used). */
#define RL_XDP_REQ_BUFSZ 128

enum rl_xdp_mode {
	RL_XDP_MODE_NATIVE,   /* XDP_FLAGS_DRV_MODE: in the driver, via ndo_bpf */
	RL_XDP_MODE_SKB,      /* XDP_FLAGS_SKB_MODE: generic XDP, after the skb is built */
	RL_XDP_MODE_HW,       /* XDP_FLAGS_HW_MODE: offloaded to the NIC */
};

/* One RTM_SETLINK request.  prog_fd -1 detaches.
 *   replace: send IFLA_XDP_EXPECTED_FD = expected_fd with XDP_FLAGS_REPLACE,
 *            so the kernel swaps only if expected_fd's program is the one
 *            attached now (with prog_fd -1: detach only that program;
 *            with expected_fd -1: only if no program is attached);
 *   else:    attach with XDP_FLAGS_UPDATE_IF_NOEXIST so a program already
 *            there is never replaced silently (a plain detach sends only
 *            the mode bit). */
struct rl_xdp_setlink_req {
	int ifindex;
	int prog_fd;
	enum rl_xdp_mode mode;
	bool replace;
	int expected_fd;
	uint32_t seq;
};

/* What IFLA_XDP in an RTM_NEWLINK says is attached.  Ids are 0 when absent. */
struct rl_xdp_state {
	uint8_t attached;        /* XDP_ATTACHED_NONE / DRV / SKB / HW / MULTI */
	uint32_t prog_id;        /* the single program, not sent for MULTI */
	uint32_t drv_prog_id, skb_prog_id, hw_prog_id;
};

/* NLMSG_ERROR decoded.  msg points into the message (NUL-terminated by the
 * check in rl_nl_parse_error), or is NULL when the kernel gave no words. */
struct rl_nl_ack {
	int error;               /* 0 = ACK, else -errno */
	const char *msg;         /* NLMSGERR_ATTR_MSG */
	bool has_offs;
	uint32_t offs;           /* NLMSGERR_ATTR_OFFS: byte offset in our request */
};

uint32_t rl_xdp_mode_flag(enum rl_xdp_mode mode);    /* XDP_FLAGS_*_MODE */
const char *rl_xdp_mode_name(enum rl_xdp_mode mode); /* "native", "skb", "hw" */
const char *rl_xdp_attached_name(uint8_t attached);  /* "none", "native", ... */

/* The IFLA_XDP_FLAGS value the request will carry. */
uint32_t rl_xdp_setlink_flags(const struct rl_xdp_setlink_req *r);

/* Build into buf; NULL when buflen is too small or ifindex <= 0. */
struct nlmsghdr *rl_xdp_build_setlink(void *buf, size_t buflen, const struct rl_xdp_setlink_req *r);
struct nlmsghdr *rl_xdp_build_getlink(void *buf, size_t buflen, int ifindex, uint32_t seq);

/* Decode one NLMSG_ERROR message (nlh->nlmsg_len trusted to be within the
 * buffer).  0 with *ack filled, or -EBADMSG if it is not a well-formed one. */
int rl_nl_parse_error(const struct nlmsghdr *nlh, struct rl_nl_ack *ack);

/* Decode the RTM_NEWLINK reply to rl_xdp_build_getlink. */
int rl_xdp_parse_newlink(const struct nlmsghdr *nlh, struct rl_xdp_state *st, struct rl_diag *d);

/* Does every message of the len bytes received answer our request: the
 * same nlmsg_seq, and nlmsg_pid = portid, the port id the kernel gave our
 * socket in bind()?  0, or -EPROTO naming the field that differs, or
 * -EBADMSG when the bytes hold no complete message. */
int rl_nl_check_reply(const void *buf, size_t len, uint32_t seq, uint32_t portid,
		      struct rl_diag *d);

/* Walk the len bytes received for request `seq` and find its answer.
 * 0 for an ACK; -errno for a refusal, with d = "EBUSY (kernel: 'XDP program
 * already attached')"; -EPROTO/-EBADMSG for a wrong or damaged reply.
 * ack (may be NULL) receives the decoded NLMSG_ERROR. */
int rl_xdp_parse_ack(const struct nlmsghdr *nlh, size_t len, uint32_t seq,
		     struct rl_nl_ack *ack, struct rl_diag *d);

/* "IFLA_XDP_FD" for the types inside IFLA_XDP; NULL when unknown. */
const char *rl_xdp_attr_name(uint16_t type);

/* The name of the attribute that starts `offs` bytes into req (the value of
 * NLMSGERR_ATTR_OFFS), e.g. "IFLA_XDP_FLAGS"; NULL when none starts there. */
const char *rl_xdp_attr_at(const struct nlmsghdr *req, uint32_t offs);

/* "EBUSY" for 16 or -16; "errno" for values the C library cannot name. */
const char *rl_nl_errno_name(int err);

#endif
