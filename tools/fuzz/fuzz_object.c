/* fuzz_object.c - libFuzzer target over the pure half of the loader:
 * ELF view -> BTF / BTF.ext -> object model -> linker.  Any crash, leak,
 * out-of-bounds access or undefined behaviour here is a bug, because these
 * are exactly the bytes a user can hand rawload.
 *
 *   make fuzz && build/fuzz_object -max_total_time=60 tools/fuzz/corpus
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "link.h"
#include "object.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rl_object_spec obj;
	struct rl_diag d;
	int *fds;

	if (rl_object_parse(&obj, "fuzz.o", data, size, &d))
		return 0;
	fds = calloc(obj.nr_maps + 1, sizeof(int));
	for (uint32_t i = 0; fds && i < obj.nr_maps; i++)
		fds[i] = 100 + (int)i;
	for (uint32_t i = 0; fds && i < obj.nr_progs; i++) {
		struct rl_linked_prog lp;

		if (!obj.progs[i].is_subprog && !rl_link_program(&obj, i, fds, NULL, &lp, &d))
			rl_linked_prog_free(&lp);
	}
	free(fds);
	rl_object_free(&obj);
	return 0;
}
