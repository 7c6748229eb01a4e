#!/bin/bash
# demo-xdp.sh - the README's main demonstration (`make demo`, as root).
#
# Builds a tiny private network - two network namespaces joined by a veth
# cable - so no real network card is ever touched, then shows
# bpf/xdp_drop_ping.bpf.o silencing ping at the driver and counting what it
# drops, and everything put back.  All of it is removed on exit, even on
# Ctrl-C.
set -eu
cd "$(dirname "$0")/.."
RL="$PWD/rawload"
OBJ="$PWD/bpf/xdp_drop_ping.bpf.o"
NS_A="rawload-demo-a-$$" NS_B="rawload-demo-b-$$"
PIN="/sys/fs/bpf/rawload/demo-xdp-$$"

BOLD="" PLAIN=""
[ -t 1 ] && BOLD=$'\033[1m' PLAIN=$'\033[0m'
say() { printf '\n%s==> %s%s\n' "$BOLD" "$*" "$PLAIN"; }
show() { printf '    $ %s\n' "$*"; } # the command a reader would type
# Commands "inside namespace B".  nsenter --net switches only the network
# namespace; `ip netns exec` would also hide /sys/fs/bpf, where rawload pins.
in_b() { nsenter --net="/run/netns/$NS_B" "$@"; }
ping_b() { in_b ping -c "$1" -i 0.3 -W 1 192.0.2.1 | sed 's/^/    /' || true; }

cleanup() {
	set +e
	ip netns del "$NS_A" 2>/dev/null   # deleting the namespace removes the veth,
	ip netns del "$NS_B" 2>/dev/null   # and with it any XDP program attached
	rm -rf "$PIN" 2>/dev/null
	[ -n "$MADE_ROOT" ] && rmdir /sys/fs/bpf/rawload 2>/dev/null
}
MADE_ROOT=""
[ -d /sys/fs/bpf/rawload ] || MADE_ROOT=1
trap cleanup EXIT
trap 'exit 130' INT TERM

[ "$(id -u)" = 0 ] || { echo "demo-xdp: run as root (it creates network namespaces and loads BPF)"; exit 1; }
[ -x "$RL" ] && [ -f "$OBJ" ] || { echo "demo-xdp: build first: make"; exit 1; }

say "1. A private network: namespaces $NS_A and $NS_B joined by a veth pair"
echo "    $NS_A: veth-a 192.0.2.1  <---- veth cable ---->  veth-b 192.0.2.2 :$NS_B"
ip netns add "$NS_A"
ip netns add "$NS_B"
ip link add veth-a netns "$NS_A" type veth peer name veth-b netns "$NS_B"
ip -n "$NS_A" addr add 192.0.2.1/24 dev veth-a
ip -n "$NS_B" addr add 192.0.2.2/24 dev veth-b
ip -n "$NS_A" link set veth-a up
ip -n "$NS_B" link set veth-b up
echo "    (documentation addresses; nothing here can reach or touch the host's network)"

say "2. B pings A: the echo replies come back in on veth-b"
show "ping -c 3 192.0.2.1        # from $NS_B"
ping_b 3

say "3. Attach the XDP program to veth-b: it runs on every frame veth-b receives,"
echo "    before the kernel builds a socket buffer, and drops ICMP echo replies"
show "rawload xdp bpf/xdp_drop_ping.bpf.o veth-b --pin $PIN"
in_b "$RL" xdp "$OBJ" veth-b --pin "$PIN" | sed 's/^/    /'
echo "    the kernel now lists it on the device:"
ip -n "$NS_B" link show veth-b | sed -n 's/^ *\(prog\/xdp.*\)/    \1/p'

say "4. Ping again: the requests still reach A, but A's replies die at veth-b"
show "ping -c 5 192.0.2.1"
ping_b 5

say "5. The program counts what it does (a per-CPU array, summed over the CPUs)"
show "rawload show veth-b"
in_b "$RL" show veth-b | sed 's/^/    /'
for round in 1 2 3; do
	in_b ping -q -c 2 -i 0.3 -W 1 192.0.2.1 >/dev/null 2>&1 || true
	echo "    after 2 more pings: $(in_b "$RL" show veth-b | sed -n 's/^ *counters: *//p')"
done
echo "    (\"passed\" is everything else veth-b received: ARP, IPv6 neighbour discovery...)"

say "6. Detach: take it off the device, remove its pins, watch the kernel free it"
show "rawload detach xdp veth-b"
in_b "$RL" detach xdp veth-b | sed 's/^/    /'
echo "    ip link no longer shows an XDP program:"
ip -n "$NS_B" link show veth-b | sed 's/^/    /'

say "7. Ping answers again"
show "ping -c 3 192.0.2.1"
ping_b 3

say "Done: the namespaces and veth pair are removed now."
