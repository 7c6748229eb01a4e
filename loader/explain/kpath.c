/* kpath.c - render a kernel path tree (see kpath.h). */
#include "kpath.h"

#include <stdbool.h>
#include <string.h>

/* One line of the tree: depth, function, note. */
struct kp_line {
	int depth;
	const char *fn;
	size_t fn_len;
	const char *note;
	size_t note_len;
	const char *next;   /* the following line, NULL at the end */
};

static bool next_line(const char **p, struct kp_line *l)
{
	const char *s = *p, *eol, *sp;
	int spaces = 0;

	if (!s || !*s)
		return false;
	eol = strchr(s, '\n');
	if (!eol)
		eol = s + strlen(s);
	while (s < eol && *s == ' ') {
		s++;
		spaces++;
	}
	l->depth = spaces / 2;
	l->fn = s;
	sp = memchr(s, ' ', (size_t)(eol - s));
	l->fn_len = (size_t)((sp ? sp : eol) - s);
	l->note = sp ? sp : eol;
	while (l->note < eol && *l->note == ' ')
		l->note++;
	l->note_len = (size_t)(eol - l->note);
	*p = *eol ? eol + 1 : eol;
	l->next = *p;
	return true;
}

static bool is_fn(const struct kp_line *l, const char *fn)
{
	return fn && strlen(fn) == l->fn_len && !memcmp(l->fn, fn, l->fn_len);
}

static bool tree_has(const char *tree, const char *fn)
{
	struct kp_line l;
	const char *p = tree;

	while (next_line(&p, &l))
		if (is_fn(&l, fn))
			return true;
	return false;
}

void rl_kpath_render(struct rl_textbuf *b, const char *lead, const char *tree, const char *stop_fn,
		     const char *why)
{
	struct kp_line l;
	const char *p = tree;
	bool found = stop_fn && tree_has(tree, stop_fn);

	while (next_line(&p, &l)) {
		int w = 2 * l.depth + (int)l.fn_len;
		bool stop = found && is_fn(&l, stop_fn);

		rl_tb_printf(b, "%s%*s%.*s", lead, 2 * l.depth, "", (int)l.fn_len, l.fn);
		if (l.note_len)
			rl_tb_printf(b, "%*s%.*s", w < 30 ? 31 - w : 1, "", (int)l.note_len, l.note);
		if (stop) {
			rl_tb_printf(b, "  <- refused here%s%s\n", why ? ": " : "", why ? why : "");
			return;
		}
		rl_tb_printf(b, "\n");
		if (stop_fn && !found) {
			rl_tb_printf(b, "%s  (refused somewhere below%s%s; the source has more than one"
				     " place, so the path stops here)\n", lead, why ? ": " : "", why ? why : "");
			return;
		}
	}
}

size_t rl_kpath_functions(char *out, size_t outlen, const char *tree, const char *stop_fn)
{
	struct rl_textbuf b;
	struct kp_line l;
	const char *p = tree;
	bool found = stop_fn && tree_has(tree, stop_fn);

	rl_tb_init(&b, out, outlen);
	while (next_line(&p, &l)) {
		rl_tb_printf(&b, "%s%.*s", b.len ? " " : "", (int)l.fn_len, l.fn);
		if ((found && is_fn(&l, stop_fn)) || (stop_fn && !found))
			break;
	}
	return b.len;
}
