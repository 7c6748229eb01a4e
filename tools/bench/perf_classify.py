#!/usr/bin/env python3
"""perf_classify.py - where a loader's CPU time goes, from `perf script` call chains.

    perf record -e cpu-clock -F 20000 -g -- <loop running each loader RUNS times>
    perf script -F comm,period,ip,sym,dso | perf_classify.py RUNS COMM [COMM...]

Each sample is put in the first bucket whose test matches its call chain
(kernel frames name the kernel path, the leaf's DSO names user space), and
the bucket's periods (ns for cpu-clock) are divided by RUNS: milliseconds of
CPU per run, by bucket and by command.  Prints a markdown table.
"""
import sys

# (bucket, test on the set of frame symbols, test on the leaf dso)
BUCKETS = [
    ("kernel: verifier (bpf_check)", lambda s, d: "bpf_check" in s),
    ("kernel: JIT (bpf_int_jit_compile)", lambda s, d: "bpf_int_jit_compile" in s
     or "bpf_prog_select_runtime" in s),
    ("kernel: BTF_LOAD (btf_parse)", lambda s, d: "btf_new_fd" in s or "bpf_btf_load" in s),
    ("kernel: other bpf(2) (maps, pins, info)", lambda s, d: "__sys_bpf" in s),
    ("kernel: read() of files (object, vmlinux BTF)", lambda s, d: "ksys_read" in s
     or "vfs_read" in s),
    ("kernel: execve + ELF mapping", lambda s, d: "bprm_execve" in s or "do_execveat_common.isra.0" in s
     or "__x64_sys_execve" in s),
    ("kernel: exit (mm teardown, fd close)", lambda s, d: "do_exit" in s or "do_group_exit" in s),
    ("kernel: page faults", lambda s, d: "asm_exc_page_fault" in s or "exc_page_fault" in s),
    ("kernel: other", lambda s, d: d == "[kernel.kallsyms]"),
    ("user: dynamic linker (ld.so, incl. cpuid probing)", lambda s, d: "ld-linux" in d),
    ("user: libc", lambda s, d: "libc.so" in d),
    ("user: libelf / libz", lambda s, d: "libelf" in d or "libz" in d),
    ("user: the loader's own code", lambda s, d: True),
]


def samples(stream):
    """Yield (comm, period, [(sym, dso), ...] leaf first) per sample."""
    head, frames = None, []
    for line in stream:
        line = line.rstrip("\n")
        if not line.strip():
            if head:
                yield head[0], head[1], frames
            head, frames = None, []
            continue
        if not line.startswith((" ", "\t")):
            parts = line.split()
            head = (parts[0], int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0)
            frames = []
            continue
        rest = line.strip().split(None, 1)
        if len(rest) < 2:
            continue
        body = rest[1]
        dso = body[body.rfind("(") + 1:-1] if body.endswith(")") else ""
        sym = body[:body.rfind("(")].strip() if "(" in body else body
        frames.append((sym.split("+")[0], dso))
    if head:
        yield head[0], head[1], frames


def main():
    runs = float(sys.argv[1])
    comms = sys.argv[2:]
    # a comm is cut to 15 chars by the kernel (TASK_COMM_LEN)
    short = {c[:15]: c for c in comms}
    table = {c: {b[0]: 0 for b in BUCKETS} for c in comms}
    for comm, period, frames in samples(sys.stdin):
        if comm not in short or not frames:
            continue
        syms = {f[0] for f in frames}
        leaf_dso = frames[0][1]
        for name, test in BUCKETS:
            if test(syms, leaf_dso):
                table[short[comm]][name] += period
                break
    print("| CPU ms per run | " + " | ".join(comms) + " |")
    print("|---|" + "---|" * len(comms))
    for name, _ in BUCKETS:
        vals = [table[c][name] / runs / 1e6 for c in comms]
        if all(v < 0.005 for v in vals):
            continue
        print(f"| {name} | " + " | ".join(f"{v:.2f}" for v in vals) + " |")
    tot = [sum(table[c].values()) / runs / 1e6 for c in comms]
    print("| **total CPU** | " + " | ".join(f"**{v:.2f}**" for v in tot) + " |")


if __name__ == "__main__":
    main()
