#!/usr/bin/env python3
"""Self-test of the Allwinner H6 IOMMU model through QEMU's qtest protocol.

Starts out/qemu-system-aarch64 -machine sun50i-h6-iommu-testbed once per
case, builds tables in guest RAM, programs the IOMMU like a driver and makes
the PL330s copy data.  Prints "ok - name" / "not ok - name" per case and a
closing "N passed, N failed" line; exits non-zero on any failure.

  tooling/qtest-iommu.py [--qemu PATH] [-k SUBSTRING] [-v]
"""

import os
import sys

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from qtest_h6 import *  # noqa: E402,F401,F403

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Physical layout used by the cases (RAM starts at 0x40000000)
CODE_PA = {0: 0x42000000, 1: 0x42001000}
SRC_PA = 0x43000000
DST_PA = 0x44000000
ALT_PA = 0x45000000
# IOVA layout
CODE_IOVA = {0: 0x10000000, 1: 0x10001000}
SRC_IOVA = 0x20000000
DST_IOVA = 0x30000000


class Ctx(QtestCtx):
    def setup(self, globals_=(), machine_opts="", enable=True, prefetch=0x3F):
        """QEMU + an enabled IOMMU with both engines' programs mapped."""
        q = self.start(globals_, machine_opts)
        mmu = Iommu(q)
        dmas = {n: Pl330(q, n, CODE_PA[n], CODE_IOVA[n]) for n in (0, 1)}
        if enable:
            for n in (0, 1):
                mmu.map(CODE_IOVA[n], CODE_PA[n], ACI_RD, sync=False)
            mmu.enable(prefetch=prefetch)       # flushes everything
        return q, mmu, dmas


# ---------------------------------------------------------------------------
@case
def reset_values(ctx):
    q = ctx.start()
    mmu = Iommu(q)
    mmu.clock_on()
    expect = {
        VERSION: 0x10, RESET: 0x8003003F, ENABLE: 0, BYPASS: 0,
        AUTO_GATING: 1, WBUF_CTRL: 0x3F, OOO_CTRL: 0x3F, BDY_PRT_CTRL: 0x3F,
        TTB: 0, TLB_ENABLE: 0x3003F, TLB_PREFETCH: 0, TLB_FLUSH_ENABLE: 0,
        TLB_IVLD_ADDR: 0, TLB_IVLD_ADDR_MASK: 0, TLB_IVLD_ENABLE: 0,
        PC_IVLD_ADDR: 0, PC_IVLD_ENABLE: 0, DM_AUT_OVWT: 0, INT_ENABLE: 0,
        INT_STA: 0, INT_ERR_ADDR_L1: 0, INT_ERR_ADDR_L2: 0, L1PG_INT: 0,
        L2PG_INT: 0, VA: 0, VA_DATA: 0, VA_CONFIG: 0, PMU_ENABLE: 0,
        PMU_CLR: 0,
    }
    for n in range(8):
        expect[DM_AUT_CTRL(n)] = 0
    for m in range(6):
        expect[INT_ERR_ADDR(m)] = 0
        expect[INT_ERR_DATA(m)] = 0
    for off, want in sorted(expect.items()):
        check_eq(mmu.r(off), want, "reset value of 0x%03x" % off)
    # Field widths: TTB bits 31:14, domain 0 read-only zero, 6 masters
    mmu.w(TTB, 0xFFFFFFFF)
    check_eq(mmu.r(TTB), 0xFFFFC000, "TTB write mask")
    mmu.w(TTB, 0)
    mmu.w(DM_AUT_CTRL(0), 0xFFFFFFFF)
    check_eq(mmu.r(DM_AUT_CTRL(0)), 0xFFFF0000, "DM_AUT_CTRL0 domain 0 RO")
    mmu.w(BYPASS, 0xFFFFFFFF)
    check_eq(mmu.r(BYPASS), 0x3F, "BYPASS width (6 masters)")
    # H6: no range-invalidation registers, no prefetch valid-fix bits
    for off in (TLB_IVLD_MODE_SEL, TLB_IVLD_STA_ADDR, TLB_IVLD_END_ADDR,
                PC_IVLD_MODE_SEL, PC_IVLD_STA_ADDR, PC_IVLD_END_ADDR):
        mmu.w(off, 0xFFFFFFFF)
        check_eq(mmu.r(off), 0, "H6 reserved range register 0x%03x" % off)
    mmu.w(TLB_PREFETCH, 0xFFFFFFFF)
    check_eq(mmu.r(TLB_PREFETCH), 0x3F, "TLB_PREFETCH without valid-fix")
    # H616 flavour through properties
    q2 = ctx.start(globals_=("num-masters=7", "bypass-reset=0x7f",
                             "range-invalidation=on",
                             "prefetch-valid-fix=on"))
    m2 = Iommu(q2)
    m2.clock_on()
    check_eq(m2.r(BYPASS), 0x7F, "H616 BYPASS reset")
    check_eq(m2.r(RESET), 0x8003007F, "H616 RESET reset")
    check_eq(m2.r(TLB_PREFETCH), 0x30000, "valid-fix TLB_PREFETCH reset")
    m2.w(TLB_IVLD_STA_ADDR, 0x12345678)
    check_eq(m2.r(TLB_IVLD_STA_ADDR), 0x12345000, "range register present")


@case
def rwac_self_clear(ctx):
    q, mmu, _ = ctx.setup()
    mmu.w(TLB_FLUSH_ENABLE, 0x3003F)
    check_eq(mmu.r(TLB_FLUSH_ENABLE), 0, "TLB_FLUSH_ENABLE after flush")
    for off in (TLB_IVLD_ENABLE, PC_IVLD_ENABLE, PMU_CLR):
        mmu.w(off, 1)
        check_eq(mmu.r(off), 0, "R/WAC 0x%03x" % off)
    mmu.w(VA_CONFIG, 0x80000001)
    check_eq(mmu.r(VA_CONFIG), 0x80000000, "VA_CONFIG start bit")
    # Latency N: busy for N polls, then done
    q2, m2, _ = ctx.setup(globals_=("wac-latency=3",))
    m2.w(TLB_FLUSH_ENABLE, 0x3003F)
    seen = [m2.r(TLB_FLUSH_ENABLE) for _ in range(4)]
    check(seen == [0x3003F] * 3 + [0], "latency-3 flush polls: %s" % seen)
    # Starting an invalidation while another is running is an audit error
    before = q2.audit_errors()
    m2.w(TLB_IVLD_ADDR, SRC_IOVA)
    m2.w(TLB_IVLD_ADDR_MASK, 0xFFFFF000)
    m2.w(TLB_IVLD_ENABLE, 1)
    m2.w(PC_IVLD_ADDR, SRC_IOVA)
    m2.w(PC_IVLD_ENABLE, 1)
    check(q2.audit_errors() == before + 1, "overlapping invalidation audit")
    check(q2.log_lines("audit: PTW cache invalidation started while TLB "
                       "invalidation is still in progress"),
          "overlap audit line missing")
    # Never completes (fault injection for driver timeout paths)
    q3, m3, _ = ctx.setup(globals_=("wac-latency=-1",), enable=False)
    m3.clock_on()
    m3.w(TLB_FLUSH_ENABLE, 0x3003F)
    check(all(m3.r(TLB_FLUSH_ENABLE) == 0x3003F for _ in range(50)),
          "wac-latency=-1 flush must never complete")


@case
def translated_copy(ctx):
    q, mmu, dma = ctx.setup()
    data = pattern(1, 0x2000)
    q.write(SRC_PA, data)
    # Source contiguous in IOVA but scattered in PA, destination likewise
    mmu.map(SRC_IOVA, SRC_PA, ACI_RD)
    mmu.map(SRC_IOVA + 0x1000, SRC_PA + 0x1000, ACI_RD)
    mmu.map(DST_IOVA, DST_PA + 0x3000, ACI_RW)
    mmu.map(DST_IOVA + 0x1000, DST_PA, ACI_RW)
    mmu.flush_all()
    st = dma[1].copy(SRC_IOVA, DST_IOVA, 0x2000)
    check_eq(st, 0, "PL330 #1 channel state")
    check(q.read(DST_PA + 0x3000, 0x1000) == data[:0x1000],
          "page 0 of the copy landed at the translated PA")
    check(q.read(DST_PA, 0x1000) == data[0x1000:],
          "page 1 of the copy landed at the translated PA")
    check_eq(mmu.r(INT_STA), 0, "no fault")
    # PL330 #0: reads through master 1, writes through master 3
    q.memset(DST_PA, 0x4000, 0)
    st = dma[0].copy(SRC_IOVA, DST_IOVA, 0x2000)
    check_eq(st, 0, "PL330 #0 channel state")
    check(q.read(DST_PA + 0x3000, 0x1000) == data[:0x1000] and
          q.read(DST_PA, 0x1000) == data[0x1000:], "PL330 #0 copy")
    check_eq(mmu.r(INT_STA), 0, "no fault (PL330 #0)")
    check_eq(q.faults(), 0, "fault counter")
    no_audit(q)


@case
def bypass_identity(ctx):
    q, mmu, dma = ctx.setup()
    data = pattern(2, 0x1000)
    q.write(SRC_PA, data)
    # Master 4 bypassed: its (unmapped) addresses go straight to memory,
    # including the program fetch
    mmu.w(BYPASS, 1 << 4)
    byp = Pl330(q, 1, CODE_PA[1], CODE_PA[1])
    byp.copy(SRC_PA, DST_PA, 0x1000)
    check(q.read(DST_PA, 0x1000) == data, "bypassed copy is identity")
    check_eq(mmu.r(INT_STA), 0, "no fault while bypassed")
    # ENABLE = 0: every master passes through
    q.memset(DST_PA, 0x1000, 0)
    mmu.w(BYPASS, 0)
    mmu.w(ENABLE, 0)
    byp.copy(SRC_PA, DST_PA, 0x1000)
    check(q.read(DST_PA, 0x1000) == data, "ENABLE=0 copy is identity")
    # Bypass is per master: master 4 translated again faults
    mmu.w(ENABLE, 1)
    q.memset(DST_PA, 0x1000, 0)
    byp.copy(SRC_PA, DST_PA, 0x1000)
    check(q.read(DST_PA, 0x1000) == bytes(0x1000),
          "translated master must not reach unmapped PAs")
    check(mmu.r(INT_STA) & (1 << 16), "L1 fault once translated")


@case
def permission_fault(ctx):
    q, mmu, dma = ctx.setup()
    q.irq_intercept_in("/machine/gic")
    data = pattern(3, 0x1000)
    q.write(SRC_PA, data)
    q.memset(DST_PA, 0x1000, 0x5A)
    mmu.map(SRC_IOVA, SRC_PA, ACI_RD)
    mmu.map(DST_IOVA, DST_PA, ACI_RD)          # destination read-only
    mmu.flush_all()
    dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)
    q.sync()
    check_eq(mmu.r(INT_STA), 1 << 4, "INT_STA: master 4 permission")
    check_eq(mmu.r(INT_ERR_ADDR(4)), DST_IOVA, "INT_ERR_ADDR_4")
    check_eq((mmu.r(INT_ERR_DATA(4)) >> 4) & 0xF, ACI_RD,
             "INT_ERR_DATA_4 ACI")
    check_eq(mmu.r(L1PG_INT) | mmu.r(L2PG_INT), 0, "no L1/L2 bitmap")
    check(q.irq.get(IOMMU_SPI) is True, "GIC SPI 57 raised")
    check(q.read(DST_PA, 0x1000) == b"\x5a" * 0x1000, "memory unchanged")
    # Fix the mapping: the lane is still stuck until its RESET bit pulses
    mmu.map(DST_IOVA, DST_PA, ACI_RW)
    mmu.inv_tlb(DST_IOVA)
    nf = q.faults()
    dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)
    check(q.read(DST_PA, 0x1000) == b"\x5a" * 0x1000, "stuck lane blocked")
    check_eq(q.faults(), nf, "a stuck lane raises no new fault")
    # Other masters are unaffected
    q.memset(ALT_PA, 0x1000, 0)
    mmu.map(DST_IOVA + 0x100000, ALT_PA, ACI_RW)
    dma[0].copy(SRC_IOVA, DST_IOVA + 0x100000, 0x1000)
    check(q.read(ALT_PA, 0x1000) == data, "master 1/3 keep working")
    # Clear the status: the level interrupt drops
    mmu.w(INT_CLR, mmu.r(INT_STA))
    q.sync()
    check(q.irq.get(IOMMU_SPI) is False, "GIC SPI 57 lowered by INT_CLR")
    # Recovery as mainline does it
    mmu.pulse_lane_reset(1 << 4)
    dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)
    check(q.read(DST_PA, 0x1000) == data, "copy works after lane reset")
    check_eq(mmu.r(INT_STA), 0, "no new fault")
    no_audit(q)


@case
def l1_l2_faults(ctx):
    q, mmu, dma = ctx.setup()
    q.memset(DST_PA, 0x3000, 0)
    mmu.map(DST_IOVA, DST_PA, ACI_RW)
    mmu.flush_all()
    # L1: nothing mapped in the source's 1 MiB slot
    dma[1].copy(SRC_IOVA + 0x40, DST_IOVA, 0x100)
    check_eq(mmu.r(INT_STA), 1 << 16, "INT_STA L1 invalid")
    check_eq(mmu.r(INT_ERR_ADDR_L1), SRC_IOVA + 0x40, "INT_ERR_ADDR_L1")
    check_eq(mmu.r(INT_ERR_DATA_L1), 0, "INT_ERR_DATA_L1 (the DTE)")
    check_eq(mmu.r(L1PG_INT), 1 << 4, "L1PG_INT master 4")
    # Second master, other slot: bitmap accumulates, address latches first
    dma[0].copy(SRC_IOVA + 0x200000, DST_IOVA, 0x100)
    check_eq(mmu.r(L1PG_INT), (1 << 4) | (1 << 1), "L1PG_INT masters 1+4")
    check_eq(mmu.r(INT_ERR_ADDR_L1), SRC_IOVA + 0x40, "first L1 latched")
    mmu.w(INT_CLR, mmu.r(INT_STA))
    check_eq(mmu.r(L1PG_INT), 0, "L1PG_INT cleared with INT_CLR bit 16")
    mmu.pulse_lane_reset((1 << 4) | (1 << 1))
    # L2: slot present (DTE valid), page not mapped
    mmu.map(SRC_IOVA, SRC_PA, ACI_RD)
    mmu.flush_all()
    dma[1].copy(SRC_IOVA + 0x5000, DST_IOVA, 0x100)
    check_eq(mmu.r(INT_STA), 1 << 17, "INT_STA L2 invalid")
    check_eq(mmu.r(INT_ERR_ADDR_L2), SRC_IOVA + 0x5000, "INT_ERR_ADDR_L2")
    check_eq(mmu.r(INT_ERR_DATA_L2), 0, "INT_ERR_DATA_L2 (the PTE)")
    check_eq(mmu.r(L2PG_INT), 1 << 4, "L2PG_INT master 4")
    check_eq(mmu.r(L1PG_INT), 0, "no L1 bitmap for an L2 fault")
    check(q.read(DST_PA, 0x100) == bytes(0x100), "nothing written")
    check(q.log_lines("sun50i-iommu: fault: L2 invalid master=4"),
          "fault log line")
    mmu.w(INT_CLR, 1 << 17)
    check_eq(mmu.r(L2PG_INT), 0, "L2PG_INT cleared with INT_CLR bit 17")
    no_audit(q)


def setup_remappable(ctx, seed, globals_=()):
    """setup() with pattern(seed) at SRC_PA, pattern(seed + 1) at ALT_PA,
    SRC_IOVA mapped read-only to SRC_PA and DST_IOVA read/write to DST_PA:
    remapping SRC_IOVA to ALT_PA shows which translation a copy used."""
    q, mmu, dma = ctx.setup(globals_=globals_)
    a, b = pattern(seed, 0x1000), pattern(seed + 1, 0x1000)
    q.write(SRC_PA, a)
    q.write(ALT_PA, b)
    mmu.map(SRC_IOVA, SRC_PA, ACI_RD)
    mmu.map(DST_IOVA, DST_PA, ACI_RW)
    return q, mmu, dma, a, b


@case
def stale_tlb_and_invalidation(ctx):
    q, mmu, dma, a, b = setup_remappable(ctx, 4)
    mmu.flush_all()
    dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)
    check(q.read(DST_PA, 0x1000) == a, "first copy")
    # Remap the source page without invalidating: the TLB still hits
    mmu.map(SRC_IOVA, ALT_PA, ACI_RD, sync=False)
    before = q.audit_errors()
    dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)
    check(q.read(DST_PA, 0x1000) == a, "stale translation used (as on HW)")
    check(q.audit_errors() > before, "audit counted the stale hit")
    check(q.log_lines("sun50i-iommu: audit: stale TLB entry iova=0x%08x "
                      "master=4" % SRC_IOVA), "stale TLB audit line")
    # Invalidating another page does not help; this page's does
    mmu.inv_tlb(SRC_IOVA + 0x1000)
    dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)
    check(q.read(DST_PA, 0x1000) == a, "other-page invalidation")
    mmu.inv_tlb(SRC_IOVA)
    dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)
    check(q.read(DST_PA, 0x1000) == b, "fresh translation after TLB_IVLD")
    # Mask semantics: 0xFFF00000 drops the whole 1 MiB slot, nothing else
    far = SRC_IOVA + 0x300000
    mmu.map(SRC_IOVA + 0x2000, SRC_PA, ACI_RD)
    mmu.map(far, SRC_PA, ACI_RD)
    dma[1].copy(SRC_IOVA + 0x2000, DST_IOVA, 0x100)
    dma[1].copy(far, DST_IOVA + 0x100, 0x100)
    mmu.map(SRC_IOVA + 0x2000, ALT_PA, ACI_RD, sync=False)
    mmu.map(far, ALT_PA, ACI_RD, sync=False)
    mmu.inv_tlb(SRC_IOVA + 0x7000, 0xFFF00000)
    dma[1].copy(SRC_IOVA + 0x2000, DST_IOVA, 0x100)
    dma[1].copy(far, DST_IOVA + 0x100, 0x100)
    got = q.read(DST_PA, 0x200)
    check(got[:0x100] == b[:0x100], "masked invalidation covers the slot")
    check(got[0x100:] == a[:0x100], "masked invalidation spares other slots")
    # A full flush fixes the rest
    mmu.flush_all()
    dma[1].copy(far, DST_IOVA + 0x100, 0x100)
    check(q.read(DST_PA + 0x100, 0x100) == b[:0x100], "flush-all")


@case
def neighbour_prefetch_stale(ctx):
    q, mmu, dma = ctx.setup()
    a = pattern(6, 0x2000)
    q.write(SRC_PA, a)
    mmu.map(SRC_IOVA, SRC_PA, ACI_RD)           # page n only
    mmu.map(DST_IOVA, DST_PA, ACI_RW, size=0x2000)
    mmu.flush_all()
    dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)     # walk of n prefetches n+1
    check_eq(mmu.r(INT_STA), 0, "no fault on page n")
    # Map n+1 the way the 2020 driver did: no invalidation after map
    mmu.map(SRC_IOVA + 0x1000, SRC_PA + 0x1000, ACI_RD, sync=False)
    dma[1].copy(SRC_IOVA + 0x1000, DST_IOVA + 0x1000, 0x1000)
    check_eq(mmu.r(INT_STA), 1 << 17, "stale invalid neighbour -> L2 fault")
    check_eq(mmu.r(INT_ERR_ADDR_L2), SRC_IOVA + 0x1000, "fault address")
    check(q.log_lines("audit: stale TLB entry iova=0x%08x master=4 "
                      "cache=macro (prefetched neighbour)"
                      % (SRC_IOVA + 0x1000)), "audit names the prefetch")
    # The fix: invalidate the neighbour too (mainline .iotlb_sync_map)
    mmu.inv_tlb(SRC_IOVA + 0x1000)
    mmu.w(INT_CLR, mmu.r(INT_STA))
    mmu.pulse_lane_reset(1 << 4)
    dma[1].copy(SRC_IOVA + 0x1000, DST_IOVA + 0x1000, 0x1000)
    check(q.read(DST_PA + 0x1000, 0x1000) == a[0x1000:], "after invalidation")
    check_eq(mmu.r(INT_STA), 0, "no fault after invalidation")
    # Prefetch is per master (TLB_PREFETCH): with it off, no staleness
    q2, m2, d2 = ctx.setup(prefetch=0)
    m2.map(SRC_IOVA, SRC_PA, ACI_RD)
    m2.map(DST_IOVA, DST_PA, ACI_RW, size=0x2000)
    m2.flush_all()
    d2[1].copy(SRC_IOVA, DST_IOVA, 0x1000)
    m2.map(SRC_IOVA + 0x1000, SRC_PA + 0x1000, ACI_RD, sync=False)
    d2[1].copy(SRC_IOVA + 0x1000, DST_IOVA + 0x1000, 0x1000)
    check_eq(m2.r(INT_STA), 0, "TLB_PREFETCH=0: no neighbour entry")


@case
def invalid_entry_cached(ctx):
    """A walk that finds an invalid PTE caches it (cache-invalid-entries):
    mapping the page afterwards without invalidating it still faults."""
    for cached in (True, False):
        q, mmu, dma = ctx.setup(
            globals_=("cache-invalid-entries=%s" % ("on" if cached else
                                                    "off"),),
            prefetch=0)
        a = pattern(9, 0x1000)
        q.write(SRC_PA, a)
        mmu.map(SRC_IOVA + 0x1000, SRC_PA, ACI_RD)   # the PT exists
        mmu.map(DST_IOVA, DST_PA, ACI_RW)
        mmu.flush_all()
        dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)
        check_eq(mmu.r(INT_STA), 1 << 17, "unmapped page -> L2 fault")
        mmu.w(INT_CLR, mmu.r(INT_STA))
        mmu.pulse_lane_reset(1 << 4)
        mmu.map(SRC_IOVA, SRC_PA, ACI_RD, sync=False)
        dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)
        if cached:
            check_eq(mmu.r(INT_STA), 1 << 17, "cached invalid PTE faults")
            mmu.w(INT_CLR, mmu.r(INT_STA))
            mmu.pulse_lane_reset(1 << 4)
            mmu.inv_tlb(SRC_IOVA)
            dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)
        check_eq(mmu.r(INT_STA), 0, "no fault once valid (cached=%s)"
                 % cached)
        check(q.read(DST_PA, 0x1000) == a, "copy (cached=%s)" % cached)


@case
def ptw_cache_stale(ctx):
    q, mmu, dma, a, b = setup_remappable(ctx, 7)
    mmu.flush_all()
    dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)
    # Replace the whole page table of the slot (new PT, new DTE), and
    # invalidate only the TLB: the walk still uses the cached DTE
    slot = SRC_IOVA >> 20
    new_pt = mmu.new_pt()
    q.writel(new_pt + 4 * ((SRC_IOVA >> 12) & 0xFF),
             ALT_PA | (ACI_RD << 4) | 2)
    mmu.set_dte(slot, new_pt)
    mmu.inv_tlb(SRC_IOVA)
    before = q.audit_errors()
    dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)
    check(q.read(DST_PA, 0x1000) == a, "stale DTE from the PTW cache used")
    check(q.audit_errors() > before, "audit counted the stale PTW hit")
    check(q.log_lines("audit: stale PTW cache entry iova=0x%08x master=4"
                      % SRC_IOVA), "PTW audit line")
    mmu.inv_pc(SRC_IOVA)
    mmu.inv_tlb(SRC_IOVA)
    dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)
    check(q.read(DST_PA, 0x1000) == b, "fresh DTE after PC_IVLD")
    # DTE n+1 prefetch: a new slot next to a used one needs PC_IVLD too
    nxt = (slot + 1) << 20
    mmu.map(nxt, SRC_PA, ACI_RD, sync=False)   # writes the new DTE
    mmu.inv_tlb(nxt)                            # ... but no PC_IVLD
    dma[1].copy(nxt, DST_IOVA, 0x100)
    check_eq(mmu.r(INT_STA), 1 << 16, "stale invalid DTE n+1 -> L1 fault")
    mmu.w(INT_CLR, mmu.r(INT_STA))
    mmu.pulse_lane_reset(1 << 4)
    mmu.inv_pc(nxt)
    dma[1].copy(nxt, DST_IOVA, 0x100)
    check_eq(mmu.r(INT_STA), 0, "no fault after PC_IVLD of slot n+1")
    check(q.read(DST_PA, 0x100) == a[:0x100], "copy from the new slot")


@case
def audit_log(ctx):
    q, mmu, dma = ctx.setup()
    base = q.audit_errors()
    # TTB written while translation is on
    mmu.w(TTB, Iommu.TTB_PA + 0x4000)
    check_eq(q.audit_errors(), base + 1, "TTB audit counted")
    check(q.log_lines("sun50i-iommu: audit: TTB written"), "TTB audit line")
    # ... but not while every master is bypassed
    mmu.w(BYPASS, 0x3F)
    mmu.w(TTB, Iommu.TTB_PA)
    check_eq(q.audit_errors(), base + 1, "TTB write with all bypassed ok")
    mmu.w(BYPASS, 0)
    # Register access with the bus clock gated: RAZ/WI and audited
    mmu.clock_gate()
    check_eq(mmu.r(RESET), 0, "gated register reads 0")
    mmu.w(BYPASS, 0x3F)
    check_eq(q.audit_errors(), base + 3, "gated accesses counted")
    check(q.log_lines("audit: register read at 0x010 while the IOMMU bus "
                      "clock is gated"), "gated read audit line")
    check(q.log_lines("audit: register write 0x0000003f at 0x030 while "
                      "the IOMMU bus clock is gated"), "gated write line")
    mmu.clock_on()
    check_eq(mmu.r(BYPASS), 0, "gated write was ignored")
    check_eq(mmu.r(ENABLE), 1, "state kept across clock gating")
    # Reset asserted in the CCU: register state is lost, access audited
    q.writel(CCU_BASE + CCU_BUS_IOMMU, 1)
    check_eq(mmu.r(ENABLE), 0, "reads 0 in reset")
    check(q.log_lines("while the IOMMU reset is asserted in the CCU"),
          "reset audit line")
    mmu.clock_on()
    check_eq(mmu.r(ENABLE), 0, "reset returned ENABLE to 0")
    check_eq(mmu.r(TTB), 0, "reset returned TTB to 0")
    # Writes that do not take: read-only and undefined offsets, and any
    # register but RESET while RESET.IOMMU_RESET (bit 31) is asserted
    base = q.audit_errors()
    mmu.w(INT_STA, 0x1)
    check(q.log_lines("audit: write 0x00000001 to read-only offset 0x108"),
          "read-only write audit line")
    mmu.w(0x0F0, 0x2)
    check(q.log_lines("audit: write 0x00000002 to undefined offset 0x0f0"),
          "undefined write audit line")
    mmu.r(0x0F4)
    check(q.log_lines("audit: read of undefined offset 0x0f4"),
          "undefined read audit line")
    mmu.w(RESET, 0x0003003F)
    mmu.w(BYPASS, 0x3F)
    check(q.log_lines("audit: register write 0x0000003f at 0x030 while "
                      "RESET.IOMMU_RESET is asserted"), "soft-reset audit line")
    mmu.w(RESET, 0x8003003F)
    check_eq(mmu.r(BYPASS), 0, "write under soft reset ignored")
    check_eq(q.audit_errors(), base + 4, "ignored accesses counted")
    # Audit off: nothing logged or counted
    q2, m2, _ = ctx.setup(globals_=("audit=off",))
    m2.w(TTB, 0)
    check_eq(q2.audit_errors(), 0, "audit=off")


@case
def gated_passthrough(ctx):
    q, mmu, dma = ctx.setup()
    data = pattern(9, 0x1000)
    q.write(SRC_PA, data)
    mmu.clock_gate()
    ident = Pl330(q, 1, CODE_PA[1], CODE_PA[1])
    ident.copy(SRC_PA, DST_PA, 0x1000)
    check(q.read(DST_PA, 0x1000) == data, "gated IOMMU passes traffic")
    check(q.log_lines("sun50i-iommu: audit: DMA by master=4 "),
          "DMA through a gated IOMMU is audited")
    mmu.clock_on()
    check_eq(mmu.r(INT_STA), 0, "no fault recorded while gated")


@case
def caches_across_reset(ctx):
    # Power-cycle (CCU gate + reset) with a cached translation, remap it
    # in memory while off, power on and reprogram without a TLB flush.
    for survive in (False, True):
        q, mmu, dma, a, b = setup_remappable(
            ctx, 11, ("caches-survive-reset=on",) if survive else ())
        dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)
        check(q.read(DST_PA, 0x1000) == a, "copy before the power cycle")
        q.writel(CCU_BASE + CCU_BUS_IOMMU, 0)
        check_eq(mmu.r(ENABLE), 0, "gated: registers read 0")
        mmu.map(SRC_IOVA, ALT_PA, ACI_RD, sync=False)
        mmu.enable(flush=False)
        before = q.audit_errors()
        dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)
        got = q.read(DST_PA, 0x1000)
        if survive:
            check(got == a, "caches-survive-reset: the old translation "
                  "outlived the reset")
            check(q.audit_errors() > before, "and was audited as stale")
        else:
            check(got == b, "reset emptied the TLBs")
            check_eq(q.audit_errors(), before, "no audit after a clean reset")


@case
def lane_reset_semantics(ctx):
    q, mmu, dma = ctx.setup()
    data = pattern(10, 0x1000)
    q.write(SRC_PA, data)
    mmu.map(SRC_IOVA, SRC_PA, ACI_RD)
    mmu.map(DST_IOVA, DST_PA, ACI_RW)
    mmu.flush_all()
    # Lanes are active low: releasing only lane 4 (the pre-2022 driver
    # bug) leaves every other lane in reset
    mmu.w(RESET, ~(1 << 4) & 0xFFFFFFFF)
    mmu.w(RESET, 0x80030000 | (1 << 4))
    check_eq(mmu.r(RESET), 0x80030010, "RESET readback")
    dma[0].copy(SRC_IOVA, DST_IOVA, 0x1000)
    check(q.read(DST_PA, 0x1000) == bytes(0x1000),
          "masters 1/3 held in reset do not transfer")
    mmu.w(RESET, 0xFFFFFFFF)
    dma[0].copy(SRC_IOVA, DST_IOVA, 0x1000)
    check(q.read(DST_PA, 0x1000) == data, "released lanes transfer")
    # ... and every lane it put in reset without a fault is audited:
    # lane 4 (pulsed) and the others (held, then released)
    for m in range(6):
        check(q.log_lines("audit: lane reset of master=%d, which had not "
                          "faulted" % m), "audit of lane %d's reset" % m)
    # Global soft reset (bit 31) returns the registers to reset values
    before = q.audit_errors()
    mmu.w(RESET, 0x7FFFFFFF)
    mmu.w(RESET, 0xFFFFFFFF)
    check_eq(mmu.r(ENABLE), 0, "global reset clears ENABLE")
    check_eq(mmu.r(DM_AUT_CTRL(1)), 0, "global reset clears DM_AUT_CTRL1")
    check_eq(q.audit_errors(), before, "no audit of the global reset")


@case
def lane_hold_for_ttb_switch(ctx):
    """Holding every lane in reset is the one way to switch the TTB while
    translating without an untranslated window; a hold without a TTB
    switch, or a TTB switch under running lanes, is audited."""
    q, mmu, dma = ctx.setup()
    mmu.w(RESET, 0x80030000)                  # every lane held
    mmu.w(TTB, mmu.TTB_PA)
    mmu.flush_all()
    mmu.w(RESET, 0xFFFFFFFF)
    no_audit(q)
    mmu.w(TTB, mmu.TTB_PA)                    # lanes running: audited
    check(q.log_lines("audit: TTB written"), "TTB under running lanes")
    # A faulting lane's pulse is no audit; a healthy one's is
    q2, m2, d2 = ctx.setup()
    m2.map(DST_IOVA, DST_PA, ACI_RW)
    d2[1].copy(SRC_IOVA, DST_IOVA, 0x100)     # SRC unmapped: L1 fault
    check_eq(m2.r(L1PG_INT), 1 << 4, "master 4 faulted")
    m2.w(INT_CLR, m2.r(INT_STA))
    m2.pulse_lane_reset(1 << 4)
    no_audit(q2)
    m2.pulse_lane_reset(1 << 1)
    check(q2.log_lines("audit: lane reset of master=1, which had not "
                       "faulted"), "healthy lane 1 reset")


@case
def lane_reset_extras(ctx):
    """What a lane reset does besides releasing the lane: flush the lane's
    micro TLB (default) or not, and clear its fault status or not."""
    for flush in (True, False):
        q, mmu, dma, a, b = setup_remappable(
            ctx, 12, ("lane-reset-flush=%s" % ("on" if flush else "off"),))
        dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)
        mmu.map(SRC_IOVA, ALT_PA, ACI_RD, sync=False)
        mmu.w(TLB_FLUSH_ENABLE, 1 << 16)      # the macro TLB only
        mmu.wait_clear(TLB_FLUSH_ENABLE, "macro TLB flush")
        mmu.pulse_lane_reset(1 << 4)
        dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)
        got = q.read(DST_PA, 0x1000)
        check(got == (b if flush else a),
              "lane-reset-flush=%s: micro TLB %s" % (
                  flush, "dropped" if flush else "kept"))
    for clears in (False, True):
        q, mmu, dma = ctx.setup(globals_=(
            "lane-reset-clears-fault=%s" % ("on" if clears else "off"),))
        mmu.map(DST_IOVA, DST_PA, ACI_RW)
        dma[1].copy(SRC_IOVA, DST_IOVA, 0x100)
        mmu.pulse_lane_reset(1 << 4)
        check_eq(mmu.r(INT_STA), 0 if clears else 1 << 16,
                 "lane-reset-clears-fault=%s: INT_STA" % clears)
        check_eq(mmu.r(L1PG_INT), 0 if clears else 1 << 4,
                 "lane-reset-clears-fault=%s: L1PG_INT" % clears)


@case
def ivld_mask_modes(ctx):
    """ivld-mask=any: (VA & MASK) == (ADDR & MASK). silicon-only: only the
    page and 1 MiB masks work; any other drops only the entry at ADDR."""
    for mode in ("any", "silicon-only"):
        q, mmu, dma = ctx.setup(globals_=("ivld-mask=" + mode,),
                                prefetch=0)
        a, b = pattern(13, 0x2000), pattern(14, 0x2000)
        q.write(SRC_PA, a)
        q.write(ALT_PA, b)
        mmu.map(SRC_IOVA, SRC_PA, ACI_RD, size=0x2000)
        mmu.map(DST_IOVA, DST_PA, ACI_RW, size=0x2000)
        mmu.flush_all()
        dma[1].copy(SRC_IOVA, DST_IOVA, 0x2000)
        mmu.map(SRC_IOVA, ALT_PA, ACI_RD, size=0x2000, sync=False)
        mmu.inv_tlb(SRC_IOVA, 0xFFFFE000)     # an 8 KiB block
        dma[1].copy(SRC_IOVA, DST_IOVA, 0x2000)
        got = q.read(DST_PA, 0x2000)
        check(got[:0x1000] == b[:0x1000], "%s: the page at ADDR" % mode)
        check(got[0x1000:] == (b if mode == "any" else a)[0x1000:],
              "%s: the second page of the 8 KiB mask" % mode)
        mmu.inv_tlb(SRC_IOVA + 0x1000, 0xFFF00000)
        dma[1].copy(SRC_IOVA, DST_IOVA, 0x2000)
        check(q.read(DST_PA, 0x2000) == b, "%s: the 1 MiB mask" % mode)


@case
def prefetch_distance_and_holder(ctx):
    """Up to prefetch-distance invalid neighbours are cached by a walk; with
    prefetch-holder they live in the line of the entry that fetched them
    and only invalidating that entry drops them."""
    for dist, holder in ((1, False), (8, False), (8, True)):
        q, mmu, dma = ctx.setup(globals_=(
            "prefetch-distance=%d" % dist,
            "prefetch-holder=%s" % ("on" if holder else "off")))
        a = pattern(15, 0x6000)
        q.write(SRC_PA, a)
        mmu.map(SRC_IOVA, SRC_PA, ACI_RD)             # page n only
        mmu.map(DST_IOVA, DST_PA, ACI_RW, size=0x6000)
        mmu.flush_all()
        dma[1].copy(SRC_IOVA, DST_IOVA, 0x1000)       # prefetches n+1..
        far = SRC_IOVA + 0x5000
        mmu.map(far, SRC_PA + 0x5000, ACI_RD, sync=False)
        mmu.inv_tlb(far)                               # its own entry
        dma[1].copy(far, DST_IOVA + 0x5000, 0x1000)
        stale = holder
        check_eq(mmu.r(INT_STA), (1 << 17) if stale else 0,
                 "distance %d, holder %s: n+5 after its own invalidation"
                 % (dist, holder))
        if stale:
            mmu.w(INT_CLR, mmu.r(INT_STA))
            mmu.pulse_lane_reset(1 << 4)
            mmu.inv_tlb(SRC_IOVA)                      # the holder
            dma[1].copy(far, DST_IOVA + 0x5000, 0x1000)
            check_eq(mmu.r(INT_STA), 0, "after invalidating the holder")
        check(q.read(DST_PA + 0x5000, 0x1000) == a[0x5000:],
              "distance %d, holder %s: copy" % (dist, holder))
        # Without the invalidation, only a long prefetch caches n+6
        q2, m2, d2 = ctx.setup(globals_=("prefetch-distance=%d" % dist,))
        m2.map(SRC_IOVA, SRC_PA, ACI_RD)
        m2.map(DST_IOVA, DST_PA, ACI_RW)
        m2.flush_all()
        d2[1].copy(SRC_IOVA, DST_IOVA, 0x100)
        m2.map(SRC_IOVA + 0x6000, SRC_PA, ACI_RD, sync=False)
        d2[1].copy(SRC_IOVA + 0x6000, DST_IOVA, 0x100)
        check_eq(m2.r(INT_STA), (1 << 17) if dist == 8 else 0,
                 "distance %d: n+6 cached invalid" % dist)


@case
def translation_off_modes(ctx):
    """ENABLE = 0 passes master traffic through (default) or blocks it."""
    for passthrough in (True, False):
        q, mmu, dma = ctx.setup(globals_=(
            "disabled-passthrough=%s" % ("on" if passthrough else "off"),))
        data = pattern(16, 0x1000)
        q.write(SRC_PA, data)
        q.memset(DST_PA, 0x1000, 0x55)
        mmu.w(ENABLE, 0)
        ident = Pl330(q, 1, CODE_PA[1], CODE_PA[1])
        ident.copy(SRC_PA, DST_PA, 0x1000)
        check(q.read(DST_PA, 0x1000) == (data if passthrough
                                          else b"\x55" * 0x1000),
              "disabled-passthrough=%s" % passthrough)
        check_eq(mmu.r(INT_STA), 0, "no fault recorded with ENABLE = 0")


@case
def err_data_modes(ctx):
    """INT_ERR_DATA holds the PTE of a permission fault, or reads 0."""
    for pte in (True, False):
        q, mmu, dma = ctx.setup(globals_=(
            "err-data-pte=%s" % ("on" if pte else "off"),))
        mmu.map(SRC_IOVA, SRC_PA, ACI_RD)
        mmu.map(DST_IOVA, DST_PA, ACI_RD)
        dma[1].copy(SRC_IOVA, DST_IOVA, 0x100)
        check_eq(mmu.r(INT_STA), 1 << 4, "write to a read-only page")
        check_eq(mmu.r(INT_ERR_DATA(4)),
                 (DST_PA | (ACI_RD << 4) | 2) if pte else 0,
                 "err-data-pte=%s: INT_ERR_DATA_4" % pte)


@case
def untranslated_audit(ctx):
    """audit-untranslated: master DMA that bypasses translation is an
    audit error (a paging or blocked domain is installed)."""
    q, mmu, dma = ctx.setup(globals_=("audit-untranslated=on",))
    mmu.map(SRC_IOVA, SRC_PA, ACI_RD)
    mmu.map(DST_IOVA, DST_PA, ACI_RW)
    dma[1].copy(SRC_IOVA, DST_IOVA, 0x100)
    no_audit(q)
    mmu.w(BYPASS, 1 << 4)
    ident = Pl330(q, 1, CODE_PA[1], CODE_PA[1])
    ident.copy(SRC_PA, DST_PA, 0x100)
    check(q.log_lines("audit: untranslated DMA by master=4"),
          "bypassed DMA audited")


@case
def dual_port_engine(ctx):
    q, mmu, dma = ctx.setup()
    q.write(SRC_PA, pattern(11, 0x1000))
    q.memset(DST_PA, 0x1000, 0x77)
    mmu.map(SRC_IOVA, SRC_PA, ACI_RD)
    mmu.map(DST_IOVA, DST_PA, ACI_RD)
    mmu.flush_all()
    dma[0].copy(SRC_IOVA, DST_IOVA, 0x1000)
    check_eq(mmu.r(INT_STA), 1 << 3, "PL330 #0 writes fault as master 3")
    check_eq(mmu.r(INT_ERR_ADDR(3)), DST_IOVA, "INT_ERR_ADDR_3")
    check(q.read(DST_PA, 0x1000) == b"\x77" * 0x1000, "no write landed")
    # Reads use master 1: bypassing master 3 alone lets the copy through
    mmu.w(INT_CLR, mmu.r(INT_STA))
    mmu.pulse_lane_reset(1 << 3)
    mmu.w(BYPASS, 1 << 3)
    dma[0].copy(SRC_IOVA, DST_PA, 0x1000)
    check(q.read(DST_PA, 0x1000) == pattern(11, 0x1000),
          "read via master 1 (translated), write via master 3 (bypassed)")
    # Machine property turns it into a single-port engine on master 1
    q2, m2, d2 = ctx.setup(machine_opts="dma0-write-master=1")
    m2.map(SRC_IOVA, SRC_PA, ACI_RD)
    m2.map(DST_IOVA, DST_PA, ACI_RD)
    m2.flush_all()
    d2[0].copy(SRC_IOVA, DST_IOVA, 0x100)
    check_eq(m2.r(INT_STA), 1 << 1, "single-port PL330 #0 is master 1")
    no_audit(q)


@case
def pmu_counters(ctx):
    q, mmu, dma = ctx.setup()
    mmu.map(SRC_IOVA, SRC_PA, ACI_RD, size=0x6000)
    mmu.map(DST_IOVA, DST_PA, ACI_RW, size=0x2000)
    mmu.flush_all()
    dma[1].copy(SRC_IOVA, DST_IOVA, 0x2000)
    check_eq(mmu.pmu(0x230 + 0x10 * 4), (0, 0), "counters off by default")
    mmu.w(PMU_ENABLE, 1)
    mmu.flush_all()
    # Pages 0/1: walk + prefetched neighbour (macro TLB hit); page 5: walk
    # through the PTW cache (slot already cached)
    dma[1].copy(SRC_IOVA, DST_IOVA, 0x2000)
    dma[1].copy(SRC_IOVA + 0x5000, DST_IOVA, 0x100)
    u_acc, u_hit = mmu.pmu(0x230 + 0x10 * 4)
    m_acc, m_hit = mmu.pmu(0x290)     # H6: macro TLB in slot 6
    p_acc, p_hit = mmu.pmu(0x2A0)     # H6: PTW cache in slot 7
    # 0x2000 bytes in 4-byte beats, read and written, plus program fetches
    check(u_acc > 2 * 0x2000 // 4, "micro TLB accesses (%d)" % u_acc)
    check(0 < u_hit < u_acc, "micro TLB hits (%d/%d)" % (u_hit, u_acc))
    check_eq(m_acc, u_acc - u_hit, "macro accesses = micro misses")
    check_eq(p_acc, m_acc - m_hit, "PTW accesses = macro misses")
    check(m_hit > 0, "prefetched neighbour pages hit in the macro TLB")
    check(p_hit > 0, "PTW cache hits")
    check_eq(mmu.pmu(0x230 + 0x10 * 1), (0, 0), "other master idle")
    # Master 1 (PL330 #0 reads) finds the shared macro TLB warm
    dma[0].copy(SRC_IOVA, DST_IOVA, 0x1000)
    a1, h1 = mmu.pmu(0x230 + 0x10 * 1)
    check(a1 > 0 and h1 > 0, "master 1 micro TLB counters")
    check(mmu.pmu(0x290)[1] > m_hit, "master 1 hits the shared macro TLB")
    mmu.w(PMU_CLR, 1)
    mmu.wait_clear(PMU_CLR, "PMU clear")
    for off in (0x230 + 0x10 * 4, 0x230 + 0x10, 0x290, 0x2A0):
        check_eq(mmu.pmu(off), (0, 0), "PMU_CLR clears slot 0x%x" % off)
    no_audit(q)


@case
def va_debug_port(ctx):
    q, mmu, dma = ctx.setup()
    mmu.map(SRC_IOVA, ALT_PA, ACI_RW)
    mmu.flush_all()
    q.writel(ALT_PA + 0x24, 0x600DF00D)
    # Debug-mode read through the translation
    mmu.w(VA, SRC_IOVA + 0x24)
    mmu.w(VA_CONFIG, 0x80000000)
    mmu.w(VA_CONFIG, 0x80000001)
    check_eq(mmu.r(VA_CONFIG) & 1, 0, "VA read done")
    check_eq(mmu.r(VA_DATA), 0x600DF00D, "VA_DATA after debug read")
    # Debug-mode write
    mmu.w(VA, SRC_IOVA + 0x40)
    mmu.w(VA_DATA, 0xDEADBEEF)
    mmu.w(VA_CONFIG, 0x80000100)
    mmu.w(VA_CONFIG, 0x80000101)
    check_eq(mmu.r(VA_CONFIG) & 1, 0, "VA write done")
    check_eq(q.readl(ALT_PA + 0x40), 0xDEADBEEF, "word written at the PA")
    # Unmapped VA: L2 fault attributed to the debug port (bit 31)
    mmu.w(VA, SRC_IOVA + 0x3000)
    mmu.w(VA_CONFIG, 0x80000001)
    check_eq(mmu.r(INT_STA), 1 << 17, "VA port L2 fault")
    check_eq(mmu.r(L2PG_INT), 1 << 31, "L2PG_INT bit 31 = VA port")
    check_eq(mmu.r(INT_ERR_ADDR_L2), SRC_IOVA + 0x3000, "VA fault address")
    no_audit(q)


def main():
    return run_cases(__doc__, REPO, Ctx)


if __name__ == "__main__":
    sys.exit(main())
