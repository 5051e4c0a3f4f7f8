/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Allwinner H6/H616 IOMMU: definitions shared by the driver and its KUnit
 * test.
 */
#ifndef __SUN50I_IOMMU_H
#define __SUN50I_IOMMU_H

#include <linux/atomic.h>
#include <linux/bitfield.h>
#include <linux/bitmap.h>
#include <linux/bits.h>
#include <linux/iommu.h>
#include <linux/irqreturn.h>
#include <linux/sizes.h>
#include <linux/spinlock.h>
#include <linux/types.h>

/*
 * Translation tables
 *
 * A 32-bit IOVA is split into a Directory Table index, a Page Table index
 * and a page offset:
 *
 *   31                  20 19            12 11                  0
 *  +----------------------+----------------+---------------------+
 *  |      DTE index       |   PTE index    |     page offset     |
 *  +----------------------+----------------+---------------------+
 *
 * The Directory Table holds 4096 DTEs, each covering 1 MiB; a Page Table
 * holds 256 PTEs, each mapping one 4 KiB page. Both tables hold 32-bit
 * entries and every address in them is a 32-bit bus address.
 *
 * DTE:
 *   31                                          10 9          2 1  0
 *  +----------------------------------------------+------------+----+
 *  |          Page Table address [31:10]          |  reserved  |type|
 *  +----------------------------------------------+------------+----+
 *  type 0b01 = points to a Page Table; anything else is invalid.
 *
 * PTE:
 *   31                              12 11      8 7     4 3   2 1 0
 *  +----------------------------------+---------+-------+-----+-+-+
 *  |      page address [31:12]        |reserved |  ACI  | res |V|r|
 *  +----------------------------------+---------+-------+-----+-+-+
 *  V = valid. ACI = access control index, selects a permission domain.
 */
#define SUN50I_DT_ENTRIES		4096
#define SUN50I_DT_SIZE			(SUN50I_DT_ENTRIES * sizeof(u32))
#define SUN50I_PT_ENTRIES		256
#define SUN50I_PT_SIZE			(SUN50I_PT_ENTRIES * sizeof(u32))
#define SUN50I_DTE_SPAN			SZ_1M
#define SUN50I_IOVA_DTE_INDEX		GENMASK(31, 20)
#define SUN50I_IOVA_PTE_INDEX		GENMASK(19, 12)

#define SUN50I_DTE_PT_ADDR		GENMASK(31, 10)
#define SUN50I_DTE_TYPE			GENMASK(1, 0)
#define SUN50I_DTE_TYPE_PT		1

#define SUN50I_PTE_PAGE_ADDR		GENMASK(31, 12)
#define SUN50I_PTE_ACI			GENMASK(7, 4)
#define SUN50I_PTE_VALID		BIT(1)

/*
 * Page Tables are allocated a kernel page at a time: one table page holds
 * the Page Tables of SUN50I_PTS_PER_PAGE consecutive DTEs, a "PT group".
 */
#define SUN50I_PTS_PER_PAGE		(PAGE_SIZE / SUN50I_PT_SIZE)
#define SUN50I_PT_GROUPS		(SUN50I_DT_ENTRIES / SUN50I_PTS_PER_PAGE)
#define SUN50I_PT_GROUP_SPAN		(SUN50I_PTS_PER_PAGE * SUN50I_DTE_SPAN)
#define SUN50I_GROUP_PTES		(SUN50I_PTS_PER_PAGE * SUN50I_PT_ENTRIES)

/*
 * A PT group slot describes the group's table page in one 64-bit word, so
 * that installing, using and retiring it are single atomic operations:
 *
 *   63                  36 35                16 15               0
 *  +----------------------+--------------------+-----------------+
 *  |   page frame number  | bus address >> 12  |   live count    |
 *  +----------------------+--------------------+-----------------+
 *
 * 0 means no table page. The live count is the number of valid PTEs in the
 * group plus the PTEs a map in progress has reserved. A slot with a page
 * and a count of 0 is being retired: its DTEs are being cleared.
 */
#define SUN50I_SLOT_COUNT		GENMASK_ULL(15, 0)
#define SUN50I_SLOT_BUS_PFN		GENMASK_ULL(35, 16)
#define SUN50I_SLOT_PFN			GENMASK_ULL(63, 36)

/*
 * Access control indices. Each selects one of 16 permission domains whose
 * per-master read and write rights are set in the DM_AUT_CTRL registers.
 * Index 0 cannot be restricted, so it is never used.
 */
enum sun50i_iommu_aci {
	SUN50I_ACI_RW = 1,
	SUN50I_ACI_RD,
	SUN50I_ACI_WR,
	SUN50I_ACI_NONE,
};

static inline u32 sun50i_iova_dte_index(u32 iova)
{
	return FIELD_GET(SUN50I_IOVA_DTE_INDEX, iova);
}

static inline u32 sun50i_iova_pte_index(u32 iova)
{
	return FIELD_GET(SUN50I_IOVA_PTE_INDEX, iova);
}

static inline u32 sun50i_mk_dte(u32 pt_addr)
{
	return (pt_addr & SUN50I_DTE_PT_ADDR) |
	       FIELD_PREP(SUN50I_DTE_TYPE, SUN50I_DTE_TYPE_PT);
}

static inline bool sun50i_dte_valid(u32 dte)
{
	return FIELD_GET(SUN50I_DTE_TYPE, dte) == SUN50I_DTE_TYPE_PT;
}

static inline u32 sun50i_dte_pt_addr(u32 dte)
{
	return dte & SUN50I_DTE_PT_ADDR;
}

static inline u32 sun50i_mk_pte(u32 page_addr, enum sun50i_iommu_aci aci)
{
	return (page_addr & SUN50I_PTE_PAGE_ADDR) |
	       FIELD_PREP(SUN50I_PTE_ACI, aci) | SUN50I_PTE_VALID;
}

static inline bool sun50i_pte_valid(u32 pte)
{
	return pte & SUN50I_PTE_VALID;
}

static inline u32 sun50i_pte_page_addr(u32 pte)
{
	return pte & SUN50I_PTE_PAGE_ADDR;
}

static inline enum sun50i_iommu_aci sun50i_pte_aci(u32 pte)
{
	return FIELD_GET(SUN50I_PTE_ACI, pte);
}

/**
 * struct sun50i_iommu_variant - what differs between SoC generations
 * @num_masters: number of DMA masters (micro TLBs) behind the IOMMU
 * @prefetch_masters: masters whose micro TLB may prefetch the next entry
 */
struct sun50i_iommu_variant {
	unsigned int num_masters;
	u32 prefetch_masters;
};

#define SUN50I_IOMMU_MAX_MASTERS	7

/**
 * struct sun50i_iommu - one IOMMU instance
 * @iommu: the core's handle for this instance
 * @dev: the IOMMU's platform device; table memory is mapped for it
 * @variant: SoC data
 * @base: registers
 * @irq: fault interrupt
 * @clk: bus clock
 * @reset: bus reset
 * @group: the one group of all masters: they share one translation table
 * @blocked_dt: an all-invalid Directory Table, installed to block all DMA
 * @blocked_dt_dma: its bus address
 * @lock: serialises register sequences; protects @powered, @programs,
 *	@installed and @masters
 * @powered: clock on, reset released and registers programmed; no register
 *	is touched otherwise
 * @programs: how often the hardware was programmed (sun50i_iommu_program()):
 *	faults read before are over
 * @installed: the domain whose table the hardware uses (or will use once
 *	powered), NULL before the first attach
 * @masters: the first device of each master ID, for fault reports and for
 *	runtime PM
 */
struct sun50i_iommu {
	struct iommu_device iommu;
	struct device *dev;
	const struct sun50i_iommu_variant *variant;
	void __iomem *base;
	int irq;
	struct clk *clk;
	struct reset_control *reset;
	struct iommu_group *group;
	u32 *blocked_dt;
	dma_addr_t blocked_dt_dma;

	/*
	 * Serialises register sequences; protects powered, programs,
	 * installed and masters.
	 */
	spinlock_t lock;
	bool powered;
	unsigned long programs;
	struct iommu_domain *installed;
	struct device *masters[SUN50I_IOMMU_MAX_MASTERS];
};

/**
 * struct sun50i_iommu_domain - a paging domain
 * @domain: the core's handle
 * @iommu: the instance whose device maps the table memory
 * @dt: the Directory Table
 * @dt_dma: its bus address, written to the TTB register
 * @slots: one word per PT group, see SUN50I_SLOT_*
 * @dte_live: the DTEs that are written and cleaned, so a mapper may rely on
 *	them; cleared when their table page is retired
 * @groups: the PT groups that have a table page
 * @retired: a retired table page, empty, that the walker may still reach
 *	until the next flush, which makes it the spare
 * @spare: an empty table page for the next PT group, kept while @groups
 *	is not 0
 */
struct sun50i_iommu_domain {
	struct iommu_domain domain;
	struct sun50i_iommu *iommu;
	u32 *dt;
	dma_addr_t dt_dma;
	atomic64_t slots[SUN50I_PT_GROUPS];
	DECLARE_BITMAP(dte_live, SUN50I_DT_ENTRIES);
	atomic_t groups;
	void *retired;
	void *spare;
};

static inline struct sun50i_iommu_domain *
to_sun50i_domain(struct iommu_domain *domain)
{
	return container_of(domain, struct sun50i_iommu_domain, domain);
}

#if IS_ENABLED(CONFIG_KUNIT)
extern const struct sun50i_iommu_variant sun50i_h6_iommu_variant;
extern const struct iommu_domain_ops sun50i_iommu_domain_ops;
extern struct iommu_domain sun50i_iommu_identity_domain;
extern struct iommu_domain sun50i_iommu_blocked_domain;

struct sun50i_iommu_domain *sun50i_domain_zalloc(void);
struct iommu_domain *sun50i_iommu_domain_alloc(struct sun50i_iommu *iommu);
struct iommu_domain *sun50i_iommu_domain_alloc_paging(struct device *dev);
void sun50i_pt_put_now(struct sun50i_iommu_domain *dom, unsigned int g,
		       unsigned int n);
enum sun50i_iommu_aci sun50i_prot_to_aci(int prot);
void *sun50i_table_alloc(gfp_t gfp, size_t size);
dma_addr_t sun50i_table_map(struct device *dev, void *table, size_t size);
void sun50i_table_unmap(struct device *dev, dma_addr_t dma, size_t size);
void sun50i_table_clean(struct device *dev, dma_addr_t dma, size_t size);
int sun50i_iommu_tlb_flush(struct sun50i_iommu *iommu);
void sun50i_iommu_write(struct sun50i_iommu *iommu, u32 reg, u32 val);
int sun50i_iommu_program(struct sun50i_iommu *iommu,
			 struct iommu_domain *domain);
int sun50i_iommu_install(struct sun50i_iommu *iommu,
			 struct iommu_domain *domain);
int sun50i_iommu_power_on(struct sun50i_iommu *iommu);
void sun50i_iommu_power_off(struct sun50i_iommu *iommu);
irqreturn_t sun50i_iommu_irq(int irq, void *data);
#endif

#endif /* __SUN50I_IOMMU_H */
