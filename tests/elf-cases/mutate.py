#!/usr/bin/env python3
"""mutate.py - apply ONE named edit to a good BPF object, for tests/elf-cases.

    mutate.py BASE OUT EDIT...        write BASE with the edit applied to OUT
    mutate.py --batch LIST            each line of LIST is "OUT<TAB>BASE<TAB>EDIT":
                                      like the above, one Python start for all
                                      (a failed edit writes its reason to OUT.err)
    mutate.py --help                  this text

Python 3 standard library only: the ELF64 and BTF structures are read with
struct, exactly as laid out in <elf.h> and <linux/btf.h>.  Every edit
re-checks that it changed something (a "damaged" file identical to a good
one would make its test case vacuous) and that the new value fits the field.

An edit is a few words; VALUE is a Python expression over integers where
`old` is the field's current value and `filesize` the file's size
(e.g. "0x1f", "old+1", "filesize+8", "0xffffffffffffff00").

  ELF
    ehdr FIELD VALUE              e_ident[N] e_type e_machine e_version e_shoff
                                  e_shentsize e_shnum e_shstrndx ...
    shdr SEC FIELD VALUE          sh_name sh_type sh_flags sh_offset sh_size
                                  sh_link sh_info sh_addralign sh_entsize
    rename SEC NEWNAME            overwrite the section's name in place
                                  (NEWNAME no longer than the old name)
    sym SYM FIELD VALUE           st_name st_info st_other st_shndx st_value st_size
    rel RELSEC N FIELD VALUE      relocation N: r_offset sym type
    byte SEC OFF VALUE            one byte of section data (OFF < 0 counts from the end)
    insn SEC N FIELD VALUE        instruction N of a code section: code regs off imm
    truncate VALUE                cut the file to VALUE bytes
  .BTF
    btf-hdr FIELD VALUE           magic version flags hdr_len type_off type_len str_off str_len
    btf-type T FIELD VALUE        T is #ID, NAME or NAME:KIND; FIELD is name_off info
                                  size type kind vlen kflag, extra[N] (N-th u32 after the
                                  12-byte btf_type), array.type array.index_type
                                  array.nelems member[I].name_off/.type/.offset
                                  param[I].name_off/.type secinfo[I].type/.offset/.size
                                  enum[I].name_off/.val var.linkage int.bits
    btf-str OFF VALUE             one byte of the string section (OFF < 0 from the end)
    btf-map MAP ATTR VALUE        a BTF map's __uint() attribute (max_entries, type,
                                  map_flags, pinning): the ARRAY's nelems it encodes
  .BTF.ext
    ext-hdr FIELD VALUE           magic version flags hdr_len func_info_off func_info_len
                                  line_info_off line_info_len core_relo_off core_relo_len
    ext KIND FIELD VALUE          KIND func_info|line_info|core_relo; FIELD rec_size,
                                  secS.name_off, secS.num_info, secS.recR.WORD where WORD
                                  is insn_off type_id (func_info), file_name_off line_off
                                  line_col (line_info), type_id access_str_off kind
                                  (core_relo), or wN

SEC and SYM are names or #INDEX.
"""
import struct
import sys

EHDR = struct.Struct('<16sHHIQQQIHHHHHH')
EHDR_FIELDS = ('e_ident', 'e_type', 'e_machine', 'e_version', 'e_entry', 'e_phoff',
               'e_shoff', 'e_flags', 'e_ehsize', 'e_phentsize', 'e_phnum',
               'e_shentsize', 'e_shnum', 'e_shstrndx')
SHDR = struct.Struct('<IIQQQQIIQQ')
SHDR_FIELDS = ('sh_name', 'sh_type', 'sh_flags', 'sh_addr', 'sh_offset', 'sh_size',
               'sh_link', 'sh_info', 'sh_addralign', 'sh_entsize')
SYM = struct.Struct('<IBBHQQ')
SYM_FIELDS = ('st_name', 'st_info', 'st_other', 'st_shndx', 'st_value', 'st_size')
SHT_SYMTAB = 2

BTF_HDR = struct.Struct('<HBBIIIII')
BTF_HDR_FIELDS = ('magic', 'version', 'flags', 'hdr_len', 'type_off', 'type_len',
                  'str_off', 'str_len')
EXT_HDR = struct.Struct('<HBBIIIIIII')
EXT_HDR_FIELDS = ('magic', 'version', 'flags', 'hdr_len', 'func_info_off', 'func_info_len',
                  'line_info_off', 'line_info_len', 'core_relo_off', 'core_relo_len')
EXT_WORDS = {
    'func_info': ('insn_off', 'type_id'),
    'line_info': ('insn_off', 'file_name_off', 'line_off', 'line_col'),
    'core_relo': ('insn_off', 'type_id', 'access_str_off', 'kind'),
}

# BTF kinds: name, fixed bytes after btf_type, bytes per vlen entry
BTF_KINDS = {
    1: ('INT', 4, 0), 2: ('PTR', 0, 0), 3: ('ARRAY', 12, 0), 4: ('STRUCT', 0, 12),
    5: ('UNION', 0, 12), 6: ('ENUM', 0, 8), 7: ('FWD', 0, 0), 8: ('TYPEDEF', 0, 0),
    9: ('VOLATILE', 0, 0), 10: ('CONST', 0, 0), 11: ('RESTRICT', 0, 0), 12: ('FUNC', 0, 0),
    13: ('FUNC_PROTO', 0, 8), 14: ('VAR', 4, 0), 15: ('DATASEC', 0, 12), 16: ('FLOAT', 0, 0),
    17: ('DECL_TAG', 4, 0), 18: ('TYPE_TAG', 0, 0), 19: ('ENUM64', 0, 12),
}
# words per vlen entry, for member[I] / param[I] / secinfo[I] / enum[I]
VLEN_RECORDS = {
    'member': (3, ('name_off', 'type', 'offset')),
    'param': (2, ('name_off', 'type')),
    'secinfo': (3, ('type', 'offset', 'size')),
    'enum': (2, ('name_off', 'val')),
}


class EditError(Exception):
    pass


def value_of(expr, old, buf):
    try:
        return int(eval(expr, {'__builtins__': {}}, {'old': old, 'filesize': len(buf)}))
    except Exception as e:  # a typo in cases.txt
        raise EditError(f"bad value '{expr}': {e}")


def put(buf, off, fmt, expr):
    """Replace the integer of struct format `fmt` at `off` with VALUE(old)."""
    size = struct.calcsize(fmt)
    if off < 0 or off + size > len(buf):
        raise EditError(f'field at offset {off} is outside the {len(buf)}-byte file')
    old = struct.unpack_from(fmt, buf, off)[0]
    new = value_of(expr, old, buf)
    if not 0 <= new < 1 << (8 * size):
        raise EditError(f'value {new:#x} does not fit a {size}-byte field')
    if new == old:
        raise EditError(f'the edit leaves the value {old:#x} unchanged')
    struct.pack_into(fmt, buf, off, new)


def fmt_piece(fmt):
    """'<16sHH' -> ['16s', 'H', 'H']"""
    out, num = [], ''
    for c in fmt[1:]:
        if c.isdigit():
            num += c
        else:
            out.append(num + c)
            num = ''
    return out


def field_at(st, fields, name):
    if name not in fields:
        raise EditError(f"unknown field '{name}' (known: {' '.join(fields)})")
    pieces = fmt_piece('<' + st.format.lstrip('<'))
    idx = fields.index(name)
    return struct.calcsize('<' + ''.join(pieces[:idx])), '<' + pieces[idx]


class Elf:
    def __init__(self, buf):
        self.buf = buf
        self.ehdr = dict(zip(EHDR_FIELDS, EHDR.unpack_from(buf, 0)))
        self.shdrs = []
        for i in range(self.ehdr['e_shnum']):
            off = self.ehdr['e_shoff'] + i * SHDR.size
            self.shdrs.append(dict(zip(SHDR_FIELDS, SHDR.unpack_from(buf, off)), _off=off))
        strtab = self.shdrs[self.ehdr['e_shstrndx']]
        self.shstr_off = strtab['sh_offset']
        for s in self.shdrs:
            s['_name'] = self.cstr(self.shstr_off + s['sh_name'])

    def cstr(self, off):
        end = self.buf.index(b'\0', off)
        return self.buf[off:end].decode()

    def section(self, ref):
        if ref.startswith('#'):
            return self.shdrs[int(ref[1:])]
        for s in self.shdrs:
            if s['_name'] == ref:
                return s
        raise EditError(f"no section '{ref}'")

    def symtab(self):
        for s in self.shdrs:
            if s['sh_type'] == SHT_SYMTAB:
                return s
        raise EditError('no .symtab')

    def symbol_off(self, ref):
        st = self.symtab()
        strtab = self.shdrs[st['sh_link']]
        n = st['sh_size'] // SYM.size
        for i in range(n):
            off = st['sh_offset'] + i * SYM.size
            if ref.startswith('#'):
                if i == int(ref[1:]):
                    return off
                continue
            name_off = SYM.unpack_from(self.buf, off)[0]
            info = self.buf[off + 4]
            if info & 0xf != 3 and self.cstr(strtab['sh_offset'] + name_off) == ref:
                return off  # not STT_SECTION: those share their section's name
        raise EditError(f"no symbol '{ref}'")

    def data_off(self, sec, off, size=1):
        if off < 0:
            off += sec['sh_size']
        if off < 0 or off + size > sec['sh_size']:
            raise EditError(f"offset {off} is outside section '{sec['_name']}'")
        return sec['sh_offset'] + off


class Btf:
    """Type ids to file offsets, for the object's .BTF section."""

    def __init__(self, elf):
        sec = elf.section('.BTF')
        self.base = sec['sh_offset']
        self.hdr = dict(zip(BTF_HDR_FIELDS, BTF_HDR.unpack_from(elf.buf, self.base)))
        h = self.hdr
        self.str_base = self.base + h['hdr_len'] + h['str_off']
        self.types = [None]  # id -> (file offset, kind, vlen, name)
        p = self.base + h['hdr_len'] + h['type_off']
        end = p + h['type_len']
        while p < end:
            name_off, info, _ = struct.unpack_from('<III', elf.buf, p)
            kind, vlen = (info >> 24) & 0x1f, info & 0xffff
            _, fixed, per = BTF_KINDS[kind]
            name = elf.cstr(self.str_base + name_off)
            self.types.append((p, kind, vlen, name))
            p += 12 + fixed + per * vlen

    def find(self, ref):
        if ref.startswith('#'):
            return int(ref[1:])
        name, _, kind = ref.partition(':')
        for i, t in enumerate(self.types[1:], 1):
            if t[3] == name and (not kind or BTF_KINDS[t[1]][0] == kind):
                return i
        raise EditError(f"no BTF type '{ref}'")

    def extra(self, tid, n):
        return self.types[tid][0] + 12 + 4 * n


def edit_btf_type(elf, btf, ref, field, expr):
    tid = btf.find(ref)
    off = btf.types[tid][0]
    bits = {'kind': (24, 0x1f), 'vlen': (0, 0xffff), 'kflag': (31, 1)}
    if field == 'name_off':
        return put(elf.buf, off, '<I', expr)
    if field in ('size', 'type'):
        return put(elf.buf, off + 8, '<I', expr)
    if field == 'info':
        return put(elf.buf, off + 4, '<I', expr)
    if field in bits:
        shift, mask = bits[field]
        info = struct.unpack_from('<I', elf.buf, off + 4)[0]
        new = value_of(expr, (info >> shift) & mask, elf.buf)
        if new & ~mask or new == (info >> shift) & mask:
            raise EditError(f'bad or unchanged {field} {new}')
        info = (info & ~(mask << shift)) | (new << shift)
        struct.pack_into('<I', elf.buf, off + 4, info)
        return None
    named = {'array.type': 0, 'array.index_type': 1, 'array.nelems': 2,
             'var.linkage': 0, 'int.bits': 0}
    if field in named:
        return put(elf.buf, btf.extra(tid, named[field]), '<I', expr)
    if field.startswith('extra['):
        return put(elf.buf, btf.extra(tid, int(field[6:-1])), '<I', expr)
    rec, _, sub = field.partition('.')
    kind_name, _, idx = rec.partition('[')
    if kind_name in VLEN_RECORDS and idx.endswith(']'):
        words, names = VLEN_RECORDS[kind_name]
        if sub not in names:
            raise EditError(f"unknown {kind_name} field '{sub}'")
        return put(elf.buf, btf.extra(tid, words * int(idx[:-1]) + names.index(sub)), '<I', expr)
    raise EditError(f"unknown BTF type field '{field}'")


def edit_btf_map(elf, btf, mapname, attr, expr):
    """__uint(attr, N) is `int (*attr)[N]`: follow VAR -> STRUCT -> member -> PTR -> ARRAY."""
    var = btf.find(mapname + ':VAR')
    st = struct.unpack_from('<I', elf.buf, btf.types[var][0] + 8)[0]
    while BTF_KINDS[btf.types[st][1]][0] in ('TYPEDEF', 'CONST', 'VOLATILE'):
        st = struct.unpack_from('<I', elf.buf, btf.types[st][0] + 8)[0]
    for i in range(btf.types[st][2]):
        name_off, mtype = struct.unpack_from('<II', elf.buf, btf.extra(st, 3 * i))
        if elf.cstr(btf.str_base + name_off) != attr:
            continue
        arr = struct.unpack_from('<I', elf.buf, btf.types[mtype][0] + 8)[0]  # PTR -> ARRAY
        return put(elf.buf, btf.extra(arr, 2), '<I', expr)
    raise EditError(f"map '{mapname}' has no attribute '{attr}'")


def edit_ext(elf, kind, field, expr):
    sec = elf.section('.BTF.ext')
    base = sec['sh_offset']
    h = dict(zip(EXT_HDR_FIELDS, EXT_HDR.unpack_from(elf.buf, base)))
    if kind not in EXT_WORDS:
        raise EditError(f"unknown .BTF.ext kind '{kind}'")
    block = base + h['hdr_len'] + h[kind + '_off']
    rec_size = struct.unpack_from('<I', elf.buf, block)[0]
    if field == 'rec_size':
        return put(elf.buf, block, '<I', expr)
    parts = field.split('.')
    if not parts[0].startswith('sec'):
        raise EditError(f"unknown .BTF.ext field '{field}'")
    p = block + 4
    for _ in range(int(parts[0][3:])):   # skip whole sections: header + records
        p += 8 + rec_size * struct.unpack_from('<I', elf.buf, p + 4)[0]
    if parts[1] == 'name_off':
        return put(elf.buf, p, '<I', expr)
    if parts[1] == 'num_info':
        return put(elf.buf, p + 4, '<I', expr)
    rec = p + 8 + rec_size * int(parts[1][3:])
    words = EXT_WORDS[kind]
    w = int(parts[2][1:]) if parts[2][0] == 'w' and parts[2][1:].isdigit() else words.index(parts[2])
    return put(elf.buf, rec + 4 * w, '<I', expr)


def apply(buf, words):
    elf = Elf(buf)
    op, args = words[0], words[1:]
    if op == 'ehdr':
        name = args[0]
        if name.startswith('e_ident['):
            return put(buf, int(name[8:-1]), '<B', args[1])
        off, fmt = field_at(EHDR, EHDR_FIELDS, name)
        return put(buf, off, fmt, args[1])
    if op == 'shdr':
        s = elf.section(args[0])
        off, fmt = field_at(SHDR, SHDR_FIELDS, args[1])
        return put(buf, s['_off'] + off, fmt, args[2])
    if op == 'rename':
        s = elf.section(args[0])
        if len(args[1]) > len(s['_name']):
            raise EditError(f"'{args[1]}' is longer than '{s['_name']}'")
        at = elf.shstr_off + s['sh_name']
        buf[at:at + len(args[1]) + 1] = args[1].encode() + b'\0'
        return None
    if op == 'sym':
        off = elf.symbol_off(args[0])
        f, fmt = field_at(SYM, SYM_FIELDS, args[1])
        return put(buf, off + f, fmt, args[2])
    if op == 'rel':
        s = elf.section(args[0])
        off = elf.data_off(s, int(args[1]) * 16, 16)
        if args[2] == 'r_offset':
            return put(buf, off, '<Q', args[3])
        if args[2] == 'type':
            return put(buf, off + 8, '<I', args[3])
        if args[2] == 'sym':
            return put(buf, off + 12, '<I', args[3])
        raise EditError(f"unknown relocation field '{args[2]}'")
    if op == 'byte':
        s = elf.section(args[0])
        return put(buf, elf.data_off(s, int(args[1], 0)), '<B', args[2])
    if op == 'insn':
        s = elf.section(args[0])
        off = elf.data_off(s, int(args[1]) * 8, 8)
        fields = {'code': (0, '<B'), 'regs': (1, '<B'), 'off': (2, '<H'), 'imm': (4, '<I')}
        f, fmt = fields[args[2]]
        return put(buf, off + f, fmt, args[3])
    if op == 'truncate':
        n = value_of(args[0], len(buf), buf)
        if not 0 <= n < len(buf):
            raise EditError(f'truncate to {n} does not shorten the {len(buf)}-byte file')
        del buf[n:]
        return None
    if op.startswith('btf-'):
        btf = Btf(elf)
        if op == 'btf-hdr':
            off, fmt = field_at(BTF_HDR, BTF_HDR_FIELDS, args[0])
            return put(buf, btf.base + off, fmt, args[1])
        if op == 'btf-type':
            return edit_btf_type(elf, btf, args[0], args[1], args[2])
        if op == 'btf-str':
            off = int(args[0], 0)
            if off < 0:
                off += btf.hdr['str_len']
            return put(buf, btf.str_base + off, '<B', args[1])
        if op == 'btf-map':
            return edit_btf_map(elf, btf, args[0], args[1], args[2])
    if op == 'ext-hdr':
        off, fmt = field_at(EXT_HDR, EXT_HDR_FIELDS, args[0])
        return put(buf, elf.section('.BTF.ext')['sh_offset'] + off, fmt, args[1])
    if op == 'ext':
        return edit_ext(elf, args[0], args[1], args[2])
    raise EditError(f"unknown edit '{op}'")


def mutate(base, out, words):
    """Write `base` with the edit `words` applied to `out`; return the error or None."""
    with open(base, 'rb') as f:
        buf = bytearray(f.read())
    try:
        apply(buf, words)
    except (EditError, IndexError, ValueError, KeyError, struct.error) as e:
        return f"{base}: {' '.join(words)}: {e}"
    with open(out, 'wb') as f:
        f.write(buf)
    return None


def main(argv):
    if len(argv) == 3 and argv[1] == '--batch':
        bad = 0
        with open(argv[2]) as lst:
            for line in lst:
                out, base, edit = line.rstrip('\n').split('\t')
                err = mutate(base, out, edit.split())
                if err:
                    bad += 1
                    with open(out + '.err', 'w') as f:
                        print(f'mutate.py: {err}', file=f)
        return 1 if bad else 0
    if len(argv) < 4 or argv[1] in ('-h', '--help'):
        print(__doc__)
        return 0 if len(argv) > 1 and argv[1] in ('-h', '--help') else 2
    err = mutate(argv[1], argv[2], argv[3:])
    if err:
        print(f'mutate.py: {err}', file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
