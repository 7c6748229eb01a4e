#!/bin/bash
# test_corpus.sh - conformance against libbpf on objects nobody here wrote
# (issue 17).  The BPF objects Debian ships in libbpf-tools, xdp-tools/libxdp
# and golang-github-cilium-ebpf-dev are extracted at test time into a
# temporary directory (tests/corpus/extract.py; never kept in the repo), then
# each is loaded by `bpftool prog loadall` and by `rawload load`, and where
# both load, the kernel's programs (type, xlated code) and maps are compared
# (tests/corpus/run.py).  Objects in tests/corpus/must-match.txt must match.
# Ends with "corpus: N passed, N failed".  Also: make corpus-check.
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "$T_NAME: skipped (needs root)"; exit 0; }
ensure_bpffs
for p in libbpf-tools xdp-tools golang-github-cilium-ebpf-dev bpftool; do
	dpkg -s "$p" >/dev/null 2>&1 || { echo "  FAIL package $p is missing (make deps installs it)"; exit 1; }
done
DIR=$(mktemp -d /tmp/rawload-corpus.XXXXXX)
on_exit "rm -rf '$DIR'"
n=$(python3 "$TOP/tests/corpus/extract.py" "$DIR" | wc -l)
echo "extracted $n objects into $DIR"
[ "$n" -ge 100 ] || { echo "  FAIL only $n objects extracted"; exit 1; }
python3 "$TOP/tests/corpus/run.py" "$RL" "$DIR" "$TOP/tests/corpus/must-match.txt"
