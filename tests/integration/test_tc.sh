#!/bin/bash
# test_tc.sh - tc end to end (issue 16): bpf/tc_drop_ping.bpf.o at clsact
# egress of veth-a, over rtnetlink (cls_bpf) and as a tcx link (--link).
#
#   $NS_A  veth-a 192.0.2.1 / 2001:db8::1   <-->   veth-b 192.0.2.2 / 2001:db8::2  $NS_B
#          ^ tc egress here: NS_A's echo REQUESTS leave through it
#
# XDP cannot see a packet its host sends; tc egress can.  A pings B: the
# answers stop while the program is attached, the drop counter counts
# exactly the echo requests A's stack sent (Icmp OutEchos), and detach
# brings the answers back and leaves no program, pin or qdisc of ours.
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "$T_NAME: skipped (needs root)"; exit 0; }

TC_OBJ="$TOP/bpf/tc_drop_ping.bpf.o"
NET_BEFORE=$(net_prog_ids)
make_pin_dir
make_veth_pair

# answers N [ADDR]: echo replies NS_A receives for N pings
answers() {
	in_a ping -q -c "$1" -W 1 -i 0.2 "${2:-192.0.2.2}" 2>/dev/null |
		sed -n 's/.* \([0-9]*\) received.*/\1/p'
}
out_echos() { # echo requests NS_A's stack sent (IPv4)
	in_a awk '/^Icmp:/ { if (!h) { for (i = 1; i <= NF; i++) col[$i] = i; h = 1 }
			     else print $col["OutEchos"] }' /proc/net/snmp
}
# key 0 (dropped) of the pinned per-CPU counter, summed over CPUs
dropped() {
	bpftool map lookup pinned "$1/tc_stats" key 0 0 0 0 -j 2>/dev/null |
		python3 -c 'import json,sys
d = json.load(sys.stdin)
vals = d.get("formatted", d)["values"]
num = lambda v: v if isinstance(v, int) else int.from_bytes(bytes(int(b, 16) for b in v), "little")
print(sum(num(v["value"]) for v in vals))'
}
has_clsact() { in_a tc qdisc show dev veth-a | grep -q '^qdisc clsact'; }
no_clsact() { ! has_clsact; }

check_eq "ping answers before anything is attached" "$(answers 3)" 3

for mode in netlink tcx; do
	echo "-- $mode"
	dir="$PIN/$mode"
	link=; [ $mode = tcx ] && link=--link
	out=$(in_a "$RL" tc "$TC_OBJ" veth-a --egress --pin "$dir" $link 2>&1)
	rc=$?
	if [ $mode = tcx ] && ! kernel_at_least 6 6; then
		# tcx came in 6.6: refused after the probe, before anything is loaded
		check_eq "tcx on $(uname -r): refused" "$rc" 1
		check_contains "tcx on $(uname -r): one line naming the feature and version" "$out" \
			"tcx links need Linux 6.6 or newer"
		check "tcx on $(uname -r): no pin directory" test ! -e "$dir"
		check "tcx on $(uname -r): no clsact, no filter" no_clsact
		continue
	fi
	check_eq "$mode: rawload tc ... --egress exits 0" "$rc" 0
	check_contains "$mode: says where it attached" "$out" "attached tc_drop_ping"
	if [ $mode = netlink ]; then
		check "netlink: clsact qdisc made" has_clsact
		check_contains "netlink: tc sees a direct-action bpf filter" \
			"$(in_a tc filter show dev veth-a egress)" "tc_drop_ping direct-action"
		check "netlink: the record names what we made" \
			bash -c "ls '$dir' | grep -q '^tc_[0-9]*_egress_1_1_clsact$'"
	else
		check "tcx: no qdisc needed" no_clsact
		check "tcx: the link is pinned" test -e "$dir/link_tcx_egress"
	fi
	shown=$(in_a "$RL" show veth-a 2>&1)
	if [ $mode = netlink ]; then
		check_contains "netlink: show lists the filter" "$shown" "tc egress filter prio 1 handle 1: bpf program"
		check_contains "netlink: show names the filter as holder" "$shown" "held by:    tc filter on veth-a"
		check_contains "netlink: show says what frees it" "$shown" "detach tc veth-a --egress"
	else
		check_contains "tcx: show lists the program" "$shown" "tcx egress program"
		check_contains "tcx: show names the link as holder" "$shown" "(tcx veth-a egress)"
	fi
	before=$(out_echos)
	check_eq "$mode: egress program makes ping silent" "$(answers 3)" 0
	sent=$(( $(out_echos) - before ))
	check_eq "$mode: the counter counts every echo request sent ($sent)" "$(dropped "$dir")" "$sent"
	check_eq "$mode: IPv6 ping silent too" "$(answers 2 2001:db8::2)" 0
	out=$(in_a "$RL" detach tc veth-a --egress --pin "$dir" 2>&1)
	check_eq "$mode: detach exits 0" "$?" 0
	check_contains "$mode: detach frees the program" "$out" "freed"
	check_eq "$mode: ping answers again after detach" "$(answers 3)" 3
	check "$mode: pin directory removed" test ! -e "$dir"
	check "$mode: no clsact qdisc left" no_clsact
done

echo "-- a clsact somebody else made stays"
in_a tc qdisc add dev veth-a clsact
in_a "$RL" tc "$TC_OBJ" veth-a --egress --pin "$PIN/shared" >/dev/null 2>&1
check_eq "attached under an existing clsact" "$(answers 1)" 0
check "record says we did not make clsact" bash -c "ls '$PIN/shared' | grep -q '^tc_[0-9]*_egress_1_1$'"
out=$(in_a "$RL" detach tc veth-a --pin "$PIN/shared" 2>&1)
check_eq "detach exits 0" "$?" 0
check "the clsact we did not make is kept" has_clsact
in_a tc qdisc del dev veth-a clsact

echo "-- --explain tells the netlink messages and the kernel path"
out=$(in_a "$RL" --explain tc "$TC_OBJ" veth-a --egress --pin "$PIN/explain" 2>&1)
check_contains "explain: RTM_NEWQDISC" "$out" "netlink RTM_NEWQDISC"
check_contains "explain: the filter's attributes" "$out" "TCA_BPF_FLAG_ACT_DIRECT (direct action"
check_contains "explain: the kernel path" "$out" "cls_bpf_change -> cls_bpf_set_parms"
in_a "$RL" detach tc veth-a --pin "$PIN/explain" >/dev/null 2>&1

echo "-- bad input: one line, nothing left behind"
err=$(in_a "$RL" tc "$TC_OBJ" nosuchdev0 --egress --pin "$PIN/bad" 2>&1 >/dev/null)
check_eq "unknown device: exit 1" "$?" 1
check_eq "unknown device: one line" "$(echo "$err" | wc -l)" 1
check_contains "unknown device: says so" "$err" "device 'nosuchdev0'"
err=$(in_a "$RL" tc "$TOP/bpf/xdp_drop_ping.bpf.o" veth-a --egress --pin "$PIN/bad" 2>&1 >/dev/null)
check_eq "an XDP program to tc: exit 1" "$?" 1
check_eq "an XDP program to tc: one line" "$(echo "$err" | wc -l)" 1
check_contains "an XDP program to tc: names the mismatch" "$err" "no tc program"
check "nothing pinned after bad input" test ! -e "$PIN/bad"
check "no qdisc made by bad input" no_clsact
err=$(in_a "$RL" detach tc veth-a 2>&1)
check_eq "detach with nothing attached: exit 1" "$?" 1

check_eq "no networking program left behind" "$(net_prog_ids)" "$NET_BEFORE"
finish
