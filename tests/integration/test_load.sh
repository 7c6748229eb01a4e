#!/bin/bash
# test_load.sh - `rawload load` on every test object (SPEC §2, §5; issue 3).
#
# rawload loads and pins; bpftool - a different loader's reading of the same
# kernel objects - is the cross-check: program type, name and map ids; map
# type, key/value sizes, max_entries, flags, frozen.  Test runs through
# `rawload run` check what only a correct load can produce (global data,
# subprograms, tail calls, map-in-map).  Each object's header comment
# (tests/objects/*.bpf.c) states the verdicts expected here.
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "$T_NAME: skipped (needs root)"; exit 0; }

TMP=$(mktemp -d /tmp/rawload-test-load.XXXXXX)
on_exit "rm -rf '$TMP'"
make_pin_dir
mkdir -p "$PIN"
NET_BEFORE=$(net_prog_ids)
LOADED_PROGS=""
# ids in $2 that were not in $1 (ids only grow; objects freed meanwhile
# by an RCU callback may vanish from $2, which is fine)
new_ids() { comm -13 <(echo "$1") <(echo "$2") | grep . | tr '\n' ' '; }

# field of bpftool's JSON for a pinned program / map: bt prog|map PATH FIELD
bt() {
	bpftool "$1" show pinned "$2" -j 2>/dev/null | python3 -c '
import json, sys
v = json.load(sys.stdin).get(sys.argv[1], "")
print(" ".join(str(x) for x in sorted(v)) if isinstance(v, list) else v)' "$3"
}
# "type name key value max_entries flags frozen" of a pinned map
map_shape() {
	bpftool map show pinned "$1" -j 2>/dev/null | python3 -c '
import json, sys
m = json.load(sys.stdin)
print(m["type"], m["name"], m["bytes_key"], m["bytes_value"], m["max_entries"], m["flags"], m.get("frozen", 0))' 2>/dev/null
}
# the value at a 4-byte key of a pinned map, as a little-endian number
lookup() { # lookup PATH KEY
	bpftool map lookup pinned "$1" key $(printf '%d %d %d %d' $(($2 & 255)) $(($2 >> 8 & 255)) 0 0) -j 2>/dev/null |
		python3 -c 'import json,sys; print(int.from_bytes(bytes(int(b, 16) for b in json.load(sys.stdin)["value"]), "little"))' 2>/dev/null
}
# the id rawload load printed for NAME (program or map) in its output $1
id_in() { echo "$1" | awk -v n="$2" '$1 == n { print $3; exit }'; }
verdict() { # verdict OBJ PROG: rawload run on the canned ICMP echo reply
	"$RL" run "$OBJ/$1.bpf.o" --prog "$2" --icmp-echo-reply --json 2>&1 |
		python3 -c 'import json,sys; print(json.load(sys.stdin)["verdict"])' 2>/dev/null
}
# the pinned map in DIR whose kernel name ends in SUFFIX (global data maps
# are named "<object prefix>.data" by the kernel; their pin names vary)
pin_by_suffix() {
	local f
	for f in "$1"/*; do
		case "$(bt map "$f" name)" in *"$2") echo "$f"; return ;; esac
	done
}
load() { # load NAME: rawload load OBJ into $PIN/NAME; output in $OUT, status in $RC
	OUT=$("$RL" load "$OBJ/$1.bpf.o" --pin "$PIN/$1" 2>&1); RC=$?
	check_eq "load $1: exit 0" "$RC" 0
	[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/       | /'
	local p
	for p in "$PIN/$1"/*; do
		[ -e "$p" ] && [ -n "$(bt prog "$p" id)" ] && LOADED_PROGS="$LOADED_PROGS $(bt prog "$p" id)"
	done
}

echo "== maps_btf: BTF-defined maps, flags, a map pinned by name"
load maps_btf
D="$PIN/maps_btf"
check_eq "xdp_maps: type" "$(bt prog "$D/xdp_maps" type)" xdp
check_eq "xdp_maps: name" "$(bt prog "$D/xdp_maps" name)" xdp_maps
ids=$(for m in flows pinned_cfg scratch recent events; do id_in "$OUT" $m; done | sort -n | tr '\n' ' ')
check_eq "xdp_maps: map ids (bpftool) = the five maps rawload made" "$(bt prog "$D/xdp_maps" map_ids) " "$ids"
check_eq "flows" "$(map_shape "$D/flows")" "hash flows 8 16 128 0 0"
check_eq "pinned_cfg" "$(map_shape "$D/pinned_cfg")" "array pinned_cfg 4 8 4 0 0"
check_eq "scratch: BPF_F_NO_PREALLOC" "$(map_shape "$D/scratch")" "percpu_hash scratch 4 8 64 1 0"
check_eq "recent" "$(map_shape "$D/recent")" "lru_hash recent 4 8 32 0 0"
check_eq "events: ring buffer" "$(map_shape "$D/events")" "ringbuf events 0 0 16384 0 0"
check_eq "maps_btf: verdict" "$(verdict maps_btf xdp_maps)" XDP_DROP

echo "== maps_legacy: SEC(\"maps\") struct bpf_map_def"
load maps_legacy
D="$PIN/maps_legacy"
check_eq "counts" "$(map_shape "$D/counts")" "array counts 4 8 4 0 0"
check_eq "seen" "$(map_shape "$D/seen")" "hash seen 4 4 16 0 0"
check_eq "xdp_legacy: map ids" "$(bt prog "$D/xdp_legacy" map_ids) " \
	"$(for m in counts seen; do id_in "$OUT" $m; done | sort -n | tr '\n' ' ')"
check_eq "maps_legacy: verdict" "$(verdict maps_legacy xdp_legacy)" XDP_DROP

echo "== global_data: .data, .rodata (frozen, read-only for programs), .bss"
load global_data
D="$PIN/global_data"
rodata=$(pin_by_suffix "$D" .rodata) data=$(pin_by_suffix "$D" .data) bss=$(pin_by_suffix "$D" .bss)
check ".rodata pinned" test -n "$rodata"
check ".data pinned" test -n "$data"
check ".bss pinned" test -n "$bss"
if [ -n "$rodata" ]; then
	check_eq ".rodata: array, BPF_F_RDONLY_PROG|BPF_F_MMAPABLE (0x480), frozen" \
		"$(map_shape "$rodata" | awk '{ print $1, $3, $5, $6, $7 }')" "array 4 1 1152 1"
	check_contains ".rodata: bpftool prints frozen" "$(bpftool map show pinned "$rodata")" frozen
fi
[ -n "$data" ] && check_eq ".data: array, 8 bytes, not frozen" \
	"$(map_shape "$data" | awk '{ print $1, $3, $4, $5, $7 }')" "array 4 8 1 0"
[ -n "$bss" ] && check_eq ".bss: array, 8 bytes" \
	"$(map_shape "$bss" | awk '{ print $1, $3, $4, $5 }')" "array 4 8 1"
check_eq "xdp_globals: verdict from .rodata + .data values" "$(verdict global_data xdp_globals)" XDP_DROP
# cross-check through the pins: change .data, run the pinned program with bpftool
if [ -n "$data" ] && [ -n "$bss" ]; then
	head -c 64 /dev/zero >"$TMP/frame"
	bpftool prog run pinned "$D/xdp_globals" data_in "$TMP/frame" repeat 3 >"$TMP/run1" 2>&1
	check_contains "pinned program: XDP_DROP (1)" "$(cat "$TMP/run1")" "Return value: 1"
	check_eq ".bss counted 3 runs" "$(lookup "$bss" 0)" 3
	# .data = { other = 7, magic = 0 } (other sits at offset 0)
	bpftool map update pinned "$data" key 0 0 0 0 value 7 0 0 0 0 0 0 0
	bpftool prog run pinned "$D/xdp_globals" data_in "$TMP/frame" >"$TMP/run2" 2>&1
	check_contains "magic = 0 in .data: XDP_PASS (2)" "$(cat "$TMP/run2")" "Return value: 2"
fi

echo "== map conventions: perf event array per CPU, ring buffer in pages, map_extra, mmapable data"
load map_conventions
D="$PIN/map_conventions"
cpus=0
for r in $(tr ',' ' ' </sys/devices/system/cpu/possible); do
	cpus=$((cpus + ${r#*-} - ${r%-*} + 1))
done
check_eq "events: PERF_EVENT_ARRAY max_entries 0 -> $cpus possible CPUs" \
	"$(bpftool map show id "$(id_in "$OUT" events)" -j | python3 -c 'import json,sys; m=json.load(sys.stdin); print(m["type"], m["max_entries"])')" \
	"perf_event_array $cpus"
check_eq "logbuf: ring buffer 5000 -> 8192" \
	"$(bpftool map show id "$(id_in "$OUT" logbuf)" -j | python3 -c 'import json,sys; print(json.load(sys.stdin)["max_entries"])')" 8192
check_eq "seen: bloom filter, BPF_F_ZERO_SEED (0x40)" \
	"$(bpftool map show id "$(id_in "$OUT" seen)" -j | python3 -c 'import json,sys; m=json.load(sys.stdin); print(m["type"], m["flags"])')" \
	"bloom_filter 64"
bss=$(pin_by_suffix "$D" .bss)
[ -n "$bss" ] && check_eq ".bss: BPF_F_MMAPABLE (0x400)" "$(map_shape "$bss" | awk '{ print $6 }')" 1024
check_eq "conventions: socket filter keeps 64 bytes (.rodata)" \
	"$("$RL" run "$OBJ/map_conventions.bpf.o" --prog conventions --icmp-echo-reply --json 2>&1 |
		python3 -c 'import json,sys; print(json.load(sys.stdin).get("retval"))' 2>/dev/null)" 64

echo "== subprograms, tail calls, map-in-map, several programs per section"
load subprog
check_eq "xdp_sub: rl_sum + twice = 42" "$(verdict subprog xdp_sub)" XDP_DROP
check_eq "tc_sub: same subprograms, own copy" "$(verdict subprog tc_sub)" TC_ACT_SHOT
check_eq "tc_sub: type" "$(bt prog "$PIN/subprog/tc_sub" type)" sched_cls
load tail_call
D="$PIN/tail_call"
check_eq "xdp_entry tail-calls xdp_target" "$(verdict tail_call xdp_entry)" XDP_DROP
check_eq "xdp_target alone" "$(verdict tail_call xdp_target)" XDP_DROP
check_eq "jmp_table" "$(map_shape "$D/jmp_table")" "prog_array jmp_table 4 4 4 0 0"
check_eq "jmp_table[1] = xdp_target's id" "$(lookup "$D/jmp_table" 1)" "$(bt prog "$D/xdp_target" id)"
check_contains "show: the prog array holds xdp_target" "$("$RL" show --pin "$D")" \
	"map $(bt map "$D/jmp_table" id) 'jmp_table' (prog array) holds this program in slot 1"
load map_in_map
D="$PIN/map_in_map"
check_eq "xdp_outer: inner map found through outer[0]" "$(verdict map_in_map xdp_outer)" XDP_DROP
check_eq "outer" "$(map_shape "$D/outer")" "array_of_maps outer 4 4 2 0 0"
check_eq "inner_a" "$(map_shape "$D/inner_a")" "array inner_a 4 4 1 0 0"
check_eq "outer[0] = inner_a's id" "$(lookup "$D/outer" 0)" "$(bt map "$D/inner_a" id)"
load multi_prog
check_eq "xdp_a" "$(verdict multi_prog xdp_a)" XDP_PASS
check_eq "xdp_b" "$(verdict multi_prog xdp_b)" XDP_DROP
check_eq "xdp_c (+ subprogram)" "$(verdict multi_prog xdp_c)" XDP_TX

echo "== section names -> program types"
load sock_progs
D="$PIN/sock_progs"
for pt in skb_parser:sk_skb skb_verdict:sk_skb cg_ingress:cgroup_skb cg_egress:cgroup_skb \
	sock_filter:socket_filter tc_ok:sched_cls xdp_frags:xdp kprobe_unlinkat:kprobe tp_openat:tracepoint; do
	check_eq "${pt%%:*}: type" "$(bt prog "$D/${pt%%:*}" type)" "${pt#*:}"
done
check_eq "cg_ingress: verdict" "$(verdict sock_progs cg_ingress)" allow
check_eq "tc_ok: verdict" "$(verdict sock_progs tc_ok)" TC_ACT_OK
check_eq "xdp_frags: verdict" "$(verdict sock_progs xdp_frags)" XDP_PASS
load btf_shapes
D="$PIN/btf_shapes"
check_eq "shape_xdp: type" "$(bt prog "$D/shape_xdp" type)" xdp
check_eq "shape_socket: type" "$(bt prog "$D/shape_socket" type)" socket_filter
check_eq "shape_map: 96-byte struct value" "$(map_shape "$D/shape_map")" "hash shape_map 4 96 64 0 0"

echo "== rawload run: the human lines, --repeat, a bare retval, --packet sizes"
G="$OBJ/global_data.bpf.o"
OUT=$("$RL" run "$G" --prog xdp_globals --icmp-echo-reply --repeat 5 2>&1); rc=$?
check_eq "run --repeat 5: exit 0" "$rc" 0
check "run: verdict line" grep -qxE 'program xdp_globals \(XDP, id [0-9]+\): verdict XDP_DROP \(1\)' <<<"$OUT"
check "run: packet line, 5 runs" grep -qxE 'packet 98 bytes in, 98 bytes out; [0-9]+ ns/run over 5 runs' <<<"$OUT"
check_eq "run: two lines" "$(wc -l <<<"$OUT")" 2
# the kernel is asked for 5 runs, not just told about them afterwards
check "run --explain: BPF_PROG_TEST_RUN's repeat is 5" grep -qE '^ *repeat +5$' \
	<<<"$("$RL" --explain run "$G" --prog xdp_globals --icmp-echo-reply --repeat 5 2>&1)"
check "run: one run by default, singular" grep -qxE 'packet 98 bytes in, 98 bytes out; [0-9]+ ns/run over 1 run' \
	<<<"$("$RL" run "$G" --prog xdp_globals --icmp-echo-reply 2>&1)"
check_eq "run --json: repeat" "$("$RL" --json run "$G" --prog xdp_globals --tcp-syn --repeat 3 |
	python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["repeat"], j["verdict"], j["packet_in"])')" "3 XDP_DROP 54"
for bad in 0 -1 100000001 x; do
	OUT=$("$RL" run "$G" --prog xdp_globals --icmp-echo-reply --repeat "$bad" 2>&1); rc=$?
	check_eq "run --repeat $bad: usage error" "$rc" 2
	check_contains "run --repeat $bad: says the range" "$OUT" "--repeat takes 1..100000000, not '$bad'"
done
# a socket filter returns the bytes to keep: no verdict names, the number
OUT=$("$RL" run "$OBJ/sock_progs.bpf.o" --prog sock_filter --icmp-echo-reply 2>&1)
check "run: socket filter prints retval (98 - 14 bytes of Ethernet)" \
	grep -qxE 'program sock_filter \(SOCKET_FILTER, id [0-9]+\): retval 84' <<<"$OUT"
check_eq "run --json: socket filter verdict null" "$("$RL" --json run "$OBJ/sock_progs.bpf.o" --prog sock_filter \
	--icmp-echo-reply | python3 -c 'import json,sys; j=json.load(sys.stdin); print(j["retval"], j["verdict"])')" "84 None"
head -c 64 /dev/zero >"$TMP/p64"
check "run --packet 64 bytes" grep -qE '^packet 64 bytes in' <<<"$("$RL" run "$G" --prog xdp_globals --packet "$TMP/p64" 2>&1)"
head -c 65537 /dev/zero >"$TMP/p65537"
progs0=$(all_prog_ids)
OUT=$("$RL" run "$G" --prog xdp_globals --packet "$TMP/p65537" 2>&1); rc=$?
check_eq "run --packet 65537 bytes: exit 1" "$rc" 1
check_eq "run --packet 65537 bytes: says why" "$OUT" \
	"rawload: $TMP/p65537: the packet file is 65537 bytes; a test-run frame is at most 65536 bytes (64 KiB)"
OUT=$("$RL" run "$G" --prog xdp_globals --packet /dev/zero 2>&1); rc=$?
check_eq "run --packet /dev/zero: exit 1, not read forever" "$rc" 1
check_contains "run --packet /dev/zero: says why" "$OUT" "this is more than 65536"
OUT=$("$RL" run "$G" --prog xdp_globals --packet "$TMP" 2>&1); rc=$?
check_eq "run --packet DIR: exit 1" "$rc" 1
check_contains "run --packet DIR: says why" "$OUT" "is a directory, not a packet file"
check_eq "run: refused packets load nothing" "$(new_ids "$progs0" "$(all_prog_ids)")" ""

echo "== pinning by name: reuse, and refusal of a map of another shape"
OUT=$("$RL" load "$OBJ/maps_btf.bpf.o" --pin "$PIN/r" 2>&1)
CFG=$(id_in "$OUT" pinned_cfg)
bpftool map update pinned "$PIN/r/pinned_cfg" key 0 0 0 0 value 42 0 0 0 0 0 0 0
for f in "$PIN/r"/*; do [ "$(basename "$f")" = pinned_cfg ] || rm "$f"; done
OUT=$("$RL" load "$OBJ/maps_btf.bpf.o" --pin "$PIN/r" 2>&1); rc=$?
check_eq "second load: exit 0" "$rc" 0
check_contains "second load: pinned_cfg (reused)" "$(echo "$OUT" | grep -w pinned_cfg)" "(reused)"
check_eq "second load: same map id" "$(id_in "$OUT" pinned_cfg)" "$CFG"
check_eq "second load: the map kept its contents" "$(lookup "$PIN/r/pinned_cfg" 0)" 42
OUT=$("$RL" load "$OBJ/maps_btf.bpf.o" --pin "$PIN/r" 2>&1); rc=$?
check_eq "load over existing program pins: refused" "$rc" 1
check_contains "load over existing program pins: says why" "$OUT" "already pinned"

mkdir "$PIN/mm"
bpftool map create "$PIN/mm/pinned_cfg" type array key 4 value 4 entries 4 name pinned_cfg
progs0=$(all_prog_ids) maps0=$(all_map_ids)
OUT=$("$RL" load "$OBJ/maps_btf.bpf.o" --pin "$PIN/mm" 2>&1); rc=$?
check_eq "shape mismatch: exit 1" "$rc" 1
check_contains "shape mismatch: names the field" "$OUT" "value_size 4"
check_contains "shape mismatch: and what the object wants" "$OUT" "value_size 8"
check_eq "shape mismatch: only the foreign pin left" "$(ls "$PIN/mm")" pinned_cfg
check_eq "shape mismatch: no new program ids" "$(new_ids "$progs0" "$(all_prog_ids)")" ""
check_eq "shape mismatch: no new map ids" "$(new_ids "$maps0" "$(all_map_ids)")" ""

echo "== a pin directory that is not on bpffs"
OUT=$("$RL" load "$OBJ/maps_btf.bpf.o" --pin "$TMP/notbpf" 2>&1); rc=$?
check_eq "--pin on tmpfs/ext4: exit 1" "$rc" 1
check_contains "--pin on tmpfs/ext4: says why" "$OUT" "is not on a bpffs mount"
check "--pin on tmpfs/ext4: nothing created" test ! -e "$TMP/notbpf"
check_eq "--pin on tmpfs/ext4: no new program ids" "$(new_ids "$progs0" "$(all_prog_ids)")" ""

echo "== unpin frees everything"
rm -rf "$PIN"
left=""
for id in $LOADED_PROGS; do
	for _ in $(seq 100); do bpftool prog show id "$id" >/dev/null 2>&1 || break; sleep 0.02; done
	bpftool prog show id "$id" >/dev/null 2>&1 && left="$left $id"
done
check_eq "every loaded program id gone after rm -r of the pins" "$left" ""
check_eq "net_prog_ids as before the test" "$(net_prog_ids)" "$NET_BEFORE"
finish
