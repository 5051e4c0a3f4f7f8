"""Helpers for driving the sun50i-h6-iommu-testbed machine through QEMU's
qtest protocol: a qtest client, a QMP client and its screendump, an IOMMU
"driver" that builds tables in guest RAM, a PL330 program builder that runs
copies via the debug registers, and the harness of the cases ("ok - name"
per case, then "N passed, N failed").  Used by tooling/qtest-iommu.py and
tooling/qtest-display.py (and its QMP client by tooling/screendump.py).
"""

import argparse
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import traceback

# --- board memory map (see emulator/README.md) -----------------------------
CCU_BASE = 0x03001000
CCU_BUS_IOMMU = 0x7BC
IOMMU_BASE = 0x030F0000
IOMMU_SPI = 57
DMA_BASE = {0: 0x04800000, 1: 0x04801000}
RAM_BASE = 0x40000000

# --- IOMMU registers (shared/hw/h6-iommu.md section 3) ---------------------
VERSION = 0x000
RESET = 0x010
ENABLE = 0x020
BYPASS = 0x030
AUTO_GATING = 0x040
WBUF_CTRL = 0x044
OOO_CTRL = 0x048
BDY_PRT_CTRL = 0x04C
TTB = 0x050
TLB_ENABLE = 0x060
TLB_PREFETCH = 0x070
TLB_FLUSH_ENABLE = 0x080
TLB_IVLD_MODE_SEL = 0x084
TLB_IVLD_STA_ADDR = 0x088
TLB_IVLD_END_ADDR = 0x08C
TLB_IVLD_ADDR = 0x090
TLB_IVLD_ADDR_MASK = 0x094
TLB_IVLD_ENABLE = 0x098
PC_IVLD_MODE_SEL = 0x09C
PC_IVLD_ADDR = 0x0A0
PC_IVLD_STA_ADDR = 0x0A4
PC_IVLD_ENABLE = 0x0A8
PC_IVLD_END_ADDR = 0x0AC
DM_AUT_CTRL0 = 0x0B0
DM_AUT_OVWT = 0x0D0
INT_ENABLE = 0x100
INT_CLR = 0x104
INT_STA = 0x108
INT_ERR_ADDR_L1 = 0x130
INT_ERR_ADDR_L2 = 0x134
INT_ERR_DATA_L1 = 0x170
INT_ERR_DATA_L2 = 0x174
L1PG_INT = 0x180
L2PG_INT = 0x184
VA = 0x190
VA_DATA = 0x194
VA_CONFIG = 0x198
PMU_ENABLE = 0x200
PMU_CLR = 0x210


def INT_ERR_ADDR(m):
    return 0x110 + 4 * m


def INT_ERR_DATA(m):
    return 0x150 + 4 * m


def DM_AUT_CTRL(n):
    return DM_AUT_CTRL0 + 4 * n


# ACI choices, as mainline programs them
ACI_NONE, ACI_RD, ACI_WR, ACI_RW = 1, 2, 3, 4


class TestFailure(Exception):
    pass


def check(cond, what):
    if not cond:
        raise TestFailure(what)


def check_eq(got, want, what):
    if got != want:
        if isinstance(got, int) and isinstance(want, int):
            raise TestFailure("%s: got 0x%x, want 0x%x" % (what, got, want))
        raise TestFailure("%s: got %r, want %r" % (what, got, want))


class Qmp:
    """A QMP client on a connected socket: reads the greeting and enters
    command mode; command() skips events and raises on an error."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""
        self._recv()                     # greeting
        self.command("qmp_capabilities")

    def _recv(self):
        while True:
            while b"\n" not in self.buf:
                chunk = self.sock.recv(65536)
                if not chunk:
                    raise TestFailure("QMP connection closed")
                self.buf += chunk
            line, self.buf = self.buf.split(b"\n", 1)
            msg = json.loads(line)
            if "event" not in msg:
                return msg

    def command(self, name, **args):
        req = {"execute": name}
        if args:
            req["arguments"] = args
        self.sock.sendall(json.dumps(req).encode() + b"\n")
        resp = self._recv()
        if "error" in resp:
            raise TestFailure("QMP %s: %s" % (name, resp["error"]))
        return resp["return"]


def parse_ppm(data):
    """An 8-bit binary PPM (QEMU's screendump): (width, height, RGB)."""
    m = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    if not m:
        raise TestFailure("not an 8-bit binary PPM: %r" % data[:20])
    w, h = int(m.group(1)), int(m.group(2))
    rgb = data[m.end():]
    if len(rgb) != 3 * w * h:
        raise TestFailure("a %dx%d PPM with %d bytes of pixels, not %d"
                          % (w, h, len(rgb), 3 * w * h))
    return w, h, rgb


def screendump(qmp):
    """The console's picture, by QMP: (width, height, RGB bytes)."""
    with tempfile.TemporaryDirectory(prefix="h6scr-") as d:
        path = os.path.join(d, "screen.ppm")
        qmp.command("screendump", filename=path)
        with open(path, "rb") as f:
            return parse_ppm(f.read())


class Qemu:
    """One QEMU instance with a qtest socket, a QMP socket and stderr
    captured to a file (where -d guest_errors lines land)."""

    def __init__(self, binary, extra_args=(), globals_=()):
        self.tmp = tempfile.TemporaryDirectory(prefix="h6qt-")
        qt_path = os.path.join(self.tmp.name, "qtest.sock")
        qmp_path = os.path.join(self.tmp.name, "qmp.sock")
        self.log_path = os.path.join(self.tmp.name, "stderr.log")
        qt_srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        qt_srv.bind(qt_path)
        qt_srv.listen(1)
        qmp_srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        qmp_srv.bind(qmp_path)
        qmp_srv.listen(1)
        args = [binary, "-machine", "sun50i-h6-iommu-testbed",
                "-accel", "qtest", "-display", "none", "-nodefaults",
                "-serial", "none",
                "-qtest", "unix:" + qt_path, "-qmp", "unix:" + qmp_path,
                "-d", "guest_errors"]
        for g in globals_:
            args += ["-global", "allwinner-h6-iommu." + g]
        args += list(extra_args)
        self.logf = open(self.log_path, "wb")
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL,
                                     stdout=self.logf, stderr=self.logf)
        qt_srv.settimeout(10)
        qmp_srv.settimeout(10)
        try:
            self.qt, _ = qt_srv.accept()
            qmp_sock, _ = qmp_srv.accept()
        except socket.timeout:
            self.proc.kill()
            raise TestFailure("QEMU did not connect: " + self.log())
        finally:
            qt_srv.close()
            qmp_srv.close()
        self.qt_buf = b""
        self.irq = {}
        self.qmp = Qmp(qmp_sock)

    # -- qtest ------------------------------------------------------------
    def _line(self):
        while b"\n" not in self.qt_buf:
            chunk = self.qt.recv(65536)
            if not chunk:
                raise TestFailure("qtest connection closed: " + self.log())
            self.qt_buf += chunk
        line, self.qt_buf = self.qt_buf.split(b"\n", 1)
        return line.decode()

    def cmd(self, text):
        self.qt.sendall(text.encode() + b"\n")
        while True:
            line = self._line()
            words = line.split()
            if words[:1] == ["IRQ"]:
                self.irq[int(words[2])] = words[1] == "raise"
                continue
            if words[:1] != ["OK"]:
                raise TestFailure("qtest '%s' -> '%s'" % (text, line))
            return words[1:]

    def readl(self, addr):
        return int(self.cmd("readl 0x%x" % addr)[0], 16)

    def writel(self, addr, val):
        self.cmd("writel 0x%x 0x%x" % (addr, val & 0xFFFFFFFF))

    def readb(self, addr):
        return int(self.cmd("readb 0x%x" % addr)[0], 16)

    def writeb(self, addr, val):
        self.cmd("writeb 0x%x 0x%x" % (addr, val & 0xFF))

    def write(self, addr, data):
        for off in range(0, len(data), 1 << 16):
            part = data[off:off + (1 << 16)]
            self.cmd("write 0x%x 0x%x 0x%s" % (addr + off, len(part),
                                               part.hex()))

    def read(self, addr, size):
        return bytes.fromhex(self.cmd("read 0x%x 0x%x" % (addr, size))[0][2:])

    def memset(self, addr, size, value):
        self.cmd("memset 0x%x 0x%x 0x%x" % (addr, size, value))

    def irq_intercept_in(self, path):
        self.cmd("irq_intercept_in " + path)

    def sync(self):
        """Round trip so that asynchronous IRQ lines are collected."""
        self.cmd("clock_step 0")

    # -- QMP --------------------------------------------------------------
    def qmp_cmd(self, name, **args):
        return self.qmp.command(name, **args)

    def qom_get(self, path, prop):
        return self.qmp_cmd("qom-get", path=path, property=prop)

    def audit_errors(self):
        return self.qom_get("/machine/iommu", "audit-errors")

    def faults(self):
        return self.qom_get("/machine/iommu", "faults")

    # -- log ----------------------------------------------------------------
    def log(self):
        self.logf.flush()
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def log_lines(self, needle):
        return [l for l in self.log().splitlines() if needle in l]

    def close(self):
        try:
            self.qmp_cmd("quit")
        except Exception:
            pass
        try:
            self.proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for s in (self.qt, self.qmp.sock):
            s.close()
        self.logf.close()
        self.tmp.cleanup()


class Iommu:
    """A minimal driver: tables in guest RAM, written by the 'CPU'."""

    TTB_PA = 0x41000000          # 16 KiB aligned directory
    PT_POOL = 0x41010000         # 1 KiB page tables

    def __init__(self, q):
        self.q = q
        self.pts = {}            # DT index -> PT physical address
        self.next_pt = self.PT_POOL

    def r(self, off):
        return self.q.readl(IOMMU_BASE + off)

    def w(self, off, val):
        self.q.writel(IOMMU_BASE + off, val)

    def clock_on(self):
        # Mainline order: deassert the reset, then ungate the bus clock
        self.q.writel(CCU_BASE + CCU_BUS_IOMMU, 1 << 16)
        self.q.writel(CCU_BASE + CCU_BUS_IOMMU, (1 << 16) | 1)

    def clock_gate(self):
        self.q.writel(CCU_BASE + CCU_BUS_IOMMU, 1 << 16)

    def wait_clear(self, off, what, polls=100):
        for _ in range(polls):
            if self.r(off) == 0:
                return
        raise TestFailure("%s did not complete" % what)

    def enable(self, prefetch=0x3F, flush=True):
        """The mainline (v6.12) enable sequence (flush=False: without its
        TLB flush)."""
        self.clock_on()
        self.w(TTB, self.TTB_PA)
        self.w(TLB_PREFETCH, prefetch)
        self.w(BYPASS, 0)
        self.w(INT_ENABLE, 0x3003F)
        self.w(DM_AUT_CTRL(0), 0x0FFF0000)   # ACI 1: nothing allowed
        self.w(DM_AUT_CTRL(1), 0x05550AAA)   # ACI 2 RD only, ACI 3 WR only
        if flush:
            self.flush_all()
        self.w(AUTO_GATING, 1)
        self.w(ENABLE, 1)

    def flush_all(self):
        self.w(TLB_FLUSH_ENABLE, 0x3003F)
        self.wait_clear(TLB_FLUSH_ENABLE, "TLB flush")

    def inv_tlb(self, iova, mask=0xFFFFF000):
        iova &= 0xFFFFFFFF
        self.w(TLB_IVLD_ADDR, iova)
        self.w(TLB_IVLD_ADDR_MASK, mask)
        self.w(TLB_IVLD_ENABLE, 1)
        self.wait_clear(TLB_IVLD_ENABLE, "TLB invalidation")

    def inv_pc(self, iova):
        iova &= 0xFFFFFFFF
        self.w(PC_IVLD_ADDR, iova)
        self.w(PC_IVLD_ENABLE, 1)
        self.wait_clear(PC_IVLD_ENABLE, "PTW cache invalidation")

    def new_pt(self):
        pa = self.next_pt
        self.next_pt += 0x400
        self.q.memset(pa, 0x400, 0)
        return pa

    def set_dte(self, index, pt_pa):
        self.pts[index] = pt_pa
        self.q.writel(self.TTB_PA + 4 * index, pt_pa | 1)

    def clear_dte(self, index):
        self.pts.pop(index, None)
        self.q.writel(self.TTB_PA + 4 * index, 0)

    def map(self, iova, pa, aci=ACI_RW, size=0x1000, sync=True):
        """Write PTEs (and DTEs/PTs as needed).  sync=True then runs the
        mainline .iotlb_sync_map invalidation; sync=False behaves like the
        2020 driver that did not invalidate after map."""
        for off in range(0, size, 0x1000):
            va = iova + off
            idx = va >> 20
            if idx not in self.pts:
                self.set_dte(idx, self.new_pt())
            pte = ((pa + off) & 0xFFFFF000) | (aci << 4) | 2
            self.q.writel(self.pts[idx] + 4 * ((va >> 12) & 0xFF), pte)
        if sync:
            self.sync_map(iova, size)

    def sync_map(self, iova, size):
        """Invalidate iova, iova+4K (and the end neighbours) in the TLB
        and iova, iova+1M (and the end neighbours) in the PTW cache."""
        self.w(AUTO_GATING, 0)
        self.inv_tlb(iova)
        self.inv_tlb(iova + 0x1000)
        if size > 0x1000:
            self.inv_tlb(iova + size)
            self.inv_tlb(iova + size + 0x1000)
        self.inv_pc(iova)
        self.inv_pc(iova + 0x100000)
        if size > 0x100000:
            self.inv_pc(iova + size)
            self.inv_pc(iova + size + 0x100000)
        self.w(AUTO_GATING, 1)

    def unmap(self, iova, size=0x1000):
        for off in range(0, size, 0x1000):
            va = iova + off
            self.q.writel(self.pts[va >> 20] + 4 * ((va >> 12) & 0xFF), 0)

    def pulse_lane_reset(self, masters):
        self.w(RESET, ~masters & 0xFFFFFFFF)
        self.w(RESET, 0xFFFFFFFF)

    def pmu(self, slot_off):
        lo = self.r(slot_off)
        hi = self.r(slot_off + 4)
        hlo = self.r(slot_off + 8)
        hhi = self.r(slot_off + 0xC)
        return (hi << 32) | lo, (hhi << 32) | hlo


class Pl330:
    """Runs a memory-to-memory copy on a PL330 channel.  The program is
    written by the CPU at code_pa and fetched by the engine at code_iova
    (through the IOMMU, like its data)."""

    DSR, CSR0, DBGSTATUS, DBGCMD, DBGINST0, DBGINST1 = \
        0x000, 0x100, 0xD00, 0xD04, 0xD08, 0xD0C

    # 4-byte beats, 4 beats per burst, incrementing source and destination
    CCR = (1 << 0) | (2 << 1) | (3 << 4) | (1 << 14) | (2 << 15) | (3 << 18)
    BURST = 16

    def __init__(self, q, n, code_pa, code_iova):
        self.q = q
        self.base = DMA_BASE[n]
        self.code_pa = code_pa
        self.code_iova = code_iova

    @staticmethod
    def mov(reg, val):
        return bytes([0xBC, reg]) + (val & 0xFFFFFFFF).to_bytes(4, "little")

    def program(self, src, dst, length):
        check(length % self.BURST == 0 and 0 < length <= 256 * 256 * 16,
              "bad copy length")
        bursts = length // self.BURST
        inner = min(bursts, 256)
        outer = bursts // inner
        check(inner * outer == bursts, "copy length not representable")
        p = self.mov(0, src) + self.mov(2, dst) + self.mov(1, self.CCR)
        body = bytes([0x20, inner - 1, 0x04, 0x08, 0x38, 2])
        if outer > 1:
            p += bytes([0x22, outer - 1]) + body + bytes([0x3C, len(body)])
        else:
            p += body
        return p + bytes([0x00])

    def state(self, chan=0):
        return self.q.readl(self.base + self.CSR0 + 8 * chan) & 0xF

    def debug_insn(self, inst0, inst1=0):
        self.q.writel(self.base + self.DBGINST0, inst0)
        self.q.writel(self.base + self.DBGINST1, inst1)
        self.q.writel(self.base + self.DBGCMD, 0)

    def kill(self, chan=0):
        """DMAKILL on the channel thread: the way out of a faulting state.
        A copy through a stalled IOMMU lane fetches zeros (DMAEND) in the
        middle of its loop and then locks up with data left in the shared
        FIFO.  QEMU 7.2's FIFO clean-up drops only about half of a
        channel's entries per DMAKILL, so repeat it (256-byte FIFO)."""
        for _ in range(10):
            self.debug_insn((0x01 << 16) | (chan << 8) | 1)

    def copy(self, src, dst, length, chan=0):
        if self.state(chan) != 0:
            self.kill(chan)
        self.q.write(self.code_pa, self.program(src, dst, length))
        # DMAGO (manager thread, secure) with the channel and the program
        self.debug_insn((chan << 24) | (0xA0 << 16), self.code_iova)
        return self.state(chan)


def pattern(seed, length):
    return bytes(((i * 7 + seed * 13 + (i >> 8)) & 0xFF) for i in range(length))


# --- the cases' harness ------------------------------------------------------
CASES = []


def case(fn):
    """Register a test case: fn(ctx), failing by raising."""
    CASES.append(fn)
    return fn


class QtestCtx:
    """What a case gets: QEMU instances it starts, closed after it."""

    def __init__(self, qemu_bin, verbose):
        self.qemu_bin = qemu_bin
        self.verbose = verbose
        self.instances = []

    def start(self, globals_=(), machine_opts="", extra_args=()):
        extra = list(extra_args)
        if machine_opts:
            extra += ["-machine", "sun50i-h6-iommu-testbed," + machine_opts]
        q = Qemu(self.qemu_bin, extra, globals_)
        self.instances.append(q)
        return q

    def close(self):
        for q in self.instances:
            if self.verbose:
                sys.stderr.write(q.log())
            q.close()
        self.instances = []


def no_audit(q):
    """A correct programming sequence must not trip the audit."""
    n = q.audit_errors()
    check(n == 0, "unexpected audit errors (%d): %s" % (
        n, q.log_lines("audit:")[:3]))


def run_cases(doc, repo, ctx_class):
    """Run the registered cases: "ok - name" / "not ok - name" per case,
    then "N passed, N failed"; returns the exit status."""
    ap = argparse.ArgumentParser(description=doc.splitlines()[0])
    ap.add_argument("--qemu", default=os.environ.get(
        "QEMU", os.path.join(repo, "out", "qemu-system-aarch64")))
    ap.add_argument("-k", dest="filter", default="",
                    help="run only cases whose name contains this")
    ap.add_argument("-v", dest="verbose", action="store_true",
                    help="print each QEMU's log (faults, audit lines)")
    args = ap.parse_args()
    if not os.access(args.qemu, os.X_OK):
        print("not ok - qemu binary %s missing (run tooling/emulator.sh)"
              % args.qemu)
        print("0 passed, 1 failed")
        return 1
    t0 = time.monotonic()
    passed = failed = 0
    for fn in CASES:
        if args.filter not in fn.__name__:
            continue
        ctx = ctx_class(args.qemu, args.verbose)
        try:
            fn(ctx)
            print("ok - %s" % fn.__name__)
            passed += 1
        except Exception as e:  # noqa: BLE001
            print("not ok - %s" % fn.__name__)
            detail = str(e) if isinstance(e, TestFailure) \
                else traceback.format_exc()
            for line in detail.splitlines():
                print("#   " + line)
            failed += 1
        finally:
            ctx.close()
        sys.stdout.flush()
    if not passed and not failed:
        print("not ok - no-case-ran (none of the %d cases matches -k '%s')"
              % (len(CASES), args.filter))
        failed = 1
    print("# %.1f s" % (time.monotonic() - t0))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0
