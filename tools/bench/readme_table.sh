#!/bin/bash
# readme_table.sh - print the markdown that README.md's "Latest figures" part
# should hold, cut from one `make bench` report.
#
#   tools/bench/readme_table.sh [build/bench/report.md] > /tmp/figures.md
#
# One table per headline, each a column subset of a table the benchmark itself
# wrote (so the README never shows a figure the report does not have):
#   XDP drop capacity   received Mpps, CPU ns/packet, both as ratios to iptables
#   sockmap             plain TCP / sockredir / the seed tutorial's programs,
#                       min / median / max, and the crossover write size
#   attach paths        whole-process load + attach as ratios to bpftool/ip/tc
#   load, per-packet    rawload load vs bpftool; drop_ping vs bare XDP_DROP
# and above them the date, machine, kernel, commit and run time the report
# names.  Reads only the report: no root, nothing measured.
set -u
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
REPORT=${1:-$ROOT/build/bench/report.md}
[ -s "$REPORT" ] || { echo "readme_table: no report at $REPORT (run make bench)" >&2; exit 1; }

# the report's second line: "DATE on MACHINE; rawload COMMIT; BENCHMARKS: N s[ (QUICK=1 ...)]."
PROV=$(sed -n 3p "$REPORT")
case $PROV in
*QUICK=1*) echo "readme_table: $REPORT is a QUICK=1 smoke run; its figures do not belong in the README" >&2 ;;
esac
DATE=${PROV%% on *}
MACHINE=$(sed -E 's/^[^ ]+ on ([^;]*);.*/\1/' <<<"$PROV")
COMMIT=$(sed -nE 's/.*; rawload ([^;]*);.*/\1/p' <<<"$PROV")
SECS=$(sed -nE 's/.*: ([0-9]+) s.*/\1/p' <<<"$PROV")

# table HEADING-REGEX N COLUMN...: the named columns (exact header text) of
# the Nth table in the report section whose "## " heading matches
table() {
	local re=$1 n=$2
	shift 2
	awk -F'|' -v re="$re" -v n="$n" -v cols="$(printf '%s\t' "$@")" '
	BEGIN { nc = split(cols, want, "\t") - 1 }
	/^## / { insec = ($0 ~ re); t = 0; intable = 0; next }
	!insec { next }
	/^\|/ {
		if (!intable) { intable = 1; t++; row = 0 }
		if (t != n) next
		if (++row == 1) {
			for (i = 2; i < NF; i++) { h = $i; gsub(/^ +| +$/, "", h); idx[h] = i }
			for (j = 1; j <= nc; j++)
				if (!(want[j] in idx)) { print "readme_table: no column \"" want[j] "\"" > "/dev/stderr"; bad = 1; exit 1 }
		}
		out = "|"
		for (j = 1; j <= nc; j++) {
			if (row == 2) { out = out "---|"; continue }
			c = $(idx[want[j]])
			gsub(/^ +| +$/, "", c)
			out = out " " c " |"
		}
		found = 1
		print out
		next
	}
	{ intable = 0 }
	END { if (!found && !bad) print "(not in this report)" }' "$REPORT"
}

# lines SECTION-REGEX LINE-REGEX: matching prose lines of a section
lines() {
	awk -v re="$1" -v l="$2" '/^## / { insec = ($0 ~ re); next } insec && $0 ~ l' "$REPORT"
}

# versions SECTION-REGEX: the tool versions on a section's facts line, short
versions() {
	lines "$1" '^nproc' | head -1 | sed -E 's/^[^;]*; ?//; s/\. 64-byte.*//; s/\.$//' |
		sed -E 's#[^ ,]*/bpftool v#bpftool #; s/ip utility, iproute2-/iproute2 /; s/, tc utility, iproute2-[^,]*, libbpf [0-9.]*//; s/(nftables v[0-9.]+) \([^)]*\)/\1/'
}

cat <<EOF
Figures from one \`make bench\` run: $DATE, $MACHINE, rawload $COMMIT, ${SECS:-?} s for
the whole run. Every ratio compares two sides measured in the same invocation; the VM is
shared, so absolute figures move by 10-20% between runs while the ratios hold better.

**XDP drop capacity, one receiving CPU** (\`xdp_drop_rate.sh\`; $(versions 'XDP drop capacity')).
xdpgen drives 64-byte ICMP echo replies into a veth at several Mpps from the other CPU
(BPF_PROG_TEST_RUN live frames), so the receiver is the bottleneck; ns/packet is the
receiving NAPI thread's CPU time per frame, the figure that does not depend on the sender.

EOF
table 'XDP drop capacity' 1 receiver "received Mpps" "dropped by the filter" "CPU ns/packet" \
	"Mpps vs iptables" "ns/packet vs iptables"
cat <<EOF

**sockmap redirect vs the seed tutorial's programs and plain TCP** (\`sockmap.sh\`). One
connection over lo in a netns, TCP_NODELAY; min / **median** / max of the rounds; rr =
64-byte request/response transactions/s, bulk = MB/s. same = client and server on one CPU,
cross = on two. on = rawload's \`bpf/sockredir.bpf.o\`, seed = the tutorial's
\`bpf_contrack.o\` + \`bpf_redirect.o\` (loaded by rawload).

EOF
table '^## sockmap redirect' 1 shape CPUs "plain TCP" "sockredir (on)" "on / TCP" "seed programs" \
	"seed / TCP" "on / seed"
echo ""
lines '^## sockmap redirect' '^Bulk, '
cat <<EOF

**Attach paths, load + attach, whole process** (\`attach_cost.sh\`; $(versions '^## Attach paths')).
Medians of interleaved runs inside a netns; ratio = rawload / the reference on the line.

EOF
table '^## Attach paths' 1 attach "rawload path" "rawload ms" reference "reference ms" ratio
cat <<EOF

**Load, footprint and per-packet cost** (\`load.sh\`, \`xdp_cost.sh\`; SPEC §6 targets: UAPI
object <= 0.8x time and <= 1.0x RSS, CO-RE object <= 0.2x / 0.25x, drop_ping <= 1.1x bare).

EOF
table '^## Load latency' 1 "object, step" "rawload ms" "other ms" "time ratio" "RSS ratio"
echo ""
table '^## Load latency' 2 binary "stripped size KB" "+ shared libs (not libc) KB"
echo ""
table '^## XDP per-packet cost' 1 frame "drop_ping ns/run" "bare XDP_DROP ns/run" ratio "difference ns"
