#!/usr/bin/env python3
"""layer-check.py - fail on an #include that points up the layer order.

The order is read from the block between `<!-- layers:begin -->` and
`<!-- layers:end -->` in docs/architecture.md: one layer a line, top first,
the directories of src/ in it separated by spaces (text after `#` is a
comment).  A file in src/A may include src/B when B's layer is below A's;
directories on the same layer may include each other only without a cycle.

usage: scripts/layer-check.py [ROOT]   (ROOT defaults to the repository)
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([a-z_0-9]+)/[^"]+"', re.M)


def read_layers(root):
    text = open(os.path.join(root, "docs/architecture.md"), encoding="utf-8").read()
    m = re.search(r"<!-- layers:begin -->(.*?)<!-- layers:end -->", text, re.S)
    if not m:
        sys.exit("layer-check: no <!-- layers:begin --> block in docs/architecture.md")
    rank = {}
    for line in m.group(1).splitlines():
        line = line.split("#", 1)[0].strip().strip("`")
        if not line:
            continue
        n = len(set(rank.values()))
        for d in line.split():
            rank[d.rstrip("/")] = n
    return rank


def read_edges(root):
    edges = {}
    src = os.path.join(root, "src")
    for d in sorted(os.listdir(src)):
        path = os.path.join(src, d)
        if not os.path.isdir(path):
            continue
        for dirpath, _, files in os.walk(path):
            for f in sorted(files):
                if not f.endswith((".c", ".h", ".inc")):
                    continue
                fp = os.path.join(dirpath, f)
                for to in INCLUDE.findall(open(fp, encoding="utf-8").read()):
                    if to != d:
                        files_of = edges.setdefault((d, to), [])
                        rel = os.path.relpath(fp, root)
                        if rel not in files_of:
                            files_of.append(rel)
    return edges


def find_cycle(nodes, graph):
    state = {}

    def visit(n, stack):
        state[n] = 1
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if not state.get(m):
                c = visit(m, stack + [m])
                if c:
                    return c
        state[n] = 2
        return None

    for n in sorted(nodes):
        if not state.get(n):
            c = visit(n, [n])
            if c:
                return c
    return None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    rank = read_layers(root)
    edges = read_edges(root)
    bad = 0
    dirs = {d for e in edges for d in e}
    for d in sorted(dirs - rank.keys()):
        print(f"layer-check: src/{d}/ is not in the layer block of docs/architecture.md")
        bad += 1
    same = {}
    for (a, b), files in sorted(edges.items()):
        if a not in rank or b not in rank:
            continue
        if rank[b] < rank[a]:
            print(f"layer-check: {a}/ includes {b}/, a higher layer: {', '.join(files)}")
            bad += 1
        elif rank[b] == rank[a]:
            same.setdefault(a, set()).add(b)
    seen = set()
    for layer in sorted(set(rank.values())):
        nodes = {d for d, r in rank.items() if r == layer}
        graph = {d: same.get(d, set()) & nodes for d in nodes}
        cycle = find_cycle(nodes, graph)
        if cycle and tuple(cycle) not in seen:
            seen.add(tuple(cycle))
            print(f"layer-check: include cycle on one layer: {' -> '.join(cycle)}")
            bad += 1
    if bad:
        print(f"layer-check: {bad} violation(s)")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
