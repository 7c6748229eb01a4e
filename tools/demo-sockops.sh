#!/bin/bash
# demo-sockops.sh - the README's second demo (`make demo-sockops`, as root):
# socket-to-socket redirect with sockops + sk_msg, watched by tcpdump.
#
#   1. a child cgroup of the cgroup v2 mount and a private network namespace
#      (its own lo: the machine's loopback traffic is never touched)
#   2. a 4 MiB transfer over 127.0.0.1 inside both, tcpdump on that lo:
#      the payload crosses lo in TCP segments
#   3. rawload sockops bpf/sockredir.bpf.o --cgroup <child>
#   4. the same transfer: lo now carries only the handshake and the
#      teardown (every segment "length 0"); the payload went from one
#      socket's sendmsg() straight into the other socket's receive queue
#   5. rawload detach sockops: payload on lo again
# Everything is removed at the end, even on failure or Ctrl-C.
set -u
cd "$(dirname "$0")/.." || exit 1
TOP=$PWD
RL=${RAWLOAD:-$TOP/rawload}
OBJ=$TOP/bpf/sockredir.bpf.o
BYTES=$((4 * 1024 * 1024))

[ "$(id -u)" = 0 ] || { echo "demo-sockops: run as root (it creates a cgroup, a netns and attaches BPF)"; exit 1; }
for f in "$RL" "$OBJ"; do
	[ -e "$f" ] || { echo "demo-sockops: $f missing: run make first"; exit 1; }
done
command -v tcpdump >/dev/null || { echo "demo-sockops: tcpdump is needed (make deps)"; exit 1; }

ID=$$
TMP=$(mktemp -d /tmp/rawload-demo.XXXXXX)
CG_ROOT=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
[ -n "$CG_ROOT" ] || { echo "demo-sockops: no cgroup v2 mount found"; exit 1; }
CG=$CG_ROOT/rawload-demo-$ID
NS=rawload-demo-$ID
PIN=/sys/fs/bpf/rawload/demo-sockops-$ID
TD_PID=

cleanup() {
	[ -n "$TD_PID" ] && kill "$TD_PID" 2>/dev/null
	if [ -d "$PIN" ]; then
		"$RL" detach sockops --cgroup "$CG" --pin "$PIN" >/dev/null 2>&1
	fi
	# anything still on our private cgroup is ours
	for id in $(bpftool cgroup show "$CG" 2>/dev/null | awk 'NR > 1 { print $1 }'); do
		bpftool cgroup detach "$CG" sock_ops id "$id" 2>/dev/null
	done
	rm -rf "$PIN"
	for p in $(cat "$CG/cgroup.procs" 2>/dev/null); do echo "$p" >"$CG_ROOT/cgroup.procs"; done
	rmdir "$CG" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

XFER=$TOP/build/tests/xfer
if [ ! -x "$XFER" ]; then
	XFER=$TMP/xfer
	cc -O2 -pthread -o "$XFER" "$TOP/tests/tools/xfer.c" || exit 1
fi

# run a command inside the child cgroup and the private netns
inside() { bash -c 'echo $$ >"$0/cgroup.procs" && exec nsenter --net="$1" "${@:2}"' "$CG" "/run/netns/$NS" "$@"; }

# transfer NAME: 4 MiB over 127.0.0.1 with tcpdump on lo; prints what lo saw
transfer() {
	local name=$1
	nsenter --net="/run/netns/$NS" tcpdump -t -i lo -nn -l -s 128 tcp >"$TMP/$name.td" 2>"$TMP/$name.err" &
	TD_PID=$!
	for _ in $(seq 50); do grep -q "listening on" "$TMP/$name.err" && break; sleep 0.1; done
	inside "$XFER" v4 --in "$TMP/in" --out "$TMP/$name.recv" --sync --timeout 60 || echo "(transfer failed)"
	sleep 0.3
	kill -INT "$TD_PID"; wait "$TD_PID" 2>/dev/null; TD_PID=
	echo "sha256 sent:     $(sha256sum <"$TMP/in" | cut -c1-64)"
	echo "sha256 received: $(sha256sum <"$TMP/$name.recv" | cut -c1-64)"
	local t p
	t=$(grep -cE 'length [0-9]+$' "$TMP/$name.td")
	p=$(grep -oE 'length [0-9]+$' "$TMP/$name.td" | awk '$2 > 0' | wc -l)
	echo "tcpdump -i lo: $t TCP segments, $p of them carrying payload"
	if [ "$p" = 0 ]; then
		grep -E 'length [0-9]+$' "$TMP/$name.td" | sed 's/^/  /'
	else
		grep -E 'length [1-9][0-9]*$' "$TMP/$name.td" | head -4 | sed 's/^/  /'
		echo "  ... ($((p - 4)) more payload segments)"
	fi
}

say "setup: child cgroup $CG, network namespace $NS (lo up)"
mkdir "$CG" || exit 1
ip netns add "$NS" && ip -n "$NS" link set lo up || exit 1
head -c "$BYTES" /dev/urandom >"$TMP/in"

say "1. without rawload: a 4 MiB transfer over 127.0.0.1 crosses lo as TCP segments"
transfer before

say "2. attach: sk_msg on the sockhash first, then sockops on the cgroup"
run "$RL" sockops "$OBJ" --cgroup "$CG" --pin "$PIN" || exit 1
echo
run "$RL" show --cgroup "$CG"

say "3. the same transfer: lo sees only the handshake and the teardown"
transfer redirected

say "4. detach: exactly what rawload attached, then the pins"
run "$RL" detach sockops --cgroup "$CG" --pin "$PIN" || exit 1
echo
run bpftool cgroup show "$CG"
[ -z "$(bpftool cgroup show "$CG")" ] && echo "(nothing: no program left on the cgroup)"

say "5. after detach: the payload is back on lo"
transfer after

say "done: cgroup, namespace and pins are removed on exit"
