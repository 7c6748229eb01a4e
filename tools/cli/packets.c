/* packets.c - the canned frames `rawload run` feeds to BPF_PROG_TEST_RUN.
 * Pure byte building: Ethernet + IPv4 + ICMP echo reply, or + TCP SYN, with
 * valid checksums, so the same frame would be accepted on a wire.  Headers
 * are built in aligned local structs and copied into the byte buffer: after a
 * 14-byte Ethernet header the IP header is not 4-byte aligned. */
#include "cli.h"

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/icmp.h>
#include <linux/ip.h>
#include <linux/tcp.h>
#include <string.h>

enum { ICMP_PAYLOAD = 56 }; /* what ping sends by default */

static uint16_t inet_csum(const void *data, size_t len, uint32_t sum)
{
	const uint8_t *p = data;

	for (; len > 1; p += 2, len -= 2)
		sum += (uint32_t)(p[0] << 8 | p[1]);
	if (len)
		sum += (uint32_t)(p[0] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return htons((uint16_t)~sum);
}

/* Ethernet + IPv4 header for `l4_len` bytes of `proto`; returns their length. */
static size_t eth_ipv4(uint8_t *buf, uint8_t proto, size_t l4_len)
{
	static const uint8_t a[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 1 }, b[ETH_ALEN] = { 0x02, 0, 0, 0, 0, 2 };
	struct ethhdr eth;
	struct iphdr ip;

	memcpy(eth.h_dest, b, ETH_ALEN);
	memcpy(eth.h_source, a, ETH_ALEN);
	eth.h_proto = htons(ETH_P_IP);
	memset(&ip, 0, sizeof(ip));
	ip.version = 4;
	ip.ihl = 5;
	ip.ttl = 64;
	ip.protocol = proto;
	ip.tot_len = htons((uint16_t)(sizeof(ip) + l4_len));
	ip.saddr = htonl(0xc0000201); /* 192.0.2.1: documentation range */
	ip.daddr = htonl(0xc0000202);
	ip.check = inet_csum(&ip, sizeof(ip), 0);
	memcpy(buf, &eth, sizeof(eth));
	memcpy(buf + sizeof(eth), &ip, sizeof(ip));
	return sizeof(eth) + sizeof(ip);
}

size_t cli_packet_icmp_echo_reply(uint8_t *buf, size_t cap)
{
	struct { struct icmphdr h; uint8_t payload[ICMP_PAYLOAD]; } icmp;
	size_t off;

	if (cap < ETH_HLEN + sizeof(struct iphdr) + sizeof(icmp))
		return 0;
	off = eth_ipv4(buf, IPPROTO_ICMP, sizeof(icmp));
	memset(&icmp, 0, sizeof(icmp));
	icmp.h.type = ICMP_ECHOREPLY;
	icmp.h.un.echo.id = htons(0x1234);
	icmp.h.un.echo.sequence = htons(1);
	for (size_t i = 0; i < ICMP_PAYLOAD; i++)
		icmp.payload[i] = (uint8_t)i;
	icmp.h.checksum = inet_csum(&icmp, sizeof(icmp), 0);
	memcpy(buf + off, &icmp, sizeof(icmp));
	return off + sizeof(icmp);
}

size_t cli_packet_tcp_syn(uint8_t *buf, size_t cap)
{
	/* pseudo-header sum: saddr, daddr, zero+proto, tcp length */
	const uint32_t pseudo = 0xc000 + 0x0201 + 0xc000 + 0x0202 + IPPROTO_TCP + sizeof(struct tcphdr);
	struct tcphdr tcp;
	size_t off;

	if (cap < ETH_HLEN + sizeof(struct iphdr) + sizeof(tcp))
		return 0;
	off = eth_ipv4(buf, IPPROTO_TCP, sizeof(tcp));
	memset(&tcp, 0, sizeof(tcp));
	tcp.source = htons(40000);
	tcp.dest = htons(80);
	tcp.seq = htonl(1);
	tcp.doff = 5;
	tcp.syn = 1;
	tcp.window = htons(65535);
	tcp.check = inet_csum(&tcp, sizeof(tcp), pseudo);
	memcpy(buf + off, &tcp, sizeof(tcp));
	return off + sizeof(tcp);
}
