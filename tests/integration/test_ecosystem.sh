#!/bin/bash
# test_ecosystem.sh - conventions of objects the ecosystem builds (issue 17):
# BTF-attached programs (tp_btf loads with the kernel's attach_btf_id; fentry
# is refused in one line naming lockdown when the kernel is locked down, with
# nothing left behind), and `.kconfig` externs filled from the kernel's config.
# bpftool and the kernel's own files are the cross-checks.
source "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || { echo "$T_NAME: skipped (needs root)"; exit 0; }
make_pin_dir
mkdir -p "$PIN"

echo "== tp_btf: TRACING programs attached by BTF id"
OUT=$("$RL" load "$OBJ/btf_attach.bpf.o" --pin "$PIN/btf_attach" 2>&1); RC=$?
check_eq "load btf_attach: exit 0" "$RC" 0
[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/       | /'
for p in on_switch on_exec; do
	check_eq "$p: bpftool says tracing" \
		"$(bpftool prog show pinned "$PIN/btf_attach/$p" -j | python3 -c 'import json,sys; print(json.load(sys.stdin)["type"])')" tracing
done
check_eq "raw_switch: raw_tracepoint" \
	"$(bpftool prog show pinned "$PIN/btf_attach/raw_switch" -j | python3 -c 'import json,sys; print(json.load(sys.stdin)["type"])')" raw_tracepoint
rm -rf "$PIN/btf_attach"

echo "== fentry/fexit: loads, or one line with the kernel's refusal and its reason"
OUT=$("$RL" load "$OBJ/fentry_probe.bpf.o" --pin "$PIN/fentry" 2>&1); RC=$?
lockdown=""
if [ -r /sys/kernel/security/lockdown ]; then
	grep -qE '\[(integrity|confidentiality)\]' /sys/kernel/security/lockdown && lockdown=yes
elif zcat /proc/config.gz 2>/dev/null | grep -qE '^CONFIG_LOCK_DOWN_KERNEL_FORCE_(INTEGRITY|CONFIDENTIALITY)=y'; then
	lockdown=yes
fi
if [ -n "$lockdown" ]; then
	check_eq "fentry_probe: refused (exit 1)" "$RC" 1
	check_eq "fentry_probe: one line" "$(echo "$OUT" | wc -l)" 1
	check_contains "fentry_probe: the program and the kernel's errno" "$OUT" \
		"program 'enter_sleep': BPF_PROG_LOAD(TRACING, 6 insns): Operation not permitted"
	check_contains "fentry_probe: the reason" "$OUT" "the kernel is locked down, mode 'integrity'"
	check "fentry_probe: no pin directory left" test ! -e "$PIN/fentry"
	check_eq "fentry_probe: no program of it left in the kernel" \
		"$(bpftool prog list | grep -cE 'name (enter_sleep|leave_sleep) ')" 0
	check_eq "fentry_probe: no map of it left in the kernel" \
		"$(bpftool map list | grep -c 'name fentry_p.bss ')" 0
else
	check_eq "fentry_probe: loads without lockdown" "$RC" 0
	rm -rf "$PIN/fentry"
fi

finish
