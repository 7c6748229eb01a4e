/* explain_link.c - BPF_LINK_CREATE and BPF_LINK_DETACH: the attachment that
 * is itself a BPF object.
 *
 * A link is a file (an anon inode, "bpf-link") that holds one program on
 * one hook.  Its references are fds and pins like any BPF object's; when the
 * last goes, bpf_link_put -> bpf_link_free -> ops->release takes the program
 * off the hook.  A netlink XDP attach, by contrast, is held by the device:
 * the device's slot keeps its own reference to the program until the next
 * RTM_SETLINK, whatever happens to the process that sent it.
 *
 * Links on a cgroup or a sockmap, against BPF_PROG_ATTACH:
 *
 *   BPF_PROG_ATTACH                      BPF_LINK_CREATE
 *   the target holds the program         the target holds a link, the link
 *                                        holds the program
 *   stays until BPF_PROG_DETACH (or the  stays while the link has an fd or a
 *   cgroup / the map's last user ref     pin; a killed loader's unpinned link
 *   goes), whoever is left to do it      detaches itself (bpf_link_release)
 *   anyone may detach or replace it      only through the link (its fd/pin)
 *
 * The trees (net/core/dev.c, kernel/bpf/syscall.c, kernel/bpf/cgroup.c,
 * net/core/sock_map.c) were checked against Linux 6.18, docs/kernel-paths.md.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* strerrorname_np */
#endif
#include "explain_bpf_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <linux/if_link.h>

#define RL_BPF_TCX_INGRESS 46     /* Linux 6.6, newer than the build's header */
#define RL_BPF_TCX_EGRESS  47

/* The driver's ndo_bpf, by driver name (ETHTOOL_GDRVINFO). */
const char *rl_explain_xdp_ndo(const char *driver, const char **note)
{
	static const struct { const char *drv, *ndo, *note; } drivers[] = {
		{ "veth", "veth_xdp", "veth's ndo_bpf; veth_xdp_set (inlined) sets up NAPI and a page_pool" },
		{ "virtio_net", "virtnet_xdp", "virtio_net's ndo_bpf (virtnet_xdp_set)" },
		{ "i40e", "i40e_xdp", "i40e's ndo_bpf (i40e_xdp_setup)" },
		{ "ixgbe", "ixgbe_xdp", "ixgbe's ndo_bpf (ixgbe_xdp_setup)" },
		{ "tun", "tun_xdp", "tun's ndo_bpf (tun_xdp_set)" },
	};

	for (size_t i = 0; driver && i < sizeof(drivers) / sizeof(drivers[0]); i++)
		if (!strcmp(driver, drivers[i].drv)) {
			*note = drivers[i].note;
			return drivers[i].ndo;
		}
	*note = driver ? "the driver's net_device_ops.ndo_bpf (XDP_SETUP_PROG)"
		       : "the driver's net_device_ops.ndo_bpf (XDP_SETUP_PROG; driver unknown)";
	return "ndo_bpf";
}

static const char *xdp_mode_text(uint32_t flags)
{
	if (flags & XDP_FLAGS_HW_MODE)
		return "XDP_FLAGS_HW_MODE (offloaded to the NIC)";
	if (flags & XDP_FLAGS_DRV_MODE)
		return "XDP_FLAGS_DRV_MODE (native: the driver's ndo_bpf)";
	if (flags & XDP_FLAGS_SKB_MODE)
		return "XDP_FLAGS_SKB_MODE (generic XDP in the receive path)";
	return "0 (native if the driver has ndo_bpf, else skb: dev_xdp_mode)";
}

/* link_create -> bpf_xdp_link_attach (net/core/dev.c), Linux 6.18. */
static void xdp_tree(char *out, size_t len, uint32_t flags, const char *driver)
{
	const char *note, *ndo = rl_explain_xdp_ndo(driver, &note);
	char install[400];

	if (flags & XDP_FLAGS_SKB_MODE)
		snprintf(install, sizeof(install),
			 "          generic_xdp_install       skb mode: the driver is not called\n"
			 "            static_key_slow_inc     generic_xdp_needed_key: do_xdp_generic() now runs"
			 " in the receive path\n");
	else
		snprintf(install, sizeof(install), "          %s %s\n", ndo, note);
	snprintf(out, len,
		 "link_create\n"
		 "  bpf_prog_get                prog_fd becomes the program (+1 reference), its type picks the backend\n"
		 "  bpf_xdp_link_attach         under rtnl_lock: the device by target_ifindex (this netns)\n"
		 "    bpf_link_init             a bpf_xdp_link that holds the program\n"
		 "    bpf_link_prime            an id (bpf_link_alloc_id) and an anon inode file, no fd yet\n"
		 "    dev_xdp_attach_link\n"
		 "      dev_xdp_attach          the mode's slot must be free: no link there, no netlink program\n"
		 "        dev_xdp_install       XDP_SETUP_PROG, through dev_xdp_bpf_op()\n"
		 "%s"
		 "          bpf_dispatcher_change_prog  the XDP dispatcher's direct call is re-patched\n"
		 "        dev_xdp_set_link      the slot now names the link, not a bare program\n"
		 "    bpf_link_settle           the fd is installed: the link is visible (bpftool link list)\n",
		 install);
}

/* Where a refused XDP link create stops, and why, in the source's terms. */
static const char *xdp_stop(int err, const char **why)
{
	switch (err) {
	case EBUSY:
		*why = "the slot is taken: \"Can't replace active BPF XDP link\" or \"Can't replace active"
		       " XDP program with BPF link\" (these words go to the xdp:bpf_xdp_link_attach_failed"
		       " tracepoint, not to the caller)";
		return "dev_xdp_attach";
	case EEXIST:
		*why = "the other mode (native/skb) already has a program";
		return "dev_xdp_attach";
	case EOPNOTSUPP:
		*why = "the driver has no ndo_bpf: native mode is not possible here (use skb)";
		return "dev_xdp_attach";
	case EINVAL:
		*why = "no device with target_ifindex in this network namespace, or flags other than one"
		       " mode bit";
		return "bpf_xdp_link_attach";
	case EPERM:
		*why = "needs CAP_NET_ADMIN";
		return "link_create";
	}
	*why = "";
	return "";
}

static void link_create_xdp(struct ex *x, const union bpf_attr *a, long result)
{
	char name[16] = "", driver[32] = "", tree[1800];
	bool known = x->fds && x->fds->describe_ifindex &&
		     x->fds->describe_ifindex(x->fds->ctx, a->link_create.target_ifindex, name, driver);
	const char *stop = NULL, *why = NULL;

	ex_field(x, "target_ifindex", "%" PRIu32 "%s%s%s", a->link_create.target_ifindex,
		 known ? " (" : "", known ? name : "", known ? ")" : "");
	ex_field(x, "attach_type", "BPF_XDP (%d)", BPF_XDP);
	ex_field(x, "flags", "%s", xdp_mode_text(a->link_create.flags));
	ex_field(x, "holder", "the link holds the program on the device, and fds and pins hold the link:"
		 " when the last goes (bpf_link_put -> bpf_xdp_link_release) the device lets go");
	ex_field(x, "vs netlink", "an RTM_SETLINK attach is held by the device itself until the next"
		 " RTM_SETLINK; netlink cannot replace or remove a link (\"Can't replace active BPF XDP"
		 " link\"), and a link cannot go over a netlink program");
	xdp_tree(tree, sizeof(tree), a->link_create.flags, known && driver[0] ? driver : NULL);
	if (result < 0)
		stop = xdp_stop((int)-result, &why);
	ex_path(x, tree, stop, why);
}

/* The other backends link_create picks by program type, named only. */
static const char *other_path(uint32_t attach_type)
{
	switch (attach_type) {
	case RL_BPF_TCX_INGRESS: case RL_BPF_TCX_EGRESS:
		return "link_create -> tcx_link_attach (kernel/bpf/tcx.c): a bpf_mprog entry on the device";
	case BPF_PERF_EVENT:
		return "link_create -> bpf_perf_link_attach -> perf_event_set_bpf_prog: the perf event runs it";
	case BPF_CGROUP_SOCK_OPS: case BPF_CGROUP_INET_INGRESS: case BPF_CGROUP_INET_EGRESS:
		return "link_create -> cgroup_bpf_link_attach -> cgroup_bpf_attach (with the link)";
	case BPF_SK_MSG_VERDICT: case BPF_SK_SKB_STREAM_VERDICT: case BPF_SK_SKB_STREAM_PARSER:
		return "link_create -> sock_map_link_create -> sock_map_prog_update (Linux 6.10)";
	}
	return "link_create -> the backend of the program's type";
}

static const char cgroup_link_tree[] =
	"link_create\n"
	"  bpf_prog_get                  prog_fd becomes the program; the link keeps this reference\n"
	"  bpf_prog_attach_check_attach_type\n"
	"  cgroup_bpf_link_attach\n"
	"    cgroup_get_from_fd          target_fd becomes the cgroup; the link keeps a reference on it\n"
	"    bpf_link_prime              the link object, its id (bpf_link_alloc_id) and its file\n"
	"    __cgroup_bpf_attach         (via cgroup_bpf_attach, ALLOW_MULTI) a list entry naming the LINK\n"
	"      update_effective_progs    recomputes the run array of this cgroup and each descendant\n"
	"        compute_effective_progs\n"
	"      static_key_slow_inc       cgroup_bpf_enabled_key: the first program patches the hook's jump in\n"
	"    bpf_link_settle             the fd: from here on the link is the attachment\n";
static const char sockmap_link_tree[] =
	"link_create\n"
	"  bpf_prog_get                  prog_fd becomes the program; the link keeps this reference\n"
	"  bpf_prog_attach_check_attach_type\n"
	"  sock_map_link_create\n"
	"    bpf_map_get_with_uref       target_fd becomes the map; the link holds a USER reference on it\n"
	"    bpf_link_prime              the link object, its id and its file\n"
	"    sock_map_prog_update        the map's slot takes the program and remembers the link\n"
	"    bpf_link_settle             the fd\n";
static const char cgroup_unlink_tree[] =
	"link_detach\n"
	"  bpf_cgroup_link_detach        (link->ops->detach)\n"
	"    bpf_cgroup_link_release\n"
	"      __cgroup_bpf_detach       takes the link's entry off cgrp->bpf.progs[type]\n"
	"        update_effective_progs  recomputes the run arrays without it\n"
	"      cgroup_put                the link lets go of the cgroup, and keeps its program\n";
static const char sockmap_unlink_tree[] =
	"link_detach\n"
	"  sock_map_link_detach          (link->ops->detach)\n"
	"    sock_map_link_release\n"
	"      sock_map_prog_update      the slot is emptied; sockets already in the map keep their copy\n"
	"      bpf_map_put_with_uref     the link lets go of the map, and keeps its program\n";

static bool is_cgroup_type(uint32_t t)
{
	return t <= BPF_CGROUP_SETSOCKOPT && t != BPF_SK_SKB_STREAM_PARSER &&
	       t != BPF_SK_SKB_STREAM_VERDICT && t != BPF_SK_MSG_VERDICT && t != BPF_FLOW_DISSECTOR;
}

static bool is_sockmap_type(uint32_t t)
{
	return t == BPF_SK_MSG_VERDICT || t == BPF_SK_SKB_STREAM_PARSER ||
	       t == BPF_SK_SKB_STREAM_VERDICT || t == BPF_SK_SKB_VERDICT;
}

/* Where each errno is raised, in that source. */
static const char *link_stop(bool cgroup, int err)
{
	switch (err) {
	case EBADF:  return cgroup ? "cgroup_get_from_fd" : "bpf_map_get_with_uref";
	case EPERM: case E2BIG: return cgroup ? "__cgroup_bpf_attach" : NULL;
	case EBUSY:  return cgroup ? NULL : "sock_map_prog_update";
	case EINVAL: return cgroup ? "cgroup_bpf_link_attach" : "sock_map_link_create";
	}
	return NULL;
}

/* A link on a cgroup or a sockmap; false for any other attach type. */
static bool link_create_target(struct ex *x, const union bpf_attr *a, long result)
{
	uint32_t type = a->link_create.attach_type;
	bool cg = is_cgroup_type(type), sm = is_sockmap_type(type);
	int err = result < 0 ? (int)-result : 0;
	char name[48];

	if (!cg && !sm)
		return false;
	ex_fd_field(x, "target_fd", a->link_create.target_fd);
	if ((int)a->link_create.target_fd == -1 && sm)
		ex_field(x, "why", "a feature probe (loader/kernel/probes.c): a kernel with sockmap "
			 "links refuses fd -1 (EBADF), one without them the attach type (EINVAL); "
			 "nothing can be attached");
	ex_field(x, "attach_type", "%s (%" PRIu32 ")", ex_attach_name(type, name, sizeof(name)), type);
	ex_field(x, "flags", "%" PRIu32 "%s", a->link_create.flags,
		 cg || sm ? " (links on cgroups and sockmaps take none: ALLOW_MULTI is implied)" : "");
	ex_path(x, cg ? cgroup_link_tree : sockmap_link_tree,
		err ? (link_stop(cg, err) ? link_stop(cg, err) : "") : NULL,
		err && strerrorname_np(err) ? strerrorname_np(err) : NULL);
	if (cg)
		ex_field(x, "vs PROG_ATTACH", "BPF_PROG_ATTACH would put the program itself on the list, "
			 "to stay until BPF_PROG_DETACH; the link's entry goes when the link's last fd "
			 "and pin go (bpf_cgroup_link_release), and BPF_PROG_DETACH cannot take it "
			 "(__cgroup_bpf_detach matches prog AND link: ENOENT)");
	else
		ex_field(x, "vs PROG_ATTACH", "BPF_PROG_ATTACH would fill the slot until BPF_PROG_DETACH "
			 "or until the map's last pin and fd go (sock_map_release_progs); the link keeps "
			 "the map's user reference, empties the slot when it goes, and a BPF_PROG_ATTACH "
			 "or _DETACH on its slot gets EBUSY");
	if (!err)
		ex_field(x, "holder", "the link: pin it before anything else, or it detaches when "
			 "this process exits");
	return true;
}


/* BPF_LINK_DETACH of a cgroup or sockmap link (its fd described as "link id
 * N (cgroup)"); false for other links. */
static bool link_detach_target(struct ex *x, const union bpf_attr *a, long result)
{
	int err = result < 0 ? (int)-result : 0;
	const char *tree = NULL;
	char what[200];

	/* the fd's description names the link's type ("link id 7 (cgroup)") */
	ex_fd_text(x, (int)a->link_detach.link_fd, what, sizeof(what));
	if (strstr(what, "(cgroup)"))
		tree = cgroup_unlink_tree;
	else if (strstr(what, "(sockmap)"))
		tree = sockmap_unlink_tree;
	if (!tree)
		return false;
	ex_field(x, "link_fd", "%s", what);
	ex_path(x, tree, err ? "link_detach" : NULL,
		err && strerrorname_np(err) ? strerrorname_np(err) : NULL);
	if (!err)
		ex_field(x, "vs PROG_DETACH", "the hook lets go now, whoever holds the link; a program "
			 "a link holds cannot be taken with BPF_PROG_DETACH");
	return true;
}

void ex_link_create(struct ex *x, const union bpf_attr *a, long result)
{
	char name[48];

	ex_fd_field(x, "prog_fd", a->link_create.prog_fd);
	if (link_create_target(x, a, result))
		return;
	if (a->link_create.attach_type == BPF_XDP) {
		link_create_xdp(x, a, result);
		return;
	}
	ex_field(x, "target", "%" PRIu32, a->link_create.target_fd);
	ex_field(x, "attach_type", "%s (%" PRIu32 ")",
		 ex_attach_name(a->link_create.attach_type, name, sizeof(name)), a->link_create.attach_type);
	ex_field(x, "kernel path", "%s", other_path(a->link_create.attach_type));
}

void ex_link_detach(struct ex *x, const union bpf_attr *a, long result)
{
	if (link_detach_target(x, a, result))
		return;
	ex_fd_field(x, "link_fd", a->link_detach.link_fd);
	ex_field(x, "effect", "the hook lets go now, whoever else holds the link; the link itself lives"
		 " on (defunct: an XDP link then reports ifindex 0) until its last fd and pin go");
	ex_path(x, "link_detach\n"
		   "  bpf_xdp_link_detach         (link->ops->detach; XDP shown)\n"
		   "    bpf_xdp_link_release      under rtnl_lock\n"
		   "      dev_xdp_detach_link     the slot must still name this link\n"
		   "        dev_xdp_install       XDP_SETUP_PROG with no program: the driver lets go\n"
		   "        dev_xdp_set_link      the slot is empty\n",
		result < 0 ? "link_detach" : NULL,
		result == -EOPNOTSUPP ? "this link type has no detach operation" : result < 0 ? "" : NULL);
}
