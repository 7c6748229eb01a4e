/* links_show.c - `rawload show --links [--json]`: every BPF link in the
 * kernel, like `bpftool link list`: id, type, program (id and name) and
 * what the link holds the program on.  The walk and the decoding are
 * loader/attach/link_list.c; this file only names things and prints.
 *
 * Names are looked up here, in rawload's own namespaces: an XDP/tcx link's
 * ifindex is a device of *some* network namespace (bpf_xdp_link_fill_link_info
 * gives dev->ifindex and not the namespace), so an XDP link is named after
 * this namespace's device only when that device runs the link's program;
 * a cgroup id is found by walking the cgroup v2 mount.
 */
#include "cli.h"
#include "link_list.h"
#include "sys_bpf.h"

#include <ctype.h>
#include <errno.h>
#include <net/if.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SHOW_LINKS_MAX 1024

/* "CGROUP_SOCK_OPS" -> "cgroup_sock_ops" */
static const char *attach_name(uint32_t t, char buf[64])
{
	snprintf(buf, 64, "%s", rl_attach_type_name(t));
	for (char *p = buf; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	return buf;
}

static void prog_name(uint32_t id, char name[16])
{
	struct rl_bpf_obj o = { .name = "" };
	int fd = rl_sys_prog_get_fd_by_id(id);

	name[0] = '\0';
	if (fd < 0)
		return;
	if (!rl_obj_describe(fd, &o))
		snprintf(name, 16, "%s", o.name);
	close(fd);
}

static uint64_t self_netns(void)
{
	struct stat st;

	return stat("/proc/self/ns/net", &st) ? 0 : (uint64_t)st.st_ino;
}

/* Is the link's device one of this network namespace's?  For XDP the
 * device with that index here must run the link's program (RTM_GETLINK);
 * tcx and netkit are taken on trust (only the index is known). */
static bool here(const struct rl_link_desc *l)
{
	struct rl_xdp_state st;
	struct rl_diag d = { "" };

	if (l->type != RL_LINK_XDP)
		return true;
	if (rl_xdp_query((int)l->ifindex, &st, &d))
		return false;
	return st.drv_prog_id == l->prog_id || st.skb_prog_id == l->prog_id ||
	       st.hw_prog_id == l->prog_id;
}

/* The target as text ("ifindex 2 (veth-b here) ...") or as JSON members. */
static void target(const struct rl_link_desc *l, bool json)
{
	char ifname[IF_NAMESIZE] = "", path[PATH_MAX] = "", at[64], map[16] = "";
	bool have_if = l->ifindex && if_indextoname(l->ifindex, ifname) && here(l);
	bool have_cg = l->type == RL_LINK_CGROUP && !rl_cgroup_path_by_id(l->cgroup_id, path, sizeof(path));

	switch (l->type) {
	case RL_LINK_XDP:
	case RL_LINK_TCX:
	case RL_LINK_NETKIT:
		if (json) {
			printf(",\"ifindex\":%u", l->ifindex);
			if (have_if)
				printf(",\"devname\":\"%s\"", ifname);
		} else if (!l->ifindex) {
			printf("  ifindex 0 (detached: its device went)");
		} else if (have_if) {
			printf("  ifindex %u (%s)", l->ifindex, ifname);
		} else {
			printf("  ifindex %u (a device of another network namespace)", l->ifindex);
		}
		if (l->type != RL_LINK_XDP)
			printf(json ? ",\"attach_type\":\"%s\"" : " %s", attach_name(l->attach_type, at));
		break;
	case RL_LINK_CGROUP:
		printf(json ? ",\"cgroup_id\":%llu" : "  cgroup %llu", (unsigned long long)l->cgroup_id);
		if (json && have_cg) {
			printf(",\"cgroup\":");
			json_str(stdout, path);
		} else if (!json) {
			printf(" (%s)", have_cg ? path : "not under this cgroup v2 mount");
		}
		printf(json ? ",\"attach_type\":\"%s\"" : " %s", attach_name(l->attach_type, at));
		break;
	case RL_LINK_SOCKMAP:
	case RL_LINK_STRUCT_OPS:
		if (l->map_id) {
			int fd = rl_sys_map_get_fd_by_id(l->map_id);
			struct rl_bpf_obj o = { .name = "" };

			if (fd >= 0 && !rl_obj_describe(fd, &o))
				snprintf(map, sizeof(map), "%s", o.name);
			if (fd >= 0)
				close(fd);
		}
		printf(json ? ",\"map_id\":%u,\"map_name\":\"%s\"" : "  map %u '%s'", l->map_id, map);
		if (l->type == RL_LINK_SOCKMAP)
			printf(json ? ",\"attach_type\":\"%s\"" : " %s", attach_name(l->attach_type, at));
		break;
	case RL_LINK_PERF_EVENT:
		printf(json ? ",\"perf_event_type\":\"%s\"" : "  %s", rl_link_perf_type_name(l->perf_type));
		break;
	case RL_LINK_NETNS:
		printf(json ? ",\"netns_ino\":%u" : "  netns ino %u", l->netns_ino);
		if (!json && l->netns_ino == self_netns())
			printf(" (this netns)");
		printf(json ? ",\"attach_type\":\"%s\"" : " %s", attach_name(l->attach_type, at));
		break;
	case RL_LINK_TRACING:
		printf(json ? ",\"attach_type\":\"%s\",\"target_obj_id\":%u,\"target_btf_id\":%u" :
		       "  %s target btf object %u type %u", attach_name(l->attach_type, at),
		       l->target_obj_id, l->target_btf_id);
		break;
	case RL_LINK_NETFILTER:
		printf(json ? ",\"pf\":%u,\"hooknum\":%u,\"priority\":%d" : "  pf %u hook %u priority %d",
		       l->nf_pf, l->nf_hooknum, l->nf_priority);
		break;
	case RL_LINK_ITER:
		if (l->map_id)
			printf(json ? ",\"map_id\":%u" : "  map %u", l->map_id);
		break;
	}
	if (l->name[0]) {
		if (json) {
			printf(",\"name\":");
			json_str(stdout, l->name);
		} else {
			printf(" %s", l->name);
		}
	}
}

int cli_show_links(const struct cli *cli)
{
	static struct rl_link_desc links[SHOW_LINKS_MAX];
	struct rl_diag d = { "" };
	char name[16];
	int n = rl_link_list(links, SHOW_LINKS_MAX, &d);

	if (n < 0)
		return cli_fail("show --links", &d);
	if (n > SHOW_LINKS_MAX) {
		fprintf(stderr, "rawload: show --links: %d links, showing the first %d\n", n, SHOW_LINKS_MAX);
		n = SHOW_LINKS_MAX;
	}
	printf(cli->json ? "{\"links\":[" : "");
	if (!cli->json && !n)
		printf("no BPF links\n");
	for (int i = 0; i < n; i++) {
		const struct rl_link_desc *l = &links[i];

		prog_name(l->prog_id, name);
		if (cli->json)
			printf("%s{\"id\":%u,\"type\":\"%s\",\"prog_id\":%u,\"prog_name\":\"%s\"", i ? "," : "",
			       l->id, rl_link_type_name(l->type), l->prog_id, name);
		else
			printf("link %u: %s  prog %u '%s'", l->id, rl_link_type_name(l->type), l->prog_id, name);
		target(l, cli->json);
		printf(cli->json ? "}" : "\n");
	}
	if (cli->json)
		printf("]}\n");
	return EXIT_OK;
}
