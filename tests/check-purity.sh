#!/bin/sh
# The parsing half must stay pure (STYLE.md): no syscalls, no fds, checked per
# folder - everything in loader/object/ (ELF, BTF, object model, linker),
# loader/core/ (CO-RE) and loader/explain/ (renderers), and the pure netlink
# message builders.  And exactly one file in the tree may enter bpf(2):
# loader/kernel/sys_bpf.c.
set -eu
cd "$(dirname "$0")/.."
bad=0 checked=0
for f in loader/object/*.[ch] loader/core/*.[ch] loader/explain/*.[ch] netlink/*_msg.[ch] netlink/*_explain.[ch]; do
	[ -f "$f" ] || continue
	checked=$((checked + 1))
	if grep -nE '#include [<"](sys/syscall\.h|unistd\.h|fcntl\.h|sys_bpf\.h|sys/socket\.h|sys/ioctl\.h)|\b(open|openat|socket|ioctl|syscall|read|write|mmap)\(' "$f"; then
		echo "not pure: $f"; bad=1
	fi
done
[ "$checked" -gt 20 ] || { echo "purity: only $checked files found - has the layout moved?"; bad=1; }
# (tools/bench/ holds benchmark tools, not rawload: its live-frame sender
# drives BPF_PROG_TEST_RUN itself)
files=$(grep -rlE 'syscall\(\s*__NR_bpf' --include='*.c' loader netlink tools/cli tools/fuzz 2>/dev/null || true)
if [ "$files" != "loader/kernel/sys_bpf.c" ]; then
	echo "expected exactly one file with __NR_bpf outside tests/ (loader/kernel/sys_bpf.c), found:"
	echo "$files"
	bad=1
fi
[ $bad = 0 ] && echo "purity: $checked files pure, 1 bpf(2) file" && echo "purity: 2 passed, 0 failed"
exit $bad
