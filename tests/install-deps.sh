#!/bin/sh
# Install what rawload needs to build and test on Debian (run as root).
# Build: gcc, make, clang/llvm (BPF objects, libFuzzer), libmnl-dev, linux-libc-dev
# (/proc/config.gz is gunzip'ed by loader/kernel/inflate.c, no zlib).
# Tests: gzip (test_inflate compares against it), iproute2, ping, tcpdump, iperf3,
# netcat, strace, perf (kernel stacks for test_narration.sh), bpftool (cross-checks and
# vmlinux.h generation only) and libbpf-dev (its headers build seed-style test
# objects; rawload never links libbpf). Benchmarks: iptables, nftables, ethtool
# (tools/bench/xdp_drop_rate.sh). libbpf-tools, xdp-tools and
# golang-github-cilium-ebpf-dev ship the BPF objects of the conformance run
# (tests/corpus/, make corpus-check). qemu-system-x86, busybox-static and cpio boot
# Debian 12's 6.1 kernel for the kernel matrix (tests/vm/).
set -eu
pkgs="make gcc clang llvm libclang-rt-14-dev libmnl-dev linux-libc-dev pkg-config
      gzip iproute2 iputils-ping tcpdump iperf3 netcat-openbsd bpftool python3 procps strace libbpf-dev
      libbpf-tools xdp-tools golang-github-cilium-ebpf-dev iptables nftables ethtool linux-perf
      qemu-system-x86 busybox-static cpio"
missing=""
for p in $pkgs; do
	dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
echo "dependencies present"
