/* sockperf.c - local TCP request/response and bulk throughput, for sockmap.sh.
 *
 *   sockperf -m rr|bulk -s SIZE [-c CONNS] [-t SECONDS] [-S CPU] [-C CPU]
 *            [-r READ_SIZE] [-n] [-p PORT]
 *
 *   rr    each connection: client writes SIZE bytes, server reads them all
 *         and writes SIZE bytes back, client reads them all = 1 transaction
 *   bulk  each connection: client writes SIZE bytes per write() for SECONDS,
 *         server reads (READ_SIZE per read(), default 64 KiB) until EOF
 *
 * The listening socket is made before the fork, so both ends live in the
 * cgroup the caller started us in (a sockops program sees a socket through
 * the cgroup of the process that created it; an accepted socket inherits
 * the listener's).  The server is a child process pinned to CPU -S, the
 * client this process pinned to -C; each connection gets one thread on each
 * side.  TCP_NODELAY is set on both ends unless -n (Nagle on).
 *
 * With a sockmap redirect a blocking read() can fail with EAGAIN now and
 * then (SPEC §6); we count it and retry.  Prints one line:
 *
 *   mode M size S conns C secs T trans N bytes B rate R unit U eagain E
 *   reads_s N writes_c N csw_c V/I csw_s V/I
 *
 * rate is transactions/s (rr) or MB/s received by the server (bulk, 10^6);
 * csw are voluntary/involuntary context switches of each process.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONNS 64

struct opts {
	int rr, size, conns, rsize, nagle, server_cpu, client_cpu;
	double secs;
	int port;
};

/* per connection, per side */
struct side {
	int fd;
	const struct opts *o;
	pthread_barrier_t *start;
	unsigned long long trans, bytes, reads, writes, eagain;
	double t_first, t_last;
	int err;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	if (cpu < 0)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perror("sockperf: sched_setaffinity");
}

/* read() that retries EINTR and the redirect's spurious EAGAIN; 0 on EOF */
static ssize_t read_some(struct side *s, void *buf, size_t len)
{
	for (;;) {
		ssize_t n = read(s->fd, buf, len);

		if (n >= 0) {
			s->reads++;
			return n;
		}
		if (errno == EAGAIN || errno == EWOULDBLOCK)
			s->eagain++;
		else if (errno != EINTR)
			return -1;
	}
}

static int read_full(struct side *s, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read_some(s, buf + got, len - got);

		if (n <= 0)
			return n == 0 && got == 0 ? 0 : -1;
		got += (size_t)n;
	}
	return 1;
}

static int write_full(struct side *s, const char *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(s->fd, buf + done, len - done);

		if (n < 0) {
			if (errno == EAGAIN || errno == EWOULDBLOCK) {
				s->eagain++;
				continue;
			}
			if (errno == EINTR)
				continue;
			return -1;
		}
		s->writes++;
		done += (size_t)n;
	}
	return 0;
}

static void *server_conn(void *arg)
{
	struct side *s = arg;
	size_t cap = (size_t)(s->o->rr ? s->o->size : s->o->rsize);
	char *buf = malloc(cap);
	ssize_t n;
	int r;

	if (!buf)
		return NULL;
	for (;;) {
		if (s->o->rr) {
			r = read_full(s, buf, cap);
			if (r <= 0) {
				s->err = r < 0;
				break;
			}
			if (write_full(s, buf, cap)) {
				s->err = 1;
				break;
			}
			s->trans++;
		} else {
			n = read_some(s, buf, cap);
			if (n <= 0) {
				s->err = n < 0;
				break;
			}
			if (!s->bytes)
				s->t_first = now_s();
			s->bytes += (size_t)n;
			s->t_last = now_s();
		}
	}
	free(buf);
	return NULL;
}

static void *client_conn(void *arg)
{
	struct side *s = arg;
	char *buf = calloc(1, (size_t)s->o->size);
	double end;

	if (!buf)
		return NULL;
	memset(buf, 'x', (size_t)s->o->size);
	pthread_barrier_wait(s->start);
	s->t_first = now_s();
	end = s->t_first + s->o->secs;
	do {
		for (int k = 0; k < 16; k++) {  /* check the clock every 16 operations */
			if (write_full(s, buf, (size_t)s->o->size)) {
				s->err = 1;
				goto out;
			}
			if (s->o->rr) {
				if (read_full(s, buf, (size_t)s->o->size) != 1) {
					s->err = 1;
					goto out;
				}
				s->trans++;
			}
			s->bytes += (size_t)s->o->size;
		}
	} while (now_s() < end);
out:
	s->t_last = now_s();
	shutdown(s->fd, SHUT_WR);  /* the server sees EOF and finishes */
	free(buf);
	return NULL;
}

struct totals {
	unsigned long long trans, bytes, reads, writes, eagain, err;
	double t_first, t_last;
	long vcsw, ivcsw;
};

static void add_sides(struct totals *t, struct side *s, int n)
{
	memset(t, 0, sizeof(*t));
	for (int i = 0; i < n; i++) {
		t->trans += s[i].trans;
		t->bytes += s[i].bytes;
		t->reads += s[i].reads;
		t->writes += s[i].writes;
		t->eagain += s[i].eagain;
		t->err += s[i].err;
		if (s[i].bytes && (!t->t_first || s[i].t_first < t->t_first))
			t->t_first = s[i].t_first;
		if (s[i].t_last > t->t_last)
			t->t_last = s[i].t_last;
	}
}

static void add_rusage(struct totals *t)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	t->vcsw = ru.ru_nvcsw;
	t->ivcsw = ru.ru_nivcsw;
}

static void run_threads(struct side *s, int n, void *(*fn)(void *))
{
	pthread_t th[MAX_CONNS];

	for (int i = 0; i < n; i++)
		pthread_create(&th[i], NULL, fn, &s[i]);
	for (int i = 0; i < n; i++)
		pthread_join(th[i], NULL);
}

static void set_nodelay(int fd, const struct opts *o)
{
	int one = 1;

	if (!o->nagle)
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

/* The server process: accept every connection, then one thread each. */
static void server(int lfd, int report_fd, const struct opts *o)
{
	struct side s[MAX_CONNS];
	struct totals t;

	pin(o->server_cpu);
	alarm((unsigned)o->secs + 20);  /* alarms are not inherited across fork() */
	memset(s, 0, sizeof(s));
	for (int i = 0; i < o->conns; i++) {
		s[i].fd = accept(lfd, NULL, NULL);
		s[i].o = o;
		if (s[i].fd < 0) {
			perror("sockperf: accept");
			_exit(1);
		}
		set_nodelay(s[i].fd, o);
	}
	run_threads(s, o->conns, server_conn);
	add_sides(&t, s, o->conns);
	add_rusage(&t);
	if (write(report_fd, &t, sizeof(t)) != sizeof(t))
		_exit(1);
	_exit(0);
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	int c;

	*o = (struct opts){ .size = 64, .conns = 1, .secs = 1, .rsize = 65536, .server_cpu = -1,
			    .client_cpu = -1 };
	while ((c = getopt(argc, argv, "m:s:c:t:S:C:r:np:")) != -1) {
		switch (c) {
		case 'm': o->rr = !strcmp(optarg, "rr"); if (!o->rr && strcmp(optarg, "bulk")) return -1; break;
		case 's': o->size = atoi(optarg); break;
		case 'c': o->conns = atoi(optarg); break;
		case 't': o->secs = atof(optarg); break;
		case 'S': o->server_cpu = atoi(optarg); break;
		case 'C': o->client_cpu = atoi(optarg); break;
		case 'r': o->rsize = atoi(optarg); break;
		case 'n': o->nagle = 1; break;
		case 'p': o->port = atoi(optarg); break;
		default: return -1;
		}
	}
	if (o->size < 1 || o->size > (16 << 20) || o->conns < 1 || o->conns > MAX_CONNS ||
	    o->secs <= 0 || o->secs > 60 || o->rsize < 1 || o->rsize > (16 << 20))
		return -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(addr);
	struct side s[MAX_CONNS];
	struct totals ct, st;
	pthread_barrier_t start;
	struct opts o;
	int lfd, one = 1, pfd[2], status;
	double secs;
	pid_t pid;

	if (parse_opts(argc, argv, &o)) {
		fprintf(stderr, "usage: sockperf -m rr|bulk -s SIZE [-c CONNS] [-t SECONDS] [-S CPU] [-C CPU] [-r READ_SIZE] [-n] [-p PORT]\n");
		return 2;
	}
	addr.sin_port = htons((uint16_t)o.port);
	lfd = socket(AF_INET, SOCK_STREAM, 0);
	setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) || listen(lfd, MAX_CONNS) ||
	    getsockname(lfd, (struct sockaddr *)&addr, &alen) || pipe(pfd)) {
		perror("sockperf: listen");
		return 1;
	}
	/* bounded whatever happens: a stuck redirect cannot hang the benchmark */
	alarm((unsigned)o.secs + 20);
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		server(lfd, pfd[1], &o);
	}
	close(pfd[1]);
	close(lfd);
	pin(o.client_cpu);

	memset(s, 0, sizeof(s));
	pthread_barrier_init(&start, NULL, (unsigned)o.conns);
	for (int i = 0; i < o.conns; i++) {
		s[i].o = &o;
		s[i].start = &start;
		s[i].fd = socket(AF_INET, SOCK_STREAM, 0);
		set_nodelay(s[i].fd, &o);
		if (connect(s[i].fd, (struct sockaddr *)&addr, sizeof(addr))) {
			perror("sockperf: connect");
			kill(pid, SIGKILL);
			return 1;
		}
	}
	/* let the sockops program see both ends established before we measure */
	usleep(20000);
	run_threads(s, o.conns, client_conn);
	add_sides(&ct, s, o.conns);
	add_rusage(&ct);
	for (int i = 0; i < o.conns; i++)
		close(s[i].fd);
	if (read(pfd[0], &st, sizeof(st)) != sizeof(st) || waitpid(pid, &status, 0) < 0) {
		fprintf(stderr, "sockperf: the server did not report\n");
		return 1;
	}
	secs = o.rr ? ct.t_last - ct.t_first : st.t_last - st.t_first;
	printf("mode %s size %d conns %d secs %.3f trans %llu bytes %llu rate %.1f unit %s eagain %llu "
	       "reads_s %llu writes_c %llu csw_c %ld/%ld csw_s %ld/%ld errors %llu\n",
	       o.rr ? "rr" : "bulk", o.size, o.conns, secs, ct.trans, st.bytes,
	       o.rr ? ct.trans / secs : st.bytes / secs / 1e6, o.rr ? "trans/s" : "MB/s",
	       ct.eagain + st.eagain, st.reads, ct.writes, ct.vcsw, ct.ivcsw, st.vcsw, st.ivcsw,
	       ct.err + st.err);
	return ct.err + st.err ? 1 : 0;
}
