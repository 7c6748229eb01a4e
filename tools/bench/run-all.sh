#!/bin/bash
# run-all.sh - every benchmark in tools/bench, then build/bench/report.md (`make bench`).
#
#   QUICK=1 tools/bench/run-all.sh     a smoke run of a few seconds each (CI)
#   ONLY="load xdp_cost" ...           rerun a subset; the report keeps the
#                                      other sections from their last run
#   BENCH_LOCK=/tmp/x.lock ...         run each benchmark under flock(1) on
#                                      that file, so tests on a shared machine
#                                      can keep out of its way (and it of theirs)
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
WAITED=0
[ -n "${BENCH_LOCK:-}" ] && { exec 9>>"$BENCH_LOCK" || die "cannot open $BENCH_LOCK"; }
all_start=$(date +%s)

for b in $ONLY; do
	echo "=== $b" >&2
	if [ -n "${BENCH_LOCK:-}" ]; then
		start=$(date +%s)
		flock 9 || die "flock $BENCH_LOCK failed"
		WAITED=$((WAITED + $(date +%s) - start))
	fi
	start=$(date +%s)
	if ! "$BENCH_DIR/$b.sh" 9>&-; then
		FAILED+=("$b")
		printf '## %s\n\nFAILED (see the output of tools/bench/%s.sh)\n' "$b" "$b" >"$OUT/$b.md"
	fi
	echo "=== $b: $(($(date +%s) - start)) s" >&2
	[ -n "${BENCH_LOCK:-}" ] && flock -u 9
done

TOTAL=$(($(date +%s) - all_start - WAITED))
{
	echo "# rawload benchmarks"
	echo ""
	echo "$(date -u +%Y-%m-%d) on $(machine_facts); rawload $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'); $ONLY: $TOTAL s$([ "$QUICK" = 1 ] && echo ' (QUICK=1 smoke run: figures are not meaningful)')."
	for b in $ALL; do
		[ -f "$OUT/$b.md" ] || continue
		echo ""
		cat "$OUT/$b.md"
	done
} >"$REPORT"
echo "report: $REPORT" >&2
echo "total: $TOTAL s$([ "$WAITED" -gt 0 ] && echo " (plus $WAITED s waiting for $BENCH_LOCK)")" >&2
[ ${#FAILED[@]} -eq 0 ] || { echo "failed: ${FAILED[*]}" >&2; exit 1; }
