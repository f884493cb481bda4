#!/usr/bin/env python3
"""layers.py - lib/ keeps its layers (doc/ARCHITECTURE.md).

The layers and their order come from Makefile.am, which includes one fragment per folder
of lib/, bottom first; nothing here lists them again. The test fails, naming file and
line, when:
  - a source file sits in lib/ itself or in a folder that is not a layer;
  - a file includes a header of a layer above its own ("an upward include"), or a header
    that does not exist;
  - headers include each other in a cycle;
  - an object of libpostsale.a uses a symbol defined by an object of a higher layer (the
    link-level twin of an upward include, which catches a declaration written by hand),
    or objects use each other's symbols in a cycle (two files that are one job split
    badly, or a helper living in its caller);
  - SQLite is spoken outside lib/store/ (sqlite3.h included, or an sqlite3_* symbol used).
"""
import os
import re
import subprocess
import sys

SRC = os.environ.get('top_srcdir', os.path.join(os.path.dirname(__file__), '..'))
BUILD = os.environ.get('top_builddir', SRC)
LIB = os.path.join(SRC, 'lib')
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')
SYSINCLUDE = re.compile(r'^\s*#\s*include\s+<sqlite3\.h>')


def layers():
    """The folders of lib/ in the order Makefile.am includes their fragments."""
    text = open(os.path.join(SRC, 'Makefile.am')).read()
    return re.findall(r'^include \$\(srcdir\)/lib/([a-z]+)/\1\.am$', text, re.M)


def sources():
    for root, _dirs, files in os.walk(LIB):
        for f in sorted(files):
            if f.endswith(('.c', '.h')):
                yield os.path.relpath(os.path.join(root, f), LIB)


def scc(graph):
    """Strongly connected components of more than one node (Tarjan, iterative)."""
    index, low, on, stack, out, n = {}, {}, set(), [], [], [0]
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = n[0]; n[0] += 1
        stack.append(start); on.add(start)
        while work:
            v, it = work[-1]
            for w in it:
                if w not in index:
                    index[w] = low[w] = n[0]; n[0] += 1
                    stack.append(w); on.add(w)
                    work.append((w, iter(sorted(graph.get(w, ())))))
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            else:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[v])
                if low[v] == index[v]:
                    comp = []
                    while True:
                        w = stack.pop(); on.discard(w); comp.append(w)
                        if w == v:
                            break
                    if len(comp) > 1:
                        out.append(sorted(comp))
    return out


def main():
    order = layers()
    if not order:
        print('layers.py: Makefile.am includes no lib/FOLDER/FOLDER.am', file=sys.stderr)
        return 1
    rank = {f: i for i, f in enumerate(order)}
    bad = []
    headers = {}
    files = list(sources())
    for rel in files:
        folder = os.path.dirname(rel)
        if folder not in rank:
            bad.append(f'lib/{rel}: not in a layer folder ({", ".join(order)})')
    for rel in files:
        folder = os.path.dirname(rel)
        if folder not in rank:
            continue
        for no, line in enumerate(open(os.path.join(LIB, rel)), 1):
            if SYSINCLUDE.match(line) and folder != 'store':
                bad.append(f'lib/{rel}:{no}: includes <sqlite3.h> outside lib/store/')
            m = INCLUDE.match(line)
            if not m:
                continue
            target = m.group(1)
            if '/' not in target:
                target = f'{folder}/{target}'
            if not os.path.exists(os.path.join(LIB, target)):
                bad.append(f'lib/{rel}:{no}: includes "{m.group(1)}", which is not lib/{target}')
                continue
            tf = os.path.dirname(target)
            if tf in rank and rank[tf] > rank[folder]:
                bad.append(f'lib/{rel}:{no}: {folder}/ (layer {rank[folder]}) includes '
                           f'{target} from {tf}/ (layer {rank[tf]}), a layer above')
            if rel.endswith('.h'):
                headers.setdefault(rel, set()).add(target)
    for comp in scc(headers):
        bad.append('headers include each other in a cycle: ' + ' -> '.join(comp))

    archive = os.path.join(BUILD, 'lib', 'libpostsale.a')
    if not os.path.exists(archive):
        bad.append(f'{archive}: not built')
    else:
        objfolder = {}
        for rel in files:
            if rel.endswith('.c'):
                objfolder[os.path.basename(rel)[:-2] + '.o'] = (os.path.dirname(rel), 'lib/' + rel)
        nm = subprocess.run(['nm', '-A', archive], capture_output=True, text=True, check=True)
        defined, used = {}, {}
        for line in nm.stdout.splitlines():
            m = re.match(r'^[^:]+:([^:]+\.o):\s*(?:[0-9a-f]+)?\s+([A-Za-z])\s+(\S+)$', line)
            if not m:
                continue
            obj, kind, sym = m.groups()
            if kind == 'U':
                used.setdefault(obj, set()).add(sym)
            elif kind.isupper():
                defined[sym] = obj
        graph = {}
        for obj, syms in used.items():
            if obj not in objfolder:
                bad.append(f'{obj}: an object of libpostsale.a without a source in a layer folder')
                continue
            folder, src = objfolder[obj]
            for sym in sorted(syms):
                if sym.startswith('sqlite3_') and folder != 'store':
                    bad.append(f'{src}: uses {sym} outside lib/store/')
                other = defined.get(sym)
                if other is None or other == obj or other not in objfolder:
                    continue
                graph.setdefault(obj, set()).add(other)
                of, osrc = objfolder[other]
                if rank.get(of, -1) > rank.get(folder, -1):
                    bad.append(f'{src}: uses {sym} of {osrc}, a layer above ({of}/ over {folder}/)')
        for comp in scc(graph):
            bad.append('objects use each other in a cycle: ' +
                       ' <-> '.join(objfolder[o][1] for o in comp))
    for prog in ('milter', 'mailer', 'ctl', 'web'):
        d = os.path.join(SRC, prog)
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else ():
            if not f.endswith(('.c', '.h')):
                continue
            for no, line in enumerate(open(os.path.join(d, f)), 1):
                if 'sqlite3' in line and not line.lstrip().startswith(('*', '/*', '//')):
                    bad.append(f'{prog}/{f}:{no}: speaks SQLite outside lib/store/')
    for b in bad:
        print(b)
    print(f'layers.py: {len(order)} layers ({" < ".join(order)}), {len(files)} files, '
          f'{len(bad)} problem{"s" if len(bad) != 1 else ""}')
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
