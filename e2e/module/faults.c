// SPDX-License-Identifier: GPL-2.0-only
/*
 * End-to-end tests: faults.
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
#include <linux/irq.h>
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

/* Fault storm */

#define E2E_STORM_DMAS		2000
#define E2E_STORM_LEN		64
/* Never handed out by the DMA API, which allocates from the top down. */
#define E2E_STORM_IOVA		0x00100000UL

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

int e2e_heartbeat_start(struct e2e_heartbeat *hb)
{
	struct task_struct *task;

	task = kthread_run(e2e_heartbeat_fn, hb, "e2e-heartbeat");
	if (IS_ERR(task))
		return PTR_ERR(task);
	hb->task = task;
	return 0;
}

/*
 * Stop the loop begun @ms milliseconds ago and check that it kept beating:
 * at least one beat per 20 ms on average, no gap of a second.
 */
void e2e_heartbeat_check(struct e2e_case *c, struct e2e_heartbeat *hb, s64 ms)
{
	kthread_stop(hb->task);
	e2e_check(c, hb->max_gap_us < USEC_PER_SEC && hb->beats * 20 >= ms,
		  "responsive",
		  "a 1 ms sleep loop kept running: %llu beats in %lld ms, longest gap %lld ms",
		  hb->beats, ms, div_s64(hb->max_gap_us, USEC_PER_MSEC));
}

/*
 * Thousands of DMAs into an unmapped IOVA of the DMA domain, which has no
 * fault handler: every fault ends in the driver's own (rate-limited) log.
 */
void e2e_case_storm(struct e2e_case *c, const char *arg)
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

	if (!e2e_check(c, !e2e_heartbeat_start(&hb), "heartbeat",
		       "a 1 ms sleep loop started"))
		goto unmap;
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
	pr_info("%s: end: %u DMAs in %lld ms\n", c->name, i, ms);
	e2e_check(c, i == E2E_STORM_DMAS && !errors && !stuck,
		  "dmas-completed",
		  "%u faulting DMAs issued, %u timeouts, %u errors, %u times the fault was not handled within %u ms",
		  i, timeouts, errors, stuck, E2E_TIMEOUT_MS);
	e2e_heartbeat_check(c, &hb, ms);
	pr_info("%s: storm-duration-ms %lld\n", c->name, ms);
unmap:
	dma_unmap_single(ec.dev, s, E2E_STORM_LEN, DMA_TO_DEVICE);
out:
	kfree(src);
	e2e_chan_put(&ec);
	e2e_case_dma(c, NULL);
}

/* Faults no master caused */

#define E2E_DEBUG_FAULTS	100000
/* Unmapped in the DMA domain: the DMA API allocates from the top down. */
#define E2E_DEBUG_IOVA		0x00001000UL
/* How long the driver may take to clear one; a disabled IRQ never does. */
#define E2E_DEBUG_WAIT_MS	E2E_TIMEOUT_MS
#define IOMMU_VA		0x190
#define IOMMU_VA_CONFIG		0x198
#define IOMMU_VA_DEBUG		BIT(31)
#define IOMMU_VA_START		BIT(0)

/*
 * One DMA into an unmapped IOVA of the DMA domain (its fault is logged by
 * the driver, which e2e.sh checks): the driver must clear it.
 */
static void e2e_master_fault_serviced(struct e2e_case *c, struct e2e_chan *ec)
{
	dma_addr_t s = DMA_MAPPING_ERROR;
	void *src;
	int ret = -ENOMEM, poll = -ENODEV;
	u32 sta = 0;

	src = kzalloc(E2E_STORM_LEN, GFP_KERNEL);
	if (src)
		s = dma_map_single(ec->dev, src, E2E_STORM_LEN, DMA_TO_DEVICE);
	if (!dma_mapping_error(ec->dev, s)) {
		pr_info("%s: a master fault at %#lx\n", c->name,
			E2E_STORM_IOVA);
		ret = e2e_memcpy(ec, E2E_STORM_IOVA, s, E2E_STORM_LEN);
		poll = readl_poll_timeout(e2e_iommu_regs + IOMMU_INT_STA, sta,
					  !sta, 10,
					  E2E_TIMEOUT_MS * USEC_PER_MSEC);
		e2e_pl330_scrub(ec->dma);
		dma_unmap_single(ec->dev, s, E2E_STORM_LEN, DMA_TO_DEVICE);
	}
	kfree(src);
	e2e_check(c, !poll, "master-fault-cleared",
		  "a DMA into unmapped %#lx (%d): the driver cleared the fault (INT_STA %#x)",
		  E2E_STORM_IOVA, ret, sta);
}

/* The IOMMU's interrupt, from its platform device. */
static int e2e_iommu_irq(void)
{
	struct device *dev = e2e_iommu_dev();
	int irq;

	if (!dev)
		return -ENODEV;
	irq = platform_get_irq(to_platform_device(dev), 0);
	put_device(dev);
	return irq;
}

/*
 * One read of an unmapped IOVA through the VA debug port (hardware
 * reference, section 8.2): the IOMMU raises a fault that no master caused
 * (bit 31 of L1PG/L2PG). Returns 0 once the driver has cleared it.
 */
static int e2e_debug_port_fault(void)
{
	ktime_t end;
	u32 val;

	writel(E2E_DEBUG_IOVA, e2e_iommu_regs + IOMMU_VA);
	writel(IOMMU_VA_DEBUG | IOMMU_VA_START, e2e_iommu_regs + IOMMU_VA_CONFIG);
	if (readl_poll_timeout_atomic(e2e_iommu_regs + IOMMU_VA_CONFIG, val,
				      !(val & IOMMU_VA_START), 0, 1000))
		return -ETIMEDOUT;
	/*
	 * Yield between polls: the interrupt thread may be bound to this
	 * CPU, and a busy wait would keep it from running.
	 */
	end = ktime_add_ms(ktime_get(), E2E_DEBUG_WAIT_MS);
	while (readl(e2e_iommu_regs + IOMMU_INT_STA)) {
		if (ktime_after(ktime_get(), end))
			return -ETIMEDOUT;
		cond_resched();
	}
	return 0;
}

/*
 * debug-storm[:N]: N (default 100000) fault interrupts of the VA debug
 * port, which name no master. The driver must count each as handled, or
 * the kernel disables the line as spurious and master faults are never
 * serviced again: afterwards a real master fault must still be reported
 * and its lane recover.
 */
void e2e_case_debug_storm(struct e2e_case *c, const char *arg)
{
	unsigned int n = E2E_DEBUG_FAULTS, i, lost = 0;
	struct iommu_domain *dom;
	struct e2e_chan ec = {};
	struct irq_data *irqd;
	int irq = e2e_iommu_irq();
	ktime_t start;

	if (arg && kstrtouint(arg, 0, &n))
		n = 0;
	if (e2e_chan_get(&ec, 0))
		return (void)e2e_check(c, false, "setup", "no channel");
	dom = iommu_get_domain_for_dev(ec.dev);
	if (!e2e_check(c, irq > 0 && n && e2e_iommu_powered() && dom &&
		       !iommu_iova_to_phys(dom, E2E_DEBUG_IOVA), "setup",
		       "IRQ %d, %u faults, IOMMU %s, IOVA %#lx unmapped", irq, n,
		       e2e_iommu_powered() ? "powered" : "off", E2E_DEBUG_IOVA))
		goto out;

	pr_info("%s: begin: %u debug port faults\n", c->name, n);
	start = ktime_get();
	for (i = 0; i < n; i++) {
		if (e2e_debug_port_fault() && ++lost > 10)
			break;
		if (!(i % 256))
			cond_resched();
	}
	pr_info("%s: end: %u faults in %lld ms\n", c->name, i,
		ktime_ms_delta(ktime_get(), start));
	irqd = irq_get_irq_data(irq);
	e2e_check(c, i == n && !lost, "all-cleared",
		  "%u debug port faults, %u not cleared within %u ms", i, lost,
		  E2E_DEBUG_WAIT_MS);
	e2e_check(c, irqd && !irqd_irq_disabled(irqd), "irq-enabled",
		  "IRQ %d is %s", irq,
		  irqd && irqd_irq_disabled(irqd) ? "disabled" : "enabled");
	/* A master fault is still serviced, and the lane recovers. */
	e2e_master_fault_serviced(c, &ec);
	e2e_case_dma(c, NULL);
out:
	e2e_chan_put(&ec);
}

/* Several faults in one interrupt */

#define E2E_MF_ENGINES		4

/*
 * What each PL330 of the four-engine board does in multi-fault: #0 copies
 * (masters 1 and 3), #1 reads a slot without a Page Table (L1 fault,
 * master 4), #2 reads an unmapped page of a mapped slot (L2 fault, master
 * 2), #3 writes a read-only page (permission fault, master 5).
 */
static const struct {
	const char *name;
	u32 src, dst;
	const char *fault;
	u32 fault_iova;
	int dir;
} e2e_mf[E2E_MF_ENGINES] = {
	{ "4800000.dma-controller", 0x50000000, 0x50100000, NULL, 0, -1 },
	{ "4801000.dma-controller", 0x60000000, 0x50200000, "L1", 0x60000000, -1 },
	{ "4802000.dma-controller", 0x50003000, 0x50300000, "L2", 0x50003000, -1 },
	{ "4803000.dma-controller", 0x50400000, 0x50500000, "permission",
	  0x50500000, IOMMU_FAULT_WRITE },
};

/* The pages multi-fault maps, and how. */
static const struct {
	u32 iova;
	int prot;
} e2e_mf_pages[] = {
	{ 0x50000000, IOMMU_READ },			/* #0's source */
	{ 0x50100000, IOMMU_READ | IOMMU_WRITE },	/* #0's destination */
	{ 0x50200000, IOMMU_READ | IOMMU_WRITE },	/* #1's destination */
	{ 0x50300000, IOMMU_READ | IOMMU_WRITE },	/* #2's destination */
	{ 0x50400000, IOMMU_READ },			/* #3's source */
	{ 0x50500000, IOMMU_READ },			/* #3's read-only target */
};

/*
 * multi-fault: with the IOMMU's interrupt held off, PL330 #1, #2 and #3
 * fault (L1, L2, permission) while #0 copies; then the one interrupt must
 * report each fault once, against its own device and IOVA, reset only the
 * faulting lanes (the model audits any other), and leave #0's copy intact.
 * Each faulting engine copies correctly afterwards.
 */
void e2e_case_multi_fault(struct e2e_case *c, const char *arg)
{
	struct e2e_pl330 pl[E2E_MF_ENGINES] = {};
	struct device *dev[E2E_MF_ENGINES] = {};
	struct e2e_buf page[ARRAY_SIZE(e2e_mf_pages)] = {};
	bool active[E2E_MF_ENGINES] = {}, owned = false, attached = false;
	struct iommu_domain *dom = NULL;
	struct iommu_group *group = NULL;
	struct e2e_faults faults = {};
	int irq = e2e_iommu_irq(), ran[E2E_MF_ENGINES], ret = 0;
	unsigned int e, i;

	e2e_faults_init(&faults);
	for (e = 0; e < E2E_MF_ENGINES; e++) {
		dev[e] = bus_find_device_by_name(&amba_bustype, NULL,
						 e2e_mf[e].name);
		if (!e2e_check(c, dev[e] && !dev[e]->driver, "unbound",
			       "%s exists and has no driver bound",
			       e2e_mf[e].name))
			goto out;
		pl[e].regs = ioremap(to_amba_device(dev[e])->res.start, SZ_4K);
		if (!pl[e].regs || e2e_buf_alloc(&pl[e].mcode, PAGE_SIZE))
			goto out;
		ret = e2e_master_get(dev[e]);
		if (ret)
			goto out;
		active[e] = true;
	}
	for (i = 0; i < ARRAY_SIZE(page); i++)
		if (e2e_buf_alloc(&page[i], PAGE_SIZE))
			goto out;
	group = iommu_group_get(dev[0]);
	ret = group ? iommu_group_claim_dma_owner(group, &e2e_owner) : -ENODEV;
	if (!e2e_check(c, !ret && irq > 0, "claim",
		       "group claimed: %d; IOMMU IRQ %d", ret, irq))
		goto out;
	owned = true;
	dom = iommu_paging_domain_alloc(dev[0]);
	if (IS_ERR(dom)) {
		dom = NULL;
		goto out;
	}
	iommu_set_fault_handler(dom, e2e_fault_handler, &faults);
	ret = iommu_attach_group(dom, group);
	attached = !ret;
	for (e = 0; e < E2E_MF_ENGINES && !ret; e++)
		ret = iommu_map(dom, E2E_IOVA_MC + e * PAGE_SIZE, pl[e].mcode.pa,
				PAGE_SIZE, IOMMU_READ, GFP_KERNEL);
	for (i = 0; i < ARRAY_SIZE(page) && !ret; i++)
		ret = iommu_map(dom, e2e_mf_pages[i].iova, page[i].pa, PAGE_SIZE,
				e2e_mf_pages[i].prot, GFP_KERNEL);
	if (!e2e_check(c, !ret, "setup", "domain attached, programs and pages mapped: %d",
		       ret))
		goto out;
	for (i = 0; i < ARRAY_SIZE(page); i++)
		e2e_fill(page[i].va, PAGE_SIZE, 0xa0 + i);

	disable_irq(irq);
	for (e = 0; e < E2E_MF_ENGINES; e++)
		e2e_pl330_start(&pl[e], 0, E2E_IOVA_MC + e * PAGE_SIZE,
				e2e_mf[e].dst, e2e_mf[e].src);
	for (e = 0; e < E2E_MF_ENGINES; e++)
		ran[e] = e2e_pl330_finish(&pl[e], 0);
	e2e_check(c, readl(e2e_iommu_regs + IOMMU_INT_STA), "pending",
		  "all faults pending before the interrupt: INT_STA %#x",
		  readl(e2e_iommu_regs + IOMMU_INT_STA));
	enable_irq(irq);
	e2e_iommu_quiet(c);
	e2e_faults_show(c, &faults);

	e2e_check(c, ran[0] == 1 && e2e_holds(page[1].va, PAGE_SIZE, 0xa0),
		  "healthy-copy", "%s copied while the others faulted: ran %d",
		  e2e_mf[0].name, ran[0]);
	e2e_check(c, faults.n == E2E_MF_ENGINES - 1, "one-report-each",
		  "%u reports for %u faulting masters", faults.n,
		  E2E_MF_ENGINES - 1);
	e2e_check(c, !e2e_faults_have(&faults, dev[0], 0, ULONG_MAX, -1),
		  "no-report-healthy", "no report against %s", e2e_mf[0].name);
	for (e = 1; e < E2E_MF_ENGINES; e++)
		e2e_check(c, e2e_faults_have(&faults, dev[e],
					     e2e_mf[e].fault_iova, PAGE_SIZE,
					     e2e_mf[e].dir), "report",
			  "%s fault reported against %s at %#x%s",
			  e2e_mf[e].fault, e2e_mf[e].name, e2e_mf[e].fault_iova,
			  e2e_mf[e].dir == IOMMU_FAULT_WRITE ? ", as a write" : "");
	e2e_check(c, e2e_holds(page[5].va, PAGE_SIZE, 0xa5), "ro-unchanged",
		  "the read-only page is unchanged");

	/* Each faulting lane works again. */
	for (e = 1; e < E2E_MF_ENGINES; e++) {
		memset(page[1].va, 0, PAGE_SIZE);
		ran[e] = e2e_pl330_copy(&pl[e], 0, E2E_IOVA_MC + e * PAGE_SIZE,
					e2e_mf_pages[1].iova,
					e2e_mf_pages[0].iova);
		e2e_check(c, ran[e] == 1 && e2e_holds(page[1].va, PAGE_SIZE, 0xa0),
			  "recovered", "%s copies again: ran %d",
			  e2e_mf[e].name, ran[e]);
	}
	e2e_iommu_quiet(c);
out:
	if (attached)
		iommu_detach_group(dom, group);
	e2e_group_release(group, owned, dom);
	for (i = 0; i < ARRAY_SIZE(page); i++)
		e2e_buf_free(&page[i]);
	for (e = 0; e < E2E_MF_ENGINES; e++) {
		if (active[e])
			e2e_master_put(dev[e]);
		e2e_buf_free(&pl[e].mcode);
		if (pl[e].regs)
			iounmap(pl[e].regs);
		put_device(dev[e]);
	}
}
