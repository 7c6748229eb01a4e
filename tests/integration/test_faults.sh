#!/bin/bash
# test_faults.sh - all or nothing (SPEC §3, issue 9), from the outside.
#
# build/rawload-fault is rawload built with -DRL_FAULT_INJECTION: it fails the
# Nth bpf(2) call with RAWLOAD_FAULT="N:EPERM", the Nth netlink exchange with
# RAWLOAD_NL_FAULT="N:16" (EBUSY), or raises SIGINT just before the Nth bpf(2)
# call with RAWLOAD_FAULT="N:SIGINT".  For every N up to the number of calls a
# clean run makes (counted with strace), each of `load`, `xdp` and `sockops`
# must either succeed or exit 1 with one "rawload: ..." line and leave nothing:
# no pin, no attachment, no program or map of its own.  (Descriptors cannot
# leak past a process's exit; tests/unit/test_load_root.c checks them in-process.)
source "$(dirname "$0")/lib.sh"
RLF="$TOP/build/rawload-fault"
[ -x "$RLF" ] || { echo "build/rawload-fault missing (make build/rawload-fault)"; exit 1; }

make_veth_pair
make_cgroup
make_pin_dir
mkdir -p "$PIN"
progs_before=$(all_prog_ids)
maps_before=$(all_map_ids)

# ids that exist now but did not before the walk (freeing is asynchronous:
# the kernel releases programs after an RCU grace period, so wait a little)
leftover_ids() {
	local i new
	for i in $(seq 1 40); do
		new=$( (comm -13 <(echo "$progs_before") <(all_prog_ids); comm -13 <(echo "$maps_before") <(all_map_ids)) | tr '\n' ' ')
		[ -z "${new// }" ] && return 0
		sleep 0.05
	done
	echo "$new"
}

count_bpf_calls() { # CMD... -> number of bpf(2) calls a clean run makes
	local trace; trace=$(mktemp)
	strace -f -qq -e trace=bpf -o "$trace" "$@" >/dev/null 2>&1
	grep -c 'bpf(' "$trace"
	rm -f "$trace"
}

# walk NAME UNDO-CMD -- CMD... : fault every call of CMD in turn
walk() {
	local name=$1 undo=$2; shift 3
	local calls n out rc bad=0 ok=0 failed=0 stray
	calls=$(count_bpf_calls "$@")
	eval "$undo" >/dev/null 2>&1
	for mode in EPERM SIGINT; do
		for ((n = 1; n <= calls; n++)); do
			out=$(RAWLOAD_FAULT="$n:$mode" "$@" 2>&1 >/dev/null); rc=$?
			if [ $rc = 0 ]; then
				ok=$((ok + 1)); eval "$undo" >/dev/null 2>&1; continue
			fi
			failed=$((failed + 1))
			if [ $rc != 1 ] || [ "$(echo "$out" | grep -c '^rawload')" -lt 1 ]; then
				echo "    $name $mode@$n: exit $rc: $out"; bad=1; break
			fi
			if [ -n "$(ls -A "$PIN/$name" 2>/dev/null)" ]; then
				echo "    $name $mode@$n: pins left: $(ls "$PIN/$name")"; bad=1; break
			fi
			if ip -n "$NS_B" link show veth-b | grep -q xdp; then
				echo "    $name $mode@$n: XDP still attached"; bad=1; break
			fi
			if [ -n "$(bpftool cgroup show "$CG" 2>/dev/null)" ]; then
				echo "    $name $mode@$n: program left on the cgroup"; bad=1; break
			fi
			stray=$(leftover_ids)
			if [ -n "$stray" ]; then
				echo "    $name $mode@$n: ids left in the kernel: $stray ($out)"; bad=1; break
			fi
		done
	done
	check "$name: $calls bpf calls, each failed and each interrupted ($failed refused, $ok survived): nothing left" [ $bad = 0 ]
	[ "$failed" -gt 0 ] || fail "$name: no fault took effect (the test build ignores RAWLOAD_FAULT?)"
}

walk load "rm -rf '$PIN/load'" -- "$RLF" load "$OBJ/tail_call.bpf.o" --pin "$PIN/load"
walk loadpin "rm -rf '$PIN/loadpin'" -- "$RLF" load "$OBJ/maps_btf.bpf.o" --pin "$PIN/loadpin"
walk xdp "in_b '$RL' detach xdp veth-b --pin '$PIN/xdp'" -- \
	nsenter --net="/run/netns/$NS_B" "$RLF" xdp "$TOP/bpf/xdp_drop_ping.bpf.o" veth-b --pin "$PIN/xdp"
walk sockops "'$RL' detach sockops --cgroup '$CG' --pin '$PIN/sockops'" -- \
	"$RLF" sockops "$TOP/bpf/sockredir.bpf.o" --cgroup "$CG" --pin "$PIN/sockops"

# netlink: fail the query / the RTM_SETLINK of `xdp` and of `detach xdp`
for n in 1 2 3; do
	out=$(RAWLOAD_NL_FAULT="$n:16" in_b "$RLF" xdp "$TOP/bpf/xdp_drop_ping.bpf.o" veth-b --pin "$PIN/nl" 2>&1); rc=$?
	if [ $rc = 0 ]; then
		in_b "$RL" detach xdp veth-b --pin "$PIN/nl" >/dev/null 2>&1
		continue
	fi
	check_eq "xdp with netlink exchange $n failing exits 1" "$rc" 1
	check "xdp with netlink exchange $n failing leaves no XDP and no pins" \
		bash -c "! ip -n '$NS_B' link show veth-b | grep -q xdp && [ -z \"\$(ls -A '$PIN/nl' 2>/dev/null)\" ]"
done
in_b "$RL" xdp "$TOP/bpf/xdp_drop_ping.bpf.o" veth-b --pin "$PIN/nl2" >/dev/null
out=$(RAWLOAD_NL_FAULT="2:16" in_b "$RLF" detach xdp veth-b --pin "$PIN/nl2" 2>&1); rc=$?
check_eq "detach xdp with its RTM_SETLINK failing exits 1" "$rc" 1
check "a failed detach leaves the program attached, so it can be retried" \
	bash -c "ip -n '$NS_B' link show veth-b | grep -q xdp"
check "the retried detach succeeds" in_b "$RL" detach xdp veth-b --pin "$PIN/nl2"
check "nothing of ours is left in the kernel" [ -z "$(leftover_ids)" ]
finish
