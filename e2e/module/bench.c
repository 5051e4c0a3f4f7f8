// SPDX-License-Identifier: GPL-2.0-only
/*
 * Benchmarks of the IOMMU driver on the emulated board, for `make bench`.
 *
 * Every figure is counted, not timed: the testbed's bench page (at
 * BENCH_BASE, not in the DT; emulator/README.md) gives the guest
 * instructions run (QEMU's -icount) and the CPU accesses to the IOMMU's
 * registers between a snapshot and a latch. On one CPU with
 * -icount shift=0,sleep=off a boot gives the same numbers every time.
 *
 * One line per figure, parsed by tooling/bench-report.py:
 *
 *   bench: OP BYTES insn N mmio N      cost of one operation
 *   bench-mem: NAME BYTES              table memory of a paging domain
 *   bench-trace: STEP BYTES            table memory along a workload
 *
 * The DMA API figures are taken on PL330 #0 in its default domain; the
 * IOMMU API ones on a paging domain of the PL330s' group. Its driver stays
 * bound, so the IOMMU stays powered (see e2e_master_get()).
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dma-mapping.h>
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/iommu.h>
#include <linux/iopoll.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/scatterlist.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/vmstat.h>

#include "e2e.h"

#define BENCH_BASE		0x0a000000
#define BENCH_CTRL		0x00
#define BENCH_CTRL_SNAPSHOT	BIT(0)
#define BENCH_CTRL_ICOUNT	BIT(0)
#define BENCH_INSN_LO		0x08
#define BENCH_INSN_HI		0x0c
#define BENCH_MMIO		0x10

/* The IOMMU's flush of every TLB and the PTW cache (reference §5.2). */
#define IOMMU_TLB_TTB		0x050
#define IOMMU_TLB_FLUSH		0x080
#define IOMMU_TLB_FLUSH_ALL	(GENMASK(IOMMU_NUM_MASTERS - 1, 0) | \
				 BIT(16) | BIT(17))

/*
 * IOVAs of the paging domain: the runs start on a MiB boundary; one page
 * below it stays mapped throughout, as a domain in use has mappings, so
 * small maps find their Page Table. The thrashed page is the first of a
 * table page's 4 MiB, far from the rest.
 */
#define BENCH_IOVA		0x40100000UL
#define BENCH_RESIDENT		(BENCH_IOVA - SZ_4K)
#define BENCH_THRASH		0x80000000UL
#define BENCH_PA		0x40000000UL
#define BENCH_MAX		SZ_256M
#define BENCH_REPS		3
#define BENCH_THRASH_LOOPS	1000
#define BENCH_TRACE_STEPS	32
#define BENCH_TRACE_CHUNK	SZ_8M
#define BENCH_SG_BYTES		SZ_8M
#define BENCH_FAULTS		32
#define BENCH_FAULT_IOVA	0x00100000UL
#define BENCH_COPY		64
#define BENCH_DTE_VALID		GENMASK(1, 0)
#define BENCH_DTE_PT		1
#define BENCH_PT_BYTES		1024

/* An instruction and register access count. */
struct bench_count {
	u64 insn;
	u64 mmio;
};

/**
 * struct bench - one run of the benchmarks
 * @c: the case, for its checks
 * @full: every size, not one of each operation
 * @regs: the bench page
 * @overhead: what a snapshot and latch with nothing between them count
 * @dev: PL330 #0
 * @iommu: the IOMMU's device, for the floor's table memory
 * @group: the PL330s' group
 * @dom: the paging domain of the IOMMU API figures
 * @base_pages: IOMMU pages before @dom was allocated
 * @slab_pts: the driver keeps its Page Tables out of IOMMU pages: count
 *	them from the Directory Table, one kilobyte each
 */
struct bench {
	struct e2e_case *c;
	bool full;
	void __iomem *regs;
	struct bench_count overhead;
	struct device *dev;
	struct device *iommu;
	struct iommu_group *group;
	struct iommu_domain *dom;
	long base_pages;
	bool slab_pts;
};

/* Counting */

static noinline void bench_begin(struct bench *b)
{
	writel(BENCH_CTRL_SNAPSHOT, b->regs + BENCH_CTRL);
}

static noinline struct bench_count bench_end(struct bench *b)
{
	struct bench_count n;

	n.insn = readl(b->regs + BENCH_INSN_LO);
	n.insn |= (u64)readl(b->regs + BENCH_INSN_HI) << 32;
	n.mmio = readl(b->regs + BENCH_MMIO);
	n.insn -= min(n.insn, b->overhead.insn);
	return n;
}

static void bench_min(struct bench_count *best, struct bench_count n)
{
	if (!best->insn || n.insn < best->insn)
		*best = n;
}

static void bench_report(const char *op, size_t bytes, struct bench_count n)
{
	pr_info("bench: %s %zu insn %llu mmio %llu\n", op, bytes, n.insn,
		n.mmio);
}

static bool bench_counting(struct bench *b)
{
	bool icount = readl(b->regs + BENCH_CTRL) & BENCH_CTRL_ICOUNT;

	if (!e2e_check(b->c, icount, "icount",
		       "the bench page counts instructions (-icount)"))
		return false;
	bench_begin(b);
	b->overhead = bench_end(b);
	pr_info("bench: overhead of a measurement: %llu instructions\n",
		b->overhead.insn);
	return true;
}

/* Table memory */

/* IOMMU pages in use, exactly: the node's count and what CPUs hold back. */
static long bench_iommu_pages(void)
{
	struct pglist_data *pgdat = NODE_DATA(first_online_node);
	long pages;
	int cpu;

	preempt_disable();
	pages = atomic_long_read(&pgdat->vm_stat[NR_IOMMU_PAGES]);
	for_each_online_cpu(cpu)
		pages += per_cpu_ptr(pgdat->per_cpu_nodestats, cpu)
				 ->vm_node_stat_diff[NR_IOMMU_PAGES];
	preempt_enable();
	return pages;
}

/* Page Tables the installed Directory Table points at. */
static unsigned int bench_valid_dtes(void)
{
	phys_addr_t dt = readl(e2e_iommu_regs + IOMMU_TLB_TTB);
	const u32 *dte = phys_to_virt(dt);
	unsigned int i, n = 0;

	for (i = 0; i < SZ_16K / sizeof(u32); i++)
		n += (READ_ONCE(dte[i]) & BENCH_DTE_VALID) == BENCH_DTE_PT;
	return n;
}

/* The table memory of the domain: IOMMU pages, and slab Page Tables. */
static long bench_table_bytes(struct bench *b)
{
	long bytes = (bench_iommu_pages() - b->base_pages) * PAGE_SIZE;

	if (b->slab_pts)
		bytes += bench_valid_dtes() * BENCH_PT_BYTES;
	return bytes;
}

/* The IOMMU API: iommu_map() and iommu_unmap(), each with its sync */

static bool bench_iommu_size(struct bench *b, size_t len)
{
	struct bench_count map = {}, unmap = {}, n;
	unsigned int r;
	size_t done;
	int ret;

	for (r = 0; r < BENCH_REPS; r++) {
		bench_begin(b);
		ret = iommu_map(b->dom, BENCH_IOVA, BENCH_PA, len,
				IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
		n = bench_end(b);
		if (ret)
			return e2e_check(b->c, false, "iommu-map",
					 "iommu_map() of %zu bytes: %d", len,
					 ret);
		bench_min(&map, n);
		bench_begin(b);
		done = iommu_unmap(b->dom, BENCH_IOVA, len);
		n = bench_end(b);
		if (done != len)
			return e2e_check(b->c, false, "iommu-unmap",
					 "iommu_unmap() of %zu bytes: %zu", len,
					 done);
		bench_min(&unmap, n);
	}
	bench_report("iommu_map", len, map);
	bench_report("iommu_unmap", len, unmap);
	return true;
}

/*
 * The floor: what any driver must do to map @len, and to unmap it: write
 * the same PTEs into a table the IOMMU could walk, two at a time (64-bit
 * stores), clean the same cache lines, and flush the TLBs the shortest
 * way, one command and its poll.
 */
static void bench_floor_write(u32 *pt, unsigned int n, u32 pte, u32 step)
{
	u64 *pairs = (u64 *)pt;
	u64 two = (u64)(pte + step) << 32 | pte;
	unsigned int i;

	if (n == 1) {
		WRITE_ONCE(pt[0], pte);
		return;
	}
	for (i = 0; i < n / 2; i++, two += (u64)step << 33 | step << 1)
		WRITE_ONCE(pairs[i], two);
}

static bool bench_floor_size(struct bench *b, u32 *pt, dma_addr_t pt_dma,
			     size_t len)
{
	struct bench_count map = {}, unmap = {};
	unsigned int r, n = len / SZ_4K;
	u32 val;
	int ret = 0;

	for (r = 0; r < BENCH_REPS && !ret; r++) {
		bench_begin(b);
		bench_floor_write(pt, n, BENCH_PA | BIT(1), SZ_4K);
		dma_sync_single_for_device(b->iommu, pt_dma, n * sizeof(u32),
					   DMA_TO_DEVICE);
		writel(IOMMU_TLB_FLUSH_ALL, e2e_iommu_regs + IOMMU_TLB_FLUSH);
		ret = readl_poll_timeout_atomic(e2e_iommu_regs + IOMMU_TLB_FLUSH,
						val, !val, 0, USEC_PER_MSEC);
		bench_min(&map, bench_end(b));

		bench_begin(b);
		bench_floor_write(pt, n, 0, 0);
		dma_sync_single_for_device(b->iommu, pt_dma, n * sizeof(u32),
					   DMA_TO_DEVICE);
		writel(IOMMU_TLB_FLUSH_ALL, e2e_iommu_regs + IOMMU_TLB_FLUSH);
		ret |= readl_poll_timeout_atomic(e2e_iommu_regs + IOMMU_TLB_FLUSH,
						 val, !val, 0, USEC_PER_MSEC);
		bench_min(&unmap, bench_end(b));
	}
	if (!e2e_check(b->c, !ret, "floor-flush", "the floor's flushes: %d",
		       ret))
		return false;
	bench_report("floor_map", len, map);
	bench_report("floor_unmap", len, unmap);
	return true;
}

static const size_t bench_iommu_sizes[] = {
	SZ_4K, SZ_64K, SZ_1M, SZ_16M, SZ_256M,
};

static void bench_iommu_api(struct bench *b)
{
	size_t pt_bytes = BENCH_MAX / SZ_4K * sizeof(u32);
	unsigned int i, ok = 0, want = 0;
	dma_addr_t pt_dma;
	u32 *pt;

	pt = alloc_pages_exact(pt_bytes, GFP_KERNEL | __GFP_ZERO);
	pt_dma = pt ? dma_map_single(b->iommu, pt, pt_bytes, DMA_TO_DEVICE) :
		      DMA_MAPPING_ERROR;
	if (!e2e_check(b->c, !dma_mapping_error(b->iommu, pt_dma), "floor-table",
		       "a %zu-byte table for the floor", pt_bytes))
		goto out;
	for (i = 0; i < ARRAY_SIZE(bench_iommu_sizes); i++) {
		if (!b->full && bench_iommu_sizes[i] != SZ_64K)
			continue;
		want += 2;
		ok += bench_iommu_size(b, bench_iommu_sizes[i]);
		ok += bench_floor_size(b, pt, pt_dma, bench_iommu_sizes[i]);
	}
	e2e_check(b->c, ok == want, "iommu-api", "%u of %u sizes measured",
		  ok, want);
	dma_unmap_single(b->iommu, pt_dma, pt_bytes, DMA_TO_DEVICE);
out:
	if (pt)
		free_pages_exact(pt, pt_bytes);
}

/* Table memory along a map/unmap workload, and under thrashing */

static bool bench_memory(struct bench *b)
{
	long bytes, peak = 0, before;
	unsigned int i, allocs = 0;
	int ret = 0;

	for (i = 0; i < 2 * BENCH_TRACE_STEPS && !ret; i++) {
		unsigned long iova = BENCH_IOVA +
				     (i % BENCH_TRACE_STEPS) * BENCH_TRACE_CHUNK;

		if (i < BENCH_TRACE_STEPS)
			ret = iommu_map(b->dom, iova, BENCH_PA,
					BENCH_TRACE_CHUNK,
					IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
		else if (iommu_unmap(b->dom, iova, BENCH_TRACE_CHUNK) !=
			 BENCH_TRACE_CHUNK)
			ret = -EIO;
		bytes = bench_table_bytes(b);
		peak = max(peak, bytes);
		pr_info("bench-trace: %u %ld\n", i + 1, bytes);
	}
	if (!e2e_check(b->c, !ret, "trace", "the map/unmap workload: %d", ret))
		return false;
	pr_info("bench-mem: peak %ld\n", peak);

	for (i = 0; i < BENCH_THRASH_LOOPS && !ret; i++) {
		before = bench_table_bytes(b);
		ret = iommu_map(b->dom, BENCH_THRASH, BENCH_PA, SZ_4K,
				IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
		allocs += bench_table_bytes(b) > before;
		if (!ret && iommu_unmap(b->dom, BENCH_THRASH, SZ_4K) != SZ_4K)
			ret = -EIO;
	}
	if (!e2e_check(b->c, !ret, "thrash", "%u map/unmap of one page: %d",
		       i, ret))
		return false;
	pr_info("bench-mem: thrash-allocations %u\n", allocs);
	pr_info("bench-mem: thrash-loops %u\n", i);

	if (!e2e_check(b->c, iommu_unmap(b->dom, BENCH_RESIDENT, SZ_4K) == SZ_4K,
		       "unmap-all", "the last mapping unmapped"))
		return false;
	pr_info("bench-mem: after-unmap %ld\n", bench_table_bytes(b));
	return true;
}

/* The DMA API, as the consumers use it, in the default domain */

static const size_t bench_single_sizes[] = { SZ_4K, SZ_64K, SZ_1M };

/*
 * dma_map_single() and dma_unmap_single() of a buffer whose CPU cache
 * maintenance is skipped: that part is the same whatever the IOMMU.
 */
static bool bench_dma_single(struct bench *b, void *buf, size_t len)
{
	struct bench_count map = {}, unmap = {}, n;
	unsigned long attrs = DMA_ATTR_SKIP_CPU_SYNC;
	unsigned int r;
	dma_addr_t dma;

	for (r = 0; r < BENCH_REPS; r++) {
		bench_begin(b);
		dma = dma_map_single_attrs(b->dev, buf, len, DMA_BIDIRECTIONAL,
					   attrs);
		n = bench_end(b);
		if (dma_mapping_error(b->dev, dma))
			return e2e_check(b->c, false, "dma-map-single",
					 "dma_map_single() of %zu bytes", len);
		bench_min(&map, n);
		bench_begin(b);
		dma_unmap_single_attrs(b->dev, dma, len, DMA_BIDIRECTIONAL,
				       attrs);
		bench_min(&unmap, bench_end(b));
	}
	bench_report("dma_map_single", len, map);
	bench_report("dma_unmap_single", len, unmap);
	return true;
}

/*
 * dma_map_sgtable() of BENCH_SG_BYTES in pages that are not contiguous,
 * as a dma-buf import maps them: every other page of an allocation.
 */
static bool bench_dma_sg(struct bench *b)
{
	unsigned int i, n = BENCH_SG_BYTES / PAGE_SIZE;
	struct bench_count map = {}, unmap = {}, c;
	struct page **pages;
	struct scatterlist *sg;
	struct sg_table sgt;
	unsigned int r;
	bool ok = false;
	int ret;

	pages = kcalloc(2 * n, sizeof(*pages), GFP_KERNEL);
	if (!pages || sg_alloc_table(&sgt, n, GFP_KERNEL)) {
		kfree(pages);
		return e2e_check(b->c, false, "sg-setup", "no memory");
	}
	for (i = 0; i < 2 * n; i++) {
		pages[i] = alloc_page(GFP_KERNEL | GFP_DMA32);
		if (!pages[i])
			goto out;
	}
	for_each_sgtable_sg(&sgt, sg, i)
		sg_set_page(sg, pages[2 * i], PAGE_SIZE, 0);
	for (r = 0; r < BENCH_REPS; r++) {
		bench_begin(b);
		ret = dma_map_sgtable(b->dev, &sgt, DMA_BIDIRECTIONAL,
				      DMA_ATTR_SKIP_CPU_SYNC);
		c = bench_end(b);
		if (ret)
			goto out;
		bench_min(&map, c);
		bench_begin(b);
		dma_unmap_sgtable(b->dev, &sgt, DMA_BIDIRECTIONAL,
				  DMA_ATTR_SKIP_CPU_SYNC);
		bench_min(&unmap, bench_end(b));
	}
	bench_report("dma_map_sgtable", BENCH_SG_BYTES, map);
	bench_report("dma_unmap_sgtable", BENCH_SG_BYTES, unmap);
	ok = true;
out:
	sg_free_table(&sgt);
	for (i = 0; i < 2 * n && pages[i]; i++)
		__free_page(pages[i]);
	kfree(pages);
	return e2e_check(b->c, ok, "sg", "%u scattered pages mapped", n);
}

/* dma_alloc_wc() and dma_free_wc() of a framebuffer, as GEM DMA does. */
static bool bench_dma_alloc(struct bench *b)
{
	struct bench_count alloc = {}, free = {}, n;
	unsigned int r;
	dma_addr_t dma;
	void *va;

	for (r = 0; r < BENCH_REPS; r++) {
		bench_begin(b);
		va = dma_alloc_wc(b->dev, BENCH_SG_BYTES, &dma, GFP_KERNEL);
		n = bench_end(b);
		if (!va)
			return e2e_check(b->c, false, "dma-alloc",
					 "dma_alloc_wc() of %u bytes",
					 BENCH_SG_BYTES);
		bench_min(&alloc, n);
		bench_begin(b);
		dma_free_wc(b->dev, BENCH_SG_BYTES, va, dma);
		bench_min(&free, bench_end(b));
	}
	bench_report("dma_alloc_attrs", BENCH_SG_BYTES, alloc);
	bench_report("dma_free_attrs", BENCH_SG_BYTES, free);
	return true;
}

/*
 * One fault, taken from a storm: BENCH_FAULTS copies into an IOVA the
 * DMA domain does not map, less the same copies into a mapped one, each
 * followed by a wait for the driver to clear the fault.
 */
static struct bench_count bench_copies(struct bench *b, struct e2e_chan *ec,
				       dma_addr_t dst, dma_addr_t src,
				       unsigned int *failed)
{
	struct bench_count n;
	unsigned int i;
	u32 sta;

	bench_begin(b);
	for (i = 0; i < BENCH_FAULTS; i++) {
		if (e2e_memcpy(ec, dst, src, BENCH_COPY))
			(*failed)++;
		if (readl_poll_timeout(e2e_iommu_regs + IOMMU_INT_STA, sta,
				       !sta, 10,
				       E2E_TIMEOUT_MS * USEC_PER_MSEC))
			(*failed)++;
	}
	n = bench_end(b);
	return n;
}

static void bench_fault(struct bench *b)
{
	struct bench_count ok, fault;
	unsigned int failed = 0, faulted = 0;
	struct e2e_chan ec = {};
	dma_addr_t src;
	void *buf;

	if (e2e_chan_get(&ec, 0))
		return (void)e2e_check(b->c, false, "fault-setup", "no channel");
	buf = kzalloc(PAGE_SIZE, GFP_KERNEL);
	src = buf ? dma_map_single(ec.dev, buf, PAGE_SIZE, DMA_BIDIRECTIONAL) :
		    DMA_MAPPING_ERROR;
	if (!e2e_check(b->c, !dma_mapping_error(ec.dev, src), "fault-setup",
		       "a buffer mapped for the copies"))
		goto out;
	ok = bench_copies(b, &ec, src + PAGE_SIZE / 2, src, &failed);
	fault = bench_copies(b, &ec, BENCH_FAULT_IOVA, src, &faulted);
	dma_unmap_single(ec.dev, src, PAGE_SIZE, DMA_BIDIRECTIONAL);
	e2e_check(b->c, !failed && fault.mmio > ok.mmio, "fault-storm",
		  "%u copies: %u failed in place, the faulting ones cost %llu more register accesses (%u timed out)",
		  BENCH_FAULTS, failed, fault.mmio - ok.mmio, faulted);
	fault.insn = fault.insn > ok.insn ?
		     (fault.insn - ok.insn) / BENCH_FAULTS : 0;
	fault.mmio = fault.mmio > ok.mmio ?
		     (fault.mmio - ok.mmio) / BENCH_FAULTS : 0;
	bench_report("fault", BENCH_COPY, fault);
out:
	kfree(buf);
	e2e_chan_put(&ec);
}

static void bench_dma_api(struct bench *b)
{
	unsigned int i, ok = 0, want = 2;
	void *buf;

	buf = alloc_pages_exact(SZ_1M, GFP_KERNEL | GFP_DMA32);
	if (!e2e_check(b->c, buf, "dma-buffer", "a 1 MiB buffer"))
		return;
	for (i = 0; i < ARRAY_SIZE(bench_single_sizes); i++) {
		if (!b->full && bench_single_sizes[i] != SZ_4K)
			continue;
		want++;
		ok += bench_dma_single(b, buf, bench_single_sizes[i]);
	}
	free_pages_exact(buf, SZ_1M);
	ok += bench_dma_sg(b);
	ok += bench_dma_alloc(b);
	e2e_check(b->c, ok == want, "dma-api", "%u of %u DMA API figures",
		  ok, want);
	bench_fault(b);
}

/* A domain switch: attaching a paging domain, and back */

static void bench_attach(struct bench *b)
{
	struct bench_count attach = {}, detach = {}, n;
	struct iommu_domain *dom;
	unsigned int r;
	int ret = 0;

	dom = iommu_paging_domain_alloc(b->dev);
	if (!e2e_check(b->c, !IS_ERR(dom), "attach-domain",
		       "a second paging domain: %d", PTR_ERR_OR_ZERO(dom)))
		return;
	for (r = 0; r < BENCH_REPS && !ret; r++) {
		bench_begin(b);
		ret = iommu_attach_group(dom, b->group);
		n = bench_end(b);
		if (ret)
			break;
		bench_min(&attach, n);
		bench_begin(b);
		iommu_detach_group(dom, b->group);
		bench_min(&detach, bench_end(b));
	}
	iommu_domain_free(dom);
	if (!e2e_check(b->c, !ret, "attach", "iommu_attach_group(): %d", ret))
		return;
	bench_report("attach", 0, attach);
	bench_report("detach", 0, detach);
}

/* The case */

static int bench_setup(struct bench *b)
{
	b->regs = ioremap(BENCH_BASE, SZ_4K);
	b->dev = e2e_find_pl330(0);
	b->iommu = e2e_iommu_dev();
	if (!e2e_check(b->c, b->regs && b->dev && b->dev->driver && b->iommu,
		       "setup", "bench page, PL330 #0 with its driver, the IOMMU"))
		return -ENODEV;
	b->group = iommu_group_get(b->dev);
	if (!e2e_check(b->c, b->group, "group", "PL330 #0 has a group"))
		return -ENODEV;
	if (!e2e_check(b->c, e2e_iommu_powered(), "powered",
		       "the IOMMU is powered: a bound PL330 keeps it so"))
		return -ENODEV;
	return bench_counting(b) ? 0 : -ENODEV;
}

/* A paging domain with one page mapped, attached to the group. */
static int bench_domain(struct bench *b)
{
	long pages;
	int ret;

	b->base_pages = bench_iommu_pages();
	b->dom = iommu_paging_domain_alloc(b->dev);
	if (IS_ERR(b->dom)) {
		ret = PTR_ERR(b->dom);
		b->dom = NULL;
		return ret;
	}
	ret = iommu_attach_group(b->dom, b->group);
	if (ret) {
		iommu_domain_free(b->dom);
		b->dom = NULL;
		return ret;
	}
	ret = iommu_map(b->dom, BENCH_RESIDENT, BENCH_PA, SZ_4K,
			IOMMU_READ | IOMMU_WRITE, GFP_KERNEL);
	/* Only the Directory Table in IOMMU pages: Page Tables elsewhere. */
	pages = bench_iommu_pages() - b->base_pages;
	b->slab_pts = pages * PAGE_SIZE == SZ_16K && bench_valid_dtes();
	pr_info("bench: Page Tables are counted from %s\n",
		b->slab_pts ? "the Directory Table (slab)" : "IOMMU pages");
	pr_info("bench-mem: attached %ld\n", bench_table_bytes(b));
	return ret;
}

void e2e_case_bench(struct e2e_case *c, const char *arg)
{
	struct bench b = { .c = c, .full = arg && !strcmp(arg, "full") };
	int ret;

	if (bench_setup(&b))
		goto out;
	pr_info("bench: %s, %s\n", b.full ? "full" : "quick",
		e2e_domain_type(iommu_get_domain_for_dev(b.dev)));
	bench_dma_api(&b);
	bench_attach(&b);
	ret = bench_domain(&b);
	if (e2e_check(c, !ret, "domain", "a paging domain attached: %d", ret)) {
		bench_iommu_api(&b);
		bench_memory(&b);
	}
	if (b.dom) {
		iommu_detach_group(b.dom, b.group);
		iommu_domain_free(b.dom);
	}
out:
	if (b.group)
		iommu_group_put(b.group);
	put_device(b.iommu);
	put_device(b.dev);
	if (b.regs)
		iounmap(b.regs);
}
