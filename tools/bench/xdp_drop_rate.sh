#!/bin/bash
# xdp_drop_rate.sh - packets/s dropped by rawload's XDP vs an iptables raw DROP rule.
#
#   netns S: veth0 192.0.2.1  ==veth==  netns R: veth1 192.0.2.2
#   blast (S, pinned to CPU 0) sends 64-byte ICMP echo replies with AF_PACKET
#   and sendmmsg for DUR seconds; in R one of:
#     none       no filter: the frames reach the IP stack (ICMP discards
#                them), counted by IpInReceives
#     xdp        rawload xdp bpf/xdp_drop_ping.bpf.o veth1 (native), counted
#                by the program's own xdp_stats map (key 0, summed over CPUs)
#     xdp-bare   rawload xdp tools/bench/xdp_bare.bpf.c (drops everything),
#                counted by veth1's rx packets: what drop_ping's parsing and
#                counting cost on top of XDP itself
#     iptables   iptables -t raw -A PREROUTING -p icmp --icmp-type echo-reply
#                -j DROP, counted by the rule's packet counter
# in two placements:
#     same       everything on CPU 0: a veth "wire" has no NIC, the sender's
#                sendmmsg() runs the receive side in its own softirq, so the
#                rate is the CPU cost of send + receive up to the drop point
#     split      the receive side on CPU 1: veth1's NAPI in a kernel thread
#                (threaded NAPI, XDP variants) or RPS to CPU 1 (skb variants),
#                so the rate is the capacity of the filtering CPU; frames the
#                receiver cannot take are refused (veth ring full: ENOBUFS) or
#                dropped before the filter (backlog full)
# ROUNDS rounds, all variants interleaved; medians of the drop (or delivery)
# rate.  DUR (default 2 s, QUICK=1: 0.5 s), ROUNDS (default 3, QUICK=1: 1).
# Everything lives in two private netns; the trap removes them, the pins and
# the rule.
. "$(dirname "$0")/common.sh"
need_root xdp_drop_rate.sh
bench_report xdp_drop_rate

DUR=${DUR:-$([ "$QUICK" = 1 ] && echo 0.5 || echo 2)}
ROUNDS=${ROUNDS:-$([ "$QUICK" = 1 ] && echo 1 || echo 3)}
S=${BENCH_ID}s
R=${BENCH_ID}r
PIN=/sys/fs/bpf/${BENCH_ID}x
DATA=$OUT/xdp_drop_rate
RULE="PREROUTING -p icmp --icmp-type echo-reply -j DROP"   # in table raw
mkdir -p "$DATA"
rm -f "$DATA"/*.txt
[ -x "$RAWLOAD" ] || die "build rawload first (make)"
build_c blast
build_bpf "$BENCH_DIR/xdp_bare.bpf.c" "$OUT/xdp_bare.bpf.o"

if ! command -v iptables >/dev/null; then
	echo "xdp_drop_rate: installing iptables (apt-get)" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q iptables >/dev/null 2>&1 ||
		die "iptables is missing and apt-get install iptables failed"
fi

bench_netns "$S"
bench_netns "$R"
ip -n "$S" link add veth0 type veth peer name veth1 netns "$R" || die "cannot create veth"
ip -n "$S" addr add 192.0.2.1/24 dev veth0
ip -n "$R" addr add 192.0.2.2/24 dev veth1
ip -n "$S" link set veth0 up
ip -n "$R" link set veth1 up
MAC=$(ip -n "$R" link show veth1 | awk '/link\/ether/ { print $2 }')
bench_defer "rm -rf $PIN"
bench_defer "ip netns exec $R iptables -t raw -D $RULE"

# frames that reached ip_rcv() in R (after the backlog, unlike veth's rx count)
ip_received() {
	ip netns exec "$R" nstat -az IpInReceives | awk '$1 == "IpInReceives" { print $2 }'
}

rx_packets() {
	ip -n "$R" -s -j link show veth1 | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["stats64"]["rx"]["packets"])'
}

xdp_dropped() {
	bpftool -j map dump pinned "$PIN/xdp_stats" | python3 -c '
import json, sys
for e in json.load(sys.stdin):
    k = e.get("key")
    k = int(k[0], 0) if isinstance(k, list) else int(k)
    if k == 0:
        print(sum(int(v["value"]) if not isinstance(v["value"], list) else
                  int.from_bytes(bytes(int(b, 0) for b in v["value"]), "little") for v in e["values"]))'
}

ipt_dropped() {
	ip netns exec "$R" iptables -t raw -nvxL PREROUTING | awk '/DROP/ { print $1; exit }'
}

# placement same|split: where veth1's receive work runs (see the top)
PLACE=same
place_rps() {
	ip netns exec "$R" sh -c "echo $([ "$PLACE" = split ] && echo 2 || echo 0) > /sys/class/net/veth1/queues/rx-0/rps_cpus"
}
# after an XDP attach (veth creates its NAPI instances then): in split mode,
# run them in kernel threads and pin those to CPU 1.  BEFORE lists the napi
# threads that existed before the attach: dev->threaded outlives the NAPI
# instances (detach deletes them, the next attach makes new ones, already
# threaded if the flag is still set), so it is set both ways every time and
# every thread that appeared since BEFORE is pinned.
place_napi() {
	local before=$1 p
	if [ "$PLACE" != split ]; then
		ip netns exec "$R" sh -c 'echo 0 > /sys/class/net/veth1/threaded' 2>/dev/null
		return 0
	fi
	ip netns exec "$R" sh -c 'echo 1 > /sys/class/net/veth1/threaded' || die "cannot enable threaded NAPI on veth1"
	for p in $(pgrep '^napi/' || true); do
		[[ " $before " == *" $p "* ]] || taskset -pc 1 "$p" >/dev/null
	done
}

# blast_once LABEL BEFORE-CMD AFTER-CMD: run the sender; counts from the commands
blast_once() {
	local label=$PLACE-$1 before after out
	before=$($2)
	out=$(ip netns exec "$S" taskset -c 0 "$OUT/blast" -i veth0 -m "$MAC" -t "$DUR")
	after=$($3)
	# sent seconds filtered
	echo "$(awk '{ print $2, $4 }' <<<"$out") $((after - before))" >>"$DATA/$label.txt"
}

xdp_attach() {
	local before
	before=$(pgrep -d' ' '^napi/' || true)
	nsenter --net=/var/run/netns/"$R" "$RAWLOAD" xdp "$1" veth1 --pin "$PIN" >/dev/null ||
		die "rawload xdp $1 failed"
	place_napi "$before"
}

xdp_detach() {
	ip -n "$R" link set dev veth1 xdp off
	rm -rf "$PIN"
}

for ((r = 0; r < ROUNDS; r++)); do
	for PLACE in same split; do
		place_rps
		blast_once none ip_received ip_received

		xdp_attach "$ROOT/bpf/xdp_drop_ping.bpf.o"
		blast_once xdp xdp_dropped xdp_dropped
		xdp_detach

		xdp_attach "$OUT/xdp_bare.bpf.o"
		blast_once xdp-bare rx_packets rx_packets
		xdp_detach

		ip netns exec "$R" iptables -t raw -A $RULE || die "cannot add the iptables rule"
		blast_once iptables ipt_dropped ipt_dropped
		ip netns exec "$R" iptables -t raw -D $RULE
	done
done

summ() { # FILE -> "sent_pps filtered_pps share%" (medians)
	local s f
	s=$(awk '{ print $1 / $2 }' "$1" | median)
	f=$(awk '{ print $3 / $2 }' "$1" | median)
	echo "$s $f $(awk -v a="$f" -v b="$s" 'BEGIN { printf "%.0f", b ? 100 * a / b : 0 }')"
}
md "## XDP drop capacity on veth"
md ""
md "$(machine_facts); $(iptables -V). 64-byte ICMP echo replies, AF_PACKET + sendmmsg from a netns,"
md "sender on CPU 0, $DUR s per run, median of $ROUNDS rounds (interleaved)."
md "same: receive work on the sender's CPU (whole-path cost); split: receive work on CPU 1"
md "(threaded NAPI / RPS), i.e. the capacity of the filtering CPU."
md ""
md "| placement | receiver | sent pps | dropped pps (none: delivered) | % of sent | vs iptables |"
md "|---|---|---|---|---|---|"
MINSHARE=100
for PLACE in same split; do
	read -r _ IPT _ < <(summ "$DATA/$PLACE-iptables.txt")
	for v in none xdp xdp-bare iptables; do
		read -r sent filt share < <(summ "$DATA/$PLACE-$v.txt")
		md "| $PLACE | $v | $(printf %.0f "$sent") | $(printf %.0f "$filt") | $share | $(ratio "$filt" "$IPT")x |"
		((share < MINSHARE)) && MINSHARE=$share
	done
done
md ""
if ((MINSHARE >= 99)); then
	md "Every receiver took everything the sender managed to send: one sending core (AF_PACKET,"
	md "sendmmsg, veth xmit) is the bottleneck, and the rates say more about the send path than"
	md "about the filters.  On veth, XDP also pays for turning each skb into an xdp_buff"
	md "(veth_xdp_rcv_skb may copy the frame into a page_pool page), which a NIC driver does not."
else
	md "% of sent below 100: the receiver refused or lost frames before its filter (veth ring"
	md "full, backlog full), so the dropped-pps column is that filter's capacity."
fi
