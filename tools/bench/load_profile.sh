#!/bin/bash
# load_profile.sh OBJ... - where `rawload load` spends its time (markdown on stdout).
#
# Three views, each cheap and each answering one question:
#   floors   runstat medians of /bin/true (process start-up), `rawload inspect`
#            (start-up + parse, no kernel work) and `rawload load`: what is left
#            for the kernel is load - inspect.
#   strace   `strace -T` on the bpf(2) calls: time inside each command
#            (BPF_PROG_LOAD = verifier + JIT) and the number of syscalls.
#   perf     cpu-clock samples with call chains over RUNS loads by rawload
#            and by bpftool, bucketed by perf_classify.py (verifier, JIT,
#            exec, page faults, ld.so, the loader's own code, ...).
# Called by load.sh; runs alone too (root).
. "$(dirname "$0")/common.sh"
need_root load_profile.sh
build_c runstat

PIN=/sys/fs/bpf/${BENCH_ID}p
PRUNS=${PRUNS:-30}
mkdir -p "$PIN"
bench_defer "rm -rf $PIN"
TMP=$(mktemp -d)
bench_defer "rm -rf $TMP"


# empty programs: what a process costs before main() with each C library
build_floors() {
	printf 'int main(void) { return 0; }\n' >"$TMP/empty.c"
	$CC -O2 -o "$OUT/empty.glibc" "$TMP/empty.c"
	$CC -O2 -static -o "$OUT/empty.glibc-static" "$TMP/empty.c"
	FLOORS="glibc glibc-static"
	if command -v musl-gcc >/dev/null && musl-gcc -O2 -static -o "$OUT/empty.musl-static" "$TMP/empty.c"; then
		FLOORS="$FLOORS musl-static"
	fi
}

profile_floors() {
	local obj=$1 i l
	# interleaved so that drift in the machine's load hits all of them alike
	for ((i = 0; i < 15; i++)); do
		for l in $FLOORS; do
			echo "$l $("$OUT/runstat" -q "$OUT/empty.$l")"
		done
		echo "inspect $("$OUT/runstat" -q "$RAWLOAD" inspect "$obj")"
		echo "load $("$OUT/runstat" -q "$RAWLOAD" load "$obj" --pin "$PIN/f")"
		rm -rf "$PIN/f"
	done >"$TMP/floors"
	med() { awk -v l="$1" '$1 == l && $11 == 0 { print $3 }' "$TMP/floors" | median; }
	echo -n "- empty \`main\` (process start-up floor):"
	for l in $FLOORS; do
		echo -n " $l $(fmt_ms "$(med "$l")") ms;"
	done
	echo ""
	echo "- \`rawload inspect\` (start-up + parse + print, no kernel): $(fmt_ms "$(med inspect)") ms;" \
		"\`rawload load\`: $(fmt_ms "$(med load)") ms (medians of 15, interleaved)"
}

profile_strace() {
	local obj=$1 i
	command -v strace >/dev/null || { echo "- strace not installed"; return; }
	for ((i = 0; i < 5; i++)); do
		strace -f -T -o "$TMP/st.$i" "$RAWLOAD" load "$obj" --pin "$PIN/s" >/dev/null 2>&1
		rm -rf "$PIN/s"
	done
	# per bpf command: median over the 5 runs of the summed durations
	for i in 0 1 2 3 4; do
		awk '{ n++ }
		     /bpf\(BPF_/ { match($0, /BPF_[A-Z_]+/); c = substr($0, RSTART, RLENGTH)
		                   match($0, /<[0-9.]+>$/); t[c] += substr($0, RSTART + 1, RLENGTH - 2) * 1e6; nb++ }
		     END { for (c in t) printf "%s %.0f\n", c, t[c]; printf "SYSCALLS %d\nBPFCALLS %d\n", n, nb }' \
			"$TMP/st.$i"
	done >"$TMP/st.sum"
	echo -n "- time inside bpf(2), \`strace -T\`, median of 5:"
	for c in $(awk '{ print $1 }' "$TMP/st.sum" | sort -u | grep BPF_); do
		echo -n " $c $(awk -v c="$c" '$1 == c { print $2 }' "$TMP/st.sum" | median | awk '{ printf "%.0f", $1 }') us;"
	done
	echo " $(awk '$1 == "SYSCALLS" { print $2 }' "$TMP/st.sum" | median) syscalls in all," \
		"$(awk '$1 == "BPFCALLS" { print $2 }' "$TMP/st.sum" | median) of them bpf()"
}

profile_perf() {
	local obj=$1 comms="rawload bpftool" nocache=""
	command -v perf >/dev/null || { echo "- perf not installed"; return; }
	# for a CO-RE object, also rawload with its kernel-BTF cache off, as a
	# copy of the binary so that perf tells the two apart by command name
	if "$RAWLOAD" inspect "$obj" 2>/dev/null | grep -q '[1-9][0-9]* CO-RE relocations'; then
		cp "$RAWLOAD" "$OUT/rl-nocache"
		nocache="RAWLOAD_BTF_CACHE=off $OUT/rl-nocache load $obj --pin $PIN/n >/dev/null 2>&1; rm -rf $PIN/n"
		comms="rawload rl-nocache bpftool"
	fi
	cat >"$TMP/loop.sh" <<EOF
for i in \$(seq $PRUNS); do
	"$RAWLOAD" load "$obj" --pin "$PIN/r" >/dev/null 2>&1; rm -rf "$PIN/r"
	$nocache
	bpftool prog loadall "$obj" "$PIN/b" >/dev/null 2>&1; rm -rf "$PIN/b"
done
EOF
	# 4 kHz: higher rates inflate the profiled processes' CPU time in this VM
	perf record -q -e cpu-clock -F 4000 -g -o "$TMP/perf.data" -- bash "$TMP/loop.sh" >/dev/null 2>&1
	echo "- perf (cpu-clock 4 kHz with call chains, $PRUNS runs each; the sampling itself inflates the totals a little):"
	echo ""
	perf script -i "$TMP/perf.data" -F comm,period,ip,sym,dso 2>/dev/null |
		python3 "$BENCH_DIR/perf_classify.py" "$PRUNS" $comms
}

build_floors
for obj in "$@"; do
	echo ""
	echo "#### $(basename "$obj")"
	echo ""
	profile_floors "$obj"
	profile_strace "$obj"
	profile_perf "$obj"
done
