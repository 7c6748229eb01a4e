#!/bin/bash
# parser_scaling.sh - is the object parser (and the linker) linear in object size?
#
# gen_object.py writes synthetic objects with N = 10, 100, 1000, 10000
# programs, maps and 2N relocations (and, for the BTF shapes, ~2N-6N BTF
# types plus one func_info and line_info per function) in three shapes:
#
#   one-legacy   all programs in one "xdp" section, legacy "maps", no BTF
#   per-btf      one section (+ REL section) per program, legacy maps, BTF + BTF.ext
#   one-btfmaps  one section, BTF-defined ".maps" (4 BTF types per map), BTF + BTF.ext
#
# parse_bench (linked against the loader's pure objects, no root) reports the
# median time of rl_object_parse + free and of rl_link_program for every
# program.  We print time per program for each N and flag a shape whose
# per-unit time at 10000 is more than 2x that at 100: super-linear growth.
# Also: the kernel's own BTF through the same reader (the floor under CO-RE).
. "$(dirname "$0")/common.sh"
bench_report parser_scaling

if [ "$QUICK" = 1 ]; then SIZES="10 100 1000"; BUDGET=20; else SIZES="10 100 1000 10000"; BUDGET=400; fi
SHAPES="one-legacy per-btf one-btfmaps"
GEN=$OUT/gen
mkdir -p "$GEN"

# the pure half of the loader (loader/object/ + loader/core/, the Makefile's
# PURE_SRCS), built by the Makefile's own rules
pure_objs() {
	local src
	for src in "$ROOT"/loader/object/*.c "$ROOT"/loader/core/*.c; do
		src=${src#"$ROOT"/}
		make -C "$ROOT" -s "build/${src%.c}.o" >/dev/null || return 1
		echo "$ROOT/build/${src%.c}.o"
	done
}
inc_flags() {
	local d
	for d in "$ROOT"/loader/*/ "$ROOT"/netlink; do printf -- '-iquote %s ' "${d%/}"; done
}
# shellcheck disable=SC2046 # one object path / flag per word
$CC -O2 -g -std=c11 -D_GNU_SOURCE -Wall -Wextra -Wno-missing-field-initializers \
	$(inc_flags) -o "$OUT/parse_bench" "$BENCH_DIR/parse_bench.c" $(pure_objs) 2>"$OUT/parse_bench.err" ||
	{ cat "$OUT/parse_bench.err" >&2; die "cannot link parse_bench against the loader objects"; }

shape_args() {
	case $1 in
	one-legacy) echo "--layout one --maps legacy" ;;
	per-btf) echo "--layout per --maps legacy --btf" ;;
	one-btfmaps) echo "--layout one --maps btf --btf" ;;
	esac
}

md "## Parser scaling"
md ""
md "$(machine_facts). Median of repeated runs (${BUDGET} ms budget per measurement)."
md "Per program: N programs, N maps, 2N relocations; BTF shapes add ~2N-6N types and 2N .BTF.ext records."
md ""
md "| shape | N | BTF types | parse us | parse ns/prog | link-all us | link ns/prog |"
md "|---|---|---|---|---|---|---|"
VERDICTS=()
for shape in $SHAPES; do
	for n in $SIZES; do
		f=$GEN/$shape-$n.o
		# shellcheck disable=SC2046
		[ -f "$f" ] || python3 "$BENCH_DIR/gen_object.py" "$n" "$f" $(shape_args "$shape") ||
			die "gen_object.py $n $shape failed"
	done
	# shellcheck disable=SC2046
	"$OUT/parse_bench" -t "$BUDGET" $(for n in $SIZES; do echo "$GEN/$shape-$n.o"; done) \
		>"$GEN/$shape.txt" || die "parse_bench failed on $shape"
	while read -r _ _ progs _ _ _ _ _ btf _ _ _ parse _ link; do
		md "| $shape | $progs | $btf | $(awk -v v="$parse" 'BEGIN { printf "%.1f", v / 1e3 }') |" \
			"$(awk -v v="$parse" -v n="$progs" 'BEGIN { printf "%.0f", v / n }') |" \
			"$(awk -v v="$link" 'BEGIN { printf "%.1f", v / 1e3 }') |" \
			"$(awk -v v="$link" -v n="$progs" 'BEGIN { printf "%.0f", v / n }') |"
	done <"$GEN/$shape.txt"
	# growth of the per-unit time from N=100 to the largest N
	for col in parse link; do
		g=$(awk -v col=$col '{ v = (col == "parse" ? $13 : $15) / $3; if ($3 == 100) a = v; last = v; lastn = $3 }
			END { if (a > 0) printf "%.1f %d", last / a, lastn }' "$GEN/$shape.txt")
		read -r growth lastn <<<"$g"
		if awk -v g="$growth" 'BEGIN { exit !(g > 2) }'; then
			VERDICTS+=("**$shape $col: per-program time grows ${growth}x from N=100 to N=$lastn - NON-LINEAR**")
		else
			VERDICTS+=("$shape $col: per-program time ${growth}x from N=100 to N=$lastn (linear)")
		fi
	done
done
md ""
for v in "${VERDICTS[@]}"; do md "- $v"; done

# the kernel's BTF through rl_btf_parse: what a CO-RE load pays without a cache
if [ -r /sys/kernel/btf/vmlinux ]; then
	read -r _ _ bytes _ types _ calls _ rd _ parse _ index _ lookup _ _ _ walk \
		< <("$OUT/parse_bench" --vmlinux -t "$BUDGET")
	md ""
	md "Kernel BTF (/sys/kernel/btf/vmlinux, $((bytes / 1024)) KiB, $types types), medians:" \
		"read() $(fmt_ms "$rd") ms in $calls calls; rl_btf_parse $(fmt_ms "$parse") ms" \
		"(an unchecked walk that only sizes the records: $(fmt_ms "$walk") ms); name index" \
		"(first rl_btf_find_by_name_kind) $(fmt_ms "$index") ms; then $lookup ns per lookup."
fi
