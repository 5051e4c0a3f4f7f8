/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * End-to-end tests of the sun50i IOMMU driver on the emulated board: what
 * the files of the test module share. core.c has the helpers and the "run"
 * parameter, domains.c the cases about domains and mappings, faults.c
 * those about faults, power.c those about power management.
 */
#ifndef SUN50I_IOMMU_E2E_H
#define SUN50I_IOMMU_E2E_H

#include <linux/completion.h>
#include <linux/dmaengine.h>
#include <linux/iommu.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#define E2E_DMA0		"4800000.dma-controller"
#define E2E_DMA1		"4801000.dma-controller"
#define E2E_NUM_DMA		2
#define E2E_TIMEOUT_MS		1000

/* IOVAs the unmanaged-domain cases choose, far below the DMA API's. */
#define E2E_IOVA_SRC		0x10000000UL
#define E2E_IOVA_DST		0x10200000UL
#define E2E_IOVA_AUX		0x10400000UL
#define E2E_IOVA_REC		0x10600000UL
#define E2E_IOVA_MC		0x10800000UL
/* The DMA API allocates IOVAs top down from 4 GiB: mirror this window. */
#define E2E_DMA_WINDOW_START	0xff000000ULL
#define E2E_DMA_WINDOW_END	0x100000000ULL
#define E2E_LEN			(2 * PAGE_SIZE)

/* IOMMU registers this test reads: fault status and the PMU (§8.1). */
#define IOMMU_INT_STA		0x108
#define IOMMU_PMU_ENABLE	0x200
#define IOMMU_PMU_CLR		0x210
#define IOMMU_PMU_SLOT(i)	(0x230 + 0x10 * (i))
#define IOMMU_PMU_HIGH		GENMASK(10, 0)
#define IOMMU_NUM_MASTERS	6
/* The IOMMU's bus clock gate and reset in the CCU (hardware reference) */
#define CCU_BUS_IOMMU		0x7bc
#define CCU_BUS_IOMMU_GATE	BIT(0)
#define CCU_BUS_IOMMU_RSTN	BIT(16)
#define IOMMU_PMU_SLOTS		(IOMMU_NUM_MASTERS + 2)

/* PL330 registers and instructions, to scrub it and to drive it alone. */
#define PL330_INTEN		0x020
#define PL330_INT_EVENT_RIS	0x024
#define PL330_INTCLR		0x02c
#define PL330_CS(n)		(0x100 + 8 * (n))
#define PL330_CS_STATE		GENMASK(3, 0)
#define PL330_DBGSTATUS		0xd00
#define PL330_DBGCMD		0xd04
#define PL330_DBGINST0		0xd08
#define PL330_DBGINST1		0xd0c
#define PL330_DMAEND		0x00
#define PL330_DMAKILL		0x01
#define PL330_DMALD		0x04
#define PL330_DMAST		0x08
#define PL330_DMAWMB		0x13
#define PL330_DMALP(lc)		(0x20 | ((lc) << 1))
#define PL330_DMASEV		0x34
#define PL330_DMALPEND(lc)	(0x38 | ((lc) << 2))
#define PL330_DMAGO		0xa0
#define PL330_DMAMOV		0xbc
#define PL330_MOV_SAR		0
#define PL330_MOV_CCR		1
#define PL330_MOV_DAR		2
/* 16 beats of 8 bytes, incrementing, for both source and destination. */
#define PL330_CCR_BURST		(BIT(0) | (3 << 1) | (15 << 4) | \
				 BIT(14) | (3 << 15) | (15 << 18))
#define PL330_BURST_BYTES	128
#define PL330_EVENT		0
#define PL330_THREADS		8

extern const char * const e2e_dma_names[E2E_NUM_DMA];
extern const unsigned int e2e_dma_masters[E2E_NUM_DMA][2];
extern void __iomem *e2e_iommu_regs;
extern int e2e_owner;

/* One run of a case: its checks, counted. */
struct e2e_case {
	const char *name;
	unsigned int checks;
	unsigned int failed;
};

/* A memcpy channel of a PL330, through the DMA engine API. */
struct e2e_chan {
	struct dma_chan *chan;
	struct device *dev;
	unsigned int dma;
	struct completion done;
};

/* A buffer of whole pages below 4 GiB. */
struct e2e_buf {
	struct page *page;
	void *va;
	phys_addr_t pa;
	size_t len;
};

/* A PL330 driven directly, with its program in @mcode. */
struct e2e_pl330 {
	void __iomem *regs;
	struct e2e_buf mcode;
};

/* Faults reported to our handler */
#define E2E_MAX_FAULTS	16

struct e2e_faults {
	/* Protects n and f[]; the handler runs in the IOMMU's IRQ path. */
	spinlock_t lock;
	unsigned int n;
	struct {
		struct device *dev;
		unsigned long iova;
		int flags;
	} f[E2E_MAX_FAULTS];
	struct completion any;
};

/* The PL330s, unbound, on their claimed group with a domain of ours */
struct e2e_owned {
	struct device *dev[E2E_NUM_DMA];
	struct e2e_pl330 pl[E2E_NUM_DMA];
	bool active[E2E_NUM_DMA];
	struct iommu_group *group;
	bool owned;
	struct iommu_domain *dom;
	bool attached;
	struct e2e_faults faults;
};

/* An unmanaged domain on the group of the PL330s */
struct e2e_domain {
	struct iommu_domain *domain;
	struct iommu_group *group;
	struct iommu_domain *dma_domain;
	struct e2e_faults faults;
	bool attached;
};

/* A kthread that sleeps 1 ms at a time: its longest gap shows stalls. */
struct e2e_heartbeat {
	struct task_struct *task;
	u64 beats;
	s64 max_gap_us;
};

__printf(4, 5) bool e2e_check(struct e2e_case *c, bool ok, const char *id,
			      const char *fmt, ...);
int e2e_chan_get(struct e2e_chan *ec, unsigned int dma);
void e2e_chan_put(struct e2e_chan *ec);
struct device *e2e_find_pl330(unsigned int dma);
int e2e_master_get(struct device *dev);
int e2e_master_idle(struct device *dev);
void e2e_master_put(struct device *dev);
int e2e_memcpy(struct e2e_chan *ec, dma_addr_t dst, dma_addr_t src,
	       size_t len);
int e2e_buf_alloc(struct e2e_buf *b, size_t len);
void e2e_buf_free(struct e2e_buf *b);
void e2e_fill(void *p, size_t len, u8 seed);
bool e2e_holds(const void *p, size_t len, u8 seed);
int e2e_pl330_dbg(struct e2e_pl330 *pl, u32 inst0, u32 inst1);
void e2e_pl330_kill(struct e2e_pl330 *pl, unsigned int ch);
void e2e_pl330_scrub(unsigned int dma);
const char *e2e_domain_type(struct iommu_domain *dom);
int e2e_iommu_map_regs(void);
bool e2e_iommu_powered(void);
bool e2e_iommu_quiet(struct e2e_case *c);
int e2e_pmu_start(void);
bool e2e_pmu_live(struct e2e_case *c);
u64 e2e_pmu_counter(unsigned int slot, bool hit);
void e2e_pmu_show(const char *who);
int e2e_fault_handler(struct iommu_domain *domain, struct device *dev,
		      unsigned long iova, int flags, void *token);
void e2e_faults_init(struct e2e_faults *fl);
void e2e_faults_reset(struct e2e_faults *fl);
void e2e_faults_show(struct e2e_case *c, struct e2e_faults *fl);
bool e2e_faults_have(struct e2e_faults *fl, struct device *dev,
		     unsigned long iova, size_t len, int flags);
int e2e_domain_attach(struct e2e_case *c, struct e2e_domain *ed,
		      struct device *dev);
void e2e_domain_detach(struct e2e_case *c, struct e2e_domain *ed,
		       struct device *dev);
int e2e_map(struct e2e_case *c, struct e2e_domain *ed,
	    unsigned long iova, struct e2e_buf *b, int prot);
void e2e_unmap(struct e2e_case *c, struct e2e_domain *ed,
	       unsigned long iova, size_t len);
bool e2e_wait_fault(struct e2e_case *c, struct e2e_faults *fl);
void e2e_case_dma(struct e2e_case *c, const char *arg);
void e2e_case_unmanaged(struct e2e_case *c, const char *arg);
void e2e_case_readonly(struct e2e_case *c, const char *arg);
void e2e_case_remap(struct e2e_case *c, const char *arg);
void e2e_case_identity(struct e2e_case *c, const char *arg);
int e2e_pl330_start(struct e2e_pl330 *pl, unsigned int ch, u32 mc_bus,
		    u32 dst, u32 src);
int e2e_pl330_finish(struct e2e_pl330 *pl, unsigned int ch);
int e2e_pl330_copy(struct e2e_pl330 *pl, unsigned int ch, u32 mc_bus,
		   u32 dst, u32 src);
void e2e_group_release(struct iommu_group *group, bool owned,
		       struct iommu_domain *dom);
void e2e_case_blocked(struct e2e_case *c, const char *arg);
int e2e_owned_get(struct e2e_case *c, struct e2e_owned *o);
void e2e_owned_put(struct e2e_owned *o);
int e2e_owned_copy(struct e2e_case *c, struct e2e_owned *o, unsigned int dma,
		   u32 dst, u32 src);
void e2e_case_prefetch_map(struct e2e_case *c, const char *arg);
void e2e_case_prefetch_unmap(struct e2e_case *c, const char *arg);
void e2e_case_permissions(struct e2e_case *c, const char *arg);
void e2e_case_switch(struct e2e_case *c, const char *arg);
void e2e_case_unbind(struct e2e_case *c, const char *arg);
void e2e_case_debug_storm(struct e2e_case *c, const char *arg);
void e2e_case_multi_fault(struct e2e_case *c, const char *arg);
struct device *e2e_iommu_dev(void);
u32 e2e_ccu_bus_iommu(void);
bool e2e_check_power(struct e2e_case *c, struct device *iommu, bool on,
		     const char *id);
void e2e_case_pm_idle(struct e2e_case *c, const char *arg);
void e2e_case_pm_active(struct e2e_case *c, const char *arg);
void e2e_case_pm_master(struct e2e_case *c, const char *arg);
void e2e_case_sleep_cycles(struct e2e_case *c, const char *arg);
int e2e_heartbeat_start(struct e2e_heartbeat *hb);
void e2e_heartbeat_check(struct e2e_case *c, struct e2e_heartbeat *hb, s64 ms);
void e2e_case_storm(struct e2e_case *c, const char *arg);
void e2e_case_display_dma(struct e2e_case *c, const char *arg);
void e2e_case_display_block(struct e2e_case *c, const char *arg);
void e2e_case_pmu_expect(struct e2e_case *c, const char *arg);
void e2e_case_demo(struct e2e_case *c, const char *arg);
void e2e_case_bench(struct e2e_case *c, const char *arg);

#endif /* SUN50I_IOMMU_E2E_H */
