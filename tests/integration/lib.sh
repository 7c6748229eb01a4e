# lib.sh - shared by the integration tests (sourced, bash).
#
# Every test gets its own network namespaces, child cgroup and pin directory,
# named after the test's pid, and a trap that removes them even when the test
# fails.  Addresses come from the documentation ranges (192.0.2.0/24,
# 2001:db8::/32) and only ever live inside the test's own namespaces.
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
RL="$TOP/rawload"
OBJ="$TOP/build/tests/objects"
ID="rl$$"
T_PASSED=0 T_FAILED=0
T_NAME=$(basename "$0" .sh)
_cleanups=()

on_exit() { _cleanups+=("$*"); }
_run_cleanups() {
	local i
	for ((i = ${#_cleanups[@]} - 1; i >= 0; i--)); do
		eval "${_cleanups[$i]}" >/dev/null 2>&1 || true
	done
}
trap '_run_cleanups' EXIT
trap 'exit 130' INT TERM

pass() { T_PASSED=$((T_PASSED + 1)); echo "  ok   $*"; }
fail() { T_FAILED=$((T_FAILED + 1)); echo "  FAIL $*"; }
check() { # check "description" command... : passes when the command succeeds
	local desc=$1; shift
	if "$@"; then pass "$desc"; else fail "$desc"; fi
}
check_eq() { # check_eq "description" actual expected
	if [ "$2" = "$3" ]; then pass "$1"; else fail "$1: got '$2', expected '$3'"; fi
}
check_contains() { # check_contains "description" haystack needle
	case "$2" in *"$3"*) pass "$1" ;; *) fail "$1: '$3' not in: $(echo "$2" | head -5)" ;; esac
}
finish() {
	echo "$T_NAME: $T_PASSED passed, $T_FAILED failed"
	[ "$T_FAILED" = 0 ]
	exit $?
}

# ids of networking programs loaded now: to prove a test left none behind
net_prog_ids() {
	bpftool prog list 2>/dev/null |
		grep -E '^[0-9]+: (xdp|sock_ops|sk_msg|sk_skb|sched_cls|cgroup_skb)' | cut -d: -f1 | sort
}
all_prog_ids() { bpftool prog list 2>/dev/null | grep -oE '^[0-9]+' | sort; }
all_map_ids() { bpftool map list 2>/dev/null | grep -oE '^[0-9]+' | sort; }

# kernel_at_least MAJOR MINOR: the running kernel is that version or newer
kernel_at_least() {
	local v; v=$(uname -r); v=${v%%-*}
	local ma=${v%%.*} mi=${v#*.}; mi=${mi%%.*}
	[ "$ma" -gt "$1" ] || { [ "$ma" = "$1" ] && [ "$mi" -ge "$2" ]; }
}

ensure_bpffs() {
	if ! grep -q ' /sys/fs/bpf bpf ' /proc/mounts; then
		mount -t bpf bpf /sys/fs/bpf
	fi
}

# A pin directory private to this run, removed at exit.
make_pin_dir() {
	ensure_bpffs
	PIN="/sys/fs/bpf/rawload-test-$ID"
	on_exit "rm -rf '$PIN'"
}

# Two namespaces joined by a veth pair:
#   $NS_A (veth-a, 192.0.2.1, 2001:db8::1)  <->  $NS_B (veth-b, 192.0.2.2, 2001:db8::2)
# XDP is attached to veth-b inside $NS_B: replies from A to B are what it sees.
make_veth_pair() {
	NS_A="$ID-a" NS_B="$ID-b"
	ip netns add "$NS_A" && on_exit "ip netns del '$NS_A'"
	ip netns add "$NS_B" && on_exit "ip netns del '$NS_B'"
	ip link add veth-a netns "$NS_A" type veth peer name veth-b netns "$NS_B"
	ip -n "$NS_A" addr add 192.0.2.1/24 dev veth-a
	ip -n "$NS_B" addr add 192.0.2.2/24 dev veth-b
	ip -n "$NS_A" -6 addr add 2001:db8::1/64 dev veth-a nodad
	ip -n "$NS_B" -6 addr add 2001:db8::2/64 dev veth-b nodad
	ip -n "$NS_A" link set veth-a up
	ip -n "$NS_B" link set veth-b up
	ip -n "$NS_A" link set lo up
	ip -n "$NS_B" link set lo up
}

# Run a command in namespace A / B.  nsenter --net switches only the network
# namespace; `ip netns exec` would also remount /sys, hiding /sys/fs/bpf.
in_a() { nsenter --net="/run/netns/$NS_A" "$@"; }
in_b() { nsenter --net="/run/netns/$NS_B" "$@"; }

# A child of the cgroup v2 mount, removed at exit (processes moved out first).
make_cgroup() {
	local root
	root=$(awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo)
	CG="$root/rawload-test-$ID"
	CG_ROOT="$root"
	mkdir "$CG"
	on_exit "for p in \$(cat '$CG/cgroup.procs' 2>/dev/null); do echo \$p > '$CG_ROOT/cgroup.procs'; done; rmdir '$CG'"
}

# run a command inside the test cgroup
in_cgroup() { bash -c 'echo $$ > "$0/cgroup.procs" && shift && exec "$@"' "$CG" _ "$@"; }
