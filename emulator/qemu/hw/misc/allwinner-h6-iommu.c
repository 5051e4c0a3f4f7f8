/*
 * Allwinner H6 IOMMU model
 *
 * One IOMMU for several DMA masters, one two-level table (4096-entry
 * directory of 1 MiB slots, 256-entry page tables of 4 KiB pages),
 * permissions through 16 ACI domains, a micro TLB per master, a shared
 * macro TLB and a PTW cache of directory entries. Register facts follow
 * the project's hardware reference (shared/hw/h6-iommu.md); every
 * behaviour the reference leaves open is a property (see README).
 *
 * Caches behave like hardware: entries stay until the guest invalidates
 * them, so a missing invalidation shows up as a stale translation. In
 * audit mode each cache hit is checked against a fresh table walk and
 * a mismatch is logged (LOG_GUEST_ERROR, prefix "sun50i-iommu: audit:").
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "qapi/error.h"
#include "hw/irq.h"
#include "hw/qdev-properties.h"
#include "hw/qdev-core.h"
#include "migration/vmstate.h"
#include "exec/address-spaces.h"
#include "hw/misc/allwinner-h6-iommu.h"
#include "trace.h"

/* Register offsets */
enum {
    REG_VERSION         = 0x000,
    REG_RESET           = 0x010,
    REG_ENABLE          = 0x020,
    REG_BYPASS          = 0x030,
    REG_AUTO_GATING     = 0x040,
    REG_WBUF_CTRL       = 0x044,
    REG_OOO_CTRL        = 0x048,
    REG_4KB_BDY_PRT     = 0x04c,
    REG_TTB             = 0x050,
    REG_TLB_ENABLE      = 0x060,
    REG_TLB_PREFETCH    = 0x070,
    REG_TLB_FLUSH       = 0x080,
    REG_TLB_IVLD_MODE   = 0x084,
    REG_TLB_IVLD_STA    = 0x088,
    REG_TLB_IVLD_END    = 0x08c,
    REG_TLB_IVLD_ADDR   = 0x090,
    REG_TLB_IVLD_MASK   = 0x094,
    REG_TLB_IVLD_EN     = 0x098,
    REG_PC_IVLD_MODE    = 0x09c,
    REG_PC_IVLD_ADDR    = 0x0a0,
    REG_PC_IVLD_STA     = 0x0a4,
    REG_PC_IVLD_EN      = 0x0a8,
    REG_PC_IVLD_END     = 0x0ac,
    REG_DM_AUT_CTRL0    = 0x0b0,    /* .. 0x0cc */
    REG_DM_AUT_OVWT     = 0x0d0,
    REG_INT_ENABLE      = 0x100,
    REG_INT_CLR         = 0x104,
    REG_INT_STA         = 0x108,
    REG_ERR_ADDR0       = 0x110,    /* + 4 * master */
    REG_ERR_ADDR_L1     = 0x130,
    REG_ERR_ADDR_L2     = 0x134,
    REG_ERR_DATA0       = 0x150,    /* + 4 * master */
    REG_ERR_DATA_L1     = 0x170,
    REG_ERR_DATA_L2     = 0x174,
    REG_L1PG_INT        = 0x180,
    REG_L2PG_INT        = 0x184,
    REG_VA              = 0x190,
    REG_VA_DATA         = 0x194,
    REG_VA_CONFIG       = 0x198,
    REG_PMU_ENABLE      = 0x200,
    REG_PMU_CLR         = 0x210,
    REG_PMU_CNT_BASE    = 0x230,
    REG_PMU_CNT_END     = 0x2f0,
    REG_PMU_LAT_BASE    = 0x300,
    REG_PMU_LAT_END     = 0x370,
};

#define RESET_MTLB          (1u << 16)
#define RESET_PC            (1u << 17)
#define RESET_GLOBAL        (1u << 31)

#define CACHE_MTLB          (1u << 16)  /* TLB_ENABLE / FLUSH / PREFETCH */
#define CACHE_PC            (1u << 17)

#define INT_L1_INVALID      (1u << 16)
#define INT_L2_INVALID      (1u << 17)
#define PG_VA_PORT          (1u << 31)

#define VA_CONFIG_DEBUG     (1u << 31)
#define VA_CONFIG_WRITE     (1u << 8)
#define VA_CONFIG_START     (1u << 0)

#define TTB_MASK            0xffffc000u
#define PAGE_ADDR_MASK      0xfffff000u
#define SLOT_ADDR_MASK      0xfff00000u

#define DTE_PT_MASK         0xfffffc00u
#define DTE_TYPE_MASK       0x3u
#define DTE_TYPE_VALID      0x1u
#define PTE_PA_MASK         0xfffff000u
#define PTE_ACI_SHIFT       4
#define PTE_VALID           (1u << 1)
#define PTE_BSP_READ        (1u << 2)
#define PTE_BSP_WRITE       (1u << 3)

#define PMU_HIGH_MASK       0x7ffu
#define PMU_COUNTER_MASK    ((1ull << 43) - 1)

#define PREFIX              "sun50i-iommu: "

enum {
    POLICY_STALL,
    POLICY_DISCARD,
    POLICY_BUS_ERROR,
};

enum {
    XLATE_OK,
    XLATE_L1_FAULT,
    XLATE_L2_FAULT,
    XLATE_PERM_FAULT,
};

typedef struct XlateResult {
    int status;
    uint32_t pa;            /* page address */
    uint32_t entry;         /* PTE, or DTE for an L1 fault */
    const char *path;
} XlateResult;

static inline bool dte_valid(uint32_t dte)
{
    return (dte & DTE_TYPE_MASK) == DTE_TYPE_VALID;
}

static inline bool pte_valid(uint32_t pte)
{
    return pte & PTE_VALID;
}

static const char *master_name(int master)
{
    static const char *const names[] = {
        "0", "1", "2", "3", "4", "5", "6", "va-port",
    };
    return names[master & 7];
}

/* ------------------------------------------------------------------ */
/* Audit log                                                           */

/*
 * Audit lines logged at most: a master that goes untranslated for good (a
 * scanning-out display) would fill the disk. The count goes on (QOM
 * "audit-errors").
 */
#define AUDIT_LOG_MAX           10000

static void G_GNUC_PRINTF(2, 3)
audit_error(AwH6IommuState *s, const char *fmt, ...)
{
    va_list ap;
    g_autofree char *msg = NULL;

    if (!s->audit) {
        return;
    }
    if (++s->audit_errors > AUDIT_LOG_MAX) {
        if (s->audit_errors == AUDIT_LOG_MAX + 1) {
            qemu_log_mask(LOG_GUEST_ERROR, PREFIX "audit: more than %d "
                          "audit errors: the rest are not logged\n",
                          AUDIT_LOG_MAX);
        }
        return;
    }
    va_start(ap, fmt);
    msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    qemu_log_mask(LOG_GUEST_ERROR, PREFIX "audit: %s\n", msg);
}

/* What keeps the block from working, for audit messages */
static const char *power_state(AwH6IommuState *s)
{
    if (!s->rst_released) {
        return "the IOMMU reset is asserted in the CCU";
    }
    return "the IOMMU bus clock is gated in the CCU";
}

/* ------------------------------------------------------------------ */
/* Interrupt                                                           */

static void update_irq(AwH6IommuState *s)
{
    bool level = (s->int_sta & s->int_enable) != 0;

    if (level != s->irq_level) {
        trace_allwinner_h6_iommu_irq(level);
    }
    s->irq_level = level;
    qemu_set_irq(s->irq, level);
}

/* ------------------------------------------------------------------ */
/* PMU                                                                 */

static inline unsigned pmu_slot_mtlb(AwH6IommuState *s)
{
    return s->num_masters;
}

static inline unsigned pmu_slot_ptw(AwH6IommuState *s)
{
    return s->num_masters + 1;
}

static inline void pmu_count(AwH6IommuState *s, unsigned slot, bool hit)
{
    if (!(s->pmu_enable & 1)) {
        return;
    }
    s->pmu_access[slot] = (s->pmu_access[slot] + 1) & PMU_COUNTER_MASK;
    if (hit) {
        s->pmu_hit[slot] = (s->pmu_hit[slot] + 1) & PMU_COUNTER_MASK;
    }
}

static uint32_t pmu_macro_offset(AwH6IommuState *s)
{
    return s->pmu_macro_offset ? s->pmu_macro_offset
                               : REG_PMU_CNT_BASE + 0x10 * s->num_masters;
}

static uint32_t pmu_ptw_offset(AwH6IommuState *s)
{
    return s->pmu_ptw_offset ? s->pmu_ptw_offset
                             : pmu_macro_offset(s) + 0x10;
}

static bool pmu_read(AwH6IommuState *s, hwaddr offset, uint32_t *val)
{
    hwaddr base = offset & ~0xfull;
    unsigned slot;
    uint64_t cnt;

    if (base == pmu_macro_offset(s)) {
        slot = pmu_slot_mtlb(s);
    } else if (base == pmu_ptw_offset(s)) {
        slot = pmu_slot_ptw(s);
    } else if (base >= REG_PMU_CNT_BASE &&
               base < REG_PMU_CNT_BASE + 0x10 * s->num_masters) {
        slot = (base - REG_PMU_CNT_BASE) / 0x10;
    } else {
        return false;
    }
    cnt = (offset & 0x8) ? s->pmu_hit[slot] : s->pmu_access[slot];
    *val = (offset & 0x4) ? (uint32_t)(cnt >> 32) & PMU_HIGH_MASK
                          : (uint32_t)cnt;
    return true;
}

/* ------------------------------------------------------------------ */
/* Caches                                                              */

static inline bool utlb_on(AwH6IommuState *s, int master)
{
    return master < (int)s->num_masters && (s->tlb_enable & BIT(master));
}

static inline bool mtlb_on(AwH6IommuState *s)
{
    return (s->tlb_enable & CACHE_MTLB) && (s->reset & RESET_MTLB);
}

static inline bool ptw_on(AwH6IommuState *s)
{
    return (s->tlb_enable & CACHE_PC) && (s->reset & RESET_PC);
}

static AwH6IommuTlbEntry *tlb_find(AwH6IommuTlbEntry *tlb, unsigned n,
                                   uint32_t vpn)
{
    for (unsigned i = 0; i < n; i++) {
        if (tlb[i].valid && tlb[i].vpn == vpn) {
            return &tlb[i];
        }
    }
    return NULL;
}

/*
 * Fill an entry. A prefetched neighbour names the entry that fetched it as
 * its @holder: with prefetch-holder, it lives in that entry's line.
 */
static void tlb_fill(AwH6IommuTlbEntry *tlb, unsigned n, uint32_t *next,
                     uint32_t vpn, uint32_t holder, uint32_t pte,
                     bool prefetched)
{
    AwH6IommuTlbEntry *e = tlb_find(tlb, n, vpn);

    if (!e) {
        e = &tlb[*next];
        *next = (*next + 1) % n;
    }
    e->valid = true;
    e->vpn = vpn;
    e->holder = holder;
    e->pte = pte;
    e->prefetched = prefetched;
    e->reported = false;
}

static AwH6IommuPtwEntry *ptw_find(AwH6IommuState *s, uint32_t index)
{
    for (unsigned i = 0; i < s->ptw_entries; i++) {
        if (s->ptw[i].valid && s->ptw[i].index == index) {
            return &s->ptw[i];
        }
    }
    return NULL;
}

static void ptw_fill(AwH6IommuState *s, uint32_t index, uint32_t holder,
                     uint32_t dte, bool prefetched)
{
    AwH6IommuPtwEntry *e = ptw_find(s, index);

    if (!e) {
        e = &s->ptw[s->ptw_next];
        s->ptw_next = (s->ptw_next + 1) % s->ptw_entries;
    }
    e->valid = true;
    e->index = index;
    e->holder = holder;
    e->dte = dte;
    e->prefetched = prefetched;
    e->reported = false;
}

static void flush_utlb(AwH6IommuState *s, int master)
{
    memset(s->utlb[master], 0, sizeof(AwH6IommuTlbEntry) * s->utlb_entries);
    s->utlb_next[master] = 0;
}

static void flush_mtlb(AwH6IommuState *s)
{
    memset(s->mtlb, 0, sizeof(AwH6IommuTlbEntry) * s->mtlb_entries);
    s->mtlb_next = 0;
}

static void flush_ptw(AwH6IommuState *s)
{
    memset(s->ptw, 0, sizeof(AwH6IommuPtwEntry) * s->ptw_entries);
    s->ptw_next = 0;
}

static void flush_all_caches(AwH6IommuState *s)
{
    for (unsigned m = 0; m < s->num_masters; m++) {
        flush_utlb(s, m);
    }
    flush_mtlb(s);
    flush_ptw(s);
}

/*
 * Invalidate TLB entries by address and mask, or whose page lies in [first,
 * last] (page numbers). An entry held in another's line goes with that one.
 */
static void tlb_invalidate_if(AwH6IommuState *s, AwH6IommuTlbEntry *tlb,
                              unsigned n, uint32_t addr, uint32_t mask,
                              bool range, uint32_t first, uint32_t last)
{
    for (unsigned i = 0; i < n; i++) {
        uint32_t vpn, va;

        if (!tlb[i].valid) {
            continue;
        }
        vpn = s->prefetch_holder ? tlb[i].holder : tlb[i].vpn;
        va = vpn << 12;
        if (range ? (vpn >= first && vpn <= last)
                  : ((va & mask) == (addr & mask))) {
            tlb[i].valid = false;
        }
    }
}

/* ------------------------------------------------------------------ */
/* Table walk                                                          */

static uint32_t read_entry(AwH6IommuState *s, uint32_t addr)
{
    return address_space_ldl_le(&s->dma_as, addr, MEMTXATTRS_UNSPECIFIED,
                                NULL);
}

static inline uint32_t dte_addr(AwH6IommuState *s, uint32_t index)
{
    return (s->ttb & TTB_MASK) + index * 4;
}

static inline uint32_t pte_addr(uint32_t dte, uint32_t va)
{
    return (dte & DTE_PT_MASK) + ((va >> 12) & 0xff) * 4;
}

/* Fresh walk, no side effects: the truth the audit compares against */
static bool walk_fresh(AwH6IommuState *s, uint32_t va, uint32_t *dte,
                       uint32_t *pte)
{
    *dte = read_entry(s, dte_addr(s, va >> 20));
    if (!dte_valid(*dte)) {
        *pte = 0;
        return false;
    }
    *pte = read_entry(s, pte_addr(*dte, va));
    return true;
}

static uint32_t pte_compare_mask(AwH6IommuState *s)
{
    return PTE_PA_MASK | (0xfu << PTE_ACI_SHIFT) | PTE_VALID |
           (s->pte_rw_bits ? (PTE_BSP_READ | PTE_BSP_WRITE) : 0);
}

static void audit_tlb_hit(AwH6IommuState *s, AwH6IommuTlbEntry *e,
                          int master, uint32_t va, const char *which)
{
    uint32_t dte, pte, mask = pte_compare_mask(s);
    bool fresh_ok;

    if (!s->audit || e->reported) {
        return;
    }
    fresh_ok = walk_fresh(s, va, &dte, &pte);
    if (!fresh_ok) {
        /* Directory entry gone: only a cached valid page is stale */
        if (!pte_valid(e->pte)) {
            return;
        }
        e->reported = true;
        audit_error(s, "stale TLB entry iova=0x%08x master=%s cache=%s%s "
                    "cached=0x%08x memory=<invalid DTE 0x%08x>",
                    va, master_name(master), which,
                    e->prefetched ? " (prefetched neighbour)" : "",
                    e->pte, dte);
        return;
    }
    if ((e->pte & mask) != (pte & mask) &&
        (pte_valid(e->pte) || pte_valid(pte))) {
        e->reported = true;
        audit_error(s, "stale TLB entry iova=0x%08x master=%s cache=%s%s "
                    "cached=0x%08x memory=0x%08x",
                    va, master_name(master), which,
                    e->prefetched ? " (prefetched neighbour)" : "",
                    e->pte, pte);
    }
}

static void audit_ptw_hit(AwH6IommuState *s, AwH6IommuPtwEntry *e,
                          int master, uint32_t va)
{
    uint32_t dte;

    if (!s->audit || e->reported) {
        return;
    }
    dte = read_entry(s, dte_addr(s, va >> 20));
    if (dte_valid(dte) != dte_valid(e->dte) ||
        (dte_valid(dte) && (dte & DTE_PT_MASK) != (e->dte & DTE_PT_MASK))) {
        e->reported = true;
        audit_error(s, "stale PTW cache entry iova=0x%08x master=%s%s "
                    "cached-dte=0x%08x memory-dte=0x%08x",
                    va, master_name(master),
                    e->prefetched ? " (prefetched neighbour)" : "",
                    e->dte, dte);
    }
}

static bool prefetch_on(AwH6IommuState *s, int master)
{
    return s->neighbour_prefetch && master < (int)s->num_masters &&
           (s->tlb_prefetch & BIT(master));
}

/* Valid-fix mode: prefetch only valid entries into the macro TLB / PTW */
static bool prefetch_keep(AwH6IommuState *s, bool valid, uint32_t fix_bit)
{
    if (valid) {
        return true;
    }
    if (!s->cache_invalid) {
        return false;
    }
    return !(s->valid_fix && (s->tlb_prefetch & fix_bit));
}

/* Level 1: the DTE for @va, through the PTW cache */
static uint32_t lookup_dte(AwH6IommuState *s, int master, uint32_t va,
                           const char **path)
{
    uint32_t index = va >> 20;
    AwH6IommuPtwEntry *e;
    uint32_t dte;

    if (ptw_on(s)) {
        e = ptw_find(s, index);
        pmu_count(s, pmu_slot_ptw(s), e != NULL);
        if (e) {
            audit_ptw_hit(s, e, master, va);
            *path = "ptw-cache";
            return e->dte;
        }
    }
    dte = read_entry(s, dte_addr(s, index));
    if (ptw_on(s)) {
        if (dte_valid(dte) || s->cache_invalid) {
            ptw_fill(s, index, index, dte, false);
        }
        if (prefetch_on(s, master) && index < 0xfff &&
            !ptw_find(s, index + 1)) {
            uint32_t next = read_entry(s, dte_addr(s, index + 1));

            if (prefetch_keep(s, dte_valid(next), CACHE_PC)) {
                ptw_fill(s, index + 1, index, next, true);
            }
        }
    }
    return dte;
}

/* A demand walk fills the macro TLB and the master's micro TLB */
static void fill_tlbs(AwH6IommuState *s, int master, uint32_t vpn,
                      uint32_t pte)
{
    if (mtlb_on(s)) {
        tlb_fill(s->mtlb, s->mtlb_entries, &s->mtlb_next, vpn, vpn, pte,
                 false);
    }
    if (utlb_on(s, master)) {
        tlb_fill(s->utlb[master], s->utlb_entries, &s->utlb_next[master],
                 vpn, vpn, pte, false);
    }
}

/* Neighbour prefetch of the next PTE (may need the next directory slot) */
static void prefetch_pte(AwH6IommuState *s, int master, uint32_t va,
                         uint32_t nva, uint32_t dte)
{
    uint32_t pte;

    if (nva == 0 || (mtlb_on(s) && tlb_find(s->mtlb, s->mtlb_entries,
                                            nva >> 12))) {
        return;
    }
    if ((nva >> 20) != (va >> 20)) {
        AwH6IommuPtwEntry *e = ptw_on(s) ? ptw_find(s, nva >> 20) : NULL;

        dte = e ? e->dte : read_entry(s, dte_addr(s, nva >> 20));
        if (!dte_valid(dte)) {
            return;
        }
    }
    pte = read_entry(s, pte_addr(dte, nva));
    if (!prefetch_keep(s, pte_valid(pte), CACHE_MTLB)) {
        return;
    }
    /* The prefetched entry lands in the shared macro TLB when it is on */
    if (mtlb_on(s)) {
        tlb_fill(s->mtlb, s->mtlb_entries, &s->mtlb_next, nva >> 12,
                 va >> 12, pte, true);
    } else if (utlb_on(s, master)) {
        tlb_fill(s->utlb[master], s->utlb_entries, &s->utlb_next[master],
                 nva >> 12, va >> 12, pte, true);
    }
}

/* Prefetch the prefetch-distance PTEs after @va's */
static void prefetch_next_ptes(AwH6IommuState *s, int master, uint32_t va,
                               uint32_t dte)
{
    for (uint32_t k = 1; k <= s->prefetch_distance; k++) {
        prefetch_pte(s, master, va, (va & PAGE_ADDR_MASK) + k * 0x1000, dte);
    }
}

static bool perm_denied(AwH6IommuState *s, int master, uint32_t pte,
                        bool is_write)
{
    unsigned aci = (pte >> PTE_ACI_SHIFT) & 0xf;
    unsigned bit = 2 * master + (is_write ? 1 : 0);
    bool forbid;

    if (s->pte_rw_bits &&
        !(pte & (is_write ? PTE_BSP_WRITE : PTE_BSP_READ))) {
        return true;
    }
    if (s->dm_ovwt & BIT(31)) {
        bool set = s->dm_ovwt & BIT(bit);

        return s->ovwt_forbid ? set : !set;
    }
    if (aci == 0 && s->dm0_readonly) {
        return false;
    }
    forbid = (s->dm_aut[aci / 2] >> ((aci & 1) * 16 + bit)) & 1;
    return forbid;
}

/*
 * Translate one access of @master. Uses and fills the caches, counts
 * PMU events, and audits hits; it does not record faults.
 */
static void xlate(AwH6IommuState *s, int master, uint32_t va, bool is_write,
                  XlateResult *r)
{
    uint32_t vpn = va >> 12;
    AwH6IommuTlbEntry *e = NULL;
    uint32_t pte = 0;
    bool have = false;

    r->path = "walk";
    if (utlb_on(s, master)) {
        e = tlb_find(s->utlb[master], s->utlb_entries, vpn);
        pmu_count(s, master, e != NULL);
        if (e) {
            audit_tlb_hit(s, e, master, va, "micro");
            pte = e->pte;
            have = true;
            r->path = "micro-tlb";
        }
    }
    if (!have && mtlb_on(s)) {
        e = tlb_find(s->mtlb, s->mtlb_entries, vpn);
        pmu_count(s, pmu_slot_mtlb(s), e != NULL);
        if (e) {
            audit_tlb_hit(s, e, master, va, "macro");
            pte = e->pte;
            have = true;
            r->path = "macro-tlb";
            if (utlb_on(s, master)) {
                bool reported = e->reported;
                AwH6IommuTlbEntry *u;

                tlb_fill(s->utlb[master], s->utlb_entries,
                         &s->utlb_next[master], vpn, e->holder, pte,
                         e->prefetched);
                /* The copy inherits "already reported" from its source */
                u = tlb_find(s->utlb[master], s->utlb_entries, vpn);
                u->reported = reported;
            }
        }
    }
    if (!have) {
        uint32_t dte = lookup_dte(s, master, va, &r->path);

        if (!dte_valid(dte)) {
            r->status = XLATE_L1_FAULT;
            r->entry = dte;
            return;
        }
        pte = read_entry(s, pte_addr(dte, va));
        if (pte_valid(pte) || s->cache_invalid) {
            fill_tlbs(s, master, vpn, pte);
        }
        if (prefetch_on(s, master)) {
            prefetch_next_ptes(s, master, va, dte);
        }
    }

    r->entry = pte;
    if (s->perm_before_valid && perm_denied(s, master, pte, is_write)) {
        r->status = XLATE_PERM_FAULT;
    } else if (!pte_valid(pte)) {
        r->status = XLATE_L2_FAULT;
    } else if (perm_denied(s, master, pte, is_write)) {
        r->status = XLATE_PERM_FAULT;
    } else {
        r->status = XLATE_OK;
        r->pa = pte & PTE_PA_MASK;
    }
}

/* Latch the fault in the status/error registers */
static void record_fault(AwH6IommuState *s, int master, uint32_t va,
                         bool is_write, const XlateResult *r)
{
    bool va_port = master == AW_H6_IOMMU_VA_MASTER;
    uint32_t pg_bit = va_port ? PG_VA_PORT : BIT(master);
    const char *kind;
    uint32_t bit;

    switch (r->status) {
    case XLATE_L1_FAULT:
        kind = "L1 invalid";
        bit = INT_L1_INVALID;
        if (s->latch_latest || !(s->int_sta & bit)) {
            s->err_addr_l1 = va;
            s->err_data_l1 = s->err_data_pte ? r->entry : 0;
        }
        s->l1pg |= pg_bit;
        break;
    case XLATE_L2_FAULT:
        kind = "L2 invalid";
        bit = INT_L2_INVALID;
        if (s->latch_latest || !(s->int_sta & bit)) {
            s->err_addr_l2 = va;
            s->err_data_l2 = s->err_data_pte ? r->entry : 0;
        }
        s->l2pg |= pg_bit;
        break;
    default:
        kind = "permission";
        bit = BIT(master);
        if (s->latch_latest || !(s->int_sta & bit)) {
            s->err_addr[master] = va;
            s->err_data[master] = s->err_data_pte ? r->entry : 0;
        }
        break;
    }
    s->int_sta |= bit;
    s->fault_count++;
    trace_allwinner_h6_iommu_fault(kind, master, va, r->entry);
    if (s->log_faults) {
        qemu_log_mask(LOG_GUEST_ERROR, PREFIX "fault: %s master=%s "
                      "iova=0x%08x %s entry=0x%08x via %s\n", kind,
                      master_name(master), va, is_write ? "write" : "read",
                      r->entry, r->path);
    }
    if (!va_port) {
        s->faulted |= BIT(master);
    }
    if (!va_port && (s->lane_lock || s->fault_policy == POLICY_STALL)) {
        s->stuck |= BIT(master);
        trace_allwinner_h6_iommu_lane(master, "stalled after fault");
    }
    update_irq(s);
}

/* ------------------------------------------------------------------ */
/* Downstream ports                                                    */

static IOMMUTLBEntry entry_identity(AwH6IommuState *s, hwaddr addr)
{
    return (IOMMUTLBEntry) {
        .target_as = &s->dma_as,
        .iova = addr & ~0xfffull,
        .translated_addr = addr & ~0xfffull,
        .addr_mask = 0xfff,
        .perm = IOMMU_RW,
    };
}

/* An access @master made that is not translated: absorbed or refused. */
static IOMMUTLBEntry entry_blocked(AwH6IommuState *s, int master,
                                   hwaddr addr)
{
    IOMMUTLBEntry ret = {
        .target_as = &s->sink_as,
        .iova = addr & ~0xfffull,
        .translated_addr = addr & ~0xfffull,
        .addr_mask = 0xfff,
        .perm = IOMMU_RW,
    };

    s->blocked[master]++;
    if (s->fault_policy == POLICY_BUS_ERROR) {
        ret.target_as = &s->dma_as;
        ret.perm = IOMMU_NONE;
    }
    return ret;
}

static IOMMUTLBEntry aw_h6_iommu_translate(IOMMUMemoryRegion *iommu,
                                           hwaddr addr,
                                           IOMMUAccessFlags flag,
                                           int iommu_idx)
{
    AwH6IommuPort *port = container_of(iommu, AwH6IommuPort, iommu);
    AwH6IommuState *s = port->s;
    bool is_write = flag == IOMMU_WO;
    int master = is_write ? port->wr_master : port->rd_master;
    uint32_t va = addr;
    XlateResult r;
    IOMMUTLBEntry ret;

    if (!s->clk_on || !s->rst_released) {
        /* The master's driver let the IOMMU power off under its DMA */
        audit_error(s, "DMA by master=%d iova=0x%08" PRIx32 " %s while %s",
                    master, va, is_write ? "write" : "read", power_state(s));
        trace_allwinner_h6_iommu_blocked(master, va, "iommu gated or in reset");
        if (s->gated_passthrough && s->audit_untranslated) {
            audit_error(s, "untranslated DMA by master=%d iova=0x%08" PRIx32
                        " %s (gated)", master, va,
                        is_write ? "write" : "read");
        }
        return s->gated_passthrough ? entry_identity(s, addr)
                                    : entry_blocked(s, master, addr);
    }
    if (!(s->reset & RESET_GLOBAL) || !(s->reset & BIT(master))) {
        trace_allwinner_h6_iommu_blocked(master, va, "lane in reset");
        return entry_blocked(s, master, addr);
    }
    if (s->stuck & BIT(master)) {
        trace_allwinner_h6_iommu_blocked(master, va, "lane stalled");
        return entry_blocked(s, master, addr);
    }
    if (!(s->enable & 1) && !s->disabled_passthrough) {
        trace_allwinner_h6_iommu_blocked(master, va, "translation off");
        return entry_blocked(s, master, addr);
    }
    if (!(s->enable & 1) || (s->bypass & BIT(master))) {
        const char *why = (s->enable & 1) ? "bypass" : "translation off";

        if (s->audit_untranslated) {
            audit_error(s, "untranslated DMA by master=%d iova=0x%08" PRIx32
                        " %s (%s)", master, va, is_write ? "write" : "read",
                        why);
        }
        trace_allwinner_h6_iommu_translate(master, va, va, is_write, why);
        return entry_identity(s, addr);
    }

    xlate(s, master, va, is_write, &r);
    if (r.status != XLATE_OK) {
        record_fault(s, master, va, is_write, &r);
        return entry_blocked(s, master, addr);
    }
    trace_allwinner_h6_iommu_translate(master, va, r.pa | (va & 0xfff),
                                       is_write, r.path);
    ret = entry_identity(s, addr);
    ret.translated_addr = r.pa;
    return ret;
}

static int aw_h6_iommu_notify_flag_changed(IOMMUMemoryRegion *iommu,
                                           IOMMUNotifierFlag old,
                                           IOMMUNotifierFlag new,
                                           Error **errp)
{
    if (new & IOMMU_NOTIFIER_MAP) {
        error_setg(errp, "%s does not support MAP notifiers",
                   TYPE_AW_H6_IOMMU);
        return -EINVAL;
    }
    return 0;
}

static MemTxResult sink_read(void *opaque, hwaddr addr, uint64_t *data,
                             unsigned size, MemTxAttrs attrs)
{
    *data = 0;
    return MEMTX_OK;
}

static MemTxResult sink_write(void *opaque, hwaddr addr, uint64_t data,
                              unsigned size, MemTxAttrs attrs)
{
    return MEMTX_OK;
}

static const MemoryRegionOps sink_ops = {
    .read_with_attrs = sink_read,
    .write_with_attrs = sink_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid.min_access_size = 1,
    .valid.max_access_size = 8,
};

static AwH6IommuPort *new_port(AwH6IommuState *s, unsigned rd, unsigned wr)
{
    AwH6IommuPort *p = &s->ports[s->num_ports];
    g_autofree char *name = (rd == wr)
        ? g_strdup_printf("master[%u]", rd)
        : g_strdup_printf("port[rd%u-wr%u]", rd, wr);

    p->s = s;
    p->rd_master = rd;
    p->wr_master = wr;
    memory_region_init_iommu(&p->iommu, sizeof(p->iommu),
                             TYPE_AW_H6_IOMMU_MEMORY_REGION, OBJECT(s),
                             name, 1ull << 32);
    s->num_ports++;
    return p;
}

uint32_t allwinner_h6_iommu_blocked(AwH6IommuState *s, unsigned master)
{
    assert(master < AW_H6_IOMMU_MAX_MASTERS);
    return s->blocked[master];
}

MemoryRegion *allwinner_h6_iommu_master_mr(AwH6IommuState *s,
                                           unsigned master)
{
    assert(master < s->num_masters);
    return MEMORY_REGION(&s->ports[master].iommu);
}

MemoryRegion *allwinner_h6_iommu_split_port_mr(AwH6IommuState *s,
                                               unsigned read_master,
                                               unsigned write_master,
                                               Error **errp)
{
    if (read_master >= s->num_masters || write_master >= s->num_masters) {
        error_setg(errp, "%s: master IDs %u/%u out of range (num-masters %u)",
                   TYPE_AW_H6_IOMMU, read_master, write_master,
                   s->num_masters);
        return NULL;
    }
    if (s->num_ports >= AW_H6_IOMMU_MAX_PORTS) {
        error_setg(errp, "%s: too many ports", TYPE_AW_H6_IOMMU);
        return NULL;
    }
    return MEMORY_REGION(&new_port(s, read_master, write_master)->iommu);
}

/* ------------------------------------------------------------------ */
/* VA debug port                                                       */

static void va_port_run(AwH6IommuState *s, uint32_t cfg, uint32_t va,
                        uint32_t data)
{
    bool debug = cfg & VA_CONFIG_DEBUG;
    bool is_write = debug && (cfg & VA_CONFIG_WRITE);
    int master = AW_H6_IOMMU_VA_MASTER;
    uint32_t pa = va;
    XlateResult r;

    trace_allwinner_h6_iommu_maint(debug ? "va-port debug" : "va-port prefetch",
                                   va, cfg);
    if (!debug && !s->va_prefetch_fill) {
        return;     /* prefetch mode modelled as a no-op */
    }
    if (s->enable & 1) {
        xlate(s, master, va, is_write, &r);
        if (r.status != XLATE_OK) {
            record_fault(s, master, va, is_write, &r);
            return;
        }
        pa = r.pa | (va & 0xfff);
    }
    if (!debug) {
        return;
    }
    if (is_write) {
        address_space_stl_le(&s->dma_as, pa, data, MEMTXATTRS_UNSPECIFIED,
                             NULL);
    } else {
        s->va_data = address_space_ldl_le(&s->dma_as, pa,
                                          MEMTXATTRS_UNSPECIFIED, NULL);
    }
}

/* ------------------------------------------------------------------ */
/* Self-clearing (R/WAC) operations                                    */

static void op_complete(AwH6IommuState *s, AwH6IommuWac *op)
{
    uint32_t bits = op->bits;

    op->bits = 0;
    op->reads_left = 0;
    if (op == &s->op_flush) {
        trace_allwinner_h6_iommu_maint("flush", bits, 0);
        for (unsigned m = 0; m < s->num_masters; m++) {
            if (bits & BIT(m)) {
                flush_utlb(s, m);
            }
        }
        if (bits & CACHE_MTLB) {
            flush_mtlb(s);
        }
        if (bits & CACHE_PC) {
            flush_ptw(s);
        }
    } else if (op == &s->op_tlb_ivld) {
        bool range = op->arg[2];
        uint32_t addr = op->arg[0], mask = op->arg[1] & PAGE_ADDR_MASK;
        uint32_t first = op->arg[0] >> 12, last = op->arg[1] >> 12;

        /* Masks never seen on silicon drop only the entry at ADDR */
        if (s->ivld_silicon_only && mask != PAGE_ADDR_MASK &&
            mask != SLOT_ADDR_MASK) {
            mask = PAGE_ADDR_MASK;
        }

        trace_allwinner_h6_iommu_maint(range ? "tlb-ivld range"
                                             : "tlb-ivld addr/mask",
                                       op->arg[0], op->arg[1]);
        for (unsigned m = 0; m < s->num_masters; m++) {
            tlb_invalidate_if(s, s->utlb[m], s->utlb_entries, addr, mask,
                              range, first, last);
        }
        tlb_invalidate_if(s, s->mtlb, s->mtlb_entries, addr, mask,
                          range, first, last);
    } else if (op == &s->op_pc_ivld) {
        bool range = op->arg[2];
        uint32_t first = op->arg[0] >> 20;
        uint32_t last = range ? op->arg[1] >> 20 : first;

        trace_allwinner_h6_iommu_maint(range ? "pc-ivld range" : "pc-ivld",
                                       op->arg[0], op->arg[1]);
        for (unsigned i = 0; i < s->ptw_entries; i++) {
            uint32_t index = s->prefetch_holder ? s->ptw[i].holder
                                                : s->ptw[i].index;

            if (s->ptw[i].valid && index >= first && index <= last) {
                s->ptw[i].valid = false;
            }
        }
    } else if (op == &s->op_va) {
        va_port_run(s, op->arg[0], op->arg[1], op->arg[2]);
    } else if (op == &s->op_pmu_clr) {
        trace_allwinner_h6_iommu_maint("pmu-clear", 0, 0);
        memset(s->pmu_access, 0, sizeof(s->pmu_access));
        memset(s->pmu_hit, 0, sizeof(s->pmu_hit));
    }
}

static bool is_invalidation(AwH6IommuState *s, AwH6IommuWac *op)
{
    return op == &s->op_flush || op == &s->op_tlb_ivld ||
           op == &s->op_pc_ivld;
}

static const char *op_name(AwH6IommuState *s, AwH6IommuWac *op)
{
    if (op == &s->op_flush) {
        return "TLB flush";
    } else if (op == &s->op_tlb_ivld) {
        return "TLB invalidation";
    } else if (op == &s->op_pc_ivld) {
        return "PTW cache invalidation";
    } else if (op == &s->op_va) {
        return "VA port access";
    }
    return "PMU clear";
}

static void op_start(AwH6IommuState *s, AwH6IommuWac *op, uint32_t bits,
                     uint32_t a0, uint32_t a1, uint32_t a2)
{
    if (is_invalidation(s, op)) {
        AwH6IommuWac *ops[] = { &s->op_flush, &s->op_tlb_ivld,
                                &s->op_pc_ivld };

        for (unsigned i = 0; i < ARRAY_SIZE(ops); i++) {
            if (ops[i]->bits) {
                audit_error(s, "%s started while %s is still in progress",
                            op_name(s, op), op_name(s, ops[i]));
            }
        }
    } else if (op->bits) {
        audit_error(s, "%s started while the previous one is still in "
                    "progress", op_name(s, op));
    }
    if (op->bits) {
        /* The earlier request is not lost: let it take effect first */
        uint32_t keep = op->bits;

        if (op == &s->op_flush) {
            bits |= keep;
        } else {
            op_complete(s, op);
        }
    }
    op->bits = bits;
    op->arg[0] = a0;
    op->arg[1] = a1;
    op->arg[2] = a2;
    op->reads_left = s->wac_latency;
    if (s->wac_latency == 0) {
        op_complete(s, op);
    }
}

/* A read of an R/WAC register: report busy bits, then count down */
static uint32_t op_poll(AwH6IommuState *s, AwH6IommuWac *op)
{
    uint32_t bits = op->bits;

    if (bits && op->reads_left > 0 && --op->reads_left == 0) {
        op_complete(s, op);
    }
    return bits;
}

/* ------------------------------------------------------------------ */
/* Register file                                                       */

static void regs_reset(AwH6IommuState *s, bool flush_caches)
{
    uint32_t m = s->mmask;

    s->reset = RESET_GLOBAL | RESET_PC | RESET_MTLB | m;
    s->enable = 0;
    s->bypass = s->bypass_reset & m;
    s->auto_gating = 1;
    s->wbuf_ctrl = m;
    s->ooo_ctrl = m;
    s->bdy_prt_ctrl = m;
    s->ttb = 0;
    s->tlb_enable = CACHE_PC | CACHE_MTLB | m;
    s->tlb_prefetch = s->valid_fix ? (CACHE_PC | CACHE_MTLB) : 0;
    s->tlb_ivld_mode = s->tlb_ivld_sta = s->tlb_ivld_end = 0;
    s->tlb_ivld_addr = s->tlb_ivld_mask = 0;
    s->pc_ivld_mode = s->pc_ivld_addr = 0;
    s->pc_ivld_sta = s->pc_ivld_end = 0;
    memset(s->dm_aut, 0, sizeof(s->dm_aut));
    s->dm_ovwt = 0;
    s->int_enable = 0;
    s->int_sta = 0;
    memset(s->err_addr, 0, sizeof(s->err_addr));
    memset(s->err_data, 0, sizeof(s->err_data));
    s->err_addr_l1 = s->err_addr_l2 = 0;
    s->err_data_l1 = s->err_data_l2 = 0;
    s->l1pg = s->l2pg = 0;
    s->va = s->va_data = s->va_config = 0;
    s->pmu_enable = 0;
    memset(&s->op_flush, 0, sizeof(s->op_flush));
    memset(&s->op_tlb_ivld, 0, sizeof(s->op_tlb_ivld));
    memset(&s->op_pc_ivld, 0, sizeof(s->op_pc_ivld));
    memset(&s->op_va, 0, sizeof(s->op_va));
    memset(&s->op_pmu_clr, 0, sizeof(s->op_pmu_clr));
    memset(s->pmu_access, 0, sizeof(s->pmu_access));
    memset(s->pmu_hit, 0, sizeof(s->pmu_hit));
    s->stuck = 0;
    s->faulted = 0;
    s->held_healthy = 0;
    if (s->mtlb && flush_caches) {
        flush_all_caches(s);
    }
}

static uint64_t aw_h6_iommu_read(void *opaque, hwaddr offset, unsigned size)
{
    AwH6IommuState *s = AW_H6_IOMMU(opaque);
    uint32_t val = 0;

    s->mmio_accesses++;
    if (!s->clk_on || !s->rst_released) {
        audit_error(s, "register read at 0x%03" HWADDR_PRIx " while %s",
                    offset, power_state(s));
        return 0;
    }

    switch (offset) {
    case REG_VERSION:
        val = s->version;
        break;
    case REG_RESET:
        val = s->reset;
        break;
    case REG_ENABLE:
        val = s->enable;
        break;
    case REG_BYPASS:
        val = s->bypass;
        break;
    case REG_AUTO_GATING:
        val = s->auto_gating;
        break;
    case REG_WBUF_CTRL:
        val = s->wbuf_ctrl;
        break;
    case REG_OOO_CTRL:
        val = s->ooo_ctrl;
        break;
    case REG_4KB_BDY_PRT:
        val = s->bdy_prt_ctrl;
        break;
    case REG_TTB:
        val = s->ttb;
        break;
    case REG_TLB_ENABLE:
        val = s->tlb_enable;
        break;
    case REG_TLB_PREFETCH:
        val = s->tlb_prefetch;
        break;
    case REG_TLB_FLUSH:
        val = op_poll(s, &s->op_flush);
        break;
    case REG_TLB_IVLD_MODE:
        val = s->range_ivld ? s->tlb_ivld_mode : 0;
        break;
    case REG_TLB_IVLD_STA:
        val = s->range_ivld ? s->tlb_ivld_sta : 0;
        break;
    case REG_TLB_IVLD_END:
        val = s->range_ivld ? s->tlb_ivld_end : 0;
        break;
    case REG_TLB_IVLD_ADDR:
        val = s->tlb_ivld_addr;
        break;
    case REG_TLB_IVLD_MASK:
        val = s->tlb_ivld_mask;
        break;
    case REG_TLB_IVLD_EN:
        val = op_poll(s, &s->op_tlb_ivld);
        break;
    case REG_PC_IVLD_MODE:
        val = s->range_ivld ? s->pc_ivld_mode : 0;
        break;
    case REG_PC_IVLD_ADDR:
        val = s->pc_ivld_addr;
        break;
    case REG_PC_IVLD_STA:
        val = s->range_ivld ? s->pc_ivld_sta : 0;
        break;
    case REG_PC_IVLD_EN:
        val = op_poll(s, &s->op_pc_ivld);
        break;
    case REG_PC_IVLD_END:
        val = s->range_ivld ? s->pc_ivld_end : 0;
        break;
    case REG_DM_AUT_CTRL0 ... REG_DM_AUT_CTRL0 + 0x1c:
        val = s->dm_aut[(offset - REG_DM_AUT_CTRL0) / 4];
        break;
    case REG_DM_AUT_OVWT:
        val = s->dm_ovwt;
        break;
    case REG_INT_ENABLE:
        val = s->int_enable;
        break;
    case REG_INT_CLR:
        val = 0;
        break;
    case REG_INT_STA:
        val = s->int_sta;
        break;
    case REG_ERR_ADDR0 ... REG_ERR_ADDR0 + 0x1c:
        val = s->err_addr[(offset - REG_ERR_ADDR0) / 4];
        break;
    case REG_ERR_ADDR_L1:
        val = s->err_addr_l1;
        break;
    case REG_ERR_ADDR_L2:
        val = s->err_addr_l2;
        break;
    case REG_ERR_DATA0 ... REG_ERR_DATA0 + 0x1c:
        val = s->err_data[(offset - REG_ERR_DATA0) / 4];
        break;
    case REG_ERR_DATA_L1:
        val = s->err_data_l1;
        break;
    case REG_ERR_DATA_L2:
        val = s->err_data_l2;
        break;
    case REG_L1PG_INT:
        val = s->l1pg;
        break;
    case REG_L2PG_INT:
        val = s->l2pg;
        break;
    case REG_VA:
        val = s->va;
        break;
    case REG_VA_DATA:
        val = s->va_data;
        break;
    case REG_VA_CONFIG:
        val = (s->va_config & ~VA_CONFIG_START) |
              (op_poll(s, &s->op_va) ? VA_CONFIG_START : 0);
        break;
    case REG_PMU_ENABLE:
        val = s->pmu_enable;
        break;
    case REG_PMU_CLR:
        val = op_poll(s, &s->op_pmu_clr);
        break;
    case REG_PMU_CNT_BASE ... REG_PMU_CNT_END - 1:
        if (!pmu_read(s, offset, &val)) {
            val = 0;
        }
        break;
    case REG_PMU_LAT_BASE ... REG_PMU_LAT_END - 1:
        /* Latency counters: not modelled (units unknown), read as zero */
        val = 0;
        break;
    default:
        audit_error(s, "read of undefined offset 0x%03" HWADDR_PRIx, offset);
        val = 0;
        break;
    }
    trace_allwinner_h6_iommu_read(offset, val);
    return val;
}

/*
 * A lane in reset neither translates nor passes traffic. Putting a lane that
 * did not fault into reset is only sound to switch the TTB under it (no bus
 * command in flight); otherwise it may break a healthy master's transfer.
 */
static void write_reset_reg(AwH6IommuState *s, uint32_t val)
{
    uint32_t old = s->reset;
    uint32_t asserted, released;

    val &= RESET_GLOBAL | RESET_PC | RESET_MTLB | s->mmask;
    asserted = old & ~val;
    released = ~old & val;
    if (asserted & RESET_GLOBAL) {
        trace_allwinner_h6_iommu_lane(-1, "global soft reset");
        regs_reset(s, true);
        update_irq(s);
    }
    s->held_healthy |= asserted & s->mmask & ~s->faulted;
    for (unsigned m = 0; m < s->num_masters; m++) {
        if (val & BIT(m)) {
            continue;
        }
        if (s->stuck & BIT(m)) {
            trace_allwinner_h6_iommu_lane(m, "reset (stall cleared)");
        }
        if (s->lane_reset_flush) {
            flush_utlb(s, m);
        }
        if (s->lane_reset_clears_fault) {
            s->int_sta &= ~BIT(m);
            s->l1pg &= ~BIT(m);
            s->l2pg &= ~BIT(m);
            if (!s->l1pg) {
                s->int_sta &= ~INT_L1_INVALID;
            }
            if (!s->l2pg) {
                s->int_sta &= ~INT_L2_INVALID;
            }
        }
        s->stuck &= ~BIT(m);
        s->faulted &= ~BIT(m);
    }
    for (unsigned m = 0; m < s->num_masters; m++) {
        if ((released & BIT(m)) && (s->held_healthy & BIT(m))) {
            audit_error(s, "lane reset of master=%u, which had not faulted, "
                        "and the TTB did not change meanwhile", m);
        }
    }
    s->held_healthy &= ~released;
    if (!(val & RESET_MTLB)) {
        flush_mtlb(s);
    }
    if (!(val & RESET_PC)) {
        flush_ptw(s);
    }
    s->reset = val;
    update_irq(s);
}

static void aw_h6_iommu_write(void *opaque, hwaddr offset, uint64_t val64,
                              unsigned size)
{
    AwH6IommuState *s = AW_H6_IOMMU(opaque);
    uint32_t val = val64;
    uint32_t m = s->mmask;

    s->mmio_accesses++;
    if (!s->clk_on || !s->rst_released) {
        audit_error(s, "register write 0x%08x at 0x%03" HWADDR_PRIx
                    " while %s (ignored)", val, offset, power_state(s));
        return;
    }
    trace_allwinner_h6_iommu_write(offset, val);

    if (!(s->reset & RESET_GLOBAL) && offset != REG_RESET) {
        audit_error(s, "register write 0x%08x at 0x%03" HWADDR_PRIx
                    " while RESET.IOMMU_RESET is asserted (ignored)",
                    val, offset);
        return;
    }

    switch (offset) {
    case REG_RESET:
        write_reset_reg(s, val);
        break;
    case REG_ENABLE:
        s->enable = val & 1;
        break;
    case REG_BYPASS:
        s->bypass = val & m;
        break;
    case REG_AUTO_GATING:
        s->auto_gating = val & 1;
        break;
    case REG_WBUF_CTRL:
        s->wbuf_ctrl = val & m;
        break;
    case REG_OOO_CTRL:
        s->ooo_ctrl = val & m;
        break;
    case REG_4KB_BDY_PRT:
        s->bdy_prt_ctrl = val & m;
        break;
    case REG_TTB: {
        uint32_t running = (s->reset & RESET_GLOBAL) ? s->reset & m : 0;
        uint32_t translating = (s->enable & 1) ? ~s->bypass & m : 0;

        if (running & translating) {
            audit_error(s, "TTB written (0x%08x -> 0x%08x) while masters "
                        "0x%02x translate (ENABLE=1, BYPASS=0x%02x, "
                        "RESET=0x%08x)", s->ttb, val & TTB_MASK,
                        running & translating, s->bypass, s->reset);
        }
        /* Lanes held for this switch were held for a reason */
        s->held_healthy &= s->reset;
        s->ttb = val & TTB_MASK;
        break;
    }
    case REG_TLB_ENABLE:
        s->tlb_enable = val & (CACHE_PC | CACHE_MTLB | m);
        break;
    case REG_TLB_PREFETCH:
        s->tlb_prefetch = val & (m | (s->valid_fix ? CACHE_PC | CACHE_MTLB
                                                   : 0));
        break;
    case REG_TLB_FLUSH:
        val &= CACHE_PC | CACHE_MTLB | m;
        if (val) {
            op_start(s, &s->op_flush, val, 0, 0, 0);
        }
        break;
    case REG_TLB_IVLD_MODE:
        if (s->range_ivld) {
            s->tlb_ivld_mode = val & 1;
        }
        break;
    case REG_TLB_IVLD_STA:
        if (s->range_ivld) {
            s->tlb_ivld_sta = val & PAGE_ADDR_MASK;
        }
        break;
    case REG_TLB_IVLD_END:
        if (s->range_ivld) {
            s->tlb_ivld_end = val & PAGE_ADDR_MASK;
        }
        break;
    case REG_TLB_IVLD_ADDR:
        s->tlb_ivld_addr = val & PAGE_ADDR_MASK;
        break;
    case REG_TLB_IVLD_MASK:
        s->tlb_ivld_mask = val & PAGE_ADDR_MASK;
        break;
    case REG_TLB_IVLD_EN:
        if (val & 1) {
            bool range = s->range_ivld && (s->tlb_ivld_mode & 1);

            op_start(s, &s->op_tlb_ivld, 1,
                     range ? s->tlb_ivld_sta : s->tlb_ivld_addr,
                     range ? s->tlb_ivld_end : s->tlb_ivld_mask, range);
        }
        break;
    case REG_PC_IVLD_MODE:
        if (s->range_ivld) {
            s->pc_ivld_mode = val & 1;
        }
        break;
    case REG_PC_IVLD_ADDR:
        s->pc_ivld_addr = val & SLOT_ADDR_MASK;
        break;
    case REG_PC_IVLD_STA:
        if (s->range_ivld) {
            s->pc_ivld_sta = val & SLOT_ADDR_MASK;
        }
        break;
    case REG_PC_IVLD_EN:
        if (val & 1) {
            bool range = s->range_ivld && (s->pc_ivld_mode & 1);

            op_start(s, &s->op_pc_ivld, 1,
                     range ? s->pc_ivld_sta : s->pc_ivld_addr,
                     range ? s->pc_ivld_end : 0, range);
        }
        break;
    case REG_PC_IVLD_END:
        if (s->range_ivld) {
            s->pc_ivld_end = val & SLOT_ADDR_MASK;
        }
        break;
    case REG_DM_AUT_CTRL0 ... REG_DM_AUT_CTRL0 + 0x1c: {
        unsigned idx = (offset - REG_DM_AUT_CTRL0) / 4;

        if (idx == 0 && s->dm0_readonly) {
            val &= 0xffff0000u;     /* domain 0: read-only zero */
        }
        s->dm_aut[idx] = val;
        break;
    }
    case REG_DM_AUT_OVWT:
        s->dm_ovwt = val & 0x8000ffffu;
        break;
    case REG_INT_ENABLE:
        s->int_enable = val & (INT_L2_INVALID | INT_L1_INVALID |
                               BIT(AW_H6_IOMMU_VA_MASTER) | m);
        update_irq(s);
        break;
    case REG_INT_CLR:
        s->int_sta &= ~val;
        if (s->pg_clear_on_int_clr) {
            if (val & INT_L1_INVALID) {
                s->l1pg = 0;
            }
            if (val & INT_L2_INVALID) {
                s->l2pg = 0;
            }
        }
        update_irq(s);
        break;
    case REG_VA:
        s->va = val;
        break;
    case REG_VA_DATA:
        s->va_data = val;
        break;
    case REG_VA_CONFIG:
        s->va_config = val & (VA_CONFIG_DEBUG | VA_CONFIG_WRITE);
        if (val & VA_CONFIG_START) {
            op_start(s, &s->op_va, 1, s->va_config, s->va, s->va_data);
        }
        break;
    case REG_PMU_ENABLE:
        s->pmu_enable = val & 1;
        break;
    case REG_PMU_CLR:
        if (val & 1) {
            op_start(s, &s->op_pmu_clr, 1, 0, 0, 0);
        }
        break;
    case REG_VERSION:
    case REG_INT_STA:
    case REG_ERR_ADDR0 ... REG_ERR_ADDR0 + 0x1c:
    case REG_ERR_ADDR_L1:
    case REG_ERR_ADDR_L2:
    case REG_ERR_DATA0 ... REG_ERR_DATA0 + 0x1c:
    case REG_ERR_DATA_L1:
    case REG_ERR_DATA_L2:
    case REG_L1PG_INT:
    case REG_L2PG_INT:
    case REG_PMU_CNT_BASE ... REG_PMU_CNT_END - 1:
    case REG_PMU_LAT_BASE ... REG_PMU_LAT_END - 1:
        audit_error(s, "write 0x%08x to read-only offset 0x%03" HWADDR_PRIx
                    " (ignored)", val, offset);
        break;
    default:
        audit_error(s, "write 0x%08x to undefined offset 0x%03" HWADDR_PRIx
                    " (ignored)", val, offset);
        break;
    }
}

static const MemoryRegionOps aw_h6_iommu_ops = {
    .read = aw_h6_iommu_read,
    .write = aw_h6_iommu_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
    .impl.min_access_size = 4,
};

/* ------------------------------------------------------------------ */
/* CCU inputs, reset, realize                                          */

static void aw_h6_iommu_set_clk(void *opaque, int n, int level)
{
    AwH6IommuState *s = AW_H6_IOMMU(opaque);

    if (s->clk_on == !!level) {
        return;
    }
    s->clk_on = level;
    trace_allwinner_h6_iommu_power(s->clk_on ? "running" : "gated",
                                   s->rst_released ? "released" : "asserted");
}

static void aw_h6_iommu_set_reset_n(void *opaque, int n, int level)
{
    AwH6IommuState *s = AW_H6_IOMMU(opaque);

    if (s->rst_released == !!level) {
        return;
    }
    if (!level && s->rst_released) {
        /*
         * Reset asserted: the registers return to their reset state; the
         * TLB and PTW cache keep their entries with caches-survive-reset
         */
        regs_reset(s, !s->caches_survive_reset);
        update_irq(s);
    }
    s->rst_released = level;
    trace_allwinner_h6_iommu_power(s->clk_on ? "running" : "gated",
                                   s->rst_released ? "released" : "asserted");
}

static void aw_h6_iommu_reset_enter(Object *obj, ResetType type)
{
    regs_reset(AW_H6_IOMMU(obj), true);
}

static void aw_h6_iommu_reset_hold(Object *obj)
{
    AwH6IommuState *s = AW_H6_IOMMU(obj);

    s->irq_level = false;
    qemu_set_irq(s->irq, 0);
}

static void aw_h6_iommu_realize(DeviceState *dev, Error **errp)
{
    AwH6IommuState *s = AW_H6_IOMMU(dev);

    if (s->num_masters < 1 || s->num_masters > AW_H6_IOMMU_MAX_MASTERS) {
        error_setg(errp, "num-masters must be 1..%d", AW_H6_IOMMU_MAX_MASTERS);
        return;
    }
    if (!s->utlb_entries || s->utlb_entries > 1024 || !s->mtlb_entries ||
        s->mtlb_entries > 4096 || !s->ptw_entries || s->ptw_entries > 4096) {
        error_setg(errp, "cache sizes must be 1..1024 (utlb-entries) and "
                   "1..4096 (mtlb-entries, ptw-entries)");
        return;
    }
    if (s->wac_latency < -1) {
        error_setg(errp, "wac-latency must be -1 (never), 0 or N > 0");
        return;
    }
    if (!s->fault_policy_str || !strcmp(s->fault_policy_str, "stall")) {
        s->fault_policy = POLICY_STALL;
    } else if (!strcmp(s->fault_policy_str, "discard")) {
        s->fault_policy = POLICY_DISCARD;
    } else if (!strcmp(s->fault_policy_str, "bus-error")) {
        s->fault_policy = POLICY_BUS_ERROR;
    } else {
        error_setg(errp, "fault-policy must be stall, discard or bus-error");
        return;
    }
    if (!s->err_latch_str || !strcmp(s->err_latch_str, "first")) {
        s->latch_latest = false;
    } else if (!strcmp(s->err_latch_str, "latest")) {
        s->latch_latest = true;
    } else {
        error_setg(errp, "err-latch must be first or latest");
        return;
    }
    if (!s->ivld_mask_str || !strcmp(s->ivld_mask_str, "any")) {
        s->ivld_silicon_only = false;
    } else if (!strcmp(s->ivld_mask_str, "silicon-only")) {
        s->ivld_silicon_only = true;
    } else {
        error_setg(errp, "ivld-mask must be any or silicon-only");
        return;
    }
    if (s->prefetch_distance < 1 || s->prefetch_distance > 8) {
        error_setg(errp, "prefetch-distance must be 1..8");
        return;
    }
    s->mmask = (1u << s->num_masters) - 1;

    if (!s->dma_mr) {
        s->dma_mr = get_system_memory();
    }
    address_space_init(&s->dma_as, s->dma_mr, "allwinner-h6-iommu-downstream");
    memory_region_init_io(&s->sink_mr, OBJECT(s), &sink_ops, s,
                          "allwinner-h6-iommu-stalled-lane", 1ull << 32);
    address_space_init(&s->sink_as, &s->sink_mr,
                       "allwinner-h6-iommu-stalled-lane");

    for (unsigned m = 0; m < s->num_masters; m++) {
        new_port(s, m, m);
        s->utlb[m] = g_new0(AwH6IommuTlbEntry, s->utlb_entries);
    }
    s->mtlb = g_new0(AwH6IommuTlbEntry, s->mtlb_entries);
    s->ptw = g_new0(AwH6IommuPtwEntry, s->ptw_entries);

    memory_region_init_io(&s->iomem, OBJECT(s), &aw_h6_iommu_ops, s,
                          TYPE_AW_H6_IOMMU, AW_H6_IOMMU_IOSIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(s), &s->iomem);
    sysbus_init_irq(SYS_BUS_DEVICE(s), &s->irq);
    regs_reset(s, true);
}

static void aw_h6_iommu_init(Object *obj)
{
    AwH6IommuState *s = AW_H6_IOMMU(obj);

    /* Unconnected inputs: clock running, reset released */
    s->clk_on = true;
    s->rst_released = true;
    qdev_init_gpio_in_named(DEVICE(obj), aw_h6_iommu_set_clk,
                            AW_H6_IOMMU_CLK_IN, 1);
    qdev_init_gpio_in_named(DEVICE(obj), aw_h6_iommu_set_reset_n,
                            AW_H6_IOMMU_RESETN_IN, 1);
    object_property_add_uint32_ptr(obj, "audit-errors", &s->audit_errors,
                                   OBJ_PROP_FLAG_READ);
    object_property_add_uint32_ptr(obj, "faults", &s->fault_count,
                                   OBJ_PROP_FLAG_READ);
}

static Property aw_h6_iommu_properties[] = {
    DEFINE_PROP_LINK("memory", AwH6IommuState, dma_mr, TYPE_MEMORY_REGION,
                     MemoryRegion *),
    DEFINE_PROP_UINT32("num-masters", AwH6IommuState, num_masters, 6),
    DEFINE_PROP_UINT32("bypass-reset", AwH6IommuState, bypass_reset, 0),
    DEFINE_PROP_UINT32("version", AwH6IommuState, version, 0x10),
    DEFINE_PROP_BOOL("range-invalidation", AwH6IommuState, range_ivld, false),
    DEFINE_PROP_BOOL("prefetch-valid-fix", AwH6IommuState, valid_fix, false),
    DEFINE_PROP_BOOL("neighbour-prefetch", AwH6IommuState,
                     neighbour_prefetch, true),
    DEFINE_PROP_UINT32("prefetch-distance", AwH6IommuState,
                       prefetch_distance, 1),
    DEFINE_PROP_BOOL("prefetch-holder", AwH6IommuState, prefetch_holder,
                     false),
    DEFINE_PROP_STRING("ivld-mask", AwH6IommuState, ivld_mask_str),
    DEFINE_PROP_BOOL("cache-invalid-entries", AwH6IommuState, cache_invalid,
                     true),
    DEFINE_PROP_INT32("wac-latency", AwH6IommuState, wac_latency, 0),
    DEFINE_PROP_STRING("fault-policy", AwH6IommuState, fault_policy_str),
    DEFINE_PROP_STRING("err-latch", AwH6IommuState, err_latch_str),
    DEFINE_PROP_BOOL("lane-lock", AwH6IommuState, lane_lock, true),
    DEFINE_PROP_BOOL("pg-clear-on-int-clr", AwH6IommuState,
                     pg_clear_on_int_clr, true),
    DEFINE_PROP_BOOL("perm-before-valid", AwH6IommuState, perm_before_valid,
                     false),
    DEFINE_PROP_BOOL("dm0-readonly", AwH6IommuState, dm0_readonly, true),
    DEFINE_PROP_BOOL("ovwt-forbid", AwH6IommuState, ovwt_forbid, true),
    DEFINE_PROP_BOOL("pte-rw-bits", AwH6IommuState, pte_rw_bits, false),
    DEFINE_PROP_BOOL("caches-survive-reset", AwH6IommuState,
                     caches_survive_reset, false),
    DEFINE_PROP_BOOL("gated-passthrough", AwH6IommuState, gated_passthrough,
                     true),
    DEFINE_PROP_BOOL("va-prefetch-fill", AwH6IommuState, va_prefetch_fill,
                     true),
    DEFINE_PROP_BOOL("disabled-passthrough", AwH6IommuState,
                     disabled_passthrough, true),
    DEFINE_PROP_BOOL("err-data-pte", AwH6IommuState, err_data_pte, true),
    DEFINE_PROP_BOOL("lane-reset-flush", AwH6IommuState, lane_reset_flush,
                     true),
    DEFINE_PROP_BOOL("lane-reset-clears-fault", AwH6IommuState,
                     lane_reset_clears_fault, false),
    DEFINE_PROP_BOOL("audit-untranslated", AwH6IommuState,
                     audit_untranslated, false),
    DEFINE_PROP_BOOL("audit", AwH6IommuState, audit, true),
    DEFINE_PROP_BOOL("log-faults", AwH6IommuState, log_faults, true),
    DEFINE_PROP_UINT32("utlb-entries", AwH6IommuState, utlb_entries, 8),
    DEFINE_PROP_UINT32("mtlb-entries", AwH6IommuState, mtlb_entries, 64),
    DEFINE_PROP_UINT32("ptw-entries", AwH6IommuState, ptw_entries, 16),
    DEFINE_PROP_UINT32("pmu-macro-offset", AwH6IommuState, pmu_macro_offset,
                       0),
    DEFINE_PROP_UINT32("pmu-ptw-offset", AwH6IommuState, pmu_ptw_offset, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static const VMStateDescription aw_h6_iommu_vmstate = {
    .name = TYPE_AW_H6_IOMMU,
    .unmigratable = 1,
};

static void aw_h6_iommu_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    dc->realize = aw_h6_iommu_realize;
    dc->vmsd = &aw_h6_iommu_vmstate;
    dc->desc = "Allwinner H6 IOMMU";
    rc->phases.enter = aw_h6_iommu_reset_enter;
    rc->phases.hold = aw_h6_iommu_reset_hold;
    device_class_set_props(dc, aw_h6_iommu_properties);
}

static void aw_h6_iommu_mr_class_init(ObjectClass *klass, void *data)
{
    IOMMUMemoryRegionClass *imrc = IOMMU_MEMORY_REGION_CLASS(klass);

    imrc->translate = aw_h6_iommu_translate;
    imrc->notify_flag_changed = aw_h6_iommu_notify_flag_changed;
}

static const TypeInfo aw_h6_iommu_info = {
    .name          = TYPE_AW_H6_IOMMU,
    .parent        = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(AwH6IommuState),
    .instance_init = aw_h6_iommu_init,
    .class_init    = aw_h6_iommu_class_init,
};

static const TypeInfo aw_h6_iommu_mr_info = {
    .name       = TYPE_AW_H6_IOMMU_MEMORY_REGION,
    .parent     = TYPE_IOMMU_MEMORY_REGION,
    .class_init = aw_h6_iommu_mr_class_init,
};

static void aw_h6_iommu_register(void)
{
    type_register_static(&aw_h6_iommu_info);
    type_register_static(&aw_h6_iommu_mr_info);
}

type_init(aw_h6_iommu_register)
