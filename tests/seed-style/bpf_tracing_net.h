/* bpf_tracing_net.h - the protocol constants the lab's XDP program needs.
 *
 * vmlinux.h carries only what the kernel's BTF describes: structs, unions,
 * enums and typedefs.  Preprocessor constants (#define ETH_P_IP 0x0800 in
 * <linux/if_ether.h>, ICMP_ECHOREPLY in <linux/icmp.h>) never reach BTF, and
 * the UAPI headers that define them cannot be included next to vmlinux.h
 * (their structs would be defined twice).  The lab therefore gets them from a
 * small header named like libbpf's selftests' one; this is our own, with only
 * the values the seed programs use, taken from the UAPI headers / RFCs.
 */
#ifndef __BPF_TRACING_NET_H__
#define __BPF_TRACING_NET_H__

/* <linux/if_ether.h>: EtherType values, host order (compare with bpf_htons) */
#define ETH_P_IP	0x0800
#define ETH_P_IPV6	0x86DD
#define ETH_P_8021Q	0x8100
#define ETH_P_8021AD	0x88A8

/* IPPROTO_ICMP/TCP/UDP are members of an enum in <linux/in.h>, so vmlinux.h
 * already has them; IPPROTO_ICMPV6 is a #define in <linux/in6.h>. */
#ifndef IPPROTO_ICMPV6
#define IPPROTO_ICMPV6	58
#endif

/* <linux/icmp.h> (RFC 792) */
#define ICMP_ECHOREPLY		0
#define ICMP_DEST_UNREACH	3
#define ICMP_ECHO		8

/* <linux/icmpv6.h> (RFC 4443) */
#define ICMPV6_ECHO_REQUEST	128
#define ICMPV6_ECHO_REPLY	129

/* <bits/socket.h>: the C library's, which a BPF object cannot include */
#define AF_INET		2
#define AF_INET6	10

#endif /* __BPF_TRACING_NET_H__ */
