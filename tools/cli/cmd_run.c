/* cmd_run.c - `rawload run OBJ --prog NAME (--packet FILE | --icmp-echo-reply
 * | --tcp-syn) [--repeat N]`: BPF_PROG_TEST_RUN.
 *
 * The kernel runs the program on a frame we hand it (bpf_prog_test_run_xdp /
 * bpf_prog_test_run_skb build a fake xdp_buff / sk_buff around our bytes),
 * `repeat` times, and reports the return value, the frame as the program
 * left it, and the mean duration.  Nothing is attached; nothing stays loaded.
 */
#include "cli.h"
#include "sys_bpf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* kernel-internal "operation not supported"; leaks out of bpf(2) */
#endif

/* The verdict's name, or NULL when the type has none for this value (a
 * socket filter returns the bytes to keep, a kprobe anything it likes). */
static const char *verdict_name(uint32_t prog_type, uint32_t v)
{
	static const char *const xdp[] = { "XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT" };
	static const char *const tc[] = { "TC_ACT_OK", "TC_ACT_RECLASSIFY", "TC_ACT_SHOT", "TC_ACT_PIPE",
					  "TC_ACT_STOLEN", "TC_ACT_QUEUED", "TC_ACT_REPEAT", "TC_ACT_REDIRECT" };

	if (prog_type == BPF_PROG_TYPE_XDP && v < 5)
		return xdp[v];
	if ((prog_type == BPF_PROG_TYPE_SCHED_CLS || prog_type == BPF_PROG_TYPE_SCHED_ACT) && v < 8)
		return tc[v];
	if (prog_type == BPF_PROG_TYPE_CGROUP_SKB && v < 2)
		return v == 1 ? "allow" : "drop";
	if ((prog_type == BPF_PROG_TYPE_SK_SKB || prog_type == BPF_PROG_TYPE_SK_MSG) && v < 2)
		return v == 1 ? "SK_PASS" : "SK_DROP";
	return NULL;
}

/* --packet FILE: its size first (a device or a huge file must not be read
 * into memory to find out), then at most cap + 1 bytes of it. */
static int read_packet(const char *file, uint8_t *buf, size_t cap, size_t *len)
{
	struct stat st;
	ssize_t n = 0;
	int fd = open(file, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) != 0) {
		fprintf(stderr, "rawload: %s: cannot read the packet: %s\n", file, strerror(errno));
		if (fd >= 0)
			close(fd);
		return EXIT_USER;
	}
	if (S_ISDIR(st.st_mode) || (S_ISREG(st.st_mode) && (uint64_t)st.st_size > cap)) {
		close(fd);
		if (S_ISDIR(st.st_mode))
			fprintf(stderr, "rawload: %s: is a directory, not a packet file\n", file);
		else
			fprintf(stderr, "rawload: %s: the packet file is %lld bytes; a test-run frame is at most %zu bytes (64 KiB)\n",
				file, (long long)st.st_size, cap);
		return EXIT_USER;
	}
	*len = 0;
	/* not a regular file (a pipe, /dev/stdin): the size shows only by reading */
	while (*len <= cap && (n = read(fd, buf + *len, cap + 1 - *len)) > 0)
		*len += (size_t)n;
	close(fd);
	if (n < 0) {
		fprintf(stderr, "rawload: %s: cannot read the packet: %s\n", file, strerror(errno));
		return EXIT_USER;
	}
	if (*len > cap || *len < 14) {
		fprintf(stderr, "rawload: %s: a packet must be 14..%zu bytes (an Ethernet header at least, 64 KiB at most), this is %s%zu\n",
			file, cap, *len > cap ? "more than " : "", *len > cap ? cap : *len);
		return EXIT_USER;
	}
	return 0;
}

static int build_packet(const char *file, bool echo_reply, bool syn, uint8_t *buf, size_t cap,
			size_t *len)
{
	if ((file != NULL) + echo_reply + syn != 1)
		return cli_usage_error("run", "give exactly one of --packet FILE, --icmp-echo-reply, --tcp-syn");
	if (echo_reply)
		*len = cli_packet_icmp_echo_reply(buf, cap);
	else if (syn)
		*len = cli_packet_tcp_syn(buf, cap);
	else
		return read_packet(file, buf, cap, len);
	return 0;
}

static void print_result(const char *prog_name, const struct rl_prog *p,
			 const struct rl_test_run_opts *t, size_t len, long repeat, bool json)
{
	const char *verdict = verdict_name(p->spec->prog_type, t->retval);

	if (json) {
		printf("{\"program\":");
		json_str(stdout, prog_name);
		printf(",\"retval\":%u,\"verdict\":", t->retval);
		if (verdict)
			json_str(stdout, verdict);
		else
			printf("null");
		printf(",\"packet_in\":%zu,\"packet_out\":%u,\"repeat\":%ld,\"ns_per_run\":%u}\n",
		       len, t->data_size_out, repeat, t->duration);
		return;
	}
	printf("program %s (%s, id %u): ", prog_name, rl_prog_type_name(p->spec->prog_type), p->id);
	if (verdict)
		printf("verdict %s (%u)\n", verdict, t->retval);
	else
		printf("retval %u\n", t->retval);
	printf("packet %zu bytes in, %u bytes out; %u ns/run over %ld run%s\n", len,
	       t->data_size_out, t->duration, repeat, repeat > 1 ? "s" : "");
}

int cmd_run(int argc, char **argv, struct cli *cli)
{
	const char *prog_name = NULL, *packet = NULL, *repeat_s = NULL, *pos[1];
	bool echo_reply = false, syn = false;
	const struct cli_opt opts[] = {
		{ "--prog", &prog_name, NULL }, { "--packet", &packet, NULL },
		{ "--icmp-echo-reply", NULL, &echo_reply }, { "--tcp-syn", NULL, &syn },
		{ "--repeat", &repeat_s, NULL }, { NULL, NULL, NULL },
	};
	static uint8_t in[65536], out[65536 + 256];
	struct rl_test_run_opts t = { 0 };
	struct cli_loaded l;
	struct rl_prog *p;
	size_t len = 0;
	long repeat = 1;
	int npos, err, rc;

	if (cli_parse_args("run", argc, argv, opts, pos, 1, 1, &npos))
		return EXIT_USAGE;
	if (!prog_name)
		return cli_usage_error("run", "--prog NAME is required");
	if (repeat_s) {
		char *end;

		repeat = strtol(repeat_s, &end, 10);
		if (*end || repeat < 1 || repeat > 100000000)
			return cli_usage_error("run", "--repeat takes 1..100000000, not '%s'", repeat_s);
	}
	rc = build_packet(packet, echo_reply, syn, in, sizeof(in), &len);
	if (rc)
		return rc;
	if (cli_parse_object(pos[0], &l))
		return EXIT_USER;
	if (!rl_object_find_prog(&l.spec, prog_name)) { /* before the kernel sees anything */
		fprintf(stderr, "rawload: %s: no program named '%s' (see rawload inspect)\n", pos[0], prog_name);
		cli_unload_object(&l);
		return EXIT_USER;
	}
	if (cli_load_parsed(&l, NULL, cli))
		return EXIT_USER;
	p = rl_object_prog(&l.obj, prog_name);
	t.prog_fd = p->fd;
	t.data_in = in;
	t.data_size_in = (uint32_t)len;
	t.data_out = out;
	t.data_size_out = sizeof(out);
	t.repeat = (uint32_t)repeat;
	err = rl_sys_prog_test_run(&t);
	if (err) {
		fprintf(stderr, "rawload: %s: program '%s': BPF_PROG_TEST_RUN: %s%s\n", pos[0], prog_name,
			strerror(-err), err == -ENOTSUPP || err == -EINVAL ?
			" (the kernel cannot test-run this program type)" : "");
		cli_unload_object(&l);
		return EXIT_USER;
	}
	print_result(prog_name, p, &t, len, repeat, cli->json);
	cli_unload_object(&l);
	return EXIT_OK;
}
