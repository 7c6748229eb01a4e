#!/usr/bin/env python3
"""gen_object.py - write a synthetic, valid BPF ELF object of any size.

    gen_object.py N OUT [--layout one|per] [--maps legacy|btf] [--btf]

N programs, each calling one shared .text subprogram and loading its own map:

    prog_i:  r1 = map_i ll      ld_imm64 + R_BPF_64_64 against map_i
             call helper        BPF_PSEUDO_CALL + R_BPF_64_32 against helper
             r0 = 2             XDP_PASS
             exit

so N programs, N maps and 2N relocations.  --layout one puts every program
in one section "xdp" (as clang does for many SEC("xdp") functions); --layout
per gives each its own section "xdp/p<i>" with its own .relxdp/p<i>.
--maps legacy writes struct bpf_map_def records into SEC("maps"); --maps btf
writes BTF-defined maps into ".maps" (needs --btf; four BTF types per map).
--btf adds .BTF (INT, FUNC_PROTO, a FUNC per function, and N small STRUCTs)
and .BTF.ext with one func_info and one line_info record per function.

Only the Python standard library; layouts from the ELF gABI, <linux/bpf.h>
and <linux/btf.h> (facts, no code from other projects).

    ELF header | section bytes (8-aligned) ... | section header table
"""
import argparse
import struct

EM_BPF, ET_REL = 247, 1
SHT_PROGBITS, SHT_SYMTAB, SHT_STRTAB, SHT_REL = 1, 2, 3, 9
SHF_WRITE, SHF_ALLOC, SHF_EXECINSTR = 1, 2, 4
STB_GLOBAL, STT_OBJECT, STT_FUNC = 1, 1, 2
R_BPF_64_64, R_BPF_64_32 = 1, 10
BTF_KIND_INT, BTF_KIND_PTR, BTF_KIND_ARRAY, BTF_KIND_STRUCT = 1, 2, 3, 4
BTF_KIND_FUNC, BTF_KIND_FUNC_PROTO, BTF_KIND_VAR, BTF_KIND_DATASEC = 12, 13, 14, 15
MAP_DEF_SIZE = 20          # legacy struct bpf_map_def: 5 x u32
BTF_MAP_DEF_SIZE = 32      # four pointer members: type, max_entries, key_size, value_size
PROG_INSNS = 5


def insn(code, dst=0, src=0, off=0, imm=0):
    return struct.pack("<BBhi", code, (src << 4) | dst, off, imm)


def program_bytes():
    return (insn(0x18, dst=1) + insn(0)          # ld_imm64 r1, map (imm filled by loader)
            + insn(0x85, src=1, imm=-1)          # call helper: pc + imm + 1 = symbol start
            + insn(0xb7, dst=0, imm=2)           # r0 = XDP_PASS
            + insn(0x95))                        # exit


class Strings:
    """A string table with "\\0" at offset 0 and de-duplication."""

    def __init__(self):
        self.data = bytearray(b"\0")
        self.offs = {"": 0}

    def add(self, s):
        if s not in self.offs:
            self.offs[s] = len(self.data)
            self.data += s.encode() + b"\0"
        return self.offs[s]


class Btf:
    """Types are appended in id order (id 0 is void)."""

    def __init__(self):
        self.strs = Strings()
        self.types = bytearray()
        self.nr = 0

    def add(self, name, kind, vlen, size_or_type, extra=b"", kflag=0):
        info = (kflag << 31) | (kind << 24) | vlen
        self.types += struct.pack("<III", self.strs.add(name) if name else 0, info, size_or_type) + extra
        self.nr += 1
        return self.nr

    def raw(self):
        hdr = struct.pack("<HBBIIIII", 0xEB9F, 1, 0, 24, 0, len(self.types), len(self.types),
                          len(self.strs.data))
        return hdr + bytes(self.types) + bytes(self.strs.data)


def build_btf(n, prog_secs, maps_kind):
    """Returns (btf, func type ids by function name, .maps VAR ids)."""
    b = Btf()
    t_int = b.add("int", BTF_KIND_INT, 0, 4, struct.pack("<I", (1 << 24) | 32))  # signed, 32 bits
    t_proto = b.add(None, BTF_KIND_FUNC_PROTO, 0, t_int)
    funcs = {"helper": b.add("helper", BTF_KIND_FUNC, 1, t_proto)}  # vlen = linkage: global
    for i in range(n):
        funcs[f"prog_{i}"] = b.add(f"prog_{i}", BTF_KIND_FUNC, 1, t_proto)
    for i in range(n):
        b.add(f"s_{i}", BTF_KIND_STRUCT, 1, 4, struct.pack("<III", b.strs.add("a"), t_int, 0))
    var_ids = []
    if maps_kind == "btf":
        t_idx = t_int
        arrays = {}

        def ptr_to_array(nelems):  # __uint(x, nelems) is int (*x)[nelems]
            if nelems not in arrays:
                a = b.add(None, BTF_KIND_ARRAY, 0, 0, struct.pack("<III", t_int, t_idx, nelems))
                arrays[nelems] = b.add(None, BTF_KIND_PTR, 0, a)
            return arrays[nelems]

        p_type, p_key, p_val = ptr_to_array(2), ptr_to_array(4), ptr_to_array(8)
        for i in range(n):
            p_max = ptr_to_array(i + 1)  # distinct max_entries: one definition struct per map
            members = b"".join(struct.pack("<III", b.strs.add(m), t, 64 * k) for k, (m, t) in
                               enumerate([("type", p_type), ("max_entries", p_max),
                                          ("key_size", p_key), ("value_size", p_val)]))
            st = b.add(None, BTF_KIND_STRUCT, 4, BTF_MAP_DEF_SIZE, members)
            var_ids.append(b.add(f"map_{i}", BTF_KIND_VAR, 0, st, struct.pack("<I", 1)))  # global
        secinfo = b"".join(struct.pack("<III", v, i * BTF_MAP_DEF_SIZE, BTF_MAP_DEF_SIZE)
                           for i, v in enumerate(var_ids))
        b.add(".maps", BTF_KIND_DATASEC, n, n * BTF_MAP_DEF_SIZE, secinfo)
    for s in prog_secs + [".text"]:
        b.strs.add(s)
    return b, funcs


def build_btf_ext(btf, sec_funcs):
    """sec_funcs: [(section name, [(byte offset, function name)])]."""
    file_off, line_off = btf.strs.add("gen.c"), btf.strs.add("return XDP_PASS;")
    fi, li = bytearray(struct.pack("<I", 8)), bytearray(struct.pack("<I", 16))
    for sec, fns in sec_funcs:
        name = btf.strs.add(sec)
        fi += struct.pack("<II", name, len(fns))
        li += struct.pack("<II", name, len(fns))
        for k, (off, fn) in enumerate(fns):
            fi += struct.pack("<II", off, btf.funcs[fn])
            li += struct.pack("<IIII", off, file_off, line_off, (k + 1) << 10 | 1)
    hdr = struct.pack("<HBBIIIIIII", 0xEB9F, 1, 0, 32, 0, len(fi), len(fi), len(li), len(fi) + len(li), 0)
    return hdr + bytes(fi) + bytes(li)


def generate(n, layout, maps_kind, with_btf):
    prog_secs = ["xdp"] if layout == "one" else [f"xdp/p{i}" for i in range(n)]
    names = Strings()
    for s in [".text", ".strtab", ".symtab", "license", "maps", ".maps", ".BTF", ".BTF.ext"]:
        names.add(s)
    for s in prog_secs:
        names.add(s)
        names.add(".rel" + s)

    # section list without data for the symbol table / strings first (indexes)
    sec = []  # [name, type, flags, data, link, info, entsize]
    idx = {}

    def add_sec(name, typ, flags, data=b"", link=0, info=0, entsize=0):
        sec.append([name, typ, flags, data, link, info, entsize])
        idx[name] = len(sec)
        return len(sec)

    add_sec(".strtab", SHT_STRTAB, 0)
    add_sec(".text", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, insn(0xb7, imm=0) + insn(0x95))
    code = program_bytes()
    prog_place = []  # (section, byte offset) per program
    if layout == "one":
        add_sec("xdp", SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, code * n)
        prog_place = [("xdp", i * len(code)) for i in range(n)]
    else:
        for i, s in enumerate(prog_secs):
            add_sec(s, SHT_PROGBITS, SHF_ALLOC | SHF_EXECINSTR, code)
            prog_place.append((s, 0))
    map_sec = "maps" if maps_kind == "legacy" else ".maps"
    if maps_kind == "legacy":
        defs = b"".join(struct.pack("<5I", 2, 4, 8, i + 1, 0) for i in range(n))  # ARRAY
    else:
        defs = bytes(BTF_MAP_DEF_SIZE * n)
    add_sec(map_sec, SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, defs)
    add_sec("license", SHT_PROGBITS, SHF_ALLOC | SHF_WRITE, b"GPL\0")

    # symbols: only globals after the null symbol, so sh_info (first global) = 1
    syms = [("helper", STT_FUNC, idx[".text"], 0, 16)]
    for i, (s, off) in enumerate(prog_place):
        syms.append((f"prog_{i}", STT_FUNC, idx[s], off, len(code)))
    def_size = MAP_DEF_SIZE if maps_kind == "legacy" else BTF_MAP_DEF_SIZE
    for i in range(n):
        syms.append((f"map_{i}", STT_OBJECT, idx[map_sec], i * def_size, def_size))
    syms.append(("LICENSE", STT_OBJECT, idx["license"], 0, 4))
    sym_index = {name: k + 1 for k, (name, *_rest) in enumerate(syms)}
    symtab = bytearray(24)
    for name, typ, shndx, value, size in syms:
        symtab += struct.pack("<IBBHQQ", names.add(name), (STB_GLOBAL << 4) | typ, 0, shndx, value, size)

    # relocations, one REL section per program section
    rels = {s: bytearray() for s in prog_secs}
    for i, (s, off) in enumerate(prog_place):
        rels[s] += struct.pack("<QQ", off, (sym_index[f"map_{i}"] << 32) | R_BPF_64_64)
        rels[s] += struct.pack("<QQ", off + 16, (sym_index["helper"] << 32) | R_BPF_64_32)
    symtab_idx = add_sec(".symtab", SHT_SYMTAB, 0, bytes(symtab), idx[".strtab"], 1, 24)
    for s in prog_secs:
        add_sec(".rel" + s, SHT_REL, 0, bytes(rels[s]), symtab_idx, idx[s], 16)

    if with_btf:
        btf, funcs = build_btf(n, prog_secs, maps_kind)
        btf.funcs = funcs
        sec_funcs = [(".text", [(0, "helper")])]
        by_sec = {}
        for i, (s, off) in enumerate(prog_place):
            by_sec.setdefault(s, []).append((off, f"prog_{i}"))
        sec_funcs += [(s, by_sec[s]) for s in prog_secs]
        ext = build_btf_ext(btf, sec_funcs)  # adds strings: build before taking raw()
        add_sec(".BTF", SHT_PROGBITS, 0, btf.raw())
        add_sec(".BTF.ext", SHT_PROGBITS, 0, ext)

    # one string table for section and symbol names
    for s in sec:
        names.add(s[0])
    sec[idx[".strtab"] - 1][3] = bytes(names.data)
    return sec, names


def write(path, sec, names):
    out = bytearray(64)
    shdrs = [bytes(64)]
    for name, typ, flags, data, link, info, entsize in sec:
        while len(out) % 8:
            out.append(0)
        shdrs.append(struct.pack("<IIQQQQIIQQ", names.offs[name], typ, flags, 0, len(out), len(data),
                                 link, info, 8, entsize))
        out += data
    while len(out) % 8:
        out.append(0)
    shoff = len(out)
    out += b"".join(shdrs)
    strtab_idx = next(i for i, s in enumerate(sec, 1) if s[0] == ".strtab")
    out[0:64] = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + bytes(9), ET_REL, EM_BPF, 1,
                            0, 0, shoff, 0, 64, 0, 0, 64, len(shdrs), strtab_idx)
    with open(path, "wb") as f:
        f.write(out)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("n", type=int)
    ap.add_argument("out")
    ap.add_argument("--layout", choices=["one", "per"], default="one")
    ap.add_argument("--maps", choices=["legacy", "btf"], default="legacy")
    ap.add_argument("--btf", action="store_true")
    a = ap.parse_args()
    if a.maps == "btf" and not a.btf:
        ap.error("--maps btf needs --btf")
    if a.layout == "per" and a.n > 30000:
        ap.error("--layout per: at most 30000 programs (e_shnum is 16 bits)")
    sec, names = generate(a.n, a.layout, a.maps, a.btf)
    write(a.out, sec, names)


if __name__ == "__main__":
    main()
