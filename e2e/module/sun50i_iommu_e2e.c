// SPDX-License-Identifier: GPL-2.0-only
/*
 * End-to-end tests of the sun50i IOMMU driver on the emulated board
 * (QEMU "sun50i-h6-iommu-testbed"): the cases that dmatest cannot cover,
 * driven through the IOMMU API and real DMA by the two PL330s behind the
 * IOMMU. PL330 #0 reads through master 1 and writes through master 3,
 * PL330 #1 uses master 4; all of them share one IOMMU group.
 *
 * Each case is run by writing its name to the "run" parameter:
 *
 *   echo unmanaged > /sys/module/sun50i_iommu_e2e/parameters/run
 *
 * which logs one "ok"/"not ok" line per check and a final
 * "RESULT <case> PASS|FAIL" line, and fails the write on failure.
 *
 * The board has no CPU caches to maintain: QEMU does not model them, so
 * buffers handed to the IOMMU API directly are not cleaned here.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/amba/bus.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/dmaengine.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/iopoll.h>
#include <linux/kthread.h>
#include <linux/ktime.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/mm.h>
#include <linux/of.h>
#include <linux/of_address.h>
#include <linux/of_platform.h>
#include <linux/platform_device.h>
#include <linux/pm_runtime.h>
#include <linux/slab.h>
#include <linux/suspend.h>
#include <linux/string.h>
#include <linux/unaligned.h>

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

static const char * const e2e_dma_names[E2E_NUM_DMA] = { E2E_DMA0, E2E_DMA1 };
/* The IOMMU masters of each PL330: reads, writes. */
static const unsigned int e2e_dma_masters[E2E_NUM_DMA][2] = { { 1, 3 }, { 4, 4 } };

static void __iomem *e2e_iommu_regs;
static int e2e_owner;

struct e2e_case {
	const char *name;
	unsigned int checks;
	unsigned int failed;
};

static __printf(4, 5) bool e2e_check(struct e2e_case *c, bool ok,
				     const char *id, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_info("%s: %s %s - %pV\n", c->name, ok ? "ok" : "not ok", id, &vaf);
	va_end(args);
	c->checks++;
	if (!ok)
		c->failed++;
	return ok;
}

/* DMA channels */

struct e2e_chan {
	struct dma_chan *chan;
	struct device *dev;
	unsigned int dma;
	struct completion done;
};

static bool e2e_filter_fn(struct dma_chan *chan, void *param)
{
	return !strcmp(dev_name(chan->device->dev), param);
}

/* A memcpy channel of PL330 @dma. */
static int e2e_chan_get(struct e2e_chan *ec, unsigned int dma)
{
	dma_cap_mask_t mask;

	dma_cap_zero(mask);
	dma_cap_set(DMA_MEMCPY, mask);
	ec->chan = dma_request_channel(mask, e2e_filter_fn,
				       (void *)e2e_dma_names[dma]);
	if (!ec->chan) {
		pr_err("no usable channel on %s\n", e2e_dma_names[dma]);
		return -ENODEV;
	}
	ec->dev = ec->chan->device->dev;
	ec->dma = dma;
	init_completion(&ec->done);
	return 0;
}

static void e2e_chan_put(struct e2e_chan *ec)
{
	if (ec->chan)
		dma_release_channel(ec->chan);
	ec->chan = NULL;
}

/* The device of PL330 @dma, referenced. */
static struct device *e2e_find_pl330(unsigned int dma)
{
	return bus_find_device_by_name(&amba_bustype, NULL, e2e_dma_names[dma]);
}

/*
 * Runtime PM of an unbound PL330, as its driver would do it: the device
 * link then powers the IOMMU while the PL330 is active. (Bound, pl330 marks
 * its device IRQ-safe, and the PM core does not follow device links of
 * IRQ-safe devices: the IOMMU stays on while pl330 is bound.)
 */
static int e2e_master_get(struct device *dev)
{
	int ret;

	pm_runtime_enable(dev);
	ret = pm_runtime_resume_and_get(dev);
	if (ret)
		pm_runtime_disable(dev);
	return ret;
}

/*
 * Let the master idle: suspend it now. pl330 left its device set up for
 * autosuspend, so a plain put would only arm a timer, and disabling runtime
 * PM before it fired would leave the master (and with it the IOMMU, which
 * its device link holds) active for good.
 */
static int e2e_master_idle(struct device *dev)
{
	return pm_runtime_put_sync_suspend(dev);
}

static void e2e_master_put(struct device *dev)
{
	e2e_master_idle(dev);
	pm_runtime_disable(dev);
}

static void e2e_dma_done(void *arg)
{
	complete(arg);
}

/*
 * Copy @len bytes from bus address @src to @dst. Returns 0 once the engine
 * reported completion, -ETIMEDOUT (after stopping the channel) if it did
 * not within E2E_TIMEOUT_MS: a faulting PL330 program may end without it.
 */
static int e2e_memcpy(struct e2e_chan *ec, dma_addr_t dst, dma_addr_t src,
		      size_t len)
{
	struct dma_async_tx_descriptor *tx;
	dma_cookie_t cookie;

	reinit_completion(&ec->done);
	tx = dmaengine_prep_dma_memcpy(ec->chan, dst, src, len,
				       DMA_PREP_INTERRUPT | DMA_CTRL_ACK);
	if (!tx)
		return -ENOMEM;
	tx->callback = e2e_dma_done;
	tx->callback_param = &ec->done;
	cookie = dmaengine_submit(tx);
	if (dma_submit_error(cookie))
		return -EIO;
	dma_async_issue_pending(ec->chan);
	if (!wait_for_completion_timeout(&ec->done,
					 msecs_to_jiffies(E2E_TIMEOUT_MS))) {
		dmaengine_terminate_sync(ec->chan);
		return -ETIMEDOUT;
	}
	return 0;
}

/* Buffers */

struct e2e_buf {
	struct page *page;
	void *va;
	phys_addr_t pa;
	size_t len;
};

static int e2e_buf_alloc(struct e2e_buf *b, size_t len)
{
	b->page = alloc_pages(GFP_KERNEL | GFP_DMA32 | __GFP_ZERO,
			      get_order(len));
	if (!b->page)
		return -ENOMEM;
	b->va = page_address(b->page);
	b->pa = page_to_phys(b->page);
	b->len = len;
	return 0;
}

static void e2e_buf_free(struct e2e_buf *b)
{
	if (b->page)
		__free_pages(b->page, get_order(b->len));
	b->page = NULL;
}

static void e2e_fill(void *p, size_t len, u8 seed)
{
	u8 *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = seed + i * 7 + (i >> 8);
}

/* Whether @p holds e2e_fill(@seed). */
static bool e2e_holds(const void *p, size_t len, u8 seed)
{
	const u8 *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != (u8)(seed + i * 7 + (i >> 8)))
			return false;
	return true;
}

/* PL330 registers, for scrubbing and driving it without its driver */

struct e2e_pl330 {
	void __iomem *regs;
	struct e2e_buf mcode;
};

static int e2e_pl330_dbg(struct e2e_pl330 *pl, u32 inst0, u32 inst1)
{
	u32 val;

	if (readl_poll_timeout(pl->regs + PL330_DBGSTATUS, val, !(val & 1), 10,
			       USEC_PER_MSEC))
		return -EBUSY;
	writel(inst0, pl->regs + PL330_DBGINST0);
	writel(inst1, pl->regs + PL330_DBGINST1);
	writel(0, pl->regs + PL330_DBGCMD);
	return 0;
}

static void e2e_pl330_kill(struct e2e_pl330 *pl, unsigned int ch)
{
	unsigned int i;

	/* QEMU 7.2's PL330 drops about half a channel's FIFO per DMAKILL. */
	for (i = 0; i < 16; i++)
		e2e_pl330_dbg(pl, PL330_DMAKILL << 16 | ch << 8 | 1, 0);
}

/*
 * A PL330 program whose read faulted ends in a lock-up with data left in
 * the engine's shared FIFO, which wedges QEMU 7.2's PL330 for every
 * channel; its driver's one DMAKILL drops only about half of it
 * (emulator/README.md). Kill every (idle) thread until it is clean.
 */
static void e2e_pl330_scrub(unsigned int dma)
{
	struct device *dev = e2e_find_pl330(dma);
	struct e2e_pl330 pl = {};
	unsigned int ch;

	if (!dev)
		return;
	pl.regs = ioremap(to_amba_device(dev)->res.start, SZ_4K);
	put_device(dev);
	if (!pl.regs)
		return;
	for (ch = 0; ch < PL330_THREADS; ch++)
		e2e_pl330_kill(&pl, ch);
	iounmap(pl.regs);
}

static const char *e2e_domain_type(struct iommu_domain *dom)
{
	if (!dom)
		return "none";
	switch (dom->type) {
	case IOMMU_DOMAIN_BLOCKED:
		return "blocked";
	case IOMMU_DOMAIN_IDENTITY:
		return "identity";
	case IOMMU_DOMAIN_UNMANAGED:
		return "unmanaged";
	case IOMMU_DOMAIN_DMA:
		return "DMA";
	case IOMMU_DOMAIN_DMA_FQ:
		return "DMA-FQ";
	default:
		return "other";
	}
}

/* IOMMU registers */

static int e2e_iommu_map_regs(void)
{
	struct device_node *np;

	if (e2e_iommu_regs)
		return 0;
	np = of_find_compatible_node(NULL, NULL, "allwinner,sun50i-h6-iommu");
	if (!np)
		return -ENODEV;
	e2e_iommu_regs = of_iomap(np, 0);
	of_node_put(np);
	return e2e_iommu_regs ? 0 : -ENOMEM;
}

static u32 e2e_ccu_bus_iommu(void);

/*
 * Whether the IOMMU's bus clock runs and its reset is released (CCU): a
 * gated IOMMU reads 0 everywhere, so a register that should read 0 proves
 * nothing unless this holds.
 */
static bool e2e_iommu_powered(void)
{
	u32 ccu = e2e_ccu_bus_iommu();

	return ccu != U32_MAX && (ccu & CCU_BUS_IOMMU_GATE) &&
	       (ccu & CCU_BUS_IOMMU_RSTN);
}

/*
 * Check that the driver handled and cleared every pending fault: with the
 * IOMMU powered, INT_STA reads 0 within a second.
 */
static bool e2e_iommu_quiet(struct e2e_case *c)
{
	bool powered = e2e_iommu_powered();
	u32 sta = 0;
	int ret = -ENODEV;

	if (powered)
		ret = readl_poll_timeout(e2e_iommu_regs + IOMMU_INT_STA, sta,
					 !sta, 100,
					 E2E_TIMEOUT_MS * USEC_PER_MSEC);
	/* The lane resets follow the status clear. */
	msleep(20);
	return e2e_check(c, powered && !ret, "quiet",
			 "every fault handled: IOMMU %s, INT_STA %#x",
			 powered ? "powered" : "gated or in reset", sta);
}

static int e2e_pmu_start(void)
{
	u32 val;

	if (!e2e_iommu_powered())
		return -ENODEV;
	writel(1, e2e_iommu_regs + IOMMU_PMU_CLR);
	if (readl_poll_timeout(e2e_iommu_regs + IOMMU_PMU_CLR, val, !val, 10,
			       USEC_PER_MSEC))
		return -ETIMEDOUT;
	writel(1, e2e_iommu_regs + IOMMU_PMU_ENABLE);
	return 0;
}

/*
 * Check that the PMU is counting: the IOMMU is powered and PMU_ENABLE
 * reads back 1. Counters that read 0 mean nothing otherwise.
 */
static bool e2e_pmu_live(struct e2e_case *c)
{
	bool powered = e2e_iommu_powered();
	u32 en = powered ? readl(e2e_iommu_regs + IOMMU_PMU_ENABLE) : 0;

	return e2e_check(c, powered && en == 1, "pmu-live",
			 "PMU counting: IOMMU %s, PMU_ENABLE %#x",
			 powered ? "powered" : "gated or in reset", en);
}

static u64 e2e_pmu_counter(unsigned int slot, bool hit)
{
	void __iomem *reg = e2e_iommu_regs + IOMMU_PMU_SLOT(slot) + (hit ? 8 : 0);

	return readl(reg) |
	       (u64)(readl(reg + 4) & IOMMU_PMU_HIGH) << 32;
}

static void e2e_pmu_show(const char *who)
{
	static const char * const unit[] = {
		"master 0", "master 1", "master 2", "master 3", "master 4",
		"master 5", "macro TLB", "PTW cache",
	};
	unsigned int i;

	for (i = 0; i < IOMMU_PMU_SLOTS; i++)
		pr_info("%s: PMU %-9s: %llu lookups, %llu hits\n", who, unit[i],
			e2e_pmu_counter(i, false), e2e_pmu_counter(i, true));
}

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

static int e2e_fault_handler(struct iommu_domain *domain, struct device *dev,
			     unsigned long iova, int flags, void *token)
{
	struct e2e_faults *fl = token;
	unsigned long irqflags;

	spin_lock_irqsave(&fl->lock, irqflags);
	if (fl->n < E2E_MAX_FAULTS) {
		fl->f[fl->n].dev = dev;
		fl->f[fl->n].iova = iova;
		fl->f[fl->n].flags = flags;
	}
	fl->n++;
	spin_unlock_irqrestore(&fl->lock, irqflags);
	complete(&fl->any);
	return 0;
}

static void e2e_faults_reset(struct e2e_faults *fl)
{
	unsigned long irqflags;

	spin_lock_irqsave(&fl->lock, irqflags);
	fl->n = 0;
	reinit_completion(&fl->any);
	spin_unlock_irqrestore(&fl->lock, irqflags);
}

static void e2e_faults_show(struct e2e_case *c, struct e2e_faults *fl)
{
	unsigned int i;

	for (i = 0; i < min_t(unsigned int, fl->n, E2E_MAX_FAULTS); i++)
		pr_info("%s: fault %u: iova %#lx, %s, device %s\n", c->name, i,
			fl->f[i].iova,
			fl->f[i].flags & IOMMU_FAULT_WRITE ? "write" : "read",
			fl->f[i].dev ? dev_name(fl->f[i].dev) : "(none)");
}

/* Whether a fault of @dev with @flags at an IOVA in [iova, iova+len) came. */
static bool e2e_faults_have(struct e2e_faults *fl, struct device *dev,
			    unsigned long iova, size_t len, int flags)
{
	unsigned int i;

	for (i = 0; i < min_t(unsigned int, fl->n, E2E_MAX_FAULTS); i++)
		if ((!dev || fl->f[i].dev == dev) &&
		    fl->f[i].iova - iova < len &&
		    (flags < 0 || fl->f[i].flags == flags))
			return true;
	return false;
}

/* An unmanaged domain on the group of the PL330s */

struct e2e_domain {
	struct iommu_domain *domain;
	struct iommu_group *group;
	struct iommu_domain *dma_domain;
	struct e2e_faults faults;
	bool attached;
};

/*
 * Copy the DMA domain's mappings of the IOVA window the DMA API allocates
 * from: the PL330s fetch their microcode, which their driver allocated with
 * the DMA API, through the IOMMU too.
 */
static int e2e_mirror_dma_domain(struct e2e_domain *ed, unsigned int *pages)
{
	u64 iova;
	int ret;

	*pages = 0;
	for (iova = E2E_DMA_WINDOW_START; iova < E2E_DMA_WINDOW_END;
	     iova += PAGE_SIZE) {
		phys_addr_t pa = iommu_iova_to_phys(ed->dma_domain, iova);

		if (!pa)
			continue;
		ret = iommu_map(ed->domain, iova, pa, PAGE_SIZE,
				IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
		if (ret)
			return ret;
		(*pages)++;
	}
	return 0;
}

/*
 * Give the group of @dev a new unmanaged domain with our fault handler and
 * the PL330 microcode mappings. While it is attached, nothing else may DMA:
 * the DMA API's mappings live in the DMA domain.
 */
static int e2e_domain_attach(struct e2e_case *c, struct e2e_domain *ed,
			     struct device *dev)
{
	unsigned int pages;
	int ret;

	spin_lock_init(&ed->faults.lock);
	init_completion(&ed->faults.any);
	ed->group = iommu_group_get(dev);
	if (!e2e_check(c, ed->group, "group", "%s is in an IOMMU group",
		       dev_name(dev)))
		return -ENODEV;
	ed->dma_domain = iommu_get_domain_for_dev(dev);
	ed->domain = iommu_paging_domain_alloc(dev);
	if (!e2e_check(c, !IS_ERR(ed->domain), "domain-alloc",
		       "iommu_paging_domain_alloc(): %d",
		       PTR_ERR_OR_ZERO(ed->domain))) {
		ed->domain = NULL;
		return -ENOMEM;
	}
	iommu_set_fault_handler(ed->domain, e2e_fault_handler, &ed->faults);

	/* All PL330s share one group: the per-device API must refuse it. */
	ret = iommu_attach_device(ed->domain, dev);
	if (!ret)
		iommu_detach_device(ed->domain, dev);
	e2e_check(c, ret, "attach-device-refused",
		  "iommu_attach_device() refuses the shared group: %d", ret);
	/*
	 * pl330 is a DMA API driver bound to the group's devices, so the group
	 * cannot be claimed (-EPERM); the core lets a domain be attached to a
	 * group that is in its default domain.
	 */
	ret = iommu_group_claim_dma_owner(ed->group, &e2e_owner);
	if (!ret)
		iommu_group_release_dma_owner(ed->group);
	pr_info("%s: iommu_group_claim_dma_owner() with pl330 bound: %d\n",
		c->name, ret);

	/* Attached first: mainline's map needs a domain that is attached. */
	ret = iommu_attach_group(ed->domain, ed->group);
	if (!e2e_check(c, !ret, "attach-group", "iommu_attach_group(): %d",
		       ret))
		return ret;
	ed->attached = true;
	e2e_check(c, iommu_get_domain_for_dev(dev) == ed->domain,
		  "domain-installed", "%s now uses the unmanaged domain",
		  dev_name(dev));

	ret = e2e_mirror_dma_domain(ed, &pages);
	e2e_check(c, !ret && pages, "mirror",
		  "mirrored %u DMA API pages (PL330 microcode): %d", pages, ret);
	return ret ?: (pages ? 0 : -ENOENT);
}

static void e2e_domain_detach(struct e2e_case *c, struct e2e_domain *ed,
			      struct device *dev)
{
	if (ed->attached) {
		iommu_detach_group(ed->domain, ed->group);
		e2e_check(c, iommu_get_domain_for_dev(dev) == ed->dma_domain,
			  "dma-domain-back", "%s is back in its DMA domain",
			  dev_name(dev));
	}
	if (ed->domain)
		iommu_domain_free(ed->domain);
	if (ed->group)
		iommu_group_put(ed->group);
}

static int e2e_map(struct e2e_case *c, struct e2e_domain *ed,
		   unsigned long iova, struct e2e_buf *b, int prot)
{
	int ret = iommu_map(ed->domain, iova, b->pa, b->len, prot, GFP_KERNEL);

	e2e_check(c, !ret, "map", "map %#lx -> %pa (%zu bytes, %s): %d", iova,
		  &b->pa, b->len, prot & IOMMU_WRITE ? "rw" : "ro", ret);
	return ret;
}

static void e2e_unmap(struct e2e_case *c, struct e2e_domain *ed,
		      unsigned long iova, size_t len)
{
	size_t done = iommu_unmap(ed->domain, iova, len);

	e2e_check(c, done == len, "unmap", "unmap %#lx: %zu of %zu bytes",
		  iova, done, len);
}

/* Wait for a fault report and for the driver to finish its recovery. */
static bool e2e_wait_fault(struct e2e_case *c, struct e2e_faults *fl)
{
	bool got = wait_for_completion_timeout(&fl->any,
					       msecs_to_jiffies(E2E_TIMEOUT_MS));

	e2e_iommu_quiet(c);
	return got;
}

/* The DMA API in the DMA domain: a verified copy on PL330 @dma. */
static void e2e_dma_api_copy(struct e2e_case *c, unsigned int dma)
{
	struct e2e_chan ec = {};
	dma_addr_t s, d;
	void *src, *dst;
	int ret;

	if (e2e_chan_get(&ec, dma)) {
		e2e_check(c, false, "dma-api", "no channel on %s",
			  e2e_dma_names[dma]);
		return;
	}
	src = kmalloc(E2E_LEN, GFP_KERNEL);
	dst = kzalloc(E2E_LEN, GFP_KERNEL);
	if (!src || !dst)
		goto out;
	e2e_fill(src, E2E_LEN, 0x5a + dma);
	s = dma_map_single(ec.dev, src, E2E_LEN, DMA_TO_DEVICE);
	d = dma_map_single(ec.dev, dst, E2E_LEN, DMA_FROM_DEVICE);
	if (dma_mapping_error(ec.dev, s) || dma_mapping_error(ec.dev, d)) {
		e2e_check(c, false, "dma-api", "dma_map_single() failed");
		goto out;
	}
	ret = e2e_memcpy(&ec, d, s, E2E_LEN);
	dma_unmap_single(ec.dev, d, E2E_LEN, DMA_FROM_DEVICE);
	dma_unmap_single(ec.dev, s, E2E_LEN, DMA_TO_DEVICE);
	e2e_check(c, !ret && e2e_holds(dst, E2E_LEN, 0x5a + dma), "dma-api",
		  "DMA API copy %pad -> %pad on %s: %d, data %s", &s, &d,
		  dma_chan_name(ec.chan), ret,
		  e2e_holds(dst, E2E_LEN, 0x5a + dma) ? "ok" : "wrong");
out:
	kfree(dst);
	kfree(src);
	e2e_chan_put(&ec);
}

/* Cases */

static void e2e_case_dma(struct e2e_case *c)
{
	unsigned int dma;

	for (dma = 0; dma < E2E_NUM_DMA; dma++)
		e2e_dma_api_copy(c, dma);
}

/*
 * Map, DMA, unmap, DMA again on each PL330: the second copy must fault to
 * our handler (its first access, the read of the source, names the source
 * IOVA) and write nothing.
 */
static void e2e_unmanaged_one(struct e2e_case *c, struct e2e_domain *ed,
			      unsigned int dma)
{
	struct e2e_buf src = {}, dst = {};
	struct e2e_chan ec = {};
	const char *name = e2e_dma_names[dma];
	int ret;

	if (e2e_chan_get(&ec, dma) ||
	    e2e_buf_alloc(&src, E2E_LEN) || e2e_buf_alloc(&dst, E2E_LEN)) {
		e2e_check(c, false, "setup", "channel and buffers for %s", name);
		goto out;
	}
	e2e_fill(src.va, E2E_LEN, 0x11 + dma);
	if (e2e_map(c, ed, E2E_IOVA_SRC, &src, IOMMU_READ | IOMMU_WRITE) ||
	    e2e_map(c, ed, E2E_IOVA_DST, &dst, IOMMU_READ | IOMMU_WRITE))
		goto out;

	e2e_faults_reset(&ed->faults);
	ret = e2e_memcpy(&ec, E2E_IOVA_DST, E2E_IOVA_SRC, E2E_LEN);
	e2e_check(c, !ret && e2e_holds(dst.va, E2E_LEN, 0x11 + dma),
		  "mapped-copy", "%s: copy %#lx -> %#lx through the domain: %d",
		  name, E2E_IOVA_SRC, E2E_IOVA_DST, ret);
	e2e_check(c, !ed->faults.n, "mapped-no-fault",
		  "%s: no fault while mapped (%u)", name, ed->faults.n);

	e2e_unmap(c, ed, E2E_IOVA_SRC, E2E_LEN);
	e2e_unmap(c, ed, E2E_IOVA_DST, E2E_LEN);
	memset(dst.va, 0xee, E2E_LEN);
	e2e_faults_reset(&ed->faults);
	ret = e2e_memcpy(&ec, E2E_IOVA_DST, E2E_IOVA_SRC, E2E_LEN);
	e2e_pl330_scrub(ec.dma);
	pr_info("%s: %s: copy after unmap: %d\n", c->name, name, ret);
	e2e_check(c, e2e_wait_fault(c, &ed->faults), "fault-reported",
		  "%s: the fault reached our handler (%u reports)", name,
		  ed->faults.n);
	e2e_faults_show(c, &ed->faults);
	e2e_check(c, e2e_faults_have(&ed->faults, NULL, E2E_IOVA_SRC,
				     E2E_LEN, -1),
		  "fault-iova", "%s: a report names the source IOVA %#lx",
		  name, E2E_IOVA_SRC);
	e2e_check(c, e2e_faults_have(&ed->faults, ec.dev, 0, ULONG_MAX, -1),
		  "fault-dev", "%s: a report names the master's device", name);
	/*
	 * An invalid-entry fault carries no direction in the hardware (the
	 * driver reports it as a read): e2e.sh checks the model's record of
	 * the access instead.
	 */
	e2e_check(c, !memchr_inv(dst.va, 0xee, E2E_LEN),
		  "nothing-written", "%s: no byte written after unmap", name);
out:
	e2e_chan_put(&ec);
	e2e_buf_free(&dst);
	e2e_buf_free(&src);
}

/* The channel and the domain work again after a fault. */
static void e2e_recovers(struct e2e_case *c, struct e2e_domain *ed,
			 unsigned int dma)
{
	struct e2e_buf src = {}, dst = {};
	struct e2e_chan ec = {};
	int ret;

	if (e2e_chan_get(&ec, dma) ||
	    e2e_buf_alloc(&src, E2E_LEN) || e2e_buf_alloc(&dst, E2E_LEN)) {
		e2e_check(c, false, "setup", "channel and buffers");
		goto out;
	}
	e2e_fill(src.va, E2E_LEN, 0x77);
	if (e2e_map(c, ed, E2E_IOVA_REC, &src, IOMMU_READ | IOMMU_WRITE) ||
	    e2e_map(c, ed, E2E_IOVA_REC + E2E_LEN, &dst,
		    IOMMU_READ | IOMMU_WRITE))
		goto out;
	e2e_faults_reset(&ed->faults);
	ret = e2e_memcpy(&ec, E2E_IOVA_REC + E2E_LEN, E2E_IOVA_REC, E2E_LEN);
	e2e_check(c, !ret && e2e_holds(dst.va, E2E_LEN, 0x77) &&
		  !ed->faults.n, "recovered",
		  "%s: DMA works again after the fault: %d, %u faults",
		  e2e_dma_names[dma], ret, ed->faults.n);
	e2e_unmap(c, ed, E2E_IOVA_REC, E2E_LEN);
	e2e_unmap(c, ed, E2E_IOVA_REC + E2E_LEN, E2E_LEN);
out:
	e2e_chan_put(&ec);
	e2e_buf_free(&dst);
	e2e_buf_free(&src);
}

static void e2e_case_unmanaged(struct e2e_case *c)
{
	struct device *dev = e2e_find_pl330(0);
	struct e2e_domain ed = {};
	unsigned int dma;

	if (!e2e_check(c, dev, "setup", "%s exists", E2E_DMA0))
		return;
	if (!e2e_domain_attach(c, &ed, dev)) {
		for (dma = 0; dma < E2E_NUM_DMA; dma++) {
			e2e_unmanaged_one(c, &ed, dma);
			e2e_recovers(c, &ed, dma);
		}
	}
	e2e_domain_detach(c, &ed, dev);
	put_device(dev);
	e2e_case_dma(c);
}

/* A DMA write to a read-only page faults and leaves it unchanged. */
static void e2e_case_readonly(struct e2e_case *c)
{
	struct e2e_buf src = {}, ro = {}, out = {};
	struct e2e_domain ed = {};
	struct e2e_chan ec = {};
	int ret;

	if (e2e_chan_get(&ec, 0) || e2e_buf_alloc(&src, E2E_LEN) ||
	    e2e_buf_alloc(&ro, E2E_LEN) || e2e_buf_alloc(&out, E2E_LEN)) {
		e2e_check(c, false, "setup", "channel and buffers");
		goto out;
	}
	if (e2e_domain_attach(c, &ed, ec.dev))
		goto detach;
	e2e_fill(src.va, E2E_LEN, 0x21);
	e2e_fill(ro.va, E2E_LEN, 0x42);
	if (e2e_map(c, &ed, E2E_IOVA_SRC, &src, IOMMU_READ | IOMMU_WRITE) ||
	    e2e_map(c, &ed, E2E_IOVA_DST, &ro, IOMMU_READ) ||
	    e2e_map(c, &ed, E2E_IOVA_AUX, &out, IOMMU_READ | IOMMU_WRITE))
		goto detach;

	/* Reading the read-only page is allowed. */
	e2e_faults_reset(&ed.faults);
	ret = e2e_memcpy(&ec, E2E_IOVA_AUX, E2E_IOVA_DST, E2E_LEN);
	e2e_check(c, !ret && e2e_holds(out.va, E2E_LEN, 0x42) &&
		  !ed.faults.n, "ro-readable",
		  "DMA reads the read-only page: %d, %u faults", ret,
		  ed.faults.n);

	e2e_faults_reset(&ed.faults);
	ret = e2e_memcpy(&ec, E2E_IOVA_DST, E2E_IOVA_SRC, E2E_LEN);
	pr_info("%s: copy into the read-only page: %d\n", c->name, ret);
	e2e_pl330_scrub(ec.dma);
	e2e_check(c, e2e_wait_fault(c, &ed.faults), "fault-reported",
		  "the write fault reached our handler (%u reports)",
		  ed.faults.n);
	e2e_faults_show(c, &ed.faults);
	e2e_check(c, e2e_faults_have(&ed.faults, NULL, E2E_IOVA_DST, E2E_LEN,
				     -1), "fault-iova",
		  "a report names the read-only IOVA %#lx", E2E_IOVA_DST);
	e2e_check(c, e2e_faults_have(&ed.faults, ec.dev, 0, ULONG_MAX, -1),
		  "fault-dev", "a report names the master's device");
	e2e_check(c, e2e_faults_have(&ed.faults, NULL, E2E_IOVA_DST, E2E_LEN,
				     IOMMU_FAULT_WRITE), "fault-dir",
		  "the fault is a write");
	e2e_check(c, e2e_holds(ro.va, E2E_LEN, 0x42), "ro-unchanged",
		  "the read-only page is unchanged");
	e2e_recovers(c, &ed, 0);
detach:
	e2e_domain_detach(c, &ed, ec.dev);
out:
	e2e_chan_put(&ec);
	e2e_buf_free(&out);
	e2e_buf_free(&ro);
	e2e_buf_free(&src);
	e2e_case_dma(c);
}

/* Remapping an IOVA to another page: the next DMA lands in the new page. */
static void e2e_remap_one(struct e2e_case *c, struct e2e_domain *ed,
			  unsigned int dma, struct e2e_buf *buf)
{
	struct e2e_buf *p = &buf[0], *q = &buf[1], *a = &buf[2], *b = &buf[3];
	const char *name = e2e_dma_names[dma];
	struct e2e_chan ec = {};
	int ret;

	if (e2e_chan_get(&ec, dma))
		return (void)e2e_check(c, false, "setup", "no channel on %s",
				       name);
	e2e_fill(p->va, E2E_LEN, 0x31 + dma);
	e2e_fill(q->va, E2E_LEN, 0x61 + dma);
	memset(a->va, 0, E2E_LEN);
	memset(b->va, 0, E2E_LEN);
	e2e_faults_reset(&ed->faults);
	if (e2e_map(c, ed, E2E_IOVA_SRC, p, IOMMU_READ | IOMMU_WRITE) ||
	    e2e_map(c, ed, E2E_IOVA_DST, a, IOMMU_READ | IOMMU_WRITE))
		goto out;
	ret = e2e_memcpy(&ec, E2E_IOVA_DST, E2E_IOVA_SRC, E2E_LEN);
	e2e_check(c, !ret && e2e_holds(a->va, E2E_LEN, 0x31 + dma),
		  "first-copy", "%s: copy into the first pages: %d", name, ret);

	/* Both IOVAs move: reads and writes must follow. */
	e2e_unmap(c, ed, E2E_IOVA_SRC, E2E_LEN);
	e2e_unmap(c, ed, E2E_IOVA_DST, E2E_LEN);
	if (e2e_map(c, ed, E2E_IOVA_SRC, q, IOMMU_READ | IOMMU_WRITE) ||
	    e2e_map(c, ed, E2E_IOVA_DST, b, IOMMU_READ | IOMMU_WRITE))
		goto out;
	ret = e2e_memcpy(&ec, E2E_IOVA_DST, E2E_IOVA_SRC, E2E_LEN);
	e2e_check(c, !ret && e2e_holds(b->va, E2E_LEN, 0x61 + dma),
		  "lands-in-new-page",
		  "%s: after the remap, the copy reads and writes the new pages: %d",
		  name, ret);
	e2e_check(c, e2e_holds(a->va, E2E_LEN, 0x31 + dma),
		  "old-page-untouched", "%s: the old destination is untouched",
		  name);
	e2e_check(c, !ed->faults.n, "no-fault", "%s: no fault (%u)", name,
		  ed->faults.n);
	e2e_unmap(c, ed, E2E_IOVA_SRC, E2E_LEN);
	e2e_unmap(c, ed, E2E_IOVA_DST, E2E_LEN);
out:
	e2e_chan_put(&ec);
}

static void e2e_case_remap(struct e2e_case *c)
{
	struct device *dev = e2e_find_pl330(0);
	struct e2e_buf buf[4] = {};
	struct e2e_domain ed = {};
	unsigned int i;

	if (!e2e_check(c, dev, "setup", "%s exists", E2E_DMA0))
		return;
	for (i = 0; i < ARRAY_SIZE(buf); i++)
		if (e2e_buf_alloc(&buf[i], E2E_LEN))
			goto out;
	if (!e2e_domain_attach(c, &ed, dev))
		for (i = 0; i < E2E_NUM_DMA; i++)
			e2e_remap_one(c, &ed, i, buf);
	e2e_domain_detach(c, &ed, dev);
out:
	for (i = 0; i < ARRAY_SIZE(buf); i++)
		e2e_buf_free(&buf[i]);
	put_device(dev);
	e2e_case_dma(c);
}

/*
 * The group is in the identity domain (set through sysfs by the guest
 * script): the DMA API hands out physical addresses and the IOMMU
 * translates nothing.
 */
static void e2e_case_identity(struct e2e_case *c)
{
	struct e2e_chan ec = {};
	unsigned int dma, i;
	phys_addr_t pa;
	dma_addr_t d;
	void *buf;

	for (dma = 0; dma < E2E_NUM_DMA; dma++) {
		struct iommu_domain *dom;

		if (e2e_chan_get(&ec, dma)) {
			e2e_check(c, false, "setup", "no channel on %s",
				  e2e_dma_names[dma]);
			continue;
		}
		dom = iommu_get_domain_for_dev(ec.dev);
		e2e_check(c, dom && dom->type == IOMMU_DOMAIN_IDENTITY,
			  "identity-domain", "%s is in the identity domain (%s)",
			  e2e_dma_names[dma], e2e_domain_type(dom));
		/*
		 * What the DMA API hands out here is the kernel's direct
		 * mapping, not the driver's work: shown, not counted.
		 */
		buf = kmalloc(PAGE_SIZE, GFP_KERNEL);
		if (buf) {
			pa = virt_to_phys(buf);
			d = dma_map_single(ec.dev, buf, PAGE_SIZE,
					   DMA_BIDIRECTIONAL);
			pr_info("%s: %s: the DMA API maps PA %pa at %pad\n",
				c->name, e2e_dma_names[dma], &pa, &d);
			if (!dma_mapping_error(ec.dev, d))
				dma_unmap_single(ec.dev, d, PAGE_SIZE,
						 DMA_BIDIRECTIONAL);
			kfree(buf);
		}
		e2e_chan_put(&ec);
	}

	/* Copies at physical addresses pass the IOMMU untranslated. */
	e2e_check(c, !e2e_pmu_start(), "pmu", "PMU cleared and enabled");
	e2e_case_dma(c);
	e2e_pmu_show(c->name);
	if (!e2e_pmu_live(c))
		return;
	for (i = 0; i < IOMMU_NUM_MASTERS; i++)
		if (e2e_pmu_counter(i, false))
			break;
	e2e_check(c, i == IOMMU_NUM_MASTERS, "no-translation",
		  "the IOMMU translated no access (PMU)");
}

/* PL330s driven directly, for the blocked domain: their driver is unbound. */

static u8 *e2e_pl330_mov(u8 *p, u8 reg, u32 val)
{
	*p++ = PL330_DMAMOV;
	*p++ = reg;
	put_unaligned_le32(val, p);
	return p + 4;
}

/*
 * Copy PAGE_SIZE bytes from bus address @src to @dst on channel @ch, with
 * the program at bus address @mc_bus. Returns 1 if the program ran to its
 * end (it signals an event), 0 if it did not.
 */
static int e2e_pl330_copy(struct e2e_pl330 *pl, unsigned int ch, u32 mc_bus,
			  u32 dst, u32 src)
{
	u8 *p = pl->mcode.va;
	u32 state, ev;

	p = e2e_pl330_mov(p, PL330_MOV_SAR, src);
	p = e2e_pl330_mov(p, PL330_MOV_DAR, dst);
	p = e2e_pl330_mov(p, PL330_MOV_CCR, PL330_CCR_BURST);
	*p++ = PL330_DMALP(0);
	*p++ = PAGE_SIZE / PL330_BURST_BYTES - 1;
	*p++ = PL330_DMALD;
	*p++ = PL330_DMAST;
	*p++ = PL330_DMALPEND(0);
	*p++ = 2;
	*p++ = PL330_DMAWMB;
	*p++ = PL330_DMASEV;
	*p++ = PL330_EVENT << 3;
	*p++ = PL330_DMAEND;

	writel(BIT(PL330_EVENT), pl->regs + PL330_INTEN);
	writel(BIT(PL330_EVENT), pl->regs + PL330_INTCLR);
	if (e2e_pl330_dbg(pl, ch << 24 | PL330_DMAGO << 16, mc_bus))
		return -EBUSY;
	readl_poll_timeout(pl->regs + PL330_CS(ch), state,
			   !(state & PL330_CS_STATE) ||
			   (state & PL330_CS_STATE) == 0xf,
			   100, E2E_TIMEOUT_MS * USEC_PER_MSEC);
	ev = readl(pl->regs + PL330_INT_EVENT_RIS) & BIT(PL330_EVENT);
	writel(BIT(PL330_EVENT), pl->regs + PL330_INTCLR);
	writel(0, pl->regs + PL330_INTEN);
	e2e_pl330_kill(pl, ch);
	return !!ev;
}

/* Undo iommu_group_get(), a claim of its DMA ownership and our domain. */
static void e2e_group_release(struct iommu_group *group, bool owned,
			      struct iommu_domain *dom)
{
	if (owned)
		iommu_group_release_dma_owner(group);
	if (group)
		iommu_group_put(group);
	if (dom)
		iommu_domain_free(dom);
}

/*
 * One copy on each PL330 (a new channel per round). @expect_ok: the
 * domain maps every address 1:1 and the copies must complete; otherwise
 * every one must fault: no event, no byte written.
 */
static unsigned int e2e_blocked_round(struct e2e_case *c,
				      struct e2e_pl330 *pl,
				      struct e2e_buf *src, struct e2e_buf *dst,
				      unsigned int round, bool expect_ok)
{
	unsigned int dma, copied = 0;
	int ran;

	for (dma = 0; dma < E2E_NUM_DMA; dma++) {
		e2e_fill(src->va, PAGE_SIZE, 0x90 + round * 2 + dma);
		memset(dst->va, 0xee, PAGE_SIZE);
		ran = e2e_pl330_copy(&pl[dma], round, pl[dma].mcode.pa,
				     dst->pa, src->pa);
		e2e_iommu_quiet(c);
		if (expect_ok)
			copied += e2e_check(c, ran == 1 &&
					    e2e_holds(dst->va, PAGE_SIZE,
						      0x90 + round * 2 + dma),
					    "direct-copy",
					    "%s: direct PL330 copy through a 1:1 domain: ran %d",
					    e2e_dma_names[dma], ran);
		else
			e2e_check(c, ran == 0 &&
				  !memchr_inv(dst->va, 0xee, PAGE_SIZE),
				  "blocked",
				  "%s (masters %u/%u): copy in the blocked domain faults: ran %d, nothing written",
				  e2e_dma_names[dma], e2e_dma_masters[dma][0],
				  e2e_dma_masters[dma][1], ran);
	}
	return copied;
}

static void e2e_case_blocked(struct e2e_case *c)
{
	struct e2e_pl330 pl[E2E_NUM_DMA] = {};
	struct e2e_buf src = {}, dst = {};
	struct device *dev[E2E_NUM_DMA] = {};
	struct iommu_domain *dom, *paging = NULL;
	struct iommu_group *group = NULL;
	bool active[E2E_NUM_DMA] = {};
	unsigned int dma, controls = 0;
	bool owned = false;
	int ret;

	for (dma = 0; dma < E2E_NUM_DMA; dma++) {
		dev[dma] = e2e_find_pl330(dma);
		if (!e2e_check(c, dev[dma] && !dev[dma]->driver, "unbound",
			       "%s exists and has no driver bound",
			       e2e_dma_names[dma]))
			goto out;
		pl[dma].regs = ioremap(to_amba_device(dev[dma])->res.start,
				       SZ_4K);
		if (!pl[dma].regs || e2e_buf_alloc(&pl[dma].mcode, PAGE_SIZE))
			goto out;
	}
	if (e2e_buf_alloc(&src, PAGE_SIZE) || e2e_buf_alloc(&dst, PAGE_SIZE))
		goto out;
	/* Like a driver of the PL330s: active while this case uses them. */
	for (dma = 0; dma < E2E_NUM_DMA; dma++) {
		ret = e2e_master_get(dev[dma]);
		if (!e2e_check(c, !ret, "master-active",
			       "%s runtime-resumed: %d", e2e_dma_names[dma],
			       ret))
			goto out;
		active[dma] = true;
	}

	group = iommu_group_get(dev[0]);
	ret = group ? iommu_group_claim_dma_owner(group, &e2e_owner) : -ENODEV;
	if (!e2e_check(c, !ret, "claim", "iommu_group_claim_dma_owner(): %d",
		       ret))
		goto out;
	owned = true;
	dom = iommu_get_domain_for_dev(dev[0]);
	pr_info("%s: the owned group is in a %s domain%s\n", c->name,
		e2e_domain_type(dom),
		dom && dom->type == IOMMU_DOMAIN_BLOCKED ?
		" (the driver's blocked domain)" :
		" (the core's stand-in: an empty paging domain)");
	e2e_check(c, dom && iommu_get_domain_for_dev(dev[1]) == dom,
		  "blocking-domain", "both PL330s are in the blocking domain");
	e2e_blocked_round(c, pl, &src, &dst, 0, false);

	/*
	 * The positive control: the same programs complete through a domain
	 * that maps them 1:1. Without it, "blocked" could mean a broken PL330.
	 */
	paging = iommu_paging_domain_alloc(dev[0]);
	if (!e2e_check(c, !IS_ERR(paging), "paging-alloc",
		       "paging domain for the control: %d",
		       PTR_ERR_OR_ZERO(paging))) {
		paging = NULL;
		goto out;
	}
	ret = iommu_attach_group(paging, group);
	if (!e2e_check(c, !ret, "attach-1to1",
		       "paging domain attached to the owned group: %d", ret))
		goto out;
	ret = iommu_map(paging, src.pa, src.pa, PAGE_SIZE,
			IOMMU_READ | IOMMU_WRITE, GFP_KERNEL) ?:
	      iommu_map(paging, dst.pa, dst.pa, PAGE_SIZE,
			IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
	for (dma = 0; dma < E2E_NUM_DMA && !ret; dma++)
		ret = iommu_map(paging, pl[dma].mcode.pa, pl[dma].mcode.pa,
				PAGE_SIZE, IOMMU_READ, GFP_KERNEL);
	if (!e2e_check(c, !ret, "map-1to1",
		       "buffers and programs mapped 1:1: %d", ret)) {
		iommu_detach_group(paging, group);
		goto out;
	}
	controls = e2e_blocked_round(c, pl, &src, &dst, 1, true);
	iommu_detach_group(paging, group);
	e2e_check(c, iommu_get_domain_for_dev(dev[0]) == dom, "blocked-again",
		  "detaching returns the group to the blocking domain");
	e2e_blocked_round(c, pl, &src, &dst, 2, false);
out:
	e2e_check(c, controls == E2E_NUM_DMA, "positive-control",
		  "%u of %u control copies through the 1:1 domain completed",
		  controls, E2E_NUM_DMA);
	e2e_group_release(group, owned, paging);
	e2e_buf_free(&dst);
	e2e_buf_free(&src);
	for (dma = 0; dma < E2E_NUM_DMA; dma++) {
		if (active[dma])
			e2e_master_put(dev[dma]);
		e2e_buf_free(&pl[dma].mcode);
		if (pl[dma].regs)
			iounmap(pl[dma].regs);
		put_device(dev[dma]);
	}
}

/* Power management */

/* The IOMMU's platform device, referenced. */
static struct device *e2e_iommu_dev(void)
{
	struct platform_device *pdev;
	struct device_node *np;

	np = of_find_compatible_node(NULL, NULL, "allwinner,sun50i-h6-iommu");
	if (!np)
		return NULL;
	pdev = of_find_device_by_node(np);
	of_node_put(np);
	return pdev ? &pdev->dev : NULL;
}

/* The IOMMU's bus gate and reset register in the CCU. */
static u32 e2e_ccu_bus_iommu(void)
{
	struct device_node *np;
	void __iomem *ccu;
	u32 val;

	np = of_find_compatible_node(NULL, NULL, "allwinner,sun50i-h6-ccu");
	ccu = np ? of_iomap(np, 0) : NULL;
	of_node_put(np);
	if (!ccu)
		return U32_MAX;
	val = readl(ccu + CCU_BUS_IOMMU);
	iounmap(ccu);
	return val;
}

/* Whether runtime PM may suspend @dev: power/control is "auto". */
static bool e2e_rpm_allowed(struct device *dev)
{
#ifdef CONFIG_PM
	return dev->power.runtime_auto;
#else
	return false;
#endif
}

/* What holds a device in its runtime PM state, for a failed check. */
static void e2e_show_rpm(struct e2e_case *c, struct device *dev)
{
#ifdef CONFIG_PM
	pr_info("%s: %s runtime PM: usage %d, active children %d, disable depth %u, error %d, auto %d, request %d%s, links %u\n",
		c->name, dev_name(dev), atomic_read(&dev->power.usage_count),
		atomic_read(&dev->power.child_count), dev->power.disable_depth,
		dev->power.runtime_error, dev->power.runtime_auto,
		dev->power.request,
		dev->power.request_pending ? " (pending)" : "",
		dev->power.links_count);
#endif
}

/*
 * Check that the IOMMU reaches runtime status active (@on) or suspended
 * within a second, and that the CCU then shows its bus clock running and
 * reset released (@on), or gated and asserted.
 */
static bool e2e_check_power(struct e2e_case *c, struct device *iommu,
			    bool on, const char *id)
{
	unsigned long end = jiffies + msecs_to_jiffies(E2E_TIMEOUT_MS);
	bool reached;
	u32 ccu;

	for (;;) {
		reached = on ? pm_runtime_active(iommu) :
			       pm_runtime_status_suspended(iommu);
		if (reached || time_after(jiffies, end))
			break;
		usleep_range(2000, 5000);
	}
	if (!reached)
		e2e_show_rpm(c, iommu);
	ccu = e2e_ccu_bus_iommu();
	return e2e_check(c, reached && ccu != U32_MAX &&
			 !!(ccu & CCU_BUS_IOMMU_GATE) == on &&
			 !!(ccu & CCU_BUS_IOMMU_RSTN) == on, id,
			 "IOMMU runtime status %s (want %s), CCU 0x%x = %#x: bus clock %s, reset %s",
			 pm_runtime_status_suspended(iommu) ? "suspended" :
							      "active",
			 on ? "active" : "suspended", CCU_BUS_IOMMU, ccu,
			 ccu & CCU_BUS_IOMMU_GATE ? "running" : "gated",
			 ccu & CCU_BUS_IOMMU_RSTN ? "released" : "asserted");
}

/* pm-idle / pm-active: where the IOMMU's power is with the masters idle. */
static void e2e_case_pm_state(struct e2e_case *c, bool on)
{
	struct device *iommu = e2e_iommu_dev();

	if (!e2e_check(c, iommu, "iommu", "the IOMMU device exists"))
		return;
	e2e_check_power(c, iommu, on, on ? "active" : "suspended");
	put_device(iommu);
}

/*
 * One copy by PL330 #0 through the owned domain, run as a runtime-PM
 * driver would: wake the master, copy E2E_IOVA_SRC to E2E_IOVA_DST, let it
 * idle. @want must receive the data and @spare must stay untouched.
 */
static void e2e_pm_copy(struct e2e_case *c, struct e2e_pl330 *pl,
			struct device *dev, struct device *iommu,
			struct e2e_buf *src, struct e2e_buf *want,
			struct e2e_buf *spare, u8 seed, const char *id)
{
	int ret, idle, ran = 0;

	e2e_fill(src->va, PAGE_SIZE, seed);
	memset(want->va, 0xee, PAGE_SIZE);
	if (spare)
		memset(spare->va, 0xee, PAGE_SIZE);
	ret = pm_runtime_resume_and_get(dev);
	e2e_check_power(c, iommu, true, "master-active");
	if (!ret) {
		ran = e2e_pl330_copy(pl, 0, E2E_IOVA_MC, E2E_IOVA_DST,
				     E2E_IOVA_SRC);
		e2e_iommu_quiet(c);
		idle = e2e_master_idle(dev);
		e2e_check(c, !idle && pm_runtime_status_suspended(dev),
			  "master-suspended", "%s runtime-suspended: %d",
			  E2E_DMA0, idle);
	}
	e2e_check(c, !ret && ran == 1 && e2e_holds(want->va, PAGE_SIZE, seed) &&
		  (!spare || !memchr_inv(spare->va, 0xee, PAGE_SIZE)), id,
		  "%s copy %#lx -> %#lx: resume %d, ran %d, data %s%s", E2E_DMA0,
		  E2E_IOVA_SRC, E2E_IOVA_DST, ret, ran,
		  e2e_holds(want->va, PAGE_SIZE, seed) ? "ok" : "wrong",
		  spare && memchr_inv(spare->va, 0xee, PAGE_SIZE) ?
			", the old page was written" : "");
	e2e_check_power(c, iommu, !e2e_rpm_allowed(iommu), "master-idle");
}

/*
 * pm-master: with the PL330s unbound, this case is PL330 #0's driver. It
 * attaches and maps while the masters are idle (the IOMMU stays off), then
 * copies (the device link powers the IOMMU, which installs the domain),
 * then remaps the destination while idle, with no invalidation reaching
 * the hardware, and copies again: the data must land in the new page, as
 * the flush on power-on dropped the old translation (the model keeps its
 * TLBs across reset: caches-survive-reset). With power/control "on" the
 * IOMMU stays active throughout and the copies must be the same.
 */
static void e2e_case_pm_master(struct e2e_case *c)
{
	struct device *iommu = e2e_iommu_dev(), *dev = e2e_find_pl330(0);
	struct e2e_buf src = {}, dst = {}, dst2 = {};
	struct iommu_domain *dom = NULL;
	struct iommu_group *group = NULL;
	struct e2e_pl330 pl = {};
	bool owned = false, rpm = false, idle_on;
	size_t done;
	int ret;

	if (!e2e_check(c, iommu && dev && !dev->driver, "unbound",
		       "the IOMMU exists, %s exists and has no driver bound",
		       E2E_DMA0))
		goto out;
	idle_on = !e2e_rpm_allowed(iommu);
	pr_info("%s: power/control %s: the IOMMU is %s while the masters are idle\n",
		c->name, idle_on ? "on" : "auto", idle_on ? "on" : "off");
	pl.regs = ioremap(to_amba_device(dev)->res.start, SZ_4K);
	if (!pl.regs || e2e_buf_alloc(&pl.mcode, PAGE_SIZE) ||
	    e2e_buf_alloc(&src, PAGE_SIZE) || e2e_buf_alloc(&dst, PAGE_SIZE) ||
	    e2e_buf_alloc(&dst2, PAGE_SIZE))
		goto out;
	pm_runtime_enable(dev);
	rpm = true;

	group = iommu_group_get(dev);
	ret = group ? iommu_group_claim_dma_owner(group, &e2e_owner) : -ENODEV;
	if (!e2e_check(c, !ret, "claim", "iommu_group_claim_dma_owner(): %d",
		       ret))
		goto out;
	owned = true;
	dom = iommu_paging_domain_alloc(dev);
	if (!e2e_check(c, !IS_ERR(dom), "alloc", "paging domain: %d",
		       PTR_ERR_OR_ZERO(dom))) {
		dom = NULL;
		goto out;
	}
	ret = iommu_attach_group(dom, group) ?:
	      iommu_map(dom, E2E_IOVA_MC, pl.mcode.pa, PAGE_SIZE, IOMMU_READ,
			GFP_KERNEL) ?:
	      iommu_map(dom, E2E_IOVA_SRC, src.pa, PAGE_SIZE, IOMMU_READ,
			GFP_KERNEL) ?:
	      iommu_map(dom, E2E_IOVA_DST, dst.pa, PAGE_SIZE,
			IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
	if (!e2e_check(c, !ret, "attach-map",
		       "attach and map program, source, destination: %d", ret))
		goto out;
	e2e_check_power(c, iommu, idle_on, "idle-after-attach");

	e2e_pm_copy(c, &pl, dev, iommu, &src, &dst, NULL, 0x31, "copy");

	done = iommu_unmap(dom, E2E_IOVA_DST, PAGE_SIZE);
	ret = iommu_map(dom, E2E_IOVA_DST, dst2.pa, PAGE_SIZE,
			IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
	e2e_check(c, done == PAGE_SIZE && !ret, "remap",
		  "%#lx remapped to a new page while idle: unmapped %zu, map %d",
		  E2E_IOVA_DST, done, ret);
	e2e_check_power(c, iommu, idle_on, "idle-after-remap");

	e2e_pm_copy(c, &pl, dev, iommu, &src, &dst2, &dst, 0x47,
		    "copy-after-remap");
out:
	if (dom && owned)
		iommu_detach_group(dom, group);
	e2e_group_release(group, owned, dom);
	if (rpm)
		pm_runtime_disable(dev);
	e2e_buf_free(&dst2);
	e2e_buf_free(&dst);
	e2e_buf_free(&src);
	e2e_buf_free(&pl.mcode);
	if (pl.regs)
		iounmap(pl.regs);
	put_device(dev);
	put_device(iommu);
}

/*
 * sleep-cycles:N: N system suspend/resume cycles (s2idle; the guest script
 * sets /sys/power/pm_test), each followed by a verified copy on both
 * PL330s through the DMA domain. Bound, they keep the IOMMU active, so
 * every cycle powers it off and restores it.
 */
static void e2e_case_sleep_cycles(struct e2e_case *c, const char *arg)
{
	struct device *iommu = e2e_iommu_dev();
	unsigned int n, i;
	int ret;

	if (!e2e_check(c, iommu && arg && !kstrtouint(arg, 0, &n) && n,
		       "args", "the IOMMU exists; %s cycles", arg ?: "no"))
		goto out;
	for (i = 1; i <= n; i++) {
		ret = pm_suspend(PM_SUSPEND_TO_IDLE);
		if (!e2e_check(c, !ret, "suspend",
			       "cycle %u of %u: suspend and resume: %d", i, n,
			       ret))
			break;
		e2e_check_power(c, iommu, true, "resumed");
		e2e_case_dma(c);
	}
	pr_info("%s: %u of %u cycles ran\n", c->name, i - 1, n);
out:
	put_device(iommu);
}

/* Fault storm */

#define E2E_STORM_DMAS		2000
#define E2E_STORM_LEN		64
/* Never handed out by the DMA API, which allocates from the top down. */
#define E2E_STORM_IOVA		0x00100000UL

struct e2e_heartbeat {
	struct task_struct *task;
	u64 beats;
	s64 max_gap_us;
};

/* A loop that sleeps 1 ms at a time; its longest gap shows stalls. */
static int e2e_heartbeat_fn(void *data)
{
	struct e2e_heartbeat *hb = data;
	ktime_t last = ktime_get();

	while (!kthread_should_stop()) {
		ktime_t now;

		usleep_range(1000, 1500);
		now = ktime_get();
		hb->max_gap_us = max(hb->max_gap_us, ktime_us_delta(now, last));
		last = now;
		hb->beats++;
	}
	return 0;
}

/*
 * Thousands of DMAs into an unmapped IOVA of the DMA domain, which has no
 * fault handler: every fault ends in the driver's own (rate-limited) log.
 */
static void e2e_case_storm(struct e2e_case *c)
{
	struct e2e_heartbeat hb = {};
	struct e2e_chan ec = {};
	unsigned int i, timeouts = 0, errors = 0, stuck = 0;
	struct iommu_domain *dom;
	ktime_t start;
	s64 ms;
	dma_addr_t s;
	void *src;

	if (e2e_chan_get(&ec, 0))
		return (void)e2e_check(c, false, "setup", "no channel");
	src = kzalloc(E2E_STORM_LEN, GFP_KERNEL);
	s = src ? dma_map_single(ec.dev, src, E2E_STORM_LEN, DMA_TO_DEVICE) :
		  DMA_MAPPING_ERROR;
	if (dma_mapping_error(ec.dev, s)) {
		e2e_check(c, false, "setup", "source buffer");
		goto out;
	}
	dom = iommu_get_domain_for_dev(ec.dev);
	if (!e2e_check(c, dom && !iommu_iova_to_phys(dom, E2E_STORM_IOVA),
		       "unmapped", "IOVA %#lx is unmapped in the DMA domain",
		       E2E_STORM_IOVA))
		goto unmap;

	hb.task = kthread_run(e2e_heartbeat_fn, &hb, "e2e-heartbeat");
	if (IS_ERR(hb.task)) {
		hb.task = NULL;
		goto unmap;
	}
	pr_info("%s: begin: %u DMAs into %#lx on %s\n", c->name,
		E2E_STORM_DMAS, E2E_STORM_IOVA, dma_chan_name(ec.chan));
	start = ktime_get();
	for (i = 0; i < E2E_STORM_DMAS; i++) {
		int ret = e2e_memcpy(&ec, E2E_STORM_IOVA + (i % 16) * PAGE_SIZE,
				     s, E2E_STORM_LEN);
		u32 sta;

		if (ret == -ETIMEDOUT && ++timeouts > 10)
			break;
		if (ret && ret != -ETIMEDOUT)
			errors++;
		/*
		 * The faulting lane drops everything until the driver resets
		 * it: wait for that, so that each DMA faults anew.
		 */
		if (readl_poll_timeout(e2e_iommu_regs + IOMMU_INT_STA, sta,
				       !sta, 10, E2E_TIMEOUT_MS * USEC_PER_MSEC) &&
		    ++stuck > 10)
			break;
	}
	ms = ktime_ms_delta(ktime_get(), start);
	e2e_iommu_quiet(c);
	kthread_stop(hb.task);
	pr_info("%s: end: %u DMAs in %lld ms\n", c->name, i, ms);
	e2e_check(c, i == E2E_STORM_DMAS && !errors && !stuck,
		  "dmas-completed",
		  "%u faulting DMAs issued, %u timeouts, %u errors, %u times the fault was not handled within %u ms",
		  i, timeouts, errors, stuck, E2E_TIMEOUT_MS);
	/* At least one beat per 20 ms on average, no gap of a second. */
	e2e_check(c, hb.max_gap_us < USEC_PER_SEC && hb.beats * 20 >= ms,
		  "responsive",
		  "a 1 ms sleep loop kept running: %llu beats in %lld ms, longest gap %lld ms",
		  hb.beats, ms, div_s64(hb.max_gap_us, USEC_PER_MSEC));
	pr_info("%s: storm-duration-ms %lld\n", c->name, ms);
unmap:
	dma_unmap_single(ec.dev, s, E2E_STORM_LEN, DMA_TO_DEVICE);
out:
	kfree(src);
	e2e_chan_put(&ec);
	e2e_case_dma(c);
}

/* PMU expectations: "pmu-expect:1,3,4" wants lookups on exactly those. */
static void e2e_case_pmu_expect(struct e2e_case *c, const char *arg)
{
	unsigned long want = 0;
	unsigned int m;
	char *s, *tok, *copy;

	copy = kstrdup(arg ?: "", GFP_KERNEL);
	for (s = copy; s && (tok = strsep(&s, ",")) != NULL;)
		if (!kstrtouint(tok, 10, &m) && m < IOMMU_NUM_MASTERS)
			want |= BIT(m);
	kfree(copy);
	e2e_pmu_show(c->name);
	if (!e2e_pmu_live(c))
		return;
	for (m = 0; m < IOMMU_NUM_MASTERS; m++) {
		u64 n = e2e_pmu_counter(m, false);

		e2e_check(c, !!n == !!(want & BIT(m)), "pmu-master",
			  "master %u: %llu translated accesses (%s)", m, n,
			  want & BIT(m) ? "expected some" : "expected none");
	}
}

/* make run: one DMA through the IOMMU, shown step by step. */
static void e2e_case_demo(struct e2e_case *c)
{
	struct iommu_domain *dom;
	struct e2e_domain ed = {};
	struct e2e_buf src = {}, dst = {};
	struct e2e_chan ec = {};
	dma_addr_t s, d;
	void *a, *b;
	int ret;

	if (e2e_chan_get(&ec, 0))
		return (void)e2e_check(c, false, "setup", "no channel");
	dom = iommu_get_domain_for_dev(ec.dev);
	pr_info("demo: %s (IOMMU masters 1 = reads, 3 = writes) is in a %s domain\n",
		dev_name(ec.dev), e2e_domain_type(dom));
	e2e_pmu_start();

	a = kmalloc(E2E_LEN, GFP_KERNEL);
	b = kzalloc(E2E_LEN, GFP_KERNEL);
	if (!a || !b)
		goto out;
	e2e_fill(a, E2E_LEN, 0x3c);
	s = dma_map_single(ec.dev, a, E2E_LEN, DMA_TO_DEVICE);
	d = dma_map_single(ec.dev, b, E2E_LEN, DMA_FROM_DEVICE);
	if (!dma_mapping_error(ec.dev, s) && !dma_mapping_error(ec.dev, d)) {
		phys_addr_t ps = virt_to_phys(a), pd = virt_to_phys(b);
		phys_addr_t ws = iommu_iova_to_phys(dom, s);
		phys_addr_t wd = iommu_iova_to_phys(dom, d);

		pr_info("demo: DMA API mapping: source      IOVA %pad -> PA %pa (table walk: %pa)\n",
			&s, &ps, &ws);
		pr_info("demo: DMA API mapping: destination IOVA %pad -> PA %pa (table walk: %pa)\n",
			&d, &pd, &wd);
		ret = e2e_memcpy(&ec, d, s, E2E_LEN);
		dma_unmap_single(ec.dev, d, E2E_LEN, DMA_FROM_DEVICE);
		dma_unmap_single(ec.dev, s, E2E_LEN, DMA_TO_DEVICE);
		e2e_check(c, !ret && e2e_holds(b, E2E_LEN, 0x3c), "copy",
			  "%zu-byte copy on %s through the IOMMU: %d", E2E_LEN,
			  dma_chan_name(ec.chan), ret);
	}
	e2e_pmu_show("demo");

	/* A fault: our own domain, a mapping, then the same copy unmapped. */
	if (e2e_buf_alloc(&src, E2E_LEN) || e2e_buf_alloc(&dst, E2E_LEN) ||
	    e2e_domain_attach(c, &ed, ec.dev))
		goto detach;
	e2e_fill(src.va, E2E_LEN, 0x3d);
	if (e2e_map(c, &ed, E2E_IOVA_SRC, &src, IOMMU_READ) ||
	    e2e_map(c, &ed, E2E_IOVA_DST, &dst, IOMMU_READ | IOMMU_WRITE))
		goto detach;
	ret = e2e_memcpy(&ec, E2E_IOVA_DST, E2E_IOVA_SRC, E2E_LEN);
	e2e_check(c, !ret && e2e_holds(dst.va, E2E_LEN, 0x3d), "own-domain",
		  "copy %#lx -> %#lx in our own domain: %d", E2E_IOVA_SRC,
		  E2E_IOVA_DST, ret);
	e2e_unmap(c, &ed, E2E_IOVA_DST, E2E_LEN);
	e2e_faults_reset(&ed.faults);
	pr_info("demo: unmapped %#lx; copying again\n", E2E_IOVA_DST);
	e2e_memcpy(&ec, E2E_IOVA_DST, E2E_IOVA_SRC, E2E_LEN);
	e2e_pl330_scrub(ec.dma);
	e2e_check(c, e2e_wait_fault(c, &ed.faults), "fault",
		  "the write to the unmapped page faulted (an invalid entry is reported as a read: the hardware does not say)");
	e2e_faults_show(c, &ed.faults);
	e2e_unmap(c, &ed, E2E_IOVA_SRC, E2E_LEN);
	e2e_pmu_show("demo");
detach:
	e2e_domain_detach(c, &ed, ec.dev);
out:
	kfree(b);
	kfree(a);
	e2e_buf_free(&dst);
	e2e_buf_free(&src);
	e2e_chan_put(&ec);
}

/* The "run" parameter */

static int e2e_run(const char *val, const struct kernel_param *kp)
{
	char buf[32], *name, *arg;
	struct e2e_case c;
	int ret;

	strscpy(buf, val, sizeof(buf));
	name = strim(buf);
	c = (struct e2e_case){ .name = name };
	arg = strchr(name, ':');
	if (arg)
		*arg++ = '\0';
	ret = e2e_iommu_map_regs();
	if (ret)
		return ret;

	if (!strcmp(name, "dma"))
		e2e_case_dma(&c);
	else if (!strcmp(name, "unmanaged"))
		e2e_case_unmanaged(&c);
	else if (!strcmp(name, "readonly"))
		e2e_case_readonly(&c);
	else if (!strcmp(name, "remap"))
		e2e_case_remap(&c);
	else if (!strcmp(name, "identity"))
		e2e_case_identity(&c);
	else if (!strcmp(name, "blocked"))
		e2e_case_blocked(&c);
	else if (!strcmp(name, "storm"))
		e2e_case_storm(&c);
	else if (!strcmp(name, "pmu-start"))
		e2e_check(&c, !e2e_pmu_start(), "pmu", "PMU cleared and enabled");
	else if (!strcmp(name, "pmu-expect"))
		e2e_case_pmu_expect(&c, arg);
	else if (!strcmp(name, "demo"))
		e2e_case_demo(&c);
	else if (!strcmp(name, "pm-idle"))
		e2e_case_pm_state(&c, false);
	else if (!strcmp(name, "pm-active"))
		e2e_case_pm_state(&c, true);
	else if (!strcmp(name, "pm-master"))
		e2e_case_pm_master(&c);
	else if (!strcmp(name, "sleep-cycles"))
		e2e_case_sleep_cycles(&c, arg);
	else
		return -EINVAL;

	if (!c.checks)
		e2e_check(&c, false, "ran", "the case ran no check");
	pr_info("RESULT %s %s (%u checks, %u failed)\n", name,
		c.failed ? "FAIL" : "PASS", c.checks, c.failed);
	return c.failed ? -EIO : 0;
}

static const struct kernel_param_ops e2e_run_ops = {
	.set = e2e_run,
};
module_param_cb(run, &e2e_run_ops, NULL, 0200);
MODULE_PARM_DESC(run, "Run a test case: write its name");

static void __exit e2e_exit(void)
{
	if (e2e_iommu_regs)
		iounmap(e2e_iommu_regs);
}
module_exit(e2e_exit);

MODULE_DESCRIPTION("End-to-end tests of the sun50i IOMMU on the emulated board");
MODULE_LICENSE("GPL");
