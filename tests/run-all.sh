#!/bin/bash
# The whole suite: unit tests (no root), purity check, damaged objects,
# integration tests (root, isolated), and a short fuzz run.
# Prints one closing line: "all: N passed, N failed".
set -u
cd "$(dirname "$0")/.."
passed=0 failed=0
failures=()

run() { # run NAME CMD... : one counted step
	local name=$1; shift
	local log; log=$(mktemp)
	local t0=$SECONDS
	if "$@" >"$log" 2>&1; then
		passed=$((passed + 1)); echo "ok   $name ($((SECONDS - t0))s)"
	else
		failed=$((failed + 1)); failures+=("$name"); echo "FAIL $name ($((SECONDS - t0))s)"
		grep -E 'FAIL|CHECK|ERROR' "$log" | head -20 | sed 's/^/     ! /'
		sed 's/^/     | /' "$log" | tail -40
	fi
	grep -E '^(ok|FAIL) +[0-9.]+/|^[a-z_0-9./-]+: [0-9]+ passed, [0-9]+ failed' "$log" | sed 's/^/     /'
	rm -f "$log"
}

want() { [ -z "${ONLY:-}" ] || [ "$ONLY" = "$1" ]; }   # ONLY=unit|integration|vm|fuzz

if want unit; then
	for t in build/tests/test_*; do
		[ -x "$t" ] && run "unit/$(basename "$t")" "$t"
	done
	run purity tests/check-purity.sh
	run layers tests/check-layers.sh
	[ -x tests/elf-cases/run.sh ] && run elf-cases tests/elf-cases/run.sh
fi

if ! want integration; then
	:
elif [ "$(id -u)" = 0 ]; then
	for t in tests/integration/test_*.sh; do
		[ -f "$t" ] && run "integration/$(basename "$t" .sh)" bash "$t"
	done
else
	echo "skip integration tests: they need root"
fi

# The same tests on other kernels in QEMU (tests/vm/run.sh), one counted step
# per kernel: VM_KERNELS="6.1", VM_TESTS="test_xdp ..." (empty: all of them).
if want vm && [ -n "${VM_KERNELS:-}" ] && [ "$(id -u)" = 0 ]; then
	for k in $VM_KERNELS; do
		# shellcheck disable=SC2086
		run "vm-$k" tests/vm/run.sh "$k" ${VM_TESTS:-}
	done
fi

if want fuzz && [ -x build/fuzz_object ] && [ -x build/fuzz_btf ] && [ -x build/fuzz_btf_ext ]; then
	run fuzz-${FUZZ_SECONDS:-60}s tools/fuzz/run.sh "${FUZZ_SECONDS:-60}"
fi

echo
[ ${#failures[@]} -gt 0 ] && echo "failed: ${failures[*]}"
echo "all: $passed passed, $failed failed"
[ "$failed" = 0 ]
