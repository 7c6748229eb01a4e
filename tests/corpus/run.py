#!/usr/bin/env python3
"""run.py RAWLOAD OBJDIR [MUSTFILE] - conformance of rawload against libbpf (bpftool).

For each object in OBJDIR: load it with `bpftool prog loadall OBJ PINDIR` (libbpf)
and with `rawload load OBJ --pin PINDIR`, one after the other, each time reading
back from the kernel what it holds: per program (by name) its type and
`bpftool prog dump xlated` (source-line comments dropped, map ids replaced by
the map's name, so two loads of the same code compare equal), per map its shape
(type, key, value, max_entries, flags).  Pins are removed after each load.
Prints one row per object and "corpus: N passed, N failed".

Verdicts: same (both load, identical), differ (both load, something differs),
rawload-only, libbpf-only, neither.  Objects named in MUSTFILE (one a line,
"# comments") must be "same", or "neither"/"rawload-only" when libbpf refuses too;
every other object passes unless rawload refuses what libbpf loads and the
object is in MUSTFILE.  An object fails when it is in MUSTFILE and is not "same"
(or libbpf refuses it), or when a load leaves a pin behind.
"""
import json, os, re, shutil, subprocess, sys

PIN_ROOT = "/sys/fs/bpf"


def sh(cmd):
    return subprocess.run(cmd, capture_output=True, text=True)


def bpftool_json(*args):
    r = sh(["bpftool", "-j"] + list(args))
    if r.returncode != 0:
        return None
    try:
        return json.loads(r.stdout)
    except ValueError:
        return None


def map_shape(mid):
    m = bpftool_json("map", "show", "id", str(mid))
    if not m:
        return None, None
    name = m.get("name", "")
    return name, (m.get("type"), m.get("bytes_key"), m.get("bytes_value"),
                  m.get("max_entries"), m.get("flags"))


def read_back(pindir):
    """{prog name: (type, xlated text)}, {map name: shape} of the programs pinned under pindir."""
    progs, maps = {}, {}
    for root, _dirs, files in os.walk(pindir):
        for f in sorted(files):
            path = os.path.join(root, f)
            p = bpftool_json("prog", "show", "pinned", path)
            if not p or "id" not in p:
                continue
            names = {}
            for mid in p.get("map_ids", []):
                n, shape = map_shape(mid)
                names[str(mid)] = n
                if shape:
                    maps[n] = shape
            x = sh(["bpftool", "prog", "dump", "xlated", "id", str(p["id"])]).stdout
            lines = [l for l in x.splitlines() if not l.startswith(";")]
            text = "\n".join(lines)
            text = re.sub(r"map\[id:(\d+)\]", lambda mo: "map[%s]" % names.get(mo.group(1), "?"), text)
            progs[p.get("name", f)] = (p.get("type"), text)
    return progs, maps


def clean(pindir):
    if os.path.isdir(pindir):
        shutil.rmtree(pindir, ignore_errors=True)
    return not os.path.exists(pindir)


def first_line(s):
    for l in s.splitlines():
        l = l.strip()
        if l and not l.startswith("libbpf: prog") and "-- BEGIN" not in l:
            return l
    return ""


def root_pins():
    return set(os.listdir(PIN_ROOT))


def one(rawload, obj, pindir):
    r = {}
    before = root_pins()
    b = sh(["bpftool", "prog", "loadall", obj, pindir])
    r["libbpf"] = b.returncode == 0
    r["libbpf_err"] = "" if r["libbpf"] else (b.stderr.strip().splitlines() or [""])[-1]
    lp, lm = read_back(pindir) if r["libbpf"] else ({}, {})
    r["leak"] = not clean(pindir)
    # libbpf pins maps marked LIBBPF_PIN_BY_NAME in its default root,
    # /sys/fs/bpf/<name>, whatever directory bpftool was given: remove those
    for n in root_pins() - before:
        try:
            os.unlink(os.path.join(PIN_ROOT, n))
        except OSError:
            r["leak"] = True
    before = root_pins()
    w = sh([rawload, "load", obj, "--pin", pindir])
    r["rawload"] = w.returncode == 0
    r["rawload_err"] = "" if r["rawload"] else first_line(w.stderr).replace("rawload: %s: " % obj, "")
    rp, rm = read_back(pindir) if r["rawload"] else ({}, {})
    r["leak"] |= not clean(pindir) or root_pins() != before
    diffs = []
    if r["libbpf"] and r["rawload"]:
        if set(lp) != set(rp):
            diffs.append("programs %s vs %s" % (sorted(lp), sorted(rp)))
        for n in sorted(set(lp) & set(rp)):
            if lp[n][0] != rp[n][0]:
                diffs.append("%s: type %s vs %s" % (n, lp[n][0], rp[n][0]))
            elif lp[n][1] != rp[n][1]:
                diffs.append("%s: xlated differs" % n)
        for n in sorted(set(lm) & set(rm)):
            if lm[n] != rm[n]:
                diffs.append("map %s: %s vs %s" % (n, lm[n], rm[n]))
    r["nprogs"] = len(lp) or len(rp)
    r["diffs"] = diffs
    if r["libbpf"] and r["rawload"]:
        r["verdict"] = "differ" if diffs else "same"
    elif r["rawload"]:
        r["verdict"] = "rawload-only"
    elif r["libbpf"]:
        r["verdict"] = "libbpf-only"
    else:
        r["verdict"] = "neither"
    return r


def main():
    rawload, objdir = sys.argv[1], sys.argv[2]
    must = set()
    if len(sys.argv) > 3:
        for l in open(sys.argv[3]):
            l = l.split("#")[0].strip()
            if l:
                must.add(l)
    pindir = os.path.join(PIN_ROOT, "rawload_corpus_%d" % os.getpid())
    objs = sorted(f for f in os.listdir(objdir) if f.endswith(".o"))
    passed = failed = 0
    counts = {}
    print("%-34s %-6s %-7s %-12s %s" % ("object", "libbpf", "rawload", "verdict", "note"))
    for o in objs:
        r = one(rawload, os.path.join(objdir, o), pindir)
        counts[r["verdict"]] = counts.get(r["verdict"], 0) + 1
        ok = not r["leak"]
        if o in must and r["verdict"] not in ("same",) and not (not r["libbpf"] and r["verdict"] in ("neither", "rawload-only")):
            ok = False
        note = ""
        if r["diffs"]:
            note = "; ".join(r["diffs"])[:160]
        elif not r["rawload"]:
            note = "rawload: " + r["rawload_err"][:170]
        elif not r["libbpf"]:
            note = "libbpf: " + r["libbpf_err"][:150]
        if r["leak"]:
            note = "PIN LEFT BEHIND; " + note
        print("%-34s %-6s %-7s %-12s %s%s" % (o, "yes" if r["libbpf"] else "no",
              "yes" if r["rawload"] else "no", r["verdict"], "" if ok else "FAIL ", note))
        sys.stdout.flush()
        if ok:
            passed += 1
        else:
            failed += 1
    for o in sorted(must - set(objs)):
        print("%-34s FAIL listed in %s but not extracted" % (o, os.path.basename(sys.argv[3])))
        failed += 1
    print("verdicts: " + ", ".join("%s %d" % kv for kv in sorted(counts.items())))
    print("corpus: %d passed, %d failed" % (passed, failed))
    sys.exit(0 if failed == 0 else 1)


if __name__ == "__main__":
    main()
