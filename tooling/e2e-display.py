#!/usr/bin/env python3
"""Checks of the e2e display case: what drm-flip drew against what the
mixer model scanned out (tooling/e2e.sh, the display cases).

  e2e-display.py [--fault-window] CONSOLE_LOG QEMU_LOG

CONSOLE_LOG has drm-flip's lines: per run, its two buffers' framebuffer
IDs, formats and CRCs, debugfs' framebuffers with their DMA address and
size, the flips. QEMU_LOG has the mixer's trace (tooling/h6_display.py):
per frame the IOVA range read, the format, the CRC of the bytes read and
the lines that faulted. Prints "ok ID - WHAT" or "not ok ID - WHAT" per
check, as e2e.sh's checks do, and exits 1 if any check failed; if it
cannot finish, "not ok e2e-display - crashed: ...". With --fault-window
the frames may fault in one window of consecutive frames (the IOMMU
blocked them), and the frames after it must not.

The runs reuse their buffers' IOVAs, so a frame cannot be told to its run
by its IOVA and format. In the trace a run is a stretch of frames at
drm-flip's buffers, between frames of the fbdev console: the last stretch
is the last run's (last-run-frames).
"""

import collections
import os
import re
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from h6_display import FOURCC, parse_layers  # noqa: E402

BUFFER = re.compile(r"drm-flip: buffer (\d+) fb (\d+) \S+ format (\S+) .* "
                    r"crc (0x[0-9a-f]+)")
FRAMEBUFFER = re.compile(r"drm-flip: debugfs:framebuffer\[(\d+)\]:")
DMA = re.compile(r"drm-flip: debugfs:\s*dma_addr=(0x[0-9a-f]+)")
OBJ_SIZE = re.compile(r"drm-flip: debugfs:\s*size=(\d+)$")
FLIPS = re.compile(r"drm-flip: done: (\d+) flips")

FAILED = []


def check(ok, ident, what):
    print("%sok %s - %s" % ("" if ok else "not ", ident, what))
    if not ok:
        FAILED.append(ident)


def parse_runs(console):
    """drm-flip's runs: each its buffers (fb -> (index, fourcc, crc)), the
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
                int(m.group(1)), m.group(3), int(m.group(4), 16))
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


def drawn(run):
    """(IOVA, mixer format, CRC) -> index of the run's mapped buffers."""
    return {(run["mappings"][fb][0], FOURCC.get(fourcc), crc): index
            for fb, (index, fourcc, crc) in run["buffers"].items()
            if None not in run["mappings"].get(fb, [None])}


def check_last_run(runs, frames, buffer_iovas):
    """drm-flip's last run: both its buffers scanned out, a frame per flip.
    Its frames are the last stretch of frames at drm-flip's buffers (the
    console shows between runs): as many stretches as runs, or the runs
    cannot be told apart."""
    stretches, inside = [], False
    for f in frames:
        if f.start in buffer_iovas and not inside:
            stretches.append([])
        inside = f.start in buffer_iovas
        if inside:
            stretches[-1].append(f)
    last = drawn(runs[-1]) if runs else {}
    shown = collections.Counter(last.get((f.start, f.fmt, f.crc))
                                for f in (stretches[-1] if stretches else []))
    flips = (runs[-1]["flips"] or 0) if runs else 0
    check(len(stretches) == len(runs) and len(last) == 2 and
          shown[0] > 0 and shown[1] > 0 and shown[0] + shown[1] >= flips,
          "last-run-frames", "drm-flip's last run: frames of buffer 0: %d, "
          "of buffer 1: %d (%d flips); %d stretches of frames at drm-flip's "
          "buffers for %d runs" % (shown[0], shown[1], flips, len(stretches),
                                   len(runs)))


def check_fault_window(frames):
    """The faulting frames: consecutive, at least two, clean ones after."""
    numbers = sorted({f.frame for f in frames if f.faults})
    clean = {f.frame for f in frames if not f.faults}
    inside = [n for n in clean if numbers and numbers[0] < n < numbers[-1]]
    after = [n for n in clean if numbers and n > numbers[-1]]
    check(len(numbers) >= 2 and not inside, "fault-window",
          "%d frames faulted, frames %s, none clean in between%s" %
          (len(numbers), "%d-%d" % (numbers[0], numbers[-1]) if numbers
           else "-", ": frame %d was" % inside[0] if inside else ""))
    check(len(after) >= 10, "clean-after",
          "%d frames without a faulting line after the window" % len(after))


def checks(args):
    window = args[:1] == ["--fault-window"]
    if window:
        args = args[1:]
    if len(args) != 2:
        raise ValueError("usage: e2e-display.py [--fault-window] "
                         "CONSOLE_LOG QEMU_LOG")
    with open(args[0], errors="replace") as f:
        runs = parse_runs(f.read().splitlines())
    with open(args[1], errors="replace") as f:
        frames = parse_layers(f.read().splitlines())

    flips = sum(r["flips"] or 0 for r in runs)
    check(runs and all(r["flips"] and len(r["buffers"]) == 2 for r in runs),
          "flips", "drm-flip ran %d times, each page-flipping between 2 "
          "buffers to the end: %d flips" % (len(runs), flips))
    unknown = sorted({fourcc for r in runs
                      for _, fourcc, _ in r["buffers"].values()
                      if fourcc not in FOURCC})
    check(not unknown, "buffer-formats", "drm-flip's buffers are in formats "
          "the mixer's trace names (%s)%s" % (" ".join(FOURCC), ": not " +
                                              " ".join(unknown) if unknown
                                              else ""))
    # IOVA -> what may be read there: the buffers (index, format, crc)
    # mapped there in some run; and every framebuffer mapping.
    wants, mappings, unmapped = {}, [], 0
    for r in runs:
        mappings += [v for v in r["mappings"].values() if None not in v]
        unmapped += len(r["buffers"]) - len(drawn(r))
        for (dma, fmt, crc), index in drawn(r).items():
            wants.setdefault(dma, set()).add((index, fmt, crc))
    check(runs and not unmapped, "buffer-mappings",
          "debugfs gave the DMA address and size of drm-flip's buffers "
          "(%d framebuffers listed, %d buffers without)" %
          (len(mappings), unmapped))

    # Frames of drm-flip's buffers: each read its buffer, whole, right.
    shown = collections.Counter()
    wrong = []
    for f in frames:
        want = wants.get(f.start)
        if not want:
            continue
        match = [i for i, fmt, crc in want if (fmt, crc) == (f.fmt, f.crc)]
        if match:
            shown[match[0]] += 1
        else:
            wrong.append("frame %d at 0x%08x: format %d crc 0x%08x, drawn %s"
                         % (f.frame, f.start, f.fmt, f.crc, ", ".join(
                             "format %s crc 0x%08x" % (fmt, crc)
                             for _, fmt, crc in sorted(want, key=str))))
    check(shown[0] > 0 and shown[1] > 0 and shown[0] + shown[1] >= flips,
          "both-buffers", "frames scanned out of buffer 0: %d, of buffer 1: "
          "%d (%d flips)" % (shown[0], shown[1], flips))
    check(not wrong, "frame-crc", "every frame of a buffer has the format "
          "and CRC drm-flip drew into it%s" % (": " + wrong[0] if wrong
                                               else ""))
    check_last_run(runs, frames, wants)

    # Every frame read inside one framebuffer's DMA mapping.
    outside = [f for f in frames
               if not any(dma <= f.start and f.end <= dma + size
                          for dma, size in mappings)]
    check(frames and not outside, "iova-in-buffers",
          "%d frames, each read within a framebuffer's DMA mapping%s" %
          (len(frames), ": frame %d read 0x%08x-0x%08x" % (
              outside[0].frame, outside[0].start, outside[0].end)
           if outside else ""))
    if window:
        check_fault_window(frames)
    else:
        faulted = [f for f in frames if f.faults]
        check(not faulted, "no-frame-fault", "no frame had a faulting line%s"
              % (": frame %d, %d lines" % (faulted[0].frame,
                                           faulted[0].faults)
                 if faulted else ""))
    console_iovas = {dma for dma, _ in mappings} - set(wants)
    check(any(f.start in console_iovas for f in frames), "console",
          "the fbdev console was scanned out too")


def main():
    try:
        checks(sys.argv[1:])
    except Exception as e:  # noqa: BLE001 - a crash is a failed check
        check(False, "e2e-display", "crashed: %s: %s" % (
            type(e).__name__, " ".join(str(e).split())))
    return 1 if FAILED else 0


if __name__ == "__main__":
    sys.exit(main())
