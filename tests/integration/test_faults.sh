#!/bin/bash
# test_faults.sh - all or nothing (SPEC §3, issue 9), from the outside.
#
# build/rawload-fault is rawload built with -DRL_FAULT_INJECTION: it fails the
# Nth bpf(2) call with RAWLOAD_FAULT="N:EPERM", the Nth netlink exchange with
# RAWLOAD_NL_FAULT="N:16" (EBUSY), or raises SIGINT / SIGTERM just before the
# Nth bpf(2) call with RAWLOAD_FAULT="N:SIGINT" / "N:SIGTERM".  For every N up
# to the number of calls a clean run makes (counted with strace; a count of 0
# fails the walk), each command must either succeed or exit 1 with a
# "rawload: ..." line, and then:
#   load, xdp, sockops   leave nothing: no pin, no attachment, no program or
#                        map id that was not there just before the step
#   xdp --replace        leave the displaced program attached and pinned, or
#                        have ours attached and pinned in its place
#   detach xdp/sockops   either change nothing, or leave a state from which a
#                        second (unfaulted) detach finishes: nothing attached,
#                        no pins, the ids gone
# (Descriptors cannot leak past a process's exit; tests/unit/test_load_root.c
# checks them in-process.)
source "$(dirname "$0")/lib.sh"
# RAWLOAD_FAULT_BIN=other/rawload-fault walks another build (how the walks
# were shown to fail on the code before the fixes they test)
RLF=${RAWLOAD_FAULT_BIN:-$TOP/build/rawload-fault}
[ -x "$RLF" ] || { echo "build/rawload-fault missing (make build/rawload-fault)"; exit 1; }
XDP_OBJ=$TOP/bpf/xdp_drop_ping.bpf.o
SOCK_OBJ=$TOP/bpf/sockredir.bpf.o
TC_OBJ=$TOP/bpf/tc_drop_ping.bpf.o

make_veth_pair
make_cgroup
make_pin_dir
mkdir -p "$PIN"
# whatever happens, nothing stays on our private cgroup (runs before its rmdir)
on_exit "for id in \$(bpftool cgroup show '$CG' 2>/dev/null | awk 'NR > 1 { print \$1 }'); do bpftool cgroup detach '$CG' sock_ops id \$id; done"
TMP=$(mktemp -d /tmp/rl-faults.XXXXXX)
on_exit "rm -rf '$TMP'"

# The ids before each step: other tests may run beside this one, so the
# baseline is taken again right before every faulted run, and only ids born
# during the step that outlive it count.
snap() { progs_before=$(all_prog_ids); maps_before=$(all_map_ids); }
# ids that exist now but did not at the last snap.  Freeing is asynchronous
# (programs go after an RCU grace period, a prog array's slots are cleared
# by a work item), and on a loaded machine that has taken seconds: wait up
# to 10 s before calling an id left behind.
FREE_WAIT=${FREE_WAIT:-200}   # x 0.05 s
leftover_ids() {
	local i new
	for i in $(seq 1 "$FREE_WAIT"); do
		new=$( (comm -13 <(echo "$progs_before") <(all_prog_ids); comm -13 <(echo "$maps_before") <(all_map_ids)) | tr '\n' ' ')
		[ -z "${new// }" ] && return 0
		sleep 0.05
	done
	echo "$new"
}
# all of these ids gone ("p:ID" or "m:ID"), waiting as leftover_ids does
ids_gone() {
	local i x left
	for i in $(seq 1 "$FREE_WAIT"); do
		left=
		for x in "$@"; do
			if [ "${x%%:*}" = p ]; then bpftool prog show id "${x#*:}" >/dev/null 2>&1 && left="$left $x"
			else bpftool map show id "${x#*:}" >/dev/null 2>&1 && left="$left $x"; fi
		done
		[ -z "$left" ] && return 0
		sleep 0.05
	done
	echo "$left"
	return 1
}
all_there() { # ids all exist
	local x
	for x in "$@"; do
		if [ "${x%%:*}" = p ]; then bpftool prog show id "${x#*:}" >/dev/null 2>&1 || return 1
		else bpftool map show id "${x#*:}" >/dev/null 2>&1 || return 1; fi
	done
}

count_calls() { # bpf|netlink CMD... -> calls a clean run makes
	local kind=$1 trace; shift
	trace=$(mktemp)
	if [ "$kind" = bpf ]; then
		strace -f -qq -e trace=bpf -o "$trace" "$@" >/dev/null 2>&1
		grep -c 'bpf(' "$trace"
	else    # one netlink socket per exchange (netlink/xdp_attach.c)
		strace -f -qq -e trace=socket -o "$trace" "$@" >/dev/null 2>&1
		grep -c 'socket(AF_NETLINK, .*NETLINK_ROUTE' "$trace"
	fi
	rm -f "$trace"
}

# faulted bpf|netlink N MODE CMD...: run CMD with the Nth call faulted;
# its stderr in OUT, its exit status in RC
faulted() {
	local kind=$1 n=$2 mode=$3; shift 3
	if [ "$kind" = bpf ]; then
		OUT=$(RAWLOAD_FAULT="$n:$mode" "$@" 2>&1 >/dev/null); RC=$?
	else
		OUT=$(RAWLOAD_NL_FAULT="$n:$mode" "$@" 2>&1 >/dev/null); RC=$?
	fi
}
# a refusal must be exit 1 with a "rawload..." line, which for a netlink
# fault names it ("injected fault: ..."); prints why not
refusal_ok() { # kind rc out
	[ "$2" = 1 ] && [ "$(echo "$3" | grep -c '^rawload')" -ge 1 ] &&
		{ [ "$1" = bpf ] || echo "$3" | grep -q "injected fault"; } && return 0
	echo "exit $2: $(echo "$3" | head -3)"
	return 1
}
fault_modes() { if [ "$1" = bpf ]; then echo "EPERM SIGINT SIGTERM"; else echo 16; fi; }

# FAULT_WALKS="load xdp ..." runs only those walks (names: the attach walks
# below, detach-NAME, replace, netlink-xdp, netlink-tc); empty: all of them.
# Under QEMU TCG every walk takes minutes, so CI picks a few (tests/vm).
picked() { [ -z "${FAULT_WALKS:-}" ] || [[ " $FAULT_WALKS " == *" $1 "* ]]; }

# walk NAME UNDO-CMD -- CMD... : fault every bpf call of CMD in turn
walk() {
	picked "$1" || return 0
	local name=$1 undo=$2; shift 3
	local calls n out rc bad=0 ok=0 failed=0 stray why
	calls=$(count_calls bpf "$@")
	eval "$undo" >/dev/null 2>&1
	for mode in EPERM SIGINT SIGTERM; do
		for ((n = 1; n <= calls; n++)); do
			snap
			faulted bpf "$n" "$mode" "$@"; out=$OUT rc=$RC
			if [ $rc = 0 ]; then
				ok=$((ok + 1)); eval "$undo" >/dev/null 2>&1; continue
			fi
			failed=$((failed + 1))
			if ! why=$(refusal_ok bpf $rc "$out"); then
				echo "    $name $mode@$n: $why"; bad=1; break 2
			fi
			if [ -n "$(ls -A "$PIN/$name" 2>/dev/null)" ]; then
				echo "    $name $mode@$n: pins left: $(ls "$PIN/$name")"; bad=1; break 2
			fi
			if ip -n "$NS_B" link show veth-b | grep -q xdp; then
				echo "    $name $mode@$n: XDP still attached"; bad=1; break 2
			fi
			if in_b tc qdisc show dev veth-b 2>/dev/null | grep -q clsact; then
				echo "    $name $mode@$n: clsact qdisc left on veth-b"; bad=1; break 2
			fi
			if [ -n "$(bpftool cgroup show "$CG" 2>/dev/null)" ]; then
				echo "    $name $mode@$n: program left on the cgroup"; bad=1; break 2
			fi
			stray=$(leftover_ids)
			if [ -n "$stray" ]; then
				echo "    $name $mode@$n: ids left in the kernel: $stray ($out)"; bad=1; break 2
			fi
		done
	done
	[ "$calls" -gt 0 ] || fail "$name: a clean run made no bpf call (strace missing?)"
	check "$name: $calls bpf calls, each failed, interrupted and terminated ($failed refused, $ok survived): nothing left" [ $bad = 0 ]
	[ "$failed" -gt 0 ] || fail "$name: no fault took effect (the test build ignores RAWLOAD_FAULT?)"
}

echo "== load / xdp / sockops: every bpf call fails, or SIGINT/SIGTERM arrives before it"
walk load "rm -rf '$PIN/load'" -- "$RLF" load "$OBJ/tail_call.bpf.o" --pin "$PIN/load"
walk loadpin "rm -rf '$PIN/loadpin'" -- "$RLF" load "$OBJ/maps_btf.bpf.o" --pin "$PIN/loadpin"
# externs: the synthesized .kconfig map (and the cookie probe), kfunc/ksym resolution
walk loadkcfg "rm -rf '$PIN/loadkcfg'" -- "$RLF" load "$OBJ/kconfig_externs.bpf.o" --pin "$PIN/loadkcfg"
walk loadksym "rm -rf '$PIN/loadksym'" -- "$RLF" load "$OBJ/ksym_externs.bpf.o" --pin "$PIN/loadksym"
walk xdp "in_b '$RL' detach xdp veth-b --pin '$PIN/xdp'" -- \
	nsenter --net="/run/netns/$NS_B" "$RLF" xdp "$XDP_OBJ" veth-b --pin "$PIN/xdp"
walk xdplink "in_b '$RL' detach xdp veth-b --pin '$PIN/xdplink'" -- \
	nsenter --net="/run/netns/$NS_B" "$RLF" xdp "$XDP_OBJ" veth-b --link --pin "$PIN/xdplink"
# load-then-attach: the program loaded once, then attached by pin path with a
# link; its record goes to $PIN/xdppinned/xdp_<ifindex> (nothing else may stay)
if picked xdppinned; then
	in_b "$RL" load "$XDP_OBJ" --pin "$PIN/lab" >/dev/null
	walk xdppinned "in_b '$RL' detach xdp veth-b --pin '$PIN/xdppinned'; rmdir '$PIN/xdppinned'" -- \
		nsenter --net="/run/netns/$NS_B" "$RLF" xdp --pinned "$PIN/lab/xdp_drop_ping" veth-b --link \
		--pin "$PIN/xdppinned"
	check "xdppinned: the loaded program's pins stand after every fault" test -e "$PIN/lab/xdp_drop_ping"
	rm -rf "$PIN/lab"
fi
walk sockops "'$RL' detach sockops --cgroup '$CG' --pin '$PIN/sockops'" -- \
	"$RLF" sockops "$SOCK_OBJ" --cgroup "$CG" --pin "$PIN/sockops"
walk sockopslink "'$RL' detach sockops --cgroup '$CG' --pin '$PIN/sockopslink'" -- \
	"$RLF" sockops "$SOCK_OBJ" --cgroup "$CG" --pin "$PIN/sockopslink" --link
walk tc "in_b '$RL' detach tc veth-b --pin '$PIN/tc'" -- \
	nsenter --net="/run/netns/$NS_B" "$RLF" tc "$TC_OBJ" veth-b --egress --pin "$PIN/tc"
walk tcx "in_b '$RL' detach tc veth-b --pin '$PIN/tcx'" -- \
	nsenter --net="/run/netns/$NS_B" "$RLF" tc "$TC_OBJ" veth-b --egress --link --pin "$PIN/tcx"
# trace runs until a signal: a run that survives its fault ends after 1 s
walk trace ":" -- timeout --preserve-status -s INT 1 "$RLF" trace "$TOP/bpf/opensnoop.bpf.o" --pin "$PIN/trace"
walk tracelink ":" -- timeout --preserve-status -s INT 1 "$RLF" trace "$TOP/bpf/opensnoop.bpf.o" --link \
	--pin "$PIN/tracelink"

# ---- detach: nothing changed, or a second detach finishes ------------------

# The state a detach walk starts from, made again before every step by the
# real rawload; IDS are its program and map ids ("p:N m:M").
xdp_setup() {
	in_b "$RL" xdp "$XDP_OBJ" veth-b --pin "$PIN/dx" >/dev/null 2>&1 || return 1
	IDS="p:$(bpftool prog show pinned "$PIN/dx/xdp_drop_ping" | grep -oE '^[0-9]+')"
	IDS="$IDS m:$(bpftool map show pinned "$PIN/dx/xdp_stats" | grep -oE '^[0-9]+')"
}
xdp_attached_id() { ip -n "$NS_B" -d link show veth-b | sed -n 's/.*prog\/xdp id \([0-9]*\).*/\1/p'; }
xdp_unchanged() {
	[ "p:$(xdp_attached_id)" = "${IDS%% *}" ] && [ -e "$PIN/dx/xdp_drop_ping" ] && [ -e "$PIN/dx/xdp_stats" ] && all_there $IDS
}
xdp_clean() { # prints what is left
	local left=
	[ -n "$(xdp_attached_id)" ] && left="$left XDP-attached"
	[ -e "$PIN/dx" ] && left="$left pins:$(ls "$PIN/dx" | tr '\n' ,)"
	left="$left $(ids_gone $IDS)"
	echo "$left" | grep -q '[^ ]' && { echo "$left"; return 1; }
	return 0
}
# the second detach is the same build with no fault armed
xdp_retry() { in_b "$RLF" detach xdp veth-b --pin "$PIN/dx"; }

# the sockops state: in $PIN/$DS, attached with BPF_PROG_ATTACH or (DS_LINK=--link) links
DS=ds DS_LINK=
sockops_setup() {
	"$RL" sockops "$SOCK_OBJ" --cgroup "$CG" --pin "$PIN/$DS" $DS_LINK >/dev/null 2>&1 || return 1
	IDS="p:$(bpftool prog show pinned "$PIN/$DS/sockredir_sockops" | grep -oE '^[0-9]+')"
	IDS="$IDS p:$(bpftool prog show pinned "$PIN/$DS/sockredir_msg" | grep -oE '^[0-9]+')"
	IDS="$IDS m:$(bpftool map show pinned "$PIN/$DS/sock_ops_map" | grep -oE '^[0-9]+')"
}
cg_ids() { bpftool cgroup show "$CG" 2>/dev/null | awk 'NR > 1 { print $1 }'; }
sockops_unchanged() {
	[ "p:$(cg_ids)" = "${IDS%% *}" ] && [ -e "$PIN/$DS/sockredir_sockops" ] &&
		{ [ -z "$DS_LINK" ] || [ -e "$PIN/$DS/link_sockops_sockredir_sockops" ]; } &&
		[ -e "$PIN/$DS/sockredir_msg" ] && [ -e "$PIN/$DS/sock_ops_map" ] && all_there $IDS
}
sockops_clean() {
	local left=
	[ -n "$(cg_ids)" ] && left="$left on-cgroup:$(cg_ids | tr '\n' ,)"
	[ -e "$PIN/$DS" ] && left="$left pins:$(ls "$PIN/$DS" | tr '\n' ,)"
	left="$left $(ids_gone $IDS)"
	echo "$left" | grep -q '[^ ]' && { echo "$left"; return 1; }
	return 0
}
sockops_retry() { "$RLF" detach sockops --cgroup "$CG" --pin "$PIN/$DS"; }

# the same with links: a cgroup link, and a sockmap link where the kernel has them
sockopslink_setup() { local DS=dl DS_LINK=--link; sockops_setup; }
sockopslink_unchanged() { local DS=dl DS_LINK=--link; sockops_unchanged; }
sockopslink_clean() { local DS=dl DS_LINK=--link; sockops_clean; }
sockopslink_retry() { local DS=dl DS_LINK=--link; sockops_retry; }

tc_setup() {
	in_b "$RL" tc "$TC_OBJ" veth-b --egress --pin "$PIN/dt" >/dev/null 2>&1 || return 1
	IDS="p:$(bpftool prog show pinned "$PIN/dt/tc_drop_ping" | grep -oE '^[0-9]+')"
	IDS="$IDS m:$(bpftool map show pinned "$PIN/dt/tc_stats" | grep -oE '^[0-9]+')"
}
tc_filter_ids() { in_b tc filter show dev veth-b egress 2>/dev/null | sed -n 's/.* id \([0-9]*\).*/\1/p'; }
tc_unchanged() {
	[ "p:$(tc_filter_ids)" = "${IDS%% *}" ] && [ -e "$PIN/dt/tc_drop_ping" ] && [ -e "$PIN/dt/tc_stats" ] &&
		all_there $IDS
}
tc_clean() {
	local left=
	[ -n "$(tc_filter_ids)" ] && left="$left filter:$(tc_filter_ids | tr '\n' ,)"
	in_b tc qdisc show dev veth-b | grep -q clsact && left="$left clsact"
	[ -e "$PIN/dt" ] && left="$left pins:$(ls "$PIN/dt" | tr '\n' ,)"
	left="$left $(ids_gone $IDS)"
	echo "$left" | grep -q '[^ ]' && { echo "$left"; return 1; }
	return 0
}
tc_retry() { in_b "$RLF" detach tc veth-b --pin "$PIN/dt"; }

# walk_detach NAME bpf|netlink -- CMD... : NAME_setup/_unchanged/_clean/_retry
walk_detach() {
	picked "detach-$1" || return 0
	local name=$1 kind=$2; shift 3
	local calls n out rc left why bad=0 ok=0 same=0 finished=0 retried=0 modes
	"${name}_setup" || { fail "detach $name: setup failed"; return; }
	calls=$(count_calls "$kind" "$@")
	left=$("${name}_clean") || { fail "detach $name: a clean run left$left"; "${name}_retry" >/dev/null 2>&1; }
	modes=$(fault_modes "$kind")
	for mode in $modes; do
		for ((n = 1; n <= calls; n++)); do
			"${name}_setup" || { echo "    detach $name $mode@$n: setup failed"; bad=1; break 2; }
			faulted "$kind" "$n" "$mode" "$@"; out=$OUT rc=$RC
			if [ $rc = 0 ]; then
				ok=$((ok + 1))
				left=$("${name}_clean") || { echo "    detach $name $mode@$n: exit 0 but left$left"; bad=1; break 2; }
				continue
			fi
			if ! why=$(refusal_ok "$kind" $rc "$out"); then
				echo "    detach $name $mode@$n: $why"; bad=1; break 2
			fi
			if "${name}_unchanged"; then
				same=$((same + 1))
			elif "${name}_clean" >/dev/null; then
				finished=$((finished + 1)); continue
			fi
			retried=$((retried + 1))
			out=$("${name}_retry" 2>&1); rc=$?
			if [ $rc != 0 ]; then
				echo "    detach $name $mode@$n: the second detach failed ($rc): $(echo "$out" | grep rawload | head -2)"
				bad=1; break 2
			fi
			left=$("${name}_clean") || { echo "    detach $name $mode@$n: after the second detach:$left"; bad=1; break 2; }
		done
	done
	[ "$calls" -gt 0 ] || fail "detach $name: a clean run made no $kind call"
	check "detach $name: $calls $kind calls faulted ($modes): $ok survived, $same changed nothing, $finished finished anyway; after each a second detach left nothing ($retried times)" [ $bad = 0 ]
	[ $((same + finished + retried)) -gt 0 ] || fail "detach $name: no $kind fault took effect"
	"${name}_retry" >/dev/null 2>&1
}

echo "== detach xdp / sockops / tc: every bpf call fails, or SIGINT/SIGTERM arrives before it"
walk_detach xdp bpf -- nsenter --net="/run/netns/$NS_B" "$RLF" detach xdp veth-b --pin "$PIN/dx"
walk_detach sockops bpf -- "$RLF" detach sockops --cgroup "$CG" --pin "$PIN/ds"
walk_detach sockopslink bpf -- "$RLF" detach sockops --cgroup "$CG" --pin "$PIN/dl"

walk_detach tc bpf -- nsenter --net="/run/netns/$NS_B" "$RLF" detach tc veth-b --pin "$PIN/dt"

echo "== detach tc: every netlink exchange fails"
walk_detach tc netlink -- nsenter --net="/run/netns/$NS_B" "$RLF" detach tc veth-b --pin "$PIN/dt"

echo "== detach xdp: every netlink exchange fails"
walk_detach xdp netlink -- nsenter --net="/run/netns/$NS_B" "$RLF" detach xdp veth-b --pin "$PIN/dx"

# ---- xdp --replace: the displaced program is never lost ---------------------
# The swap cannot be undone: a failure before it must leave the displaced
# program attached and pinned, and after it ours must be attached and pinned.
replace_walk() { # bpf|netlink
	picked replace || return 0
	local kind=$1 calls n out rc why old new pinned bad=0 ok=0 refused=0 modes
	in_b "$RL" xdp "$XDP_OBJ" veth-b --pin "$PIN/rp" >/dev/null 2>&1
	calls=$(count_calls "$kind" nsenter --net="/run/netns/$NS_B" "$RLF" xdp "$XDP_OBJ" veth-b --replace --pin "$PIN/rp")
	modes=$(fault_modes "$kind")
	for mode in $modes; do
		for ((n = 1; n <= calls; n++)); do
			old=$(xdp_attached_id)
			snap
			faulted "$kind" "$n" "$mode" in_b "$RLF" xdp "$XDP_OBJ" veth-b --replace --pin "$PIN/rp"
			out=$OUT rc=$RC
			new=$(xdp_attached_id)
			pinned=$(bpftool prog show pinned "$PIN/rp/xdp_drop_ping" 2>/dev/null | grep -oE '^[0-9]+')
			if [ -e "$PIN/rp/rawload_staging" ]; then
				echo "    replace $mode@$n: staging directory left: $(ls "$PIN/rp/rawload_staging")"; bad=1; break 2
			fi
			if [ $rc = 0 ]; then
				ok=$((ok + 1))
				if [ "$new" = "$old" ] || [ "$pinned" != "$new" ]; then
					echo "    replace $mode@$n: exit 0, attached $old -> $new, pinned: $pinned"; bad=1; break 2
				fi
				continue
			fi
			refused=$((refused + 1))
			if ! why=$(refusal_ok "$kind" $rc "$out"); then
				echo "    replace $mode@$n: $why"; bad=1; break 2
			fi
			if [ "$new" != "$old" ] || [ "$pinned" != "$old" ]; then
				echo "    replace $mode@$n: refused, but attached $old -> $new, pinned: $pinned ($out)"; bad=1; break 2
			fi
			stray=$(leftover_ids)
			if [ -n "$stray" ]; then
				echo "    replace $mode@$n: ids left in the kernel: $stray ($out)"; bad=1; break 2
			fi
		done
	done
	[ "$calls" -gt 0 ] || fail "xdp --replace: a clean run made no $kind call"
	check "xdp --replace: $calls $kind calls faulted ($modes; $refused refused, $ok survived): the displaced program stayed attached and pinned, or ours took its place and pins" [ $bad = 0 ]
	[ "$refused" -gt 0 ] || fail "xdp --replace: no $kind fault took effect"
	in_b "$RL" detach xdp veth-b --pin "$PIN/rp" >/dev/null 2>&1
}
echo "== xdp --replace: every bpf call and netlink exchange fails"
replace_walk bpf
replace_walk netlink

# ---- xdp: every netlink exchange fails -------------------------------------
if picked netlink-xdp; then
	echo "== xdp: every netlink exchange fails"
	calls=$(count_calls netlink nsenter --net="/run/netns/$NS_B" "$RL" xdp "$XDP_OBJ" veth-b --pin "$PIN/nl")
	in_b "$RL" detach xdp veth-b --pin "$PIN/nl" >/dev/null 2>&1
	[ "$calls" -gt 0 ] || fail "xdp: a clean run made no netlink exchange"
	for ((n = 1; n <= calls; n++)); do
		snap
		out=$(RAWLOAD_NL_FAULT="$n:16" in_b "$RLF" xdp "$XDP_OBJ" veth-b --pin "$PIN/nl" 2>&1); rc=$?
		if [ $rc = 0 ]; then
			in_b "$RL" detach xdp veth-b --pin "$PIN/nl" >/dev/null 2>&1
			continue
		fi
		check_eq "xdp with netlink exchange $n of $calls failing exits 1" "$rc" 1
		check_contains "xdp with netlink exchange $n failing: the message names the injected fault" "$out" \
			"injected fault: Device or resource busy"
		check "xdp with netlink exchange $n failing leaves no XDP and no pins" \
			bash -c "! ip -n '$NS_B' link show veth-b | grep -q xdp && [ -z \"\$(ls -A '$PIN/nl' 2>/dev/null)\" ]"
		check_eq "xdp with netlink exchange $n failing leaves no ids" "$(leftover_ids)" ""
	done
fi

if picked netlink-tc; then
	echo "== tc: every netlink exchange fails"
	calls=$(count_calls netlink nsenter --net="/run/netns/$NS_B" "$RL" tc "$TC_OBJ" veth-b --egress --pin "$PIN/nltc")
	in_b "$RL" detach tc veth-b --pin "$PIN/nltc" >/dev/null 2>&1
	[ "$calls" -gt 0 ] || fail "tc: a clean run made no netlink exchange"
	bad=0
	for ((n = 1; n <= calls; n++)); do
		snap
		out=$(RAWLOAD_NL_FAULT="$n:16" in_b "$RLF" tc "$TC_OBJ" veth-b --egress --pin "$PIN/nltc" 2>&1); rc=$?
		if [ $rc = 0 ]; then
			in_b "$RL" detach tc veth-b --pin "$PIN/nltc" >/dev/null 2>&1
			continue
		fi
		why=$(refusal_ok netlink $rc "$out") || { echo "    tc netlink@$n: $why"; bad=1; }
		in_b tc qdisc show dev veth-b | grep -q clsact && { echo "    tc netlink@$n: clsact left"; bad=1; }
		[ -n "$(ls -A "$PIN/nltc" 2>/dev/null)" ] && { echo "    tc netlink@$n: pins left"; bad=1; }
		stray=$(leftover_ids)
		[ -n "$stray" ] && { echo "    tc netlink@$n: ids left: $stray"; bad=1; }
	done
	check "tc: each of $calls netlink exchanges failed in turn: exit 1 naming the fault, no qdisc, pins or ids left" [ $bad = 0 ]
fi

finish
