# shellcheck shell=bash
# sockmap_lib.sh - the sockmap benchmarks' shared set-up (sourced after common.sh).
#
#   netns $SM_NS (lo up)                 every client and server runs in here
#   <cgroup2>/$BENCH_ID-sm/              a parent made for the run, with children
#       off/                             no program: plain TCP over lo
#       on/                              rawload sockops bpf/sockredir.bpf.o
#       seed/                            rawload sockops bpf/seed/bpf_contrack.bpf.o
#                                        bpf/seed/bpf_redirect.bpf.o (the tutorial's
#                                        two programs, one map pinned by name)
#       <name>/                          sm_attach OBJ NAME: other variants
#
# A sockops program sees a socket through the cgroup of the process that
# created it, so "redirect on" and "off" are just two sibling cgroups: no
# attach/detach between runs, and the two sides can be interleaved shape by
# shape.  The trap detaches, unpins and removes everything.

SM_NS=${BENCH_ID}sm
SM_PIN=/sys/fs/bpf/${BENCH_ID}sm

sm_setup() {
	[ -x "$RAWLOAD" ] || die "build rawload first (make)"
	"$RAWLOAD" sockops --help >/dev/null 2>&1 || die "this rawload has no 'sockops' subcommand yet"
	build_c sockperf -pthread
	bench_netns "$SM_NS"
	bench_cgroup "$BENCH_ID-sm"
	SM_CG=$BENCH_CGROUP
	mkdir -p "$SM_PIN"
	bench_defer "rm -rf $SM_PIN"
	sm_cgroup off
	sm_attach "$ROOT/bpf/sockredir.bpf.o" on
}

# sm_cgroup NAME: a child of the run's cgroup, removed on exit
sm_cgroup() {
	mkdir -p "$SM_CG/$1" || die "cannot create $SM_CG/$1"
	bench_defer "for p in \$(cat $SM_CG/$1/cgroup.procs 2>/dev/null); do echo \$p > $SM_CG/cgroup.procs; done; rmdir $SM_CG/$1"
}

# sm_attach OBJ NAME / sm_attach "OBJ1 OBJ2" NAME: rawload sockops OBJ... on
# the child cgroup NAME
sm_attach() {
	sm_cgroup "$2"
	# shellcheck disable=SC2086 # one or more objects
	"$RAWLOAD" sockops $1 --cgroup "$SM_CG/$2" --pin "$SM_PIN/$2" >/dev/null ||
		die "rawload sockops $1 --cgroup $SM_CG/$2 failed"
	bench_defer "$RAWLOAD detach sockops --cgroup $SM_CG/$2 --pin $SM_PIN/$2"
}

# sm_run CGROUP-NAME SOCKPERF-ARGS...: one sockperf run inside the netns and
# the child cgroup; prints sockperf's line
sm_run() {
	local cg=$SM_CG/$1
	shift
	# shellcheck disable=SC2016 # $$ and $0 belong to the inner shell
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$cg" \
		ip netns exec "$SM_NS" "$OUT/sockperf" "$@"
}

# field NAME LINE: the value after NAME in a sockperf line
field() {
	awk -v k="$1" '{ for (i = 1; i < NF; i++) if ($i == k) { print $(i + 1); exit } }' <<<"$2"
}
