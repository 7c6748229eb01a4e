#!/bin/bash
# test_sockops.sh - `rawload sockops` / `detach sockops` / `show --cgroup`
# (SPEC §3, §4, §5; issue 5).
#
# Isolation: a child cgroup of the v2 mount (only processes the test moves
# there are affected), a private network namespace whose loopback carries
# the test traffic (the host's lo is never touched) and private pin
# directories.  Server and client (tests/tools/xfer.c) run in that cgroup
# AND that netns; tcpdump watches the namespace's lo.
#
# With the redirect on, payload goes socket to socket and lo carries only
# the handshake and the teardown: every segment tcpdump prints has
# "length 0".  After `rawload detach sockops` the same transfer shows
# payload on lo again, which proves the check can fail.
#
# Known kernel behaviour: with the redirect on, a blocking read() may return
# EAGAIN now and then.  xfer retries and counts; the totals are reported.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/lib_sockops.sh"

RL=${RAWLOAD:-$RL}
# SOCKREDIR_OBJ=variant.bpf.o runs every check against another build of it
# (how a faulty variant was shown to fail them)
SOCKREDIR=${SOCKREDIR_OBJ:-$TOP/bpf/sockredir.bpf.o}
SEED=$TOP/bpf/seed

sockops_setup

sk_msg_count() { bpftool prog show 2>/dev/null | grep -c 'sk_msg  name sockredir_msg'; }
prog_gone() { ! bpftool prog show id "$1" >/dev/null 2>&1; }
cg_prog_count() { bpftool cgroup show "$CG" 2>/dev/null | awk 'NR > 1' | wc -l; }
ids_from() { sed -n 's/.*(prog id \([0-9]*\)).*/\1/p' "$1"; }


echo "== errors: a cgroup v1 path, a missing cgroup =="
V1=$(awk '$9 == "cgroup" { print $5; exit }' /proc/self/mountinfo)
if [ -n "$V1" ]; then
	out=$("$RL" sockops "$SOCKREDIR" --cgroup "$V1" --pin "$PIN" 2>&1); rc=$?
	check_eq "cgroup v1 path ($V1): exit 1" "$rc" 1
	check_contains "cgroup v1 path: says so" "$out" "cgroup v1"
else
	echo "  skip: no cgroup v1 hierarchy mounted here"
fi
out=$("$RL" sockops "$SOCKREDIR" --cgroup "$CG-missing" --pin "$PIN" 2>&1); rc=$?
check_eq "missing cgroup: exit 1" "$rc" 1
check_contains "missing cgroup: says so" "$out" "does not exist"
check "nothing pinned after the refusals" [ ! -e "$PIN" ]
check_eq "nothing attached after the refusals" "$(cg_prog_count)" 0

echo "== baseline: no redirect, payload is on lo =="
transfer before v4 tcp

echo "== rawload sockops (run inside the child cgroup: the default cgroup is that child) =="
in_cgroup timeout 30 "$RL" sockops "$SOCKREDIR" --pin "$PIN" >"$TMP/attach.out" 2>"$TMP/attach.err"
check_eq "rawload sockops: exit 0" "$?" 0
sed 's/^/     | /' "$TMP/attach.out" "$TMP/attach.err"
check_contains "default cgroup is the child rawload runs in" "$(cat "$TMP/attach.err")" "$CG"
ATTACHED_IDS=$(ids_from "$TMP/attach.out")
check_eq "two programs attached (sk_msg + sockops)" "$(echo "$ATTACHED_IDS" | wc -w)" 2
cgshow=$(bpftool cgroup show "$CG")
check_contains "bpftool cgroup show: sockops program, flags multi" "$cgshow" "multi"
check_contains "bpftool cgroup show: it is sockredir_sockops" "$cgshow" "sockredir_sockops"
check "pins present" [ -e "$PIN/sockredir_sockops" -a -e "$PIN/sockredir_msg" -a -e "$PIN/sock_ops_map" ]
show=$("$RL" show --cgroup "$CG" 2>&1)
for id in $ATTACHED_IDS; do
	check_contains "rawload show --cgroup lists prog id $id" "$show" "prog id $id"
done
check_contains "rawload show --cgroup: the sk_msg program on the sockhash" "$show" "sk_msg (BPF_SK_MSG_VERDICT): prog id"
check_contains "show --cgroup: the sockops program is held by the cgroup" "$show" \
	"held by:    cgroup $CG (CGROUP_SOCK_OPS attachment)"
check_contains "show --cgroup: ... and by its pin" "$show" "pin $PIN/sockredir_sockops"
check_contains "show --cgroup: the sk_msg program is held by the sockhash" "$show" \
	"'sock_ops_map' (SK_MSG_VERDICT attachment)"
check_contains "show --cgroup: ... and by its pin" "$show" "pin $PIN/sockredir_msg"
check_contains "show --cgroup: the sockhash's pin" "$show" "pin $PIN/sock_ops_map"
check_contains "show --cgroup: what frees the sockops program" "$show" \
	"freed when: detach from cgroup $CG + unpin $PIN/sockredir_sockops"
check_contains "show --cgroup: what frees the sk_msg program" "$show" "+ unpin $PIN/sockredir_msg"

echo "== 4 MiB transfers with the redirect: IPv4, IPv6, dual stack =="
transfer redir-v4 v4 redirect
transfer redir-v6 v6 redirect
transfer redir-dual dual redirect

echo "== a write right after connect() is never lost (200 serial connections per family) =="
for mode in v4 v6 dual; do
	capture_start "first-$mode"
	xfer_run "first-$mode" "$mode" --bytes 1000 --conns 200 --serial
	check_eq "first write after connect ($mode): 200 connections intact" "$?" 0
	capture_stop
	read -r t p b < <(segments "first-$mode")
	FIGURES+=("first-write $mode: 200 connections x 1000 bytes, $p of $t segments on lo carried payload (took the TCP path)")
done

echo "== the peer is not in the sockhash: the write still succeeds and the data arrives =="
# xfer listens outside the child cgroup and then moves itself into it: its
# client sockets are the cgroup's, the server side is not, so the sockops
# program inserts only the client, and the sk_msg program's lookup of the
# peer fails on every write.  bpf_msg_redirect_hash() then returns SK_DROP;
# the seed tutorial returned that, and the writer got EACCES.
for mode in v4 v6 dual; do
	capture_start "nopeer-$mode"
	nsenter --net="/run/netns/$NS" timeout 60 "$XFER" "$mode" --bytes 1048576 --conns 10 \
		--join-cgroup "$CG" >"$TMP/nopeer-$mode.out" 2>"$TMP/nopeer-$mode.err"
	rc=$?
	capture_stop
	check_eq "peer not in the map ($mode): 10 x 1 MiB written and received intact" "$rc" 0
	check "peer not in the map ($mode): no write failed (EACCES)" \
		bash -c "! grep -q 'Permission denied' '$TMP/nopeer-$mode.err'"
	read -r t p b < <(segments "nopeer-$mode")
	check "peer not in the map ($mode): it took the TCP path ($p payload segments on lo)" [ "$p" -gt 0 ]
	FIGURES+=("peer not in the map $mode: 10 x 1 MiB intact over TCP, $p of $t segments on lo carried payload")
done

echo "== 100 concurrent connections =="
for mode in v4 v6 dual; do
	capture_start "conc-$mode"
	xfer_run "conc-$mode" "$mode" --bytes 262144 --conns 100 --sync
	check_eq "100 concurrent connections ($mode): all intact" "$?" 0
	capture_stop
	read -r t p b < <(segments "conc-$mode")
	check_eq "100 concurrent connections ($mode): no payload on lo ($t segments)" "$p" 0
	FIGURES+=("concurrent $mode: 100 x 256 KiB, $t segments on lo, $p with payload")
done
entries=$("$RL" --json show --cgroup "$CG" | grep -oE '"entries":[0-9-]+' | head -1 | cut -d: -f2)
check_eq "sockhash empty once the sockets are closed" "$entries" 0

echo "== rawload detach sockops =="
"$RL" detach sockops --cgroup "$CG" --pin "$PIN" >"$TMP/detach.out" 2>&1
check_eq "rawload detach sockops: exit 0" "$?" 0
sed 's/^/     | /' "$TMP/detach.out"
check_eq "no program left on the cgroup (bpftool cgroup show)" "$(cg_prog_count)" 0
check_contains "show --cgroup after detach: nothing attached" "$("$RL" show --cgroup "$CG" 2>&1)" \
	"sock_ops (BPF_CGROUP_SOCK_OPS): nothing attached"
check "pins and pin directory gone" [ ! -e "$PIN" ]
for id in $ATTACHED_IDS; do
	check "program $id freed" prog_gone "$id"
done
out=$("$RL" detach sockops --cgroup "$CG" 2>&1); rc=$?
check_eq "a second detach finds nothing: exit 1" "$rc" 1
check_contains "a second detach says so" "$out" "nothing to detach"
transfer after v4 tcp

echo "== default pin directory; detach without --pin finds it =="
# a private copy, so the default <bpffs>/rawload/<object name> is ours alone
cp "$SOCKREDIR" "$TMP/sockredir_$ID.bpf.o"
DEFPIN=$(awk '$9 == "bpf" { print $5; exit }' /proc/self/mountinfo)/rawload/sockredir_$ID
on_exit "rm -rf '$DEFPIN'"
timeout 30 "$RL" sockops "$TMP/sockredir_$ID.bpf.o" --cgroup "$CG" >"$TMP/def.out" 2>&1
check_eq "rawload sockops without --pin: exit 0" "$?" 0
check "pins under the default $DEFPIN" [ -e "$DEFPIN/sockredir_sockops" ]
DEF_IDS=$(ids_from "$TMP/def.out")
"$RL" detach sockops --cgroup "$CG" >"$TMP/def-detach.out" 2>&1
check_eq "rawload detach sockops without --pin: exit 0" "$?" 0
check_contains "it found the default pin directory" "$(cat "$TMP/def-detach.out")" "removed $DEFPIN"
check "default pin directory gone" [ ! -e "$DEFPIN" ]
check_eq "no program left on the cgroup" "$(cg_prog_count)" 0
for id in $DEF_IDS; do check "program $id freed" prog_gone "$id"; done

echo "== a tiny sockhash (max_entries 2) overflows without losing data =="
clang -O2 -g -target bpf -I"/usr/include/$(gcc -dumpmachine)" -I"$TOP/bpf" -DSOCK_MAP_MAX_ENTRIES=2 \
	-c -o "$TMP/sockredir_tiny.bpf.o" "$TOP/bpf/sockredir.bpf.c"
check "tiny variant builds" [ -s "$TMP/sockredir_tiny.bpf.o" ]
timeout 30 "$RL" sockops "$TMP/sockredir_tiny.bpf.o" --cgroup "$CG" --pin "$PIN-tiny" >"$TMP/tiny.out" 2>&1
check_eq "rawload sockops (tiny map): exit 0" "$?" 0
TINY_IDS=$(ids_from "$TMP/tiny.out")
transfer tiny-one v4 redirect   # one connection fits: the map works
capture_start tiny
xfer_run tiny v4 --bytes 262144 --conns 100 --sync
check_eq "tiny map: 100 concurrent connections intact" "$?" 0
capture_stop
read -r t p b < <(segments tiny)
check "tiny map: overflowed connections took the TCP path (payload on lo: $p segments)" [ "$p" -gt 0 ]
FIGURES+=("tiny map (2 entries): 100 x 256 KiB intact, $p of $t segments on lo carried payload ($b bytes)")
"$RL" detach sockops --cgroup "$CG" --pin "$PIN-tiny" >/dev/null 2>&1
check_eq "tiny map: detached" "$?" 0
for id in $TINY_IDS; do check "tiny map: program $id freed" prog_gone "$id"; done

echo "== other users' programs on the cgroup =="
# A program somebody else attached: rawload loads its own copy under
# $PIN-other and bpftool attaches it, as a stranger would.
"$RL" load "$SOCKREDIR" --pin "$PIN-other" >/dev/null 2>&1
on_exit "bpftool cgroup detach '$CG' sock_ops pinned '$PIN-other/sockredir_sockops'; rm -rf '$PIN-other'"
FOREIGN=$(bpftool prog show pinned "$PIN-other/sockredir_sockops" | grep -oE '^[0-9]+')
bpftool cgroup attach "$CG" sock_ops pinned "$PIN-other/sockredir_sockops" multi
timeout 30 "$RL" sockops "$SOCKREDIR" --cgroup "$CG" --pin "$PIN" >"$TMP/multi.out" 2>&1
check_eq "beside a stranger's ALLOW_MULTI program: attached" "$?" 0
check_eq "both programs on the cgroup" "$(cg_prog_count)" 2
"$RL" detach sockops --cgroup "$CG" >"$TMP/multi-detach.out" 2>&1
check_eq "detach without --pin: no pin dir under <bpffs>/rawload is ours: exit 1" "$?" 1
# pins are never followed through a link: one inside the pin directory
# pointing at the stranger's pin, and one standing for the directory itself
ln -s "$PIN-other/sockredir_sockops" "$PIN/zz_stranger"
ln -s "$PIN" "$PIN-link"
on_exit "rm -f '$PIN-link'"
out=$("$RL" detach sockops --cgroup "$CG" --pin "$PIN-link" 2>&1); rc=$?
check_eq "detach --pin through a symbolic link: refused (exit 1)" "$rc" 1
check_contains "detach --pin through a symbolic link: says so" "$out" "is a symbolic link"
check_eq "detach --pin through a symbolic link: both programs still attached" "$(cg_prog_count)" 2
"$RL" detach sockops --cgroup "$CG" --pin "$PIN" >"$TMP/multi-detach.out" 2>&1
check_eq "detach --pin: exit 0" "$?" 0
check_eq "the stranger's program is still attached" "$(bpftool cgroup show "$CG" | awk 'NR > 1 { print $1 }')" "$FOREIGN"
check "the link in the pin directory was not followed: the stranger's pin is there" \
	[ -e "$PIN-other/sockredir_sockops" ]
check_contains "detach reports the link it removed" "$(cat "$TMP/multi-detach.out")" \
	"removed symbolic link $PIN/zz_stranger (not followed)"
check "pin directory gone" [ ! -e "$PIN" ]
check_contains "detach names the stranger's program it left alone" "$(cat "$TMP/multi-detach.out")" \
	"sockops program $FOREIGN 'sockredir_socko' that rawload did not attach"
check_contains "... and how to detach it anyway" "$(cat "$TMP/multi-detach.out")" "--id $FOREIGN"
out=$("$RL" detach sockops --cgroup "$CG" --id $((FOREIGN + 100000)) 2>&1); rc=$?
check_eq "detach --id of a program not on the cgroup: exit 1" "$rc" 1
check_contains "detach --id of a program not on the cgroup: says so" "$out" "is not attached to cgroup $CG"
out=$("$RL" detach sockops --cgroup "$CG" --id "$FOREIGN" 2>&1); rc=$?
check_eq "detach sockops --id (the stranger's): exit 0" "$rc" 0
check_contains "detach --id: reports it" "$out" "(prog id $FOREIGN) from cgroup $CG"
check_eq "detach --id: nothing left on the cgroup" "$(cg_prog_count)" 0
check "detach --id: the stranger's pins are not rawload's to remove" [ -e "$PIN-other/sockredir_sockops" ]
bpftool cgroup attach "$CG" sock_ops pinned "$PIN-other/sockredir_sockops"   # exclusive: no flags
msg_before=$(sk_msg_count)
out=$(timeout 30 "$RL" sockops "$SOCKREDIR" --cgroup "$CG" --pin "$PIN" 2>&1); rc=$?
check_eq "beside a stranger's exclusive program: refused with exit 1" "$rc" 1
check_contains "the refusal explains BPF_F_ALLOW_MULTI" "$out" "without BPF_F_ALLOW_MULTI"
check "all or nothing: no pins left" [ ! -e "$PIN" ]
check_eq "all or nothing: only the stranger's program on the cgroup" \
	"$(bpftool cgroup show "$CG" | awk 'NR > 1 { print $1 }')" "$FOREIGN"
for _ in $(seq 20); do [ "$(sk_msg_count)" = "$msg_before" ] && break; sleep 0.1; done
check_eq "all or nothing: the sk_msg program it attached first is gone again" "$(sk_msg_count)" "$msg_before"
bpftool cgroup detach "$CG" sock_ops pinned "$PIN-other/sockredir_sockops"
rm -rf "$PIN-other"

echo "== the seed's two objects share sock_ops_map =="
timeout 30 "$RL" sockops "$SEED/bpf_contrack.bpf.o" "$SEED/bpf_redirect.bpf.o" --cgroup "$CG" \
	--pin "$PIN-seed" >"$TMP/seed.out" 2>&1
check_eq "rawload sockops contrack.o redirect.o: exit 0" "$?" 0
sed 's/^/     | /' "$TMP/seed.out"
SEED_IDS=$(ids_from "$TMP/seed.out")
maps=""
for id in $SEED_IDS; do
	maps="$maps $(bpftool prog show id "$id" | grep -oE 'map_ids [0-9,]+' | cut -d' ' -f2)"
done
# the sockhash id: the map both programs name
shared=$(echo "$maps" | tr ' ,' '\n\n' | grep . | sort | uniq -d)
check_eq "contrack and redirect use one map id (the shared sock_ops_map)" "$(echo "$shared" | grep -c .)" 1
json=$("$RL" --json show --cgroup "$CG")
check_contains "show --cgroup: the sockops program's sockhash carries the sk_msg program" \
	"$json" "\"id\":$shared,\"name\":\"sock_ops_map\""
# the JSON parses, and names the cgroup attachment as a holder of each
# sockops program (the same "holders" shape as show DEV / show --pin)
check_eq "show --cgroup --json: valid JSON, each program held by the cgroup" "$(printf '%s' "$json" |
	python3 -c 'import json, sys
d = json.load(sys.stdin)
progs = d["programs"]
print(len(progs) > 0 and all(any(h["kind"] == "cgroup" for h in p["holders"]) for p in progs))' 2>&1)" True
transfer seed-v4 v4 redirect
transfer seed-dual dual redirect
"$RL" detach sockops --cgroup "$CG" >"$TMP/seed-detach.out" 2>&1 || true
# without --pin, detach looks under <bpffs>/rawload only; our pins are
# elsewhere, so it must refuse (it never touches what it cannot prove it owns)
check_contains "detach without --pin leaves pins outside <bpffs>/rawload alone" \
	"$(cat "$TMP/seed-detach.out")" "nothing to detach"
"$RL" detach sockops --cgroup "$CG" --pin "$PIN-seed" >/dev/null 2>&1
check_eq "seed pair detached" "$?" 0
check "seed pins gone" [ ! -e "$PIN-seed" ]
for id in $SEED_IDS; do check "seed program $id freed" prog_gone "$id"; done
check_eq "no program left on the cgroup" "$(cg_prog_count)" 0

echo "== figures =="
for f in "${FIGURES[@]}"; do echo "  $f"; done
echo "  EAGAIN retries over all transfers: read $EAGAIN_R, write $EAGAIN_W"
finish
