#!/bin/bash
# test_xdp.sh - XDP end to end (SPEC §5, issue 4): bpf/xdp_drop_ping.bpf.o on
# a veth pair between two private network namespaces.
#
#   $NS_A  veth-a 192.0.2.1 / 2001:db8::1   <-->   veth-b 192.0.2.2 / 2001:db8::2  $NS_B
#                                                   ^ XDP here: NS_B pings NS_A, so the
#                                                     echo REPLIES arrive on veth-b
#
# Runs rawload in NS_B with `nsenter --net`, not `ip netns exec`: the latter
# also unshares the mount namespace and mounts a fresh sysfs on /sys, which
# hides the host's bpffs at /sys/fs/bpf.  rawload would then mount a private
# bpffs, and every pin would vanish with the process.
#
# Native XDP on veth: the program runs in veth's NAPI receive path on the
# device it is attached to (veth_xdp_rcv), so dropping and passing frames on
# veth-b needs nothing on the peer.  Only XDP_TX / XDP_REDIRECT into a veth
# need the peer to have NAPI (an XDP program or GRO); this test uses neither.
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "$T_NAME: skipped (needs root)"; exit 0; }

XDP_OBJ="$TOP/bpf/xdp_drop_ping.bpf.o"
NET_BEFORE=$(net_prog_ids)
TMP=$(mktemp -d /tmp/rawload-test-xdp.XXXXXX)
on_exit "rm -rf '$TMP'"
make_pin_dir
make_veth_pair

in_b() { nsenter --net="/run/netns/$NS_B" "$@"; }
in_a() { nsenter --net="/run/netns/$NS_A" "$@"; }

# replies N [ADDR]: echo replies NS_B receives for N pings
replies() {
	in_b ping -q -c "$1" -W 1 -i 0.2 "${2:-192.0.2.1}" 2>/dev/null |
		sed -n 's/.* \([0-9]*\) received.*/\1/p'
}
# echo replies NS_A's stack really sent (per netns: /proc/net is the reader's
# namespace; `nstat -az IcmpOutEchoReps` reads the same counters), IPv4 + IPv6:
# what the drop counter must match, not merely the pings NS_B asked for
echo_reps_sent() {
	in_a awk '/^Icmp:/ { if (!h) { for (i = 1; i <= NF; i++) col[$i] = i; h = 1 }
			     else v4 = $col["OutEchoReps"] }
		  END { print v4 }' /proc/net/snmp
}
echo6_reps_sent() { in_a awk '$1 == "Icmp6OutEchoReplies" { print $2 }' /proc/net/snmp6; }
# the summed counters `rawload show veth-b` prints: "dropped D passed P"
dropped() { in_b "$RL" show veth-b | sed -n 's/.*dropped \([0-9]*\) passed.*/\1/p'; }
prog_on_b() { # the XDP program id on veth-b, "" when none
	ip -n "$NS_B" -j link show veth-b |
		python3 -c 'import json,sys; print(json.load(sys.stdin)[0].get("xdp",{}).get("prog",{}).get("id",""))'
}
# ids in $3 (after) but not in $2 (before) of a $1 (prog|map) named one of $4..
# (a name filter keeps other tests running at the same time out of the count)
new_ids_named() {
	local kind=$1 before=$2 after=$3 id name; shift 3
	for id in $(comm -13 <(echo "$before") <(echo "$after")); do
		name=$(bpftool "$kind" show id "$id" -j 2>/dev/null |
			python3 -c 'import json,sys; print(json.load(sys.stdin).get("name",""))' 2>/dev/null)
		for n in "$@"; do [ "$name" = "$n" ] && echo "$id"; done
	done
}
# ids in $2 that were not in $1 (ids only grow; objects freed meanwhile
# by an RCU callback may vanish from $2, which is fine)
new_ids() { comm -13 <(echo "$1") <(echo "$2") | grep . | tr '\n' ' '; }
gone() { ! bpftool "$1" show id "$2" >/dev/null 2>&1; } # gone prog|map ID

echo "== test runs (BPF_PROG_TEST_RUN) on hand-made frames"
python3 - "$TMP" <<'EOF'
import struct, sys, os
d = sys.argv[1]
ETH_IP, ETH_IP6, QTAG, ADTAG = 0x0800, 0x86dd, 0x8100, 0x88a8
def eth(t): return bytes.fromhex("020000000002020000000001") + struct.pack("!H", t)
def tag(inner, vid=100): return struct.pack("!HH", vid, inner)
def icmp(t): return struct.pack("!BBHHH", t, 0, 0, 7, 1) + b"rawload!" * 4
def ip4(payload, proto=1, options=b"", frag=0):
    ihl = 5 + len(options) // 4
    return struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, 20 + len(options) + len(payload), 1,
                       frag, 64, proto, 0, bytes([192, 0, 2, 1]), bytes([192, 0, 2, 2])) + options + payload
def ip6(payload, nh=58):
    a = bytes.fromhex("20010db8000000000000000000000001")
    b = bytes.fromhex("20010db8000000000000000000000002")
    return struct.pack("!IHBB", 6 << 28, len(payload), nh, 64) + a + b + payload
def icmp6(t): return struct.pack("!BBHHH", t, 0, 0, 7, 1) + b"rawload!" * 4
hbh = bytes([58, 0, 1, 4, 0, 0, 0, 0])            # hop-by-hop: next 58, PadN
frames = {
    "v4_reply":        eth(ETH_IP) + ip4(icmp(0)),
    "v4_request":      eth(ETH_IP) + ip4(icmp(8)),
    "v4_opts_reply":   eth(ETH_IP) + ip4(icmp(0), options=b"\x01" * 8),     # ihl 7
    "v4_maxopt_reply": eth(ETH_IP) + ip4(icmp(0), options=b"\x01" * 40),    # ihl 15
    "v4_tcp":          eth(ETH_IP) + ip4(b"\x00" * 20, proto=6),
    "v4_later_frag":   eth(ETH_IP) + ip4(icmp(0), frag=100),                # offset 800
    "vlan_reply":      eth(QTAG) + tag(ETH_IP) + ip4(icmp(0)),
    "qinq_reply":      eth(ADTAG) + tag(QTAG, 10) + tag(ETH_IP) + ip4(icmp(0)),
    "qinq_v6_reply":   eth(ADTAG) + tag(QTAG, 10) + tag(ETH_IP6) + ip6(icmp6(129)),
    "three_tags":      eth(QTAG) + tag(QTAG) + tag(QTAG) + tag(ETH_IP) + ip4(icmp(0)),
    "v6_reply":        eth(ETH_IP6) + ip6(icmp6(129)),
    "v6_request":      eth(ETH_IP6) + ip6(icmp6(128)),
    "v6_hbh_reply":    eth(ETH_IP6) + ip6(hbh + icmp6(129), nh=0),
    "trunc_ip":        (eth(ETH_IP) + ip4(icmp(0)))[:14 + 10],
    "trunc_icmp":      (eth(ETH_IP) + ip4(icmp(0)))[:14 + 20 + 2],
    "trunc_vlan":      (eth(QTAG) + tag(ETH_IP))[:16],
    "trunc_v6":        (eth(ETH_IP6) + ip6(icmp6(129)))[:14 + 30],
}
for name, f in frames.items():
    open(os.path.join(d, name + ".bin"), "wb").write(f)
EOF
verdict() { "$RL" run "$XDP_OBJ" --prog xdp_drop_ping --packet "$TMP/$1.bin" --json 2>&1 |
	sed -n 's/.*"verdict":"\([A-Z_]*\)".*/\1/p'; }
for f in v4_reply v4_opts_reply v4_maxopt_reply vlan_reply qinq_reply qinq_v6_reply v6_reply v6_hbh_reply; do
	check_eq "test run: $f -> XDP_DROP" "$(verdict $f)" XDP_DROP
done
for f in v4_request v4_tcp v4_later_frag three_tags v6_request trunc_ip trunc_icmp trunc_vlan trunc_v6; do
	check_eq "test run: $f -> XDP_PASS" "$(verdict $f)" XDP_PASS
done

echo "== failures leave nothing behind"
out=$(in_b "$RL" xdp "$XDP_OBJ" nosuchdev0 --pin "$PIN/m" 2>&1); rc=$?
check_eq "missing device: exit 1" "$rc" 1
check_contains "missing device: names it" "$out" "device 'nosuchdev0'"
check "missing device: no pin directory" test ! -e "$PIN/m"
out=$(in_b "$RL" show nosuchdev0 2>&1); check_eq "show missing device: exit 1" "$?" 1
out=$(in_b "$RL" detach xdp nosuchdev0 2>&1); check_eq "detach missing device: exit 1" "$?" 1

# A driver that refuses native XDP: veth's ndo_bpf refuses while the peer's
# MTU is larger than a page can hold (veth_xdp_set: ERANGE).  rawload must
# print the kernel's words, suggest --mode skb and not fall back by itself.
ip -n "$NS_A" link set veth-a mtu 9000 && ip -n "$NS_B" link set veth-b mtu 9000
out=$(in_b "$RL" xdp "$XDP_OBJ" veth-b --pin "$PIN/mtu" 2>&1); rc=$?
check_eq "native refused by the driver: exit 1" "$rc" 1
check_contains "native refused: the kernel's words" "$out" "Peer MTU is too large to set XDP"
check_contains "native refused: suggests skb mode" "$out" "try --mode skb"
check_eq "native refused: no silent fallback, nothing attached" "$(prog_on_b)" ""
check "native refused: no pin directory" test ! -e "$PIN/mtu"
ip -n "$NS_A" link set veth-a mtu 1500 && ip -n "$NS_B" link set veth-b mtu 1500

progs0=$(all_prog_ids) maps0=$(all_map_ids)
out=$(in_b "$RL" xdp "$OBJ/verifier_reject.bpf.o" veth-b --pin "$PIN/v" 2>&1); rc=$?
check_eq "verifier reject: exit 1" "$rc" 1
check_contains "verifier reject: log printed" "$out" "invalid access to packet"
check_contains "verifier reject: source line" "$out" "; if (*first == 0xff)"
# the "@ file.c:line" after it is newer than 6.1's verifier, which prints only the text
kernel_at_least 6 4 && check_contains "verifier reject: file:line" "$out" "verifier_reject.bpf.c:"
check_eq "verifier reject: no new program ids" \
	"$(new_ids_named prog "$progs0" "$(all_prog_ids)" xdp_unchecked)" ""
check_eq "verifier reject: nothing attached" "$(prog_on_b)" ""
check "verifier reject: no pin directory" test ! -e "$PIN/v"
out=$(in_b "$RL" xdp "$TOP/bpf/sockredir.bpf.o" veth-b --pin "$PIN/s" 2>&1); rc=$?
check_eq "object without XDP program: exit 1" "$rc" 1
check_contains "object without XDP program: says so" "$out" "no XDP program"
check_eq "object without XDP program: no new ids" \
	"$(new_ids_named prog "$progs0" "$(all_prog_ids)" sockredir_sockops sockredir_msg)$(new_ids_named map "$maps0" "$(all_map_ids)" sock_ops_map)" ""
check_eq "failures: no new program ids at all" "$(new_ids "$progs0" "$(all_prog_ids)")" ""
check_eq "failures: no new map ids at all" "$(new_ids "$maps0" "$(all_map_ids)")" ""

echo "== attach: echo replies dropped, everything else passes"
N=5 N6=3
check_eq "before attach: $N/$N IPv4 replies" "$(replies $N)" "$N"
check_eq "before attach: $N6/$N6 IPv6 replies" "$(replies $N6 2001:db8::1)" "$N6"
out=$(in_b "$RL" xdp "$XDP_OBJ" veth-b --pin "$PIN/x" 2>&1); rc=$?
check_eq "attach: exit 0" "$rc" 0
check_contains "attach: native mode" "$out" "in native mode"
ID1=$(prog_on_b)
check "attach: ip link shows the program" test -n "$ID1"
check "attach: program pinned" test -e "$PIN/x/xdp_drop_ping"
check "attach: counters map pinned" test -e "$PIN/x/xdp_stats"
reps0=$(echo_reps_sent) reps6_0=$(echo6_reps_sent) drop0=$(dropped)
check_eq "attached: 0/$N IPv4 replies" "$(replies $N)" 0
check_eq "drop counter = $N pings sent" "$(dropped)" "$N"
reps=$(( $(echo_reps_sent) - reps0 ))
check_eq "NS_A's stack answered every ping (IcmpOutEchoReps +$reps)" "$reps" "$N"
check_eq "drop counter delta = IcmpOutEchoReps delta in NS_A ($reps)" "$(( $(dropped) - drop0 ))" "$reps"
check_eq "attached: 0/$N6 IPv6 replies" "$(replies $N6 2001:db8::1)" 0
check_eq "drop counter = $((N + N6)) after IPv6" "$(dropped)" "$((N + N6))"
reps6=$(( $(echo6_reps_sent) - reps6_0 ))
check_eq "drop counter delta = IcmpOutEchoReps + Icmp6OutEchoReplies deltas ($reps + $reps6)" \
	"$(( $(dropped) - drop0 ))" "$((reps + reps6))"
json=$(in_b "$RL" show veth-b --json)
check_eq "show --json: counters.dropped" \
	"$(echo "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["maps"][0]["counters"]["dropped"])')" \
	"$((N + N6))"
show=$(in_b "$RL" show veth-b)
check_contains "show: program id" "$show" "XDP program $ID1 attached in native mode"
check_contains "show: holder XDP slot" "$show" "XDP slot of veth-b"
check_contains "show: holder pin" "$show" "pin $PIN/x/xdp_drop_ping"
check_contains "show: freed when" "$show" "freed when: detach xdp veth-b + unpin $PIN/x/xdp_drop_ping"
check_contains "show: map held by the program" "$show" "program $ID1 'xdp_drop_ping' uses this map"
pins=$(in_b "$RL" show --pin "$PIN/x")
check_contains "show --pin: program" "$pins" "program $ID1 'xdp_drop_ping'"
check_contains "show --pin: map" "$pins" "map $(echo "$json" | python3 -c 'import json,sys; print(json.load(sys.stdin)["maps"][0]["id"])') 'xdp_stats'"

head -c 200000 /dev/urandom >"$TMP/send"
in_a timeout 10 nc -l -N 192.0.2.1 5555 >"$TMP/recv" &
for _ in $(seq 50); do in_a ss -Hltn | grep -q 192.0.2.1:5555 && break; sleep 0.1; done
in_b timeout 10 nc -N 192.0.2.1 5555 <"$TMP/send"
wait
check_eq "TCP: 200000 bytes arrive intact" "$(sha256sum <"$TMP/recv")" "$(sha256sum <"$TMP/send")"

echo "== a second attach is refused; --replace swaps atomically"
progs0=$(all_prog_ids)
out=$(in_b "$RL" xdp "$XDP_OBJ" veth-b --pin "$PIN/y" 2>&1); rc=$?
check_eq "second attach: exit 1" "$rc" 1
check_contains "second attach: the kernel's reason" "$out" "XDP program already attached"
check_contains "second attach: suggests --replace" "$out" "--replace"
check_eq "second attach: same program attached" "$(prog_on_b)" "$ID1"
check "second attach: no pin directory left" test ! -e "$PIN/y"
check_eq "second attach: no new program ids" "$(new_ids_named prog "$progs0" "$(all_prog_ids)" xdp_drop_ping)" ""
# a reply arriving while the slot were empty would show up in this ping
in_b ping -q -c 150 -i 0.01 -W 1 192.0.2.1 >"$TMP/flood" 2>&1 &
sleep 0.3
out=$(in_b "$RL" xdp "$XDP_OBJ" veth-b --replace --pin "$PIN/y" 2>&1); rc=$?
wait
ID2=$(prog_on_b)
check_eq "--replace: exit 0" "$rc" 0
check "--replace: new program id ($ID1 -> $ID2)" test -n "$ID2" -a "$ID2" != "$ID1"
check_contains "--replace: no reply got through during the swap" "$(cat "$TMP/flood")" " 0 received"
check_contains "old program: only its pins hold it now" "$(in_b "$RL" show --pin "$PIN/x")" \
	"freed when: unpin $PIN/x/xdp_drop_ping"
rm -r "$PIN/x"
for _ in $(seq 100); do gone prog "$ID1" && break; sleep 0.02; done
check "old program freed after rm of its pins" gone prog "$ID1"

echo "== detach: only what rawload attached, then prove it is gone"
MAP2=$(in_b "$RL" show veth-b --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["maps"][0]["id"])')
out=$(in_b "$RL" detach xdp veth-b 2>&1); rc=$?
check_eq "detach without the --pin used: refused (exit 1)" "$rc" 1
check_contains "detach refusal names the program" "$out" "XDP program $ID2 'xdp_drop_ping' that rawload did not attach"
check_contains "detach refusal points at the pin" "$out" "$PIN/y/xdp_drop_ping"
out=$(in_b "$RL" detach xdp veth-b --pin "$PIN/y" 2>&1); rc=$?
check_eq "detach: exit 0" "$rc" 0
check_contains "detach: reports the program" "$out" "detached program $ID2 'xdp_drop_ping' from veth-b"
check_contains "detach: unpins" "$out" "unpinned $PIN/y/xdp_drop_ping"
check_contains "detach: program id freed" "$out" "program id $ID2 freed"
check_contains "detach: map id freed" "$out" "map id $MAP2 freed"
check "detach: pin directory removed" test ! -e "$PIN/y"
check "detach: bpftool no longer knows the program" gone prog "$ID2"
check "detach: bpftool no longer knows the map" gone map "$MAP2"
check "detach: ip link shows no xdp" bash -c "! ip -n '$NS_B' link show veth-b | grep -q xdp"
check_contains "show after detach: nothing" "$(in_b "$RL" show veth-b)" "no XDP program attached"
check_eq "detached: $N/$N replies again" "$(replies $N)" "$N"
out=$(in_b "$RL" detach xdp veth-b 2>&1); rc=$?
check_eq "detach again: exit 1" "$rc" 1
check_contains "detach again: says so" "$out" "rawload: veth-b: no XDP program attached"

echo "== --mode skb (generic XDP)"
out=$(in_b "$RL" xdp "$XDP_OBJ" veth-b --mode skb --pin "$PIN/g" 2>&1); rc=$?
check_eq "skb attach: exit 0" "$rc" 0
check "skb attach: ip link shows xdpgeneric" bash -c "ip -n '$NS_B' link show veth-b | grep -q xdpgeneric"
reps0=$(echo_reps_sent)
check_eq "skb mode: 0/$N replies" "$(replies $N)" 0
check_eq "skb mode: drop counter = $N" "$(dropped)" "$N"
check_eq "skb mode: drop counter = IcmpOutEchoReps delta in NS_A" "$(dropped)" "$(( $(echo_reps_sent) - reps0 ))"
check_contains "skb mode: show names the mode" "$(in_b "$RL" show veth-b)" "attached in skb mode"
out=$(in_b "$RL" detach xdp veth-b --pin "$PIN/g" 2>&1); rc=$?
check_eq "skb detach: exit 0" "$rc" 0
check "skb detach: ip link shows no xdp" bash -c "! ip -n '$NS_B' link show veth-b | grep -q xdp"
check_eq "skb detached: $N/$N replies" "$(replies $N)" "$N"

echo "== a program rawload did not attach needs --id"
bpftool prog load "$XDP_OBJ" "$PIN/foreign" && in_b bpftool net attach xdp pinned "$PIN/foreign" dev veth-b
rm -f "$PIN/foreign"
ID3=$(prog_on_b)
out=$(in_b "$RL" detach xdp veth-b 2>&1); rc=$?
check_eq "foreign program: refused (exit 1)" "$rc" 1
check_contains "foreign program: how to force" "$out" "pass --id $ID3 to detach it anyway"
check_eq "foreign program: still attached" "$(prog_on_b)" "$ID3"
out=$(in_b "$RL" detach xdp veth-b --id $((ID3 + 100000)) 2>&1)
check_eq "--id of another program: exit 1" "$?" 1
out=$(in_b "$RL" detach xdp veth-b --id "$ID3" 2>&1); rc=$?
check_eq "--id: exit 0" "$rc" 0
check_contains "--id: program freed" "$out" "program id $ID3 freed"

check_eq "net_prog_ids as before the test" "$(net_prog_ids)" "$NET_BEFORE"
finish
