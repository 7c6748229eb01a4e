/* core_obj.c - CO-RE for a whole object: the hook the linker calls.
 *
 * .BTF.ext keeps CO-RE records per ELF section, with BYTE offsets into the
 * section (llvm_reloc.rst); the linker places *functions*.  So for each
 * function placed we take the records of its section that fall inside it:
 *
 *   section "xdp"   insn 0 ........ 40 | 41 ........ 90
 *                   function a          function b
 *   record insn_off 368 -> insn 46 -> b's instruction 46 - 41 = 5
 *
 * Resolutions are cached per record and candidates per local type, so a
 * subprogram linked into several programs costs one resolution.
 */
#include "core_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct rl_core_observer observer;

void rl_core_set_observer(const struct rl_core_observer *o)
{
	if (o)
		observer = *o;
	else
		memset(&observer, 0, sizeof(observer));
}

int rl_core_res_str(const struct rl_core_res *r, uint32_t kind, char *buf, size_t len)
{
	if (r->poison)
		return snprintf(buf, len, "POISONED (call 0x%x): %s", RL_CORE_POISON_HELPER, r->why);
	if (kind == RL_CORE_TYPE_ID_LOCAL)
		return snprintf(buf, len, "%llu (the object's own BTF, loaded as is)",
				(unsigned long long)r->new_val);
	if (!r->match.btf)
		return snprintf(buf, len, "%llu -> %llu: %s", (unsigned long long)r->orig_val,
				(unsigned long long)r->new_val, r->why);
	return snprintf(buf, len, "%s [%u] in %s: %llu -> %llu%s%s", r->target_str, r->match.id,
			r->match.btf_name, (unsigned long long)r->orig_val, (unsigned long long)r->new_val,
			r->fail_memsz ? "; loads of it poisoned: " : "", r->fail_memsz ? r->why : "");
}

int rl_core_record(const struct rl_object_spec *obj, uint32_t i, struct bpf_core_relo *out,
		   const char **sec_name)
{
	const struct rl_btf_ext_info *info = &obj->btf_ext.core_relo;

	for (uint32_t s = 0; s < info->nr_secs; s++) {
		if (i < info->secs[s].nr_recs) {
			/* records sit at 4-byte offsets of the file: copy, do not cast */
			memcpy(out, rl_btf_ext_rec(info, &info->secs[s], i), sizeof(*out));
			if (sec_name)
				*sec_name = info->secs[s].sec_name;
			return 0;
		}
		i -= info->secs[s].nr_recs;
	}
	return -ENOENT;
}

int rl_core_session_init(struct rl_core_session *s, const struct rl_object_spec *obj,
			 const struct rl_core_target *tgt, struct rl_diag *d)
{
	const struct rl_btf_ext_info *info = &obj->btf_ext.core_relo;
	uint32_t ntypes = obj->btf.nr_types ? obj->btf.nr_types : 1;

	memset(s, 0, sizeof(*s));
	s->obj = obj;
	s->tgt = tgt;
	for (uint32_t i = 0; obj->has_btf_ext && i < info->nr_secs; i++)
		s->nr += info->secs[i].nr_recs;
	s->res = calloc(s->nr + 1, sizeof(*s->res));
	s->resolved = calloc(s->nr + 1, 1);
	s->sec_base = calloc(info->nr_secs + 1, sizeof(*s->sec_base));
	s->cands = calloc(ntypes, sizeof(*s->cands));
	s->cands_done = calloc(ntypes, 1);
	if (!s->res || !s->resolved || !s->sec_base || !s->cands || !s->cands_done) {
		rl_core_session_free(s);
		return rl_err(d, ENOMEM, "out of memory for %u CO-RE relocations", s->nr);
	}
	for (uint32_t i = 1; obj->has_btf_ext && i < info->nr_secs; i++)
		s->sec_base[i] = s->sec_base[i - 1] + info->secs[i - 1].nr_recs;
	return 0;
}

void rl_core_session_free(struct rl_core_session *s)
{
	if (s->cands)
		for (uint32_t i = 0; i < (s->obj->btf.nr_types ? s->obj->btf.nr_types : 1); i++)
			free(s->cands[i].c);
	free(s->cands);
	free(s->cands_done);
	free(s->res);
	free(s->resolved);
	free(s->sec_base);
	free(s->poison_at);
	memset(s, 0, sizeof(*s));
}

static int resolve_one(struct rl_core_session *s, uint32_t i, const struct bpf_core_relo *r,
		       struct rl_diag *d)
{
	const struct rl_btf *local = &s->obj->btf;
	int err;

	if (r->type_id >= local->nr_types)
		return rl_err(d, EINVAL, "type id %u is not a type of the object's BTF", r->type_id);
	if ((uint32_t)r->kind != RL_CORE_TYPE_ID_LOCAL && !s->cands_done[r->type_id]) {
		err = rl_core_find_cands(local, r->type_id, s->tgt, &s->cands[r->type_id], d);
		if (err)
			return err;
		s->cands_done[r->type_id] = 1;
	}
	err = rl_core_resolve(local, r, &s->cands[r->type_id], &s->res[i], d);
	if (err)
		return err;
	s->resolved[i] = 1;
	s->nr_resolved++;
	if (observer.on_resolved)
		observer.on_resolved(observer.ctx, s->obj, i, r, &s->res[i]);
	return 0;
}

/* "CO-RE relocation #3 (byte_off task_struct.pid, access '0:1'): " */
static void prefix_relo(const struct rl_core_session *s, uint32_t i, const struct bpf_core_relo *r,
			struct rl_diag *d)
{
	char what[256];

	rl_core_relo_str(&s->obj->btf, r, i, what, sizeof(what));
	rl_diag_prefix(d, "%s: ", what);
}

/* Remember that record `rec` poisoned final instruction `insn` of the
 * program being linked. */
static int note_poison(struct rl_core_session *s, uint32_t insn, uint32_t rec, struct rl_diag *d)
{
	if (s->nr_poison_at == s->cap_poison_at) {
		uint32_t cap = s->cap_poison_at ? s->cap_poison_at * 2 : 8;
		struct rl_core_poison_at *p = realloc(s->poison_at, cap * sizeof(*p));

		if (!p)
			return rl_err(d, ENOMEM, "out of memory for poisoned CO-RE instructions");
		s->poison_at = p;
		s->cap_poison_at = cap;
	}
	s->poison_at[s->nr_poison_at++] = (struct rl_core_poison_at){ insn, rec };
	return 0;
}

int rl_core_fixup_function(void *session, const struct rl_prog_spec *fn, struct bpf_insn *insns,
			   struct rl_diag *d)
{
	struct rl_core_session *s = session;
	const struct rl_btf_ext_info *info = &s->obj->btf_ext.core_relo;
	const struct rl_ext_range *range = &fn->ext[RL_EXT_CORE];
	const struct rl_btf_ext_sec *sec;
	uint32_t base, at;

	/* the linker places a program's entry first, at final instruction 0,
	 * and its subprograms after it in the same array (linker.h) */
	if (!fn->is_subprog) {
		s->prog_name = fn->name;
		s->prog_insns = insns;
		s->nr_poison_at = 0;
	}
	at = s->prog_insns ? (uint32_t)(insns - s->prog_insns) : 0;
	if (!s->obj->has_btf_ext || range->sec < 0)
		return 0;
	sec = &info->secs[range->sec];          /* located at parse time: object_ext.c */
	base = s->sec_base[range->sec];
	for (uint32_t r = range->first; r < range->first + range->count; r++) {
		struct bpf_core_relo rec;
		uint32_t insn;
		bool poisoned;
		int err = 0;

		memcpy(&rec, rl_btf_ext_rec(info, sec, r), sizeof(rec));
		insn = rec.insn_off / 8;
		if (insn < fn->sec_insn_off || insn - fn->sec_insn_off >= fn->insn_cnt)
			continue;
		if (!s->resolved[base + r])
			err = resolve_one(s, base + r, &rec, d);
		if (!err)
			err = rl_core_patch_insn(insns, fn->insn_cnt, insn - fn->sec_insn_off, rec.kind,
						 &s->res[base + r], &poisoned, d);
		if (!err && poisoned)
			err = note_poison(s, at + insn - fn->sec_insn_off, base + r, d);
		if (err) {
			prefix_relo(s, base + r, &rec, d);
			rl_diag_prefix(d, "insn %u: ", insn - fn->sec_insn_off);
			return err;
		}
		s->nr_patched++;
		s->nr_poisoned += poisoned;
	}
	return 0;
}

int rl_core_resolve_record(struct rl_core_session *s, uint32_t i, struct rl_diag *d)
{
	struct bpf_core_relo rec;
	int err;

	if (i >= s->nr || rl_core_record(s->obj, i, &rec, NULL))
		return rl_err(d, ENOENT, "no CO-RE relocation #%u", i);
	if (s->resolved[i])
		return 0;
	err = resolve_one(s, i, &rec, d);
	if (err)
		prefix_relo(s, i, &rec, d);
	return err;
}

int rl_core_resolve_all(struct rl_core_session *s, struct rl_diag *d)
{
	for (uint32_t i = 0; i < s->nr; i++) {
		int err = rl_core_resolve_record(s, i, d);

		if (err)
			return err;
	}
	return 0;
}

/* The instruction the verifier refused: the last "N: (85) call
 * unknown#195896080" line before the last "invalid func unknown#195896080"
 * (check_helper_call's words; the line before is the instruction printed by
 * the verifier as it walks).  -1 if the log does not show it. */
static int64_t refused_insn(const char *log, const char *call)
{
	const char *refusal = NULL, *p, *line, *found = NULL;
	char invalid[48];

	snprintf(invalid, sizeof(invalid), "invalid func %s", call);
	for (p = strstr(log, invalid); p; p = strstr(p + 1, invalid))
		refusal = p;
	if (!refusal)
		return -1;
	for (line = log; line && line < refusal; line = strchr(line, '\n'), line = line ? line + 1 : NULL) {
		const char *q = line;

		while (*q >= '0' && *q <= '9')
			q++;
		if (q > line && !strncmp(q, ": (85) call ", 12) && !strncmp(q + 12, call, strlen(call)))
			found = line;
	}
	return found ? strtoll(found, NULL, 10) : -1;
}

/* "insn 3: CO-RE relocation #1 (...) could not be resolved: <why>" for each
 * poisoned record of the program at instruction `insn` (any, for -1). */
static size_t name_poisoned(const struct rl_core_session *s, int64_t insn, char *buf, size_t len,
			    uint32_t *shown)
{
	size_t n = 0;

	for (uint32_t i = 0; i < s->nr_poison_at && n < len; i++) {
		const struct rl_core_poison_at *pa = &s->poison_at[i];
		struct bpf_core_relo rec;
		char what[256];

		if ((insn >= 0 && pa->insn != (uint64_t)insn) || rl_core_record(s->obj, pa->record, &rec, NULL))
			continue;
		rl_core_relo_str(&s->obj->btf, &rec, pa->record, what, sizeof(what));
		n += (size_t)snprintf(buf + n, len - n, "%sinsn %u: %s could not be resolved: %s",
				      *shown ? "; " : "", pa->insn, what, s->res[pa->record].why);
		(*shown)++;
	}
	return n;
}

bool rl_core_explain_poison(const struct rl_core_session *s, const char *verifier_log,
			    char *buf, size_t len)
{
	char call[32];
	int64_t insn;
	size_t n;
	uint32_t shown = 0;

	snprintf(call, sizeof(call), "unknown#%u", RL_CORE_POISON_HELPER);
	if (!s || !verifier_log || !strstr(verifier_log, call) || !len)
		return false;
	n = (size_t)snprintf(buf, len, "program '%s': ", s->prog_name ? s->prog_name : "?");
	insn = refused_insn(verifier_log, call);
	if (insn >= 0 && n < len)
		n += name_poisoned(s, insn, buf + n, len - n, &shown);
	if (!shown && n < len)        /* the log does not say which: all of this program's */
		n += name_poisoned(s, -1, buf + n, len - n, &shown);
	if (!shown) {
		buf[0] = '\0';
		return false;
	}
	if (n < len)
		snprintf(buf + n, len - n, " - the verifier's 'call %s' is %s (reachable: guard it with "
			 "bpf_core_field_exists() or similar)", call,
			 shown == 1 ? "that poisoned instruction" : "one of these poisoned instructions");
	return true;
}
