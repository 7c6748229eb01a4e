#!/bin/bash
# test_crash.sh - crash safety (issue 13): however rawload dies, at every
# instant the kernel holds either nothing of the command or an attachment
# recorded where `rawload detach` finds it.  SIGKILL cannot be caught, so
# this checks the order of the steps, not a handler.
#
# build/rawload-fault dies with SIGKILL just before ("N:SIGKILL") or just
# after ("N:SIGKILL+") its Nth bpf(2) call, and before / after its Nth
# netlink exchange ("N:KILL" / "N:KILL+").  For every kill point of xdp,
# xdp --replace, sockops, load and both detach commands, one plain command
# afterwards (rawload detach without --id, or the next load) must leave the
# machine clean: nothing attached, no pins, no staging, no marker, no
# program or map id born during the step.  Then: SIGKILL after timed delays,
# `--explain ... | head` (SIGPIPE), and two attaches racing for one device.
# The walks count their kill points; a walk that counts none fails.
source "$(dirname "$0")/lib.sh"
RLF=$TOP/build/rawload-fault
[ -x "$RLF" ] || { echo "build/rawload-fault missing (make build/rawload-fault)"; exit 1; }
XDP_OBJ=$TOP/bpf/xdp_drop_ping.bpf.o
SOCK_OBJ=$TOP/bpf/sockredir.bpf.o

make_veth_pair
make_cgroup
make_pin_dir
mkdir -p "$PIN"
on_exit "in_b '$RL' detach xdp veth-b --id \$(in_b ip -j link show veth-b | grep -o '\"id\":[0-9]*' | head -1 | cut -d: -f2) >/dev/null 2>&1"
on_exit "for id in \$(bpftool cgroup show '$CG' 2>/dev/null | awk 'NR > 1 { print \$1 }'); do bpftool cgroup detach '$CG' sock_ops id \$id; done"
KILLS=0
TMP=$(mktemp -d /tmp/rl-crash.XXXXXX)
on_exit "rm -rf '$TMP'"
# strace and the fault build must exec the command itself, not a shell function
B=(nsenter --net="/run/netns/$NS_B")

count_calls() { # bpf|netlink CMD... -> calls a clean run makes
	local kind=$1 trace; shift
	trace=$(mktemp)
	if [ "$kind" = bpf ]; then
		strace -f -qq -e trace=bpf -o "$trace" "$@" >/dev/null 2>&1
		grep -c 'bpf(' "$trace"
	else
		strace -f -qq -e trace=socket -o "$trace" "$@" >/dev/null 2>&1
		grep -c 'socket(AF_NETLINK, .*NETLINK_ROUTE' "$trace"
	fi
	rm -f "$trace"
}

# ids of the programs and maps of the two objects walked here: other work on
# the machine (a developer's load, another test) must not count as ours
OURS='name (xdp_drop_ping|xdp_stats|sockredir_|sock_ops_map)'
our_prog_ids() { bpftool prog list 2>/dev/null | grep -E "^[0-9]+: .*$OURS" | cut -d: -f1 | sort; }
our_map_ids() { bpftool map list 2>/dev/null | grep -E "^[0-9]+: .*$OURS" | cut -d: -f1 | sort; }
snap() { progs_before=$(our_prog_ids); maps_before=$(our_map_ids); }
leftover_ids() { # ids born since snap that are still there after up to 10 s
	local i new
	for i in $(seq 1 200); do
		new=$( (comm -13 <(echo "$progs_before") <(our_prog_ids); comm -13 <(echo "$maps_before") <(our_map_ids)) | tr '\n' ' ')
		[ -z "${new// }" ] && return 0
		sleep 0.05
	done
	echo "$new"
}
xdp_attached() { in_b ip link show veth-b | grep -q 'prog/xdp'; }
sockops_attached() { bpftool cgroup show "$CG" 2>/dev/null | grep -q sock_ops; }
pins_left() { find "$1" -mindepth 1 2>/dev/null | tr '\n' ' '; }

# clean WHAT DIR: after the recovery command, nothing of the step remains
CLEAN_FAILS=0
clean() {
	local what=$1 dir=$2 why="" left
	case $what in
	xdp) xdp_attached && why="XDP still attached" ;;
	sockops) sockops_attached && why="sockops still attached to the cgroup" ;;
	esac
	left=$(pins_left "$dir")
	[ -n "$left" ] && why="$why; left in $dir: $left"
	[ -z "$why" ] && { left=$(leftover_ids); [ -n "$left" ] && why="ids left: $left"; }
	if [ -n "$why" ]; then
		CLEAN_FAILS=$((CLEAN_FAILS + 1))
		echo "  FAIL   not clean after $3: $why"
		# put it right, so one failure does not cascade into the next point
		in_b "$RL" detach xdp veth-b --id "$(in_b ip -j link show veth-b | grep -o '"id":[0-9]*' | head -1 | cut -d: -f2)" >/dev/null 2>&1
		for id in $(bpftool cgroup show "$CG" 2>/dev/null | awk 'NR > 1 { print $1 }'); do
			bpftool cgroup detach "$CG" sock_ops id "$id"
		done
		rm -rf "$dir"
	fi
}

# walk NAME KIND(bpf|netlink) WHAT DIR SETUP RECOVER -- CMD...: for every
# kill point of CMD: SETUP, kill CMD there, RECOVER, check clean
walk() {
	local name=$1 kind=$2 what=$3 dir=$4 setup=$5 recover=$6; shift 7
	local calls n sig points=0 before=$CLEAN_FAILS
	eval "$setup"
	calls=$(count_calls "$kind" "$@")
	# the count run succeeded: take it back (a second load into its pins is
	# refused, so that walk's recovery cannot, and the directory just goes)
	eval "$recover" >/dev/null 2>&1 || rm -rf "$dir"
	clean "$what" "$dir" "$name (the count run)"
	for n in $(seq 1 "$calls"); do
		for sig in before after; do
			eval "$setup"
			snap
			if [ "$kind" = bpf ]; then
				[ $sig = before ] && f=$n:SIGKILL || f=$n:SIGKILL+
				RAWLOAD_FAULT=$f "$@" >/dev/null 2>&1
			else
				[ $sig = before ] && f=$n:KILL || f=$n:KILL+
				RAWLOAD_NL_FAULT=$f "$@" >/dev/null 2>&1
			fi
			eval "$recover" >/dev/null 2>&1
			clean "$what" "$dir" "$name killed $sig $kind call $n"
			points=$((points + 1))
		done
	done
	KILLS=$((KILLS + points))
	if [ "$points" -gt 0 ] && [ "$CLEAN_FAILS" = "$before" ]; then
		pass "$name: $points kill points ($calls $kind calls, before and after each), clean after each"
	else
		fail "$name: $points kill points, $((CLEAN_FAILS - before)) left state behind"
	fi
}

echo "== SIGKILL at every call"
X=$PIN/x
walk "xdp, bpf calls" bpf xdp "$X" ":" "in_b '$RL' detach xdp veth-b --pin '$PIN'" -- \
	"${B[@]}" "$RLF" xdp "$XDP_OBJ" veth-b --pin "$X"
walk "xdp, netlink exchanges" netlink xdp "$X" ":" "in_b '$RL' detach xdp veth-b --pin '$PIN'" -- \
	"${B[@]}" "$RLF" xdp "$XDP_OBJ" veth-b --pin "$X"
# the next `rawload xdp` in the same directory also recovers it
walk "xdp, recovered by the next xdp" bpf xdp "$X" ":" \
	"in_b '$RL' xdp '$XDP_OBJ' veth-b --pin '$X'; in_b '$RL' detach xdp veth-b --pin '$X'" -- \
	"${B[@]}" "$RLF" xdp "$XDP_OBJ" veth-b --pin "$X"

# an XDP link: killed before its pin the link's fd closes with the process
# and the kernel detaches it; after the pin, detach finds it
K=$PIN/k
walk "xdp --link, bpf calls" bpf xdp "$K" ":" "in_b '$RL' detach xdp veth-b --pin '$PIN'" -- \
	"${B[@]}" "$RLF" xdp "$XDP_OBJ" veth-b --link --pin "$K"
# load-then-attach with a link: the load's own pins in $PIN/lab are not the
# walk's (they stay); the record $KP/xdp_<ifindex> must go with everything in it
KP=$PIN/kp
in_b "$RL" load "$XDP_OBJ" --pin "$PIN/lab" >/dev/null
snap   # the loaded program and map are not born in the walk's count run
walk "xdp --pinned --link, bpf calls" bpf xdp "$KP" ":" "in_b '$RL' detach xdp veth-b --pin '$KP'" -- \
	"${B[@]}" "$RLF" xdp --pinned "$PIN/lab/xdp_drop_ping" veth-b --link --pin "$KP"
check "after the --pinned walk the loaded program's pin stands" test -e "$PIN/lab/xdp_drop_ping"
rm -rf "$PIN/lab"

# --replace over a program we attached first (skb mode, to a new directory)
R=$PIN/r
REPLACE_SETUP="in_b '$RL' xdp '$XDP_OBJ' veth-b --pin '$R' >/dev/null 2>&1"
walk "xdp --replace, bpf calls" bpf xdp "$R" "$REPLACE_SETUP" "in_b '$RL' detach xdp veth-b --pin '$PIN'" -- \
	"${B[@]}" "$RLF" xdp "$XDP_OBJ" veth-b --replace --pin "$R"
walk "xdp --replace, netlink exchanges" netlink xdp "$R" "$REPLACE_SETUP" "in_b '$RL' detach xdp veth-b --pin '$PIN'" -- \
	"${B[@]}" "$RLF" xdp "$XDP_OBJ" veth-b --replace --pin "$R"

S=$PIN/s
walk "sockops, bpf calls" bpf sockops "$S" ":" "'$RL' detach sockops --cgroup '$CG' --pin '$S'" -- \
	"$RLF" sockops "$SOCK_OBJ" --cgroup "$CG" --pin "$S"

SL=$PIN/sl
walk "sockops --link, bpf calls" bpf sockops "$SL" ":" "'$RL' detach sockops --cgroup '$CG' --pin '$SL'" -- \
	"$RLF" sockops "$SOCK_OBJ" --cgroup "$CG" --pin "$SL" --link

L=$PIN/l
walk "load, recovered by the next load" bpf load "$L" ":" "'$RL' load '$XDP_OBJ' --pin '$L' && rm -rf '$L'" -- \
	"$RLF" load "$XDP_OBJ" --pin "$L"

D=$PIN/d
ATTACH_D="in_b '$RL' xdp '$XDP_OBJ' veth-b --pin '$D' >/dev/null 2>&1"
walk "detach xdp, bpf calls" bpf xdp "$D" "$ATTACH_D" "in_b '$RL' detach xdp veth-b --pin '$PIN'" -- \
	"${B[@]}" "$RLF" detach xdp veth-b --pin "$D"
walk "detach xdp, netlink exchanges" netlink xdp "$D" "$ATTACH_D" "in_b '$RL' detach xdp veth-b --pin '$PIN'" -- \
	"${B[@]}" "$RLF" detach xdp veth-b --pin "$D"
ATTACH_SD="'$RL' sockops '$SOCK_OBJ' --cgroup '$CG' --pin '$S' >/dev/null 2>&1"
walk "detach sockops, bpf calls" bpf sockops "$S" "$ATTACH_SD" "'$RL' detach sockops --cgroup '$CG' --pin '$S'" -- \
	"$RLF" detach sockops --cgroup "$CG" --pin "$S"
ATTACH_SDL="'$RL' sockops '$SOCK_OBJ' --cgroup '$CG' --pin '$SL' --link >/dev/null 2>&1"
walk "detach sockops (links), bpf calls" bpf sockops "$SL" "$ATTACH_SDL" "'$RL' detach sockops --cgroup '$CG' --pin '$SL'" -- \
	"$RLF" detach sockops --cgroup "$CG" --pin "$SL"
echo "crash: $KILLS kill points covered"
[ "$KILLS" -gt 0 ] || fail "the walks covered no kill point"

echo "== SIGKILL after a timed delay"
swept=0 dirty=0
for ms in $(seq 0 25); do
	snap
	"${B[@]}" "$RL" xdp "$XDP_OBJ" veth-b --pin "$X" >/dev/null 2>&1 &   # nsenter execs rawload: $! is its pid
	pid=$!
	sleep "$(printf '0.%03d' "$ms")"
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	in_b "$RL" detach xdp veth-b --pin "$PIN" >/dev/null 2>&1
	before=$CLEAN_FAILS
	clean xdp "$X" "a SIGKILL after $ms ms"
	[ "$CLEAN_FAILS" = "$before" ] || dirty=$((dirty + 1))
	swept=$((swept + 1))
done
check_eq "timed SIGKILL of rawload xdp, 0..25 ms ($swept runs): clean after a plain detach" "$dirty" 0

echo "== SIGPIPE: --explain into head"
snap
DEF=/sys/fs/bpf/rawload/xdp_drop_ping   # the default directory: found by a plain detach
on_exit "rm -rf '$DEF'"
in_b "$RL" --explain xdp "$XDP_OBJ" veth-b | head -5 >/dev/null
rc=${PIPESTATUS[0]}
check_eq "rawload --explain xdp | head -5: rawload ran to its end" "$rc" 0
check "  ... and its program is attached" xdp_attached
check "  ... and pinned where detach finds it" test -n "$(pins_left "$DEF")"
before=$CLEAN_FAILS
in_b "$RL" detach xdp veth-b >/dev/null 2>&1
clean xdp "$DEF" "detach after the SIGPIPE run"
check_eq "  ... and a plain detach (no --pin, no --id) removes all of it" "$CLEAN_FAILS" "$before"

echo "== two attaches racing for one device"
snap
in_b "$RL" xdp "$XDP_OBJ" veth-b --pin "$PIN/race1" >"$TMP/out1" 2>&1 &
p1=$!
in_b "$RL" xdp "$XDP_OBJ" veth-b --pin "$PIN/race2" >"$TMP/out2" 2>&1 &
p2=$!
wait $p1; r1=$?
wait $p2; r2=$?
check_eq "exactly one of two racing attaches wins (exit codes $r1 $r2)" "$((r1 == 0 ? 1 : 0))$((r2 == 0 ? 1 : 0))" \
	"$([ $r1 = 0 ] && echo 10 || echo 01)"
loser=$([ $r1 = 0 ] && echo 2 || echo 1)
check_contains "  the loser says why in one line" "$(cat "$TMP/out$loser")" "rawload: "
check_eq "  the loser left no pins" "$(pins_left "$PIN/race$loser")" ""
check "  the winner's program is attached" xdp_attached
in_b "$RL" detach xdp veth-b --pin "$PIN" >/dev/null 2>&1
clean xdp "$PIN/race1" "the race's detach"
clean xdp "$PIN/race2" "the race's detach"

echo "== two commands in one pin directory"
in_b "$RL" xdp "$XDP_OBJ" veth-b --pin "$PIN/same" >/dev/null 2>&1 &
p1=$!
out=$(in_b "$RL" xdp "$XDP_OBJ" veth-b --pin "$PIN/same" 2>&1); r2=$?
wait $p1; r1=$?
check "one of two commands in one directory wins (exit codes $r1 $r2)" test $((r1 == 0)) != $((r2 == 0))
in_b "$RL" detach xdp veth-b --pin "$PIN" >/dev/null 2>&1
clean xdp "$PIN/same" "the shared directory's detach"

check_eq "every recovery left the machine clean" "$CLEAN_FAILS" 0
finish
