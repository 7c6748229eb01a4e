#!/bin/bash
# sockmap.sh - local TCP with and without the sockmap redirect (bpf/sockredir.bpf.o).
#
# sockperf (client + server, TCP_NODELAY) in a private netns over lo, in a
# child cgroup with `rawload sockops bpf/sockredir.bpf.o` attached ("on") or
# in its sibling without ("off"):
#   shapes   1 B and 64 B request/response (transactions/s),
#            4 KiB and 64 KiB bulk writes (MB/s received; reads of 64 KiB)
#   conns    1 and 8 (one thread per connection on each side)
#   CPUs     same (client and server on CPU 0) and cross (client 0, server 1)
# off and on run back to back for every shape; ratio = on / off.
# DUR seconds per run (default 3, QUICK=1: 0.2).  EAGAIN from blocking
# reads with the redirect on is counted (a known kernel behaviour, SPEC §6).
# See sockmap_4k.sh for why 4 KiB writes can lose.
. "$(dirname "$0")/common.sh"
. "$(dirname "$0")/sockmap_lib.sh"
need_root sockmap.sh
bench_report sockmap

DUR=${DUR:-$([ "$QUICK" = 1 ] && echo 0.2 || echo 3)}
DATA=$OUT/sockmap
mkdir -p "$DATA"
rm -f "$DATA"/*.txt
sm_setup

SHAPES="rr:1 rr:64 bulk:4096 bulk:65536"
CONNS="1 8"
PLACES="same:0:0 cross:1:0"   # name:server CPU:client CPU

for shape in $SHAPES; do
	for c in $CONNS; do
		for place in $PLACES; do
			IFS=: read -r m s <<<"$shape"
			IFS=: read -r pn scpu ccpu <<<"$place"
			for side in off on; do
				line=$(sm_run "$side" -m "$m" -s "$s" -c "$c" -t "$DUR" -S "$scpu" -C "$ccpu") ||
					echo "sockmap: run failed: $m $s x$c $pn $side: $line" >&2
				echo "$m $s $c $pn $side $line" >>"$DATA/runs.txt"
			done
		done
	done
done

get() { # get M S C PLACE SIDE FIELD
	local line
	line=$(awk -v m="$1" -v s="$2" -v c="$3" -v p="$4" -v d="$5" \
		'$1 == m && $2 == s && $3 == c && $4 == p && $5 == d' "$DATA/runs.txt" | tail -1)
	field "$6" "$line"
}

human() { # human SIZE
	if (($1 >= 1024)); then echo "$(($1 / 1024)) KiB"; else echo "$1 B"; fi
}

md "## sockmap redirect (bpf/sockredir.bpf.o) vs plain TCP over lo"
md ""
md "$(machine_facts). TCP_NODELAY on both ends; $DUR s per run; rr = transactions/s, bulk = MB/s"
md "received (64 KiB reads). ratio = redirect on / off. EAGAIN = spurious EAGAIN from blocking reads (on)."
md ""
md "| shape | conns | same CPU off | same CPU on | ratio | cross CPU off | cross CPU on | ratio | EAGAIN |"
md "|---|---|---|---|---|---|---|---|---|"
for shape in $SHAPES; do
	IFS=: read -r m s <<<"$shape"
	for c in $CONNS; do
		row="| $m $(human "$s") | $c |"
		eag=0
		for pn in same cross; do
			off=$(get "$m" "$s" "$c" "$pn" off rate)
			on=$(get "$m" "$s" "$c" "$pn" on rate)
			e=$(get "$m" "$s" "$c" "$pn" on eagain)
			eag=$((eag + ${e:-0}))
			row="$row $(printf %.0f "${off:-0}") | $(printf %.0f "${on:-0}") | **$(ratio "${on:-0}" "${off:-0}")x** |"
		done
		md "$row $eag |"
	done
done
