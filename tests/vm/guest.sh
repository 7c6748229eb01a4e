#!/bin/bash
# guest.sh - runs inside the QEMU guest as PID 1 (after tests/vm/init), on the
# guest's kernel, with the host's root as a read-only overlay lower layer.
# Mounts what the tests expect (proc/sys are already there; tmpfs /tmp and
# /run, bpffs, cgroup2, tracefs, debugfs), runs the integration tests named by
# rl_tests= on the kernel command line (comma-separated, "all" = every
# tests/integration/test_*.sh), writes each test's output to /scratch/NAME.log
# and one line "ok|FAIL NAME SECONDS" per test to /scratch/results, then
# powers the guest off.  Every test is bounded by rl_test_timeout= seconds.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C
cmdline=$(cat /proc/cmdline)
arg() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$cmdline"; }
TOP=$(arg rl_top)
TESTS=$(arg rl_tests)
LIMIT=$(arg rl_test_timeout); LIMIT=${LIMIT:-300}
FAULT_WALKS=$(arg rl_fault_walks); export FAULT_WALKS=${FAULT_WALKS//,/ }
off() { sync; echo o > /proc/sysrq-trigger; sleep 10; }
trap off EXIT

# what udev/systemd would have made: bash's <(...) needs /dev/fd
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin; ln -sf /proc/self/fd/1 /dev/stdout; ln -sf /proc/self/fd/2 /dev/stderr
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs shm /dev/shm
# a checkout under /tmp or /run (CI clones anywhere) would vanish under the
# tmpfs mounts below: keep it reachable at the same path
case "$TOP/" in
/tmp/*|/run/*) mkdir -p /rl-top && mount --bind "$TOP" /rl-top ;;
esac
mount -t tmpfs tmp /tmp
mount -t tmpfs run /run
if mountpoint -q /rl-top 2>/dev/null; then
	mkdir -p "$TOP" && mount --bind /rl-top "$TOP"
fi
mkdir -p /run/netns
mount -t bpf bpf /sys/fs/bpf
mount -t cgroup2 cgroup2 /sys/fs/cgroup
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
ip link set lo up
hostname rawload-vm
echo 1 > /proc/sys/kernel/sysrq

# what the package would have installed in /boot (Debian's 6.1 has no
# /proc/config.gz: .kconfig externs read /boot/config-$(uname -r))
for f in "$TOP"/build/vm/*/root/boot/{config,System.map}-"$(uname -r)"; do
	[ -f "$f" ] && cp "$f" /boot/
done

R=/scratch
: > "$R/results"
uname -r > "$R/uname"
cd "$TOP" || { echo "guest: no $TOP"; exit 1; }
if [ "$TESTS" = all ]; then
	TESTS=$(cd tests/integration && ls test_*.sh | sed 's/\.sh$//' | paste -sd,)
fi
for t in ${TESTS//,/ }; do
	t0=$SECONDS
	echo "guest: $t ..." > /dev/console
	if timeout -k 5 "$LIMIT" bash "tests/integration/$t.sh" > "$R/$t.log" 2>&1 </dev/null; then
		r=ok
	else
		r=FAIL
	fi
	echo "$r $t $((SECONDS - t0))" >> "$R/results"
	sync
done
echo done >> "$R/results"
