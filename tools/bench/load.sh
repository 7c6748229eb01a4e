#!/bin/bash
# load.sh - load latency, peak RSS and binary size: rawload vs bpftool vs ip.
#
#   load     rawload load OBJ --pin DIR      vs  bpftool prog loadall OBJ DIR
#   xdp      rawload xdp OBJ veth0 --pin DIR vs  bpftool prog load + bpftool net attach xdp
#                                            vs  ip link set dev veth0 xdp obj OBJ sec xdp
#
# on xdp_drop_ping (UAPI headers, no CO-RE) and xdp_core (vmlinux.h, a CO-RE
# relocation on every access), plus the tests/objects/core_*.bpf.c both
# loaders accept; CO-RE objects also with rawload's kernel-BTF cache off and
# cold (RAWLOAD_BTF_CACHE, loader/kernel/kernel_btf.c).  Whole
# processes, timed by runstat (fork/exec/wait4, no shell in the loop), the
# variants interleaved run by run so drift hits all sides alike; pins and the
# XDP attachment are removed between runs.  The XDP runs use a veth pair in a
# private netns.  Then a profile of rawload: where its time goes.
#
# RUNS=N overrides the run count (default 25, QUICK=1: 3).
. "$(dirname "$0")/common.sh"
need_root load.sh
bench_report load

RUNS=${RUNS:-$([ "$QUICK" = 1 ] && echo 3 || echo 25)}
WARMUP=2
PIN=/sys/fs/bpf/$BENCH_ID
NS=${BENCH_ID}ld
DATA=$OUT/load
BPFTOOL=$(command -v bpftool) || die "bpftool is needed"

build_c runstat
build_vmlinux_h
build_bpf "$BENCH_DIR/xdp_core.bpf.c" "$OUT/xdp_core.bpf.o" -I"$OUT"
[ -x "$RAWLOAD" ] || die "build rawload first (make)"

UAPI_OBJ=$ROOT/bpf/xdp_drop_ping.bpf.o
CORE_OBJ=$OUT/xdp_core.bpf.o
LOAD_OBJS=("$UAPI_OBJ" "$CORE_OBJ")
rm -rf "$DATA" && mkdir -p "$DATA" "$PIN"
bench_defer "rm -rf $PIN"

# the test suite's CO-RE objects too, those both loaders accept (some are
# broken on purpose: a poisoned relocation must fail to load)
SKIPPED=
for src in "$ROOT"/tests/objects/core_*.bpf.c; do
	[ -f "$src" ] || continue
	o=$ROOT/build/tests/objects/$(basename "${src%.c}").o
	make -C "$ROOT" -s "${o#"$ROOT"/}" >/dev/null 2>&1 || continue
	if "$RAWLOAD" load "$o" --pin "$PIN/probe" >/dev/null 2>&1 &&
		rm -rf "$PIN/probe" && "$BPFTOOL" prog loadall "$o" "$PIN/probe" >/dev/null 2>&1; then
		LOAD_OBJS+=("$o")
	else
		SKIPPED="$SKIPPED $(basename "$o")"
	fi
	rm -rf "$PIN/probe"
done

# ---- sampling ----------------------------------------------------------------

# sample FILE CLEANUP RUNSTAT-ARGS...: one timed run appended to FILE (a
# runstat line), then CLEANUP (not timed)
sample() {
	local file=$1 clean=$2
	shift 2
	"$OUT/runstat" -q "$@" >>"$file"
	eval "$clean" >/dev/null 2>&1
}

# summarize FILE: sets WALL (median ns), RSS (median KB), CPU (mean user+sys
# us: the kernel splits user/sys by ticks, but the sum is exact), FAIL
summarize() {
	local ok=$DATA/.ok
	awk '$10 == 0' "$1" >"$ok"
	WALL=$(awk '{ print $2 }' "$ok" | median)
	RSS=$(awk '{ print $4 }' "$ok" | median)
	CPU=$(awk '{ s += $6 + $8 } END { if (NR) printf "%.0f", s / NR; else print "nan" }' "$ok")
	FAIL=$(awk '$10 != 0' "$1" | wc -l)
}

# run_variants N: run every "label|cleanup|runstat args" in VARIANTS N times,
# interleaved; samples go to $DATA/<label>.txt (the first WARMUP discarded)
run_variants() {
	local n=$1 i v label clean args
	for ((i = 0; i < n + WARMUP; i++)); do
		for v in "${VARIANTS[@]}"; do
			IFS='|' read -r label clean args <<<"$v"
			# shellcheck disable=SC2086 # args is a word list by design
			if ((i < WARMUP)); then
				sample /dev/null "$clean" $args
			else
				sample "$DATA/$label.txt" "$clean" $args
			fi
		done
	done
}

# row TITLE BASE_LABEL OTHER_LABEL: one markdown row, rawload first
row() {
	local w1 r1 c1 f1
	summarize "$DATA/$2.txt"; w1=$WALL r1=$RSS c1=$CPU f1=$FAIL
	summarize "$DATA/$3.txt"
	md "| $1 | $(fmt_ms "$w1") | $(fmt_ms "$WALL") | **$(ratio "$w1" "$WALL")x** |" \
		"$(fmt_mb "$r1") | $(fmt_mb "$RSS") | **$(ratio "$r1" "$RSS")x** |" \
		"$(awk -v a="$c1" -v b="$CPU" 'BEGIN { printf "%.2f / %.2f", a / 1e3, b / 1e3 }') |" \
		"$([ "$f1$FAIL" = 00 ] && echo 0 || echo "$f1/$FAIL") |"
}

TABLE_HEAD='| object, step | rawload ms | other ms | time ratio | rawload RSS MB | other RSS MB | RSS ratio | CPU ms (rl / other) | failed |
|---|---|---|---|---|---|---|---|---|'

# ---- 1. load + pin -------------------------------------------------------------

md "## Load latency and footprint"
md ""
md "$(machine_facts); $($BPFTOOL version | head -1), $(ip -V)."
md "Median of $RUNS whole-process runs (runstat: fork/exec/wait4), interleaved; pins removed between runs."
md ""
md "$TABLE_HEAD"
# rawload keeps the kernel's parsed BTF in a per-boot cache (loader/kernel/kernel_btf.c);
# for CO-RE objects also time it without (RAWLOAD_BTF_CACHE=off: read + parse
# every time) and cold (an empty cache dir: parse and write the cache, as
# the first load after boot does)
COLD=$OUT/btf-cache-cold
mkdir -p "$COLD"
core_relos() {
	"$RAWLOAD" inspect "$1" 2>/dev/null | awk '/^BTF.ext:/ { for (i = 1; i < NF; i++) if ($(i + 1) == "CO-RE") print $i }'
}
for obj in "${LOAD_OBJS[@]}"; do
	name=$(basename "$obj" .bpf.o)
	ncore=$(core_relos "$obj")
	VARIANTS=("rl-$name|rm -rf $PIN/rl|$RAWLOAD load $obj --pin $PIN/rl"
		  "bt-$name|rm -rf $PIN/bt|$BPFTOOL prog loadall $obj $PIN/bt")
	if [ "${ncore:-0}" -gt 0 ]; then
		VARIANTS+=("rlnc-$name|rm -rf $PIN/rl|-e RAWLOAD_BTF_CACHE=off $RAWLOAD load $obj --pin $PIN/rl"
			   "rlcold-$name|rm -rf $PIN/rl $COLD/*|-e RAWLOAD_BTF_CACHE=$COLD $RAWLOAD load $obj --pin $PIN/rl")
	fi
	run_variants "$RUNS"
	row "$name (${ncore:-0} CO-RE relocs): rawload load vs bpftool prog loadall" "rl-$name" "bt-$name"
	if [ "${ncore:-0}" -gt 0 ]; then
		row "$name: rawload load, BTF cache off, vs bpftool" "rlnc-$name" "bt-$name"
		row "$name: rawload load, cold BTF cache (writes it), vs bpftool" "rlcold-$name" "bt-$name"
	fi
done

# ---- 2. load + XDP attach on veth in a netns -------------------------------------

bench_netns "$NS"
ip -n "$NS" link add veth0 type veth peer name veth1 || die "cannot create veth"
ip -n "$NS" link set veth0 up && ip -n "$NS" link set veth1 up
XOFF="ip -n $NS link set dev veth0 xdp off"
bench_defer "$XOFF"
bench_ip_bpffs_cleanup

for obj in "$UAPI_OBJ" "$CORE_OBJ"; do
	name=$(basename "$obj" .bpf.o)
	VARIANTS=("rlx-$name|$XOFF; rm -rf $PIN/rlx|-n $NS $RAWLOAD xdp $obj veth0 --pin $PIN/rlx"
		  "btx-$name|$XOFF; rm -f $PIN/btx|-n $NS $BPFTOOL prog load $obj $PIN/btx --then $BPFTOOL net attach xdp pinned $PIN/btx dev veth0"
		  "ipx-$name|$XOFF|-n $NS ip link set dev veth0 xdp obj $obj sec xdp")
	run_variants "$RUNS"
	row "$name: rawload xdp vs bpftool prog load + net attach" "rlx-$name" "btx-$name"
	row "$name: rawload xdp vs ip link set xdp obj" "rlx-$name" "ipx-$name"
done
# the attach mode each tool chose (all must be native: "xdp", not "xdpgeneric")
MODES=
for cmd in "$RAWLOAD xdp $UAPI_OBJ veth0 --pin $PIN/mode" \
	"$BPFTOOL prog load $UAPI_OBJ $PIN/modep --then $BPFTOOL net attach xdp pinned $PIN/modep dev veth0" \
	"ip link set dev veth0 xdp obj $UAPI_OBJ sec xdp"; do
	# shellcheck disable=SC2086
	"$OUT/runstat" -q -n "$NS" $cmd >/dev/null
	MODES="$MODES $(ip -n "$NS" -d link show veth0 | grep -o 'prog/xdp[a-z]*' | head -1)"
	eval "$XOFF"
	rm -rf "$PIN/mode" "$PIN/modep"
done
md ""
[ -n "$SKIPPED" ] && md "Not measured (rawload or bpftool refuses to load them):$SKIPPED."
md "Targets (SPEC §6): UAPI object <= 0.8x time, <= 1.0x RSS; CO-RE object <= 0.2x time, <= 0.25x RSS."
md "XDP attach mode on veth (rawload, bpftool, ip):$MODES (prog/xdp = native); native attach on veth waits for RCU,"
md "so the xdp rows carry a kernel floor that no loader can cut."

# ---- 3. binary size --------------------------------------------------------------

strip -o "$OUT/rawload.stripped" "$RAWLOAD"
libsize() { # total size of the shared libraries a binary needs (excluding libc, ld.so, vdso)
	ldd "$1" | awk '$3 ~ /^\// && $1 !~ /^(libc|ld-linux)/ { print $3 }' |
		xargs -r stat -L -c %s | awk '{ s += $1 } END { print s + 0 }'
}
RL_SZ=$(stat -c %s "$OUT/rawload.stripped")
BT_SZ=$(stat -c %s "$BPFTOOL")
RL_LIB=$(libsize "$RAWLOAD")
BT_LIB=$(libsize "$BPFTOOL")
md ""
md "| binary | stripped size KB | + shared libs (not libc) KB | libs |"
md "|---|---|---|---|"
md "| rawload | $((RL_SZ / 1024)) | $(((RL_SZ + RL_LIB) / 1024)) | $(ldd "$RAWLOAD" | awk '$3 ~ /^\// && $1 !~ /^(libc|ld-linux)/ { printf "%s ", $1 }') |"
md "| bpftool | $((BT_SZ / 1024)) | $(((BT_SZ + BT_LIB) / 1024)) | $(ldd "$BPFTOOL" | awk '$3 ~ /^\// && $1 !~ /^(libc|ld-linux)/ { printf "%s ", $1 }') |"
md "| ratio | $(ratio "$RL_SZ" "$BT_SZ")x | $(ratio $((RL_SZ + RL_LIB)) $((BT_SZ + BT_LIB)))x | |"

# ---- 4. where rawload's time goes ------------------------------------------------

[ "$QUICK" = 1 ] && exit 0
md ""
md "### Profile of \`rawload load\`"
md ""
"$(dirname "$0")/load_profile.sh" "$UAPI_OBJ" "$CORE_OBJ" | tee -a "$BENCH_MD"
