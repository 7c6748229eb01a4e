#!/bin/bash
# test_narration.sh - the kernel paths --explain prints (derived from the
# Linux source, not traced) against the stacks the kernel really ran
# (issue 15).  For XDP native, XDP skb, an EBUSY attach and a verifier
# refusal, `perf record -g` samples the command's kernel stacks (cpu-clock
# at 100 kHz) and takes a stack at the tracepoints netlink:netlink_extack and
# xdp:* (kprobes and function tracing are not available on every kernel;
# these are).  The test fails when the narration names a function on a path
# the kernel did not take:
#
#   - every function of CHECKED that the narration's trees name must be in
#     the recorded stacks (each runs long enough - allocations, text pokes,
#     RCU waits - for the sampler to see it; shorter ones are not checked,
#     since "not sampled" is not "not called");
#   - a refusal's tree ends at the function that raised the extack (the
#     frame under do_trace_netlink_extack) or, for the verifier, at bpf_check,
#     and the stacks show nothing of what the tree leaves out.
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "$T_NAME: skipped (needs root)"; exit 0; }
command -v perf >/dev/null || { echo "$T_NAME: skipped (no perf: tests/install-deps.sh installs linux-perf)"; exit 0; }

XDP_OBJ="$TOP/bpf/xdp_drop_ping.bpf.o"
TMP=$(mktemp -d /tmp/rawload-test-narration.XXXXXX)
on_exit "rm -rf '$TMP'"
make_veth_pair
make_pin_dir
PIN_EBUSY=$PIN/ebusy
on_exit "nsenter --net=/run/netns/$NS_B '$RL' detach xdp veth-b"

CHECKED="dev_xdp_attach dev_xdp_install veth_xdp generic_xdp_install bpf_dispatcher_change_prog bpf_check bpf_int_jit_compile bpf_xdp_link_attach"

# record NAME rawload-args... : narration in $TMP/NAME.out, stacks in $TMP/NAME.stacks
record() {
	local name=$1; shift
	perf record -q -e netlink:netlink_extack -e 'xdp:*' -e cpu-clock -c 10000 -g -o "$TMP/$name.data" -- \
		nsenter --net="/run/netns/$NS_B" "$RL" --explain "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	local rc=$?
	# one line per event ("comm event:"), then one "<TAB>function" line per frame
	perf script -i "$TMP/$name.data" -F comm,event,ip,sym 2>/dev/null |
		awk '/^\t/ { print "\t" $2; next } { print }' >"$TMP/$name.stacks"
	return $rc
}

# the functions the narration's kernel-path trees name (first word of each tree line)
named() {
	awk '/^  kernel path +from the Linux source/ { t = 1; next }
	     t && /^                     / { print $1; next }
	     { t = 0 }' "$1" | sed 's/<-.*//' | sort -u
}
seen() { grep -qE "^[[:space:]]+$1(\.[a-z]+\.[0-9]+)?$" "$2"; }

# every CHECKED function the narration names was on a stack of the command
named_were_run() {
	local name=$1 f
	for f in $CHECKED; do
		named "$TMP/$name.out" | grep -qx "$f" || continue
		if seen "$f" "$TMP/$name.stacks"; then pass "$name: named $f, and the kernel ran it"
		else fail "$name: the narration names $f, but no kernel stack of the command has it"; fi
	done
}

echo "== native attach"
record native xdp "$XDP_OBJ" veth-b
check_eq "native: exit 0" "$?" 0
check "native: stacks recorded" test -s "$TMP/native.stacks"
named_were_run native
check "native: the tree names the driver's ndo_bpf (veth_xdp)" bash -c "grep -q '^ *veth_xdp ' '$TMP/native.out'"
check "native: the tree does not name generic_xdp_install" bash -c "! grep -q generic_xdp_install '$TMP/native.out'"
check "native: the kernel did not run generic_xdp_install" bash -c "! grep -qE '^[[:space:]]+generic_xdp_install$' '$TMP/native.stacks'"

echo "== EBUSY attach (a program is already there)"
# its own pin directory: the pins come before the attach, so in the first
# attach's directory the second would stop at BPF_OBJ_PIN, before the kernel
record ebusy xdp "$XDP_OBJ" veth-b --pin "$PIN_EBUSY"
check "ebusy: refused" test "$?" -ne 0
extack_caller=$(awk '/netlink:netlink_extack/ { e = 1; next }
	e && NF == 1 && $1 !~ /netlink_extack/ { print $1; exit }' "$TMP/ebusy.stacks" | sed 's/\.isra\.[0-9]*$//')
check_eq "ebusy: the kernel raised the extack in" "$extack_caller" dev_xdp_attach
stop=$(grep -- '<- refused here' "$TMP/ebusy.out" | grep -v bpf_ | awk '{ print $1 }' | tail -1)
check_eq "ebusy: the narration's tree stops at the same function" "$stop" "$extack_caller"
setlink=$(awk '/netlink RTM_SETLINK/ { s = 1 } s' "$TMP/ebusy.out")
check "ebusy: nothing below dev_xdp_attach is named" bash -c \
	"! grep -qE 'dev_xdp_install|veth_xdp|bpf_dispatcher_change_prog|ndo_bpf' <<<'$setlink'"
check "ebusy: and the kernel never entered dev_xdp_install" bash -c \
	"! grep -qE '^[[:space:]]+(dev_xdp_install|veth_xdp)$' '$TMP/ebusy.stacks'"
named_were_run ebusy
nsenter --net="/run/netns/$NS_B" "$RL" detach xdp veth-b >/dev/null 2>&1

echo "== skb attach"
record skb xdp "$XDP_OBJ" veth-b --mode skb
check_eq "skb: exit 0" "$?" 0
named_were_run skb
check "skb: the tree names generic_xdp_install" bash -c "grep -q '^ *generic_xdp_install ' '$TMP/skb.out'"
check "skb: the tree names no driver ndo_bpf" bash -c "! grep -qE '^ +(veth_xdp|ndo_bpf) ' '$TMP/skb.out'"
check "skb: the kernel did not run veth_xdp" bash -c "! grep -qE '^[[:space:]]+veth_xdp$' '$TMP/skb.stacks'"
nsenter --net="/run/netns/$NS_B" "$RL" detach xdp veth-b >/dev/null 2>&1

echo "== XDP link (BPF_LINK_CREATE), then EBUSY from a second link"
record link xdp "$XDP_OBJ" veth-b --link --pin "$PIN/link"
check_eq "link: exit 0" "$?" 0
named_were_run link
check "link: the tree names bpf_xdp_link_attach and the driver's ndo_bpf" bash -c \
	"grep -q '^ *bpf_xdp_link_attach ' '$TMP/link.out' && grep -q '^ *veth_xdp ' '$TMP/link.out'"
record linkbusy xdp "$XDP_OBJ" veth-b --link --pin "$PIN/linkbusy"
check "linkbusy: refused" test "$?" -ne 0
check "linkbusy: the kernel fired xdp:bpf_xdp_link_attach_failed" grep -q 'xdp:bpf_xdp_link_attach_failed' "$TMP/linkbusy.stacks"
check "linkbusy: the narration's tree stops at dev_xdp_attach" bash -c \
	"grep -qE '^ +dev_xdp_attach .*<- refused here' '$TMP/linkbusy.out'"
awk '/BPF_LINK_CREATE/ { s = 1 } s && /^  result/ { exit } s' "$TMP/linkbusy.out" >"$TMP/linkbusy.create"
check "linkbusy: nothing below dev_xdp_attach is named" bash -c \
	"! grep -qE 'dev_xdp_install|veth_xdp|bpf_link_settle' '$TMP/linkbusy.create'"
check "linkbusy: and the kernel never entered dev_xdp_install" bash -c \
	"! grep -qE '^[[:space:]]+(dev_xdp_install|veth_xdp)$' '$TMP/linkbusy.stacks'"
nsenter --net="/run/netns/$NS_B" "$RL" detach xdp veth-b --pin "$PIN/link" >/dev/null 2>&1

echo "== verifier refusal"
record reject xdp "$OBJ/verifier_reject.bpf.o" veth-b
check "reject: refused" test "$?" -ne 0
check "reject: the load's tree stops at bpf_check" bash -c "grep -qE '^ +bpf_check .*<- refused here' '$TMP/reject.out'"
check "reject: no JIT, id or fd is named" bash -c \
	"! grep -qE '^ +(bpf_prog_select_runtime|bpf_int_jit_compile|bpf_prog_alloc_id|bpf_prog_new_fd)( |$)' '$TMP/reject.out'"
check "reject: the kernel ran bpf_check" seen bpf_check "$TMP/reject.stacks"
check "reject: the kernel never JIT-compiled" bash -c "! grep -qE '^[[:space:]]+bpf_int_jit_compile$' '$TMP/reject.stacks'"
named_were_run reject

finish
