#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py OUTDIR: the report of make bench.

Reads the figures tooling/bench.sh extracted from the boots,
OUTDIR/runs/<variant>-<mode>/figures.txt (variants "ours" and "mainline",
modes "strict" and "lazy"), and the dmatest throughputs of our kernel in
OUTDIR/runs/dmatest-{dma,lazy,identity}-{guest,real}/kbps; writes OUTDIR/results.csv, the gnuplot data
files (cost-*.dat, trace-*.dat) and OUTDIR/table.txt, the table and the
goals of issue 13, which it also prints.
"""

import os
import sys

VARIANTS = ("ours", "mainline")
MODES = ("strict", "lazy")
# The operation each driver figure is measured against.
FLOOR = {"iommu_map": "floor_map", "iommu_unmap": "floor_unmap"}
# Rows of the table, in order: (op, which modes).
OPS = (
    ("iommu_map", MODES[:1]), ("iommu_unmap", MODES[:1]),
    ("dma_map_single", MODES), ("dma_unmap_single", MODES),
    ("dma_map_sgtable", MODES), ("dma_unmap_sgtable", MODES),
    ("dma_alloc_attrs", MODES), ("dma_free_attrs", MODES),
    ("attach", MODES[:1]), ("detach", MODES[:1]), ("fault", MODES[:1]),
)


def parse(path):
    """{(op, bytes): (insn, mmio)}, {name: value}, [(step, bytes)]."""
    cost, mem, trace = {}, {}, []
    with open(path) as f:
        for line in f:
            w = line.split()
            if w[0] == "bench:" and len(w) == 7 and w[3] == "insn":
                cost[(w[1], int(w[2]))] = (int(w[4]), int(w[6]))
            elif w[0] == "bench-mem:":
                mem[w[1]] = int(w[2])
            elif w[0] == "bench-trace:":
                trace.append((int(w[1]), int(w[2])))
    return cost, mem, trace


def size(n):
    for unit, div in (("M", 1 << 20), ("K", 1 << 10)):
        if n >= div and n % div == 0:
            return "%d%s" % (n // div, unit)
    return str(n) if n else "-"


def ratio(a, b):
    return "%.2f" % (a / b) if b else "-"


def main():
    out = sys.argv[1]
    runs = {}
    for v in VARIANTS:
        for m in MODES:
            path = os.path.join(out, "runs", "%s-%s" % (v, m), "figures.txt")
            runs[(v, m)] = parse(path)

    with open(os.path.join(out, "results.csv"), "w") as csv:
        csv.write("variant,mode,figure,bytes,instructions,mmio\n")
        for (v, m), (cost, mem, trace) in sorted(runs.items()):
            for (op, n), (insn, mmio) in sorted(cost.items()):
                csv.write("%s,%s,%s,%d,%d,%d\n" % (v, m, op, n, insn, mmio))
            for name, val in sorted(mem.items()):
                csv.write("%s,%s,mem-%s,%d,,\n" % (v, m, name, val))
            for step, val in trace:
                csv.write("%s,%s,trace-%d,%d,,\n" % (v, m, step, val))

    ours, main = runs[("ours", "strict")][0], runs[("mainline", "strict")][0]
    # Plot data: cost against size, for the driver ops and the floor.
    for op in FLOOR:
        with open(os.path.join(out, "cost-%s.dat" % op), "w") as f:
            f.write("# bytes ours mainline floor (instructions)\n")
            for (o, n) in sorted(k for k in ours if k[0] == op):
                f.write("%d %d %d %d\n" % (n, ours[(op, n)][0],
                                           main.get((op, n), (0,))[0],
                                           ours[(FLOOR[op], n)][0]))
    for v in VARIANTS:
        with open(os.path.join(out, "trace-%s.dat" % v), "w") as f:
            f.write("# step table-bytes\n")
            for step, val in runs[(v, "strict")][2]:
                f.write("%d %d\n" % (step, val))

    lines = []
    hdr = "%-18s %-6s %5s %12s %12s %8s %12s %8s %6s %6s" % (
        "figure", "mode", "size", "ours insn", "mainline", "o/m",
        "floor", "o/floor", "ours", "main")
    lines += [hdr + "   (last two: IOMMU register accesses)",
              "-" * len(hdr)]
    for op, modes in OPS:
        for m in modes:
            o, ml = runs[("ours", m)][0], runs[("mainline", m)][0]
            for (name, n) in sorted(k for k in o if k[0] == op):
                oi, om = o[(name, n)]
                mi, mm = ml.get((name, n), (0, 0))
                fl = o.get((FLOOR.get(op, ""), n))
                lines.append("%-18s %-6s %5s %12d %12d %8s %12s %8s %6d %6d" % (
                    op, m, size(n), oi, mi, ratio(oi, mi),
                    fl[0] if fl else "-", ratio(oi, fl[0]) if fl else "-",
                    om, mm))
    lines.append("")
    lines.append("%-30s %12s %12s" % ("table memory (bytes)", "ours",
                                      "mainline"))
    om, mm = runs[("ours", "strict")][1], runs[("mainline", "strict")][1]
    for name in ("attached", "peak", "after-unmap", "thrash-allocations",
                 "thrash-loops"):
        lines.append("%-30s %12s %12s" % (name, om.get(name, "-"),
                                          mm.get(name, "-")))
    kbps = {}
    for dom in ("dma", "lazy", "identity"):
        for clock in ("guest", "real"):
            p = os.path.join(out, "runs", "dmatest-%s-%s" % (dom, clock),
                             "kbps")
            if os.path.exists(p):
                kbps[(dom, clock)] = float(open(p).read())
    lines.append("")
    lines.append("dmatest, our kernel, 8 threads x 200 copies of 64 KiB: KB/s")
    lines.append("  %-38s %10s %10s %10s %6s %6s" % (
        "clock", "DMA", "DMA-FQ", "identity", "DMA/id", "FQ/id"))
    for clock, what in (("guest", "guest time (-icount: the CPU's work)"),
                        ("real", "host time (the model's translation)")):
        d, f = kbps.get(("dma", clock), 0), kbps.get(("lazy", clock), 0)
        i = kbps.get(("identity", clock), 0)
        lines.append("  %-38s %10.0f %10.0f %10.0f %6s %6s" % (
            what, d, f, i, ratio(d, i), ratio(f, i)))
    lines.append("")
    lines += goals(ours, main, om, kbps)
    text = "\n".join(lines) + "\n"
    with open(os.path.join(out, "table.txt"), "w") as f:
        f.write(text)
    sys.stdout.write(text)


def goals(ours, main, mem, kbps):
    """One line per goal of issue 13: met or missed, with the figure."""
    res = []

    def goal(ok, what, figure):
        res.append("%-7s %-58s %s" % ("met" if ok else "MISSED", what,
                                      figure))

    def info(what, figure):
        res.append("%-7s %-58s %s" % ("(info)", what, figure))

    def worst(least):
        """The largest ratio of ours to the floor at sizes >= least, and
        where: (ratio, "worst 1.23x (op size)")."""
        r, (op, n) = max((ours[k][0] / ours[(FLOOR[k[0]], k[1])][0], k)
                         for k in ours if k[0] in FLOOR and k[1] >= least)
        return r, "worst %.2fx (%s %s)" % (r, op, size(n))

    res.append("goals (strict mode):")
    for op in ("iommu_map", "iommu_unmap"):
        for n in (1 << 12, 1 << 16):
            (oi, om), (mi, mm) = ours[(op, n)], main[(op, n)]
            goal(oi <= mi and om <= mm, "%s + sync %s <= mainline" %
                 (op, size(n)), "insn %d vs %d, mmio %d vs %d" %
                 (oi, mi, om, mm))
        oi, mi = ours[(op, 1 << 20)][0], main[(op, 1 << 20)][0]
        goal(oi * 10 <= mi, "%s + sync 1M: >= 10x fewer insn" % op,
             "%d vs %d (%.1fx)" % (oi, mi, mi / oi))
    r, figure = worst(1 << 16)
    goal(r <= 2, "every size >= 64K: <= 2x the floor", figure)
    info("sizes >= 1M: instructions as a multiple of the floor",
         worst(1 << 20)[1])
    mmio = ours[("iommu_unmap", 1 << 20)][1]
    goal(mmio <= 8, "unmap + sync 1M: <= 8 register accesses", str(mmio))
    after = mem.get("after-unmap", -1)
    goal(after == 16384, "table memory after unmapping all: the DT only",
         "%d bytes" % after)
    allocs = mem.get("thrash-allocations", -1)
    goal(0 <= allocs <= 1, "1000 map/unmap at a PT boundary: <= 1 alloc",
         "%d allocations" % allocs)
    # The goal is the DMA domain's, strict on arm64 unless iommu.strict=0;
    # the lazy DMA-FQ domain's figure is the DMA layer's flush queue.
    i = kbps.get(("identity", "guest"), 0)
    d = kbps.get(("dma", "guest"), 0)
    goal(i and d >= 0.9 * i,
         "dmatest, guest time: DMA domain >= 90% of identity",
         "%s" % ratio(d, i))
    info("dmatest, guest time: DMA-FQ (iommu.strict=0) / identity",
         ratio(kbps.get(("lazy", "guest"), 0), i))
    return res


if __name__ == "__main__":
    main()
