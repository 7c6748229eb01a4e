/* kpath.h - the kernel functions a call goes through, as an indented tree.
 *
 * The tree is DERIVED FROM THE KERNEL SOURCE (Linux 6.x; each path was
 * checked against the stacks of a running 6.18, see docs/kernel-paths.md),
 * not traced: rawload cannot see inside the kernel.  What it does know is
 * how the call ended, so a refused call's tree stops at the function the
 * source says raises that error, and nothing after it is shown.
 *
 * A tree is one string, one function per line; two leading spaces per
 * level of nesting.  A deeper line is CALLED BY the line above it; lines in
 * the same column run one AFTER the other:
 *
 *   "bpf_prog_load\n"
 *   "  bpf_check  the verifier\n"          <- called by bpf_prog_load
 *   "  bpf_prog_select_runtime\n"          <- then this
 *   "    bpf_int_jit_compile  the JIT\n"   <- called by bpf_prog_select_runtime
 *
 * The first word of a line is the function, the rest a note.
 * Pure: no I/O.
 */
#ifndef RL_KPATH_H
#define RL_KPATH_H

#include <stddef.h>

#include "textbuf.h"

/* The first line of every tree: what the tree is and is not. */
#define RL_KPATH_TITLE "from the Linux source, not traced (indented = called by the line above)"

/* Render tree under a "kernel path" field.  lead is the text before each
 * tree line (the field column).  stop_fn NULL: the call succeeded, the
 * whole tree is shown.  Otherwise the tree ends at the first line whose
 * function is stop_fn, marked "<- refused here: why"; when no line has
 * that name only the first line is shown, with why. */
void rl_kpath_render(struct rl_textbuf *b, const char *lead, const char *tree, const char *stop_fn,
		     const char *why);

/* The functions a tree names (first word of each line), space-separated,
 * as far as rl_kpath_render would print them: for tests that compare the
 * narration with the kernel's stacks. */
size_t rl_kpath_functions(char *out, size_t outlen, const char *tree, const char *stop_fn);

#endif
