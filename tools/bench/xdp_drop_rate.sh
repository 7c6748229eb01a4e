#!/bin/bash
# xdp_drop_rate.sh - how many packets/s one CPU drops with rawload's XDP, and
# what each packet costs that CPU, against tc, iptables, nft and no filter.
#
#   netns S: <id>s ==veth==> netns R: <id>r 192.0.2.2
#
# The sender is xdpgen (tools/bench/xdpgen.c, CPU 0): BPF_PROG_TEST_RUN with
# BPF_F_TEST_XDP_LIVE_FRAMES runs an XDP_TX program on 64-byte ICMP echo
# replies and the kernel transmits them into the veth (ndo_xdp_xmit) - several
# Mpps from one core, no socket or skb on the sending side, so the sender is
# not the bottleneck.  The receiver's veth has one queue whose NAPI runs in a
# kernel thread (threaded NAPI, GRO on so the veth has a NAPI without XDP)
# pinned to CPU 1: everything the receiver does (XDP, skb allocation, tc,
# netfilter, IP input) is that thread's CPU time.  Frames its ring cannot
# take are dropped by the veth before any filter.  Receivers:
#
#   none          no filter: the frames reach ICMP, which discards them
#   xdp           rawload xdp bpf/xdp_drop_ping.bpf.o (native XDP on veth)
#   xdp-bare      rawload xdp tools/bench/xdp_bare.bpf.c (XDP_DROP, no parsing)
#   xdp-generic   rawload xdp bpf/xdp_drop_ping.bpf.o --mode skb (generic XDP)
#   tc            rawload tc tools/bench/tc_drop_reply.bpf.c (ingress cls_bpf, rtnetlink)
#   tcx           the same with --link (a tcx link)
#   iptables      iptables-legacy -t raw -A PREROUTING -p icmp --icmp-type echo-reply -j DROP
#   nft           nft: a filter chain at prerouting priority raw, icmp echo-reply drop
# (tc/tcx only where `rawload tc` exists, tcx where the kernel takes it.)
#
# Per run: received pps = veth rx packets / s (frames the receiving CPU
# processed); dropped % = the filter's own counter / received; CPU ns/packet =
# the NAPI thread's run time (/proc/PID/schedstat) / received; CPU busy % =
# its run time / wall time.  ns/packet is the figure to compare: it is what the
# filter costs the CPU, independent of what else runs on this shared machine.
# ROUNDS rounds, receivers interleaved; medians.  DUR (default 2 s, QUICK=1:
# 0.3), ROUNDS (default 3, QUICK=1: 1).  The trap removes both netns (with the
# veth, the rules and the XDP/tc attachments) and the pins.
. "$(dirname "$0")/common.sh"
need_root xdp_drop_rate.sh
bench_report xdp_drop_rate

DUR=${DUR:-$([ "$QUICK" = 1 ] && echo 0.3 || echo 2)}
ROUNDS=${ROUNDS:-$([ "$QUICK" = 1 ] && echo 1 || echo 3)}
S=${BENCH_ID}s
R=${BENCH_ID}r
SDEV=${BENCH_ID}s
RDEV=${BENCH_ID}r
PIN=/sys/fs/bpf/${BENCH_ID}x
DATA=$OUT/xdp_drop_rate
IPT=iptables-legacy
IPT_RULE="PREROUTING -p icmp --icmp-type echo-reply -j DROP" # in table raw
mkdir -p "$DATA"
rm -f "$DATA"/*.txt
[ -x "$RAWLOAD" ] || die "build rawload first (make)"
build_c xdpgen
build_bpf "$BENCH_DIR/xdp_bare.bpf.c" "$OUT/xdp_bare.bpf.o"
# tc_drop_ping drops echo requests (egress); these are echo replies at ingress
build_bpf "$BENCH_DIR/tc_drop_reply.bpf.c" "$OUT/tc_drop_reply.bpf.o"

if ! command -v $IPT >/dev/null || ! command -v nft >/dev/null || ! command -v ethtool >/dev/null; then
	echo "xdp_drop_rate: installing iptables nftables ethtool (apt-get)" >&2
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		iptables nftables ethtool >/dev/null 2>&1 ||
		die "iptables/nft/ethtool missing and apt-get install failed (tests/install-deps.sh)"
fi

VARIANTS="none xdp xdp-bare xdp-generic"
NOTES=()
if "$RAWLOAD" tc --help >/dev/null 2>&1; then
	VARIANTS="$VARIANTS tc tcx"
else
	NOTES+=("tc: skipped, this rawload has no \`tc\` command.")
fi
VARIANTS="$VARIANTS iptables nft"

bench_netns "$S"
bench_netns "$R"
ip -n "$S" link add "$SDEV" type veth peer name "$RDEV" netns "$R" || die "cannot create veth"
ip -n "$R" addr add 192.0.2.2/24 dev "$RDEV"
ip -n "$S" link set "$SDEV" up
ip -n "$R" link set "$RDEV" up
# GRO on: the veth gets a NAPI (and a ring) without an XDP program on it
ip netns exec "$R" ethtool -K "$RDEV" gro on >/dev/null || die "cannot enable GRO on $RDEV"
ip netns exec "$R" sh -c "echo 1 > /sys/class/net/$RDEV/threaded" || die "cannot enable threaded NAPI"
MAC=$(ip -n "$R" link show "$RDEV" | awk '/link\/ether/ { print $2 }')
bench_defer "rm -rf $PIN"
bench_defer "ip netns exec $R $IPT -t raw -F"

# the receiving NAPI thread (the veth makes a new one when XDP comes and goes):
# pinned to CPU 1, its pid in NAPI
NAPI=
find_napi() {
	local t
	# the kernel names it napi/<dev>-<napi id>, cut to 15 characters
	NAPI=$(pgrep "^napi/${RDEV:0:10}" | tail -1)
	[ -n "$NAPI" ] || die "no NAPI thread for $RDEV"
	taskset -pc 1 "$NAPI" >/dev/null || die "cannot pin $NAPI to CPU 1"
	t=$(cut -d' ' -f1 "/proc/$NAPI/schedstat")
	[ -n "$t" ] || die "no schedstat for $NAPI"
}

# (no python here: on a loaded VM its start-up alone is a few hundred ms)
rx_packets() {
	ip -n "$R" -s link show "$RDEV" | awk '/RX:/ { getline; print $2; exit }'
}

# percpu_key0 PINNED-MAP: key 0 of a per-CPU u64 array, summed over CPUs.
# bpftool prints '"value": N' per CPU where the map has BTF, else
# 'value (CPU NN): b0 b1 .. b7' (little-endian hex bytes).
percpu_key0() {
	bpftool map lookup pinned "$1" key 0 0 0 0 | awk -v H=0123456789abcdef '
	/"value": [0-9]+/ { t += $2 }
	/^value \(CPU/ {
		v = 0
		for (i = NF; i >= 4; i--) {
			hi = index(H, substr($i, 1, 1)) - 1
			v = v * 256 + hi * 16 + index(H, substr($i, 2, 1)) - 1
		}
		t += v
	}
	END { printf "%.0f\n", t }'
}

dropped() { # the variant's own drop counter
	case $1 in
	none) ip netns exec "$R" nstat -az IpInReceives | awk '$1 == "IpInReceives" { print $2 }' ;;
	xdp | xdp-generic) percpu_key0 "$PIN/xdp_stats" ;;
	xdp-bare) rx_packets ;;
	tc | tcx) percpu_key0 "$PIN/tc_stats" ;;
	iptables) ip netns exec "$R" $IPT -t raw -nvxL PREROUTING | awk '/DROP/ { print $1; exit }' ;;
	nft) ip netns exec "$R" nft list chain inet rlb raw | awk '/counter/ { for (i = 1; i < NF; i++) if ($i == "packets") print $(i + 1) }' ;;
	esac
}

setup() {
	local in=(nsenter --net=/var/run/netns/"$R")
	case $1 in
	xdp) "${in[@]}" "$RAWLOAD" xdp "$ROOT/bpf/xdp_drop_ping.bpf.o" "$RDEV" --pin "$PIN" >/dev/null ;;
	xdp-bare) "${in[@]}" "$RAWLOAD" xdp "$OUT/xdp_bare.bpf.o" "$RDEV" --pin "$PIN" >/dev/null ;;
	xdp-generic) "${in[@]}" "$RAWLOAD" xdp "$ROOT/bpf/xdp_drop_ping.bpf.o" "$RDEV" --mode skb --pin "$PIN" >/dev/null ;;
	tc) "${in[@]}" "$RAWLOAD" tc "$OUT/tc_drop_reply.bpf.o" "$RDEV" --ingress --pin "$PIN" >/dev/null ;;
	tcx) "${in[@]}" "$RAWLOAD" tc "$OUT/tc_drop_reply.bpf.o" "$RDEV" --ingress --link --pin "$PIN" >/dev/null ;;
	iptables) ip netns exec "$R" $IPT -t raw -A $IPT_RULE ;;
	nft) ip netns exec "$R" nft -f - <<-EOF
		table inet rlb {
			chain raw {
				type filter hook prerouting priority raw; policy accept;
				icmp type echo-reply counter drop
			}
		}
		EOF
		;;
	esac
}

teardown() {
	local in=(nsenter --net=/var/run/netns/"$R")
	case $1 in
	xdp | xdp-bare | xdp-generic) "${in[@]}" "$RAWLOAD" detach xdp "$RDEV" --pin "$PIN" >/dev/null ;;
	tc | tcx) "${in[@]}" "$RAWLOAD" detach tc "$RDEV" --pin "$PIN" >/dev/null ;;
	iptables) ip netns exec "$R" $IPT -t raw -D $IPT_RULE ;;
	nft) ip netns exec "$R" nft delete table inet rlb ;;
	esac
	rm -rf "$PIN"
}

# run_once VARIANT: one generator run; appends
# "sent gen_secs rx_delta napi_ns_delta dropped_delta wall_secs" to DATA/VARIANT.txt
run_once() {
	local v=$1 rx0 rx1 c0 c1 d0 d1 t0 t1 out
	if ! setup "$v"; then
		echo "xdp_drop_rate: $v: set-up failed, skipped" >&2
		return 0
	fi
	find_napi
	rx0=$(rx_packets)
	d0=$(dropped "$v")
	c0=$(cut -d' ' -f1 "/proc/$NAPI/schedstat")
	t0=$(date +%s%N)
	out=$(ip netns exec "$S" taskset -c 0 "$OUT/xdpgen" -i "$SDEV" -m "$MAC" -t "$DUR") ||
		die "xdpgen failed (needs BPF_F_TEST_XDP_LIVE_FRAMES, Linux 5.18+)"
	t1=$(date +%s%N)
	c1=$(cut -d' ' -f1 "/proc/$NAPI/schedstat")
	d1=$(dropped "$v")
	rx1=$(rx_packets)
	teardown "$v"
	echo "$(awk '{ print $2, $4 }' <<<"$out") $((rx1 - rx0)) $((c1 - c0)) $((d1 - d0)) $(((t1 - t0) / 1000))e-6" \
		>>"$DATA/$v.txt"
}

for ((r = 0; r < ROUNDS; r++)); do
	for v in $VARIANTS; do
		run_once "$v"
	done
done

# col FILE EXPR: median of an awk expression over the runs
# ($1 sent, $2 gen secs, $3 rx, $4 napi ns, $5 dropped, $6 wall secs)
col() {
	awk "{ print $2 }" "$1" | median
}

md "## XDP drop capacity: one receiving CPU, a sender that is not the bottleneck"
md ""
md "$(machine_facts); $($IPT -V), $(nft -v). 64-byte ICMP echo replies from xdpgen"
md "(BPF_PROG_TEST_RUN live frames, XDP_TX into the veth, CPU 0); the receiving veth's NAPI thread on"
md "CPU 1 does all receive work. $DUR s per run, median of $ROUNDS rounds (interleaved)."
md "received = frames the receiving CPU processed; ns/packet = that thread's CPU time per frame."
md ""
md "| receiver | sent Mpps | received Mpps | dropped by the filter | receiver CPU busy | CPU ns/packet | Mpps vs iptables | ns/packet vs iptables |"
md "|---|---|---|---|---|---|---|---|"
IPT_PPS=$(col "$DATA/iptables.txt" '$3 / $6')
IPT_NS=$(col "$DATA/iptables.txt" '$3 ? $4 / $3 : 0')
for v in $VARIANTS; do
	f=$DATA/$v.txt
	[ -s "$f" ] || {
		md "| $v | skipped (set-up failed) | | | | | | |"
		continue
	}
	sent=$(col "$f" '$1 / $2 / 1e6')
	pps=$(col "$f" '$3 / $6')
	ns=$(col "$f" '$3 ? $4 / $3 : 0')
	busy=$(col "$f" '$4 / 1e9 / $6 * 100')
	share=$(col "$f" '$3 ? $5 / $3 * 100 : 0')
	[ "$v" = none ] && share="(delivered $(printf %.0f "$share")%)" || share="$(printf %.0f "$share")%"
	md "| $v | $(printf %.2f "$sent") | **$(awk -v p="$pps" 'BEGIN { printf "%.2f", p / 1e6 }')** | $share |" \
		"$(printf %.0f "$busy")% | $(printf %.0f "$ns") | $(ratio "$pps" "$IPT_PPS")x | $(ratio "$ns" "$IPT_NS")x |"
done
md ""
md "A receiver below ~100% busy kept up with the sender (its Mpps is the sender's, its ns/packet"
md "still counts).  On veth, XDP also pays for veth's own ring and xdp_frame handling, which a NIC"
md "driver does not; on the skb paths the frame becomes an skb (GRO, netif_receive_skb) first."
for n in "${NOTES[@]}"; do md "$n"; done
