/* objects.c - what every loading subcommand does first: read, parse, load,
 * and report a failure the way a kernel engineer wants to read it. */
#include "cli.h"
#include "explain.h"
#include "load.h"
#include "object.h"
#include "vlog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <string.h>

int cli_open_object(const char *path, void **bytes, struct rl_object_spec *obj)
{
	struct rl_diag d = { "" };
	size_t size;
	int err;

	err = cli_read_file(path, bytes, &size, &d);
	if (!err) {
		err = rl_object_parse(obj, path, *bytes, size, &d);
		if (err) {
			free(*bytes);
			*bytes = NULL;
		}
	}
	if (err) {
		cli_fail(path, &d);
		return err;
	}
	return 0;
}

/* The verifier's log is long; the reason is at its end.  Print the tail that
 * explains the rejection (with the source lines BTF line info gives), or the
 * whole log with -v. */
void cli_print_verifier_log(const struct rl_object *o, const struct cli *cli)
{
	char tail[8192];
	size_t len;

	if (!o->verifier_log || !*o->verifier_log)
		return;
	len = strlen(o->verifier_log);
	if (cli->verbose) {
		fprintf(stderr, "%s%s", o->verifier_log,
			o->verifier_log[len - 1] == '\n' ? "" : "\n");
		return;
	}
	rl_vlog_tail(o->verifier_log, len, tail, sizeof(tail), 12);
	for (char *line = strtok(tail, "\n"); line; line = strtok(NULL, "\n"))
		fprintf(stderr, "  | %s\n", line);
	fprintf(stderr, "  (last lines of the verifier log; -v prints all of it)\n");
}

int cli_parse_object(const char *path, struct cli_loaded *l)
{
	memset(l, 0, sizeof(*l));
	l->path = path;
	l->obj.btf_fd = -1; /* nothing open yet: cli_unload_object must not close fd 0 */
	return cli_open_object(path, &l->bytes, &l->spec) ? EXIT_USER : 0;
}

int cli_load_parsed(struct cli_loaded *l, const struct rl_load_opts *opts, const struct cli *cli)
{
	/* -v --explain lists each program before and after relocation */
	struct rl_load_opts o = opts ? *opts : (struct rl_load_opts){ 0 };
	struct rl_diag d = { "" };
	int err;

	cli_explain_load_opts(cli, &o);
	cli_explain_externs(cli, &l->spec);
	err = rl_object_load(&l->obj, &l->spec, &o, &d);
	if (l->obj.warning[0])
		fprintf(stderr, "rawload: %s: warning: %s\n", l->path, l->obj.warning);
	if (err) {
		cli_fail(l->path, &d);
		cli_print_verifier_log(&l->obj, cli);
		cli_unload_object(l);
		return EXIT_USER;
	}
	if (cli->verbose && l->obj.verifier_log)
		cli_print_verifier_log(&l->obj, cli);
	l->loaded = true;
	return 0;
}

int cli_load_object(const char *path, struct cli_loaded *l, const struct rl_load_opts *opts,
		    const struct cli *cli)
{
	if (cli_parse_object(path, l))
		return EXIT_USER;
	return cli_load_parsed(l, opts, cli);
}

void cli_unload_object(struct cli_loaded *l)
{
	rl_object_close(&l->obj);
	rl_object_free(&l->spec);
	free(l->bytes);
	memset(l, 0, sizeof(*l));
	l->obj.btf_fd = -1; /* safe to unload twice */
}

int cli_read_file(const char *path, void **bytes, size_t *size, struct rl_diag *d)
{
	struct stat st;
	size_t done = 0;
	char *buf;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return rl_err(d, errno, "cannot open: %s", strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size > (1 << 30)) {
		close(fd);
		return rl_err(d, EINVAL, "not a regular file of at most 1 GiB");
	}
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!buf) {
		close(fd);
		return rl_err(d, ENOMEM, "out of memory for %lld bytes", (long long)st.st_size);
	}
	while (done < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + done, (size_t)st.st_size - done);

		if (n <= 0) {
			int e = n < 0 ? errno : EIO;

			free(buf);
			close(fd);
			return rl_err(d, e, "read failed: %s", strerror(e));
		}
		done += (size_t)n;
	}
	close(fd);
	*bytes = buf;
	*size = done;
	return 0;
}
