#!/bin/sh
# The parsing half must stay pure (STYLE.md): no syscalls, no fds.  And
# exactly one file in the tree may enter bpf(2).
set -eu
cd "$(dirname "$0")/.."
bad=0
for f in loader/diag.c loader/elf.c loader/btf*.c loader/object*.c \
         loader/object_maps.c loader/object_relo.c loader/sec_def.c loader/link.c loader/core*.c \
         loader/explain_bpf*.c loader/insn_dump.c netlink/xdp_msg.c netlink/xdp_explain.c; do
	[ -f "$f" ] || continue
	if grep -nE '#include [<"](sys/syscall\.h|unistd\.h|fcntl\.h|sys_bpf\.h|sys/socket\.h)|\b(open|openat|socket|ioctl|syscall)\(' "$f"; then
		echo "not pure: $f"; bad=1
	fi
done
n=$(grep -rlE 'syscall\(\s*__NR_bpf' --include='*.c' loader netlink tools 2>/dev/null | wc -l)
if [ "$n" != 1 ]; then
	echo "expected exactly one file with __NR_bpf outside tests/, found $n:"
	grep -rlE 'syscall\(\s*__NR_bpf' --include='*.c' loader netlink tools
	bad=1
fi
[ $bad = 0 ] && echo "purity: 2 passed, 0 failed"
exit $bad
