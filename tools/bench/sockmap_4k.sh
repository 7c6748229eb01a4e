#!/bin/bash
# sockmap_4k.sh - why do 4 KiB writes lose with the sockmap redirect on one CPU?
#
# Bulk transfer, one connection, client and server on CPU 0 (the shape that
# loses in sockmap.sh), with one thing changed per variant:
#
#   off / on                 plain TCP / bpf/sockredir.bpf.o (TCP_NODELAY, 64 KiB reads)
#   off-noautocork           net.ipv4.tcp_autocorking=0 in the netns
#   on-nagle                 no TCP_NODELAY (the redirect path ignores Nagle)
#   off-r4k / on-r4k         the reader asks for 4 KiB per read() (iperf3-like)
#   off-batch / on-batch     both processes SCHED_BATCH (no wakeup preemption)
#   on-apply                 tools/bench/sockredir_apply.bpf.c: bpf_msg_apply_bytes(64 KiB)
#   on-cork                  the same with bpf_msg_cork_bytes(64 KiB) (breaks rr: evidence only)
#
# and per run: MB/s, bytes per read() on the server, context switches
# (client involuntary = the writer preempted; server voluntary = the reader
# slept), TcpExtTCPAutoCorking (small writes TCP merged into a pending skb).
# Then a write-size sweep (1..64 KiB, off vs on) and rr 64 B with on-apply
# (the prototype must not cost request/response anything).
# DUR (default 1.5 s, QUICK=1: 0.1), ROUNDS (default 3, QUICK=1: 1), interleaved.
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/sockmap_lib.sh"
need_root sockmap_4k.sh
bench_report sockmap_4k

DUR=${DUR:-$([ "$QUICK" = 1 ] && echo 0.1 || echo 1.5)}
ROUNDS=${ROUNDS:-$([ "$QUICK" = 1 ] && echo 1 || echo 3)}
DATA=$OUT/sockmap_4k
mkdir -p "$DATA"
rm -f "$DATA"/*.txt
build_bpf "$BENCH_DIR/sockredir_apply.bpf.c" "$OUT/sockredir_apply.bpf.o"
build_bpf "$BENCH_DIR/sockredir_apply.bpf.c" "$OUT/sockredir_cork.bpf.o" -DCORK_BYTES=65536
sm_setup
sm_attach "$OUT/sockredir_apply.bpf.o" apply
sm_attach "$OUT/sockredir_cork.bpf.o" cork

autocorked() {
	ip netns exec "$SM_NS" nstat -az TcpExtTCPAutoCorking 2>/dev/null |
		awk '$1 == "TcpExtTCPAutoCorking" { print $2; found = 1 } END { if (!found) print 0 }'
}

# variant LABEL: run it once, append "label <sockperf line> autocork N"
variant() {
	local label=$1 cg args=(-m bulk -s 4096 -c 1 -t "$DUR" -S 0 -C 0) a0 line
	case $label in
	off | off-noautocork | off-r4k | off-batch) cg=off ;;
	on-apply) cg=apply ;;
	on-cork) cg=cork ;;
	*) cg=on ;;
	esac
	case $label in
	*-r4k) args+=(-r 4096) ;;
	on-nagle) args+=(-n) ;;
	esac
	[ "$label" = off-noautocork ] && ip netns exec "$SM_NS" sysctl -qw net.ipv4.tcp_autocorking=0
	a0=$(autocorked)
	if [[ $label == *-batch ]]; then
		# chrt inside the cgroup + netns: sockperf and its forked server inherit SCHED_BATCH
		# shellcheck disable=SC2016
		line=$(sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$SM_CG/$cg" \
			ip netns exec "$SM_NS" chrt -b 0 "$OUT/sockperf" "${args[@]}")
	else
		line=$(sm_run "$cg" "${args[@]}")
	fi
	echo "$label $line autocork $(($(autocorked) - a0))" >>"$DATA/variants.txt"
	ip netns exec "$SM_NS" sysctl -qw net.ipv4.tcp_autocorking=1
}

VARIANTS="off on off-noautocork on-nagle off-r4k on-r4k off-batch on-batch on-apply on-cork"
SIZES="1024 4096 16384 65536"
for ((r = 0; r < ROUNDS; r++)); do
	for v in $VARIANTS; do
		variant "$v"
	done
	for s in $SIZES; do
		for side in off on; do
			echo "$s $side $(sm_run "$side" -m bulk -s "$s" -c 1 -t "$DUR" -S 0 -C 0)" >>"$DATA/sizes.txt"
		done
	done
	for side in on apply; do
		echo "$side $(sm_run "$side" -m rr -s 64 -c 1 -t "$DUR" -S 0 -C 0)" >>"$DATA/rr.txt"
		echo "$side-cross $(sm_run "$side" -m rr -s 64 -c 1 -t "$DUR" -S 1 -C 0)" >>"$DATA/rr.txt"
	done
done

# Every figure's median per label, in one pass per file (a pipeline per
# table cell cost seconds on this VM): MED["FILE LABEL WHAT"], WHAT one of
# rate, bpr (bytes per read), wpreempt, rsleep, autocork (per second), eagain.
declare -A MED
load_meds() { # load_meds FILE [pair]: with "pair", the label is fields 1 and 2 joined by ":"
	local l w v
	while read -r l w v; do
		MED["$1 $l $w"]=$v
	done < <(awk -v pair="${2:-}" '{
		for (i = 2; i < NF; i++) f[$i] = $(i + 1)
		split(f["csw_c"], c, "/"); split(f["csw_s"], s, "/")
		l = (pair == "pair") ? $1 ":" $2 : $1
		print l, "rate", f["rate"]
		print l, "bpr", f["reads_s"] ? f["bytes"] / f["reads_s"] : 0
		print l, "wpreempt", c[2] / f["secs"]
		print l, "rsleep", s[1] / f["secs"]
		print l, "autocork", f["autocork"] / f["secs"]
		print l, "eagain", f["eagain"] + 0 }' "$1" |
		sort -k1,1 -k2,2 -k3,3g |
		awk 'function flush() { if (n) print key, (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2); n = 0 }
			{ k = $1 " " $2; if (k != key) { flush(); key = k } v[++n] = $3 }
			END { flush() }')
}
load_meds "$DATA/variants.txt"
load_meds "$DATA/sizes.txt" pair # "SIZE SIDE fields": label SIZE:SIDE
load_meds "$DATA/rr.txt"

# med_of FILE LABEL WHAT: the median, "nan" without a run
med_of() {
	echo "${MED["$1 $2 $3"]:-nan}"
}

OFF=$(med_of "$DATA/variants.txt" off rate)
md "## Why 4 KiB writes lose with the redirect (one connection, one CPU)"
md ""
md "$(machine_facts). Bulk 4 KiB writes, client and server on CPU 0, $DUR s per run, median of $ROUNDS."
md ""
md "| variant | MB/s | vs off | bytes per read() | writer preempted /s | reader sleeps /s | TCP autocorked /s |"
md "|---|---|---|---|---|---|---|"
for v in $VARIANTS; do
	rate=$(med_of "$DATA/variants.txt" "$v" rate)
	md "| $v | $(printf %.0f "$rate") | $(ratio "$rate" "$OFF")x |" \
		"$(printf %.0f "$(med_of "$DATA/variants.txt" "$v" bpr)") |" \
		"$(printf %.0f "$(med_of "$DATA/variants.txt" "$v" wpreempt)") |" \
		"$(printf %.0f "$(med_of "$DATA/variants.txt" "$v" rsleep)") |" \
		"$(printf %.0f "$(med_of "$DATA/variants.txt" "$v" autocork)") |"
done

md ""
md "| write size | off MB/s | on MB/s | on/off | bytes per read() off / on |"
md "|---|---|---|---|---|"
for s in $SIZES; do
	off=$(med_of "$DATA/sizes.txt" "$s:off" rate)
	on=$(med_of "$DATA/sizes.txt" "$s:on" rate)
	md "| $s | $(printf %.0f "$off") | $(printf %.0f "$on") | **$(ratio "$on" "$off")x** |" \
		"$(printf %.0f "$(med_of "$DATA/sizes.txt" "$s:off" bpr)") / $(printf %.0f "$(med_of "$DATA/sizes.txt" "$s:on" bpr)") |"
done

md ""
md "| rr 64 B, 1 conn | sockredir trans/s | sockredir_apply trans/s | apply/sockredir |"
md "|---|---|---|---|"
for p in "" -cross; do
	a=$(med_of "$DATA/rr.txt" "on$p" rate)
	b=$(med_of "$DATA/rr.txt" "apply$p" rate)
	md "| $([ -n "$p" ] && echo cross || echo same) CPU | $(printf %.0f "$a") | $(printf %.0f "$b") | $(ratio "$b" "$a")x |"
done
