/* probes.c - feature probes through bpf(2) (sys_bpf.c), cached per process.
 *
 * Kernel interface: BPF_PROG_LOAD of a two-instruction program, then
 * BPF_LINK_CREATE with an attach type the old kernel does not know and a
 * target that cannot exist, so a kernel that has the feature refuses the
 * target (ENODEV / EBADF) and one that lacks it refuses the attach type
 * (EINVAL).  Nothing is ever attached.
 *
 *   tcx        BPF_TCX_INGRESS on ifindex 0      6.6+: ENODEV   older: EINVAL
 *   sockmap    BPF_SK_MSG_VERDICT on map fd -1   6.10+: EBADF   older: EINVAL
 */
#include "object.h"         /* RL_BPF_TCX_INGRESS */
#include "probes.h"
#include "sys_bpf.h"
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

static const struct {
	const char *name, *since;
	uint32_t prog_type, attach_type, target;
	int present_err;        /* what a kernel that has it answers */
} feats[RL_FEAT__COUNT] = {
	[RL_FEAT_TCX] = { "tcx links", "6.6", BPF_PROG_TYPE_SCHED_CLS, RL_BPF_TCX_INGRESS, 0, ENODEV },
	[RL_FEAT_SOCKMAP_LINK] = { "sockmap links", "6.10", BPF_PROG_TYPE_SK_MSG, BPF_SK_MSG_VERDICT,
				   (uint32_t)-1, EBADF },
};

static int cache[RL_FEAT__COUNT];       /* 0 unknown, else result + 2 */
static char how[RL_FEAT__COUNT][96];

int rl_probe(enum rl_feature f)
{
	static const struct bpf_insn ret0[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	struct rl_prog_load_opts lo = {
		.prog_type = feats[f].prog_type, .name = "rl_probe", .license = "GPL",
		.insns = ret0, .insn_cnt = 2, .prog_btf_fd = -1,
	};
	struct rl_link_create_opts co = { .attach_type = feats[f].attach_type, .target = feats[f].target };
	int fd, r;

	if (f < 0 || f >= RL_FEAT__COUNT)
		return -EINVAL;
	if (cache[f])
		return cache[f] - 2;
	fd = rl_sys_prog_load(&lo);
	if (fd < 0) {
		snprintf(how[f], sizeof(how[f]), "BPF_PROG_LOAD of a probe program -> errno %d", -fd);
		return fd;      /* not cached: the caller's own load will say why */
	}
	co.prog_fd = fd;
	r = rl_sys_link_create(&co);
	close(fd);
	if (r >= 0) {           /* cannot happen with these targets; undo at once */
		close(r);
		r = 1;
	} else {
		r = r == -feats[f].present_err ? 1 : r == -EINVAL ? 0 : r;
	}
	snprintf(how[f], sizeof(how[f]), "BPF_LINK_CREATE(attach_type %u, target %d) -> %s",
		 feats[f].attach_type, (int)feats[f].target, r == 1 ? "target refused: present" :
		 r == 0 ? "EINVAL: absent" : "unexpected errno");
	cache[f] = r + 2;
	return r;
}

const char *rl_feature_name(enum rl_feature f) { return f < RL_FEAT__COUNT ? feats[f].name : "?"; }
const char *rl_feature_since(enum rl_feature f) { return f < RL_FEAT__COUNT ? feats[f].since : "?"; }
const char *rl_probe_how(enum rl_feature f) { return f < RL_FEAT__COUNT ? how[f] : ""; }
