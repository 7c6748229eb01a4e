#!/bin/bash
# test_link.sh - `rawload xdp --link` (issue 14): an XDP link made with
# BPF_LINK_CREATE (BPF_XDP) on a veth in a private netns drops real pings,
# `bpftool link list` shows it, `rawload detach xdp` frees it; a netlink
# attach meeting the link (and a link meeting a netlink attach) is refused
# in one line naming who holds the device.
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "$T_NAME: skipped (needs root)"; exit 0; }

XDP_OBJ="$TOP/bpf/xdp_drop_ping.bpf.o"
make_pin_dir
make_veth_pair

replies() {
	in_b ping -q -c "$1" -W 1 -i 0.2 192.0.2.1 2>/dev/null | sed -n 's/.* \([0-9]*\) received.*/\1/p'
}
xdp_links_on() { # ids of XDP links holding the program attached to veth-b
	# (bpftool 7.1 prints no ifindex for xdp links: matched by program id)
	local prog
	prog=$(ip -n "$NS_B" -j link show veth-b | python3 -c 'import json,sys
x = json.load(sys.stdin)[0].get("xdp", {})
print(x.get("prog", {}).get("id", "") or "".join(str(a.get("prog", {}).get("id", "")) for a in x.get("attached", [])))')
	[ -n "$prog" ] || return 0
	bpftool link list -j 2>/dev/null |
		python3 -c 'import json,sys
for l in json.load(sys.stdin):
    if l.get("type") == "xdp" and str(l.get("prog_id")) == sys.argv[1]: print(l["id"])' "$prog"
}
IFB=$(ip -n "$NS_B" -j link show veth-b | python3 -c "import json,sys; print(json.load(sys.stdin)[0][\"ifindex\"])")

echo "== XDP link: attach, pings dropped, bpftool sees it"
check_eq "pings answered before" "$(replies 3)" 3
out=$(in_b "$RL" xdp "$XDP_OBJ" veth-b --link --pin "$PIN/x" 2>&1); rc=$?
check_eq "xdp --link exit" "$rc" 0
check_contains "xdp --link says the link" "$out" "with XDP link id"
check "link pinned" test -e "$PIN/x/link_xdp"
LINK=$(xdp_links_on "$IFB")
check "bpftool link list shows an xdp link on veth-b" test -n "$LINK"
check_eq "pings dropped" "$(replies 3)" 0

echo "== show --links lists every link, as bpftool link list does"
b1=$(bpftool link list -j 2>/dev/null); ours=$(in_b "$RL" show --links --json 2>&1); b2=$(bpftool link list -j 2>/dev/null)
cmp=$(python3 - "$b1" "$ours" "$b2" <<'PY'
import json, sys
b1, ours, b2 = (json.loads(a) for a in sys.argv[1:])
ours = {l["id"]: l for l in ours["links"]}
stable = {l["id"]: l for l in b1 if any(m["id"] == l["id"] for m in b2)}
either = {l["id"] for l in b1 + b2}
bad = []
for i, l in stable.items():
    o = ours.get(i)
    if not o:
        bad.append(f"link {i} missing")
    elif o["prog_id"] != l["prog_id"]:
        bad.append(f"link {i}: prog {o['prog_id']} vs {l['prog_id']}")
    elif isinstance(l["type"], str) and o["type"] != l["type"]:
        bad.append(f"link {i}: type {o['type']} vs {l['type']}")
bad += [f"link {i} unknown to bpftool" for i in ours if i not in either]
print("; ".join(bad) if bad else f"ok {len(stable)}")
PY
)
check_contains "show --links --json matches bpftool link list -j (ids, types, prog ids)" "$cmp" "ok "
check "show --links has links to compare" test "$cmp" != "ok 0"
links=$(in_b "$RL" show --links 2>&1)
check_contains "show --links: our XDP link, its program and device" "$links" "link $LINK: xdp  prog"
check_contains "show --links: the device in this netns" "$links" "(veth-b)"
check_contains "show --links from another netns: not named after a device there" \
	"$("$RL" show --links 2>&1 | grep "^link $LINK:")" "another network namespace"

echo "== netlink attach meets the link"
out=$(in_b "$RL" xdp "$XDP_OBJ" veth-b --pin "$PIN/y" 2>&1); rc=$?
check_eq "netlink attach refused" "$rc" 1
check_contains "names the link and the way out" "$out" "XDP link $LINK"
check_contains "says how to remove it" "$out" "rawload detach xdp veth-b"
check "refused: no pin directory left" test ! -e "$PIN/y"

echo "== show lists the link as holder"
show=$(in_b "$RL" show veth-b 2>&1)
check_contains "show: link holder" "$show" "link $LINK"

echo "== detach frees the link"
out=$(in_b "$RL" detach xdp veth-b --pin "$PIN/x" 2>&1); rc=$?
check_eq "detach exit" "$rc" 0
check_contains "detach used BPF_LINK_DETACH" "$out" "BPF_LINK_DETACH on XDP link $LINK"
check_contains "detach: link freed" "$out" "link id $LINK freed"
check_eq "no xdp link on veth-b" "$(xdp_links_on "$IFB")" ""
check_eq "pings answered again" "$(replies 3)" 3

echo "== link attach meets a netlink attach"
out=$(in_b "$RL" xdp "$XDP_OBJ" veth-b --pin "$PIN/n" 2>&1)
check_eq "netlink attach" "$?" 0
out=$(in_b "$RL" xdp "$XDP_OBJ" veth-b --link --pin "$PIN/l" 2>&1); rc=$?
check_eq "link attach refused" "$rc" 1
check_contains "names netlink as holder" "$out" "attached over netlink holds the device"
check "refused: no pin directory left" test ! -e "$PIN/l"
check_eq "no xdp link created" "$(xdp_links_on "$IFB")" ""
out=$(in_b "$RL" detach xdp veth-b --pin "$PIN/n" 2>&1)
check_eq "netlink detach" "$?" 0

echo "== load-then-attach: rawload load, then xdp --pinned (path, dir, id:N; netlink and --link)"
out=$(in_b "$RL" load "$XDP_OBJ" --pin "$PIN/lab" 2>&1)
check_eq "load --pin" "$?" 0
PROG=$(bpftool -j prog show pinned "$PIN/lab/xdp_drop_ping" | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
pinned_walk() { # REF [--link]
	local ref=$1; shift
	out=$(in_b "$RL" xdp --pinned "$ref" veth-b "$@" 2>&1); rc=$?
	check_eq "xdp --pinned $ref $*: exit" "$rc" 0
	check_contains "xdp --pinned $ref $*: the loaded program" "$out" "prog id $PROG, already loaded"
	check "xdp --pinned $ref $*: recorded under lab/xdp_$IFB" test -e "$PIN/lab/xdp_$IFB/xdp_drop_ping"
	check_eq "xdp --pinned $ref $*: pings dropped" "$(replies 3)" 0
	if [ "${1:-}" = --link ]; then
		check "xdp --pinned $ref --link: link pinned in the record" test -e "$PIN/lab/xdp_$IFB/link_xdp"
		check "xdp --pinned $ref --link: bpftool shows the link" test -n "$(xdp_links_on "$IFB")"
	fi
	out=$(in_b "$RL" detach xdp veth-b --pin "$PIN/lab" 2>&1); rc=$?
	check_eq "detach after --pinned $ref $*: exit" "$rc" 0
	check_contains "detach after --pinned $ref $*: program stays, its pin holds it" "$out" \
		"program id $PROG 'xdp_drop_ping' stays loaded"
	check "detach after --pinned $ref $*: record gone" test ! -e "$PIN/lab/xdp_$IFB"
	check "detach after --pinned $ref $*: load's pins kept" test -e "$PIN/lab/xdp_drop_ping" -a -e "$PIN/lab/xdp_stats"
	check_eq "detach after --pinned $ref $*: pings answered" "$(replies 2)" 2
	check_eq "detach after --pinned $ref $*: no xdp link" "$(xdp_links_on "$IFB")" ""
}
pinned_walk "$PIN/lab/xdp_drop_ping"
pinned_walk "$PIN/lab" --link
pinned_walk "id:$PROG"
pinned_walk "id:$PROG" --link --mode skb
out=$(in_b "$RL" xdp --pinned "$PIN/lab/xdp_stats" veth-b 2>&1); rc=$?
check_eq "--pinned a map: refused" "$rc" 1
check_contains "--pinned a map: one line" "$out" "is a map"
TCP=$(in_b "$RL" load "$TOP/bpf/tc_drop_ping.bpf.o" --pin "$PIN/tcl" 2>&1 | awk '$2 == "SCHED_CLS" { print $3 }')
out=$(in_b "$RL" xdp --pinned "id:$TCP" veth-b 2>&1); rc=$?
check_eq "--pinned a tc program: refused" "$rc" 1
check_contains "--pinned a tc program: names its type" "$out" "is a SCHED_CLS program, not XDP"
check "refusals: no record left" test ! -e "$PIN/lab/xdp_$IFB" -a ! -e "/sys/fs/bpf/rawload/prog_$TCP"
rm -rf "$PIN/tcl"
rm -rf "$PIN/lab"
check_eq "unpinning the load frees the program" "$(bpftool prog show id "$PROG" >/dev/null 2>&1 || echo gone)" gone

echo "== SIGKILL before the link is pinned leaves nothing attached"
# the pin is BPF_OBJ_PIN right after BPF_LINK_CREATE: stop rawload there
in_b strace -f -qq -e trace=bpf -e inject=bpf:error=EINTR:signal=SIGKILL:when=$(
	in_b strace -f -qq -e trace=bpf "$RL" xdp "$XDP_OBJ" veth-b --link --pin "$PIN/c" 2>&1 >/dev/null |
	grep -n 'BPF_OBJ_PIN' | head -1 | cut -d: -f1) \
	"$RL" xdp "$XDP_OBJ" veth-b --link --pin "$PIN/k" >/dev/null 2>&1
in_b "$RL" detach xdp veth-b --pin "$PIN/c" >/dev/null 2>&1
check_eq "after SIGKILL at the link pin: no xdp link" "$(xdp_links_on "$IFB")" ""
check_eq "after SIGKILL: pings answered" "$(replies 2)" 2
check "after SIGKILL: no link pin" test ! -e "$PIN/k/link_xdp"
finish
