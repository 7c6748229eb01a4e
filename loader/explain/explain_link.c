/* explain_link.c - BPF_LINK_CREATE and BPF_LINK_DETACH in --explain: the
 * link paths `rawload sockops --link` takes, and how they differ from
 * BPF_PROG_ATTACH (explain_bpf_obj.c narrates that one).
 *
 *   BPF_PROG_ATTACH                      BPF_LINK_CREATE
 *   the target holds the program         the target holds a link, the link
 *                                        holds the program
 *   stays until BPF_PROG_DETACH (or the  stays while the link has an fd or a
 *   cgroup / the map's last user ref     pin; a killed loader's unpinned link
 *   goes), whoever is left to do it      detaches itself (bpf_link_release)
 *   anyone may detach or replace it      only through the link (its fd/pin)
 *
 * Trees from the Linux source (kernel/bpf/syscall.c link_create,
 * kernel/bpf/cgroup.c, net/core/sock_map.c), checked against 6.18:
 * docs/kernel-paths.md.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE     /* strerrorname_np */
#endif
#include "explain_bpf_internal.h"

#include <errno.h>
#include <inttypes.h>
#include <string.h>

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

void ex_link_create(struct ex *x, const union bpf_attr *a, long result)
{
	uint32_t type = a->link_create.attach_type;
	bool cg = is_cgroup_type(type), sm = is_sockmap_type(type);
	int err = result < 0 ? (int)-result : 0;
	char name[48];

	ex_fd_field(x, "prog_fd", a->link_create.prog_fd);
	ex_fd_field(x, "target_fd", a->link_create.target_fd);
	if ((int)a->link_create.target_fd == -1 && sm)
		ex_field(x, "why", "a feature probe (loader/kernel/probes.c): a kernel with sockmap "
			 "links refuses fd -1 (EBADF), one without them the attach type (EINVAL); "
			 "nothing can be attached");
	ex_field(x, "attach_type", "%s (%" PRIu32 ")", ex_attach_name(type, name, sizeof(name)), type);
	ex_field(x, "flags", "%" PRIu32 "%s", a->link_create.flags,
		 cg || sm ? " (links on cgroups and sockmaps take none: ALLOW_MULTI is implied)" : "");
	if (!cg && !sm) {
		ex_field(x, "kernel path", "link_create -> bpf_prog_get -> (by program type) the hook's "
			 "*_link_attach -> bpf_link_prime -> bpf_link_settle");
		return;
	}
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
}

void ex_link_detach(struct ex *x, const union bpf_attr *a, long result)
{
	int err = result < 0 ? (int)-result : 0;
	const char *tree = NULL;
	char what[200];

	/* the fd's description names the link's type ("link id 7 (cgroup)") */
	ex_fd_text(x, (int)a->link_detach.link_fd, what, sizeof(what));
	ex_field(x, "link_fd", "%s", what);
	if (strstr(what, "(cgroup)"))
		tree = cgroup_unlink_tree;
	else if (strstr(what, "(sockmap)"))
		tree = sockmap_unlink_tree;
	if (tree)
		ex_path(x, tree, err ? "link_detach" : NULL,
			err && strerrorname_np(err) ? strerrorname_np(err) : NULL);
	else
		ex_field(x, "kernel path", "link_detach -> link->ops->detach (the hook lets go; the link "
			 "lives on, defunct, until its last fd and pin go)");
	if (!err)
		ex_field(x, "vs PROG_DETACH", "the hook lets go now, whoever holds the link; a program "
			 "a link holds cannot be taken with BPF_PROG_DETACH");
}
