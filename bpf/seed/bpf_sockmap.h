/* bpf_sockmap.h - the map the seed tutorial's two objects share.
 *
 * The tutorial (bpf-developer-tutorial, lesson 29 "sockops") splits the
 * socket redirect into two objects that include this header:
 *
 *   bpf_contrack.bpf.c   SEC("sockops")  stores established local sockets
 *   bpf_redirect.bpf.c   SEC("sk_msg")   redirects to the peer's socket
 *
 * Each object gets its own copy of the map definition below. Loaded
 * separately they would create two unrelated maps; pinning by name makes the
 * second load find the first one's pin (<pin dir>/sock_ops_map) and reuse
 * it, so both programs work on one map. For that the two definitions must
 * agree on type, key, value and max_entries: that is why it lives in one
 * header.
 *
 * Compared with the tutorial, this version is written against rl_bpf.h and
 * the UAPI headers (no vmlinux.h, no libbpf headers) and uses sock_key.h
 * (shared with ../sockredir.bpf.c): a 16-byte address form without the
 * address family, so IPv4, IPv6 and dual-stack sockets all get matching keys.
 */
#ifndef BPF_SOCKMAP_H
#define BPF_SOCKMAP_H

#include <linux/types.h>
#include <linux/bpf.h>
#include "rl_bpf.h"
#include "sock_key.h"

struct {
	__uint(type, BPF_MAP_TYPE_SOCKHASH);
	__uint(max_entries, 65535);
	__type(key, struct sock_key);
	__type(value, int);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} sock_ops_map SEC(".maps");

#endif /* BPF_SOCKMAP_H */
