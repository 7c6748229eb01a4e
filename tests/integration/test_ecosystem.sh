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

echo "== .kconfig externs: a synthesized map, values from the kernel's config and uname"
OUT=$("$RL" load "$OBJ/kconfig_externs.bpf.o" --pin "$PIN/kconfig" 2>&1); RC=$?
check_eq "load kconfig_externs: exit 0" "$RC" 0
[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/       | /'
# the config rawload reads: /boot/config-$(uname -r) first (Debian's 6.1 has no
# /proc/config.gz), else /proc/config.gz
CFG_FILE=/boot/config-$(uname -r); [ -f "$CFG_FILE" ] || CFG_FILE=/proc/config.gz
cfg() { zcat -f "$CFG_FILE" 2>/dev/null | sed -n "s/^$1=//p"; }
IFS=. read -r ka kb kc _ <<<"$(uname -r | sed 's/[^0-9.].*//')"
kv=$(( (ka << 16) + (kb << 8) + (kc > 255 ? 255 : kc) ))
# bpftool decodes the value with the DATASEC the loader laid out
got=$(bpftool map dump pinned "$PIN/kconfig/_kconfig" -j 2>/dev/null | python3 -c '
import json, sys
vals = {}
for d in json.load(sys.stdin)[0]["formatted"]["value"][".kconfig"]:
    vals.update(d)
print(" ".join("%s=%s" % (k, vals[k]) for k in sorted(vals)))')
want="CONFIG_BPF_JIT=$([ "$(cfg CONFIG_BPF_JIT)" = y ] && echo True || echo False)"
want="$want CONFIG_DEFAULT_HOSTNAME=$(cfg CONFIG_DEFAULT_HOSTNAME | tr -d '"' | cut -c1-7)"
want="$want CONFIG_HZ=$(cfg CONFIG_HZ)"
case "$(cfg CONFIG_IPV6)" in y) tri=TRI_YES ;; m) tri=TRI_MODULE ;; *) tri=TRI_NO ;; esac
want="$want CONFIG_IPV6=$tri CONFIG_LOG_BUF_SHIFT=$(cfg CONFIG_LOG_BUF_SHIFT)"
want="$want CONFIG_RAWLOAD_NO_SUCH_OPTION=0 LINUX_HAS_BPF_COOKIE=True LINUX_KERNEL_VERSION=$kv"
check_eq ".kconfig map: every value as the config and uname say" "$got" "$want"
check_eq ".kconfig map: read-only for programs, mmapable, frozen" \
	"$(bpftool map show pinned "$PIN/kconfig/_kconfig" -j | python3 -c 'import json,sys; m=json.load(sys.stdin); print(m["flags"], m.get("frozen"))')" "1152 1"
check_eq "kconfig_values returns CONFIG_HZ" \
	"$("$RL" run "$OBJ/kconfig_externs.bpf.o" --prog kconfig_values --icmp-echo-reply --json 2>&1 |
		python3 -c 'import json,sys; print(json.load(sys.stdin).get("retval"))' 2>/dev/null)" "$(cfg CONFIG_HZ)"
rm -rf "$PIN/kconfig"
J=$("$RL" inspect "$OBJ/kconfig_externs.bpf.o" --json | python3 -c '
import json, sys
for e in json.load(sys.stdin)["externs"]:
    print(e["name"], e["kind"], e["weak"], e["offset"], e["resolves"])')
check_contains "inspect --json: CONFIG_HZ at +0 from the config" "$J" \
	"CONFIG_HZ kconfig False 0 $(cfg CONFIG_HZ) ($CFG_FILE)"
check_contains "inspect --json: the weak option resolves to 0" "$J" \
	"CONFIG_RAWLOAD_NO_SUCH_OPTION kconfig True 8 0 (__weak"
E=$("$RL" --explain load "$OBJ/kconfig_externs.bpf.o" --pin "$PIN/kconfig" 2>&1)
check_contains "--explain tells the externs before the first step" "$(echo "$E" | sed '/^\[1\]/q')" \
	"externs of kconfig_externs: resolved by rawload before BPF_PROG_LOAD"
rm -rf "$PIN/kconfig"

echo "== .ksyms: kfunc calls, a typeless symbol, __weak ones the kernel lacks"
if ! kernel_at_least 6 2; then
	# the kfuncs bpf_rcu_read_lock/unlock came in 6.2: one line naming the first, nothing loaded
	OUT=$("$RL" load "$OBJ/ksym_externs.bpf.o" --pin "$PIN/ksyms" 2>&1); RC=$?
	check_eq "ksym_externs on $(uname -r): refused (exit 1)" "$RC" 1
	check_contains "ksym_externs on $(uname -r): names the missing kfunc" "$OUT" \
		"extern 'bpf_rcu_read_lock' (.ksyms, kfunc): the kernel's BTF has no function 'bpf_rcu_read_lock'"
	check "ksym_externs on $(uname -r): no pin directory left" test ! -e "$PIN/ksyms"
else
	OUT=$("$RL" load "$OBJ/ksym_externs.bpf.o" --pin "$PIN/ksyms" 2>&1); RC=$?
	check_eq "load ksym_externs: exit 0" "$RC" 0
	[ "$RC" = 0 ] || echo "$OUT" | sed 's/^/       | /'
	X=$(bpftool prog dump xlated pinned "$PIN/ksyms/ksyms" 2>/dev/null | grep -v '^;')
	check_contains "kfunc call bpf_rcu_read_lock" "$X" "call bpf_rcu_read_lock#"
	check_contains "kfunc call bpf_rcu_read_unlock" "$X" "call bpf_rcu_read_unlock#"
	addr=$(awk '$3 == "schedule" { print $1; exit }' /proc/kallsyms | sed 's/^0*//')
	check_contains "typeless ksym 'schedule' = its /proc/kallsyms address" "$X" "= 0x$addr"
	check_eq "the weak kfunc's poisoned call was never reached (verifier removed it)" \
		"$(echo "$X" | grep -c 'call.*2002000000')" 0
	J=$("$RL" inspect "$OBJ/ksym_externs.bpf.o")
	check_contains "inspect: kfunc by its vmlinux BTF FUNC id" "$J" \
		"vmlinux BTF FUNC [$(bpftool btf dump file /sys/kernel/btf/vmlinux | sed -n "s/^\[\([0-9]*\)\] FUNC 'bpf_rcu_read_lock' .*/\1/p")]"
	rm -rf "$PIN/ksyms"
fi
OUT=$("$RL" load "$OBJ/ksym_var.bpf.o" --pin "$PIN/ksym_var" 2>&1); RC=$?
if [ "$RC" != 0 ]; then
	check_contains "typed ksym: the kernel's refusal, reported" "$OUT" \
		"program 'ksym_var': BPF_PROG_LOAD(TRACING, 11 insns): No such file or directory"
	check_contains "typed ksym: the kernel's reason" "$OUT" \
		"ldimm64 failed to find the address for kernel symbol 'bpf_prog_active'"
	check "typed ksym: no pin directory left" test ! -e "$PIN/ksym_var"
else
	check "typed ksym: loaded (a kernel with CONFIG_KALLSYMS_ALL)" test -e "$PIN/ksym_var/ksym_var"
	rm -rf "$PIN/ksym_var"
fi

echo "== a map-in-map without an inner map definition"
OUT=$("$RL" load "$OBJ/map_in_map_noinner.bpf.o" --pin "$PIN/noinner" 2>&1); RC=$?
check_eq "map_in_map_noinner: refused (exit 1)" "$RC" 1
check_eq "map_in_map_noinner: one line saying what to declare" "$OUT" \
	"rawload: $OBJ/map_in_map_noinner.bpf.o: map 'outer': ARRAY_OF_MAPS has no inner map definition to make the template from (declare \`__array(values, struct { ... })\` in the map)"
check "map_in_map_noinner: no pin directory left" test ! -e "$PIN/noinner"

echo "== the same objects loaded by libbpf (bpftool prog loadall): identical programs and maps"
CMP=$(mktemp -d /tmp/rawload-eco.XXXXXX)
on_exit "rm -rf '$CMP'"
for o in btf_attach kconfig_externs ksym_externs map_conventions; do
	cp "$OBJ/$o.bpf.o" "$CMP/$o.o"
done
R=$(python3 "$TOP/tests/corpus/run.py" "$RL" "$CMP" 2>&1)
echo "$R" | sed 's/^/       | /'
for o in btf_attach kconfig_externs ksym_externs map_conventions; do
	want=same; [ $o = ksym_externs ] && ! kernel_at_least 6 2 && want=neither
	check_eq "$o: same as libbpf" "$(echo "$R" | awk -v o="$o.o" '$1 == o { print $4 }')" "$want"
done

finish
