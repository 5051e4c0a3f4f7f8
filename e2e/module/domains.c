// SPDX-License-Identifier: GPL-2.0-only
/*
 * End-to-end tests: domains and mappings (unmanaged, read-only, remap,
 * identity, blocked) and the make run demo.
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
#include <linux/namei.h>
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
int e2e_domain_attach(struct e2e_case *c, struct e2e_domain *ed,
		      struct device *dev)
{
	unsigned int pages;
	int ret;

	e2e_faults_init(&ed->faults);
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

void e2e_domain_detach(struct e2e_case *c, struct e2e_domain *ed,
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

int e2e_map(struct e2e_case *c, struct e2e_domain *ed,
	    unsigned long iova, struct e2e_buf *b, int prot)
{
	int ret = iommu_map(ed->domain, iova, b->pa, b->len, prot, GFP_KERNEL);

	e2e_check(c, !ret, "map", "map %#lx -> %pa (%zu bytes, %s): %d", iova,
		  &b->pa, b->len, prot & IOMMU_WRITE ? "rw" : "ro", ret);
	return ret;
}

void e2e_unmap(struct e2e_case *c, struct e2e_domain *ed,
	       unsigned long iova, size_t len)
{
	size_t done = iommu_unmap(ed->domain, iova, len);

	e2e_check(c, done == len, "unmap", "unmap %#lx: %zu of %zu bytes",
		  iova, done, len);
}

/* Wait for a fault report and for the driver to finish its recovery. */
bool e2e_wait_fault(struct e2e_case *c, struct e2e_faults *fl)
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

void e2e_case_dma(struct e2e_case *c, const char *arg)
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

void e2e_case_unmanaged(struct e2e_case *c, const char *arg)
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
	e2e_case_dma(c, NULL);
}

/* A DMA write to a read-only page faults and leaves it unchanged. */
void e2e_case_readonly(struct e2e_case *c, const char *arg)
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
	e2e_case_dma(c, NULL);
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

void e2e_case_remap(struct e2e_case *c, const char *arg)
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
	e2e_case_dma(c, NULL);
}

/*
 * The group is in the identity domain (set through sysfs by the guest
 * script): the DMA API hands out physical addresses and the IOMMU
 * translates nothing.
 */
void e2e_case_identity(struct e2e_case *c, const char *arg)
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
	e2e_case_dma(c, NULL);
	e2e_pmu_show(c->name);
	if (!e2e_pmu_live(c))
		return;
	for (i = 0; i < IOMMU_NUM_MASTERS; i++)
		if (e2e_pmu_counter(i, false))
			break;
	e2e_check(c, i == IOMMU_NUM_MASTERS, "no-translation",
		  "the IOMMU translated no access (PMU)");
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

void e2e_case_blocked(struct e2e_case *c, const char *arg)
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

/* make run: one DMA through the IOMMU, shown step by step. */
void e2e_case_demo(struct e2e_case *c, const char *arg)
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

/* Prefetched neighbours: what a walk caches must not outlive a change */

/* Page n of a slot, and the pages around it, in the owned domain. */
#define E2E_PF_N		0x20010000UL
/* The last page of a PT group (4 MiB) and the first of the next one. */
#define E2E_PF_GROUP_END	0x203ff000UL
#define E2E_PF_DST		0x30000000UL

/**
 * struct e2e_pages - the pages a case copies between, on its owned group
 * @o: the owned group, on its unmanaged domain
 * @page: source pages; the case allocated the first @n
 * @n: how many of @page are allocated
 * @dst: a read-write page, mapped where e2e_pages_get() was told
 */
struct e2e_pages {
	struct e2e_owned o;
	struct e2e_buf page[4];
	unsigned int n;
	struct e2e_buf dst;
};

/*
 * Allocate @n source pages and the destination page, take the group, and
 * map the destination read-write at @dst_iova. Returns 0 or an error;
 * e2e_pages_put() undoes it in any case.
 */
static int e2e_pages_get(struct e2e_case *c, struct e2e_pages *p,
			 unsigned int n, u32 dst_iova)
{
	int ret;

	for (p->n = 0; p->n < n; p->n++) {
		ret = e2e_buf_alloc(&p->page[p->n], PAGE_SIZE);
		if (ret)
			return ret;
	}
	ret = e2e_buf_alloc(&p->dst, PAGE_SIZE) ?: e2e_owned_get(c, &p->o);
	if (ret)
		return ret;
	ret = iommu_map(p->o.dom, dst_iova, p->dst.pa, PAGE_SIZE,
			IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
	e2e_check(c, !ret, "map-dst", "destination at %#x: %d", dst_iova,
		  ret);
	return ret;
}

static void e2e_pages_put(struct e2e_pages *p)
{
	unsigned int i;

	e2e_owned_put(&p->o);
	e2e_buf_free(&p->dst);
	for (i = 0; i < p->n; i++)
		e2e_buf_free(&p->page[i]);
}

/* Copy @src to the destination page on PL330 #1; returns what it did. */
static const char *e2e_pf_copy(struct e2e_case *c, struct e2e_pages *p,
			       u32 src, u8 seed, bool *ok)
{
	int ran;

	memset(p->dst.va, 0xee, PAGE_SIZE);
	e2e_faults_reset(&p->o.faults);
	ran = e2e_owned_copy(c, &p->o, 1, E2E_PF_DST, src);
	*ok = ran == 1 && e2e_holds(p->dst.va, PAGE_SIZE, seed) &&
	      !p->o.faults.n;
	if (*ok)
		return "right data, no fault";
	if (p->o.faults.n)
		return "faulted";
	return ran == 1 ? "wrong data" : "did not complete";
}

/*
 * prefetch-map: a copy from page n caches the invalid PTEs after it and
 * the invalid DTE of the next slot (neighbour prefetch, and caching of
 * invalid entries). Mapping them must make them usable at once; so must
 * mapping a page that just faulted.
 */
void e2e_case_prefetch_map(struct e2e_case *c, const char *arg)
{
	const u32 next_slot = (E2E_PF_N & ~(SZ_1M - 1)) + SZ_1M + 0x3000;
	const u32 hole = E2E_PF_N + 8 * PAGE_SIZE;
	struct e2e_pages p = {};
	struct iommu_domain *dom;
	const char *what;
	unsigned int i;
	bool ok;
	int ret;

	if (e2e_pages_get(c, &p, 4, E2E_PF_DST))
		goto out;
	dom = p.o.dom;
	for (i = 0; i < p.n; i++)
		e2e_fill(p.page[i].va, PAGE_SIZE, 0x40 + i);
	ret = iommu_map(dom, E2E_PF_N, p.page[0].pa, PAGE_SIZE, IOMMU_READ,
			GFP_KERNEL);
	if (!e2e_check(c, !ret, "map", "page n: %d", ret))
		goto out;
	what = e2e_pf_copy(c, &p, E2E_PF_N, 0x40, &ok);
	e2e_check(c, ok, "page-n", "copy from page n %#lx: %s", E2E_PF_N,
		  what);

	ret = iommu_map(dom, E2E_PF_N + PAGE_SIZE, p.page[1].pa, PAGE_SIZE,
			IOMMU_READ, GFP_KERNEL) ?:
	      iommu_map(dom, next_slot, p.page[2].pa, PAGE_SIZE, IOMMU_READ,
			GFP_KERNEL);
	if (!e2e_check(c, !ret, "map-neighbours",
		       "page n+1 and a page of the next slot: %d", ret))
		goto out;
	what = e2e_pf_copy(c, &p, E2E_PF_N + PAGE_SIZE, 0x41, &ok);
	e2e_check(c, ok, "next-pte", "copy from page n+1 %#lx: %s",
		  E2E_PF_N + PAGE_SIZE, what);
	what = e2e_pf_copy(c, &p, next_slot, 0x42, &ok);
	e2e_check(c, ok, "next-dte", "copy from the next slot %#x: %s",
		  next_slot, what);

	what = e2e_pf_copy(c, &p, hole, 0x43, &ok);
	e2e_check(c, !ok && e2e_faults_have(&p.o.faults, p.o.dev[1], hole,
					    PAGE_SIZE, -1),
		  "hole-faults", "copy from unmapped %#x: %s", hole, what);
	ret = iommu_map(dom, hole, p.page[3].pa, PAGE_SIZE, IOMMU_READ,
			GFP_KERNEL);
	what = e2e_pf_copy(c, &p, hole, 0x43, &ok);
	e2e_check(c, !ret && ok, "fault-then-map",
		  "mapped after its fault (%d), %#x copies: %s", ret, hole,
		  what);
out:
	e2e_pages_put(&p);
}

/*
 * prefetch-unmap: a copy from page n caches page n+1 as a neighbour;
 * after n+1 is unmapped, a copy from it must fault. The same across the
 * end of a PT group, whose unmap retires the next group's table page.
 */
void e2e_case_prefetch_unmap(struct e2e_case *c, const char *arg)
{
	static const struct {
		unsigned long n;
		const char *id;
	} runs[] = {
		{ E2E_PF_N, "unmapped-pte" },
		{ E2E_PF_GROUP_END, "retired-table" },
	};
	struct e2e_pages p = {};
	struct iommu_domain *dom;
	const char *what;
	unsigned int r;
	size_t done;
	bool ok;
	int ret;

	if (e2e_pages_get(c, &p, 2, E2E_PF_DST))
		goto out;
	dom = p.o.dom;
	for (r = 0; r < ARRAY_SIZE(runs); r++) {
		unsigned long n = runs[r].n, n1 = n + PAGE_SIZE;

		e2e_fill(p.page[0].va, PAGE_SIZE, 0x50 + r);
		e2e_fill(p.page[1].va, PAGE_SIZE, 0x60 + r);
		ret = iommu_map(dom, n, p.page[0].pa, PAGE_SIZE, IOMMU_READ,
				GFP_KERNEL) ?:
		      iommu_map(dom, n1, p.page[1].pa, PAGE_SIZE, IOMMU_READ,
				GFP_KERNEL);
		if (!e2e_check(c, !ret, "map", "pages %#lx and %#lx: %d", n,
			       n1, ret))
			break;
		what = e2e_pf_copy(c, &p, n, 0x50 + r, &ok);
		e2e_check(c, ok, "page-n", "copy from %#lx: %s", n, what);
		done = iommu_unmap(dom, n1, PAGE_SIZE);
		what = e2e_pf_copy(c, &p, n1, 0x60 + r, &ok);
		/* Only the unmapped page's data must not arrive. */
		e2e_check(c, done == PAGE_SIZE && !ok &&
			  !e2e_holds(p.dst.va, PAGE_SIZE, 0x60 + r) &&
			  e2e_faults_have(&p.o.faults, p.o.dev[1], n1,
					  PAGE_SIZE, -1), runs[r].id,
			  "%#lx unmapped (%zu bytes), then a copy from it: %s",
			  n1, done, what);
		iommu_unmap(dom, n, PAGE_SIZE);
	}
out:
	e2e_pages_put(&p);
}

/* The permissions case: one page of each kind, and a read-write page */
#define E2E_PERM_IOVA		0x40000000
#define E2E_PERM_RW_IOVA	0x40100000

static const struct {
	const char *name, *id;
	int prot;
} e2e_perm_kinds[] = {
	{ "read-write", "rw", IOMMU_READ | IOMMU_WRITE },
	{ "read-only", "ro", IOMMU_READ },
	{ "write-only", "wo", IOMMU_WRITE },
	{ "no-access", "none", 0 },
};

/*
 * Write (@w) or read the page of kind @k through PL330 #0, whose reads go
 * through master 1 and writes through master 3. An allowed access must
 * land without a fault ("<kind>-<access>", e.g. ro-read). A refused one
 * must not land ("ro-write"), and must be reported against the master,
 * in the direction the page tells when it allows the other one
 * ("ro-write-fault").
 */
static void e2e_perm_access(struct e2e_case *c, struct e2e_pages *p,
			    unsigned int k, bool w)
{
	const char *name = e2e_perm_kinds[k].name, *access = w ? "write" : "read";
	int prot = e2e_perm_kinds[k].prot, dir = -1, ran;
	struct e2e_buf *target = w ? &p->page[k] : &p->dst;
	u32 iova = E2E_PERM_IOVA + k * PAGE_SIZE;
	bool landed, changed;
	char id[24];

	e2e_fill(w ? p->dst.va : p->page[k].va, PAGE_SIZE, 0x70 + k);
	memset(target->va, 0xee, PAGE_SIZE);
	e2e_faults_reset(&p->o.faults);
	ran = e2e_owned_copy(c, &p->o, 0, w ? iova : E2E_PERM_RW_IOVA,
			     w ? E2E_PERM_RW_IOVA : iova);
	landed = e2e_holds(target->va, PAGE_SIZE, 0x70 + k);
	changed = memchr_inv(target->va, 0xee, PAGE_SIZE);
	e2e_faults_show(c, &p->o.faults);

	snprintf(id, sizeof(id), "%s-%s", e2e_perm_kinds[k].id, access);
	if (prot & (w ? IOMMU_WRITE : IOMMU_READ)) {
		e2e_check(c, ran == 1 && landed && !p->o.faults.n, id,
			  "%s page: DMA %s: ran %d, data %s, %u faults", name,
			  access, ran, landed ? "ok" : "wrong", p->o.faults.n);
		return;
	}
	/*
	 * A refused read returns what the hardware makes of it (zeros, say),
	 * which the engine then writes: only the data must not arrive. A
	 * refused write must change nothing.
	 */
	e2e_check(c, !landed && !(w && changed), id,
		  "%s page: DMA %s refused: %s", name, access,
		  landed ? "the data arrived" :
		  w && changed ? "the target changed" : "nothing arrived");
	if (prot)
		dir = w ? IOMMU_FAULT_WRITE : IOMMU_FAULT_READ;
	strlcat(id, "-fault", sizeof(id));
	e2e_check(c, e2e_faults_have(&p->o.faults, p->o.dev[0], iova,
				     PAGE_SIZE, dir), id,
		  "%s page: refused DMA %s reported against the master at %#x%s",
		  name, access, iova,
		  dir < 0 ? "" : w ? ", as a write" : ", as a read");
}

/*
 * permissions: a page of each kind, read and written by DMA. What the
 * page allows must go through; what it forbids must fault, against the
 * right master, and change nothing.
 */
void e2e_case_permissions(struct e2e_case *c, const char *arg)
{
	struct e2e_pages p = {};
	unsigned int k;
	int ret = 0;

	if (e2e_pages_get(c, &p, ARRAY_SIZE(e2e_perm_kinds), E2E_PERM_RW_IOVA))
		goto out;
	for (k = 0; k < ARRAY_SIZE(e2e_perm_kinds) && !ret; k++)
		ret = iommu_map(p.o.dom, E2E_PERM_IOVA + k * PAGE_SIZE,
				p.page[k].pa, PAGE_SIZE, e2e_perm_kinds[k].prot,
				GFP_KERNEL);
	if (!e2e_check(c, !ret, "map", "one page of each kind: %d", ret))
		goto out;
	for (k = 0; k < ARRAY_SIZE(e2e_perm_kinds); k++) {
		e2e_perm_access(c, &p, k, false);
		e2e_perm_access(c, &p, k, true);
	}
out:
	e2e_pages_put(&p);
}

/* DMA while the group changes domains */

enum e2e_phase {
	E2E_PH_DMA, E2E_PH_BLOCKED, E2E_PH_UNMANAGED, E2E_PH_BLOCKED2,
	E2E_PH_DMA2, E2E_PH_PAUSED, E2E_PH_RESUMED, E2E_PH_DONE,
	E2E_PH_SWITCHING, E2E_PH_COUNT,
};

static const char * const e2e_phase_names[E2E_PH_COUNT] = {
	"DMA domain", "blocked (claimed)", "unmanaged", "blocked (detached)",
	"DMA domain again", "runtime suspended", "resumed", "done",
	"switching",
};

/**
 * struct e2e_copier - PL330 #1 copying in a loop, counting per phase
 * @pl: the engine
 * @src: what it copies
 * @dst: where it lands, mapped at the IOVA of @canary's PA
 * @canary: the page an untranslated write would hit
 * @iova_src: the source IOVA (@src's PA)
 * @iova_mc: the program's IOVA (its PA)
 * @phase: set by the case, read by the copier; E2E_PH_SWITCHING while
 *	the group changes domains, so that no copy counts for a phase
 *	whose domain it did not run under
 * @paused: the copier is waiting while @phase is E2E_PH_PAUSED
 * @ok: per phase, copies that ran and delivered the data
 * @failed: per phase, copies that did not run (faulted)
 * @wrong: copies that ran and left wrong data
 * @task: the thread
 */
struct e2e_copier {
	struct e2e_pl330 *pl;
	struct e2e_buf *src, *dst, *canary;
	u32 iova_src, iova_mc;
	int phase;
	bool paused;
	unsigned int ok[E2E_PH_COUNT], failed[E2E_PH_COUNT], wrong;
	struct task_struct *task;
};

static int e2e_copier_fn(void *data)
{
	struct e2e_copier *cp = data;
	unsigned int n = 0;

	while (!kthread_should_stop()) {
		int phase = READ_ONCE(cp->phase), ran;

		if (phase == E2E_PH_PAUSED) {
			WRITE_ONCE(cp->paused, true);
			usleep_range(500, 1000);
			continue;
		}
		WRITE_ONCE(cp->paused, false);
		e2e_fill(cp->src->va, PAGE_SIZE, n);
		memset(cp->dst->va, 0, PAGE_SIZE);
		ran = e2e_pl330_copy(cp->pl, 0, cp->iova_mc,
				     cp->canary->pa, cp->iova_src);
		/* Only a copy that stayed in one phase counts. */
		if (phase != E2E_PH_SWITCHING && READ_ONCE(cp->phase) == phase) {
			if (ran == 1 && e2e_holds(cp->dst->va, PAGE_SIZE, n))
				cp->ok[phase]++;
			else if (ran == 1)
				cp->wrong++;
			else
				cp->failed[phase]++;
		}
		n++;
		cond_resched();
	}
	return 0;
}

static void e2e_phase(struct e2e_copier *cp, int phase)
{
	WRITE_ONCE(cp->phase, phase);
	msleep(50);
}

/* Ends the current phase before the group starts changing domains. */
static void e2e_phase_close(struct e2e_copier *cp)
{
	WRITE_ONCE(cp->phase, E2E_PH_SWITCHING);
}

/*
 * switch: PL330 #1 keeps copying into an IOVA equal to a canary page's
 * PA while its group goes from the DMA domain to blocked (claimed),
 * unmanaged, blocked again, back to the DMA domain, and through a runtime
 * suspend and resume. Each domain must do what it says the whole time:
 * not one byte may reach the canary, as untranslated DMA would.
 */
void e2e_case_switch(struct e2e_case *c, const char *arg)
{
	struct e2e_buf src = {}, dst = {}, canary = {};
	struct device *dev[E2E_NUM_DMA] = {}, *iommu = e2e_iommu_dev();
	struct iommu_domain *dma_dom = NULL, *unmanaged = NULL;
	struct e2e_pl330 pl = {};
	struct e2e_copier cp = {};
	struct iommu_group *group = NULL;
	bool active[E2E_NUM_DMA] = {}, owned = false, mapped = false;
	unsigned int dma, p;
	u32 iova_dst;
	int ret;

	for (dma = 0; dma < E2E_NUM_DMA; dma++) {
		dev[dma] = e2e_find_pl330(dma);
		if (!e2e_check(c, dev[dma] && !dev[dma]->driver, "unbound",
			       "%s exists and has no driver bound",
			       e2e_dma_names[dma]))
			goto out;
	}
	pl.regs = ioremap(to_amba_device(dev[1])->res.start, SZ_4K);
	if (!iommu || !pl.regs || e2e_buf_alloc(&pl.mcode, PAGE_SIZE) ||
	    e2e_buf_alloc(&src, PAGE_SIZE) || e2e_buf_alloc(&dst, PAGE_SIZE) ||
	    e2e_buf_alloc(&canary, PAGE_SIZE))
		goto out;
	memset(canary.va, 0xc5, PAGE_SIZE);
	iova_dst = canary.pa;
	for (dma = 0; dma < E2E_NUM_DMA; dma++) {
		ret = e2e_master_get(dev[dma]);
		if (!e2e_check(c, !ret, "master-active", "%s runtime-resumed: %d",
			       e2e_dma_names[dma], ret))
			goto out;
		active[dma] = true;
	}

	/* The same IOVAs in the DMA domain and in ours. */
	dma_dom = iommu_get_domain_for_dev(dev[1]);
	unmanaged = iommu_paging_domain_alloc(dev[1]);
	if (IS_ERR(unmanaged)) {
		unmanaged = NULL;
		goto out;
	}
	ret = 0;
	for (p = 0; p < 2 && !ret; p++) {
		struct iommu_domain *d = p ? unmanaged : dma_dom;

		ret = iommu_map(d, pl.mcode.pa, pl.mcode.pa, PAGE_SIZE,
				IOMMU_READ, GFP_KERNEL) ?:
		      iommu_map(d, src.pa, src.pa, PAGE_SIZE, IOMMU_READ,
				GFP_KERNEL) ?:
		      iommu_map(d, iova_dst, dst.pa, PAGE_SIZE,
				IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
	}
	mapped = !ret;
	if (!e2e_check(c, dma_dom && !ret, "map",
		       "program, source, destination at %#x (the canary's PA) in the %s domain and ours: %d",
		       iova_dst, e2e_domain_type(dma_dom), ret))
		goto out;

	cp = (struct e2e_copier){
		.pl = &pl, .src = &src, .dst = &dst, .canary = &canary,
		.iova_src = src.pa, .iova_mc = pl.mcode.pa,
	};
	cp.task = kthread_run(e2e_copier_fn, &cp, "e2e-copier");
	if (IS_ERR(cp.task)) {
		cp.task = NULL;
		goto out;
	}
	e2e_phase(&cp, E2E_PH_DMA);
	group = iommu_group_get(dev[1]);
	e2e_phase_close(&cp);
	ret = group ? iommu_group_claim_dma_owner(group, &e2e_owner) : -ENODEV;
	owned = !ret;
	e2e_phase(&cp, E2E_PH_BLOCKED);
	e2e_phase_close(&cp);
	ret = owned ? iommu_attach_group(unmanaged, group) : -EPERM;
	e2e_phase(&cp, E2E_PH_UNMANAGED);
	e2e_phase_close(&cp);
	if (!ret)
		iommu_detach_group(unmanaged, group);
	e2e_check(c, owned && !ret, "switched",
		  "claimed, attached ours (%d), detached, released", ret);
	e2e_phase(&cp, E2E_PH_BLOCKED2);
	e2e_phase_close(&cp);
	if (owned)
		iommu_group_release_dma_owner(group);
	owned = false;
	e2e_phase(&cp, E2E_PH_DMA2);

	WRITE_ONCE(cp.phase, E2E_PH_PAUSED);
	while (!READ_ONCE(cp.paused))
		usleep_range(500, 1000);
	for (dma = 0; dma < E2E_NUM_DMA; dma++)
		e2e_master_idle(dev[dma]);
	e2e_check_power(c, iommu, false, "suspended");
	for (dma = 0; dma < E2E_NUM_DMA; dma++)
		ret = pm_runtime_resume_and_get(dev[dma]);
	e2e_check_power(c, iommu, true, "resumed");
	e2e_phase(&cp, E2E_PH_RESUMED);
	WRITE_ONCE(cp.phase, E2E_PH_DONE);
	kthread_stop(cp.task);
	cp.task = NULL;
	e2e_pl330_kill(&pl, 0);

	for (p = 0; p < E2E_PH_DONE; p++) {
		bool blocked = p == E2E_PH_BLOCKED || p == E2E_PH_BLOCKED2;

		if (p == E2E_PH_PAUSED)
			continue;
		pr_info("%s: %s: %u copies delivered, %u did not run\n",
			c->name, e2e_phase_names[p], cp.ok[p], cp.failed[p]);
		e2e_check(c, blocked ? !cp.ok[p] && cp.failed[p] : cp.ok[p] > 0,
			  blocked ? "phase-blocked" : "phase-copies",
			  "%s: %u copies delivered, %u did not run",
			  e2e_phase_names[p], cp.ok[p], cp.failed[p]);
	}
	e2e_check(c, !cp.wrong, "no-wrong-data",
		  "%u copies ran and delivered wrong data", cp.wrong);
	e2e_check(c, !memchr_inv(canary.va, 0xc5, PAGE_SIZE), "canary",
		  "the canary page at PA %pa is untouched", &canary.pa);
out:
	if (cp.task)
		kthread_stop(cp.task);
	if (owned)
		iommu_group_release_dma_owner(group);
	if (group)
		iommu_group_put(group);
	if (mapped) {
		iommu_unmap(dma_dom, pl.mcode.pa, PAGE_SIZE);
		iommu_unmap(dma_dom, src.pa, PAGE_SIZE);
		iommu_unmap(dma_dom, iova_dst, PAGE_SIZE);
	}
	if (unmanaged)
		iommu_domain_free(unmanaged);
	for (dma = 0; dma < E2E_NUM_DMA; dma++) {
		if (active[dma])
			e2e_master_put(dev[dma]);
		put_device(dev[dma]);
	}
	e2e_buf_free(&canary);
	e2e_buf_free(&dst);
	e2e_buf_free(&src);
	e2e_buf_free(&pl.mcode);
	if (pl.regs)
		iounmap(pl.regs);
	put_device(iommu);
}

/*
 * unbind: the IOMMU driver offers no sysfs unbind: live domains point
 * into its instance.
 */
void e2e_case_unbind(struct e2e_case *c, const char *arg)
{
	struct path path;
	int drv, unbind;

	drv = kern_path("/sys/bus/platform/drivers/sun50i-iommu", 0, &path);
	if (!drv)
		path_put(&path);
	unbind = kern_path("/sys/bus/platform/drivers/sun50i-iommu/unbind", 0,
			   &path);
	if (!unbind)
		path_put(&path);
	e2e_check(c, !drv && unbind == -ENOENT, "no-unbind",
		  "the driver's sysfs directory: %d; its unbind file: %d (want -ENOENT)",
		  drv, unbind);
}
