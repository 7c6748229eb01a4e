#!/usr/bin/env python3
"""extract.py OUTDIR - gather the BPF objects Debian packages ship, at test time.

Sources (nothing is copied into the repository):
  - ELF objects embedded in the libbpf-tools and xdp-tools binaries (skeletons):
    every "\\x7fELF" header with EI_CLASS 64, little-endian and e_machine EM_BPF
    (247), cut at the end of its section header table (e_shoff + e_shnum *
    e_shentsize) or its last section, whichever is further;
  - the plain .o files of xdp-tools / libxdp (/usr/lib/<triplet>/bpf/*.o);
  - golang-github-cilium-ebpf-dev's prebuilt little-endian testdata (*-el.elf).
Writes OUTDIR/<source>[_<n>].o and prints one name per line (no dot before
".o": libbpf names an object after its file name up to the first dot).
"""
import glob, os, struct, subprocess, sys

EM_BPF = 247


def pkg_files(pkg):
    try:
        out = subprocess.run(["dpkg", "-L", pkg], capture_output=True, text=True).stdout
    except OSError:
        return []
    return [l for l in out.splitlines() if os.path.isfile(l)]


def embedded(data):
    """Yield (offset, length) of each little-endian 64-bit EM_BPF ELF in data."""
    pos = 0
    while True:
        i = data.find(b"\x7fELF", pos)
        if i < 0 or i + 64 > len(data):
            return
        pos = i + 4
        if data[i + 4] != 2 or data[i + 5] != 1:
            continue
        e_machine, = struct.unpack_from("<H", data, i + 18)
        if e_machine != EM_BPF:
            continue
        e_shoff, = struct.unpack_from("<Q", data, i + 40)
        e_shentsize, e_shnum = struct.unpack_from("<HH", data, i + 58)
        end = e_shoff + e_shnum * e_shentsize
        if e_shentsize != 64 or e_shnum == 0 or i + end > len(data):
            continue
        for s in range(e_shnum):
            off = i + e_shoff + s * 64
            sh_type, = struct.unpack_from("<I", data, off + 4)
            sh_offset, sh_size = struct.unpack_from("<QQ", data, off + 24)
            if sh_type != 8:  # SHT_NOBITS takes no bytes
                end = max(end, sh_offset + sh_size)
        if i + end > len(data):
            continue
        yield i, end
        pos = i + end


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    names = []
    for pkg in ("libbpf-tools", "xdp-tools"):
        for f in sorted(pkg_files(pkg)):
            if "/bin/" not in f and "/sbin/" not in f:
                continue
            data = open(f, "rb").read()
            found = list(embedded(data))
            for n, (off, ln) in enumerate(found):
                name = os.path.basename(f) + ("_%d" % n if len(found) > 1 else "") + ".o"
                open(os.path.join(out, name), "wb").write(data[off:off + ln])
                names.append(name)
    for pkg in ("xdp-tools", "libxdp1"):
        for f in sorted(pkg_files(pkg)):
            if f.endswith(".o") and "/bpf/" in f:
                name = "xdp-lib_" + os.path.basename(f)
                open(os.path.join(out, name), "wb").write(open(f, "rb").read())
                names.append(name)
    for f in sorted(glob.glob("/usr/share/gocode/src/github.com/cilium/ebpf/**/*-el.elf", recursive=True)):
        name = "cilium_" + os.path.basename(f)[:-len("-el.elf")] + ".o"
        open(os.path.join(out, name), "wb").write(open(f, "rb").read())
        names.append(name)
    for n in names:
        print(n)


if __name__ == "__main__":
    main()
