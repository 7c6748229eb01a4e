/* runstat.c - run one command (or a short chain of them) and report its cost.
 *
 *   runstat [-n NETNS] [-e VAR=VALUE]... [-q] CMD [ARG...] [--then CMD [ARG...]]...
 *
 * prints one line on stdout:
 *
 *   wall_ns 1234567 maxrss_kb 2304 utime_us 310 stime_us 1650 status 0
 *
 * wall_ns is CLOCK_MONOTONIC from just before the first fork() to just after
 * the last wait4(): the whole life of the processes, with no shell in
 * between.  maxrss_kb is the largest ru_maxrss that wait4() reported for any
 * command of the chain (the kernel keeps the peak resident set of a process
 * in its signal struct and hands it to the parent that reaps it; see
 * getrusage(2)).  utime_us / stime_us add up the user and system CPU time
 * of the chain: system time includes the verifier, which runs inside the
 * bpf(BPF_PROG_LOAD) call of the loading process.  status is the first
 * non-zero exit status, or 0.
 *
 * GNU time would give the same numbers, but it is not installed here and a
 * `sh -c` wrapper would add its own start-up to every sample.
 *
 * -n NETNS  setns() into /var/run/netns/NETNS before the first fork, so an
 *           XDP attach by device name finds the device.  Unlike
 *           `ip netns exec`, this leaves the mount namespace alone, so
 *           /sys/fs/bpf is the host's bpffs and pins stay visible.
 * -e V=X    put V=X in the commands' environment (no `env` process to time).
 * -q        send the commands' stdout and stderr to /dev/null (the default
 *           keeps stderr so failures are visible).
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int enter_netns(const char *name)
{
	char path[256];
	int fd;

	snprintf(path, sizeof(path), "/var/run/netns/%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0) {
		fprintf(stderr, "runstat: netns %s: %s\n", name, strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}

/* Run argv[0..] until NULL; returns the exit status (128+sig if killed). */
struct cost {
	long maxrss_kb;
	long long utime_us, stime_us;
};

static long long tv_us(struct timeval tv)
{
	return tv.tv_sec * 1000000LL + tv.tv_usec;
}

static int run_one(char **argv, int quiet, struct cost *c)
{
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid < 0) {
		perror("runstat: fork");
		return 127;
	}
	if (pid == 0) {
		if (quiet) {
			int null = open("/dev/null", O_WRONLY);

			dup2(null, 1);
			dup2(null, 2);
		}
		execvp(argv[0], argv);
		fprintf(stderr, "runstat: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	if (wait4(pid, &status, 0, &ru) < 0) {
		perror("runstat: wait4");
		return 127;
	}
	if (ru.ru_maxrss > c->maxrss_kb)
		c->maxrss_kb = ru.ru_maxrss;
	c->utime_us += tv_us(ru.ru_utime);
	c->stime_us += tv_us(ru.ru_stime);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
	const char *netns = NULL;
	int quiet = 0, first = 1, rc = 0;
	struct cost c = { 0, 0, 0 };
	long long t0, t1;

	while (first < argc && argv[first][0] == '-' && strcmp(argv[first], "--then")) {
		if (!strcmp(argv[first], "-q"))
			quiet = 1, first++;
		else if (!strcmp(argv[first], "-n") && first + 1 < argc)
			netns = argv[first + 1], first += 2;
		else if (!strcmp(argv[first], "-e") && first + 1 < argc && strchr(argv[first + 1], '='))
			putenv(argv[first + 1]), first += 2;
		else
			break;
	}
	if (first >= argc) {
		fprintf(stderr, "usage: runstat [-n NETNS] [-e VAR=VALUE]... [-q] CMD [ARG...] [--then CMD [ARG...]]...\n");
		return 2;
	}
	if (netns && enter_netns(netns))
		return 2;

	t0 = now_ns();
	for (int i = first; i < argc && rc == 0;) {
		int end = i;

		while (end < argc && strcmp(argv[end], "--then"))
			end++;
		argv[end < argc ? end : argc] = NULL;  /* cut this command's argv */
		rc = run_one(&argv[i], quiet, &c);
		i = end + 1;
	}
	t1 = now_ns();
	printf("wall_ns %lld maxrss_kb %ld utime_us %lld stime_us %lld status %d\n", t1 - t0,
	       c.maxrss_kb, c.utime_us, c.stime_us, rc);
	return 0;
}
