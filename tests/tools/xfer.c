/* xfer.c - a TCP client and server in one process, for the sockops tests.
 *
 *   xfer v4|v6|dual [--in FILE | --bytes N] [--out FILE] [--conns N]
 *                   [--serial] [--sync] [--timeout S] [--join-cgroup DIR]
 *
 *   v4    server AF_INET  on 127.0.0.1, client AF_INET  to 127.0.0.1
 *   v6    server AF_INET6 on ::1,       client AF_INET6 to ::1
 *   dual  server AF_INET6 on :: with IPV6_V6ONLY=0, client AF_INET to
 *         127.0.0.1 (the server sees its peer as ::ffff:127.0.0.1)
 *
 * Each connection i sends a 4-byte index, then the payload rotated left by
 * i * 4099 bytes, so that data delivered to the wrong socket is caught; the
 * server checks every byte against what connection i must have sent.
 * Connection 0 sends the payload unrotated, and --out writes what it
 * received, so a shell can compare sha256sums of --in and --out.
 *
 * The 4-byte index is written immediately after connect() returns: a first
 * write that races the peer's PASSIVE_ESTABLISHED callback.  --sync instead
 * makes each client wait until the server has accepted (every connection,
 * or with --serial its own) before writing anything.
 *
 * --join-cgroup DIR: after the listening socket is made, move this process
 * into cgroup DIR, so that only the client sockets belong to it.  A socket
 * keeps the cgroup of the task that created it (sk_cgrp_data, set in
 * sk_alloc), and an accepted socket the listener's (sk_clone_lock): a
 * sockops program on DIR then sees the client side only, and the server
 * side is never put in its sockhash - the peer an sk_msg program looks up
 * is missing.
 *
 * EAGAIN: with an sk_msg redirect, a blocking read() was seen to return
 * EAGAIN now and then.  We count it, wait in poll() and retry; the counts are
 * printed so a test can report them.  Everything is bounded by --timeout
 * (alarm, default 60 s).
 *
 * Output, one line: xfer MODE conns=N bytes=B intact=K lost=L eagain_read=R
 * eagain_write=W.  Exit 0 when every connection arrived intact.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE   /* accept4 */
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#define MAX_CONNS 1024
#define CHUNK 65536
#define ROTATE_STEP 4099

static struct {
	int srv_family, cli_family;
	const char *srv_addr, *cli_addr;
	uint16_t port;
	unsigned char *data;
	size_t len;
	int conns;
	int serial, sync;
	const char *out;
	const char *join_cgroup;
} cfg;

static atomic_int accepted, intact, lost;
static atomic_long eagain_read, eagain_write;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t accepted_cond = PTHREAD_COND_INITIALIZER;

static void die(const char *what)
{
	fprintf(stderr, "xfer: %s: %s\n", what, strerror(errno));
	exit(2);
}

/* read() that survives EAGAIN on a blocking socket (counted). */
static ssize_t read_retry(int fd, void *buf, size_t n)
{
	for (;;) {
		ssize_t r = read(fd, buf, n);

		if (r >= 0 || (errno != EAGAIN && errno != EINTR))
			return r;
		if (errno == EAGAIN) {
			struct pollfd p = { .fd = fd, .events = POLLIN };

			atomic_fetch_add(&eagain_read, 1);
			poll(&p, 1, 100);
		}
	}
}

static int write_all(int fd, const unsigned char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n < CHUNK ? n : CHUNK);

		if (w < 0 && errno == EAGAIN) {
			struct pollfd p = { .fd = fd, .events = POLLOUT };

			atomic_fetch_add(&eagain_write, 1);
			poll(&p, 1, 100);
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

static size_t rotation(uint32_t idx)
{
	return cfg.len ? ((size_t)idx * ROTATE_STEP) % cfg.len : 0;
}

/* Do got[0..n) equal connection idx's payload at offset off? */
static int matches(const unsigned char *got, size_t n, size_t off, uint32_t idx)
{
	size_t pos = (off + rotation(idx)) % cfg.len;

	while (n > 0) {
		size_t run = cfg.len - pos < n ? cfg.len - pos : n;

		if (memcmp(got, cfg.data + pos, run))
			return 0;
		got += run, n -= run, pos = 0;
	}
	return 1;
}

static void *serve_one(void *arg)
{
	int fd = (int)(intptr_t)arg, out = -1, ok = 1;
	unsigned char buf[CHUNK];
	uint32_t idx = 0;
	size_t hdr = 0, got = 0;
	ssize_t r;

	while (hdr < sizeof(idx) && (r = read_retry(fd, (char *)&idx + hdr, sizeof(idx) - hdr)) > 0)
		hdr += (size_t)r;
	if (hdr == sizeof(idx) && idx == 0 && cfg.out)
		out = open(cfg.out, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	while (hdr == sizeof(idx) && (r = read_retry(fd, buf, sizeof(buf))) > 0) {
		if (got + (size_t)r > cfg.len || !matches(buf, (size_t)r, got, idx))
			ok = 0;
		if (out >= 0 && write(out, buf, (size_t)r) != r)
			ok = 0;
		got += (size_t)r;
	}
	if (hdr != sizeof(idx) || got != cfg.len || idx >= (uint32_t)cfg.conns)
		ok = 0;
	if (!ok)
		fprintf(stderr, "xfer: connection %u: received %zu of %zu bytes%s\n", idx, got, cfg.len,
			got == cfg.len ? ", content differs" : "");
	atomic_fetch_add(ok ? &intact : &lost, 1);
	if (out >= 0)
		close(out);
	close(fd);
	return NULL;
}

static void *accept_loop(void *arg)
{
	int lfd = (int)(intptr_t)arg;
	pthread_t t[MAX_CONNS];

	for (int i = 0; i < cfg.conns; i++) {
		int fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);

		if (fd < 0)
			die("accept");
		pthread_mutex_lock(&lock);
		accepted++;
		pthread_cond_broadcast(&accepted_cond);
		pthread_mutex_unlock(&lock);
		if (pthread_create(&t[i], NULL, serve_one, (void *)(intptr_t)fd))
			die("pthread_create");
	}
	for (int i = 0; i < cfg.conns; i++)
		pthread_join(t[i], NULL);
	return NULL;
}

static socklen_t make_addr(int family, const char *text, struct sockaddr_storage *ss)
{
	memset(ss, 0, sizeof(*ss));
	if (family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)ss;

		a->sin_family = AF_INET;
		a->sin_port = htons(cfg.port);
		inet_pton(AF_INET, text, &a->sin_addr);
		return sizeof(*a);
	}
	struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;

	a6->sin6_family = AF_INET6;
	a6->sin6_port = htons(cfg.port);
	inet_pton(AF_INET6, text, &a6->sin6_addr);
	return sizeof(*a6);
}

static int listen_socket(void)
{
	struct sockaddr_storage ss;
	socklen_t len = make_addr(cfg.srv_family, cfg.srv_addr, &ss);
	int fd = socket(cfg.srv_family, SOCK_STREAM | SOCK_CLOEXEC, 0), zero = 0;

	if (fd < 0)
		die("socket");
	/* dual stack: an AF_INET6 socket that also takes IPv4 (v4-mapped) */
	if (cfg.srv_family == AF_INET6 &&
	    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero)))
		die("IPV6_V6ONLY");
	if (bind(fd, (struct sockaddr *)&ss, len) || listen(fd, MAX_CONNS))
		die("bind/listen");
	len = sizeof(ss);
	if (getsockname(fd, (struct sockaddr *)&ss, &len))
		die("getsockname");
	cfg.port = ntohs(ss.ss_family == AF_INET ? ((struct sockaddr_in *)&ss)->sin_port :
						   ((struct sockaddr_in6 *)&ss)->sin6_port);
	return fd;
}

static void join_cgroup(const char *dir)
{
	char path[4096], pid[32];
	int fd, n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, pid, (size_t)n) != n)
		die(path);
	close(fd);
}

static void wait_accepted(int n)
{
	pthread_mutex_lock(&lock);
	while (accepted < n)
		pthread_cond_wait(&accepted_cond, &lock);
	pthread_mutex_unlock(&lock);
}

static void *client(void *arg)
{
	uint32_t idx = (uint32_t)(uintptr_t)arg;
	struct sockaddr_storage ss;
	socklen_t len = make_addr(cfg.cli_family, cfg.cli_addr, &ss);
	size_t rot = rotation(idx);
	int fd = socket(cfg.cli_family, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&ss, len))
		die("connect");
	if (cfg.sync)
		wait_accepted(cfg.serial ? (int)idx + 1 : cfg.conns);
	/* the first write, right after connect() (or the sync wait) */
	if (write_all(fd, (unsigned char *)&idx, sizeof(idx)) ||
	    write_all(fd, cfg.data + rot, cfg.len - rot) || write_all(fd, cfg.data, rot))
		die("write");
	close(fd);
	return NULL;
}

static void load_payload(const char *in, long bytes)
{
	if (in) {
		struct stat st;
		int fd = open(in, O_RDONLY | O_CLOEXEC);
		size_t done = 0;

		if (fd < 0 || fstat(fd, &st))
			die(in);
		cfg.len = (size_t)st.st_size;
		cfg.data = malloc(cfg.len ? cfg.len : 1);
		while (cfg.data && done < cfg.len) {
			ssize_t r = read(fd, cfg.data + done, cfg.len - done);

			if (r <= 0)
				die(in);
			done += (size_t)r;
		}
		close(fd);
	} else {
		uint64_t x = 0x9e3779b97f4a7c15ull; /* xorshift64: reproducible bytes */

		cfg.len = (size_t)bytes;
		cfg.data = malloc(cfg.len ? cfg.len : 1);
		for (size_t i = 0; cfg.data && i < cfg.len; i++) {
			x ^= x << 13, x ^= x >> 7, x ^= x << 17;
			cfg.data[i] = (unsigned char)x;
		}
	}
	if (!cfg.data || cfg.len == 0) {
		fprintf(stderr, "xfer: empty payload\n");
		exit(2);
	}
}

static void usage(void)
{
	fprintf(stderr, "usage: xfer v4|v6|dual [--in FILE | --bytes N] [--out FILE] [--conns N] "
		"[--serial] [--sync] [--timeout S] [--join-cgroup DIR]\n");
	exit(2);
}

static void parse(int argc, char **argv, const char **in, long *bytes, int *timeout)
{
	if (argc < 2)
		usage();
	if (!strcmp(argv[1], "v4"))
		cfg.srv_family = AF_INET, cfg.srv_addr = "127.0.0.1", cfg.cli_family = AF_INET, cfg.cli_addr = "127.0.0.1";
	else if (!strcmp(argv[1], "v6"))
		cfg.srv_family = AF_INET6, cfg.srv_addr = "::1", cfg.cli_family = AF_INET6, cfg.cli_addr = "::1";
	else if (!strcmp(argv[1], "dual"))
		cfg.srv_family = AF_INET6, cfg.srv_addr = "::", cfg.cli_family = AF_INET, cfg.cli_addr = "127.0.0.1";
	else
		usage();
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--serial"))
			cfg.serial = 1;
		else if (!strcmp(a, "--sync"))
			cfg.sync = 1;
		else if (!v)
			usage();
		else if (!strcmp(a, "--in"))
			*in = v, i++;
		else if (!strcmp(a, "--out"))
			cfg.out = v, i++;
		else if (!strcmp(a, "--bytes"))
			*bytes = atol(v), i++;
		else if (!strcmp(a, "--conns"))
			cfg.conns = atoi(v), i++;
		else if (!strcmp(a, "--timeout"))
			*timeout = atoi(v), i++;
		else if (!strcmp(a, "--join-cgroup"))
			cfg.join_cgroup = v, i++;
		else
			usage();
	}
	if (cfg.conns < 1 || cfg.conns > MAX_CONNS || *timeout < 1)
		usage();
}

int main(int argc, char **argv)
{
	const char *in = NULL;
	long bytes = 1 << 20;
	int timeout = 60, lfd;
	pthread_t srv, cli[MAX_CONNS];

	cfg.conns = 1;
	parse(argc, argv, &in, &bytes, &timeout);
	alarm((unsigned)timeout); /* SIGALRM ends a hung run with a non-zero status */
	load_payload(in, bytes);
	lfd = listen_socket();
	if (cfg.join_cgroup)
		join_cgroup(cfg.join_cgroup); /* the client sockets, made after this, are its */
	if (pthread_create(&srv, NULL, accept_loop, (void *)(intptr_t)lfd))
		die("pthread_create");
	for (int i = 0; i < cfg.conns; i++) {
		if (pthread_create(&cli[i], NULL, client, (void *)(uintptr_t)i))
			die("pthread_create");
		if (cfg.serial)
			pthread_join(cli[i], NULL);
	}
	for (int i = 0; !cfg.serial && i < cfg.conns; i++)
		pthread_join(cli[i], NULL);
	pthread_join(srv, NULL);
	printf("xfer %s conns=%d bytes=%zu intact=%d lost=%d eagain_read=%ld eagain_write=%ld\n",
	       argv[1], cfg.conns, cfg.len, (int)intact, (int)lost, (long)eagain_read,
	       (long)eagain_write);
	return intact == cfg.conns ? 0 : 1;
}
