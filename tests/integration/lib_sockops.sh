# lib_sockops.sh - the redirect proof shared by test_sockops.sh and
# test_link_sockops.sh (sourced after lib.sh, bash).
#
# A child cgroup of the v2 mount (only processes the test moves there are
# affected), a private network namespace whose loopback carries the test
# traffic (the host's lo is never touched) and private pin directories.
# Server and client (tests/tools/xfer.c) run in that cgroup AND that netns;
# tcpdump watches the namespace's lo.  With the redirect on, payload goes
# socket to socket and lo carries only the handshake and the teardown:
# every segment tcpdump prints has "length 0".
#
# sockops_setup makes all of it (TMP, XFER, CG, PIN, NS, the 4 MiB input
# in $TMP/in with its sha256 in SUM); `transfer NAME MODE EXPECT` runs one
# transfer under tcpdump and checks it.

BYTES=$((4 * 1024 * 1024))
EAGAIN_R=0 EAGAIN_W=0
FIGURES=()

sockops_setup() {
	TMP=$(mktemp -d /tmp/rl-sockops.XXXXXX)
	on_exit "rm -rf '$TMP'"
	XFER=$TOP/build/tests/xfer
	if [ ! -x "$XFER" ]; then
		XFER=$TMP/xfer
		cc -O2 -Wall -pthread -o "$XFER" "$TOP/tests/tools/xfer.c" || { echo "cannot build xfer"; exit 1; }
	fi

	make_cgroup
	make_pin_dir
	NS="$ID-sock"
	ip netns add "$NS" && on_exit "ip netns del '$NS'"
	ip -n "$NS" link set lo up
	# Whatever happens, nothing stays attached to our cgroup: it is private to
	# this test, so every program found on it is one we attached.  (Runs first:
	# cleanups run newest first.)
	on_exit "for id in \$(bpftool cgroup show '$CG' 2>/dev/null | awk 'NR > 1 { print \$1 }'); do bpftool cgroup detach '$CG' sock_ops id \$id; done"
	on_exit "rm -rf '$PIN-seed' '$PIN-tiny'"
	head -c "$BYTES" /dev/urandom >"$TMP/in"
	SUM=$(sha256sum <"$TMP/in" | cut -d' ' -f1)
}

# ---- helpers ---------------------------------------------------------

# run inside the test cgroup and the test netns
in_test() { in_cgroup nsenter --net="/run/netns/$NS" "$@"; }

TD_PID=
capture_start() { # capture_start NAME: tcpdump on the namespace's lo
	nsenter --net="/run/netns/$NS" tcpdump -i lo -nn -l -s 128 tcp >"$TMP/$1.td" 2>"$TMP/$1.tderr" &
	TD_PID=$!
	on_exit "kill $TD_PID"
	for _ in $(seq 50); do
		grep -q "listening on" "$TMP/$1.tderr" 2>/dev/null && return 0
		sleep 0.1
	done
	echo "  tcpdump did not start: $(cat "$TMP/$1.tderr")"
	return 1
}
capture_stop() {
	sleep 0.3 # let the last segments reach the capture
	kill -INT "$TD_PID" 2>/dev/null
	wait "$TD_PID" 2>/dev/null
	TD_PID=
}
# "TOTAL PAYLOAD BYTES": TCP segments seen, those carrying payload, payload bytes
segments() {
	grep -oE 'length [0-9]+$' "$TMP/$1.td" |
		awk '{ t++; if ($2 > 0) { p++; b += $2 } } END { printf "%d %d %d\n", t, p, b }'
}

# xfer_run NAME ARGS...: run xfer in the test cgroup+netns, tally EAGAINs
xfer_run() {
	local name=$1; shift
	in_test timeout 90 "$XFER" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	local rc=$?
	local line; line=$(cat "$TMP/$name.out")
	local r w
	r=$(echo "$line" | sed -n 's/.*eagain_read=\([0-9]*\).*/\1/p')
	w=$(echo "$line" | sed -n 's/.*eagain_write=\([0-9]*\).*/\1/p')
	EAGAIN_R=$((EAGAIN_R + ${r:-0})) EAGAIN_W=$((EAGAIN_W + ${w:-0}))
	[ -n "$line" ] && echo "       $line"
	[ -s "$TMP/$name.err" ] && sed 's/^/       stderr: /' "$TMP/$name.err" | head -5
	return $rc
}

# transfer NAME MODE EXPECT: a 4 MiB transfer under tcpdump; sha256 of
# what was sent and what arrived must match; EXPECT is "redirect" (no
# payload segment on lo) or "tcp" (payload on lo).
transfer() {
	local name=$1 mode=$2 expect=$3 t p b
	capture_start "$name" || { fail "$name: tcpdump"; return; }
	xfer_run "$name" "$mode" --in "$TMP/in" --out "$TMP/$name.recv" --sync
	local rc=$?
	capture_stop
	check_eq "$name: xfer exit status" "$rc" 0
	check_eq "$name: sha256 of the $BYTES bytes received" \
		"$(sha256sum <"$TMP/$name.recv" 2>/dev/null | cut -d' ' -f1)" "$SUM"
	read -r t p b < <(segments "$name")
	FIGURES+=("$name ($mode): $t TCP segments on lo, $p with payload ($b bytes)")
	if [ "$expect" = redirect ]; then
		check_eq "$name: payload segments on lo (handshake/teardown only: $t segments)" "$p" 0
		check "$name: tcpdump saw the handshake" [ "$t" -ge 3 ]
	else
		check "$name: payload visible on lo ($p segments, $b bytes)" [ "$p" -gt 0 -a "$b" -ge "$BYTES" ]
	fi
}

