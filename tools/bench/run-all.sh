#!/bin/bash
# run-all.sh - every benchmark in tools/bench, then build/bench/report.md (`make bench`).
#
#   QUICK=1 tools/bench/run-all.sh     a smoke run of a few seconds each (CI)
#   ONLY="load xdp_cost" ...           rerun a subset; the report keeps the
#                                      other sections from their last run
#
# Each benchmark measures both sides in one invocation and writes its part of
# the report (build/bench/<name>.md); a failing benchmark is reported as
# such and the others still run.  Nothing here asserts a timing.
. "$(dirname "$0")/common.sh"
need_root run-all.sh

ALL="load parser_scaling xdp_cost xdp_drop_rate attach_cost sockmap sockmap_4k"
ONLY=${ONLY:-$ALL}
REPORT=$OUT/report.md
FAILED=()

for b in $ONLY; do
	echo "=== $b" >&2
	start=$(date +%s)
	if ! "$BENCH_DIR/$b.sh"; then
		FAILED+=("$b")
		printf '## %s\n\nFAILED (see the output of tools/bench/%s.sh)\n' "$b" "$b" >"$OUT/$b.md"
	fi
	echo "=== $b: $(($(date +%s) - start)) s" >&2
done

{
	echo "# rawload benchmarks"
	echo ""
	echo "$(date -u +%Y-%m-%d) on $(machine_facts); rawload $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$([ "$QUICK" = 1 ] && echo ' (QUICK=1 smoke run: figures are not meaningful)')."
	for b in $ALL; do
		[ -f "$OUT/$b.md" ] || continue
		echo ""
		cat "$OUT/$b.md"
	done
} >"$REPORT"
echo "report: $REPORT" >&2
[ ${#FAILED[@]} -eq 0 ] || { echo "failed: ${FAILED[*]}" >&2; exit 1; }
