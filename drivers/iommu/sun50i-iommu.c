// SPDX-License-Identifier: GPL-2.0-only
/*
 * Allwinner H6/H616 IOMMU driver
 *
 * One IOMMU sits in front of the video and display DMA masters. It walks a
 * two-level table (see sun50i-iommu.h) from a single translation table base
 * (TTB) shared by all masters, so all masters of an instance form one group
 * and the hardware holds one domain at a time: attaching a domain switches
 * the TTB to its table. Permissions live in permission domains selected by
 * each PTE's access control index (ACI).
 *
 * The IOMMU is powered while one of its masters is active: runtime PM
 * follows the masters through device links, and powering on reprograms the
 * hardware from software state, so nothing touches it while it is off.
 */

#include <kunit/static_stub.h>
#include <kunit/visibility.h>
#include <linux/bitops.h>
#include <linux/clk.h>
#include <linux/dma-mapping.h>
#include <linux/err.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/iopoll.h>
#include <linux/module.h>
#include <linux/of.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/pm_runtime.h>
#include <linux/reset.h>
#include <linux/slab.h>

#include "iommu-pages.h"
#include "sun50i-iommu.h"

/* Registers */

#define IOMMU_RESET_REG			0x010
/* Each bit releases a lane (1) or holds it in reset (0). */
#define IOMMU_RESET_RELEASE_ALL		GENMASK(31, 0)
#define IOMMU_ENABLE_REG		0x020
#define IOMMU_ENABLE			BIT(0)
#define IOMMU_BYPASS_REG		0x030
#define IOMMU_AUTO_GATING_REG		0x040
#define IOMMU_AUTO_GATING		BIT(0)
#define IOMMU_TTB_REG			0x050
#define IOMMU_TLB_ENABLE_REG		0x060
#define IOMMU_TLB_PREFETCH_REG		0x070
#define IOMMU_TLB_FLUSH_REG		0x080
#define IOMMU_DM_AUT_CTRL_REG(d)	(0x0b0 + ((d) / 2) * 4)
#define IOMMU_DM_AUT_OVWT_REG		0x0d0
#define IOMMU_INT_ENABLE_REG		0x100
#define IOMMU_INT_CLR_REG		0x104
#define IOMMU_INT_STA_REG		0x108
#define IOMMU_INT_ERR_ADDR_REG(m)	(0x110 + (m) * 4)
#define IOMMU_INT_ERR_ADDR_L1_REG	0x130
#define IOMMU_INT_ERR_ADDR_L2_REG	0x134
#define IOMMU_L1PG_INT_REG		0x180
#define IOMMU_L2PG_INT_REG		0x184

/*
 * TLB_ENABLE, TLB_FLUSH and the interrupt registers share one layout: a bit
 * per master (micro TLB) at the bottom, then the shared units.
 *
 *   31            18  17    16   15         7 6               0
 *  +----------------+-----+-----+------------+-----------------+
 *  |                | PTW | MTLB|            | master 6 .. 0   |
 *  +----------------+-----+-----+------------+-----------------+
 *
 * In INT_*, bit 16 reports an invalid DTE (L1) and bit 17 an invalid PTE
 * (L2); the master bits report permission faults.
 */
#define IOMMU_MACRO_TLB			BIT(16)
#define IOMMU_PTW_CACHE			BIT(17)
#define IOMMU_INT_L1_INVALID		BIT(16)
#define IOMMU_INT_L2_INVALID		BIT(17)

/*
 * DM_AUT_CTRL: two permission domains per register, 16 bits each; in each
 * half, master m has a read bit (2m) and a write bit (2m + 1). A set bit
 * forbids the access.
 */
#define IOMMU_DM_AUT_READ(d, m)		BIT(((d) % 2) * 16 + (m) * 2)
#define IOMMU_DM_AUT_WRITE(d, m)	BIT(((d) % 2) * 16 + (m) * 2 + 1)
#define IOMMU_PERM_DOMAINS		16

/* Completion of a flush, polled with this bound. */
#define IOMMU_POLL_DELAY_US		1
#define IOMMU_POLL_TIMEOUT_US		2000

/*
 * TLB maintenance is one TLB flush, whatever changed. The TLBs and the PTW
 * cache fetch neighbours along with an entry (section 5.4 of the
 * reference), so invalidating by address must cover up to 8 PTEs and a DTE
 * below each change: at least two polled commands of four register
 * accesses each, where a flush is one write and its poll. What a flush
 * costs the masters, refilling their small TLBs, the emulator cannot tell;
 * mainline flushes on every unmap already.
 */

static inline u32 sun50i_iommu_read(struct sun50i_iommu *iommu, u32 reg)
{
	return readl(iommu->base + reg);
}

/* Every register write goes through here, so KUnit can see their order. */
VISIBLE_IF_KUNIT void sun50i_iommu_write(struct sun50i_iommu *iommu, u32 reg,
					 u32 val)
{
	KUNIT_STATIC_STUB_REDIRECT(sun50i_iommu_write, iommu, reg, val);

	writel(val, iommu->base + reg);
}
EXPORT_SYMBOL_IF_KUNIT(sun50i_iommu_write);

static u32 sun50i_iommu_master_mask(struct sun50i_iommu *iommu)
{
	return GENMASK(iommu->variant->num_masters - 1, 0);
}

static const struct iommu_ops sun50i_iommu_ops;
VISIBLE_IF_KUNIT struct iommu_domain sun50i_iommu_identity_domain;
VISIBLE_IF_KUNIT struct iommu_domain sun50i_iommu_blocked_domain;

/* Hardware procedures; all run with iommu->lock held and iommu->powered. */

/*
 * Wait for a self-clearing command to finish: @bits of @reg read back as 0.
 */
static int sun50i_iommu_wait(struct sun50i_iommu *iommu, u32 reg, u32 bits)
{
	u32 val;
	int ret;

	ret = readl_poll_timeout_atomic(iommu->base + reg, val, !(val & bits),
					IOMMU_POLL_DELAY_US,
					IOMMU_POLL_TIMEOUT_US);
	if (ret)
		dev_err_ratelimited(iommu->dev,
				    "command at 0x%03x timed out (0x%08x)\n",
				    reg, val);
	return ret;
}

/**
 * sun50i_iommu_tlb_flush() - TLB flush: drop every cached translation
 * @iommu: the instance
 *
 * Flushes every micro TLB, the macro TLB and the PTW cache.
 *
 * Return: 0, or -ETIMEDOUT if the hardware did not complete.
 */
VISIBLE_IF_KUNIT int sun50i_iommu_tlb_flush(struct sun50i_iommu *iommu)
{
	u32 all = sun50i_iommu_master_mask(iommu) | IOMMU_MACRO_TLB |
		  IOMMU_PTW_CACHE;

	KUNIT_STATIC_STUB_REDIRECT(sun50i_iommu_tlb_flush, iommu);

	sun50i_iommu_write(iommu, IOMMU_TLB_FLUSH_REG, all);
	return sun50i_iommu_wait(iommu, IOMMU_TLB_FLUSH_REG, all);
}
EXPORT_SYMBOL_IF_KUNIT(sun50i_iommu_tlb_flush);

/*
 * Lane hold: put the lanes of the masters in @masters in reset (RESET is
 * active low). A held lane neither translates nor passes traffic through;
 * the other lanes, the caches and the IOMMU itself stay released.
 */
static void sun50i_iommu_lanes_hold(struct sun50i_iommu *iommu, u32 masters)
{
	sun50i_iommu_write(iommu, IOMMU_RESET_REG, ~masters);
}

/* Lane release: every lane runs again. */
static void sun50i_iommu_lanes_release(struct sun50i_iommu *iommu)
{
	sun50i_iommu_write(iommu, IOMMU_RESET_REG, IOMMU_RESET_RELEASE_ALL);
}

static bool sun50i_aci_allows(enum sun50i_iommu_aci aci, bool write)
{
	switch (aci) {
	case SUN50I_ACI_RW:
		return true;
	case SUN50I_ACI_RD:
		return !write;
	case SUN50I_ACI_WR:
		return write;
	default:
		return false;
	}
}

/* DM_AUT_CTRL value for the register holding permission domains d, d + 1. */
static u32 sun50i_iommu_dm_aut(struct sun50i_iommu *iommu, unsigned int d)
{
	unsigned int dom, m;
	u32 val = 0;

	for (dom = d; dom < d + 2; dom++) {
		/* Domain 0 is not controllable; its bits read as zero. */
		if (!dom)
			continue;
		for (m = 0; m < iommu->variant->num_masters; m++) {
			if (!sun50i_aci_allows(dom, false))
				val |= IOMMU_DM_AUT_READ(dom, m);
			if (!sun50i_aci_allows(dom, true))
				val |= IOMMU_DM_AUT_WRITE(dom, m);
		}
	}
	return val;
}

/* The Directory Table the walker uses for @domain. */
static u32 sun50i_iommu_ttb(struct sun50i_iommu *iommu,
			    struct iommu_domain *domain)
{
	if (domain->type & __IOMMU_DOMAIN_PAGING)
		return to_sun50i_domain(domain)->dt_dma;
	return iommu->blocked_dt_dma;
}

/**
 * sun50i_iommu_program() - switch the hardware to a domain
 * @iommu: the instance, powered
 * @domain: a paging domain of @iommu, or the identity or blocked domain
 *
 * Writes every register the driver relies on for @domain, flushes the
 * caches and enables translation. This is the whole hardware state: it is
 * redone on every domain switch and after the block lost power.
 *
 * The TTB may only change while no master can use it, and no master may go
 * untranslated meanwhile (bypassed, or with translation off). So the
 * masters' lanes are held in reset across the switch: a master sees the old
 * domain, waits, then sees the new one.
 *
 * Return: 0, with @domain installed; or -ETIMEDOUT if the TLB flush did not
 * complete, with the previous TTB restored and @iommu->installed unchanged.
 */
VISIBLE_IF_KUNIT int sun50i_iommu_program(struct sun50i_iommu *iommu,
					  struct iommu_domain *domain)
{
	u32 masters = sun50i_iommu_master_mask(iommu);
	unsigned int d;
	int ret;

	KUNIT_STATIC_STUB_REDIRECT(sun50i_iommu_program, iommu, domain);

	/* Faults read before this are over: the hold resets their lanes. */
	iommu->programs++;
	sun50i_iommu_lanes_hold(iommu, masters);
	sun50i_iommu_write(iommu, IOMMU_INT_CLR_REG, masters |
			   IOMMU_INT_L1_INVALID | IOMMU_INT_L2_INVALID);
	sun50i_iommu_write(iommu, IOMMU_TTB_REG, sun50i_iommu_ttb(iommu, domain));
	sun50i_iommu_write(iommu, IOMMU_TLB_ENABLE_REG,
			   masters | IOMMU_MACRO_TLB | IOMMU_PTW_CACHE);
	sun50i_iommu_write(iommu, IOMMU_TLB_PREFETCH_REG,
			   iommu->variant->prefetch_masters);
	for (d = 0; d < IOMMU_PERM_DOMAINS; d += 2)
		sun50i_iommu_write(iommu, IOMMU_DM_AUT_CTRL_REG(d),
				   sun50i_iommu_dm_aut(iommu, d));
	sun50i_iommu_write(iommu, IOMMU_DM_AUT_OVWT_REG, 0);
	sun50i_iommu_write(iommu, IOMMU_INT_ENABLE_REG, masters |
			   IOMMU_INT_L1_INVALID | IOMMU_INT_L2_INVALID);
	ret = sun50i_iommu_tlb_flush(iommu);
	if (ret) {
		if (iommu->installed)
			sun50i_iommu_write(iommu, IOMMU_TTB_REG,
					   sun50i_iommu_ttb(iommu,
							    iommu->installed));
		sun50i_iommu_lanes_release(iommu);
		return ret;
	}
	sun50i_iommu_write(iommu, IOMMU_AUTO_GATING_REG, IOMMU_AUTO_GATING);
	sun50i_iommu_write(iommu, IOMMU_BYPASS_REG,
			   domain == &sun50i_iommu_identity_domain ? masters : 0);
	sun50i_iommu_write(iommu, IOMMU_ENABLE_REG, IOMMU_ENABLE);
	sun50i_iommu_lanes_release(iommu);
	iommu->installed = domain;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(sun50i_iommu_program);

/* Table memory */

/**
 * sun50i_table_alloc() - allocate zeroed table memory below 4 GiB
 * @gfp: allocation flags of the caller
 * @size: bytes, a power of two of at least a page; the table is aligned
 *	to its size
 *
 * Return: the table, or NULL.
 */
VISIBLE_IF_KUNIT void *sun50i_table_alloc(gfp_t gfp, size_t size)
{
	KUNIT_STATIC_STUB_REDIRECT(sun50i_table_alloc, gfp, size);

	return iommu_alloc_pages_sz(gfp | GFP_DMA32, size);
}
EXPORT_SYMBOL_IF_KUNIT(sun50i_table_alloc);

/**
 * sun50i_table_map() - hand table memory to the IOMMU's walker
 * @dev: the IOMMU device
 * @table: the table, from sun50i_table_alloc()
 * @size: its size
 *
 * The walker needs a 32-bit bus address aligned to the table's size.
 *
 * Return: the bus address, or DMA_MAPPING_ERROR.
 */
VISIBLE_IF_KUNIT dma_addr_t sun50i_table_map(struct device *dev, void *table,
					     size_t size)
{
	dma_addr_t dma;

	KUNIT_STATIC_STUB_REDIRECT(sun50i_table_map, dev, table, size);

	dma = dma_map_single(dev, table, size, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, dma))
		return DMA_MAPPING_ERROR;
	if (!IS_ALIGNED(dma, size) || dma + size - 1 > U32_MAX) {
		dev_err(dev, "table at %pad is not usable by the IOMMU\n", &dma);
		dma_unmap_single(dev, dma, size, DMA_TO_DEVICE);
		return DMA_MAPPING_ERROR;
	}
	return dma;
}
EXPORT_SYMBOL_IF_KUNIT(sun50i_table_map);

/**
 * sun50i_table_unmap() - end the walker's access to table memory
 * @dev: the IOMMU device
 * @dma: the bus address from sun50i_table_map()
 * @size: the table's size
 */
VISIBLE_IF_KUNIT void sun50i_table_unmap(struct device *dev, dma_addr_t dma,
					 size_t size)
{
	KUNIT_STATIC_STUB_REDIRECT(sun50i_table_unmap, dev, dma, size);

	dma_unmap_single(dev, dma, size, DMA_TO_DEVICE);
}
EXPORT_SYMBOL_IF_KUNIT(sun50i_table_unmap);

/**
 * sun50i_table_clean() - make CPU writes to table entries visible to the
 *	walker, which does not snoop CPU caches
 * @dev: the IOMMU device
 * @dma: bus address of the first entry written
 * @size: bytes written
 */
VISIBLE_IF_KUNIT void sun50i_table_clean(struct device *dev, dma_addr_t dma,
					 size_t size)
{
	KUNIT_STATIC_STUB_REDIRECT(sun50i_table_clean, dev, dma, size);

	dma_sync_single_for_device(dev, dma, size, DMA_TO_DEVICE);
}
EXPORT_SYMBOL_IF_KUNIT(sun50i_table_clean);

/* Page Tables */

static u32 *sun50i_slot_table(u64 slot)
{
	return page_address(pfn_to_page(FIELD_GET(SUN50I_SLOT_PFN, slot)));
}

static dma_addr_t sun50i_slot_dma(u64 slot)
{
	return (dma_addr_t)FIELD_GET(SUN50I_SLOT_BUS_PFN, slot) << 12;
}

/**
 * sun50i_spare_update() - after a flush: keep a retired table page as the
 *	spare for the next Page Table, or free it
 * @dom: the domain
 * @retired: a page retired before the flush began, or NULL
 * @flush: the result of the flush
 *
 * A domain keeps one spare page while it maps anything, so that mapping and
 * unmapping a page at a table boundary does not allocate and free every
 * time; with nothing mapped, the Directory Table is all it holds. A page
 * the IOMMU may still walk, after a failed flush, is leaked.
 */
static void sun50i_spare_update(struct sun50i_iommu_domain *dom,
				void *retired, int flush)
{
	if (retired && flush) {
		dev_err(dom->iommu->dev,
			"leaking a table page the IOMMU may still walk\n");
		retired = NULL;
	}
	if (retired && atomic_read(&dom->groups) &&
	    !cmpxchg(&dom->spare, NULL, retired))
		retired = NULL;
	iommu_free_pages(retired);
	if (!atomic_read(&dom->groups) && READ_ONCE(dom->spare))
		iommu_free_pages(xchg(&dom->spare, NULL));
}

/**
 * sun50i_domain_flush() - drop what the TLBs may hold of @dom's tables
 * @dom: the domain whose entries changed
 *
 * Flushes the TLBs if the hardware uses @dom's table. Powered off there is
 * nothing to flush: powering on flushes before it enables translation.
 *
 * Return: 0, or -ETIMEDOUT.
 */
static int sun50i_domain_flush(struct sun50i_iommu_domain *dom)
{
	struct sun50i_iommu *iommu = dom->iommu;
	void *retired = NULL;
	unsigned long flags;
	int ret = 0;

	/* Taken before the flush, which then covers it. */
	if (READ_ONCE(dom->retired))
		retired = xchg(&dom->retired, NULL);
	spin_lock_irqsave(&iommu->lock, flags);
	if (iommu->powered && iommu->installed == &dom->domain)
		ret = sun50i_iommu_tlb_flush(iommu);
	spin_unlock_irqrestore(&iommu->lock, flags);
	if (retired || !atomic_read(&dom->groups))
		sun50i_spare_update(dom, retired, ret);
	return ret;
}

/* The slot word of a new, empty table page, or 0 if none could be had. */
static u64 sun50i_pt_page_alloc(struct sun50i_iommu_domain *dom, gfp_t gfp)
{
	struct device *dev = dom->iommu->dev;
	unsigned long pfn;
	dma_addr_t dma;
	void *table;

	table = xchg(&dom->spare, NULL);
	if (!table)
		table = sun50i_table_alloc(gfp, PAGE_SIZE);
	if (!table)
		return 0;
	pfn = page_to_pfn(virt_to_page(table));
	if (!pfn || pfn > FIELD_MAX(SUN50I_SLOT_PFN)) {
		iommu_free_pages(table);
		return 0;
	}
	dma = sun50i_table_map(dev, table, PAGE_SIZE);
	if (dma == DMA_MAPPING_ERROR) {
		iommu_free_pages(table);
		return 0;
	}
	return FIELD_PREP(SUN50I_SLOT_PFN, pfn) |
	       FIELD_PREP(SUN50I_SLOT_BUS_PFN, dma >> 12);
}

/* End the walker's access to a table page; returns the table. */
static u32 *sun50i_pt_page_unmap(struct sun50i_iommu_domain *dom, u64 slot)
{
	sun50i_table_unmap(dom->iommu->dev, sun50i_slot_dma(slot), PAGE_SIZE);
	return sun50i_slot_table(slot);
}

/*
 * Point the DTE of Page Table @dte_idx at its table in @slot's page. A DTE
 * counts as installed once its clean finished: until then every mapper of
 * the Page Table writes and cleans it, rather than trust a DTE that another
 * mapper wrote and may not have cleaned yet.
 */
static void sun50i_dte_install(struct sun50i_iommu_domain *dom,
			       unsigned int dte_idx, u64 slot)
{
	unsigned int pt = dte_idx % SUN50I_PTS_PER_PAGE;
	u32 dte = sun50i_mk_dte(sun50i_slot_dma(slot) + pt * SUN50I_PT_SIZE);

	if (test_bit_acquire(dte_idx, dom->dte_live))
		return;
	WRITE_ONCE(dom->dt[dte_idx], dte);
	sun50i_table_clean(dom->iommu->dev, dom->dt_dma + dte_idx * sizeof(u32),
			   sizeof(u32));
	/* The clean before the bit: whoever sees the bit may use the DTE. */
	smp_mb__before_atomic();
	set_bit(dte_idx, dom->dte_live);
}

/*
 * Reserve @n PTEs in the PT group @g, installing a table page if it has
 * none, and make sure the DTEs from @dte_first to @dte_last point at their
 * Page Tables. Concurrent callers race with cmpxchg: the loser frees its
 * page. @fresh tells whether this call installed the page.
 *
 * Return: the slot word, or 0 if a table page could not be allocated.
 */
static u64 sun50i_pt_get(struct sun50i_iommu_domain *dom, unsigned int g,
			 unsigned int dte_first, unsigned int dte_last,
			 unsigned int n, gfp_t gfp, bool *fresh)
{
	atomic64_t *slot = &dom->slots[g];
	u64 old = atomic64_read_acquire(slot), new;

	for (;;) {
		if (!old) {
			new = sun50i_pt_page_alloc(dom, gfp);
			if (!new)
				return 0;
			if (atomic64_try_cmpxchg(slot, &old, new + n)) {
				atomic_inc(&dom->groups);
				*fresh = true;
				break;
			}
			/* Lost the race: the hardware never saw this page. */
			iommu_free_pages(sun50i_pt_page_unmap(dom, new));
			continue;
		}
		if (!FIELD_GET(SUN50I_SLOT_COUNT, old)) {
			/* Being retired by an unmap; its DTEs are clearing. */
			cpu_relax();
			old = atomic64_read_acquire(slot);
			continue;
		}
		new = old;
		if (atomic64_try_cmpxchg(slot, &old, old + n))
			break;
	}
	for (; dte_first <= dte_last; dte_first++)
		sun50i_dte_install(dom, dte_first, new);
	return new + n;
}

/*
 * Drop @n PTEs of PT group @g. When the group becomes empty, retire its
 * table page: clear its DTEs and queue the page on @freelist, to be freed
 * once the hardware can no longer walk it; or, while other groups live and
 * the domain has no spare, keep it as the retired page the next flush
 * turns into the spare.
 *
 * Return: true if the page was retired.
 */
static bool sun50i_pt_put(struct sun50i_iommu_domain *dom, unsigned int g,
			  unsigned int n, struct iommu_pages_list *freelist)
{
	atomic64_t *slot = &dom->slots[g];
	unsigned long flags;
	unsigned int i;
	u64 old, new;
	u32 *table;

	old = atomic64_read(slot);
	for (;;) {
		new = old - n;
		if (FIELD_GET(SUN50I_SLOT_COUNT, new)) {
			if (atomic64_try_cmpxchg(slot, &old, new))
				return false;
			continue;
		}
		/*
		 * The last reference: a mapper in interrupt context on this
		 * CPU would spin on the retiring slot forever, so interrupts
		 * stay off until it is free again.
		 */
		local_irq_save(flags);
		if (atomic64_try_cmpxchg(slot, &old, new))
			break;
		local_irq_restore(flags);
	}

	for (i = g * SUN50I_PTS_PER_PAGE; i < (g + 1) * SUN50I_PTS_PER_PAGE; i++) {
		clear_bit(i, dom->dte_live);
		WRITE_ONCE(dom->dt[i], 0);
	}
	sun50i_table_clean(dom->iommu->dev,
			   dom->dt_dma + g * SUN50I_PTS_PER_PAGE * sizeof(u32),
			   SUN50I_PTS_PER_PAGE * sizeof(u32));
	/* Empty DTEs first: a mapper that sees the free slot installs anew. */
	atomic64_set_release(slot, 0);
	local_irq_restore(flags);

	table = sun50i_pt_page_unmap(dom, new);
	if (!atomic_dec_return(&dom->groups) || READ_ONCE(dom->spare) ||
	    cmpxchg(&dom->retired, NULL, table))
		iommu_pages_list_add(freelist, table);
	return true;
}

/* Pin PT group @g's table page, if it has one; returns its slot or 0. */
static u64 sun50i_pt_tryget(struct sun50i_iommu_domain *dom, unsigned int g)
{
	atomic64_t *slot = &dom->slots[g];
	u64 old = atomic64_read(slot);

	do {
		if (!FIELD_GET(SUN50I_SLOT_COUNT, old))
			return 0;
	} while (!atomic64_try_cmpxchg(slot, &old, old + 1));
	return old + 1;
}

/*
 * Free retired table pages once the walker can no longer reach them: after
 * the flush @ret reports, if it succeeded. Otherwise the walker may
 * still use them, and they are leaked.
 */
static void sun50i_pt_pages_free(struct sun50i_iommu_domain *dom,
				 struct iommu_pages_list *freelist, int ret)
{
	if (iommu_pages_list_empty(freelist))
		return;
	if (ret)
		dev_err(dom->iommu->dev,
			"leaking %zu table pages the IOMMU may still walk\n",
			list_count_nodes(&freelist->pages));
	else
		iommu_put_pages_list(freelist);
	/* Freed or leaked, the pages are no longer on the list. */
	INIT_LIST_HEAD(&freelist->pages);
}

/**
 * sun50i_pt_put_now() - drop PTE references outside of an unmap
 * @dom: the domain
 * @g: the PT group
 * @n: the number of references
 *
 * A table page this retires is freed once the hardware can no longer walk
 * it: after the flush that follows.
 */
VISIBLE_IF_KUNIT void sun50i_pt_put_now(struct sun50i_iommu_domain *dom,
					unsigned int g, unsigned int n)
{
	struct iommu_pages_list freelist = IOMMU_PAGES_LIST_INIT(freelist);

	if (sun50i_pt_put(dom, g, n, &freelist))
		sun50i_pt_pages_free(dom, &freelist, sun50i_domain_flush(dom));
}
EXPORT_SYMBOL_IF_KUNIT(sun50i_pt_put_now);

/**
 * sun50i_prot_to_aci() - the permission domain for IOMMU_READ/IOMMU_WRITE
 * @prot: IOMMU_* protection flags
 *
 * Return: the access control index.
 */
VISIBLE_IF_KUNIT enum sun50i_iommu_aci sun50i_prot_to_aci(int prot)
{
	switch (prot & (IOMMU_READ | IOMMU_WRITE)) {
	case IOMMU_READ | IOMMU_WRITE:
		return SUN50I_ACI_RW;
	case IOMMU_READ:
		return SUN50I_ACI_RD;
	case IOMMU_WRITE:
		return SUN50I_ACI_WR;
	default:
		return SUN50I_ACI_NONE;
	}
}
EXPORT_SYMBOL_IF_KUNIT(sun50i_prot_to_aci);

static u32 *sun50i_pte_ptr(u64 slot, u32 iova)
{
	unsigned int pt = sun50i_iova_dte_index(iova) % SUN50I_PTS_PER_PAGE;

	return sun50i_slot_table(slot) + pt * SUN50I_PT_ENTRIES +
	       sun50i_iova_pte_index(iova);
}

static dma_addr_t sun50i_pte_dma(u64 slot, u32 iova)
{
	unsigned int pt = sun50i_iova_dte_index(iova) % SUN50I_PTS_PER_PAGE;

	return sun50i_slot_dma(slot) +
	       (pt * SUN50I_PT_ENTRIES + sun50i_iova_pte_index(iova)) *
	       sizeof(u32);
}

/*
 * The PTE loops of map and unmap are most of the cost of a large run: they
 * go two PTEs at a time, through the aligned 64-bit word the pair shares.
 * An invalid PTE is 0 (tables start zeroed, unmap writes 0).
 */
#define SUN50I_PTE_PAIR_VALID	((u64)SUN50I_PTE_VALID << 32 | SUN50I_PTE_VALID)
/* From one pair to the next: two pages, in each half. */
#define SUN50I_PTE_PAIR_STEP	((u64)SZ_8K << 32 | SZ_8K)

/* Two consecutive PTEs, @pte and the next page's, in memory order. */
static u64 sun50i_pte_pair(u32 pte)
{
	u32 next = pte + SZ_4K;

	if (IS_ENABLED(CONFIG_CPU_BIG_ENDIAN))
		return (u64)pte << 32 | next;
	return (u64)next << 32 | pte;
}

/*
 * Write @pte, then each next page's PTE, into the @n PTEs from @ptes on, up
 * to the first one that is not 0, if @check: a table page that the map
 * just installed holds no valid PTE. Returns the number written.
 */
static unsigned int sun50i_ptes_fill(u32 *ptes, unsigned int n, u32 pte,
				     bool check)
{
	u32 *p = ptes, *end = ptes + n;
	u64 *pair, *pairs_end, two;

	if (p < end && !IS_ALIGNED((unsigned long)p, sizeof(u64))) {
		if (check && READ_ONCE(*p))
			return 0;
		WRITE_ONCE(*p++, pte);
		pte += SZ_4K;
	}
	pair = (u64 *)p;
	pairs_end = pair + (end - p) / 2;
	two = sun50i_pte_pair(pte);
	/* Four pairs at a time while all eight PTEs are free, then one. */
	for (; pairs_end - pair >= 4; pair += 4, two += 4 * SUN50I_PTE_PAIR_STEP) {
		if (check && (READ_ONCE(pair[0]) | READ_ONCE(pair[1]) |
			      READ_ONCE(pair[2]) | READ_ONCE(pair[3])))
			break;
		WRITE_ONCE(pair[0], two);
		WRITE_ONCE(pair[1], two + SUN50I_PTE_PAIR_STEP);
		WRITE_ONCE(pair[2], two + 2 * SUN50I_PTE_PAIR_STEP);
		WRITE_ONCE(pair[3], two + 3 * SUN50I_PTE_PAIR_STEP);
	}
	for (; pair < pairs_end; pair++, two += SUN50I_PTE_PAIR_STEP) {
		if (check && READ_ONCE(*pair))
			break;
		WRITE_ONCE(*pair, two);
	}
	pte += ((u32 *)pair - p) * SZ_4K;
	for (p = (u32 *)pair; p < end && !(check && READ_ONCE(*p));
	     p++, pte += SZ_4K)
		WRITE_ONCE(*p, pte);
	return p - ptes;
}

/*
 * Clear the PTEs from @ptes on, up to @n and the first invalid one. Returns
 * the number cleared.
 */
static unsigned int sun50i_ptes_clear(u32 *ptes, unsigned int n)
{
	u32 *p = ptes, *end = ptes + n;
	u64 *pair, *pairs_end;

	if (p < end && !IS_ALIGNED((unsigned long)p, sizeof(u64))) {
		if (!READ_ONCE(*p))
			return 0;
		WRITE_ONCE(*p++, 0);
	}
	pair = (u64 *)p;
	pairs_end = pair + (end - p) / 2;
	/* Four pairs at a time while all eight PTEs are valid, then one. */
	for (; pairs_end - pair >= 4; pair += 4) {
		if (~(READ_ONCE(pair[0]) & READ_ONCE(pair[1]) &
		      READ_ONCE(pair[2]) & READ_ONCE(pair[3])) &
		    SUN50I_PTE_PAIR_VALID)
			break;
		WRITE_ONCE(pair[0], 0);
		WRITE_ONCE(pair[1], 0);
		WRITE_ONCE(pair[2], 0);
		WRITE_ONCE(pair[3], 0);
	}
	for (; pair < pairs_end; pair++) {
		if (~READ_ONCE(*pair) & SUN50I_PTE_PAIR_VALID)
			break;
		WRITE_ONCE(*pair, 0);
	}
	for (p = (u32 *)pair; p < end && READ_ONCE(*p); p++)
		WRITE_ONCE(*p, 0);
	return p - ptes;
}

static int sun50i_iommu_map_pages(struct iommu_domain *domain,
				  unsigned long iova, phys_addr_t paddr,
				  size_t pgsize, size_t pgcount, int prot,
				  gfp_t gfp, size_t *mapped)
{
	struct sun50i_iommu_domain *dom = to_sun50i_domain(domain);
	enum sun50i_iommu_aci aci = sun50i_prot_to_aci(prot);
	unsigned int dte_idx = sun50i_iova_dte_index(iova);
	unsigned int first = (iova / SZ_4K) % SUN50I_GROUP_PTES;
	unsigned int g = dte_idx / SUN50I_PTS_PER_PAGE;
	unsigned int n, i;
	bool fresh = false;
	u32 *ptes;
	u64 slot;

	if (pgsize != SZ_4K || iova > U32_MAX ||
	    paddr + (u64)pgcount * SZ_4K - 1 > U32_MAX)
		return -EINVAL;

	/* One run per call, up to the end of the table page. */
	n = min_t(size_t, pgcount, SUN50I_GROUP_PTES - first);
	slot = sun50i_pt_get(dom, g, dte_idx,
			     sun50i_iova_dte_index(iova + (n - 1) * SZ_4K), n,
			     gfp, &fresh);
	if (!slot)
		return -ENOMEM;

	ptes = sun50i_pte_ptr(slot, iova);
	i = sun50i_ptes_fill(ptes, n, sun50i_mk_pte(paddr, aci), !fresh);
	if (unlikely(i < n)) {
		/*
		 * A PTE was valid. Invalid PTEs are 0: undo what this call
		 * wrote, in memory too, where a write may have been evicted.
		 */
		memset32(ptes, 0, i);
		if (i)
			sun50i_table_clean(dom->iommu->dev,
					   sun50i_pte_dma(slot, iova),
					   i * sizeof(u32));
		sun50i_pt_put_now(dom, g, n);
		return -EEXIST;
	}
	sun50i_table_clean(dom->iommu->dev, sun50i_pte_dma(slot, iova),
			   n * sizeof(u32));

	*mapped += (size_t)n * SZ_4K;
	return 0;
}

static size_t sun50i_iommu_unmap_pages(struct iommu_domain *domain,
				       unsigned long iova, size_t pgsize,
				       size_t pgcount,
				       struct iommu_iotlb_gather *gather)
{
	struct sun50i_iommu_domain *dom = to_sun50i_domain(domain);
	unsigned int first = (iova / SZ_4K) % SUN50I_GROUP_PTES;
	unsigned int g = sun50i_iova_dte_index(iova) / SUN50I_PTS_PER_PAGE;
	unsigned int n, i;
	u32 *ptes;
	u64 slot;

	if (pgsize != SZ_4K || iova > U32_MAX)
		return 0;

	slot = sun50i_pt_tryget(dom, g);
	if (!slot)
		return 0;

	/* Up to the end of the table page, and the first hole. */
	n = min_t(size_t, pgcount, SUN50I_GROUP_PTES - first);
	ptes = sun50i_pte_ptr(slot, iova);
	i = sun50i_ptes_clear(ptes, n);
	if (i)
		sun50i_table_clean(dom->iommu->dev, sun50i_pte_dma(slot, iova),
				   i * sizeof(u32));
	/*
	 * The PTEs cleared, and the pin. The gathered range only tells
	 * iotlb_sync() that there is something to flush: a retired page,
	 * even if a racing unmap left this call no PTE to clear.
	 */
	if (sun50i_pt_put(dom, g, i + 1, &gather->freelist) || i)
		iommu_iotlb_gather_add_range(gather, iova, SZ_4K);
	return (size_t)i * SZ_4K;
}

/* The PTE of @iova in @dom, 0 if it has none. */
static u32 sun50i_domain_pte(struct sun50i_iommu_domain *dom, u64 iova)
{
	unsigned int g;
	u64 slot;
	u32 pte;

	if (iova > U32_MAX)
		return 0;
	g = sun50i_iova_dte_index(iova) / SUN50I_PTS_PER_PAGE;
	slot = sun50i_pt_tryget(dom, g);
	if (!slot)
		return 0;
	pte = READ_ONCE(*sun50i_pte_ptr(slot, iova));
	sun50i_pt_put_now(dom, g, 1);
	return pte;
}

static phys_addr_t sun50i_iommu_iova_to_phys(struct iommu_domain *domain,
					     dma_addr_t iova)
{
	u32 pte = sun50i_domain_pte(to_sun50i_domain(domain), iova);

	if (!sun50i_pte_valid(pte))
		return 0;
	return sun50i_pte_page_addr(pte) | (iova & (SZ_4K - 1));
}

/* A new mapping replaces invalid entries, which the caches may hold. */
static int sun50i_iommu_iotlb_sync_map(struct iommu_domain *domain,
				       unsigned long iova, size_t size)
{
	return sun50i_domain_flush(to_sun50i_domain(domain));
}

/*
 * An unmap cleared PTEs, and maybe retired table pages: flush, then free
 * them. (An unmap the DMA layer queued, for a deferred flush, comes to no
 * iotlb_sync(): the DMA layer frees its pages after flush_iotlb_all().)
 */
static void sun50i_iommu_iotlb_sync(struct iommu_domain *domain,
				    struct iommu_iotlb_gather *gather)
{
	struct sun50i_iommu_domain *dom = to_sun50i_domain(domain);

	if (gather->start > gather->end)
		return;
	sun50i_pt_pages_free(dom, &gather->freelist, sun50i_domain_flush(dom));
}

static void sun50i_iommu_flush_iotlb_all(struct iommu_domain *domain)
{
	sun50i_domain_flush(to_sun50i_domain(domain));
}

/* Domains */

VISIBLE_IF_KUNIT const struct iommu_domain_ops sun50i_iommu_domain_ops;
EXPORT_SYMBOL_IF_KUNIT(sun50i_iommu_domain_ops);

/**
 * sun50i_domain_zalloc() - allocate the zeroed bookkeeping of a domain
 *
 * Return: the domain, or NULL.
 */
VISIBLE_IF_KUNIT struct sun50i_iommu_domain *sun50i_domain_zalloc(void)
{
	KUNIT_STATIC_STUB_REDIRECT(sun50i_domain_zalloc);

	return kzalloc_obj(struct sun50i_iommu_domain);
}
EXPORT_SYMBOL_IF_KUNIT(sun50i_domain_zalloc);

/**
 * sun50i_iommu_domain_alloc() - allocate a paging domain and its Directory
 *	Table
 * @iommu: the instance the domain will be used on
 *
 * Return: the domain, or an ERR_PTR().
 */
VISIBLE_IF_KUNIT struct iommu_domain *
sun50i_iommu_domain_alloc(struct sun50i_iommu *iommu)
{
	struct sun50i_iommu_domain *dom;

	dom = sun50i_domain_zalloc();
	if (!dom)
		return ERR_PTR(-ENOMEM);
	dom->iommu = iommu;

	dom->dt = sun50i_table_alloc(GFP_KERNEL, SUN50I_DT_SIZE);
	if (!dom->dt)
		goto err_free_dom;
	dom->dt_dma = sun50i_table_map(iommu->dev, dom->dt, SUN50I_DT_SIZE);
	if (dom->dt_dma == DMA_MAPPING_ERROR)
		goto err_free_dt;

	dom->domain.ops = &sun50i_iommu_domain_ops;
	dom->domain.pgsize_bitmap = SZ_4K;
	dom->domain.geometry.aperture_start = 0;
	dom->domain.geometry.aperture_end = U32_MAX;
	dom->domain.geometry.force_aperture = true;
	return &dom->domain;

err_free_dt:
	iommu_free_pages(dom->dt);
err_free_dom:
	kfree(dom);
	return ERR_PTR(-ENOMEM);
}
EXPORT_SYMBOL_IF_KUNIT(sun50i_iommu_domain_alloc);

/**
 * sun50i_iommu_domain_alloc_paging() - the domain_alloc_paging() operation
 * @dev: a master of the instance the domain is for
 *
 * Return: the domain, or an ERR_PTR(): -ENODEV without a master.
 */
VISIBLE_IF_KUNIT struct iommu_domain *
sun50i_iommu_domain_alloc_paging(struct device *dev)
{
	struct sun50i_iommu *iommu = dev ? dev_iommu_priv_get(dev) : NULL;

	/* Its tables are mapped for one instance's walker. */
	if (!iommu)
		return ERR_PTR(-ENODEV);
	return sun50i_iommu_domain_alloc(iommu);
}
EXPORT_SYMBOL_IF_KUNIT(sun50i_iommu_domain_alloc_paging);

/*
 * Install @domain: program it if the IOMMU is powered, else only record it
 * and powering on programs it. Called with iommu->lock held.
 */
static int sun50i_iommu_switch(struct sun50i_iommu *iommu,
			       struct iommu_domain *domain)
{
	if (iommu->powered)
		return sun50i_iommu_program(iommu, domain);
	iommu->installed = domain;
	return 0;
}

/**
 * sun50i_iommu_install() - make @domain the one the hardware uses
 * @iommu: the instance
 * @domain: a paging domain of @iommu, or the identity or blocked domain
 *
 * A context switch of the one TTB. While the IOMMU is powered off this only
 * records @domain, and powering on installs it. A domain that is already
 * installed stays as it is.
 *
 * Return: 0, or -ETIMEDOUT.
 */
VISIBLE_IF_KUNIT int sun50i_iommu_install(struct sun50i_iommu *iommu,
					  struct iommu_domain *domain)
{
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&iommu->lock, flags);
	if (iommu->installed != domain)
		ret = sun50i_iommu_switch(iommu, domain);
	spin_unlock_irqrestore(&iommu->lock, flags);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(sun50i_iommu_install);

static void sun50i_iommu_domain_free(struct iommu_domain *domain)
{
	struct sun50i_iommu_domain *dom = to_sun50i_domain(domain);
	struct sun50i_iommu *iommu = dom->iommu;
	unsigned long flags;
	unsigned int g;
	int ret = 0;
	u64 slot;

	/* Never free tables the hardware may still walk. */
	spin_lock_irqsave(&iommu->lock, flags);
	if (iommu->installed == domain) {
		ret = sun50i_iommu_switch(iommu, &sun50i_iommu_blocked_domain);
		/* The domain goes; powering on installs the blocked one. */
		if (ret)
			iommu->installed = &sun50i_iommu_blocked_domain;
	}
	spin_unlock_irqrestore(&iommu->lock, flags);
	/* A fault report in flight may still name this domain. */
	if (iommu->irq > 0)
		synchronize_irq(iommu->irq);
	if (ret) {
		dev_err(iommu->dev,
			"leaking the tables of a domain the IOMMU may still walk\n");
		kfree(dom);
		return;
	}

	for (g = 0; g < SUN50I_PT_GROUPS; g++) {
		slot = atomic64_read(&dom->slots[g]);
		if (slot)
			iommu_free_pages(sun50i_pt_page_unmap(dom, slot));
	}
	iommu_free_pages(dom->spare);
	iommu_free_pages(dom->retired);
	sun50i_table_unmap(iommu->dev, dom->dt_dma, SUN50I_DT_SIZE);
	iommu_free_pages(dom->dt);
	kfree(dom);
}

static int sun50i_iommu_attach_dev(struct iommu_domain *domain,
				   struct device *dev, struct iommu_domain *old)
{
	struct sun50i_iommu *iommu = dev_iommu_priv_get(dev);
	struct sun50i_iommu_domain *dom = to_sun50i_domain(domain);

	if (dom->iommu != iommu)
		return -EINVAL;
	return sun50i_iommu_install(iommu, domain);
}

VISIBLE_IF_KUNIT const struct iommu_domain_ops sun50i_iommu_domain_ops = {
	.attach_dev	= sun50i_iommu_attach_dev,
	.map_pages	= sun50i_iommu_map_pages,
	.unmap_pages	= sun50i_iommu_unmap_pages,
	.iotlb_sync_map	= sun50i_iommu_iotlb_sync_map,
	.iotlb_sync	= sun50i_iommu_iotlb_sync,
	.flush_iotlb_all = sun50i_iommu_flush_iotlb_all,
	.iova_to_phys	= sun50i_iommu_iova_to_phys,
	.free		= sun50i_iommu_domain_free,
};

/* The identity and blocked domains install no table of their own. */
static int sun50i_iommu_attach_static(struct iommu_domain *domain,
				      struct device *dev,
				      struct iommu_domain *old)
{
	return sun50i_iommu_install(dev_iommu_priv_get(dev), domain);
}

static const struct iommu_domain_ops sun50i_iommu_static_domain_ops = {
	.attach_dev = sun50i_iommu_attach_static,
};

/* Every master bypasses translation. */
VISIBLE_IF_KUNIT struct iommu_domain sun50i_iommu_identity_domain = {
	.type = IOMMU_DOMAIN_IDENTITY,
	.ops = &sun50i_iommu_static_domain_ops,
};
EXPORT_SYMBOL_IF_KUNIT(sun50i_iommu_identity_domain);

/* Every master walks an all-invalid Directory Table: all DMA faults. */
VISIBLE_IF_KUNIT struct iommu_domain sun50i_iommu_blocked_domain = {
	.type = IOMMU_DOMAIN_BLOCKED,
	.ops = &sun50i_iommu_static_domain_ops,
};
EXPORT_SYMBOL_IF_KUNIT(sun50i_iommu_blocked_domain);

/* Devices */

static int sun50i_iommu_of_xlate(struct device *dev,
				 const struct of_phandle_args *args)
{
	struct platform_device *pdev = of_find_device_by_node(args->np);
	struct sun50i_iommu *iommu;
	u32 id;

	if (!pdev)
		return -ENODEV;
	iommu = platform_get_drvdata(pdev);
	put_device(&pdev->dev);
	if (!iommu)
		return -EPROBE_DEFER;

	if (args->args_count != 1 ||
	    args->args[0] >= iommu->variant->num_masters) {
		dev_err(dev, "invalid master ID in iommus of %pOF\n", args->np);
		return -EINVAL;
	}
	id = args->args[0];
	dev_iommu_priv_set(dev, iommu);
	return iommu_fwspec_add_ids(dev, &id, 1);
}

static struct iommu_device *sun50i_iommu_probe_device(struct device *dev)
{
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
	struct sun50i_iommu *iommu = dev_iommu_priv_get(dev);
	unsigned long flags;
	unsigned int i;

	if (!fwspec || !iommu)
		return ERR_PTR(-ENODEV);

	/*
	 * The IOMMU is powered while one of its masters is. A master counts
	 * as active until runtime PM first suspends it: a driver that does
	 * not use runtime PM (the display mixer) still has a working IOMMU.
	 */
	if (!device_link_add(dev, iommu->dev, DL_FLAG_STATELESS |
			     DL_FLAG_PM_RUNTIME | DL_FLAG_RPM_ACTIVE)) {
		dev_err(dev, "cannot link to %s for power management\n",
			dev_name(iommu->dev));
		return ERR_PTR(-EINVAL);
	}

	/*
	 * A master ID may gain a second device: 6.12's sun4i-drm gives the
	 * DRM device the mixer's IOMMU late. Faults stay the first one's,
	 * the device the DT names as the master.
	 */
	spin_lock_irqsave(&iommu->lock, flags);
	for (i = 0; i < fwspec->num_ids; i++)
		if (!iommu->masters[fwspec->ids[i]])
			iommu->masters[fwspec->ids[i]] = dev;
	spin_unlock_irqrestore(&iommu->lock, flags);
	return &iommu->iommu;
}

static void sun50i_iommu_release_device(struct device *dev)
{
	struct iommu_fwspec *fwspec = dev_iommu_fwspec_get(dev);
	struct sun50i_iommu *iommu = dev_iommu_priv_get(dev);
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&iommu->lock, flags);
	for (i = 0; i < fwspec->num_ids; i++)
		if (iommu->masters[fwspec->ids[i]] == dev)
			iommu->masters[fwspec->ids[i]] = NULL;
	spin_unlock_irqrestore(&iommu->lock, flags);

	device_link_remove(dev, iommu->dev);
}

/*
 * The DMA layer may defer the flush after an unmap (iommu.strict=0): the
 * retired table pages wait for it, on its queue or as the domain's retired
 * page, and it flushes the whole TLB like every flush here.
 */
static bool sun50i_iommu_capable(struct device *dev, enum iommu_cap cap)
{
	return cap == IOMMU_CAP_DEFERRED_FLUSH;
}

static struct iommu_group *sun50i_iommu_device_group(struct device *dev)
{
	struct sun50i_iommu *iommu = dev_iommu_priv_get(dev);

	return iommu_group_ref_get(iommu->group);
}

static const struct iommu_ops sun50i_iommu_ops = {
	.identity_domain	= &sun50i_iommu_identity_domain,
	.blocked_domain		= &sun50i_iommu_blocked_domain,
	.domain_alloc_paging	= sun50i_iommu_domain_alloc_paging,
	.probe_device		= sun50i_iommu_probe_device,
	.release_device		= sun50i_iommu_release_device,
	.device_group		= sun50i_iommu_device_group,
	.of_xlate		= sun50i_iommu_of_xlate,
	.capable		= sun50i_iommu_capable,
	.owner			= THIS_MODULE,
	.default_domain_ops	= &sun50i_iommu_domain_ops,
};

/* Faults */

/**
 * struct sun50i_iommu_fault - one fault, read out of the registers
 * @master: the master ID
 * @iova: the faulting address
 * @perm: a permission fault, rather than an invalid entry
 * @flags: IOMMU_FAULT_READ or IOMMU_FAULT_WRITE
 * @cause: what the hardware reported
 * @dev: the master's device, referenced, or NULL
 */
struct sun50i_iommu_fault {
	unsigned int master;
	u32 iova;
	bool perm;
	int flags;
	const char *cause;
	struct device *dev;
};

/**
 * struct sun50i_iommu_faults - what one interrupt found pending
 * @status: the INT_STA bits that were set
 * @lanes: the masters whose lanes stall until their reset is pulsed
 * @programs: @iommu->programs when they were read
 * @domain: the domain installed then
 * @nr: the number of entries in @f
 * @f: one entry per faulting master and cause
 */
struct sun50i_iommu_faults {
	u32 status;
	u32 lanes;
	unsigned long programs;
	struct iommu_domain *domain;
	unsigned int nr;
	struct sun50i_iommu_fault f[3 * SUN50I_IOMMU_MAX_MASTERS];
};

/*
 * The direction of a permission fault follows from the permission domain of
 * the page, which the domain's own PTE gives: the hardware does not report
 * the direction, and what INT_ERR_DATA holds is unverified. Reading a page
 * that allows nothing, or a page unmapped since, is reported as a read.
 */
static void sun50i_fault_direction(struct sun50i_iommu_domain *dom,
				   struct sun50i_iommu_fault *f)
{
	switch (sun50i_pte_aci(sun50i_domain_pte(dom, f->iova))) {
	case SUN50I_ACI_RD:
		f->cause = "write to read-only page";
		f->flags = IOMMU_FAULT_WRITE;
		break;
	case SUN50I_ACI_WR:
		f->cause = "read from write-only page";
		break;
	default:
		f->cause = "access to inaccessible page";
		break;
	}
}

static void sun50i_fault_add(struct sun50i_iommu_faults *fs,
			     unsigned int master, u32 iova, bool perm,
			     const char *cause)
{
	fs->f[fs->nr++] = (struct sun50i_iommu_fault){
		.master = master, .iova = iova, .perm = perm,
		.flags = IOMMU_FAULT_READ, .cause = cause,
	};
}

/* Record an L1 or L2 fault of each master in @masters, at @iova. */
static void sun50i_fault_add_walk(struct sun50i_iommu *iommu,
				  struct sun50i_iommu_faults *fs,
				  unsigned long masters, u32 iova,
				  const char *cause)
{
	unsigned int m;

	for_each_set_bit(m, &masters, iommu->variant->num_masters)
		sun50i_fault_add(fs, m, iova, false, cause);
}

/*
 * Read every pending fault into @fs: which masters faulted, where, and why.
 * Faults of the VA debug port (bit 31 of L1PG/L2PG) name no master; they
 * are only logged. Called with iommu->lock held, while powered.
 */
static void sun50i_iommu_read_faults(struct sun50i_iommu *iommu,
				     struct sun50i_iommu_faults *fs)
{
	u32 masters = sun50i_iommu_master_mask(iommu);
	u32 l1 = 0, l2 = 0;
	unsigned long perm;
	unsigned int m;

	fs->nr = 0;
	fs->status = sun50i_iommu_read(iommu, IOMMU_INT_STA_REG) &
		     (masters | IOMMU_INT_L1_INVALID | IOMMU_INT_L2_INVALID);
	if (fs->status & IOMMU_INT_L1_INVALID)
		l1 = sun50i_iommu_read(iommu, IOMMU_L1PG_INT_REG);
	if (fs->status & IOMMU_INT_L2_INVALID)
		l2 = sun50i_iommu_read(iommu, IOMMU_L2PG_INT_REG);

	perm = fs->status & masters;
	for_each_set_bit(m, &perm, iommu->variant->num_masters)
		sun50i_fault_add(fs, m,
				 sun50i_iommu_read(iommu,
						   IOMMU_INT_ERR_ADDR_REG(m)),
				 true, "permission");
	if (l1 & masters)
		sun50i_fault_add_walk(iommu, fs, l1 & masters,
				      sun50i_iommu_read(iommu,
							IOMMU_INT_ERR_ADDR_L1_REG),
				      "invalid DTE");
	if (l2 & masters)
		sun50i_fault_add_walk(iommu, fs, l2 & masters,
				      sun50i_iommu_read(iommu,
							IOMMU_INT_ERR_ADDR_L2_REG),
				      "invalid PTE");
	if ((l1 | l2) & ~masters)
		dev_warn_ratelimited(iommu->dev,
				     "fault of the debug port (L1 %#x L2 %#x)\n",
				     l1, l2);

	for (m = 0; m < fs->nr; m++)
		fs->f[m].dev = get_device(iommu->masters[fs->f[m].master]);
	fs->lanes = (perm | l1 | l2) & masters;
	fs->domain = iommu->installed;
	fs->programs = iommu->programs;
}

/* Report @f to the domain's fault handler, or log it. */
static void sun50i_iommu_report(struct sun50i_iommu *iommu,
				struct iommu_domain *domain,
				struct sun50i_iommu_fault *f)
{
	if (f->dev && domain && (domain->type & __IOMMU_DOMAIN_PAGING) &&
	    !report_iommu_fault(domain, f->dev, f->iova, f->flags))
		return;
	dev_err_ratelimited(iommu->dev,
			    "%s fault at %#010x by master %u (%s): %s\n",
			    f->flags == IOMMU_FAULT_WRITE ? "write" : "read",
			    f->iova, f->master,
			    f->dev ? dev_name(f->dev) : "no device", f->cause);
}

/*
 * Fault recovery, after the faults were reported: flush the TLBs, which may
 * hold the faulting entries, so that the master's next access walks what a
 * fault handler may have mapped; clear the status; then pulse the faulting
 * lanes' resets, which they stall until. Called with iommu->lock held.
 */
static void sun50i_iommu_recover(struct sun50i_iommu *iommu,
				 struct sun50i_iommu_faults *fs)
{
	int ret = 0;

	/*
	 * Powering off dropped the faults with the rest of the state, and
	 * programming the hardware since reset every lane.
	 */
	if (!iommu->powered || iommu->programs != fs->programs)
		return;

	if (fs->nr && iommu->installed &&
	    (iommu->installed->type & __IOMMU_DOMAIN_PAGING))
		ret = sun50i_iommu_tlb_flush(iommu);
	if (ret)
		dev_err_ratelimited(iommu->dev,
				    "flush after a fault failed: %d\n",
				    ret);
	sun50i_iommu_write(iommu, IOMMU_INT_CLR_REG, fs->status);
	if (fs->lanes) {
		sun50i_iommu_lanes_hold(iommu, fs->lanes);
		sun50i_iommu_lanes_release(iommu);
	}
}

/**
 * sun50i_iommu_irq() - the fault interrupt's thread
 * @irq: the interrupt
 * @data: the instance
 *
 * Return: IRQ_HANDLED if faults were pending, of masters or of the debug
 * port; IRQ_NONE otherwise (also when the IOMMU is powered off: powering
 * off dropped them).
 */
VISIBLE_IF_KUNIT irqreturn_t sun50i_iommu_irq(int irq, void *data)
{
	struct sun50i_iommu *iommu = data;
	struct sun50i_iommu_faults fs = {};
	unsigned long flags;
	unsigned int i;

	spin_lock_irqsave(&iommu->lock, flags);
	if (iommu->powered)
		sun50i_iommu_read_faults(iommu, &fs);
	spin_unlock_irqrestore(&iommu->lock, flags);
	if (!fs.status)
		return IRQ_NONE;

	for (i = 0; i < fs.nr; i++) {
		if (fs.f[i].perm && fs.domain &&
		    (fs.domain->type & __IOMMU_DOMAIN_PAGING))
			sun50i_fault_direction(to_sun50i_domain(fs.domain),
					       &fs.f[i]);
		sun50i_iommu_report(iommu, fs.domain, &fs.f[i]);
	}

	spin_lock_irqsave(&iommu->lock, flags);
	sun50i_iommu_recover(iommu, &fs);
	spin_unlock_irqrestore(&iommu->lock, flags);

	for (i = 0; i < fs.nr; i++)
		put_device(fs.f[i].dev);
	return IRQ_HANDLED;
}
EXPORT_SYMBOL_IF_KUNIT(sun50i_iommu_irq);

/* Power */

/**
 * sun50i_iommu_power_off() - stop translating, gate the clock, assert reset
 * @iommu: the instance, powered
 *
 * Called when no master is active. Holding the lock waits out any
 * flush in flight; afterwards nothing touches the registers until
 * sun50i_iommu_power_on(). A fault pending now is dropped with the rest of
 * the state: the interrupt thread sees the IOMMU off and leaves it.
 */
VISIBLE_IF_KUNIT void sun50i_iommu_power_off(struct sun50i_iommu *iommu)
{
	unsigned long flags;

	spin_lock_irqsave(&iommu->lock, flags);
	sun50i_iommu_write(iommu, IOMMU_ENABLE_REG, 0);
	sun50i_iommu_write(iommu, IOMMU_INT_ENABLE_REG, 0);
	iommu->powered = false;
	spin_unlock_irqrestore(&iommu->lock, flags);

	clk_disable_unprepare(iommu->clk);
	reset_control_assert(iommu->reset);
}
EXPORT_SYMBOL_IF_KUNIT(sun50i_iommu_power_off);

/**
 * sun50i_iommu_power_on() - release reset, enable the clock, reprogram
 * @iommu: the instance, powered off
 *
 * The hardware lost its state: sun50i_iommu_program() restores it for the
 * installed domain and flushes the TLBs, which also covers every
 * flush skipped while the IOMMU was off. Before the first attach
 * there is nothing to restore.
 *
 * Return: 0 or a negative error, with the IOMMU left off.
 */
VISIBLE_IF_KUNIT int sun50i_iommu_power_on(struct sun50i_iommu *iommu)
{
	unsigned long flags;
	int ret;

	ret = reset_control_deassert(iommu->reset);
	if (ret) {
		dev_err(iommu->dev, "cannot deassert reset: %d\n", ret);
		return ret;
	}
	ret = clk_prepare_enable(iommu->clk);
	if (ret) {
		dev_err(iommu->dev, "cannot enable clock: %d\n", ret);
		goto err_reset;
	}

	spin_lock_irqsave(&iommu->lock, flags);
	iommu->powered = true;
	if (iommu->installed)
		ret = sun50i_iommu_program(iommu, iommu->installed);
	if (ret)
		iommu->powered = false;
	spin_unlock_irqrestore(&iommu->lock, flags);
	if (ret) {
		dev_err(iommu->dev, "cannot restore state: %d\n", ret);
		goto err_clk;
	}
	return 0;

err_clk:
	clk_disable_unprepare(iommu->clk);
err_reset:
	reset_control_assert(iommu->reset);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(sun50i_iommu_power_on);

/*
 * The PM core never resumes the suppliers of an IRQ-safe device (pl330
 * makes its devices IRQ-safe), so such a master may start DMA while the
 * IOMMU is off. The reference its device link takes in probe_device() is
 * not enough: a system sleep that finds the master runtime-active drops
 * it, and nothing takes it again. Like the parent of an IRQ-safe device,
 * the IOMMU stays on while such a master may resume: while its runtime PM
 * is enabled. A master's unbind disables it before it drops its link's
 * reference, which is what asks the IOMMU to check again.
 */
static bool sun50i_iommu_irq_safe_master_live(struct sun50i_iommu *iommu)
{
	struct device *master;
	unsigned long flags;
	bool live = false;
	unsigned int i;

	spin_lock_irqsave(&iommu->lock, flags);
	for (i = 0; i < iommu->variant->num_masters && !live; i++) {
		master = iommu->masters[i];
		live = master && pm_runtime_is_irq_safe(master) &&
		       pm_runtime_enabled(master);
	}
	spin_unlock_irqrestore(&iommu->lock, flags);
	return live;
}

static int sun50i_iommu_runtime_suspend(struct device *dev)
{
	struct sun50i_iommu *iommu = dev_get_drvdata(dev);

	if (sun50i_iommu_irq_safe_master_live(iommu))
		return -EBUSY;
	sun50i_iommu_power_off(iommu);
	return 0;
}

static int sun50i_iommu_runtime_resume(struct device *dev)
{
	return sun50i_iommu_power_on(dev_get_drvdata(dev));
}

/*
 * System sleep powers the IOMMU off in the late phase, after the masters'
 * drivers stopped their DMA in the normal phase: the display engine's DRM
 * device, which stops the mixer's scan-out, is not linked to the IOMMU
 * and may suspend after it. Runtime PM is disabled from the late phase to
 * the early one, so its status says whether the IOMMU was on; it is left
 * as it was, except after a failed power-on.
 */
static int sun50i_iommu_suspend_late(struct device *dev)
{
	if (!pm_runtime_status_suspended(dev))
		sun50i_iommu_power_off(dev_get_drvdata(dev));
	return 0;
}

static int sun50i_iommu_resume_early(struct device *dev)
{
	int ret;

	if (pm_runtime_status_suspended(dev))
		return 0;
	ret = sun50i_iommu_power_on(dev_get_drvdata(dev));
	if (ret)
		pm_runtime_set_suspended(dev);
	return ret;
}

static const struct dev_pm_ops sun50i_iommu_pm_ops = {
	LATE_SYSTEM_SLEEP_PM_OPS(sun50i_iommu_suspend_late,
				 sun50i_iommu_resume_early)
	RUNTIME_PM_OPS(sun50i_iommu_runtime_suspend,
		       sun50i_iommu_runtime_resume, NULL)
};

/*
 * On unbind or a failed probe: off, unless runtime PM already turned it
 * off. Runtime PM is disabled by now, so @powered cannot change.
 */
static void sun50i_iommu_unbind_power_off(void *data)
{
	struct sun50i_iommu *iommu = data;

	if (iommu->powered)
		sun50i_iommu_power_off(iommu);
}

/* Driver */

static void sun50i_iommu_free_blocked_dt(void *data)
{
	struct sun50i_iommu *iommu = data;

	sun50i_table_unmap(iommu->dev, iommu->blocked_dt_dma, SUN50I_DT_SIZE);
	iommu_free_pages(iommu->blocked_dt);
}

static int sun50i_iommu_alloc_blocked_dt(struct sun50i_iommu *iommu)
{
	iommu->blocked_dt = sun50i_table_alloc(GFP_KERNEL, SUN50I_DT_SIZE);
	if (!iommu->blocked_dt)
		return -ENOMEM;
	iommu->blocked_dt_dma = sun50i_table_map(iommu->dev, iommu->blocked_dt,
						 SUN50I_DT_SIZE);
	if (iommu->blocked_dt_dma == DMA_MAPPING_ERROR) {
		iommu_free_pages(iommu->blocked_dt);
		return -ENOMEM;
	}
	return devm_add_action_or_reset(iommu->dev,
					sun50i_iommu_free_blocked_dt, iommu);
}

static void sun50i_iommu_put_group(void *data)
{
	iommu_group_put(data);
}

static int sun50i_iommu_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct sun50i_iommu *iommu;
	int ret;

	iommu = devm_kzalloc(dev, sizeof(*iommu), GFP_KERNEL);
	if (!iommu)
		return -ENOMEM;
	iommu->dev = dev;
	iommu->variant = of_device_get_match_data(dev);
	spin_lock_init(&iommu->lock);

	iommu->base = devm_platform_ioremap_resource(pdev, 0);
	if (IS_ERR(iommu->base))
		return dev_err_probe(dev, PTR_ERR(iommu->base),
				     "cannot map registers\n");
	iommu->irq = platform_get_irq(pdev, 0);
	if (iommu->irq < 0)
		return iommu->irq;
	iommu->clk = devm_clk_get(dev, NULL);
	if (IS_ERR(iommu->clk))
		return dev_err_probe(dev, PTR_ERR(iommu->clk),
				     "cannot get bus clock\n");
	iommu->reset = devm_reset_control_get_exclusive(dev, NULL);
	if (IS_ERR(iommu->reset))
		return dev_err_probe(dev, PTR_ERR(iommu->reset),
				     "cannot get reset\n");

	/* The walker and every table address are 32-bit. */
	ret = dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32));
	if (ret)
		return dev_err_probe(dev, ret, "no 32-bit DMA\n");
	ret = sun50i_iommu_alloc_blocked_dt(iommu);
	if (ret)
		return dev_err_probe(dev, ret, "cannot allocate tables\n");

	iommu->group = iommu_group_alloc();
	if (IS_ERR(iommu->group))
		return dev_err_probe(dev, PTR_ERR(iommu->group),
				     "cannot allocate group\n");
	ret = devm_add_action_or_reset(dev, sun50i_iommu_put_group,
				       iommu->group);
	if (ret)
		return ret;

	/*
	 * On until runtime PM finds no active master; without CONFIG_PM,
	 * on until unbind.
	 */
	ret = sun50i_iommu_power_on(iommu);
	if (ret)
		return dev_err_probe(dev, ret, "cannot power on\n");
	ret = devm_add_action_or_reset(dev, sun50i_iommu_unbind_power_off,
				       iommu);
	if (ret)
		return ret;

	ret = devm_request_threaded_irq(dev, iommu->irq, NULL, sun50i_iommu_irq,
					IRQF_ONESHOT, dev_name(dev), iommu);
	if (ret)
		return dev_err_probe(dev, ret, "cannot request IRQ\n");

	platform_set_drvdata(pdev, iommu);
	ret = pm_runtime_set_active(dev);
	if (ret)
		return dev_err_probe(dev, ret, "cannot set runtime PM status\n");
	ret = devm_pm_runtime_enable(dev);
	if (ret)
		return ret;
	ret = iommu_device_sysfs_add(&iommu->iommu, dev, NULL, "%s",
				     dev_name(dev));
	if (ret)
		return dev_err_probe(dev, ret, "cannot add to sysfs\n");
	ret = iommu_device_register(&iommu->iommu, &sun50i_iommu_ops, dev);
	if (ret) {
		iommu_device_sysfs_remove(&iommu->iommu);
		return dev_err_probe(dev, ret, "cannot register\n");
	}
	return 0;
}

static void sun50i_iommu_remove(struct platform_device *pdev)
{
	struct sun50i_iommu *iommu = platform_get_drvdata(pdev);

	iommu_device_unregister(&iommu->iommu);
	iommu_device_sysfs_remove(&iommu->iommu);
}

VISIBLE_IF_KUNIT const struct sun50i_iommu_variant sun50i_h6_iommu_variant = {
	.num_masters		= 6,
	.prefetch_masters	= GENMASK(5, 0),
};
EXPORT_SYMBOL_IF_KUNIT(sun50i_h6_iommu_variant);

/* Allwinner's H616 kernels keep prefetch off on this generation. */
static const struct sun50i_iommu_variant sun50i_h616_iommu_variant = {
	.num_masters		= 7,
	.prefetch_masters	= 0,
};

static const struct of_device_id sun50i_iommu_of_match[] = {
	{ .compatible = "allwinner,sun50i-h6-iommu",
	  .data = &sun50i_h6_iommu_variant },
	{ .compatible = "allwinner,sun50i-h616-iommu",
	  .data = &sun50i_h616_iommu_variant },
	{ /* sentinel */ }
};
MODULE_DEVICE_TABLE(of, sun50i_iommu_of_match);

static struct platform_driver sun50i_iommu_driver = {
	.driver = {
		.name		= "sun50i-iommu",
		.of_match_table	= sun50i_iommu_of_match,
		.pm		= pm_ptr(&sun50i_iommu_pm_ops),
		/* Live domains point into the instance: it stays bound. */
		.suppress_bind_attrs = true,
	},
	.probe	= sun50i_iommu_probe,
	.remove	= sun50i_iommu_remove,
};
module_platform_driver(sun50i_iommu_driver);

MODULE_DESCRIPTION("Allwinner H6/H616 IOMMU driver");
MODULE_LICENSE("GPL");
