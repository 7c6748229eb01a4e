#!/bin/bash
# test_link_sockops.sh - `rawload sockops --link` and `--pinned` (issue 14).
#
# The sockops program attached by a cgroup link (BPF_LINK_CREATE,
# BPF_CGROUP_SOCK_OPS) and sk_msg by a sockmap link (BPF_SK_MSG_VERDICT on
# the sockhash, Linux 6.10+; BPF_PROG_ATTACH below, said in one line), each
# pinned in the pin directory: the redirect works for IPv4, IPv6 and dual
# stack with no payload on lo (lib_sockops.sh's tcpdump proof), `bpftool
# link list` shows the links, `rawload show` names them as the holders,
# `rawload detach sockops` BPF_LINK_DETACHes them and the kernel frees links
# and programs.  Then load-then-attach (`rawload load --pin DIR` +
# `rawload sockops --pinned DIR`, with and without --link), and SIGKILL at a
# link's pin: nothing stays attached.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_sockops.sh"
[ "$(id -u)" = 0 ] || { echo "$T_NAME: skipped (needs root)"; exit 0; }

SOCKREDIR=$TOP/bpf/sockredir.bpf.o
sockops_setup
on_exit "rm -rf '$PIN-l' '$PIN-a' '$PIN-k' '$PIN-c' '$PIN-1'"

prog_gone() { ! bpftool prog show id "$1" >/dev/null 2>&1; }
link_gone() { ! bpftool link show id "$1" >/dev/null 2>&1; }
cg_prog_count() { bpftool cgroup show "$CG" 2>/dev/null | awk 'NR > 1' | wc -l; }
cg_empty() { [ "$(cg_prog_count)" = 0 ]; }
no_cg_link() { ! bpftool link list 2>/dev/null | grep -q "cgroup_id $(stat -c %i "$CG") "; }
# programs of this test (other work on the machine has other names)
our_prog_ids() { bpftool prog list 2>/dev/null | grep -E '^[0-9]+: .*name sockredir_' | cut -d: -f1 | sort; }
ids_from() { sed -n 's/.*(prog id \([0-9]*\)).*/\1/p' "$1"; }
link_from() { sed -n "s/.*with $2 link id \([0-9]*\).*/\1/p" "$1"; }
# "TYPE PROG_ID" of link id $1 as bpftool sees it
link_seen() {
	bpftool link show id "$1" -j 2>/dev/null |
		python3 -c 'import json,sys; l = json.load(sys.stdin); print(l.get("type"), l.get("prog_id"))'
}
# wait up to 5 s for the kernel to free an id (links go from a work queue)
gone() { for _ in $(seq 50); do "$@" && return 0; sleep 0.1; done; return 1; }
SOCKMAP_LINKS=0
kernel_at_least 6 10 && SOCKMAP_LINKS=1
PROGS_BEFORE=$(our_prog_ids)

echo "== rawload sockops --link: a cgroup link, and a sockmap link where the kernel has them =="
transfer before v4 tcp
timeout 30 "$RL" sockops "$SOCKREDIR" --cgroup "$CG" --pin "$PIN" --link >"$TMP/link.out" 2>&1
check_eq "sockops --link: exit 0" "$?" 0
sed 's/^/     | /' "$TMP/link.out"
IDS=$(ids_from "$TMP/link.out")
SOCKOPS_ID=$(sed -n 's/^attached sockops .*(prog id \([0-9]*\)).*/\1/p' "$TMP/link.out")
MSG_ID=$(sed -n 's/^attached sk_msg .*(prog id \([0-9]*\)).*/\1/p' "$TMP/link.out")
CGLINK=$(link_from "$TMP/link.out" cgroup)
check "the report names the cgroup link" test -n "$CGLINK"
check "cgroup link pinned" test -e "$PIN/link_sockops_sockredir_sockops"
check_eq "bpftool link list: cgroup link $CGLINK holds the sockops program" "$(link_seen "$CGLINK")" \
	"cgroup $SOCKOPS_ID"
check_contains "bpftool cgroup show: the sockops program is on the cgroup" \
	"$(bpftool cgroup show "$CG")" "sockredir_sockops"
if [ $SOCKMAP_LINKS = 1 ]; then
	MSGLINK=$(link_from "$TMP/link.out" sockmap)
	check "the report names the sockmap link" test -n "$MSGLINK"
	check "sockmap link pinned" test -e "$PIN/link_sk_msg_sockredir_msg"
	# bpftool 7.1 does not know link type 14 by name
	check_contains "bpftool link list: sockmap link $MSGLINK holds the sk_msg program" \
		"$(link_seen "$MSGLINK")" " $MSG_ID"
else
	MSGLINK=
	check_contains "no sockmap links on this kernel: said once, naming 6.10" "$(cat "$TMP/link.out")" \
		"no sockmap links (Linux 6.10"
fi

echo "== rawload show: the links are the holders =="
show=$("$RL" show --cgroup "$CG" 2>&1)
check_contains "show --cgroup: the cgroup link holds the sockops program" "$show" \
	"held by:    link $CGLINK (cgroup $CG, CGROUP_SOCK_OPS)"
check_contains "show --cgroup: ... which removing the cgroup detaches, the link keeping the program" \
	"$show" "if the cgroup is removed the kernel detaches it"
check_contains "show --cgroup: freed when the link and the pin go" "$show" \
	"freed when: link $CGLINK loses its last pin and fd + unpin $PIN/sockredir_sockops"
if [ -n "$MSGLINK" ]; then
	check_contains "show --cgroup: the sockmap link holds the sk_msg program" "$show" \
		"link $MSGLINK (sockmap map "
	check_contains "show --cgroup: the sockmap link keeps the sockhash" "$show" \
		"link $MSGLINK (sockmap, of program $MSG_ID: keeps this map)"
	check_contains "show --cgroup: sk_msg freed when its link and pin go" "$show" \
		"freed when: link $MSGLINK loses its last pin and fd + unpin $PIN/sockredir_msg"
fi

echo "== 4 MiB transfers through the links: IPv4, IPv6, dual stack =="
transfer link-v4 v4 redirect
transfer link-v6 v6 redirect
transfer link-dual dual redirect

echo "== BPF_PROG_DETACH cannot take a linked program =="
out=$(bpftool cgroup detach "$CG" sock_ops id "$SOCKOPS_ID" 2>&1)
check "bpftool cgroup detach (BPF_PROG_DETACH) refused" test $? -ne 0
check_eq "the program is still on the cgroup" "$(cg_prog_count)" 1

echo "== rawload detach sockops: BPF_LINK_DETACH, unpin, freed =="
"$RL" detach sockops --cgroup "$CG" --pin "$PIN" >"$TMP/detach.out" 2>&1
check_eq "detach sockops: exit 0" "$?" 0
sed 's/^/     | /' "$TMP/detach.out"
check_contains "detach: the cgroup link, by BPF_LINK_DETACH" "$(cat "$TMP/detach.out")" \
	"detached cgroup link id $CGLINK (sockops prog id $SOCKOPS_ID) from cgroup $CG: BPF_LINK_DETACH"
check_contains "detach: cgroup link freed" "$(cat "$TMP/detach.out")" "link id $CGLINK freed"
check "bpftool: cgroup link $CGLINK gone" gone link_gone "$CGLINK"
if [ -n "$MSGLINK" ]; then
	check_contains "detach: the sockmap link, by BPF_LINK_DETACH" "$(cat "$TMP/detach.out")" \
		"detached sockmap link id $MSGLINK"
	check_contains "detach: sockmap link freed" "$(cat "$TMP/detach.out")" "link id $MSGLINK freed"
	check "bpftool: sockmap link $MSGLINK gone" gone link_gone "$MSGLINK"
fi
for id in $IDS; do
	check_contains "detach reports program $id freed" "$(cat "$TMP/detach.out")" "program id $id freed"
	check "program $id gone (bpftool)" gone prog_gone "$id"
done
check_eq "nothing on the cgroup" "$(cg_prog_count)" 0
check "pin directory gone" test ! -e "$PIN"
transfer after v4 tcp

echo "== load then attach: rawload load --pin DIR, rawload sockops --pinned DIR =="
for how in link attach; do
	dir=$PIN-${how:0:1}
	"$RL" load "$SOCKREDIR" --pin "$dir" >"$TMP/load-$how.out" 2>&1
	check_eq "load --pin ($how): exit 0" "$?" 0
	LIDS=$(awk '$2 == "SOCK_OPS" || $2 == "SK_MSG" { print $3 }' "$TMP/load-$how.out")
	check_eq "load: two programs" "$(echo $LIDS | wc -w)" 2
	flag=; [ $how = link ] && flag=--link
	timeout 30 "$RL" sockops --pinned "$dir" --cgroup "$CG" $flag >"$TMP/pinned-$how.out" 2>&1
	check_eq "sockops --pinned $flag: exit 0" "$?" 0
	sed 's/^/     | /' "$TMP/pinned-$how.out"
	check_eq "sockops --pinned $flag: the loaded programs were attached (no new ones)" \
		"$(ids_from "$TMP/pinned-$how.out" | sort | tr '\n' ' ')" "$(echo $LIDS | tr ' ' '\n' | sort | tr '\n' ' ')"
	if [ $how = link ]; then
		PLINK=$(link_from "$TMP/pinned-$how.out" cgroup)
		check "--pinned --link: the cgroup link pinned in DIR" test -e "$dir/link_sockops_sockredir_sockops"
		check_contains "--pinned --link: bpftool sees the cgroup link" "$(link_seen "$PLINK")" "cgroup "
	fi
	transfer pinned-$how-v4 v4 redirect
	transfer pinned-$how-dual dual redirect
	"$RL" detach sockops --cgroup "$CG" --pin "$dir" >"$TMP/pdetach-$how.out" 2>&1
	check_eq "detach after --pinned $flag: exit 0" "$?" 0
	for id in $LIDS; do check "program $id freed" gone prog_gone "$id"; done
	check_eq "nothing on the cgroup" "$(cg_prog_count)" 0
	check "pin directory gone" test ! -e "$dir"
done
out=$("$RL" sockops --pinned "$TMP" --cgroup "$CG" 2>&1); rc=$?
check_eq "--pinned on a directory that is not bpffs: exit 1" "$rc" 1

echo "== the lab's order, one program at a time: --pinned DIR/PROG, then --pinned id:N --link =="
dir=$PIN-1
"$RL" load "$SOCKREDIR" --pin "$dir" >"$TMP/load-1.out" 2>&1
check_eq "load --pin (one by one): exit 0" "$?" 0
MSG_ID=$(awk '$2 == "SK_MSG" { print $3 }' "$TMP/load-1.out")
OPS_ID=$(awk '$2 == "SOCK_OPS" { print $3 }' "$TMP/load-1.out")
MAP_PIN=$dir/sock_ops_map
out=$("$RL" sockops --pinned "$MAP_PIN" --cgroup "$CG" 2>&1); rc=$?
check_eq "--pinned on a map's pin: exit 1" "$rc" 1
check_contains "--pinned on a map's pin: says what it is" "$out" "not a sockops or sk_msg program"
out=$("$RL" sockops --pinned "$dir/no_such_prog" --cgroup "$CG" 2>&1); rc=$?
check_eq "--pinned on a missing pin: exit 1" "$rc" 1
out=$("$RL" sockops --pinned "$dir/sockredir_msg" --cgroup "$CG" 2>&1); rc=$?
check_eq "--pinned DIR/sockredir_msg: exit 0" "$rc" 0
check_eq "--pinned DIR/PROG attached only that program" "$(ids_from <(echo "$out") | tr '\n' ' ')" "$MSG_ID "
check_eq "--pinned DIR/PROG: nothing on the cgroup yet" "$(cg_prog_count)" 0
transfer onebyone-msg-only v4 tcp
out=$("$RL" sockops --pinned "id:$OPS_ID" --link --cgroup "$CG" 2>&1); rc=$?
check_eq "--pinned id:N --link: exit 0" "$rc" 0
check_eq "--pinned id:N attached program N" "$(ids_from <(echo "$out") | tr '\n' ' ')" "$OPS_ID "
check "--pinned id:N --link: the link pinned beside the program's pin" \
	test -e "$dir/link_sockops_sockredir_sockops"
transfer onebyone-v4 v4 redirect
"$RL" detach sockops --cgroup "$CG" --pin "$dir" >"$TMP/pdetach-1.out" 2>&1
check_eq "detach after one by one: exit 0" "$?" 0
for id in $MSG_ID $OPS_ID; do check "program $id freed" gone prog_gone "$id"; done
check_eq "nothing on the cgroup" "$(cg_prog_count)" 0
check "pin directory gone" test ! -e "$dir"
out=$("$RL" sockops --pinned id:4294967295 --cgroup "$CG" 2>&1); rc=$?
check_eq "--pinned id of no program: exit 1" "$rc" 1

echo "== SIGKILL at a link's pin leaves nothing attached =="
# the link's BPF_OBJ_PIN comes right after its BPF_LINK_CREATE: kill rawload
# just before it (strace counts the bpf calls of a clean run)
strace -f -qq -e trace=bpf -o "$TMP/count.trace" "$RL" sockops "$SOCKREDIR" --cgroup "$CG" \
	--pin "$PIN-c" --link >/dev/null 2>&1
"$RL" detach sockops --cgroup "$CG" --pin "$PIN-c" >/dev/null 2>&1
pins=$(grep -n 'BPF_OBJ_PIN' "$TMP/count.trace" | cut -d: -f1)
for which in first last; do
	n=$(echo "$pins" | { [ $which = first ] && [ $SOCKMAP_LINKS = 1 ] && tail -2 | head -1 || tail -1; })
	before=$(our_prog_ids)
	(strace -f -qq -o /dev/null -e trace=bpf -e inject=bpf:error=EINTR:signal=SIGKILL:when="$n" \
		"$RL" sockops "$SOCKREDIR" --cgroup "$CG" --pin "$PIN-k" --link >/dev/null 2>&1) 2>/dev/null
	what=$([ $which = last ] && echo "the cgroup link's pin" || echo "the first link's pin")
	check "killed at $what (bpf call $n): nothing on the cgroup" gone cg_empty
	check "killed at $what: no cgroup link on the cgroup" gone no_cg_link
	"$RL" detach sockops --cgroup "$CG" --pin "$PIN-k" >"$TMP/kdetach.out" 2>&1
	check "killed at $what: the next detach recovers the directory" test ! -e "$PIN-k"
	new=$(comm -13 <(echo "$before") <(our_prog_ids) | tr '\n' ' ')
	for _ in $(seq 50); do
		new=$(comm -13 <(echo "$before") <(our_prog_ids) | tr '\n' ' ')
		[ -z "${new// }" ] && break
		sleep 0.1
	done
	check_eq "killed at $what: no program of the run left" "$new" ""
done

echo "== bpftool prog list as it was =="
for _ in $(seq 50); do
	left=$(comm -13 <(echo "$PROGS_BEFORE") <(our_prog_ids) | tr '\n' ' ')
	[ -z "${left// }" ] && break
	sleep 0.1
done
check_eq "no program of this test left" "$left" ""

echo "== figures =="
for f in "${FIGURES[@]}"; do echo "  $f"; done
finish
