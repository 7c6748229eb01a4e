#!/bin/sh
# tools/fuzz/run.sh [SECONDS] [TARGET...] - fuzz the pure parser with
# libFuzzer + ASan + UBSan.  Targets (build/fuzz_TARGET, `make fuzz`):
#   object    a whole ELF object: ELF view, BTF, .BTF.ext, object model,
#             linker, CO-RE against the object's own BTF
#   btf       raw .BTF bytes: validator, name index, queries, DATASEC fix-up
#   btf_ext   u32 len | .BTF | .BTF.ext: records, access strings, CO-RE resolver
# All given targets (default: all three) run side by side, each for SECONDS
# (default 3600).  Seeds: every object the build produced (and the .BTF /
# .BTF.ext cut out of them by seeds.py) plus the kept corpus/TARGET/.
# First, every kept reproducer in crashes/TARGET/ must run clean.  A new
# crash lands in crashes/TARGET/ (keep it: it becomes a regression case).
# FUZZ_TIMEOUT=S (default 10) is the wall time one input may take before it
# counts as a hang: raise it when the fuzzers run niced beside other work.
# KEEP_CORPUS=1 merges what the run found into corpus/TARGET/ (libFuzzer's
# -merge=1 keeps only the inputs that add coverage).
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-3600}
[ $# -gt 0 ] && shift
targets=${*:-object btf btf_ext}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM

objs=$(ls bpf/*.bpf.o bpf/seed/*.bpf.o build/tests/objects/*.bpf.o build/tests/core/*.bpf.o 2>/dev/null || true)
mkdir -p "$work/seed/object"
for o in $objs; do # named by path: two directories may hold the same file name
	cp "$o" "$work/seed/object/$(printf '%s' "$o" | tr / _)"
done
# shellcheck disable=SC2086
[ -z "$objs" ] || python3 tools/fuzz/seeds.py "$work/seed" $objs

for t in $targets; do
	make -s "build/fuzz_$t"
	mkdir -p "$work/$t" "tools/fuzz/crashes/$t"
	cp "$work/seed/$t"/* "tools/fuzz/corpus/$t"/* "$work/$t/" 2>/dev/null || true
	for c in "tools/fuzz/crashes/$t"/*; do
		[ -f "$c" ] || continue
		"build/fuzz_$t" "$c" >"$work/regress.log" 2>&1 || {
			tail -30 "$work/regress.log"; echo "fuzz: regression: $c"; exit 1; }
	done
done

for t in $targets; do
	"build/fuzz_$t" -max_total_time="$secs" -timeout="${FUZZ_TIMEOUT:-10}" -report_slow_units="${FUZZ_TIMEOUT:-10}" -rss_limit_mb=2048 -max_len=262144 \
		-artifact_prefix="tools/fuzz/crashes/$t/" -print_final_stats=1 "$work/$t" \
		>"$work/$t.out" 2>"$work/$t.log" &
	echo $! >"$work/$t.pid"
done

failed=0
for t in $targets; do
	if wait "$(cat "$work/$t.pid")"; then
		execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$work/$t.log" | grep -oE '[0-9]+$')
		cov=$(grep -oE 'cov: [0-9]+' "$work/$t.log" | tail -1)
		echo "fuzz_$t: ${execs:-?} executions in ${secs}s, ${cov:-cov: ?}, no crash"
	else
		failed=$((failed + 1))
		echo "fuzz_$t: FAILED"
		grep -E 'ERROR|runtime error|SUMMARY|Test unit written|^ +#[0-9] ' "$work/$t.log" | head -30
	fi
	if [ "${KEEP_CORPUS:-0}" = 1 ]; then
		mkdir -p "tools/fuzz/corpus/$t"
		"build/fuzz_$t" -merge=1 -max_len=262144 "tools/fuzz/corpus/$t" "$work/$t" \
			>/dev/null 2>&1
		echo "fuzz_$t: corpus/$t now $(ls "tools/fuzz/corpus/$t" | wc -l) files," \
			"$(du -sk "tools/fuzz/corpus/$t" | cut -f1) KiB"
	fi
done
n=$(echo "$targets" | wc -w)
echo "fuzz: $((n - failed)) passed, $failed failed"
[ "$failed" -eq 0 ]
