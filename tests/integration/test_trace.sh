#!/bin/bash
# test_trace.sh - `rawload trace` end to end (issue 16): bpf/opensnoop.bpf.o
# on tracepoint syscalls/sys_enter_openat prints the path of a file this
# test opens, within a second; SIGINT (and SIGTERM) then leave nothing
# attached - no program, no link, no perf event with a program, no pin.
# Also: --link (BPF_LINK_CREATE(BPF_PERF_EVENT), pinned while it runs), a
# raw tracepoint (BPF_RAW_TRACEPOINT_OPEN), and the refusals (an unknown
# tracepoint, a kprobe program) in one line each.
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "$T_NAME: skipped (needs root)"; exit 0; }

SNOOP="$TOP/bpf/opensnoop.bpf.o"
TMP=$(mktemp -d /tmp/rawload-test-trace.XXXXXX)
on_exit "rm -rf '$TMP'"
make_pin_dir
PROGS_BEFORE=$(all_prog_ids)
link_ids() { bpftool link list 2>/dev/null | grep -oE '^[0-9]+' | sort; }
LINKS_BEFORE=$(link_ids)
# perf events with a BPF program (bpftool perf: pid/fd/prog_id per attachment)
perf_progs() { bpftool perf list 2>/dev/null | grep -c 'prog_id'; }
PERF_BEFORE=$(perf_progs)

# start_trace OUTFILE ARGS...: rawload trace in the background, waits for
# its "printing ... records" line (up to 5 s); TRACE_PID is its pid
start_trace() {
	local out=$1; shift
	"$RL" trace "$@" >"$out" 2>"$out.err" &
	TRACE_PID=$!
	on_exit "kill -9 $TRACE_PID"
	for _ in $(seq 50); do
		grep -q 'records until Ctrl-C' "$out.err" 2>/dev/null && return 0
		kill -0 $TRACE_PID 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}
# seen_within MS FILE TEXT: TEXT appears in FILE within MS milliseconds
seen_within() {
	local i
	for ((i = 0; i < $1 / 20; i++)); do
		grep -qF "$3" "$2" && return 0
		sleep 0.02
	done
	return 1
}
stop_trace() { # stop_trace SIGNAL: exit status of rawload
	kill -"$1" $TRACE_PID
	wait $TRACE_PID
}

for mode in perf link; do
	echo "-- opensnoop, $mode"
	extra=; [ $mode = link ] && extra=--link
	out="$TMP/$mode.out"
	check "$mode: rawload trace starts" start_trace "$out" "$SNOOP" --pin "$PIN/$mode" $extra
	check_contains "$mode: attached to the tracepoint" "$(cat "$out.err")" \
		"attached opensnoop to tracepoint syscalls/sys_enter_openat"
	if [ $mode = link ]; then
		check "link: the link is pinned while it runs" test -e "$PIN/$mode/link_opensnoop"
	fi
	shown=$("$RL" show --pin "$PIN/$mode" 2>&1)
	if [ $mode = link ]; then
		check_contains "link: show names the perf_event link as holder" "$shown" "(perf_event)"
	else
		check_contains "perf: show names the perf event as holder" "$shown" \
			"on tracepoint sys_enter_openat"
	fi
	marker="$TMP/opened-by-test-$mode-$$"
	: >"$marker"
	cat "$marker"
	check "$mode: the path of the file we opened is printed within 1 s" \
		seen_within 1000 "$out" "path=\"$marker\""
	# bash's own openat for `: >` comes first; cat's open is the second
	check "$mode: cat's open, decoded from struct event's BTF (pid, tid, comm, path)" \
		seen_within 1000 "$out" "comm=\"cat\" path=\"$marker\""
	sig=INT; [ $mode = link ] && sig=TERM
	stop_trace $sig
	check_eq "$mode: SIG$sig ends it with status 0" "$?" 0
	check_contains "$mode: it says it detached" "$(cat "$out.err")" "detached 1 program"
	check "$mode: pin directory removed" test ! -e "$PIN/$mode"
	check_eq "$mode: no program left" "$(all_prog_ids | comm -13 <(echo "$PROGS_BEFORE") - |
		while read -r id; do bpftool prog show id "$id" 2>/dev/null | grep -q opensnoop && echo "$id"; done)" ""
	check_eq "$mode: no perf event holds a program" "$(perf_progs)" "$PERF_BEFORE"
	check_eq "$mode: no link left" "$(link_ids | comm -13 <(echo "$LINKS_BEFORE") - |
		while read -r id; do bpftool link show id "$id" 2>/dev/null | grep -q opensnoop && echo "$id"; done)" ""
done

echo "-- raw tracepoint"
out="$TMP/raw.out"
check "raw_tp: rawload trace starts" start_trace "$out" "$OBJ/trace_raw_tp.bpf.o" --pin "$PIN/raw"
check_contains "raw_tp: attached by name" "$(cat "$out.err")" "attached on_sys_enter to raw tracepoint sys_enter"
check "raw_tp: records with pid and syscall number arrive" seen_within 1000 "$out" " nr="
stop_trace INT
check_eq "raw_tp: SIGINT ends it with status 0" "$?" 0
check "raw_tp: pin directory removed" test ! -e "$PIN/raw"

echo "-- --type names the record type"
out="$TMP/type.out"
check "--type: starts" start_trace "$out" "$SNOOP" --pin "$PIN/type" --type event
cat /etc/hostname >/dev/null
check "--type: records decoded" seen_within 1000 "$out" 'path="/etc/hostname"'
stop_trace INT
err=$("$RL" trace "$SNOOP" --type no_such_struct 2>&1 >/dev/null)
check_eq "--type unknown: exit 1" "$?" 1
check_contains "--type unknown: says so" "$err" "--type no_such_struct: no struct"

echo "-- refusals: one line, nothing left"
err=$("$RL" trace "$OBJ/trace_unknown.bpf.o" --pin "$PIN/bad" 2>&1 >/dev/null)
check_eq "unknown tracepoint: exit 1" "$?" 1
check_eq "unknown tracepoint: one line" "$(echo "$err" | wc -l)" 1
check_contains "unknown tracepoint: names it" "$err" "no tracepoint syscalls/sys_enter_rawload_nosuch"
err=$("$RL" trace "$OBJ/trace_kprobe.bpf.o" --pin "$PIN/bad" 2>&1 >/dev/null)
check_eq "kprobe object: exit 1" "$?" 1
check_eq "kprobe object: one line" "$(echo "$err" | wc -l)" 1
check_contains "kprobe object: names the program" "$err" "kp (kprobe/do_sys_openat2)"
err=$("$RL" trace "$TOP/bpf/xdp_drop_ping.bpf.o" --pin "$PIN/bad" 2>&1 >/dev/null)
check_eq "an XDP object: exit 1" "$?" 1
check "nothing pinned by the refusals" test ! -e "$PIN/bad"

check_eq "no program of ours left behind" "$(all_prog_ids | comm -13 <(echo "$PROGS_BEFORE") - |
	while read -r id; do bpftool prog show id "$id" 2>/dev/null |
		grep -qE 'opensnoop|on_sys_enter|nosuch|kp ' && echo "$id"; done)" ""
finish
