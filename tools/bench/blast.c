/* blast.c - send a bounded stream of ICMP echo replies out of one device, fast.
 *
 *   blast -i DEV -m DSTMAC [-c COUNT] [-t SECONDS] [-b BATCH] [-l LEN]
 *
 * Prints one line:  sent <packets> seconds <s> pps <rate> enobufs <n>
 *
 * The frames are built here and handed to the device with an AF_PACKET
 * socket (PACKET_QDISC_BYPASS, sendmmsg() in batches): no IP output path,
 * no neighbour lookup, no qdisc, so the sender costs as little per packet as
 * user space can, and the receiving side's filter is what the benchmark
 * measures.  Every frame is the same:
 *
 *   Ethernet  DSTMAC <- DEV's MAC, type 0x0800
 *   IPv4      192.0.2.1 -> 192.0.2.2 (TEST-NET-1), proto ICMP, TTL 64
 *   ICMP      type 0 (echo reply), id 0x4242, then zero padding up to LEN
 *
 * Stops after COUNT packets (default 10^8) or SECONDS (default 1), whichever
 * comes first: a run can never flood for long.  Run it inside a private netns.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_BATCH 256
#define MAX_LEN 1514

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static uint16_t csum(const void *p, size_t len)
{
	const uint8_t *b = p;
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)b[i] << 8 | b[i + 1];
	if (len & 1)
		s += (uint32_t)b[len - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

static size_t build_frame(uint8_t *f, size_t len, const uint8_t *dst, const uint8_t *src)
{
	uint8_t *ip = f + 14, *icmp = ip + 20;

	memset(f, 0, len);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08;                            /* ETH_P_IP */
	ip[0] = 0x45;                            /* IPv4, 20-byte header */
	*(uint16_t *)(ip + 2) = htons((uint16_t)(len - 14));
	ip[8] = 64;                              /* TTL */
	ip[9] = 1;                               /* IPPROTO_ICMP */
	memcpy(ip + 12, (uint8_t[]){ 192, 0, 2, 1 }, 4);
	memcpy(ip + 16, (uint8_t[]){ 192, 0, 2, 2 }, 4);
	*(uint16_t *)(ip + 10) = csum(ip, 20);
	icmp[0] = 0;                             /* echo reply */
	*(uint16_t *)(icmp + 4) = htons(0x4242);
	*(uint16_t *)(icmp + 2) = csum(icmp, len - 34);
	return len;
}

static int parse_mac(const char *s, uint8_t *mac)
{
	return sscanf(s, "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &mac[0], &mac[1], &mac[2], &mac[3],
		      &mac[4], &mac[5]) == 6 ? 0 : -1;
}

static void usage(void)
{
	fprintf(stderr, "usage: blast -i DEV -m DSTMAC [-c COUNT] [-t SECONDS] [-b BATCH] [-l LEN]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dev = NULL;
	uint8_t dst[6], src[6], frame[MAX_LEN];
	unsigned long long count = 100000000ULL, sent = 0, enobufs = 0;
	double secs = 1, t0, t1;
	int batch = 64, len = 64, opt, fd, one = 1, have_dst = 0;
	struct mmsghdr msgs[MAX_BATCH];
	struct iovec iov;
	struct sockaddr_ll sll = { .sll_family = AF_PACKET };
	struct ifreq ifr = { 0 };

	while ((opt = getopt(argc, argv, "i:m:c:t:b:l:")) != -1) {
		switch (opt) {
		case 'i': dev = optarg; break;
		case 'm': have_dst = parse_mac(optarg, dst) == 0; break;
		case 'c': count = strtoull(optarg, NULL, 0); break;
		case 't': secs = atof(optarg); break;
		case 'b': batch = atoi(optarg); break;
		case 'l': len = atoi(optarg); break;
		default: usage();
		}
	}
	if (!dev || !have_dst || batch < 1 || batch > MAX_BATCH || len < 60 || len > MAX_LEN ||
	    secs <= 0 || secs > 60)
		usage();

	fd = socket(AF_PACKET, SOCK_RAW, 0);  /* protocol 0: send only, receive nothing */
	if (fd < 0) {
		perror("blast: socket(AF_PACKET)");
		return 1;
	}
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		perror("blast: SIOCGIFHWADDR");
		return 1;
	}
	memcpy(src, ifr.ifr_hwaddr.sa_data, 6);
	sll.sll_ifindex = (int)if_nametoindex(dev);
	sll.sll_halen = 6;
	memcpy(sll.sll_addr, dst, 6);
	/* straight to the driver's xmit: no qdisc (veth has none anyway) */
	setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one));

	build_frame(frame, (size_t)len, dst, src);
	iov.iov_base = frame;
	iov.iov_len = (size_t)len;
	memset(msgs, 0, sizeof(msgs));
	for (int i = 0; i < batch; i++) {
		msgs[i].msg_hdr.msg_name = &sll;
		msgs[i].msg_hdr.msg_namelen = sizeof(sll);
		msgs[i].msg_hdr.msg_iov = &iov;
		msgs[i].msg_hdr.msg_iovlen = 1;
	}

	t0 = t1 = now_s();
	while (sent < count && t1 - t0 < secs) {
		unsigned int n = count - sent < (unsigned)batch ? (unsigned)(count - sent) : (unsigned)batch;
		int r = sendmmsg(fd, msgs, n, 0);

		if (r < 0) {
			if (errno == ENOBUFS || errno == EAGAIN) {
				enobufs++;
			} else if (errno != EINTR) {
				perror("blast: sendmmsg");
				break;
			}
		} else {
			sent += (unsigned)r;
		}
		t1 = now_s();
	}
	printf("sent %llu seconds %.3f pps %.0f enobufs %llu\n", sent, t1 - t0, sent / (t1 - t0), enobufs);
	close(fd);
	return 0;
}
