// SPDX-License-Identifier: GPL-2.0-only
/*
 * End-to-end tests: power management (runtime PM, system sleep).
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
bool e2e_check_power(struct e2e_case *c, struct device *iommu, bool on,
		     const char *id)
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

/* Where the IOMMU's power is with the masters idle. */
static void e2e_pm_state(struct e2e_case *c, bool on)
{
	struct device *iommu = e2e_iommu_dev();

	if (!e2e_check(c, iommu, "iommu", "the IOMMU device exists"))
		return;
	e2e_check_power(c, iommu, on, on ? "active" : "suspended");
	put_device(iommu);
}

/* pm-idle: the IOMMU is suspended while no master is in use. */
void e2e_case_pm_idle(struct e2e_case *c, const char *arg)
{
	e2e_pm_state(c, false);
}

/* pm-active: the IOMMU is powered while a master is in use. */
void e2e_case_pm_active(struct e2e_case *c, const char *arg)
{
	e2e_pm_state(c, true);
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
void e2e_case_pm_master(struct e2e_case *c, const char *arg)
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
void e2e_case_sleep_cycles(struct e2e_case *c, const char *arg)
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
		e2e_case_dma(c, NULL);
	}
	pr_info("%s: %u of %u cycles ran\n", c->name, i - 1, n);
out:
	put_device(iommu);
}
