/* fuzz_object.c - libFuzzer target over the pure half of the loader:
 * ELF view -> BTF / BTF.ext -> object model -> linker -> CO-RE.  Any crash,
 * leak, out-of-bounds access or undefined behaviour here is a bug, because
 * these are exactly the bytes a user can hand rawload.
 *
 * CO-RE needs a target BTF; the object's own BTF stands in for the kernel's,
 * so the resolver and the instruction patcher run on fuzzed records too.
 *
 *   make fuzz && tools/fuzz/run.sh 60
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "core.h"
#include "linker.h"
#include "object.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rl_core_session core;
	struct rl_core_target tgt;
	struct rl_link_hooks hooks = { rl_core_fixup_function, &core };
	bool have_core = false;
	struct rl_object_spec obj;
	struct rl_diag d;
	int *fds;

	if (rl_object_parse(&obj, "fuzz.o", data, size, &d))
		return 0;
	if (obj.nr_core_relos) {
		tgt = (struct rl_core_target){ &obj.btf, NULL, NULL };
		have_core = rl_core_session_init(&core, &obj, &tgt, &d) == 0;
	}
	fds = calloc(obj.nr_maps + 1, sizeof(int));
	for (uint32_t i = 0; fds && i < obj.nr_maps; i++)
		fds[i] = 100 + (int)i;
	for (uint32_t i = 0; fds && i < obj.nr_progs; i++) {
		struct rl_linked_prog lp;

		if (!obj.progs[i].is_subprog &&
		    !rl_link_program(&obj, i, fds, have_core ? &hooks : NULL, &lp, &d))
			rl_linked_prog_free(&lp);
	}
	free(fds);
	if (have_core)
		rl_core_session_free(&core);
	rl_object_free(&obj);
	return 0;
}
