// SPDX-License-Identifier: GPL-2.0-only
/*
 * End-to-end tests: the display path (BOARD_DISPLAY=1). sun4i-drm binds
 * the display engine; mixer 0 reads its framebuffers as IOMMU master 0.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/delay.h>
#include <linux/device.h>
#include <linux/dma-mapping.h>
#include <linux/iommu.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/of.h>
#include <linux/platform_device.h>
#include <linux/property.h>
#include <drm/drm_device.h>

#include "e2e.h"

#define E2E_DISPLAY_ENGINE	"display-engine"
#define E2E_MIXER0		"1100000.mixer"

/*
 * The two bases differ here (Kbuild finds out which this is): 7.3 makes
 * the mixer the DRM device's DMA device (drm_dev_set_dma_dev(),
 * E2E_DRM_DMA_DEV) and passes the old domain to attach_dev()
 * (E2E_ATTACH_OLD); 6.12 gives the DRM device itself the mixer's IOMMU,
 * late, with of_dma_configure(), and has no such argument.
 */

static struct device *e2e_platform_dev(const char *name)
{
	return bus_find_device_by_name(&platform_bus_type, NULL, name);
}

/* The device the DRM device maps its buffers for. */
static struct device *e2e_drm_dma_dev(struct device *de)
{
	struct drm_device *drm = dev_get_drvdata(de);

	if (!drm)
		return NULL;
#if E2E_DRM_DMA_DEV
	return drm_dev_dma_dev(drm);
#else
	return drm->dev;
#endif
}

static int e2e_attach(struct iommu_domain *domain, struct device *dev,
		      struct iommu_domain *old)
{
#if E2E_ATTACH_OLD
	return domain->ops->attach_dev(domain, dev, old);
#else
	return domain->ops->attach_dev(domain, dev);
#endif
}

/*
 * display-dma: the DRM device's DMA device got its IOMMU from the mixer's
 * node (on 6.12 late, when the mixer bound: the display-engine node has
 * no "iommus"), sits in the PL330s' group, in their DMA domain, and its
 * DMA API mappings are our driver's translations.
 */
void e2e_case_display_dma(struct e2e_case *c, const char *arg)
{
	struct device *de = e2e_platform_dev(E2E_DISPLAY_ENGINE);
	struct device *mixer = e2e_platform_dev(E2E_MIXER0);
	struct device *iommu = e2e_iommu_dev(), *pl330 = e2e_find_pl330(0);
	struct iommu_group *group = NULL, *pl330_group = NULL;
	struct iommu_domain *dom = NULL;
	struct iommu_fwspec *fwspec;
	struct device *dma_dev;
	struct page *page = NULL;
	dma_addr_t iova;
	bool late;

	if (!e2e_check(c, de && mixer && iommu && pl330 && de->driver,
		       "devices", "display-engine bound, mixer 0, IOMMU, PL330"))
		goto out;
	dma_dev = e2e_drm_dma_dev(de);
	if (!e2e_check(c, dma_dev, "drm", "sun4i-drm's DRM device exists"))
		goto out;
	late = !of_property_present(dma_dev->of_node, "iommus");
	pr_info("%s: DMA device %s, %s\n", c->name, dev_name(dma_dev),
		late ? "IOMMU from another node" : "IOMMU from its own node");
	e2e_check(c, dma_dev == (E2E_DRM_DMA_DEV ? mixer : de), "dma-dev",
		  "the DRM device maps for %s (want %s on this base)",
		  dev_name(dma_dev), E2E_DRM_DMA_DEV ? E2E_MIXER0 :
		  E2E_DISPLAY_ENGINE);
	e2e_check(c, late == !E2E_DRM_DMA_DEV, "late",
		  "%s got its IOMMU %s", dev_name(dma_dev),
		  late ? "from the mixer's node, when the mixer bound" :
		  "from its own node, at its probe");

	fwspec = dev_iommu_fwspec_get(dma_dev);
	e2e_check(c, fwspec && fwspec->iommu_fwnode == dev_fwnode(iommu) &&
		  fwspec->num_ids == 1 && fwspec->ids[0] == 0, "fwspec",
		  "%s is master 0 of %s", dev_name(dma_dev), dev_name(iommu));
	group = iommu_group_get(dma_dev);
	pl330_group = iommu_group_get(pl330);
	e2e_check(c, group && group == pl330_group, "group",
		  "%s is in the PL330s' IOMMU group %d", dev_name(dma_dev),
		  group ? iommu_group_id(group) : -1);
	dom = iommu_get_domain_for_dev(dma_dev);
	e2e_check(c, dom && (dom->type & __IOMMU_DOMAIN_DMA_API) &&
		  dom == iommu_get_domain_for_dev(pl330), "domain",
		  "%s is in the group's %s domain", dev_name(dma_dev),
		  e2e_domain_type(dom));
	if (!dom)
		goto out;

	page = alloc_page(GFP_KERNEL);
	iova = page ? dma_map_page(dma_dev, page, 0, PAGE_SIZE, DMA_TO_DEVICE) :
		      DMA_MAPPING_ERROR;
	if (!e2e_check(c, !dma_mapping_error(dma_dev, iova), "dma-map",
		       "a page mapped for %s", dev_name(dma_dev)))
		goto out;
	e2e_check(c, iova >= E2E_DMA_WINDOW_START && iova < E2E_DMA_WINDOW_END &&
		  iommu_iova_to_phys(dom, iova) == page_to_phys(page),
		  "translated", "the page at %pa is IOVA %pad, which the domain translates to %pa",
		  &(phys_addr_t){ page_to_phys(page) }, &iova,
		  &(phys_addr_t){ iommu_iova_to_phys(dom, iova) });
	dma_unmap_page(dma_dev, iova, PAGE_SIZE, DMA_TO_DEVICE);
	e2e_check(c, !iommu_iova_to_phys(dom, iova), "unmapped",
		  "IOVA %pad is gone from the domain after the unmap", &iova);
out:
	if (page)
		__free_page(page);
	iommu_group_put(pl330_group);
	iommu_group_put(group);
	if (pl330)
		put_device(pl330);
	if (iommu)
		put_device(iommu);
	if (mixer)
		put_device(mixer);
	if (de)
		put_device(de);
}

/*
 * display-block:MS: while mixer 0 scans out (the fbdev console), the IOMMU
 * blocks all DMA for MS milliseconds, then translates through the DMA
 * domain again. The core cannot switch a group whose devices have DMA API
 * drivers bound (iommu_group_claim_dma_owner() refuses), so the case calls
 * the driver's attach_dev() for its blocked domain and back itself; the
 * core's group keeps the DMA domain throughout. Nothing else maps
 * meanwhile. The host checks the faults and the frames after.
 */
void e2e_case_display_block(struct e2e_case *c, const char *arg)
{
	struct device *mixer = e2e_platform_dev(E2E_MIXER0);
	struct iommu_domain *dom, *blocked;
	struct e2e_heartbeat hb = {};
	unsigned int ms;
	ktime_t start;
	int ret;

	if (!e2e_check(c, mixer && arg && !kstrtouint(arg, 0, &ms) && ms,
		       "args", "mixer 0 exists; %s ms", arg ?: "no"))
		goto out;
	dom = iommu_get_domain_for_dev(mixer);
	blocked = mixer->iommu && mixer->iommu->iommu_dev ?
		  mixer->iommu->iommu_dev->ops->blocked_domain : NULL;
	if (!e2e_check(c, dom && blocked, "domains",
		       "mixer 0 is in a %s domain; the driver has a blocked domain",
		       e2e_domain_type(dom)))
		goto out;
	if (!e2e_check(c, !e2e_heartbeat_start(&hb), "heartbeat",
		       "a 1 ms sleep loop started"))
		goto out;

	start = ktime_get();
	pr_info("%s: blocked for %u ms\n", c->name, ms);
	ret = e2e_attach(blocked, mixer, dom);
	e2e_check(c, !ret, "block", "switched to the blocked domain: %d", ret);
	msleep(ms);
	ret = e2e_attach(dom, mixer, blocked);
	pr_info("%s: translating again\n", c->name);
	e2e_check(c, !ret, "unblock", "switched back to the %s domain: %d",
		  e2e_domain_type(dom), ret);
	/* The faults of the last blocked frame are handled by now. */
	msleep(100);
	e2e_heartbeat_check(c, &hb, ktime_ms_delta(ktime_get(), start));
out:
	if (mixer)
		put_device(mixer);
}
