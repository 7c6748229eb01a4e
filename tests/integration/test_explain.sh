#!/bin/bash
# test_explain.sh - the teaching mode (SPEC §1 --explain, issue 6): every step
# of a real load, attach, detach and pin is narrated, with the kernel path it
# enters, and the narration does not change what rawload does.
#
#   xdp      on veth-b in a private netns pair (lib.sh make_veth_pair)
#   sockops  in a private child cgroup (lib.sh make_cgroup)
#   load     into a private pin directory (lib.sh make_pin_dir)
#
# rawload runs in the namespace with `nsenter --net`, not `ip netns exec`,
# which would also give it a fresh /sys without the host's bpffs (see
# test_xdp.sh).
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "$T_NAME: skipped (needs root)"; exit 0; }

XDP_OBJ="$TOP/bpf/xdp_drop_ping.bpf.o"
SOCK_OBJ="$TOP/bpf/sockredir.bpf.o"
TMP=$(mktemp -d /tmp/rawload-test-explain.XXXXXX)
on_exit "rm -rf '$TMP'"
make_pin_dir
make_veth_pair
make_cgroup
in_b() { nsenter --net="/run/netns/$NS_B" "$@"; }
# whatever happens, nothing stays attached
on_exit "nsenter --net=/run/netns/$NS_B '$RL' detach xdp veth-b --pin '$PIN/x'"
on_exit "'$RL' detach sockops --cgroup '$CG' --pin '$PIN/s'"

has() { # has "description" FILE needle... : every needle occurs in FILE
	local desc=$1 file=$2 n; shift 2
	for n in "$@"; do
		if grep -qF -- "$n" "$file"; then pass "$desc: $n"; else fail "$desc: '$n' missing"; fi
	done
}

echo "== rawload --explain xdp"
in_b "$RL" --explain xdp "$XDP_OBJ" veth-b --pin "$PIN/x" >"$TMP/xdp.out" 2>"$TMP/xdp.err"
check_eq "xdp --explain: exit 0" "$?" 0
has "xdp: bpf(2) steps" "$TMP/xdp.out" \
	"] BPF_BTF_LOAD (bpf cmd 18)" "] BPF_MAP_CREATE (bpf cmd 0)" "] BPF_PROG_LOAD (bpf cmd 5)" \
	"] BPF_OBJ_PIN (bpf cmd 6)"
has "xdp: PROG_LOAD decoded" "$TMP/xdp.out" \
	"prog_type        BPF_PROG_TYPE_XDP (6)" "license          \"GPL\"" "func_info" "line_info" \
	" bpf_check " "bpf_int_jit_compile" "verdict          accepted by the verifier" \
	"verifier         walked " "kallsyms bpf_prog_"
has "xdp: MAP_CREATE decoded" "$TMP/xdp.out" "map_type         BPF_MAP_TYPE_PERCPU_ARRAY" \
	"  percpu_array_map_ops.map_alloc"
# the new object's id, taken from /proc/self/fdinfo
check "xdp: PROG_LOAD result names the prog id" grep -qE 'result +fd [0-9]+ = prog id [0-9]+ \(XDP\)' "$TMP/xdp.out"
has "xdp: RTM_SETLINK in hex" "$TMP/xdp.out" "] netlink RTM_SETLINK" \
	"nlmsg_type = RTM_SETLINK (19)" "nla_type = IFLA_XDP (43)|NLA_F_NESTED" \
	"nla_type = IFLA_XDP_FD (1)" "nla_type = IFLA_XDP_FLAGS (3)" "XDP_FLAGS_UPDATE_IF_NOEXIST|XDP_FLAGS_DRV_MODE"
has "xdp: kernel path" "$TMP/xdp.out" "from the Linux source, not traced" "do_setlink" "dev_change_xdp_fd" \
	"dev_xdp_install" " veth_xdp " "bpf_dispatcher_change_prog"
has "xdp: the ack" "$TMP/xdp.out" "error = 0 (success: this is the ACK)" "0 (acknowledged: the kernel did it)"
check "xdp: hex bytes beside their meaning" grep -qE '^ +nlattr +08 00 01 00 +nla_len = 8, nla_type = IFLA_XDP_FD' "$TMP/xdp.out"
check "xdp: steps are numbered 1, 2, 3..." bash -c \
	"grep -oE '^\[[0-9]+\]' '$TMP/xdp.out' | tr -d '[]' | awk '\$1 != NR { exit 1 }'"
check "xdp: the command's own report still printed" grep -q "^attached xdp_drop_ping (prog id" "$TMP/xdp.out"
check "xdp: nothing on stderr" test ! -s "$TMP/xdp.err"
PROG_ID=$(sed -n 's/^attached xdp_drop_ping (prog id \([0-9]*\)).*/\1/p' "$TMP/xdp.out")
check_contains "xdp: the id narrated is the id attached" "$(cat "$TMP/xdp.out")" "= prog id $PROG_ID (XDP)"

echo "== a refused attach: the kernel's own words, byte by byte"
in_b "$RL" --explain xdp "$XDP_OBJ" veth-b --pin "$PIN/x2" >"$TMP/busy.out" 2>"$TMP/busy.err"
check_eq "second attach without --replace: exit 1" "$?" 1
has "refused attach narrated" "$TMP/busy.out" "error = -16 (EBUSY: Device or resource busy)" \
	"nla_type = NLMSGERR_ATTR_MSG (1)" "\"XDP program already attached\"" "result           -16 EBUSY"
check "refused attach: the error line is on stderr" grep -q "^rawload: veth-b: .*EBUSY" "$TMP/busy.err"
check "refused attach: its pins rolled back" test ! -e "$PIN/x2/xdp_drop_ping"

echo "== rawload --explain detach xdp"
in_b "$RL" --explain detach xdp veth-b --pin "$PIN/x" >"$TMP/detach.out" 2>"$TMP/detach.err"
check_eq "detach --explain: exit 0" "$?" 0
has "detach: query, then RTM_SETLINK" "$TMP/detach.out" "] netlink RTM_GETLINK" "rtnl_getlink" \
	"IFLA_XDP         attached native, prog id $PROG_ID" "] netlink RTM_SETLINK" \
	"nla_type = IFLA_XDP_FD (1)" "= -1" "nla_type = IFLA_XDP_FLAGS (3)" "do_setlink" "dev_xdp_install" \
	" veth_xdp " "error = 0 (success: this is the ACK)"
check "detach: program gone" bash -c "! bpftool prog show id '$PROG_ID' >/dev/null 2>&1"

echo "== --mode skb: generic XDP instead of the driver's ndo_bpf"
in_b "$RL" --explain xdp "$XDP_OBJ" veth-b --mode skb --pin "$PIN/x" >"$TMP/skb.out" 2>&1
check_eq "xdp --mode skb --explain: exit 0" "$?" 0
has "skb mode narrated" "$TMP/skb.out" "XDP_FLAGS_UPDATE_IF_NOEXIST|XDP_FLAGS_SKB_MODE" \
	"generic_xdp_install    skb mode: dev_xdp_bpf_op() picks it" "do_xdp_generic()"
check "skb mode: no driver ndo_bpf in the tree" bash -c "! grep -qE '^ +(veth_xdp|ndo_bpf) ' '$TMP/skb.out'"
in_b "$RL" detach xdp veth-b --pin "$PIN/x" >/dev/null 2>&1
check_eq "skb mode: detached" "$?" 0

echo "== rawload --explain sockops (child cgroup)"
"$RL" --explain sockops "$SOCK_OBJ" --cgroup "$CG" --pin "$PIN/s" >"$TMP/sockops.out" 2>"$TMP/sockops.err"
check_eq "sockops --explain: exit 0" "$?" 0
has "sockops: sk_msg on the sockhash" "$TMP/sockops.out" "map_type         BPF_MAP_TYPE_SOCKHASH" \
	"attach_type      BPF_SK_MSG_VERDICT (7)" "  sock_map_get_from_fd" "    sock_map_prog_update"
has "sockops: sockops on the cgroup" "$TMP/sockops.out" "attach_type      BPF_CGROUP_SOCK_OPS (3)" \
	"attach_flags     BPF_F_ALLOW_MULTI" "= cgroup v2 directory $CG" \
	"  cgroup_bpf_prog_attach" "    cgroup_get_from_fd" "    __cgroup_bpf_attach" "update_effective_progs" \
	"static_key_slow_inc"
"$RL" --explain detach sockops --cgroup "$CG" --pin "$PIN/s" >"$TMP/sockops-detach.out" 2>&1
check_eq "detach sockops --explain: exit 0" "$?" 0
has "detach sockops" "$TMP/sockops-detach.out" "] BPF_PROG_DETACH (bpf cmd 9)" "cgroup_bpf_prog_detach"

echo "== rawload --explain load: pins"
"$RL" --explain load "$XDP_OBJ" --pin "$PIN/l" >"$TMP/load.out" 2>"$TMP/load.err"
check_eq "load --explain: exit 0" "$?" 0
has "load: BPF_OBJ_PIN" "$TMP/load.out" "] BPF_OBJ_PIN (bpf cmd 6)" "pathname         \"$PIN/l/xdp_drop_ping\"" \
	"pathname         \"$PIN/l/xdp_stats\"" "bpf_obj_pin_user" "bpf_obj_do_pin" "a file in bpffs holds that reference"
rm -rf "$PIN/l"

echo "== a refused program: narrated on stdout, the error on stderr"
"$RL" --explain load "$OBJ/verifier_reject.bpf.o" --pin "$PIN/r" >"$TMP/reject.out" 2>"$TMP/reject.err"
check_eq "verifier refusal: exit 1" "$?" 1
has "refusal narrated" "$TMP/reject.out" "verdict          refused" "result           -13 EACCES" \
	"log              level 1" "verifier says    "
check "refusal: the one-line error is on stderr" grep -q "^rawload: .*verifier_reject.bpf.o: program 'xdp_unchecked'" "$TMP/reject.err"
check "refusal: no error line on stdout" bash -c "! grep -q '^rawload:' '$TMP/reject.out'"
check "refusal: nothing pinned" test ! -e "$PIN/r/xdp_unchecked"

echo "== -v --explain: the instructions as sent"
"$RL" -v --explain load "$OBJ/subprog.bpf.o" --pin "$PIN/v" >"$TMP/v.out" 2>"$TMP/v.err"
check_eq "-v --explain load: exit 0" "$?" 0
has "-v listing" "$TMP/v.out" "instructions as sent (after relocation" \
	"idx  code class  dst src    off         imm  meaning" "[BPF_PSEUDO_CALL: bpf-to-bpf, a subprogram]" \
	"verifier says    processed "
# before relocation: the section as compiled (the call still points into
# .text, at pc+24), and how many instructions linking appended
has "-v: before relocation" "$TMP/v.out" \
	"program 'xdp_sub' (section 'xdp'): 8 instructions as the ELF section holds them" \
	"  before relocation (as the compiler left them):" \
	"call pc+24 -> 25  [BPF_PSEUDO_CALL: bpf-to-bpf, a subprogram]" \
	"call pc+7 -> 8  [BPF_PSEUDO_CALL: bpf-to-bpf, a subprogram]" \
	"program 'tc_sub' (section 'tc'): 9 instructions as the ELF section holds them"
check "-v: 'linking appended' line for each program" bash -c \
	"[ \$(grep -cE '^  linking appended [0-9]+ instructions of subprograms: [0-9]+ in all\$' '$TMP/v.out') = 2 ]"
# the listing comes before the call that sends it, and its sum is what is sent
check "-v: own + appended = 'in all' = the insn count BPF_PROG_LOAD sends" awk '
	/^program .* instructions as the ELF section holds them$/ { own = $(NF - 7); total = "" }
	/^  linking appended / { if (own + $3 != $(NF - 2)) bad = 1; total = $(NF - 2) }
	/^  insns +[0-9]+ instructions/ { if (total == "" || $2 != total) bad = 1; n++; total = "" }
	END { exit bad || n != 2 }' "$TMP/v.out"
rm -rf "$PIN/v"

echo "== the narration makes no bpf(2) call of its own"
# ids come from /proc/self/fdinfo: the same calls with and without --explain,
# so RAWLOAD_FAULT=N:ERRNO hits the same call either way
bpf_calls() { strace -f -qq -e trace=bpf -o "$TMP/strace" "$RL" "$@" >/dev/null 2>&1; grep -c 'bpf(' "$TMP/strace"; }
if command -v strace >/dev/null; then
	plain=$(bpf_calls run "$XDP_OBJ" --prog xdp_drop_ping --tcp-syn)
	told=$(bpf_calls --explain run "$XDP_OBJ" --prog xdp_drop_ping --tcp-syn)
	check_eq "bpf(2) calls with --explain = without ($plain)" "$told" "$plain"
	steps=$("$RL" --explain run "$XDP_OBJ" --prog xdp_drop_ping --tcp-syn | grep -c '^\[[0-9]*\] BPF_')
	check_eq "one narrated step per bpf(2) call" "$steps" "$plain"
else
	echo "  skip (no strace)"
fi

# the fault-injection build: the Nth call fails the same way with --explain
RLF="$TOP/build/rawload-fault"
if [ -x "$RLF" ]; then
	RAWLOAD_FAULT=5:EPERM "$RLF" load "$XDP_OBJ" --pin "$PIN/f" >/dev/null 2>"$TMP/fault-plain.err"
	rc_plain=$?
	RAWLOAD_FAULT=5:EPERM "$RLF" --explain load "$XDP_OBJ" --pin "$PIN/f" >"$TMP/fault.out" 2>"$TMP/fault.err"
	check_eq "RAWLOAD_FAULT=5: same exit with --explain ($rc_plain)" "$?" "$rc_plain"
	check_eq "RAWLOAD_FAULT=5: same error with --explain" "$(cat "$TMP/fault.err")" "$(cat "$TMP/fault-plain.err")"
	check "RAWLOAD_FAULT=5: step 5 is the failed call, marked injected" bash -c \
		"sed -n '/^\[5\]/,/^\$/p' '$TMP/fault.out' | grep -q 'injected by the fault hook'"
else
	echo "  skip fault-injection check (no build/rawload-fault)"
fi

echo "== --json keeps stdout for the document"
out=$("$RL" --json --explain run "$XDP_OBJ" --prog xdp_drop_ping --icmp-echo-reply 2>"$TMP/json.err")
check "json: stdout is one JSON document" python3 -c 'import json,sys; json.loads(sys.argv[1])' "$out"
has "json: narration went to stderr" "$TMP/json.err" "] BPF_PROG_TEST_RUN (bpf cmd 10)" "retval 1 (the program's verdict)"

echo "== nothing left behind"
# every program and map the narration named must be gone (freeing after the
# last unpin is asynchronous: give it a moment); other tests running at the
# same time may load their own, so only our ids are checked
alive() { # alive prog|map ID...: those of the ids the kernel still knows
	local kind=$1 id; shift
	for id in "$@"; do bpftool "$kind" show id "$id" >/dev/null 2>&1 && echo "$id"; done
}
PROGS=$(grep -ohE 'prog id [0-9]+' "$TMP"/*.out | awk '{ print $3 }' | sort -u)
MAPS=$(grep -ohE 'map id [0-9]+' "$TMP"/*.out | awk '{ print $3 }' | sort -u)
for _ in $(seq 20); do
	[ -z "$(alive prog $PROGS)$(alive map $MAPS)" ] && break
	sleep 0.1
done
check_eq "no program narrated here is left ($(echo $PROGS | wc -w) seen)" "$(alive prog $PROGS)" ""
check_eq "no map narrated here is left ($(echo $MAPS | wc -w) seen)" "$(alive map $MAPS)" ""
echo "== --explain load of a CO-RE object narrates each resolution"
"$RL" --explain load "$OBJ/core_fields.bpf.o" --pin "$PIN/core" >"$TMP/core.out" 2>"$TMP/core.err"
check_eq "--explain load core_fields: exit 0" "$?" 0
check_contains "a flavoured local struct resolved to the kernel's" "$(cat "$TMP/core.out")" \
	"(byte_off task_struct___mine.pid, access '0:2'): task_struct.pid ["
check_contains "the resolution names vmlinux and the old -> new offset" "$(cat "$TMP/core.out")" "in vmlinux: 20 -> "
check_contains "--explain: CO-RE under its own heading, not inside a step" "$(cat "$TMP/core.out")" \
	"CO-RE of 'core_fields', resolved in user space before BPF_PROG_LOAD"
rm -rf "$PIN/core"

echo "== -v alone: each CO-RE resolution, one line on stderr (load, run, xdp)"
CORE_OBJ="$OBJ/core_fields.bpf.o"
NRELO=$("$RL" inspect "$CORE_OBJ" | sed -n 's/.*, \([0-9]*\) CO-RE relocations$/\1/p')
check "core_fields has CO-RE relocations ($NRELO)" test "${NRELO:-0}" -gt 0
core_lines() { grep -cE "^core_fields: CO-RE relocation #[0-9]+ \([a-z0-9_]+ .*, access '[0-9:]+'\): .+" "$1"; }
"$RL" -v load "$CORE_OBJ" --pin "$PIN/corev" >"$TMP/corev.out" 2>"$TMP/corev.err"
check_eq "-v load core_fields: exit 0" "$?" 0
check_eq "-v load: one line per CO-RE relocation ($NRELO)" "$(core_lines "$TMP/corev.err")" "$NRELO"
check_contains "-v load: local access, kernel candidate, old -> new" "$(cat "$TMP/corev.err")" \
	"core_fields: CO-RE relocation #0 (byte_off task_struct___mine.pid, access '0:2'): task_struct.pid ["
check "-v load: stdout keeps only the report" bash -c "! grep -q 'CO-RE' '$TMP/corev.out'"
rm -rf "$PIN/corev"
"$RL" load "$CORE_OBJ" --pin "$PIN/corev" >"$TMP/core0.out" 2>&1
check "without -v: no CO-RE line" bash -c "! grep -q 'CO-RE relocation' '$TMP/core0.out'"
rm -rf "$PIN/corev"
out=$("$RL" -v --json run "$CORE_OBJ" --prog exists_fields --tcp-syn 2>"$TMP/corerun.err")
check_eq "-v run: one line per CO-RE relocation" "$(core_lines "$TMP/corerun.err")" "$NRELO"
check "-v --json run: stdout is still one JSON document" python3 -c 'import json,sys; json.loads(sys.argv[1])' "$out"
in_b "$RL" -v xdp "$CORE_OBJ" veth-b --prog exists_fields --pin "$PIN/corex" >"$TMP/corex.out" 2>"$TMP/corex.err"
check_eq "-v xdp core_fields --prog exists_fields: exit 0" "$?" 0
check_eq "-v xdp: one line per CO-RE relocation" "$(core_lines "$TMP/corex.err")" "$NRELO"
in_b "$RL" detach xdp veth-b --pin "$PIN/corex" >/dev/null 2>&1
check_eq "-v xdp: detached" "$?" 0

finish
