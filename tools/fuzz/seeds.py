#!/usr/bin/env python3
"""seeds.py OUTDIR OBJ... - seeds for the BTF and .BTF.ext fuzz targets.

From each ELF object, writes OUTDIR/btf/NAME (the raw .BTF section) and
OUTDIR/btf_ext/NAME (u32 little-endian length of .BTF, the .BTF bytes, then
the .BTF.ext bytes: the input shape of fuzz_btf_ext.c).  Objects without
the sections are skipped.  Reads only the ELF64 little-endian section
headers (the layout every clang -target bpf object has)."""
import os
import struct
import sys


def sections(data):
    if data[:4] != b"\x7fELF" or data[4] != 2 or data[5] != 1:
        return {}
    shoff, = struct.unpack_from("<Q", data, 0x28)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x3A)
    hdrs = [struct.unpack_from("<IIQQQQIIQQ", data, shoff + i * shentsize) for i in range(shnum)]
    names_off = hdrs[shstrndx][4]
    out = {}
    for h in hdrs:
        name = data[names_off + h[0]:data.index(b"\0", names_off + h[0])].decode()
        out[name] = data[h[4]:h[4] + h[5]]
    return out


def main():
    outdir, objs = sys.argv[1], sys.argv[2:]
    for kind in ("btf", "btf_ext"):
        os.makedirs(os.path.join(outdir, kind), exist_ok=True)
    for obj in objs:
        with open(obj, "rb") as f:
            secs = sections(f.read())
        btf, ext = secs.get(".BTF"), secs.get(".BTF.ext")
        name = obj.replace("/", "_")  # two directories may hold the same name
        if btf:
            with open(os.path.join(outdir, "btf", name), "wb") as f:
                f.write(btf)
        if btf and ext:
            with open(os.path.join(outdir, "btf_ext", name), "wb") as f:
                f.write(struct.pack("<I", len(btf)) + btf + ext)


main()
