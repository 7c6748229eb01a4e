#!/bin/sh
# tools/fuzz/run.sh [SECONDS] - fuzz the pure parser (ELF, BTF, BTF.ext,
# object model, linker) with libFuzzer + ASan + UBSan, seeded with every
# object the build produced plus the kept corpus.  New crash reproducers land
# in tools/fuzz/crashes/ (keep them: they become regression cases).
set -eu
cd "$(dirname "$0")/../.."
secs=${1:-3600}
make -s build/fuzz_object
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp tools/fuzz/corpus/* "$work"/ 2>/dev/null || true
for o in bpf/*.bpf.o bpf/seed/*.bpf.o build/tests/objects/*.bpf.o build/tests/core/*.bpf.o; do
	[ -f "$o" ] && cp "$o" "$work/"
done
mkdir -p tools/fuzz/crashes
# regression: every kept reproducer must parse without a sanitizer report
for c in tools/fuzz/crashes/*; do
	[ -f "$c" ] || continue
	build/fuzz_object "$c" >/dev/null 2>&1 || { echo "regression: $c"; exit 1; }
done
build/fuzz_object -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=262144 \
	-artifact_prefix=tools/fuzz/crashes/ -print_final_stats=1 "$work" 2>"$work/log" || {
	tail -50 "$work/log"; exit 1; }
execs=$(grep -oE 'stat::number_of_executed_units: *[0-9]+' "$work/log" | grep -oE '[0-9]+$')
echo "fuzz: ${execs:-?} executions in ${secs}s, no crash"
echo "fuzz: 1 passed, 0 failed"
