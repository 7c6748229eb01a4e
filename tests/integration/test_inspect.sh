#!/bin/bash
# test_inspect.sh - `rawload inspect` against llvm-readelf (SPEC §1, §5; issue 2).
#
# No root, no kernel: inspect only parses.  For each object, the facts come
# from another reader of the same file:
#   llvm-readelf -S   every section's index, name, type, offset, size, flags;
#   llvm-readelf -s   each function (section, offset, size -> insns) and map
#                     symbol (section + offset);
#   llvm-readelf -r   the .rel.maps entries: which slot of which map names
#                     which symbol (a prog array's / map-in-map's `values`);
#   .BTF.ext, read here with struct: each function's func_info / line_info.
# Checked in both outputs: the JSON (python3 json) field by field, and the
# human tables cell by cell - a left-aligned cell must start under its
# header, a right-aligned one end under it, so a long name that pushed its
# row out of line fails here.  The object sources' header comments give the
# rest (which slot holds what; the expected attach type of SEC("xdp")).
source "$(dirname "$0")/lib.sh"

command -v llvm-readelf >/dev/null || { echo "$T_NAME: skipped (no llvm-readelf)"; exit 0; }
TMP=$(mktemp -d /tmp/rawload-test-inspect.XXXXXX)
on_exit "rm -rf '$TMP'"

for o in global_data map_in_map multi_prog tail_call long_names; do
	f="$OBJ/$o.bpf.o"
	[ -f "$f" ] || make -s -C "$TOP" "build/tests/objects/$o.bpf.o" >/dev/null
	"$RL" inspect "$f" >"$TMP/$o.txt" 2>&1
	check_eq "$o: inspect exits 0" "$?" 0
	"$RL" --json inspect "$f" >"$TMP/$o.json" 2>&1
	check_eq "$o: inspect --json exits 0" "$?" 0
	llvm-readelf -W -S -s -r "$f" >"$TMP/$o.readelf"
done

# One line per check: "ok DESC" or "FAIL DESC: why".
python3 - "$OBJ" "$TMP" global_data map_in_map multi_prog tail_call long_names >"$TMP/results" <<'EOF'
import json, re, struct, sys

objdir, tmp, names = sys.argv[1], sys.argv[2], sys.argv[3:]

def check(desc, ok, why=''):
    print(('ok ' if ok else 'FAIL ') + desc + ('' if ok else ': ' + why))

def readelf(name):
    """sections, symbols and relocations as llvm-readelf -W -S -s -r prints them"""
    secs, syms, rels, cur = {}, [], {}, None
    for line in open(f'{tmp}/{name}.readelf'):
        m = re.match(r'\s*\[\s*(\d+)\]\s(.*)$', line)
        if m and int(m.group(1)) > 0:
            t = m.group(2).split()
            flags = t[6] if len(t) == 10 else ''
            secs[int(m.group(1))] = dict(name=t[0], type=t[1], off=int(t[3], 16),
                                         size=int(t[4], 16), flags=flags)
            continue
        m = re.match(r"\s*\d+: ([0-9a-f]+)\s+(\d+) (\w+)\s+(\w+)\s+\w+\s+(\w+) ?(\S*)$", line)
        if m and m.group(5).isdigit():
            syms.append(dict(value=int(m.group(1), 16), size=int(m.group(2)), type=m.group(3),
                             shndx=int(m.group(5)), name=m.group(6)))
            continue
        m = re.match(r"Relocation section '(\S+)'", line)
        if m:
            cur = rels.setdefault(m.group(1), [])
            continue
        m = re.match(r'([0-9a-f]{16})\s+[0-9a-f]{16}\s+(\S+)\s+[0-9a-f]{16}\s+(\S+)', line)
        if m and cur is not None:
            cur.append(dict(off=int(m.group(1), 16), type=m.group(2), sym=m.group(3)))
    return secs, syms, rels

def btf_ext_counts(name, secs):
    """{(section name, kind): [insn_off...]} from the raw .BTF / .BTF.ext bytes"""
    data = open(f'{objdir}/{name}.bpf.o', 'rb').read()
    by = {s['name']: s for s in secs.values()}
    btf = data[by['.BTF']['off']:][:by['.BTF']['size']]
    hdr_len, _, _, str_off, str_len = struct.unpack_from('<IIIII', btf, 4)
    strs = btf[hdr_len + str_off:hdr_len + str_off + str_len]
    ext = data[by['.BTF.ext']['off']:][:by['.BTF.ext']['size']]
    magic, _, _, ehl, fo, fl, lo, ll = struct.unpack_from('<HBBIIIII', ext, 0)
    assert magic == 0xeb9f
    out = {}
    for kind, off, length in (('func_info', fo, fl), ('line_info', lo, ll)):
        p, end = ehl + off, ehl + off + length
        rec_size = struct.unpack_from('<I', ext, p)[0]
        p += 4
        while p < end:
            name_off, n = struct.unpack_from('<II', ext, p)
            sec = strs[name_off:strs.index(b'\0', name_off)].decode()
            p += 8
            out.setdefault((sec, kind), []).extend(
                struct.unpack_from('<I', ext, p + i * rec_size)[0] for i in range(n))
            p += n * rec_size
    return out

def table(lines, title, headers, align):
    """The rows of the human table under `title`, each checked cell by cell
    against the header's column: returns {first cell: [cells]} and the
    misaligned rows."""
    try:
        i = lines.index(title) + 1
    except ValueError:
        return None, [f'no "{title}" table']
    head = lines[i]
    pos, at = [], 0
    for h in headers:
        at = head.index(h, at)
        pos.append((at, at + len(h)))
        at += len(h)
    rows, bad = {}, []
    for row in lines[i + 1:]:
        if not row.startswith('  '):
            break
        cells, ok = [], True
        for c, (start, end) in enumerate(pos):
            last = c == len(pos) - 1
            if align[c] == 'l':
                stop = len(row) if last else (pos[c + 1][0] - 1 if align[c + 1] == 'l' else None)
                if stop is None:   # left then right: the cell ends at the first double space
                    m = re.compile(r'\S+( \S+)*').match(row, start)
                    cell = m.group(0) if m else ''
                else:
                    cell = row[start:stop].rstrip()
                ok &= row[start - 1] == ' ' and (cell == '' or row[start] != ' ')
            else:
                cell = row[:end].split(' ')[-1]
                ok &= end == len(row) or row[end] == ' '
            cells.append(cell)
        rows.setdefault(cells[0], []).append(cells)
        if not ok:
            bad.append(row)
    return rows, bad

ATTACH = {'xdp': 'XDP'}     # SEC("xdp") programs: BPF_PROG_TYPE_XDP, expected attach BPF_XDP
SLOTS = {                   # from the sources: tests/objects/*.bpf.c
    'map_in_map': {'outer': [(0, 'map', 'inner_a')]},
    'tail_call': {'jmp_table': [(1, 'program', 'xdp_target')]},
}

def check_object(name):
    j = json.load(open(f'{tmp}/{name}.json'))
    human = open(f'{tmp}/{name}.txt').read().split('\n')
    secs, syms, rels = readelf(name)

    # ---- sections ----
    js = {s['index']: s for s in j['sections']}
    check(f'{name}: every section, none more', sorted(js) == sorted(secs), f'{sorted(js)} vs {sorted(secs)}')
    bad = [f"[{i}] {js[i]} vs {s}" for i, s in secs.items() if i in js and
           (js[i]['name'], js[i]['type'], js[i]['offset'], js[i]['size'], sorted(js[i]['flag_letters']))
           != (s['name'], s['type'], s['off'], s['size'], sorted(s['flags']))]
    check(f'{name}: sections: name, type, offset, size, flags as llvm-readelf', not bad, '; '.join(bad[:3]))
    rows, mis = table(human, 'sections:', ['idx', 'name', 'type', 'flags', 'size'], 'llllr')
    check(f'{name}: human sections table aligned', rows is not None and not mis, str(mis[:2]))
    if rows:
        def cells(r):   # the flag letters as a set: readelf's order is not ours
            return [r[0], r[1], r[2], sorted(r[3]), r[4]]
        bad = [str(i) for i, s in secs.items() if [cells(r) for r in rows.get(str(i), [])] !=
               [cells([str(i), s['name'], s['type'], s['flags'], str(s['size'])])]]
        check(f'{name}: human sections: each row as llvm-readelf', not bad, f'rows {bad[:5]}')

    # ---- programs ----
    funcs = {s['name']: s for s in syms if s['type'] == 'FUNC'}
    jp = {p['name']: p for p in j['programs']}
    check(f'{name}: one function per FUNC symbol', sorted(jp) == sorted(funcs), f'{sorted(jp)} vs {sorted(funcs)}')
    ext = btf_ext_counts(name, secs)
    rows, mis = table(human, 'programs:', ['name', 'section', 'type', 'expected attach', 'insns', 'relocs',
                                           'func_info', 'line_info'], 'llllrrrr')
    check(f'{name}: human programs table aligned', rows is not None and not mis, str(mis[:2]))
    for fn, s in funcs.items():
        p = jp.get(fn)
        sec = secs[s['shndx']]['name']
        lo, hi = s['value'], s['value'] + s['size']
        nf = sum(lo <= o < hi for o in ext.get((sec, 'func_info'), []))
        nl = sum(lo <= o < hi for o in ext.get((sec, 'line_info'), []))
        sub = sec == '.text'
        attach = None if sub else ATTACH.get(sec)
        want = dict(section=sec, insns=s['size'] // 8, subprogram=sub, func_info=nf, line_info=nl,
                    expected_attach_type=attach)
        got = {k: p.get(k) for k in want} if p else None
        check(f'{name}: {fn}: section, insns, func/line info, expected attach', got == want, f'{got} vs {want}')
        # every REL entry against this function's bytes is one of its relocations
        insns = sorted((r['off'] - lo) // 8 for r in rels.get('.rel' + sec, []) if lo <= r['off'] < hi)
        have = sorted(r['insn'] for r in p['relocations']) if p else []
        check(f'{name}: {fn}: the REL entries are among its relocations', all(i in have for i in insns),
              f'{insns} vs {have}')
        if rows is not None and p:
            wrow = [fn, sec, '(subprogram)' if sub else p['type'], '-' if sub else (attach or '-'),
                    str(want['insns']), str(len(p['relocations'])), str(nf), str(nl)]
            check(f'{name}: human programs: {fn}', rows.get(fn) == [wrow], f'{rows.get(fn)} vs {wrow}')

    # ---- maps: where defined, initialiser slots ----
    jm = {m['name']: m for m in j['maps']}
    rows, mis = table(human, 'maps:', ['name', 'type', 'key', 'value', 'max_entries', 'flags', 'pinning',
                                       'defined in'], 'llrrrrll')
    check(f'{name}: human maps table aligned', rows is not None and not mis, str(mis[:2]))
    for s in syms:
        if s['type'] != 'OBJECT' or secs[s['shndx']]['name'] != '.maps':
            continue
        m = jm.get(s['name'])
        got = (m['section'], m['section_offset']) if m else None
        check(f"{name}: map {s['name']}: defined at .maps + {s['value']}", got == ('.maps', s['value']), str(got))
    for m in j['maps']:
        if m['origin'] == 'global data':
            check(f"{name}: {m['name']}: global data is its whole section",
                  (m['section'], m['section_offset']) == (m['name'], 0), str((m['section'], m['section_offset'])))
        if rows is not None:
            wrow = [m['name'], m['type'], str(m['key_size']), str(m['value_size']), str(m['max_entries']),
                    hex(m['map_flags']) if m['map_flags'] else '0', 'by name' if m['pinning'] else 'none',
                    f"{m['section']}+{hex(m['section_offset'])} ({m['origin']})"]
            check(f"{name}: human maps: {m['name']}", rows.get(m['name']) == [wrow], f"{rows.get(m['name'])} vs {wrow}")
    slots = {}
    for r in rels.get('.rel.maps', []):
        owner = max((m for m in j['maps'] if m['section'] == '.maps' and m['origin'] == 'BTF .maps'
                     and m['section_offset'] <= r['off']), key=lambda m: m['section_offset'])
        kind = 'program' if r['sym'] in funcs else 'map'
        slots.setdefault(owner['name'], []).append(
            ((r['off'] - owner['section_offset'] - owner.get('values_offset', 0)) // 8, kind, r['sym']))
    check(f'{name}: initialiser slots are the sources\'', slots == SLOTS.get(name, {}), f'{slots}')
    got = {m['name']: [(v['slot'], 'program' if 'program' in v else 'map', v.get('program', v.get('map')))
                       for v in m['values']] for m in j['maps'] if m['values']}
    check(f'{name}: JSON values = .rel.maps (slot -> target)', got == slots, f'{got} vs {slots}')
    if slots:
        rows, mis = table(human, 'map initialisers (`values`, filled after loading):', ['map', 'slot', 'holds'], 'lrl')
        check(f'{name}: human initialisers table aligned', rows is not None and not mis, str(mis[:2]))
        want = {mp: [[mp, str(k), f"{kind} '{t}'"] for k, kind, t in v] for mp, v in slots.items()}
        check(f'{name}: human initialisers', rows == want, f'{rows} vs {want}')
    else:
        check(f'{name}: no initialisers table', 'map initialisers' not in '\n'.join(human))

for name in names:
    try:
        check_object(name)
    except Exception as e:      # a field missing from the JSON, a table not there
        check(f'{name}: the checks could run', False, f'{type(e).__name__}: {e}')
EOF
while read -r verdict rest; do
	if [ "$verdict" = ok ]; then pass "$rest"; else fail "$rest"; fi
done <"$TMP/results"
check "the checks ran" test "$(wc -l <"$TMP/results")" -gt 50

# A name longer than its column widens the column: every row stays aligned
# (the table check above covers long_names; this is the failure it caught)
check_contains "long names: the maps column widened" "$(cat "$TMP/long_names.txt")" \
	"  map_with_a_rather_long_name ARRAY                4       8"
finish
