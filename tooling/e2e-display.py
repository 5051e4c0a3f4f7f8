#!/usr/bin/env python3
"""Checks of the e2e display case: what drm-flip drew against what the
mixer model scanned out (tooling/e2e.sh, check_display).

  e2e-display.py [--fault-window] CONSOLE_LOG QEMU_LOG

CONSOLE_LOG has drm-flip's lines: each buffer's framebuffer ID and CRC,
debugfs' framebuffers with their DMA address and size, the flips.
QEMU_LOG has the mixer's trace: per frame the IOVA range read, the CRC of
the bytes read and the lines that faulted. Prints "ok ID - WHAT" or
"not ok ID - WHAT" per check, as e2e.sh's checks do. With --fault-window
the frames may fault in one window of consecutive frames (the IOMMU
blocked them), and the frames after it must not.
"""

import re
import sys

BUFFER = re.compile(r"drm-flip: buffer (\d+) fb (\d+) \S+ format (\S+) .* "
                    r"crc (0x[0-9a-f]+)")
# drm-flip's formats as the mixer's format field
FORMATS = {"AR24": 0, "XR24": 4, "RG16": 10}
FRAMEBUFFER = re.compile(r"drm-flip: debugfs:framebuffer\[(\d+)\]:")
DMA = re.compile(r"drm-flip: debugfs:\s*dma_addr=(0x[0-9a-f]+)")
OBJ_SIZE = re.compile(r"drm-flip: debugfs:\s*size=(\d+)$")
FLIPS = re.compile(r"drm-flip: done: (\d+) flips")
LAYER = re.compile(r"allwinner_h6_de3_layer frame (\d+) channel \d+ "
                   r"format (\d+) iova (0x[0-9a-f]+)-(0x[0-9a-f]+) \d+x\d+ "
                   r"crc (0x[0-9a-f]+) faults (\d+)")


def check(ok, ident, what):
    print("%sok %s - %s" % ("" if ok else "not ", ident, what))


def parse_runs(console):
    """drm-flip's runs: each its buffers (fb -> (index, format, crc)), the
    framebuffers debugfs listed (fb -> [dma, size]) and its flips."""
    runs = []
    fb = None
    for line in console:
        if "drm-flip: mode " in line:
            runs.append({"buffers": {}, "mappings": {}, "flips": None})
            fb = None
        if not runs:
            continue
        run = runs[-1]
        m = BUFFER.search(line)
        if m:
            run["buffers"][int(m.group(2))] = (
                int(m.group(1)), FORMATS.get(m.group(3)), int(m.group(4), 16))
        m = FRAMEBUFFER.search(line)
        if m:
            fb = int(m.group(1))
            run["mappings"][fb] = [None, None]
        m = DMA.search(line)
        if m and fb is not None:
            run["mappings"][fb][0] = int(m.group(1), 16)
        m = OBJ_SIZE.search(line)
        if m and fb is not None:
            run["mappings"][fb][1] = int(m.group(1))
        m = FLIPS.search(line)
        if m:
            run["flips"] = int(m.group(1))
    return runs


def check_fault_window(frames, faulted):
    """The faulting frames: consecutive, at least two, clean ones after."""
    numbers = sorted({f[0] for f in faulted})
    clean = {f[0] for f in frames if not f[4]}
    inside = [n for n in clean if numbers and numbers[0] < n < numbers[-1]]
    after = [n for n in clean if numbers and n > numbers[-1]]
    check(len(numbers) >= 2 and not inside, "fault-window",
          "%d frames faulted, frames %s, none clean in between%s" %
          (len(numbers), "%d-%d" % (numbers[0], numbers[-1]) if numbers
           else "-", ": frame %d was" % inside[0] if inside else ""))
    check(len(after) >= 10, "clean-after",
          "%d frames without a faulting line after the window" % len(after))


def main():
    args = sys.argv[1:]
    window = args[:1] == ["--fault-window"]
    if window:
        args = args[1:]
    console = open(args[0], errors="replace").read().splitlines()
    trace = open(args[1], errors="replace").read().splitlines()
    runs = parse_runs(console)
    # (frame, start, end, crc, faulting lines, format)
    frames = [(int(a), int(c, 16), int(d, 16), int(e, 16), int(g), int(b))
              for a, b, c, d, e, g in (m.groups()
                                       for m in map(LAYER.search, trace) if m)]

    flips = sum(r["flips"] or 0 for r in runs)
    check(runs and all(r["flips"] and len(r["buffers"]) == 2 for r in runs),
          "flips", "drm-flip ran %d times, each page-flipping between 2 "
          "buffers to the end: %d flips" % (len(runs), flips))
    # (IOVA, format) -> what may be read there: the buffers (index, crc)
    # mapped there in some run; and every framebuffer mapping.
    wants, mappings, unmapped = {}, [], 0
    for r in runs:
        known = {fb: v for fb, v in r["mappings"].items() if None not in v}
        mappings += known.values()
        for fb, (index, fmt, crc) in r["buffers"].items():
            if fb not in known:
                unmapped += 1
                continue
            wants.setdefault((known[fb][0], fmt), set()).add((index, crc))
    check(runs and not unmapped, "buffer-mappings",
          "debugfs gave the DMA address and size of drm-flip's buffers "
          "(%d framebuffers listed, %d buffers without)" %
          (len(mappings), unmapped))

    # Frames of drm-flip's buffers: each read its buffer, whole, right.
    shown = {0: 0, 1: 0}
    wrong = []
    for frame, start, end, crc, _, fmt in frames:
        want = wants.get((start, fmt))
        if not want:
            continue
        match = [i for i, c in want if c == crc]
        if match:
            shown[match[0]] += 1
        else:
            wrong.append("frame %d at 0x%08x, format %d: crc 0x%08x, drawn "
                         "%s" % (frame, start, fmt, crc, ", ".join(
                             "0x%08x" % c for _, c in want)))
    check(shown[0] > 0 and shown[1] > 0 and shown[0] + shown[1] >= flips,
          "both-buffers", "frames scanned out of buffer 0: %d, of buffer 1: "
          "%d (%d flips)" % (shown[0], shown[1], flips))
    check(not wrong, "frame-crc", "every frame of a buffer has the CRC "
          "drm-flip drew into it%s" % (": " + wrong[0] if wrong else ""))

    # Every frame read inside one framebuffer's DMA mapping.
    outside = [f for f in frames
               if not any(dma <= f[1] and f[2] <= dma + size
                          for dma, size in mappings)]
    check(frames and not outside, "iova-in-buffers",
          "%d frames, each read within a framebuffer's DMA mapping%s" %
          (len(frames), ": frame %d read 0x%08x-0x%08x" % outside[0][:3]
           if outside else ""))
    faulted = [f for f in frames if f[4]]
    if window:
        check_fault_window(frames, faulted)
    else:
        check(not faulted, "no-frame-fault", "no frame had a faulting line%s"
              % (": frame %d, %d lines" % (faulted[0][0], faulted[0][4])
                 if faulted else ""))
    console_iovas = {dma for dma, _ in mappings} - {a for a, _ in wants}
    check(any(f[1] in console_iovas for f in frames), "console",
          "the fbdev console was scanned out too")
    return 0


if __name__ == "__main__":
    sys.exit(main())
