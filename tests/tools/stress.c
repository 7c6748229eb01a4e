/* stress.c - load for the sockmap redirect (sk_msg) stress test.
 *
 *   stress [--conns N] [--workers N] [--min-seconds S] [--timeout S]
 *
 * One process plays client and server over loopback, so both ends of every
 * connection are in the cgroup that carries the redirect:
 *
 *   long  0..3  open for the whole run; each end writes 1 MiB messages with
 *               one write() each and reads the other direction at the same
 *               time (a writer thread and a reader thread per end).  In
 *               long 1 the server is a slow reader, in long 2 the client:
 *               it sleeps between 16 KiB reads, so its peer blocks in write().
 *   short       N connections (default 1000), taken by W worker threads
 *               (default 8): connect, request, shutdown(SHUT_WR), response,
 *               close; sizes from 1 byte to 1 MiB; half are closed by the
 *               client first, half by the server.
 *
 *   families    connection i: IPv4 to 127.0.0.1, IPv6 to ::1, or IPv4 to a
 *               dual-stack :: listener (the server sees ::ffff:127.0.0.1)
 *
 * Every direction of every connection is a stream whose byte at offset o is
 * pattern[(o + seed) % PATTERN_LEN], seed unique per direction: the reader
 * compares each chunk with what must be at that offset (data delivered to
 * the wrong socket, reordered or duplicated is caught where it happens), and
 * both ends keep a Fletcher checksum and a byte count of what they wrote and
 * read; at the end they must be equal for every direction.
 *
 * Hangs: every socket has SO_RCVTIMEO/SO_SNDTIMEO of HANG_MS, so no read,
 * write or connect blocks longer; an operation that makes no progress for
 * HANG_MS fails its connection.  A watchdog ends the whole run after
 * --timeout seconds (exit 3) and lists the connections still open.
 *
 * EAGAIN: with the redirect, a blocking read() can return EAGAIN early
 * (tcp_bpf_recvmsg() in net/ipv4/tcp_bpf.c gives up when it is woken but its
 * psock queue is still empty).  Such returns are retried after a poll() and
 * counted; only "no progress for HANG_MS" is a failure.
 *
 * Output, one line on stdout:
 *   stress conns=N long=4 bytes=B failed=F eagain_read=R eagain_write=W
 *          slow_backlog=A,B slow_held_ms=H,I slow_blocked_ms=M,N elapsed_ms=T
 *   slow_*: the two slow readers' writers: their largest lead in bytes, the
 *   time they waited for the BACKLOG_MAX cap and the time spent in write()
 * Exit 0 when every connection delivered every byte; 1 otherwise.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MSG_LEN (1 << 20)          /* one write() of a long connection */
#define PATTERN_LEN 1048573        /* prime: offsets never line up with chunks */
#define CHUNK 65536                /* read size; the slow reader uses 16 KiB */
#define SLOW_CHUNK 16384
#define SLOW_SLEEP_US 1000
#define LONG_PACE_US 10000         /* pause between a long writer's messages */
#define HANG_MS 10000
#define BACKLOG_MAX (32u << 20)    /* a long writer's lead over its reader */
#define NR_LONG 4
#define MAX_CONNS 100000
#define MAGIC 0x73747273u

enum { C2S, S2C };                 /* direction: client to server, server to client */

struct fletcher { uint64_t a, b; };

struct dir {
	uint64_t sent, received, want; /* want: short connections only */
	struct fletcher sum_sent, sum_received;
	uint32_t seed;
	int slow_reader;
	atomic_ullong delivered;       /* = received, for the writer's thread */
	uint64_t backlog_peak;         /* most bytes written and not yet read */
	long blocked_ms;               /* time the writer spent inside write() */
	long held_ms;                  /* time it waited for the BACKLOG_MAX cap */
};

struct conn {
	uint32_t id;
	int is_long, family_mode, client_closes_first;
	struct dir d[2];
	atomic_int failed, done;
	char err[200];
};

struct hello { uint32_t magic, id; };

static struct {
	int conns, workers, min_seconds, timeout;
} cfg = { 1000, 8, 3, 60 };

static unsigned char *pattern;     /* PATTERN_LEN + MSG_LEN bytes: windows never wrap */
static struct conn *conns;         /* NR_LONG long ones first, then the short ones */
static int nr_conns;
static uint16_t port4, port6;      /* 127.0.0.1 / [::] dual stack */
static atomic_int next_short, handlers, stop_long, stop_accept;
static atomic_long eagain_read, eagain_write;
static long long t_start, churn_ms;

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void fletcher_add(struct fletcher *f, const unsigned char *p, size_t n)
{
	uint64_t a = f->a, b = f->b;

	for (size_t i = 0; i < n; i++)
		a += p[i], b += a;
	f->a = a, f->b = b;
}

static int conn_fail(struct conn *c, const char *fmt, ...)
{
	va_list ap;
	int expected = 0;

	if (atomic_compare_exchange_strong(&c->failed, &expected, 1)) {
		va_start(ap, fmt);
		vsnprintf(c->err, sizeof(c->err), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* The bytes direction d must carry at stream offset off (n <= MSG_LEN). */
static const unsigned char *expected(const struct dir *d, uint64_t off)
{
	return pattern + (off + d->seed) % PATTERN_LEN;
}

/* Read up to n bytes: > 0, 0 at EOF, -1 failed.  Early EAGAINs are retried
 * and counted; HANG_MS without data is a hang (SO_RCVTIMEO ends the read). */
static ssize_t read_some(struct conn *c, int fd, void *buf, size_t n)
{
	long long since = now_ms();

	for (;;) {
		ssize_t r = read(fd, buf, n);

		if (r >= 0)
			return r;
		if (errno == EINTR)
			continue;
		if (errno != EAGAIN)
			return conn_fail(c, "read: %s", strerror(errno));
		if (now_ms() - since >= HANG_MS)
			return conn_fail(c, "read: no data for %d ms (hang)", HANG_MS);
		atomic_fetch_add(&eagain_read, 1);
		poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1, 100);
	}
}

/* Write the next n bytes of direction d (n <= MSG_LEN: one write() call,
 * repeated only for what a partial write left). */
static int write_stream(struct conn *c, int fd, struct dir *d, size_t n)
{
	long long since = now_ms(), t0;

	while (n > 0 && !c->failed) {
		const unsigned char *p = expected(d, d->sent);
		ssize_t w;

		t0 = now_ms();
		w = write(fd, p, n);
		d->blocked_ms += now_ms() - t0;
		if (w > 0) {
			fletcher_add(&d->sum_sent, p, (size_t)w);
			d->sent += (uint64_t)w, n -= (size_t)w, since = now_ms();
			continue;
		}
		if (w < 0 && errno == EINTR)
			continue;
		if (w == 0 || errno != EAGAIN)
			return conn_fail(c, "write: %s", w == 0 ? "wrote 0" : strerror(errno));
		if (now_ms() - since >= HANG_MS)
			return conn_fail(c, "write: no progress for %d ms (hang)", HANG_MS);
		atomic_fetch_add(&eagain_write, 1);
		poll(&(struct pollfd){ .fd = fd, .events = POLLOUT }, 1, 100);
	}
	return c->failed ? -1 : 0;
}

/* Read direction d until EOF (limit: stop after that many bytes, 0: none),
 * checking every chunk against the bytes that belong at its offset. */
static int read_stream(struct conn *c, int fd, struct dir *d, uint64_t limit)
{
	unsigned char buf[CHUNK];
	ssize_t r;

	for (;;) {
		size_t n = d->slow_reader ? SLOW_CHUNK : CHUNK;

		if (limit && limit - d->received < n)
			n = (size_t)(limit - d->received);
		if (limit && n == 0)
			return 0;
		r = read_some(c, fd, buf, n);
		if (r <= 0)
			return (int)r;
		if (memcmp(buf, expected(d, d->received), (size_t)r))
			return conn_fail(c, "%s: wrong bytes at offset %llu", d == &c->d[C2S] ?
					 "client->server" : "server->client",
					 (unsigned long long)d->received);
		fletcher_add(&d->sum_received, buf, (size_t)r);
		d->received += (uint64_t)r;
		atomic_store(&d->delivered, d->received);
		if (d->slow_reader && !stop_long)
			usleep(SLOW_SLEEP_US);
	}
}

static void set_timeouts(int fd)
{
	struct timeval tv = { .tv_sec = HANG_MS / 1000, .tv_usec = HANG_MS % 1000 * 1000 };

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

/* ---- long connections: a writer thread beside the reader ----------- */

struct writer_arg { struct conn *c; int fd, dir; };

/* Wait until the reader is less than BACKLOG_MAX behind: 0, or -1 when it
 * made no progress for HANG_MS.
 *
 * Why user space has to do this: a redirected write goes straight into the
 * peer's psock queue, charged to the peer socket (bpf_tcp_ingress() in
 * net/ipv4/tcp_bpf.c), and that charge is limited by the global tcp_mem
 * (__sk_mem_schedule()), not by the peer's SO_RCVBUF.  A writer whose peer
 * never reads is not blocked until the whole host reaches TCP memory
 * pressure (measured: 1.5 GB queued, then ENOMEM from write()).  The cap
 * keeps this test from pushing the host there. */
static int hold_back(struct conn *c, struct dir *d)
{
	uint64_t seen = atomic_load(&d->delivered);
	long long since = now_ms(), t0 = since;

	if (d->sent - seen > d->backlog_peak)
		d->backlog_peak = d->sent - seen;
	while (!stop_long && !c->failed && d->sent - atomic_load(&d->delivered) > BACKLOG_MAX) {
		if (atomic_load(&d->delivered) != seen)
			seen = atomic_load(&d->delivered), since = now_ms();
		if (now_ms() - since >= HANG_MS)
			return conn_fail(c, "the reader made no progress for %d ms (hang)", HANG_MS);
		usleep(1000);
	}
	d->held_ms += now_ms() - t0;
	return 0;
}

static void *long_writer(void *p)
{
	struct writer_arg *a = p;
	struct dir *d = &a->c->d[a->dir];

	while (!stop_long && hold_back(a->c, d) == 0 && write_stream(a->c, a->fd, d, MSG_LEN) == 0)
		usleep(LONG_PACE_US);
	shutdown(a->fd, SHUT_WR);      /* the end of the stream: the peer reads EOF */
	return NULL;
}

/* One end of a long connection: write `out` while reading `in` until EOF. */
static void long_end(struct conn *c, int fd, int out, int in)
{
	struct writer_arg a = { c, fd, out };
	pthread_t t;

	if (pthread_create(&t, NULL, long_writer, &a)) {
		conn_fail(c, "pthread_create");
		return;
	}
	read_stream(c, fd, &c->d[in], 0);
	if (c->failed)
		shutdown(fd, SHUT_RDWR);   /* unblocks the writer */
	pthread_join(t, NULL);
}

/* ---- server ----------------------------------------------------------- */

static void serve_short(struct conn *c, int fd)
{
	if (read_stream(c, fd, &c->d[C2S], 0) || c->failed)
		return;
	if (c->d[C2S].received != c->d[C2S].want) {
		conn_fail(c, "server got %llu of %llu bytes before EOF",
			  (unsigned long long)c->d[C2S].received, (unsigned long long)c->d[C2S].want);
		return;
	}
	if (write_stream(c, fd, &c->d[S2C], c->d[S2C].want))
		return;
	if (c->client_closes_first) {  /* wait for the client's close */
		unsigned char b;

		if (read_some(c, fd, &b, 1) > 0)
			conn_fail(c, "server: data after the request's EOF");
	}
}

static void *serve(void *p)
{
	int fd = (int)(intptr_t)p;
	struct hello h = { 0 };
	size_t got = 0;
	ssize_t r = 1;
	long long since = now_ms();

	set_timeouts(fd);
	while (got < sizeof(h) && r > 0 && now_ms() - since < HANG_MS) {
		r = read(fd, (char *)&h + got, sizeof(h) - got);
		if (r < 0 && errno == EAGAIN)  /* early EAGAIN (see above); SO_RCVTIMEO bounds it */
			r = 1, atomic_fetch_add(&eagain_read, 1);
		else if (r > 0)
			got += (size_t)r;
	}
	if (got == sizeof(h) && h.magic == MAGIC && h.id < (uint32_t)nr_conns) {
		struct conn *c = &conns[h.id];

		if (c->is_long)
			long_end(c, fd, S2C, C2S);
		else
			serve_short(c, fd);
	} else {
		fprintf(stderr, "stress: a connection without a valid hello (%zu bytes)\n", got);
	}
	close(fd);
	atomic_fetch_sub(&handlers, 1);
	return NULL;
}

static void *accept_loop(void *p)
{
	int *lfd = p;
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	while (!stop_accept) {
		struct pollfd pf[2] = { { .fd = lfd[0], .events = POLLIN }, { .fd = lfd[1], .events = POLLIN } };
		pthread_t t;

		if (poll(pf, 2, 100) <= 0)
			continue;
		for (int i = 0; i < 2; i++) {
			int fd = (pf[i].revents & POLLIN) ? accept4(lfd[i], NULL, NULL, SOCK_CLOEXEC) : -1;

			if (fd < 0)
				continue;
			atomic_fetch_add(&handlers, 1);
			if (pthread_create(&t, &attr, serve, (void *)(intptr_t)fd)) {
				atomic_fetch_sub(&handlers, 1);
				close(fd);
			}
		}
	}
	return NULL;
}

static int listen_on(int family, uint16_t *port)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_ANY_INIT };
	struct sockaddr *sa = family == AF_INET ? (struct sockaddr *)&a4 : (struct sockaddr *)&a6;
	socklen_t len = family == AF_INET ? sizeof(a4) : sizeof(a6);
	int fd = socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0), zero = 0;

	/* [::] with IPV6_V6ONLY off also takes IPv4 (v4-mapped peers) */
	if (fd < 0 || (family == AF_INET6 &&
		       setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero))) ||
	    bind(fd, sa, len) || listen(fd, 1024) || getsockname(fd, sa, &len)) {
		perror("stress: listen");
		exit(2);
	}
	*port = ntohs(family == AF_INET ? a4.sin_port : a6.sin6_port);
	return fd;
}

/* ---- client ----------------------------------------------------------- */

/* mode 0: IPv4 -> 127.0.0.1; 1: IPv6 -> ::1; 2: IPv4 -> the dual-stack [::] */
static int dial(struct conn *c)
{
	struct sockaddr_in a4 = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6, .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int v6 = c->family_mode == 1;
	int fd = socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct hello h = { MAGIC, c->id };

	a4.sin_port = htons(c->family_mode == 0 ? port4 : port6);
	a6.sin6_port = htons(port6);
	if (fd < 0)
		return conn_fail(c, "socket: %s", strerror(errno));
	set_timeouts(fd);              /* SO_SNDTIMEO also bounds connect() */
	if (connect(fd, v6 ? (struct sockaddr *)&a6 : (struct sockaddr *)&a4,
		    v6 ? sizeof(a6) : sizeof(a4))) {
		close(fd);
		return conn_fail(c, "connect: %s", strerror(errno));
	}
	for (size_t done = 0; done < sizeof(h);) {
		ssize_t w = write(fd, (char *)&h + done, sizeof(h) - done);

		if (w <= 0) {
			close(fd);
			return conn_fail(c, "hello: %s", w ? strerror(errno) : "wrote 0");
		}
		done += (size_t)w;
	}
	return fd;
}

static void run_short(struct conn *c)
{
	int fd = dial(c);

	if (fd < 0)
		return;
	if (write_stream(c, fd, &c->d[C2S], c->d[C2S].want) == 0) {
		shutdown(fd, SHUT_WR);
		if (read_stream(c, fd, &c->d[S2C], c->d[S2C].want) == 0 && !c->client_closes_first) {
			unsigned char b;       /* the server closes first: expect its EOF */

			if (read_some(c, fd, &b, 1) > 0)
				conn_fail(c, "client: data after the response");
		}
	}
	close(fd);
	c->done = 1;
}

static void *long_client(void *p)
{
	struct conn *c = p;
	int fd = dial(c);

	if (fd >= 0) {
		long_end(c, fd, C2S, S2C);
		close(fd);
	}
	c->done = 1;
	return NULL;
}

static void *short_worker(void *p)
{
	(void)p;
	for (;;) {
		int i = atomic_fetch_add(&next_short, 1);

		if (i >= cfg.conns)
			return NULL;
		run_short(&conns[NR_LONG + i]);
	}
}

/* ---- setup, watchdog, verdict ----------------------------------------- */

static void setup(void)
{
	static const uint64_t sizes[] = { 1, 100, 4096, 65536, 65537, 300007, MSG_LEN };
	uint64_t x = 0x9e3779b97f4a7c15ull;   /* xorshift64: reproducible bytes */

	pattern = malloc(PATTERN_LEN + MSG_LEN);
	nr_conns = NR_LONG + cfg.conns;
	conns = calloc((size_t)nr_conns, sizeof(*conns));
	if (!pattern || !conns) {
		fprintf(stderr, "stress: out of memory\n");
		exit(2);
	}
	for (size_t i = 0; i < PATTERN_LEN; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		pattern[i] = (unsigned char)x;
	}
	for (size_t i = PATTERN_LEN; i < PATTERN_LEN + MSG_LEN; i++)
		pattern[i] = pattern[i - PATTERN_LEN];   /* the tail repeats the start */
	for (int i = 0; i < nr_conns; i++) {
		struct conn *c = &conns[i];
		int k = i - NR_LONG;

		c->id = (uint32_t)i;
		c->is_long = i < NR_LONG;
		c->family_mode = i % 3;
		c->client_closes_first = k % 2;
		for (int d = 0; d < 2; d++)
			c->d[d].seed = (uint32_t)(((uint64_t)i * 2 + (uint64_t)d) * 7919 % PATTERN_LEN);
		if (!c->is_long) {
			c->d[C2S].want = sizes[k % 7];
			c->d[S2C].want = sizes[(k * 3 + 1) % 7];
		}
	}
	conns[1].d[C2S].slow_reader = 1;   /* the server reads slowly */
	conns[2].d[S2C].slow_reader = 1;   /* the client reads slowly */
}

static void *watchdog(void *p)
{
	(void)p;
	while (now_ms() - t_start < (long long)cfg.timeout * 1000)
		usleep(100000);
	fprintf(stderr, "stress: still running after %d s; open connections:\n", cfg.timeout);
	for (int i = 0, n = 0; i < nr_conns && n < 20; i++)
		if (!conns[i].done && (conns[i].is_long || i - NR_LONG < next_short)) {
			n++;
			fprintf(stderr, "  conn %d: c->s %llu/%llu s->c %llu/%llu %s\n", i,
				(unsigned long long)conns[i].d[C2S].received,
				(unsigned long long)conns[i].d[C2S].sent,
				(unsigned long long)conns[i].d[S2C].received,
				(unsigned long long)conns[i].d[S2C].sent, conns[i].err);
		}
	_exit(3);
}

static int verdict(uint64_t *bytes)
{
	int failed = 0;

	*bytes = 0;
	for (int i = 0; i < nr_conns; i++) {
		struct conn *c = &conns[i];

		for (int d = 0; d < 2 && !c->failed; d++) {
			struct dir *s = &c->d[d];

			if (s->sent != s->received || s->sum_sent.a != s->sum_received.a ||
			    s->sum_sent.b != s->sum_received.b || (!c->is_long && s->sent != s->want))
				conn_fail(c, "%s: sent %llu, received %llu, checksums %s",
					  d == C2S ? "client->server" : "server->client",
					  (unsigned long long)s->sent, (unsigned long long)s->received,
					  s->sum_sent.b == s->sum_received.b ? "equal" : "differ");
			*bytes += s->received;
		}
		if (c->failed && failed++ < 20)
			fprintf(stderr, "stress: %s conn %d: %s\n", c->is_long ? "long" : "short", i, c->err);
	}
	return failed;
}

int main(int argc, char **argv)
{
	pthread_t acc, wd, lng[NR_LONG], wrk[64];
	int lfd[2];
	uint64_t bytes;

	for (int i = 1; i + 1 < argc; i += 2) {
		int v = atoi(argv[i + 1]);

		if (!strcmp(argv[i], "--conns")) cfg.conns = v;
		else if (!strcmp(argv[i], "--workers")) cfg.workers = v;
		else if (!strcmp(argv[i], "--min-seconds")) cfg.min_seconds = v;
		else if (!strcmp(argv[i], "--timeout")) cfg.timeout = v;
		else argc = 0;
	}
	if (argc % 2 == 0 || cfg.conns < 1 || cfg.conns > MAX_CONNS || cfg.workers < 1 ||
	    cfg.workers > 64 || cfg.timeout < 1) {
		fprintf(stderr, "usage: stress [--conns N] [--workers N (<= 64)] [--min-seconds S] "
			"[--timeout S]\n");
		return 2;
	}
	t_start = now_ms();
	setup();
	lfd[0] = listen_on(AF_INET, &port4);
	lfd[1] = listen_on(AF_INET6, &port6);
	if (pthread_create(&wd, NULL, watchdog, NULL) || pthread_create(&acc, NULL, accept_loop, lfd))
		return 2;
	for (int i = 0; i < NR_LONG; i++)
		if (pthread_create(&lng[i], NULL, long_client, &conns[i]))
			return 2;
	for (int i = 0; i < cfg.workers; i++)
		if (pthread_create(&wrk[i], NULL, short_worker, NULL))
			return 2;
	for (int i = 0; i < cfg.workers; i++)
		pthread_join(wrk[i], NULL);
	churn_ms = now_ms() - t_start;
	/* the churn is over; the long transfers end now (after a minimum) */
	while (now_ms() - t_start < (long long)cfg.min_seconds * 1000)
		usleep(50000);
	stop_long = 1;
	for (int i = 0; i < NR_LONG; i++)
		pthread_join(lng[i], NULL);
	while (handlers > 0)           /* the server's ends; the watchdog bounds this */
		usleep(10000);
	stop_accept = 1;
	pthread_join(acc, NULL);
	close(lfd[0]);
	close(lfd[1]);

	int failed = verdict(&bytes);

	struct dir *s1 = &conns[1].d[C2S], *s2 = &conns[2].d[S2C];

	printf("stress conns=%d long=%d bytes=%llu failed=%d eagain_read=%ld eagain_write=%ld "
	       "slow_backlog=%llu,%llu slow_held_ms=%ld,%ld slow_blocked_ms=%ld,%ld churn_ms=%lld "
	       "elapsed_ms=%lld\n", cfg.conns, NR_LONG, (unsigned long long)bytes, failed,
	       (long)eagain_read, (long)eagain_write, (unsigned long long)s1->backlog_peak,
	       (unsigned long long)s2->backlog_peak, s1->held_ms, s2->held_ms, s1->blocked_ms,
	       s2->blocked_ms, churn_ms, now_ms() - t_start);
	for (int i = 0; i < NR_LONG; i++)  /* the long connections, for the log */
		fprintf(stderr, "long %d: client->server %llu bytes%s, server->client %llu bytes%s\n", i,
			(unsigned long long)conns[i].d[C2S].received,
			conns[i].d[C2S].slow_reader ? " (slow reader)" : "",
			(unsigned long long)conns[i].d[S2C].received,
			conns[i].d[S2C].slow_reader ? " (slow reader)" : "");
	return failed ? 1 : 0;
}
