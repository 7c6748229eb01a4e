/* xdpgen.c - a packet generator for the XDP drop-rate benchmark that is not
 * the bottleneck: the kernel's own XDP test-run in "live frames" mode.
 *
 * Kernel interface: bpf(2) BPF_PROG_LOAD of a two-instruction XDP program
 * (r0 = XDP_TX; exit) and BPF_PROG_TEST_RUN with BPF_F_TEST_XDP_LIVE_FRAMES
 * (Linux 5.18+).  In that mode the kernel builds `batch_size` frames from
 * data_in in a page pool, runs the program on each, and really performs the
 * verdict: XDP_TX is turned into a redirect to the ingress device named in
 * the xdp_md context (ingress_ifindex), i.e. ndo_xdp_xmit() of the veth,
 * which queues the frame on the peer's receive ring.  No socket, no skb, no
 * copy per frame on the sending side: one core sends several Mpps.
 *
 *   xdpgen -i DEV -m DSTMAC [-t SECONDS] [-b BATCH] [-s SIZE]
 *
 * Sends 64-byte (SIZE) ICMP echo replies 192.0.2.1 -> 192.0.2.2 out of DEV
 * (in the current netns) for SECONDS, in test-run calls of 2^20 frames, and
 * prints "sent N secs S pps P".  Frames the peer's ring cannot take are
 * dropped by the veth (counted in its xdp_xmit errors), so the receiver's
 * counters, not N, say what was received.
 *
 * A benchmark tool: raw bpf(2), no libbpf, nothing of rawload linked.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <linux/bpf.h>
#include <net/if.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <linux/if.h>

#ifndef BPF_F_TEST_XDP_LIVE_FRAMES
#define BPF_F_TEST_XDP_LIVE_FRAMES (1U << 1)
#endif

static long sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int load_xdp_tx(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = XDP_TX },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr attr;

	memset(&attr, 0, sizeof(attr));
	attr.prog_type = BPF_PROG_TYPE_XDP;
	attr.insns = (uintptr_t)insns;
	attr.insn_cnt = 2;
	attr.license = (uintptr_t)"GPL";
	strcpy(attr.prog_name, "xdpgen_tx");
	return (int)sys_bpf(BPF_PROG_LOAD, &attr);
}

static int parse_mac(const char *s, unsigned char mac[6])
{
	unsigned int b[6];

	if (sscanf(s, "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4], &b[5]) != 6)
		return -1;
	for (int i = 0; i < 6; i++)
		mac[i] = (unsigned char)b[i];
	return 0;
}

static int dev_mac(const char *dev, unsigned char mac[6])
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM, 0);

	if (fd < 0)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	if (ioctl(fd, SIOCGIFHWADDR, &ifr) < 0) {
		close(fd);
		return -1;
	}
	close(fd);
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return 0;
}

static uint16_t csum(const void *p, size_t n)
{
	const unsigned char *b = p;
	uint32_t s = 0;

	for (size_t i = 0; i + 1 < n; i += 2)
		s += (uint32_t)(b[i] << 8 | b[i + 1]);
	if (n & 1)
		s += (uint32_t)b[n - 1] << 8;
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return htons((uint16_t)~s);
}

/* Ethernet + IPv4 + ICMP echo reply, SIZE bytes in all (no FCS) */
static size_t build_frame(unsigned char *f, size_t size, const unsigned char dst[6],
			  const unsigned char src[6])
{
	unsigned char *ip = f + 14, *icmp = ip + 20;
	size_t iplen = size - 14;

	memset(f, 0, size);
	memcpy(f, dst, 6);
	memcpy(f + 6, src, 6);
	f[12] = 0x08; /* ETH_P_IP */
	ip[0] = 0x45;
	ip[2] = (unsigned char)(iplen >> 8);
	ip[3] = (unsigned char)iplen;
	ip[8] = 64;  /* TTL */
	ip[9] = 1;   /* ICMP */
	inet_pton(AF_INET, "192.0.2.1", ip + 12);
	inet_pton(AF_INET, "192.0.2.2", ip + 16);
	memcpy(ip + 10, &(uint16_t){ csum(ip, 20) }, 2);
	icmp[0] = 0; /* echo reply */
	icmp[4] = 0x12;
	icmp[5] = 0x34;
	memcpy(icmp + 2, &(uint16_t){ csum(icmp, iplen - 20) }, 2);
	return size;
}

static void usage(void)
{
	fprintf(stderr, "usage: xdpgen -i DEV -m DSTMAC [-t SECONDS] [-b BATCH] [-s SIZE]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *dev = NULL, *dst = NULL;
	double secs = 2;
	unsigned int batch = 64, size = 64, chunk = 1u << 20;
	unsigned char frame[1500], dmac[6], smac[6];
	struct xdp_md ctx;
	union bpf_attr attr;
	unsigned long long sent = 0;
	int c, fd, ifindex;

	while ((c = getopt(argc, argv, "i:m:t:b:s:")) != -1) {
		switch (c) {
		case 'i': dev = optarg; break;
		case 'm': dst = optarg; break;
		case 't': secs = atof(optarg); break;
		case 'b': batch = (unsigned int)atoi(optarg); break;
		case 's': size = (unsigned int)atoi(optarg); break;
		default: usage();
		}
	}
	if (!dev || !dst || size < 60 || size > sizeof(frame) || parse_mac(dst, dmac))
		usage();
	ifindex = (int)if_nametoindex(dev);
	if (!ifindex || dev_mac(dev, smac)) {
		fprintf(stderr, "xdpgen: no device %s: %s\n", dev, strerror(errno));
		return 1;
	}
	fd = load_xdp_tx();
	if (fd < 0) {
		fprintf(stderr, "xdpgen: BPF_PROG_LOAD: %s\n", strerror(errno));
		return 1;
	}
	build_frame(frame, size, dmac, smac);
	memset(&ctx, 0, sizeof(ctx));
	ctx.data_end = size;
	ctx.ingress_ifindex = (unsigned int)ifindex;

	/* a short first call: fails fast where live frames are not supported */
	if (secs < 0.1)
		chunk = 1u << 16;
	double t0 = now(), t1;
	do {
		memset(&attr, 0, sizeof(attr));
		attr.test.prog_fd = (unsigned int)fd;
		attr.test.data_in = (uintptr_t)frame;
		attr.test.data_size_in = size;
		attr.test.ctx_in = (uintptr_t)&ctx;
		attr.test.ctx_size_in = sizeof(ctx);
		attr.test.repeat = chunk;
		attr.test.flags = BPF_F_TEST_XDP_LIVE_FRAMES;
		attr.test.batch_size = batch;
		if (sys_bpf(BPF_PROG_TEST_RUN, &attr) < 0) {
			fprintf(stderr, "xdpgen: BPF_PROG_TEST_RUN (live frames, %s): %s\n", dev,
				strerror(errno));
			return 1;
		}
		sent += chunk;
		t1 = now();
	} while (t1 - t0 < secs);
	printf("sent %llu secs %.6f pps %.0f\n", sent, t1 - t0, sent / (t1 - t0));
	close(fd);
	return 0;
}
