/* object_find.c - lookups over a parsed object: a program or map by name,
 * and the function that holds a given instruction.
 *
 * Below object.c, object_maps.c and object_relo.c (which all ask "whose
 * instruction is this?"), so the parse steps never call back into the file
 * that runs them.
 */
#include "object_internal.h"

#include <errno.h>

const struct rl_prog_spec *rl_object_find_prog(const struct rl_object_spec *obj, const char *name)
{
	for (uint32_t i = 0; i < obj->nr_progs; i++)
		if (!obj->progs[i].is_subprog && strcmp(obj->progs[i].name, name) == 0)
			return &obj->progs[i];
	return NULL;
}

int rl_object_find_map(const struct rl_object_spec *obj, const char *name)
{
	for (uint32_t i = 0; i < obj->nr_maps; i++)
		if (strcmp(obj->maps[i].name, name) == 0)
			return (int)i;
	return -ENOENT;
}

/* The function that contains instruction `insn` of section `sec_idx`, or NULL. */
struct rl_prog_spec *rl_object_func_at(struct rl_object_spec *obj, uint32_t sec_idx, uint32_t insn)
{
	uint32_t lo = 0, hi = obj->nr_progs;

	/* progs[] is sorted by (section, offset): binary search keeps large objects linear */
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		struct rl_prog_spec *p = &obj->progs[mid];

		if (p->sec_idx < sec_idx || (p->sec_idx == sec_idx && p->sec_insn_off + p->insn_cnt <= insn))
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < obj->nr_progs && obj->progs[lo].sec_idx == sec_idx &&
	    obj->progs[lo].sec_insn_off <= insn)
		return &obj->progs[lo];
	return NULL;
}
