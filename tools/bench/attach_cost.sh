#!/bin/bash
# attach_cost.sh - load + attach, whole process, on each attach path rawload
# has, as a ratio to the standard tools doing the same in the same run.
#
#   XDP on a veth     rawload xdp (rtnetlink IFLA_XDP) [--link: BPF_LINK_CREATE]
#                     vs bpftool prog load + net attach xdp, ip link set xdp obj
#   cgroup sockops    rawload sockops bpf/sockredir.bpf.o (BPF_PROG_ATTACH)
#                     [--link] vs bpftool prog loadall + prog attach
#                     msg_verdict + cgroup attach sock_ops
#   tc ingress        rawload tc (rtnetlink clsact + cls_bpf), rawload tc --link
#                     (tcx) vs tc qdisc add clsact + tc filter add bpf da obj
# rawload's optional paths are feature-detected from its --help; bpftool, ip
# and tc are measured regardless.  Whole-process time by runstat (fork/exec/
# wait4, inside the netns), RUNS interleaved samples (default 15, QUICK=1: 3)
# after one warm-up, detached (not timed) between samples; medians.  Each
# link path is also given as a ratio to rawload's own netlink / PROG_ATTACH
# path: the tools here have no link path to compare it with.
. "$(dirname "$0")/common.sh"
need_root attach_cost.sh
bench_report attach_cost

RUNS=${RUNS:-$([ "$QUICK" = 1 ] && echo 3 || echo 15)}
NS=${BENCH_ID}at
DEV=${BENCH_ID}a
PIN=/sys/fs/bpf/${BENCH_ID}at
DATA=$OUT/attach_cost
BPFTOOL=$(command -v bpftool) || die "bpftool is needed"
[ -x "$RAWLOAD" ] || die "build rawload first (make)"
build_c runstat
rm -rf "$DATA" && mkdir -p "$DATA" "$PIN"
bench_defer "rm -rf $PIN"
bench_ip_bpffs_cleanup
bench_netns "$NS"
ip -n "$NS" link add "$DEV" type veth peer name "${DEV}p" || die "cannot create veth"
ip -n "$NS" link set "$DEV" up
ip -n "$NS" link set "${DEV}p" up
bench_cgroup "$BENCH_ID-at"
CG=$BENCH_CGROUP

XDP_OBJ=$ROOT/bpf/xdp_drop_ping.bpf.o
SO_OBJ=$ROOT/bpf/sockredir.bpf.o
TC_OBJ=$ROOT/bpf/tc_drop_ping.bpf.o
IN="nsenter --net=/var/run/netns/$NS"
has() { "$RAWLOAD" "$1" --help 2>&1 | grep -q -- "$2"; }

# "label|cleanup|runstat args" (runstat -n: the netns, the host's bpffs)
V=()
V+=("rl-xdp|$IN $RAWLOAD detach xdp $DEV --pin $PIN/rx|-n $NS $RAWLOAD xdp $XDP_OBJ $DEV --pin $PIN/rx")
has xdp --link && V+=("rl-xdp-link|$IN $RAWLOAD detach xdp $DEV --pin $PIN/rxl|-n $NS $RAWLOAD xdp $XDP_OBJ $DEV --link --pin $PIN/rxl")
V+=("bpftool-xdp|ip -n $NS link set $DEV xdp off; rm -f $PIN/bx|-n $NS $BPFTOOL prog load $XDP_OBJ $PIN/bx --then $BPFTOOL net attach xdp pinned $PIN/bx dev $DEV")
V+=("ip-xdp|ip -n $NS link set $DEV xdp off|-n $NS ip link set dev $DEV xdp obj $XDP_OBJ sec xdp")
V+=("rl-cg|$RAWLOAD detach sockops --cgroup $CG --pin $PIN/rc|$RAWLOAD sockops $SO_OBJ --cgroup $CG --pin $PIN/rc")
has sockops --link && V+=("rl-cg-link|$RAWLOAD detach sockops --cgroup $CG --pin $PIN/rcl|$RAWLOAD sockops $SO_OBJ --cgroup $CG --link --pin $PIN/rcl")
V+=("bpftool-cg|$BPFTOOL cgroup detach $CG sock_ops pinned $PIN/bc/sockredir_sockops; rm -rf $PIN/bc|$BPFTOOL prog loadall $SO_OBJ $PIN/bc pinmaps $PIN/bc --then $BPFTOOL prog attach pinned $PIN/bc/sockredir_msg msg_verdict pinned $PIN/bc/sock_ops_map --then $BPFTOOL cgroup attach $CG sock_ops pinned $PIN/bc/sockredir_sockops")
if has tc --ingress; then
	V+=("rl-tc|$IN $RAWLOAD detach tc $DEV --pin $PIN/rt|-n $NS $RAWLOAD tc $TC_OBJ $DEV --pin $PIN/rt")
	has tc --link && V+=("rl-tcx|$IN $RAWLOAD detach tc $DEV --pin $PIN/rtl|-n $NS $RAWLOAD tc $TC_OBJ $DEV --link --pin $PIN/rtl")
fi
V+=("tc-tc|tc -n $NS qdisc del dev $DEV clsact|-n $NS tc qdisc add dev $DEV clsact --then tc filter add dev $DEV ingress bpf da obj $TC_OBJ sec tc")

for ((i = 0; i <= RUNS; i++)); do
	for v in "${V[@]}"; do
		IFS='|' read -r label clean args <<<"$v"
		out=$DATA/$label.txt
		((i == 0)) && out=/dev/null # warm-up
		# shellcheck disable=SC2086 # args is a word list by design
		"$OUT/runstat" -q $args >>"$out"
		eval "$clean" >/dev/null 2>&1
	done
done

med() { # med LABEL -> median wall ns of the successful runs ("nan" if none)
	[ -s "$DATA/$1.txt" ] || { echo nan; return; }
	awk '$10 == 0 { print $2 }' "$DATA/$1.txt" | median
}
fails() { [ -s "$DATA/$1.txt" ] && awk '$10 != 0' "$DATA/$1.txt" | wc -l || echo -; }

md "## Attach paths: load + attach, whole process"
md ""
md "$(machine_facts); $($BPFTOOL version | head -1), $(ip -V), $(tc -V 2>&1 | head -1)."
md "Median of $RUNS runs (runstat, inside a netns), interleaved, detached between runs (not timed)."
md "ratio = rawload / the reference on the same line.  bpftool $($BPFTOOL version | awk '{ print $NF; exit }'), ip and tc"
md "attach only through rtnetlink / BPF_PROG_ATTACH (bpftool learned tcx links in 7.3), so a link row is"
md "compared with their way of doing the same, and with rawload's own netlink path in the same run."
md ""
md "| attach | rawload path | rawload ms | reference | reference ms | ratio | failed (rl / ref) |"
md "|---|---|---|---|---|---|---|"
line() { # line WHAT RL-LABEL RL-TEXT REF-LABEL REF-TEXT
	local a b
	if [ ! -f "$DATA/$2.txt" ]; then
		md "| $1 | $3 | not in this rawload | $5 | $(fmt_ms "$(med "$4")") | | |"
		return
	fi
	if [ ! -f "$DATA/$4.txt" ]; then
		md "| $1 | $3 | $(fmt_ms "$(med "$2")") | $5 | not in this rawload | | |"
		return
	fi
	a=$(med "$2") b=$(med "$4")
	md "| $1 | $3 | $(fmt_ms "$a") | $5 | $(fmt_ms "$b") | **$(ratio "$a" "$b")x** | $(fails "$2") / $(fails "$4") |"
}
BT_XDP="bpftool prog load + net attach"
BT_CG="bpftool loadall + prog attach + cgroup attach"
TC_TC="tc qdisc add + tc filter add bpf da"
line "XDP on veth" rl-xdp "netlink (IFLA_XDP)" bpftool-xdp "$BT_XDP"
line "XDP on veth" rl-xdp "netlink (IFLA_XDP)" ip-xdp "ip link set xdp obj"
line "XDP on veth" rl-xdp-link "link (--link)" bpftool-xdp "$BT_XDP"
line "XDP on veth" rl-xdp-link "link (--link)" ip-xdp "ip link set xdp obj"
line "XDP on veth" rl-xdp-link "link (--link)" rl-xdp "rawload netlink (IFLA_XDP)"
line "cgroup sockops + sk_msg" rl-cg "BPF_PROG_ATTACH" bpftool-cg "$BT_CG"
line "cgroup sockops + sk_msg" rl-cg-link "link (--link)" bpftool-cg "$BT_CG"
line "cgroup sockops + sk_msg" rl-cg-link "link (--link)" rl-cg "rawload BPF_PROG_ATTACH"
line "tc ingress" rl-tc "netlink (clsact + cls_bpf)" tc-tc "$TC_TC"
line "tc ingress" rl-tcx "tcx link (--link)" tc-tc "$TC_TC"
line "tc ingress" rl-tcx "tcx link (--link)" rl-tc "rawload netlink (clsact + cls_bpf)"
