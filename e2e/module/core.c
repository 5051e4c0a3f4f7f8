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

#include "e2e.h"

const char * const e2e_dma_names[E2E_NUM_DMA] = { E2E_DMA0, E2E_DMA1 };
/* The IOMMU masters of each PL330: reads, writes. */
const unsigned int e2e_dma_masters[E2E_NUM_DMA][2] = { { 1, 3 }, { 4, 4 } };

void __iomem *e2e_iommu_regs;
int e2e_owner;
__printf(4, 5) bool e2e_check(struct e2e_case *c, bool ok, const char *id,
			      const char *fmt, ...)
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

static bool e2e_filter_fn(struct dma_chan *chan, void *param)
{
	return !strcmp(dev_name(chan->device->dev), param);
}

/* A memcpy channel of PL330 @dma. */
int e2e_chan_get(struct e2e_chan *ec, unsigned int dma)
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

void e2e_chan_put(struct e2e_chan *ec)
{
	if (ec->chan)
		dma_release_channel(ec->chan);
	ec->chan = NULL;
}

/* The device of PL330 @dma, referenced. */
struct device *e2e_find_pl330(unsigned int dma)
{
	return bus_find_device_by_name(&amba_bustype, NULL, e2e_dma_names[dma]);
}

/*
 * Runtime PM of an unbound PL330, as its driver would do it: the device
 * link then powers the IOMMU while the PL330 is active. (Bound, pl330 marks
 * its device IRQ-safe, and the PM core does not follow device links of
 * IRQ-safe devices: the IOMMU stays on while pl330 is bound.)
 */
int e2e_master_get(struct device *dev)
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
int e2e_master_idle(struct device *dev)
{
	return pm_runtime_put_sync_suspend(dev);
}

void e2e_master_put(struct device *dev)
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
int e2e_memcpy(struct e2e_chan *ec, dma_addr_t dst, dma_addr_t src,
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

int e2e_buf_alloc(struct e2e_buf *b, size_t len)
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

void e2e_buf_free(struct e2e_buf *b)
{
	if (b->page)
		__free_pages(b->page, get_order(b->len));
	b->page = NULL;
}

void e2e_fill(void *p, size_t len, u8 seed)
{
	u8 *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		b[i] = seed + i * 7 + (i >> 8);
}

/* Whether @p holds e2e_fill(@seed). */
bool e2e_holds(const void *p, size_t len, u8 seed)
{
	const u8 *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		if (b[i] != (u8)(seed + i * 7 + (i >> 8)))
			return false;
	return true;
}

/* PL330 registers, for scrubbing and driving it without its driver */

int e2e_pl330_dbg(struct e2e_pl330 *pl, u32 inst0, u32 inst1)
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

void e2e_pl330_kill(struct e2e_pl330 *pl, unsigned int ch)
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
void e2e_pl330_scrub(unsigned int dma)
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

const char *e2e_domain_type(struct iommu_domain *dom)
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

/* PL330s driven directly, with their driver unbound */

static u8 *e2e_pl330_mov(u8 *p, u8 reg, u32 val)
{
	*p++ = PL330_DMAMOV;
	*p++ = reg;
	put_unaligned_le32(val, p);
	return p + 4;
}

/*
 * Start copying PAGE_SIZE bytes from bus address @src to @dst on channel
 * @ch, with the program at bus address @mc_bus.
 */
int e2e_pl330_start(struct e2e_pl330 *pl, unsigned int ch, u32 mc_bus,
		    u32 dst, u32 src)
{
	u8 *p = pl->mcode.va;

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
	return e2e_pl330_dbg(pl, ch << 24 | PL330_DMAGO << 16, mc_bus);
}

/*
 * Wait for the program on channel @ch to stop, and clean up after it.
 * Returns 1 if it ran to its end (it signals an event), 0 if it did not.
 */
int e2e_pl330_finish(struct e2e_pl330 *pl, unsigned int ch)
{
	u32 state, ev;

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

/* A whole copy (see e2e_pl330_start()): 1 if it ran to its end. */
int e2e_pl330_copy(struct e2e_pl330 *pl, unsigned int ch, u32 mc_bus,
		   u32 dst, u32 src)
{
	if (e2e_pl330_start(pl, ch, mc_bus, dst, src))
		return -EBUSY;
	return e2e_pl330_finish(pl, ch);
}

/* IOMMU registers */

/* The IOMMU node: the board describes an H6 or an H616 one. */
static const struct of_device_id e2e_iommu_of_match[] = {
	{ .compatible = "allwinner,sun50i-h6-iommu" },
	{ .compatible = "allwinner,sun50i-h616-iommu" },
	{ /* sentinel */ }
};

int e2e_iommu_map_regs(void)
{
	struct device_node *np;

	if (e2e_iommu_regs)
		return 0;
	np = of_find_matching_node(NULL, e2e_iommu_of_match);
	if (!np)
		return -ENODEV;
	e2e_iommu_regs = of_iomap(np, 0);
	of_node_put(np);
	return e2e_iommu_regs ? 0 : -ENOMEM;
}

/*
 * Whether the IOMMU's bus clock runs and its reset is released (CCU): a
 * gated IOMMU reads 0 everywhere, so a register that should read 0 proves
 * nothing unless this holds.
 */
bool e2e_iommu_powered(void)
{
	u32 ccu = e2e_ccu_bus_iommu();

	return ccu != U32_MAX && (ccu & CCU_BUS_IOMMU_GATE) &&
	       (ccu & CCU_BUS_IOMMU_RSTN);
}

/*
 * Check that the driver handled and cleared every pending fault: with the
 * IOMMU powered, INT_STA reads 0 within a second.
 */
bool e2e_iommu_quiet(struct e2e_case *c)
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

int e2e_pmu_start(void)
{
	u32 val;

	if (!e2e_iommu_powered())
		return -ENODEV;
	writel(1, e2e_iommu_regs + IOMMU_PMU_CLR);
	if (readl_poll_timeout(e2e_iommu_regs + IOMMU_PMU_CLR, val, !val, 10,
			       E2E_TIMEOUT_MS * USEC_PER_MSEC))
		return -ETIMEDOUT;
	writel(1, e2e_iommu_regs + IOMMU_PMU_ENABLE);
	return 0;
}

/*
 * Check that the PMU is counting: the IOMMU is powered and PMU_ENABLE
 * reads back 1. Counters that read 0 mean nothing otherwise.
 */
bool e2e_pmu_live(struct e2e_case *c)
{
	bool powered = e2e_iommu_powered();
	u32 en = powered ? readl(e2e_iommu_regs + IOMMU_PMU_ENABLE) : 0;

	return e2e_check(c, powered && en == 1, "pmu-live",
			 "PMU counting: IOMMU %s, PMU_ENABLE %#x",
			 powered ? "powered" : "gated or in reset", en);
}

u64 e2e_pmu_counter(unsigned int slot, bool hit)
{
	void __iomem *reg = e2e_iommu_regs + IOMMU_PMU_SLOT(slot) + (hit ? 8 : 0);

	return readl(reg) |
	       (u64)(readl(reg + 4) & IOMMU_PMU_HIGH) << 32;
}

void e2e_pmu_show(const char *who)
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

/* The IOMMU's bus gate and reset register in the CCU. */
u32 e2e_ccu_bus_iommu(void)
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

/* The IOMMU's platform device, referenced. */
struct device *e2e_iommu_dev(void)
{
	struct platform_device *pdev;
	struct device_node *np;

	np = of_find_matching_node(NULL, e2e_iommu_of_match);
	if (!np)
		return NULL;
	pdev = of_find_device_by_node(np);
	of_node_put(np);
	return pdev ? &pdev->dev : NULL;
}

/* Faults reported to our handler */

int e2e_fault_handler(struct iommu_domain *domain, struct device *dev,
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

/* Ready @fl for a fault handler: no faults yet. */
void e2e_faults_init(struct e2e_faults *fl)
{
	spin_lock_init(&fl->lock);
	init_completion(&fl->any);
	fl->n = 0;
}

void e2e_faults_reset(struct e2e_faults *fl)
{
	unsigned long irqflags;

	spin_lock_irqsave(&fl->lock, irqflags);
	fl->n = 0;
	reinit_completion(&fl->any);
	spin_unlock_irqrestore(&fl->lock, irqflags);
}

void e2e_faults_show(struct e2e_case *c, struct e2e_faults *fl)
{
	unsigned int i;

	for (i = 0; i < min_t(unsigned int, fl->n, E2E_MAX_FAULTS); i++)
		pr_info("%s: fault %u: iova %#lx, %s, device %s\n", c->name, i,
			fl->f[i].iova,
			fl->f[i].flags & IOMMU_FAULT_WRITE ? "write" : "read",
			fl->f[i].dev ? dev_name(fl->f[i].dev) : "(none)");
}

/* Whether a fault of @dev with @flags at an IOVA in [iova, iova+len) came. */
bool e2e_faults_have(struct e2e_faults *fl, struct device *dev,
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

/* Undo iommu_group_get(), a claim of its DMA ownership and our domain. */
void e2e_group_release(struct iommu_group *group, bool owned,
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
 * The owned group: both PL330s unbound and driven directly, the group
 * claimed, and a paging domain of ours attached, with a fault handler and
 * each engine's program mapped at E2E_IOVA_MC + dma * PAGE_SIZE. The
 * masters are runtime-active while it is held, as under a driver.
 */
int e2e_owned_get(struct e2e_case *c, struct e2e_owned *o)
{
	unsigned int dma;
	int ret;

	e2e_faults_init(&o->faults);
	for (dma = 0; dma < E2E_NUM_DMA; dma++) {
		o->dev[dma] = e2e_find_pl330(dma);
		if (!e2e_check(c, o->dev[dma] && !o->dev[dma]->driver, "unbound",
			       "%s exists and has no driver bound",
			       e2e_dma_names[dma]))
			return -ENODEV;
		o->pl[dma].regs = ioremap(to_amba_device(o->dev[dma])->res.start,
					  SZ_4K);
		if (!o->pl[dma].regs ||
		    e2e_buf_alloc(&o->pl[dma].mcode, PAGE_SIZE))
			return -ENOMEM;
		ret = e2e_master_get(o->dev[dma]);
		if (!e2e_check(c, !ret, "master-active", "%s runtime-resumed: %d",
			       e2e_dma_names[dma], ret))
			return ret;
		o->active[dma] = true;
	}
	o->group = iommu_group_get(o->dev[0]);
	ret = o->group ? iommu_group_claim_dma_owner(o->group, &e2e_owner) :
			 -ENODEV;
	if (!e2e_check(c, !ret, "claim", "iommu_group_claim_dma_owner(): %d",
		       ret))
		return ret;
	o->owned = true;
	o->dom = iommu_paging_domain_alloc(o->dev[0]);
	if (!e2e_check(c, !IS_ERR(o->dom), "alloc", "paging domain: %d",
		       PTR_ERR_OR_ZERO(o->dom))) {
		ret = PTR_ERR(o->dom);
		o->dom = NULL;
		return ret;
	}
	iommu_set_fault_handler(o->dom, e2e_fault_handler, &o->faults);
	ret = iommu_attach_group(o->dom, o->group);
	if (!e2e_check(c, !ret, "attach", "our domain attached: %d", ret))
		return ret;
	o->attached = true;
	for (dma = 0; dma < E2E_NUM_DMA && !ret; dma++)
		ret = iommu_map(o->dom, E2E_IOVA_MC + dma * PAGE_SIZE,
				o->pl[dma].mcode.pa, PAGE_SIZE, IOMMU_READ,
				GFP_KERNEL);
	e2e_check(c, !ret, "map-programs", "PL330 programs mapped: %d", ret);
	return ret;
}

void e2e_owned_put(struct e2e_owned *o)
{
	unsigned int dma;

	if (o->attached)
		iommu_detach_group(o->dom, o->group);
	e2e_group_release(o->group, o->owned, o->dom);
	for (dma = 0; dma < E2E_NUM_DMA; dma++) {
		if (o->active[dma])
			e2e_master_put(o->dev[dma]);
		e2e_buf_free(&o->pl[dma].mcode);
		if (o->pl[dma].regs)
			iounmap(o->pl[dma].regs);
		put_device(o->dev[dma]);
	}
}

/*
 * Copy a page from IOVA @src to @dst on PL330 @dma of the owned group;
 * wait for the driver to handle any fault. Returns 1 if the program ran to
 * its end.
 */
int e2e_owned_copy(struct e2e_case *c, struct e2e_owned *o, unsigned int dma,
		   u32 dst, u32 src)
{
	int ran = e2e_pl330_copy(&o->pl[dma], 0, E2E_IOVA_MC + dma * PAGE_SIZE,
				 dst, src);

	e2e_iommu_quiet(c);
	return ran;
}

/* PMU expectations: "pmu-expect:1,3,4" wants lookups on exactly those. */
void e2e_case_pmu_expect(struct e2e_case *c, const char *arg)
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

/* The "run" parameter */

/* pmu-start: clear and enable the model's per-master access counters. */
static void e2e_case_pmu_start(struct e2e_case *c, const char *arg)
{
	e2e_check(c, !e2e_pmu_start(), "pmu", "PMU cleared and enabled");
}

/**
 * struct e2e_case_entry - a test case the "run" parameter can name
 * @name: what the guest script writes, before an optional ":argument"
 * @run: the case; it gets the argument, or NULL when there is none
 */
struct e2e_case_entry {
	const char *name;
	void (*run)(struct e2e_case *c, const char *arg);
};

static const struct e2e_case_entry e2e_cases[] = {
	{ "dma", e2e_case_dma },
	{ "unmanaged", e2e_case_unmanaged },
	{ "readonly", e2e_case_readonly },
	{ "remap", e2e_case_remap },
	{ "identity", e2e_case_identity },
	{ "blocked", e2e_case_blocked },
	{ "storm", e2e_case_storm },
	{ "multi-fault", e2e_case_multi_fault },
	{ "debug-storm", e2e_case_debug_storm },
	{ "prefetch-map", e2e_case_prefetch_map },
	{ "prefetch-unmap", e2e_case_prefetch_unmap },
	{ "permissions", e2e_case_permissions },
	{ "switch", e2e_case_switch },
	{ "unbind", e2e_case_unbind },
	{ "pmu-start", e2e_case_pmu_start },
	{ "pmu-expect", e2e_case_pmu_expect },
	{ "demo", e2e_case_demo },
	{ "pm-idle", e2e_case_pm_idle },
	{ "pm-active", e2e_case_pm_active },
	{ "pm-master", e2e_case_pm_master },
	{ "sleep-cycles", e2e_case_sleep_cycles },
	{ "bench", e2e_case_bench },
	{ "display-dma", e2e_case_display_dma },
	{ "display-block", e2e_case_display_block },
};

static int e2e_run(const char *val, const struct kernel_param *kp)
{
	const struct e2e_case_entry *entry = NULL;
	char buf[32], *name, *arg;
	struct e2e_case c;
	unsigned int i;
	int ret;

	strscpy(buf, val, sizeof(buf));
	name = strim(buf);
	arg = strchr(name, ':');
	if (arg)
		*arg++ = '\0';
	for (i = 0; i < ARRAY_SIZE(e2e_cases); i++)
		if (!strcmp(name, e2e_cases[i].name))
			entry = &e2e_cases[i];
	if (!entry)
		return -EINVAL;
	ret = e2e_iommu_map_regs();
	if (ret)
		return ret;

	c = (struct e2e_case){ .name = name };
	entry->run(&c, arg);
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

