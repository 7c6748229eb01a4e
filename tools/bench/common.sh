# shellcheck shell=bash disable=SC2034 # sourced: the variables are used by the benchmarks
# common.sh - shared by the benchmarks in tools/bench (sourced, not run).
#
# Every benchmark measures both sides in one invocation and prints ratios of
# medians; nothing here asserts a timing.  Conventions:
#   QUICK=1       a few-seconds smoke run (CI): fewer runs, shorter durations
#   build/bench/  everything a benchmark builds or writes; <name>.md is its
#                 piece of the report that run-all.sh gathers into report.md
#   bench_defer   registers a cleanup command; they run newest first on
#                 EXIT, INT and TERM, so a failed or interrupted benchmark
#                 leaves no netns, cgroup, pin, XDP program or iptables rule.

set -u

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH_DIR/../.." && pwd)
OUT=$ROOT/build/bench
RAWLOAD=$ROOT/rawload
QUICK=${QUICK:-0}
CC=${CC:-gcc}
CLANG=${CLANG:-clang}
ARCH_INC=/usr/include/$($CC -dumpmachine)
mkdir -p "$OUT"

# ---- cleanup stack ---------------------------------------------------------

BENCH_CLEANUPS=()

bench_defer() {
	BENCH_CLEANUPS+=("$*")
}

bench_cleanup() {
	local i
	for ((i = ${#BENCH_CLEANUPS[@]} - 1; i >= 0; i--)); do
		eval "${BENCH_CLEANUPS[i]}" >/dev/null 2>&1 || true
	done
	BENCH_CLEANUPS=()
}

trap bench_cleanup EXIT
trap 'bench_cleanup; exit 130' INT TERM

# ---- report ------------------------------------------------------------------

# bench_report NAME: start build/bench/NAME.md; md LINE appends to it and prints.
bench_report() {
	BENCH_MD=$OUT/$1.md
	: >"$BENCH_MD"
}

md() {
	printf '%s\n' "$*" | tee -a "$BENCH_MD"
}

die() {
	echo "bench: $*" >&2
	exit 1
}

need_root() {
	[ "$(id -u)" = 0 ] || die "$1 needs root (netns, bpf)"
}

# ---- numbers -----------------------------------------------------------------

# median of the numbers on stdin (one per line)
median() {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "nan"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio A B -> A/B with two decimals ("n/a" when B is 0 or not a number)
ratio() {
	awk -v a="$1" -v b="$2" 'BEGIN {
		if (b + 0 == 0 || a == "nan" || b == "nan") print "n/a"; else printf "%.2f\n", a / b }'
}

# fmt_ms NS -> milliseconds with two decimals; fmt_mb KB -> MB with one
fmt_ms() { awk -v n="$1" 'BEGIN { if (n == "nan") print "n/a"; else printf "%.2f\n", n / 1e6 }'; }
fmt_mb() { awk -v n="$1" 'BEGIN { if (n == "nan") print "n/a"; else printf "%.1f\n", n / 1024 }'; }

# ---- building helpers ----------------------------------------------------------

# build_c NAME [extra gcc args]: tools/bench/NAME.c -> build/bench/NAME
build_c() {
	local name=$1
	shift
	if [ ! -x "$OUT/$name" ] || [ "$BENCH_DIR/$name.c" -nt "$OUT/$name" ]; then
		$CC -O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -o "$OUT/$name" "$BENCH_DIR/$name.c" "$@" ||
			die "cannot build $name"
	fi
}

# build_bpf SRC OUTNAME [extra clang args]
build_bpf() {
	local src=$1 out=$2
	shift 2
	if [ ! -f "$out" ] || [ "$src" -nt "$out" ]; then
		$CLANG -O2 -g -target bpf -Wall -Wno-unused-function -I"$ARCH_INC" -I"$ROOT/bpf" \
			"$@" -c -o "$out" "$src" || die "cannot compile $src"
	fi
}

# vmlinux.h for this kernel, generated once per build dir
build_vmlinux_h() {
	if [ ! -s "$OUT/vmlinux.h" ]; then
		bpftool btf dump file /sys/kernel/btf/vmlinux format c >"$OUT/vmlinux.h.tmp" &&
			mv "$OUT/vmlinux.h.tmp" "$OUT/vmlinux.h" || die "cannot dump vmlinux BTF"
	fi
}

# ---- isolation -------------------------------------------------------------------

# A unique suffix so two runs (or a stale one) never share names.
BENCH_ID=rlb$$

# bench_netns NAME: create a netns and remove it on exit
bench_netns() {
	ip netns add "$1" || die "cannot create netns $1"
	bench_defer "ip netns del $1"
	ip -n "$1" link set lo up
}

# bench_cgroup NAME: create a fresh child cgroup of the v2 mount, removed on
# exit; its path is left in BENCH_CGROUP (not printed: a $(...) subshell
# would lose the cleanup registration)
bench_cgroup() {
	local mnt
	mnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
	[ -n "$mnt" ] || die "no cgroup v2 mount"
	mkdir "$mnt/$1" || die "cannot create cgroup $mnt/$1"
	# members go back to the root first: a cgroup with processes cannot be removed
	bench_defer "for p in \$(cat $mnt/$1/cgroup.procs 2>/dev/null); do echo \$p > $mnt/cgroup.procs; done; rmdir $mnt/$1"
	BENCH_CGROUP=$mnt/$1
}

machine_facts() {
	local cpu
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
	echo "nproc $(nproc), kernel $(uname -r), CPU $cpu"
}

# `ip link set ... xdp obj` (iproute2 + libbpf) creates /sys/fs/bpf/tc/globals
# and the symlinks ip -> tc, xdp -> tc; remove them on exit if we made them.
bench_ip_bpffs_cleanup() {
	[ -e /sys/fs/bpf/tc ] && return 0
	bench_defer "rmdir /sys/fs/bpf/tc/globals /sys/fs/bpf/tc; \
for l in ip xdp; do [ -L /sys/fs/bpf/\$l ] && rm -f /sys/fs/bpf/\$l; done"
}
