/* linker.h - turn one program spec into the final instruction array the kernel gets.
 *
 * Pure arithmetic over instructions; map fds come in as plain numbers, so it
 * runs (and is tested) without root.
 *
 *   program 'xdp_main' (section xdp)        final array sent to BPF_PROG_LOAD
 *   +-------------------+                    +-------------------+ 0
 *   | ... call helper   |---.                | xdp_main          |
 *   +-------------------+   |                +-------------------+ n
 *   .text: +-----------+    '-- appended --> | helper (subprog)  |
 *          | helper    |                     +-------------------+
 *          +-----------+
 *
 * The kernel's verifier finds subprogram boundaries from the call targets
 * (check_subprogs), so every function reachable from the entry point is
 * appended once, in the order first reached, and each call's imm becomes the
 * pc-relative distance to the callee's new position.
 */
#ifndef RL_LINKER_H
#define RL_LINKER_H

#include <linux/bpf.h>

#include "object.h"

struct rl_linked_prog {
	struct bpf_insn *insns;
	uint32_t insn_cnt;
	uint32_t *func_order;       /* indices into obj->progs, entry first */
	uint32_t *func_pos;         /* final first-insn index of each func_order entry */
	uint32_t nr_funcs;
	struct bpf_func_info *func_info;   /* insn_off in instructions, as BPF_PROG_LOAD wants */
	uint32_t nr_func_info;
	struct bpf_line_info *line_info;
	uint32_t nr_line_info;
};

/* Optional per-instruction fix-up step (CO-RE), called for each function
 * placed in the final array: `insns` points at the function's first final
 * instruction, `fn` is its spec. */
struct rl_link_hooks {
	int (*fixup_function)(void *ctx, const struct rl_prog_spec *fn, struct bpf_insn *insns,
			      struct rl_diag *d);
	void *ctx;
	/* parallel to obj->externs: how each .ksyms extern resolved (NULL: the
	 * object's ksym/kfunc relocations are refused) */
	const struct rl_extern_target *externs;
};

/* Call imm of a weak kfunc the kernel lacks: an id no helper has, so the
 * verifier refuses the call only if a path reaches it (the convention
 * libbpf documents for unresolved weak kfuncs). */
#define RL_POISON_KFUNC_CALL 2002000000

/* map_fds[i] is the fd for obj->maps[i] (any number in tests). */
int rl_link_program(const struct rl_object_spec *obj, uint32_t prog_idx, const int *map_fds,
		    const struct rl_link_hooks *hooks, struct rl_linked_prog *out,
		    struct rl_diag *d);
void rl_linked_prog_free(struct rl_linked_prog *lp);

#endif
