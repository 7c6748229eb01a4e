#!/bin/bash
# sockmap.sh - local TCP with rawload's sockmap redirect, with the seed
# tutorial's own two programs, and without either, in one run.
#
# sockperf (client + server, TCP_NODELAY) in a private netns over lo, in one
# of three sibling child cgroups (sockmap_lib.sh):
#   off    plain TCP
#   on     rawload sockops bpf/sockredir.bpf.o
#   seed   rawload sockops bpf/seed/bpf_contrack.bpf.o bpf/seed/bpf_redirect.bpf.o
#          (the tutorial's layout: two objects sharing one pinned sockhash)
# shapes   64 B request/response (transactions/s); bulk writes of 1, 4, 16
#          and 64 KiB (MB/s received, 64 KiB reads): the write size where the
#          redirect starts to win
# CPUs     same (client and server on CPU 0) and cross (server 1, client 0)
# ROUNDS rounds, the three sides interleaved shape by shape; min / median /
# max per side, ratio of medians to plain TCP.  DUR seconds per run (default
# 1.5, QUICK=1: 0.1), ROUNDS (default 3, QUICK=1: 1).  EAGAIN from blocking
# reads with a redirect on is counted (a known kernel behaviour, SPEC §6).
# See sockmap_4k.sh for why small writes can lose on one CPU.
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/sockmap_lib.sh"
need_root sockmap.sh
bench_report sockmap

DUR=${DUR:-$([ "$QUICK" = 1 ] && echo 0.1 || echo 1.5)}
ROUNDS=${ROUNDS:-$([ "$QUICK" = 1 ] && echo 1 || echo 3)}
DATA=$OUT/sockmap
mkdir -p "$DATA"
rm -f "$DATA"/*.txt
sm_setup
sm_attach "$ROOT/bpf/seed/bpf_contrack.bpf.o $ROOT/bpf/seed/bpf_redirect.bpf.o" seed

SHAPES="rr:64 bulk:1024 bulk:4096 bulk:16384 bulk:65536"
PLACES="same:0:0 cross:1:0" # name:server CPU:client CPU
SIDES="off on seed"

for ((r = 0; r < ROUNDS; r++)); do
	for shape in $SHAPES; do
		for place in $PLACES; do
			IFS=: read -r m s <<<"$shape"
			IFS=: read -r pn scpu ccpu <<<"$place"
			for side in $SIDES; do
				line=$(sm_run "$side" -m "$m" -s "$s" -c 1 -t "$DUR" -S "$scpu" -C "$ccpu") ||
					echo "sockmap: run failed: $m $s $pn $side: $line" >&2
				echo "$m $s $pn $side $line" >>"$DATA/runs.txt"
			done
		done
	done
done

# One pass over the runs: per (shape, size, place, side) the rate's min,
# median and max and the EAGAIN total, kept in STAT["m s place side"]
# (a pipeline per table cell cost seconds on this VM).
declare -A STAT
while read -r m s p d mn med mx eag; do
	STAT["$m $s $p $d"]="$mn $med $mx $eag"
done < <(awk '{ r = e = ""
		for (i = 5; i < NF; i++) { if ($i == "rate") r = $(i + 1); if ($i == "eagain") e = $(i + 1) }
		if (r != "") print $1, $2, $3, $4, r, e + 0 }' "$DATA/runs.txt" |
	sort -k1,1 -k2,2n -k3,3 -k4,4 -k5,5g |
	awk 'function flush() { if (n) print key, v[1], (n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2), v[n], eag; n = 0; eag = 0 }
		{ k = $1 " " $2 " " $3 " " $4; if (k != key) { flush(); key = k } v[++n] = $5; eag += $6 }
		END { flush() }')

# sm_stat M S PLACE SIDE rate|eagain min|med|max|sum ("nan" when there was no run)
sm_stat() {
	local st
	read -ra st <<<"${STAT["$1 $2 $3 $4"]:-nan nan nan 0}"
	case $5:$6 in
	eagain:*) echo "${st[3]}" ;;
	*:min) echo "${st[0]}" ;;
	*:max) echo "${st[2]}" ;;
	*) echo "${st[1]}" ;;
	esac
}

human() { # human SIZE
	if (($1 >= 1024)); then echo "$(($1 / 1024)) KiB"; else echo "$1 B"; fi
}

r0() { printf %.0f "${1:-0}"; }

md "## sockmap redirect: rawload's sockredir and the seed tutorial's programs vs plain TCP over lo"
md ""
md "$(machine_facts). One connection, TCP_NODELAY on both ends; $DUR s per run, $ROUNDS rounds"
md "interleaved; min / **median** / max. rr = transactions/s, bulk = MB/s received (64 KiB reads)."
md "on = rawload's bpf/sockredir.bpf.o; seed = the tutorial's bpf_contrack.o + bpf_redirect.o (loaded"
md "by rawload); ratios are medians against plain TCP. EAGAIN = spurious EAGAIN from blocking reads."
md ""
md "| shape | CPUs | plain TCP | sockredir (on) | on / TCP | seed programs | seed / TCP | on / seed | EAGAIN |"
md "|---|---|---|---|---|---|---|---|---|"
for shape in $SHAPES; do
	IFS=: read -r m s <<<"$shape"
	for pn in same cross; do
		row="| $m $(human "$s") | $pn |"
		for side in $SIDES; do
			med=$(sm_stat "$m" "$s" "$pn" "$side" rate med)
			eval "med_$side=\$med"
			row="$row $(r0 "$(sm_stat "$m" "$s" "$pn" "$side" rate min)") / **$(r0 "$med")** / $(r0 "$(sm_stat "$m" "$s" "$pn" "$side" rate max)") |"
			[ "$side" = off ] || row="$row **$(ratio "$med" "$med_off")x** |"
		done
		eag=$(($(sm_stat "$m" "$s" "$pn" on eagain sum) + $(sm_stat "$m" "$s" "$pn" seed eagain sum)))
		md "$row $(ratio "$med_on" "$med_seed")x | $eag |"
	done
done

md ""
# the crossover: the smallest write size from which the redirect's median
# beats plain TCP at every larger size measured too
for pn in same cross; do
	win="" wins="" loses=""
	for shape in $SHAPES; do
		IFS=: read -r m s <<<"$shape"
		[ "$m" = bulk ] || continue
		if awk -v a="$(sm_stat "$m" "$s" "$pn" on rate med)" -v b="$(sm_stat "$m" "$s" "$pn" off rate med)" \
			'BEGIN { exit !(b > 0 && a > b) }'; then
			wins="$wins, $(human "$s")"
			[ -n "$win" ] || win=$(human "$s")
		else
			loses="$loses, $(human "$s")"
			win=
		fi
	done
	if [ -n "$win" ]; then
		md "Bulk, $pn CPU: the redirect's median beats plain TCP from $win writes up${loses:+ (loses at ${loses#, })}."
	else
		md "Bulk, $pn CPU: no write size from which the redirect's median beats plain TCP at every larger size${wins:+ (wins at ${wins#, }; loses at ${loses#, })}."
	fi
done
