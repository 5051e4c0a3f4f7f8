#!/usr/bin/env python3
"""Self-test of the H6 display path models through QEMU's qtest protocol.

Each case starts its own out/qemu-system-aarch64 -machine
sun50i-h6-iommu-testbed,display=on (display_is_opt_in also one without
display=on, fault_shows_in_frame one per IOMMU fault policy), programs the
DE3 mixer 0, the TCON-TV and the HDMI controller like their drivers, steps
the virtual clock by frames and checks what the mixer scanned out through the
IOMMU: its trace line per layer and frame (tooling/h6_display.py), and the
console's picture (QMP screendump). Prints "ok - name" / "not ok - name"
per case and a closing "N passed, N failed" line.

  tooling/qtest-display.py [--qemu PATH] [-k SUBSTRING] [-v]
"""

import os
import sys
import zlib

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from qtest_h6 import *  # noqa: E402,F401,F403
from h6_display import (FMT_ARGB8888, FMT_RGB565, FMT_XRGB8888,  # noqa: E402
                        layer_text, layer_texts)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# --- the display path's blocks (emulator/README.md) -------------------------
DE_BASE = 0x01000000
DE_CLK_MOD, DE_CLK_BUS, DE_CLK_RESET = 0x00, 0x04, 0x08
MIXER = DE_BASE + 0x100000
GLB_CTL, GLB_DBUFF, GLB_SIZE = 0x000, 0x008, 0x00C
BLD_PIPE_CTL, BLD_ROUTE, BLD_BKCOLOR = 0x800, 0x880, 0x888


def BLD_INSIZE(p):
    return 0x808 + 0x10 * p


def BLD_COORD(p):
    return 0x80C + 0x10 * p


def UI(ch):
    return 0x1000 + 0x800 * ch


UI_ATTR, UI_SIZE, UI_PITCH, UI_LADDR = 0x00, 0x04, 0x0C, 0x10

TCON = 0x06515000
GCTL, GINT0, TCON1_CTL = 0x000, 0x004, 0x090
TCON_SPI = 66
FRAME_NS = 1000000000 // 60 + 1

HDMI = 0x06000000
HDMI_SPI = 64

# A 64x32 layer, 256 bytes per line in XRGB8888: two pages, mapped at
# IOVA_A in reverse order (page 0 at FB_PA + 4K, page 1 at FB_PA).
W, H = 64, 32
IOVA_A = 0x50000000
IOVA_B = 0x50100000
FB_PA = 0x46000000
FB_B_PA = 0x46100000
FAULT = (0xFF, 0x00, 0xFF)


def size(w, h):
    return (h - 1) << 16 | (w - 1)


class Display:
    """A driver of the mixer and the TCON-TV, on a QEMU with display=on."""

    def __init__(self, q):
        self.q = q
        self.seen = 0            # layer lines in the log so far

    def mixer(self, off, val):
        self.q.writel(MIXER + off, val)

    def power_mixer(self):
        for reg in (DE_CLK_RESET, DE_CLK_BUS, DE_CLK_MOD):
            self.q.writel(DE_BASE + reg, 1)

    def layer(self, iova, fmt, pitch, w=W, h=H, alpha=0xFF, mode=0):
        """Mixer 0 shows UI channel 1 alone, at 0,0, then commits."""
        self.mixer(GLB_CTL, 1)
        self.mixer(GLB_SIZE, size(w, h))
        self.mixer(BLD_BKCOLOR, 0xFF000080)
        self.mixer(BLD_PIPE_CTL, 0x101)
        self.mixer(BLD_ROUTE, 1)
        self.mixer(BLD_INSIZE(0), size(w, h))
        self.mixer(BLD_COORD(0), 0)
        self.mixer(UI(1) + UI_ATTR, alpha << 24 | fmt << 8 | mode << 1 | 1)
        self.mixer(UI(1) + UI_SIZE, size(w, h))
        self.mixer(UI(1) + UI_PITCH, pitch)
        self.mixer(UI(1) + UI_LADDR, iova)
        self.mixer(GLB_DBUFF, 1)

    def start(self):
        self.q.irq_intercept_in("/machine/gic")
        self.q.writel(TCON + GINT0, 1 << 30)
        self.q.writel(TCON + GCTL, 1 << 31 | 1)
        self.q.writel(TCON + TCON1_CTL, 1 << 31)

    def frame(self):
        """Steps one frame of virtual time; returns the layer trace lines
        logged since the last call (each one's text after "frame N"),
        whatever their frame numbers."""
        self.q.cmd("clock_step %d" % FRAME_NS)
        lines = layer_texts(self.q.log().splitlines())
        new, self.seen = lines[self.seen:], len(lines)
        return [text for _, text in new]


def pixel(rgb, x, y):
    return tuple(rgb[3 * (y * W + x):3 * (y * W + x) + 3])


def setup(ctx, data=None, globals_=()):
    """QEMU with the display, an enabled IOMMU, a layer at IOVA_A."""
    q = ctx.start(globals_, machine_opts="display=on",
                  extra_args=["-trace", "allwinner_h6_de3_layer"])
    mmu = Iommu(q)
    data = data if data is not None else pattern(5, H * W * 4)
    q.write(FB_PA + 0x1000, data[:0x1000])
    q.write(FB_PA, data[0x1000:0x2000])
    mmu.map(IOVA_A, FB_PA + 0x1000, ACI_RD, sync=False)
    mmu.map(IOVA_A + 0x1000, FB_PA, ACI_RD, sync=False)
    mmu.enable()
    d = Display(q)
    d.power_mixer()
    return q, mmu, d, data


# ---------------------------------------------------------------------------
@case
def display_is_opt_in(ctx):
    q = ctx.start()
    q.writel(MIXER + GLB_SIZE, 0x12345678)
    check_eq(q.readl(MIXER + GLB_SIZE), 0, "no mixer without display=on")
    q = ctx.start(machine_opts="display=on")
    q.writel(MIXER + GLB_SIZE, 0x12345678)
    check_eq(q.readl(MIXER + GLB_SIZE), 0x12345678, "mixer register")


@case
def scanout_through_iommu(ctx):
    q, mmu, d, data = setup(ctx)
    d.layer(IOVA_A, FMT_XRGB8888, W * 4)
    d.start()
    lines = d.frame()
    check_eq(lines, [layer_text(FMT_XRGB8888, IOVA_A, W, H, W * 4,
                                zlib.crc32(data), 0)], "frame 1's layer")
    check(q.irq.get(TCON_SPI) is True, "vblank raised GIC SPI 66")
    check(q.readl(TCON + GINT0) & (1 << 14), "GINT0 channel 1 vblank status")
    q.writel(TCON + GINT0, 1 << 30)
    check(q.irq.get(TCON_SPI) is False, "writing 0 to the status acks it")
    w, h, rgb = screendump(q.qmp)
    check_eq((w, h), (W, H), "console size follows GLOBAL_SIZE")
    for x, y in ((0, 0), (17, 3), (63, 16), (5, 31)):
        off = y * W * 4 + x * 4
        b, g, r = data[off], data[off + 1], data[off + 2]
        check_eq(pixel(rgb, x, y), (r, g, b), "pixel %d,%d" % (x, y))
    check_eq(q.faults(), 0, "no IOMMU fault")
    no_audit(q)


@case
def commit_waits_for_dbuff(ctx):
    q, mmu, d, data = setup(ctx)
    other = pattern(9, 0x2000)
    q.write(FB_B_PA, other)
    mmu.map(IOVA_B, FB_B_PA, ACI_RD, size=0x2000)
    d.layer(IOVA_A, FMT_XRGB8888, W * 4)
    d.start()
    d.frame()
    d.mixer(UI(1) + UI_LADDR, IOVA_B)
    check(d.frame()[0].startswith("channel 1 format 4 iova 0x%08x" % IOVA_A),
          "without GLOBAL_DBUFF the old address stays active")
    d.mixer(GLB_DBUFF, 1)
    check_eq(d.frame(), [layer_text(FMT_XRGB8888, IOVA_B, W, H, W * 4,
                                    zlib.crc32(other), 0)],
             "GLOBAL_DBUFF loads the new address at the next frame")
    check_eq(q.readl(MIXER + GLB_DBUFF) & 1, 0, "GLOBAL_DBUFF self-clears")


@case
def formats(ctx):
    # RGB565: red, green, blue, white in the first four pixels
    px = [0xF800, 0x07E0, 0x001F, 0xFFFF]
    data = bytearray(pattern(3, 0x2000))
    for i, v in enumerate(px):
        data[2 * i:2 * i + 2] = v.to_bytes(2, "little")
    q, mmu, d, _ = setup(ctx, bytes(data))
    d.layer(IOVA_A, FMT_RGB565, W * 2)
    d.start()
    check_eq(d.frame(), [layer_text(FMT_RGB565, IOVA_A, W, H, W * 2,
                                    zlib.crc32(bytes(data[:H * W * 2])), 0)],
             "RGB565 layer")
    _, _, rgb = screendump(q.qmp)
    for i, want in enumerate([(0xFF, 0, 0), (0, 0xFF, 0), (0, 0, 0xFF),
                              (0xFF, 0xFF, 0xFF)]):
        check_eq(pixel(rgb, i, 0), want, "RGB565 pixel %d" % i)
    # ARGB8888, per-pixel alpha over the background 0x000080: opaque,
    # transparent, half
    for i, argb in enumerate([0xFFFF0000, 0x00FF0000, 0x80FF0000]):
        data[4 * i:4 * i + 4] = argb.to_bytes(4, "little")
    q.write(FB_PA + 0x1000, bytes(data[:0x1000]))
    d.layer(IOVA_A, FMT_ARGB8888, W * 4)
    d.frame()
    _, _, rgb = screendump(q.qmp)
    check_eq(pixel(rgb, 0, 0), (0xFF, 0, 0),
             "opaque ARGB pixel")
    check_eq(pixel(rgb, 1, 0), (0, 0, 0x80), "transparent ARGB pixel")
    r, g, b = pixel(rgb, 2, 0)
    check(0x70 < r < 0x90 and g == 0 and 0x30 < b < 0x50,
          "half-transparent ARGB pixel blends: %02x%02x%02x" % (r, g, b))


@case
def fault_shows_in_frame(ctx):
    # Whatever the IOMMU does with a faulting read: zeros or a bus error
    for policy in ("stall", "discard", "bus-error"):
        q, mmu, d, data = setup(ctx, globals_=["fault-policy=" + policy])
        mmu.unmap(IOVA_A + 0x1000)
        mmu.flush_all()
        d.layer(IOVA_A, FMT_XRGB8888, W * 4)
        d.start()
        # Lines 16..31 are on the unmapped page: they fault, and show.
        check_eq(d.frame(), [layer_text(FMT_XRGB8888, IOVA_A, W, H, W * 4,
                                        zlib.crc32(data[:0x1000]), 16)],
                 "%s: a frame with a faulting page" % policy)
        check(q.faults() > 0, "%s: the IOMMU reported the fault" % policy)
        _, _, rgb = screendump(q.qmp)
        check_eq(pixel(rgb, 10, 20), FAULT,
                 "%s: a faulting line is magenta" % policy)
        check(pixel(rgb, 10, 2) != FAULT, "%s: a good line is not" % policy)


@case
def fault_first_page_lane_lock_off(ctx):
    # Without lane-lock the lane does not stall after a fault: past the
    # faulting first page, the lines on the mapped second page are read,
    # whether the faulting reads got zeros or a bus error.
    for policy in ("discard", "bus-error"):
        q, mmu, d, data = setup(ctx, globals_=["fault-policy=" + policy,
                                               "lane-lock=off"])
        mmu.unmap(IOVA_A)
        mmu.flush_all()
        d.layer(IOVA_A, FMT_XRGB8888, W * 4)
        d.start()
        # Lines 0..15 are on the unmapped page: they fault, and show.
        check_eq(d.frame(), [layer_text(FMT_XRGB8888, IOVA_A, W, H, W * 4,
                                        zlib.crc32(data[0x1000:]), 16)],
                 "%s: a frame with a faulting first page" % policy)
        check(q.faults() > 0, "%s: the IOMMU reported the fault" % policy)
        _, _, rgb = screendump(q.qmp)
        check_eq(pixel(rgb, 10, 2), FAULT,
                 "%s: a faulting line is magenta" % policy)
        check(pixel(rgb, 10, 20) != FAULT,
              "%s: a line on the mapped page is not" % policy)


@case
def tcon_stops_frames(ctx):
    q, mmu, d, data = setup(ctx)
    d.layer(IOVA_A, FMT_XRGB8888, W * 4)
    d.start()
    check_eq(len(d.frame()), 1, "frame while the TCON runs")
    q.writel(TCON + TCON1_CTL, 0)
    check_eq(d.frame(), [], "no frame once channel 1 is off")
    q.writel(TCON + TCON1_CTL, 1 << 31)
    q.writel(DE_BASE + DE_CLK_RESET, 0)
    check_eq(d.frame(), [], "no scan-out while mixer 0 is in reset")


@case
def hdmi_controller(ctx):
    q = ctx.start(machine_opts="display=on")
    q.irq_intercept_in("/machine/gic")
    check_eq([q.readb(HDMI + i) for i in range(8)],
             [0x21, 0x2A, 0xA0, 0x01, 0, 0, 0xF3, 0], "ID registers")

    def wb(off, v):
        q.writeb(HDMI + off, v)

    def rb(off):
        return q.readb(HDMI + off)

    check_eq(rb(0x1FF), 0x03, "IH_MUTE at reset")
    check_eq(rb(0x3004) & 1, 0, "no PHY lock while powered down")
    wb(0x3000, 0x08)                        # TXPWRON, PDDQ clear
    check_eq(rb(0x3004) & 0x03, 0x03, "PHY lock, and HPD")
    # PHY I2C: a write completes at once
    wb(0x3021, 0x06)
    wb(0x3022, 0x12)
    wb(0x3023, 0x34)
    wb(0x3026, 0x10)
    check_eq(rb(0x108) & 2, 2, "PHY I2C done")
    wb(0x108, 0xFF)
    wb(0x3026, 0x01)
    check_eq((rb(0x3024), rb(0x3025)), (0x12, 0x34), "PHY register read")
    # DDC: the EDID over I2C, done by interrupt once unmuted
    wb(0x1FF, 0)
    for off in range(0x180, 0x18A):
        wb(off, 0xFF)
    wb(0x185, 0)
    wb(0x7E00, 0x50)
    edid = []
    for i in range(8):
        wb(0x7E01, i)
        wb(0x7E04, 0x01)
        check(q.irq.get(HDMI_SPI) is True, "I2C done raises SPI 64")
        check_eq(rb(0x105), 0x02, "I2CM_STAT0 done")
        wb(0x105, 0x02)
        check(q.irq.get(HDMI_SPI) is False, "clearing it lowers SPI 64")
        edid.append(rb(0x7E03))
    check_eq(edid, [0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0], "EDID header")
    wb(0x7E00, 0x54)
    wb(0x7E04, 0x01)
    check_eq(rb(0x105), 0x01, "another slave does not answer")


def main():
    return run_cases(__doc__, REPO, QtestCtx)


if __name__ == "__main__":
    sys.exit(main())
