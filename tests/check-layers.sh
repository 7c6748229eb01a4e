#!/bin/sh
# The layers of rawload, lowest first (README "How it is built"):
#
#   0 loader/object     pure: ELF, BTF, object model, linker
#   1 loader/core       pure: CO-RE          1 loader/explain   pure: renderers
#   2 loader/kernel     bpf(2), bpffs, kernel BTF, undo
#   3 loader/attach     bpf(2) attach backends  3 netlink   rtnetlink backends
#   4 loader/lifecycle  who holds what, finding our own attachments
#   5 tools/cli         argument parsing and printing
#
# 1. A file includes headers only from its own folder or a lower layer;
#    folders of the same rank (core/explain, attach/netlink) stay apart.
# 2. No two files call each other, directly or round a circle (checked on
#    the built objects' symbol tables with nm, when build/ exists).
set -eu
cd "$(dirname "$0")/.."
exec python3 - "$@" <<'PY'
import collections, glob, os, re, subprocess, sys

RANK = {"loader/object": 0, "loader/core": 1, "loader/explain": 1, "loader/kernel": 2,
        "loader/attach": 3, "netlink": 3, "loader/lifecycle": 4, "tools/cli": 5}
home = {}                                   # header name -> folder
for d in RANK:
    for h in glob.glob(d + "/*.h"):
        home[os.path.basename(h)] = d
bad = 0
files = [f for d in RANK for f in sorted(glob.glob(d + "/*.[ch]"))]
for f in files:
    here = os.path.dirname(f)
    for n, line in enumerate(open(f, encoding="utf-8", errors="replace"), 1):
        m = re.match(r'\s*#\s*include\s+"([^"]+)"', line)
        if not m:
            continue
        there = home.get(os.path.basename(m.group(1)))
        if there is None or there == here:
            continue
        if RANK[there] >= RANK[here]:
            print(f"{f}:{n}: includes {m.group(1)} from {there} "
                  f"(layer {RANK[there]}), not below {here} (layer {RANK[here]})")
            bad += 1
print(f"layers: {len(files)} files, {bad} includes against the order")

cycles = 0
objs = [f"build/{f[:-2]}.o" for f in files if f.endswith(".c")]
if all(os.path.exists(o) for o in objs):
    defs, uses = {}, {}
    for o in objs:
        d, u = set(), set()
        for line in subprocess.run(["nm", o], capture_output=True, text=True).stdout.splitlines():
            p = line.split()
            if len(p) == 3 and p[1] in "TDBRC":
                d.add(p[2])
            elif len(p) == 2 and p[0] == "U":
                u.add(p[1])
        defs[o], uses[o] = d, u
    owner = {s: o for o, d in defs.items() for s in d}
    calls = {o: {owner[s] for s in uses[o] if s in owner and owner[s] != o} for o in objs}
    # Tarjan's strongly connected components: any component of two or more
    # files is a circle
    index, low, stack, on, comps, counter = {}, {}, [], set(), [], [0]
    sys.setrecursionlimit(10000)
    def visit(v):
        index[v] = low[v] = counter[0]; counter[0] += 1
        stack.append(v); on.add(v)
        for w in calls[v]:
            if w not in index:
                visit(w); low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop(); on.discard(w); comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                comps.append(comp)
    for o in objs:
        if o not in index:
            visit(o)
    for c in comps:
        names = sorted(x[len("build/"):-2] + ".c" for x in c)
        print("circle of calls: " + " <-> ".join(names))
        cycles += 1
    print(f"calls: {len(objs)} objects, {cycles} circles")
else:
    print("calls: build/ incomplete, circle check skipped (run make first)")
    cycles = 1 if os.environ.get("CI") else 0
ok = (bad == 0) + (cycles == 0)
print(f"layers: {ok} passed, {2 - ok} failed")
sys.exit(0 if ok == 2 else 1)
PY
