/* probes.h - what this kernel's bpf(2) offers beyond Linux 6.1 (issue 18).
 *
 * Each probe asks the kernel once per process (the answer is cached) with a
 * request that cannot change anything, and tells the feature's name and the
 * Linux version that added it, so a caller can refuse in one line before it
 * loads or attaches anything. */
#ifndef RL_PROBES_H
#define RL_PROBES_H
#include <stdbool.h>

enum rl_feature {
	RL_FEAT_TCX,            /* BPF_LINK_CREATE with BPF_TCX_INGRESS/EGRESS (6.6) */
	RL_FEAT_SOCKMAP_LINK,   /* BPF_LINK_CREATE on a sockmap: sk_msg/sk_skb links (6.10) */
	RL_FEAT__COUNT
};

/* 1 present, 0 absent, negative errno when the probe itself could not run
 * (e.g. EPERM: not root) */
int rl_probe(enum rl_feature f);
const char *rl_feature_name(enum rl_feature f);
const char *rl_feature_since(enum rl_feature f);    /* "6.6" */
/* how the probe decided, for --explain: "BPF_LINK_CREATE(...) -> ENODEV" */
const char *rl_probe_how(enum rl_feature f);

#endif
