#!/bin/bash
# run.sh KVER [TEST...] - run rawload's integration tests on Debian's KVER
# kernel in a QEMU guest (TCG: no /dev/kvm needed), issue 18.
#
# The guest boots build/vm/KVER (tests/vm/build.sh) with the host's root shared
# read-only over 9p (an overlay in guest memory makes it writable there) and
# build/vm/KVER/scratch shared writable for the results.  It runs the named
# tests (tests/integration/TEST.sh; default: every one) one by one, each
# bounded by VM_TEST_TIMEOUT seconds (300), the whole guest by VM_TIMEOUT (1800);
# QEMU is killed on timeout, error or Ctrl-C, never left behind.
#
# Prints "ok|FAIL KVER/TEST (Ns)" per test, each test's own summary line, and
# closes with "vm-KVER: N passed, N failed"; exit 0 only when all passed.
# VM_FAULT_WALKS becomes test_faults.sh's FAULT_WALKS in the guest.
set -u
KVER=${1:?usage: run.sh KVER [TEST...]}; shift
TOP=$(cd "$(dirname "$0")/../.." && pwd)
OUT="$TOP/build/vm/$KVER"
SCR="${VM_SCRATCH:-$OUT/scratch}"   # results; VM_SCRATCH= lets two runs coexist
"$TOP/tests/vm/build.sh" "$KVER" || exit 1
command -v qemu-system-x86_64 >/dev/null || { echo "run.sh: qemu-system-x86_64 missing (make deps)"; exit 1; }
tests=${*:-all}; tests=${tests// /,}
rm -rf "$SCR"; mkdir -p "$SCR"
walks=${VM_FAULT_WALKS:-}; walks=${walks// /,}   # test_faults.sh's FAULT_WALKS in the guest

qpid=
cleanup() { [ -n "$qpid" ] && kill -KILL "$qpid" 2>/dev/null; wait 2>/dev/null; }
trap cleanup EXIT
trap 'exit 130' INT TERM

t0=$SECONDS
qemu-system-x86_64 -accel tcg -cpu max -smp "${VM_CPUS:-1}" -m "${VM_MEM:-2048}" \
	-nographic -no-reboot -nodefaults -serial stdio \
	-kernel "$OUT/vmlinuz" -initrd "$OUT/initramfs.cpio.gz" \
	-append "console=ttyS0 quiet panic=-1 rl_top=$TOP rl_tests=$tests rl_test_timeout=${VM_TEST_TIMEOUT:-300} rl_fault_walks=$walks" \
	-fsdev local,id=root,path=/,security_model=none,readonly=on,multidevs=remap \
	-device virtio-9p-pci,fsdev=root,mount_tag=hostroot \
	-fsdev local,id=scr,path="$SCR",security_model=none,multidevs=remap \
	-device virtio-9p-pci,fsdev=scr,mount_tag=scratch \
	</dev/null >"$SCR/console.log" 2>&1 &
qpid=$!
limit=${VM_TIMEOUT:-1800}
while kill -0 "$qpid" 2>/dev/null; do
	if [ $((SECONDS - t0)) -ge "$limit" ]; then
		echo "run.sh: guest still running after ${limit}s: killed"
		kill -KILL "$qpid"; break
	fi
	sleep 1
done
wait "$qpid" 2>/dev/null; qpid=

passed=0 failed=0
echo "kernel: $(cat "$SCR/uname" 2>/dev/null || echo '(did not boot)') under QEMU TCG, $((SECONDS - t0))s"
while read -r r t s; do
	[ "$r" = done ] && continue
	printf '%-4s %s/%s (%ss)\n' "$r" "$KVER" "$t" "$s"
	grep -E "^$t: [0-9]+ passed" "$SCR/$t.log" | sed "s|^|$KVER/|"
	if [ "$r" = ok ]; then passed=$((passed + 1)); else
		failed=$((failed + 1))
		grep -E 'FAIL|ERROR' "$SCR/$t.log" | head -20 | sed 's/^/     ! /'
	fi
done < "$SCR/results" 2>/dev/null
if ! grep -qx done "$SCR/results" 2>/dev/null; then
	failed=$((failed + 1))
	echo "FAIL $KVER: the guest did not finish (console: $SCR/console.log)"
	tail -20 "$SCR/console.log" | sed 's/^/     | /'
fi
echo "vm-$KVER: $passed passed, $failed failed"
[ "$failed" = 0 ]
