// SPDX-License-Identifier: GPL-2.0-only
/*
 * KUnit tests for the Allwinner H6/H616 IOMMU driver: table formats, the
 * page-table code, TLB maintenance requests and allocation failures, on a
 * software-only instance whose register procedures are recorded instead of
 * executed.
 */

#include <kunit/device.h>
#include <kunit/static_stub.h>
#include <kunit/test.h>
#include <linux/completion.h>
#include <linux/dma-mapping.h>
#include <linux/kthread.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/vmalloc.h>

#include "iommu-pages.h"
#include "sun50i-iommu.h"

#define MAX_REQS	64

enum req_type {
	REQ_FLUSH, REQ_CLEAN, REQ_PROGRAM,
	REQ_WRITE,	/* a register write: addr = offset, arg = value */
	REQ_REPORT,	/* a fault report: addr = IOVA, arg = flags */
};

struct req {
	enum req_type type;
	u64 addr;
	u64 arg;
};

/**
 * struct test_ctx - one test's instance, domain and records
 * @iommu: a software-only IOMMU instance
 * @domain: a paging domain of it
 * @reqs: recorded maintenance requests, in order
 * @nr_reqs: number of entries in @reqs
 * @gather: the gather a test is syncing, checked while invalidating
 * @freelist_at_flush: number of pages on @gather's freelist at each TLB
 *	flush
 * @fail_at: the allocation call to fail (1-based), 0 for none
 * @calls: allocation calls so far
 * @live_maps: table mappings made and not yet undone
 * @table_allocs: table allocations that succeeded
 * @lock: protects @calls, @live_maps and @table_allocs, which the
 *	concurrency test's threads update too
 */
struct test_ctx {
	struct sun50i_iommu iommu;
	struct iommu_domain *domain;
	struct req reqs[MAX_REQS];
	unsigned int nr_reqs;
	struct iommu_iotlb_gather *gather;
	int freelist_at_flush;
	unsigned int fail_at;
	unsigned int calls;
	long live_maps;
	unsigned int table_allocs;
	/* Protects calls, live_maps and table_allocs. */
	spinlock_t lock;
};

static struct test_ctx *ctx_of(struct kunit *test)
{
	return test->priv;
}

static void record(struct kunit *test, enum req_type type, u64 addr, u64 arg)
{
	struct test_ctx *ctx = ctx_of(test);

	KUNIT_ASSERT_LT(test, ctx->nr_reqs, MAX_REQS);
	ctx->reqs[ctx->nr_reqs++] = (struct req){ type, addr, arg };
}

/* The first request of @type for @addr from request @from on. */
static unsigned int find_req(struct kunit *test, enum req_type type,
			     u64 addr, unsigned int from)
{
	struct test_ctx *ctx = ctx_of(test);
	unsigned int i;

	for (i = from; i < ctx->nr_reqs; i++)
		if (ctx->reqs[i].type == type && ctx->reqs[i].addr == addr)
			return i;
	return UINT_MAX;
}

static int fake_tlb_flush(struct sun50i_iommu *iommu)
{
	struct kunit *test = kunit_get_current_test();
	struct test_ctx *ctx = ctx_of(test);

	if (ctx->gather)
		ctx->freelist_at_flush =
			list_count_nodes(&ctx->gather->freelist.pages);
	record(test, REQ_FLUSH, 0, 0);
	return 0;
}

/* A flush that never completes. */
static int fake_tlb_flush_timeout(struct sun50i_iommu *iommu)
{
	record(kunit_get_current_test(), REQ_FLUSH, 0, 0);
	return -ETIMEDOUT;
}

/* Programming records the domain it installs, and installs it. */
static int fake_program(struct sun50i_iommu *iommu,
			struct iommu_domain *domain)
{
	record(kunit_get_current_test(), REQ_PROGRAM, (uintptr_t)domain, 0);
	iommu->installed = domain;
	return 0;
}

/* Register writes land in the plain-memory registers, and in the record. */
static void record_write(struct sun50i_iommu *iommu, u32 reg, u32 val)
{
	record(kunit_get_current_test(), REQ_WRITE, reg, val);
	writel(val, iommu->base + reg);
}

static void record_writes(struct kunit *test)
{
	kunit_activate_static_stub(test, sun50i_iommu_write, record_write);
}

static void record_clean(struct device *dev, dma_addr_t dma, size_t size)
{
	record(kunit_get_current_test(), REQ_CLEAN, dma, size);
	dma_sync_single_for_device(dev, dma, size, DMA_TO_DEVICE);
}

/* Allocation seams: count calls, fail the chosen one, track mappings. */
static bool fail_now(struct test_ctx *ctx)
{
	bool fail;

	spin_lock(&ctx->lock);
	fail = ++ctx->calls == ctx->fail_at;
	spin_unlock(&ctx->lock);
	return fail;
}

static struct sun50i_iommu_domain *counted_domain_zalloc(void)
{
	struct test_ctx *ctx = ctx_of(kunit_get_current_test());

	if (fail_now(ctx))
		return NULL;
	return kzalloc_obj(struct sun50i_iommu_domain);
}

static void *counted_table_alloc(gfp_t gfp, size_t size)
{
	struct test_ctx *ctx = ctx_of(kunit_get_current_test());
	void *table;

	if (fail_now(ctx))
		return NULL;
	table = iommu_alloc_pages_sz(gfp | GFP_DMA32, size);
	spin_lock(&ctx->lock);
	ctx->table_allocs += !!table;
	spin_unlock(&ctx->lock);
	return table;
}

static dma_addr_t counted_table_map(struct device *dev, void *table,
				    size_t size)
{
	struct test_ctx *ctx = ctx_of(kunit_get_current_test());
	dma_addr_t dma;

	if (fail_now(ctx))
		return DMA_MAPPING_ERROR;
	dma = dma_map_single(dev, table, size, DMA_TO_DEVICE);
	if (dma_mapping_error(dev, dma))
		return DMA_MAPPING_ERROR;
	spin_lock(&ctx->lock);
	ctx->live_maps++;
	spin_unlock(&ctx->lock);
	return dma;
}

static void counted_table_unmap(struct device *dev, dma_addr_t dma,
				size_t size)
{
	struct test_ctx *ctx = ctx_of(kunit_get_current_test());

	dma_unmap_single(dev, dma, size, DMA_TO_DEVICE);
	spin_lock(&ctx->lock);
	ctx->live_maps--;
	spin_unlock(&ctx->lock);
}

static void count_table_memory(struct kunit *test)
{
	kunit_activate_static_stub(test, sun50i_domain_zalloc,
				   counted_domain_zalloc);
	kunit_activate_static_stub(test, sun50i_table_alloc,
				   counted_table_alloc);
	kunit_activate_static_stub(test, sun50i_table_map, counted_table_map);
	kunit_activate_static_stub(test, sun50i_table_unmap,
				   counted_table_unmap);
}

/*
 * Record the register procedures of a powered instance that has the
 * fixture's domain installed.
 */
static void install(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);

	kunit_activate_static_stub(test, sun50i_iommu_tlb_flush,
				   fake_tlb_flush);
	kunit_activate_static_stub(test, sun50i_iommu_program, fake_program);
	ctx->iommu.installed = ctx->domain;
	ctx->iommu.powered = true;
}

static int sun50i_test_init(struct kunit *test)
{
	struct test_ctx *ctx;
	struct device *dev;

	ctx = kunit_kzalloc(test, sizeof(*ctx), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ctx);
	test->priv = ctx;
	spin_lock_init(&ctx->lock);

	dev = kunit_device_register(test, "sun50i-iommu-test");
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	dev->dma_mask = &dev->coherent_dma_mask;
	KUNIT_ASSERT_EQ(test, dma_set_mask_and_coherent(dev, DMA_BIT_MASK(32)),
			0);

	/*
	 * Registers are plain memory: the procedures that wait for the
	 * hardware are stubbed, the other writes land here.
	 */
	ctx->iommu.base = (void __force __iomem *)kunit_kzalloc(test, SZ_1K,
								 GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, (void __force *)ctx->iommu.base);
	ctx->iommu.dev = dev;
	ctx->iommu.variant = &sun50i_h6_iommu_variant;
	spin_lock_init(&ctx->iommu.lock);

	count_table_memory(test);
	ctx->domain = sun50i_iommu_domain_alloc(&ctx->iommu);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, ctx->domain);
	/* As the core does for what domain_alloc_paging() returns. */
	ctx->domain->type = IOMMU_DOMAIN_UNMANAGED;
	return 0;
}

static void sun50i_test_exit(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);

	if (ctx->domain) {
		ctx->iommu.installed = NULL;
		ctx->domain->ops->free(ctx->domain);
		/* Every table mapping made for the domain was undone. */
		KUNIT_EXPECT_EQ(test, ctx->live_maps, 0);
	}
}

static struct sun50i_iommu_domain *dom_of(struct kunit *test)
{
	return to_sun50i_domain(ctx_of(test)->domain);
}

/* Map like iommu_map(): call map_pages until done, undo all on error. */
static int map(struct kunit *test, u32 iova, phys_addr_t pa, size_t size,
	       int prot)
{
	struct iommu_domain *domain = ctx_of(test)->domain;
	size_t done = 0;
	int ret = 0;

	while (done < size) {
		size_t mapped = 0;

		ret = domain->ops->map_pages(domain, iova + done, pa + done,
					     SZ_4K, (size - done) / SZ_4K, prot,
					     GFP_KERNEL, &mapped);
		done += mapped;
		if (!ret && !mapped)
			ret = -EIO;
		if (ret)
			break;
	}
	if (ret && done) {
		struct iommu_iotlb_gather gather;
		size_t undone = 0;

		iommu_iotlb_gather_init(&gather);
		while (undone < done)
			undone += domain->ops->unmap_pages(domain,
							   iova + undone,
							   SZ_4K,
							   (done - undone) / SZ_4K,
							   &gather);
		domain->ops->iotlb_sync(domain, &gather);
	}
	return ret;
}

/* Unmap like iommu_unmap(): stop at the first hole, then sync. */
static size_t unmap(struct kunit *test, u32 iova, size_t size)
{
	struct iommu_domain *domain = ctx_of(test)->domain;
	struct iommu_iotlb_gather gather;
	size_t done = 0, n;

	iommu_iotlb_gather_init(&gather);
	while (done < size) {
		n = domain->ops->unmap_pages(domain, iova + done, SZ_4K,
					     (size - done) / SZ_4K, &gather);
		if (!n)
			break;
		done += n;
	}
	domain->ops->iotlb_sync(domain, &gather);
	return done;
}

static phys_addr_t lookup(struct kunit *test, u64 iova)
{
	struct iommu_domain *domain = ctx_of(test)->domain;

	return domain->ops->iova_to_phys(domain, iova);
}

static unsigned int live_table_pages(struct kunit *test)
{
	struct sun50i_iommu_domain *dom = dom_of(test);
	unsigned int g, n = 0;

	for (g = 0; g < SUN50I_PT_GROUPS; g++)
		n += atomic64_read(&dom->slots[g]) != 0;
	return n;
}

static unsigned int valid_dtes(struct kunit *test)
{
	struct sun50i_iommu_domain *dom = dom_of(test);
	unsigned int i, n = 0;

	for (i = 0; i < SUN50I_DT_ENTRIES; i++)
		n += sun50i_dte_valid(dom->dt[i]);
	return n;
}

static void expect_mapped(struct kunit *test, u32 iova, phys_addr_t pa,
			  size_t size)
{
	size_t off;

	for (off = 0; off < size; off += SZ_4K)
		KUNIT_EXPECT_EQ_MSG(test, lookup(test, iova + off + 0x123),
				    pa + off + 0x123, "iova %#x",
				    (u32)(iova + off));
}

static void expect_unmapped(struct kunit *test, u32 iova, size_t size)
{
	size_t off;

	for (off = 0; off < size; off += SZ_4K)
		KUNIT_EXPECT_EQ_MSG(test, lookup(test, iova + off), 0,
				    "iova %#x", (u32)(iova + off));
}

/* Table formats */

static void test_pte_encoding(struct kunit *test)
{
	static const struct {
		int prot;
		enum sun50i_iommu_aci aci;
	} perms[] = {
		{ IOMMU_READ | IOMMU_WRITE, SUN50I_ACI_RW },
		{ IOMMU_READ, SUN50I_ACI_RD },
		{ IOMMU_WRITE, SUN50I_ACI_WR },
		{ 0, SUN50I_ACI_NONE },
		{ IOMMU_READ | IOMMU_WRITE | IOMMU_CACHE, SUN50I_ACI_RW },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(perms); i++) {
		enum sun50i_iommu_aci aci = sun50i_prot_to_aci(perms[i].prot);
		u32 pte = sun50i_mk_pte(0xfedcb000, aci);

		KUNIT_EXPECT_EQ(test, aci, perms[i].aci);
		KUNIT_EXPECT_NE(test, aci, 0);
		KUNIT_EXPECT_TRUE(test, sun50i_pte_valid(pte));
		KUNIT_EXPECT_EQ(test, sun50i_pte_page_addr(pte), 0xfedcb000);
		KUNIT_EXPECT_EQ(test, sun50i_pte_aci(pte), aci);
		/* Bits 3:2 and 11:8 are reserved, bit 0 too. */
		KUNIT_EXPECT_EQ(test, pte & 0xf0d, 0);
		KUNIT_EXPECT_EQ(test, pte, 0xfedcb002 | aci << 4);
	}
	KUNIT_EXPECT_FALSE(test, sun50i_pte_valid(0));
	KUNIT_EXPECT_FALSE(test, sun50i_pte_valid(0xfffff0fd));
}

static void test_dte_encoding(struct kunit *test)
{
	u32 dte = sun50i_mk_dte(0x8765a400);

	KUNIT_EXPECT_EQ(test, dte, 0x8765a401);
	KUNIT_EXPECT_TRUE(test, sun50i_dte_valid(dte));
	KUNIT_EXPECT_EQ(test, sun50i_dte_pt_addr(dte), 0x8765a400);
	KUNIT_EXPECT_FALSE(test, sun50i_dte_valid(0));
	KUNIT_EXPECT_FALSE(test, sun50i_dte_valid(0x8765a402));
	KUNIT_EXPECT_FALSE(test, sun50i_dte_valid(0x8765a403));
}

static void test_iova_split(struct kunit *test)
{
	static const struct {
		u32 iova, dte, pte;
	} cases[] = {
		{ 0x00000000, 0, 0 },
		{ 0x00000fff, 0, 0 },
		{ 0x00001000, 0, 1 },
		{ 0x000fffff, 0, 255 },
		{ 0x00100000, 1, 0 },
		{ 0x12345678, 0x123, 0x45 },
		{ 0xffefffff, 4094, 255 },
		{ 0xfff00000, 4095, 0 },
		{ 0xffffffff, 4095, 255 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		KUNIT_EXPECT_EQ(test, sun50i_iova_dte_index(cases[i].iova),
				cases[i].dte);
		KUNIT_EXPECT_EQ(test, sun50i_iova_pte_index(cases[i].iova),
				cases[i].pte);
	}
}

/* Map, translate, unmap */

static void test_map_one_page(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, map(test, 0x10000000, 0x45678000, SZ_4K,
				  IOMMU_READ | IOMMU_WRITE), 0);
	expect_mapped(test, 0x10000000, 0x45678000, SZ_4K);
	expect_unmapped(test, 0x10001000, SZ_4K);
	expect_unmapped(test, 0x0ffff000, SZ_4K);
	KUNIT_EXPECT_EQ(test, unmap(test, 0x10000000, SZ_4K), SZ_4K);
	expect_unmapped(test, 0x10000000, SZ_4K);
}

static void test_map_run_in_one_table(struct kunit *test)
{
	struct iommu_domain *domain = ctx_of(test)->domain;
	size_t mapped = 0;

	/* One call maps the whole run: it ends inside the Page Table. */
	KUNIT_ASSERT_EQ(test, domain->ops->map_pages(domain, 0x20010000,
						     0x50000000, SZ_4K, 64,
						     IOMMU_READ, GFP_KERNEL,
						     &mapped), 0);
	KUNIT_EXPECT_EQ(test, mapped, 64 * SZ_4K);
	expect_mapped(test, 0x20010000, 0x50000000, 64 * SZ_4K);
	KUNIT_EXPECT_EQ(test, unmap(test, 0x20010000, 64 * SZ_4K), 64 * SZ_4K);
	expect_unmapped(test, 0x20010000, 64 * SZ_4K);
}

static void test_map_run_across_tables(struct kunit *test)
{
	struct iommu_domain *domain = ctx_of(test)->domain;
	/* 8 MiB + 8 KiB from 4 KiB below a 4 MiB boundary: 10 Page Tables. */
	u32 iova = 0x303ff000;
	size_t size = SZ_8M + SZ_8K, mapped = 0;

	/* A run stops short at the end of its table page... */
	KUNIT_ASSERT_EQ(test, domain->ops->map_pages(domain, iova, 0x60000000,
						     SZ_4K, size / SZ_4K,
						     IOMMU_WRITE, GFP_KERNEL,
						     &mapped), 0);
	KUNIT_EXPECT_EQ(test, mapped, SZ_4K);
	KUNIT_EXPECT_EQ(test, unmap(test, iova, SZ_4K), SZ_4K);

	/* ...and a caller's loop maps it all. */
	KUNIT_ASSERT_EQ(test, map(test, iova, 0x60000000, size, IOMMU_WRITE), 0);
	expect_mapped(test, iova, 0x60000000, size);
	KUNIT_EXPECT_EQ(test, valid_dtes(test), 10);
	KUNIT_EXPECT_EQ(test, unmap(test, iova, size), size);
	expect_unmapped(test, iova, size);
}

/* A run within one table page fills its Page Tables in one call. */
static void test_map_run_of_a_table_page(struct kunit *test)
{
	struct iommu_domain *domain = ctx_of(test)->domain;
	struct iommu_iotlb_gather gather;
	size_t mapped = 0;

	KUNIT_ASSERT_EQ(test, domain->ops->map_pages(domain, 0x30401000,
						     0x60000000, SZ_4K,
						     SZ_4M / SZ_4K, IOMMU_READ,
						     GFP_KERNEL, &mapped), 0);
	KUNIT_EXPECT_EQ(test, mapped, SZ_4M - SZ_4K);
	KUNIT_EXPECT_EQ(test, valid_dtes(test), 4);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 1);
	expect_mapped(test, 0x30401000, 0x60000000, SZ_4M - SZ_4K);
	/* The unmap too, up to the end of the table page. */
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, domain->ops->unmap_pages(domain, 0x30401000,
						       SZ_4K, SZ_4M / SZ_4K,
						       &gather),
			SZ_4M - SZ_4K);
	domain->ops->iotlb_sync(domain, &gather);
	expect_unmapped(test, 0x30401000, SZ_4M - SZ_4K);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 0);
}

static void test_map_top_of_space(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, map(test, 0xffffc000, 0xfffe0000, 4 * SZ_4K,
				  IOMMU_READ | IOMMU_WRITE), 0);
	expect_mapped(test, 0xffffc000, 0xfffe0000, 4 * SZ_4K);
	KUNIT_EXPECT_EQ(test, lookup(test, 0xffffffff), 0xfffe3fff);
	/* Beyond the 32-bit space there is nothing. */
	KUNIT_EXPECT_EQ(test, lookup(test, 0x100000000ULL), 0);
	KUNIT_EXPECT_EQ(test, unmap(test, 0xffffc000, 4 * SZ_4K), 4 * SZ_4K);
	expect_unmapped(test, 0xffffc000, 4 * SZ_4K);
}

static void test_overmap_fails(struct kunit *test)
{
	struct sun50i_iommu_domain *dom = dom_of(test);
	u32 *before, *pt;
	u64 slot;

	KUNIT_ASSERT_EQ(test, map(test, 0x40008000, 0x70000000, 4 * SZ_4K,
				  IOMMU_READ), 0);
	slot = atomic64_read(&dom->slots[0x400 / SUN50I_PTS_PER_PAGE]);
	pt = page_address(pfn_to_page(FIELD_GET(SUN50I_SLOT_PFN, slot)));
	before = kunit_kmalloc(test, SUN50I_PT_SIZE, GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, before);
	memcpy(before, pt, SUN50I_PT_SIZE);

	/* Overlaps the last two live PTEs: nothing of it may be mapped. */
	KUNIT_EXPECT_EQ(test, map(test, 0x40000000, 0x71000000, 12 * SZ_4K,
				  IOMMU_READ | IOMMU_WRITE), -EEXIST);
	KUNIT_EXPECT_MEMEQ(test, pt, before, SUN50I_PT_SIZE);
	KUNIT_EXPECT_EQ(test,
			atomic64_read(&dom->slots[0x400 / SUN50I_PTS_PER_PAGE]),
			slot);
	expect_unmapped(test, 0x40000000, 8 * SZ_4K);
	expect_mapped(test, 0x40008000, 0x70000000, 4 * SZ_4K);
	expect_unmapped(test, 0x4000c000, 4 * SZ_4K);

	KUNIT_EXPECT_EQ(test, unmap(test, 0x40008000, 4 * SZ_4K), 4 * SZ_4K);
}

static void test_overmap_of_new_table_frees_it(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);

	KUNIT_ASSERT_EQ(test, map(test, 0x50400000, 0x70000000, SZ_4K,
				  IOMMU_READ), 0);
	/*
	 * The first run needs a new table page, the second hits the live
	 * PTE: the caller undoes the first run and its table page goes.
	 */
	KUNIT_EXPECT_EQ(test, map(test, 0x503ff000, 0x71000000, 2 * SZ_4K,
				  IOMMU_READ), -EEXIST);
	expect_unmapped(test, 0x503ff000, SZ_4K);
	expect_mapped(test, 0x50400000, 0x70000000, SZ_4K);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 1);
	KUNIT_EXPECT_EQ(test, ctx->live_maps, 2);
	KUNIT_EXPECT_EQ(test, unmap(test, 0x50400000, SZ_4K), SZ_4K);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 0);
}

static void test_map_above_4g_fails(struct kunit *test)
{
#ifdef CONFIG_PHYS_ADDR_T_64BIT
	KUNIT_EXPECT_EQ(test, map(test, 0x1000, BIT_ULL(32), SZ_4K, IOMMU_READ),
			-EINVAL);
#endif
	/* A run that only ends above 4 GiB fails as a whole. */
	KUNIT_EXPECT_EQ(test, map(test, 0x1000, 0xffffe000, 4 * SZ_4K,
				  IOMMU_READ), -EINVAL);
	expect_unmapped(test, 0x1000, 4 * SZ_4K);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 0);
}

static void test_unmap_nothing(struct kunit *test)
{
	KUNIT_EXPECT_EQ(test, unmap(test, 0x60000000, SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, unmap(test, 0xfffff000, SZ_4K), 0);
	/* A hole next to live entries of the same Page Table. */
	KUNIT_ASSERT_EQ(test, map(test, 0x60002000, 0x42000000, SZ_4K,
				  IOMMU_READ), 0);
	KUNIT_EXPECT_EQ(test, unmap(test, 0x60001000, 2 * SZ_4K), 0);
	expect_mapped(test, 0x60002000, 0x42000000, SZ_4K);
	KUNIT_EXPECT_EQ(test, unmap(test, 0x60002000, SZ_4K), SZ_4K);
}

static void test_partial_unmap(struct kunit *test)
{
	KUNIT_ASSERT_EQ(test, map(test, 0x70000000, 0x48000000, 8 * SZ_4K,
				  IOMMU_READ | IOMMU_WRITE), 0);
	KUNIT_EXPECT_EQ(test, unmap(test, 0x70003000, 2 * SZ_4K), 2 * SZ_4K);
	expect_mapped(test, 0x70000000, 0x48000000, 3 * SZ_4K);
	expect_unmapped(test, 0x70003000, 2 * SZ_4K);
	expect_mapped(test, 0x70005000, 0x48005000, 3 * SZ_4K);
	/* An unmap stops at the first hole, like iommu_unmap(). */
	KUNIT_EXPECT_EQ(test, unmap(test, 0x70000000, 8 * SZ_4K), 3 * SZ_4K);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 1);
	KUNIT_EXPECT_EQ(test, unmap(test, 0x70005000, 3 * SZ_4K), 3 * SZ_4K);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 0);
}

/* Freeing */

static void test_empty_table_freed_after_invalidation(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	struct iommu_domain *domain = ctx->domain;
	struct iommu_iotlb_gather gather;
	long maps;

	KUNIT_ASSERT_EQ(test, map(test, 0x80100000, 0x43000000, 2 * SZ_4K,
				  IOMMU_READ), 0);
	install(test);
	maps = ctx->live_maps;

	iommu_iotlb_gather_init(&gather);
	ctx->gather = &gather;
	KUNIT_EXPECT_EQ(test, domain->ops->unmap_pages(domain, 0x80100000,
						       SZ_4K, 2, &gather),
			2 * SZ_4K);
	/* Retired, off the DT, but not freed before the invalidation. */
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 0);
	KUNIT_EXPECT_EQ(test, valid_dtes(test), 0);
	KUNIT_EXPECT_EQ(test, list_count_nodes(&gather.freelist.pages), 1);
	KUNIT_EXPECT_EQ(test, ctx->nr_reqs, 0);

	domain->ops->iotlb_sync(domain, &gather);
	/* The TLBs were flushed while the page was still held. */
	KUNIT_EXPECT_EQ(test, ctx->freelist_at_flush, 1);
	KUNIT_EXPECT_TRUE(test, iommu_pages_list_empty(&gather.freelist));
	KUNIT_EXPECT_EQ(test, ctx->live_maps, maps - 1);
	ctx->gather = NULL;
}

/*
 * A page mapped and unmapped over and over at the start of a table page's
 * 4 MiB allocates that page once while the domain maps something else;
 * with nothing mapped, the domain keeps no spare page.
 */
static void test_boundary_thrash_allocates_once(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	struct sun50i_iommu_domain *dom = dom_of(test);
	unsigned int i, allocs;

	KUNIT_ASSERT_EQ(test, map(test, 0x00fff000, 0x50000000, SZ_4K,
				  IOMMU_READ), 0);
	allocs = ctx->table_allocs;
	for (i = 0; i < 100; i++) {
		KUNIT_ASSERT_EQ(test, map(test, 0x01000000, 0x51000000, SZ_4K,
					  IOMMU_READ), 0);
		KUNIT_ASSERT_EQ(test, unmap(test, 0x01000000, SZ_4K), SZ_4K);
	}
	KUNIT_EXPECT_EQ(test, ctx->table_allocs - allocs, 1);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 1);
	KUNIT_EXPECT_EQ(test, unmap(test, 0x00fff000, SZ_4K), SZ_4K);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 0);
	KUNIT_EXPECT_NULL(test, dom->spare);
	KUNIT_EXPECT_NULL(test, dom->retired);
	KUNIT_EXPECT_EQ(test, ctx->live_maps, 1);
}

/*
 * A retired table page is used again only after the flush that followed
 * its retirement: until then the walker may still reach it.
 */
static void test_retired_page_waits_for_flush(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	struct iommu_domain *domain = ctx->domain;
	struct iommu_iotlb_gather gather;
	unsigned int allocs;

	KUNIT_ASSERT_EQ(test, map(test, 0x00fff000, 0x50000000, SZ_4K,
				  IOMMU_READ), 0);
	KUNIT_ASSERT_EQ(test, map(test, 0x01000000, 0x51000000, SZ_4K,
				  IOMMU_READ), 0);
	allocs = ctx->table_allocs;
	iommu_iotlb_gather_init(&gather);
	KUNIT_EXPECT_EQ(test, domain->ops->unmap_pages(domain, 0x01000000,
						       SZ_4K, 1, &gather),
			SZ_4K);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 1);
	/* Not flushed yet: a new table page is a new allocation. */
	KUNIT_ASSERT_EQ(test, map(test, 0x02000000, 0x52000000, SZ_4K,
				  IOMMU_READ), 0);
	KUNIT_EXPECT_EQ(test, ctx->table_allocs - allocs, 1);
	/* Flushed: the retired page serves the next table. */
	domain->ops->iotlb_sync(domain, &gather);
	KUNIT_ASSERT_EQ(test, map(test, 0x03000000, 0x53000000, SZ_4K,
				  IOMMU_READ), 0);
	KUNIT_EXPECT_EQ(test, ctx->table_allocs - allocs, 1);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 3);
}

static void test_only_dt_remains(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	static const u32 iovas[] = {
		0x00000000, 0x00400000, 0x00500000, 0x7ff00000, 0x80000000,
		0xa0123000, 0xfff00000,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(iovas); i++)
		KUNIT_ASSERT_EQ(test, map(test, iovas[i], 0x50000000,
					  32 * SZ_4K, IOMMU_READ), 0);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 6);
	for (i = 0; i < ARRAY_SIZE(iovas); i++)
		KUNIT_EXPECT_EQ(test, unmap(test, iovas[i], 32 * SZ_4K),
				32 * SZ_4K);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 0);
	KUNIT_EXPECT_EQ(test, valid_dtes(test), 0);
	/* The Directory Table is the only table memory left. */
	KUNIT_EXPECT_EQ(test, ctx->live_maps, 1);
}

/* Random operations against a shadow model */

#define WINDOW_PAGES	(SZ_64M / SZ_4K)
#define WINDOW_BASE	0xc0000000

static void test_random_against_shadow(struct kunit *test)
{
	struct rnd_state rnd;
	unsigned int op, mismatches = 0, p;
	u32 *shadow;

	shadow = vzalloc(WINDOW_PAGES * sizeof(*shadow));
	KUNIT_ASSERT_NOT_NULL(test, shadow);
	prandom_seed_state(&rnd, 0x5eed50);

	for (op = 0; op < 10000; op++) {
		u32 first = prandom_u32_state(&rnd) % WINDOW_PAGES;
		u32 n = 1 + prandom_u32_state(&rnd) % 600;
		u32 iova = WINDOW_BASE + first * SZ_4K;
		bool busy = false;
		u32 i;

		n = min_t(u32, n, WINDOW_PAGES - first);
		for (i = 0; i < n; i++)
			busy |= shadow[first + i] != 0;

		if (prandom_u32_state(&rnd) % 2) {
			u32 pa = 0x40000000 + (prandom_u32_state(&rnd) % 0x3f000) * SZ_4K;
			int ret = map(test, iova, pa, n * SZ_4K, IOMMU_READ);

			if (ret != (busy ? -EEXIST : 0))
				mismatches++;
			for (i = 0; !ret && i < n; i++)
				shadow[first + i] = pa + i * SZ_4K;
		} else {
			size_t expect = 0, done;

			while (expect < n && shadow[first + expect])
				expect++;
			done = unmap(test, iova, n * SZ_4K);
			if (done != expect * SZ_4K)
				mismatches++;
			for (i = 0; i < expect; i++)
				shadow[first + i] = 0;
		}
		if (op % 1000 == 999) {
			for (p = 0; p < WINDOW_PAGES; p++)
				if (lookup(test, WINDOW_BASE + p * SZ_4K) !=
				    shadow[p])
					mismatches++;
		}
	}
	KUNIT_EXPECT_EQ(test, mismatches, 0);

	for (p = 0; p < WINDOW_PAGES; p++)
		if (shadow[p])
			unmap(test, WINDOW_BASE + p * SZ_4K, SZ_4K);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 0);
	vfree(shadow);
}

/* Concurrency */

#define THREADS		4
#define STRIPE		(SZ_64K / SZ_4K)

struct worker {
	struct kunit *test;
	unsigned int id;
	unsigned int errors;
	struct completion done;
};

/*
 * Each worker owns every THREADS-th stripe of 16 pages of a 16 MiB window,
 * so all workers share Page Tables and table pages while never touching
 * the same PTE, and map and unmap them over and over.
 */
static int worker_fn(void *data)
{
	struct worker *w = data;
	struct kunit *test = w->test;
	unsigned int round, s;

	/* Let the allocation seams account this thread's calls. */
	current->kunit_test = test;
	for (round = 0; round < 40; round++) {
		for (s = w->id; s < SZ_16M / SZ_64K; s += THREADS) {
			u32 iova = 0xd0000000 + s * SZ_64K;
			u32 pa = 0x40000000 + s * SZ_64K;

			if (map(test, iova, pa, SZ_64K, IOMMU_WRITE) ||
			    lookup(test, iova + SZ_64K - 1) != pa + SZ_64K - 1)
				w->errors++;
		}
		for (s = w->id; s < SZ_16M / SZ_64K; s += THREADS) {
			u32 iova = 0xd0000000 + s * SZ_64K;

			if (unmap(test, iova, SZ_64K) != SZ_64K ||
			    lookup(test, iova))
				w->errors++;
		}
	}
	current->kunit_test = NULL;
	complete(&w->done);
	return 0;
}

static void test_concurrent_map_unmap(struct kunit *test)
{
	struct worker w[THREADS];
	struct task_struct *t;
	unsigned int i, errors = 0;

	for (i = 0; i < THREADS; i++) {
		w[i] = (struct worker){ .test = test, .id = i };
		init_completion(&w[i].done);
		t = kthread_run(worker_fn, &w[i], "sun50i-test-%u", i);
		KUNIT_ASSERT_FALSE(test, IS_ERR(t));
	}
	for (i = 0; i < THREADS; i++) {
		wait_for_completion(&w[i].done);
		errors += w[i].errors;
	}
	KUNIT_EXPECT_EQ(test, errors, 0);
	/* No table lost or leaked: only the Directory Table is left. */
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 0);
	KUNIT_EXPECT_EQ(test, valid_dtes(test), 0);
	KUNIT_EXPECT_EQ(test, ctx_of(test)->live_maps, 1);
}

/* Maintenance requests */

static void expect_reqs(struct kunit *test, const struct req *want,
			unsigned int n)
{
	struct test_ctx *ctx = ctx_of(test);
	unsigned int i;

	KUNIT_EXPECT_EQ(test, ctx->nr_reqs, n);
	for (i = 0; i < min(n, ctx->nr_reqs); i++) {
		KUNIT_EXPECT_EQ_MSG(test, ctx->reqs[i].type, want[i].type,
				    "request %u", i);
		KUNIT_EXPECT_EQ_MSG(test, ctx->reqs[i].addr, want[i].addr,
				    "request %u", i);
		KUNIT_EXPECT_EQ_MSG(test, ctx->reqs[i].arg, want[i].arg,
				    "request %u", i);
	}
	ctx->nr_reqs = 0;
}

/*
 * Exactly one flush of everything, the driver's only invalidation, since
 * the last reset of the record.
 */
static void expect_one_flush(struct kunit *test)
{
	static const struct req want[] = { { REQ_FLUSH } };

	expect_reqs(test, want, ARRAY_SIZE(want));
}

static void test_sync_map_flushes(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	struct iommu_domain *domain = ctx->domain;
	static const struct { u32 iova; size_t size; } runs[] = {
		{ 0x10003000, SZ_4K },
		{ 0x100fc000, SZ_64K },		/* across a MiB boundary */
		{ 0x03000000, SZ_2M },
		{ 0xfffff000, SZ_4K },
	};
	unsigned int i;

	install(test);
	for (i = 0; i < ARRAY_SIZE(runs); i++) {
		ctx->nr_reqs = 0;
		KUNIT_EXPECT_EQ(test,
				domain->ops->iotlb_sync_map(domain,
							    runs[i].iova,
							    runs[i].size), 0);
		expect_one_flush(test);
	}
}

static void test_iotlb_sync_flushes(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);

	KUNIT_ASSERT_EQ(test, map(test, 0x20100000, 0x50000000, 8 * SZ_4K,
				  IOMMU_READ), 0);
	install(test);
	/* PTEs cleared, across the MiB boundary: one flush. */
	KUNIT_EXPECT_EQ(test, unmap(test, 0x20100000, 2 * SZ_4K), 2 * SZ_4K);
	expect_one_flush(test);
	/* An unmap of nothing changes nothing: no flush. */
	KUNIT_EXPECT_EQ(test, unmap(test, 0x20100000, SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_reqs, 0);
	KUNIT_EXPECT_EQ(test, unmap(test, 0x20102000, 4 * SZ_4K), 4 * SZ_4K);
	/* The table page retires: still one flush. */
	ctx->nr_reqs = 0;
	KUNIT_EXPECT_EQ(test, unmap(test, 0x20106000, 2 * SZ_4K), 2 * SZ_4K);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 0);
	expect_one_flush(test);
}

static void test_flush_all_requests(struct kunit *test)
{
	struct iommu_domain *domain = ctx_of(test)->domain;
	static const struct req want[] = {
		{ REQ_FLUSH },
	};

	install(test);
	domain->ops->flush_iotlb_all(domain);
	expect_reqs(test, want, ARRAY_SIZE(want));
}

/* Map, sync, unmap and flush: the hardware must get no request. */
static void expect_no_requests(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	struct iommu_domain *domain = ctx->domain;

	KUNIT_ASSERT_EQ(test, map(test, 0x1000, 0x50000000, SZ_4K, IOMMU_READ),
			0);
	KUNIT_EXPECT_EQ(test, domain->ops->iotlb_sync_map(domain, 0x1000,
							  SZ_4K), 0);
	KUNIT_EXPECT_EQ(test, unmap(test, 0x1000, SZ_4K), SZ_4K);
	domain->ops->flush_iotlb_all(domain);
	KUNIT_EXPECT_EQ(test, ctx->nr_reqs, 0);
}

static void test_no_requests_when_not_installed(struct kunit *test)
{
	install(test);
	ctx_of(test)->iommu.installed = NULL;
	expect_no_requests(test);
}

static void test_cache_maintenance(struct kunit *test)
{
	struct sun50i_iommu_domain *dom = dom_of(test);
	dma_addr_t pt;
	u64 slot;
	struct req want[2];

	kunit_activate_static_stub(test, sun50i_table_clean, record_clean);

	/* DTE 0x301 is the second Page Table of its table page. */
	KUNIT_ASSERT_EQ(test, map(test, 0x30110000, 0x50000000, 16 * SZ_4K,
				  IOMMU_READ), 0);
	slot = atomic64_read(&dom->slots[0x301 / SUN50I_PTS_PER_PAGE]);
	pt = (dma_addr_t)FIELD_GET(SUN50I_SLOT_BUS_PFN, slot) << 12;
	want[0] = (struct req){ REQ_CLEAN, dom->dt_dma + 0x301 * 4, 4 };
	want[1] = (struct req){ REQ_CLEAN, pt + (256 + 0x10) * 4, 16 * 4 };
	/* One clean of the new DTE, one of the whole run of PTEs. */
	expect_reqs(test, want, 2);

	KUNIT_ASSERT_EQ(test, map(test, 0x30120000, 0x51000000, 32 * SZ_4K,
				  IOMMU_READ), 0);
	want[0] = (struct req){ REQ_CLEAN, pt + (256 + 0x20) * 4, 32 * 4 };
	expect_reqs(test, want, 1);

	KUNIT_EXPECT_EQ(test, unmap(test, 0x30118000, 40 * SZ_4K), 40 * SZ_4K);
	want[0] = (struct req){ REQ_CLEAN, pt + (256 + 0x18) * 4, 40 * 4 };
	expect_reqs(test, want, 1);

	/* Retiring the table page cleans its four DTEs at once. */
	KUNIT_EXPECT_EQ(test, unmap(test, 0x30110000, 8 * SZ_4K), 8 * SZ_4K);
	want[0] = (struct req){ REQ_CLEAN, pt + (256 + 0x10) * 4, 8 * 4 };
	want[1] = (struct req){ REQ_CLEAN, dom->dt_dma + 0x300 * 4, 16 };
	expect_reqs(test, want, 2);
}

/* Programming the hardware */

static u32 reg(struct kunit *test, u32 off)
{
	return readl(ctx_of(test)->iommu.base + off);
}

static void test_program_registers(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	struct sun50i_iommu_domain *dom = dom_of(test);
	unsigned int d;

	/* The real procedure, on plain memory; only the flush is faked. */
	kunit_activate_static_stub(test, sun50i_iommu_tlb_flush,
				   fake_tlb_flush);
	KUNIT_ASSERT_EQ(test, sun50i_iommu_program(&ctx->iommu, ctx->domain), 0);
	KUNIT_EXPECT_PTR_EQ(test, ctx->iommu.installed, ctx->domain);

	/* Offsets and layouts from the hardware reference, section 3. */
	KUNIT_EXPECT_EQ(test, reg(test, 0x050), dom->dt_dma);	/* TTB */
	KUNIT_EXPECT_EQ(test, reg(test, 0x030), 0);		/* BYPASS */
	KUNIT_EXPECT_EQ(test, reg(test, 0x020), 1);		/* ENABLE */
	KUNIT_EXPECT_EQ(test, reg(test, 0x040), 1);		/* AUTO_GATING */
	KUNIT_EXPECT_EQ(test, reg(test, 0x060), 0x0003003f);	/* TLB_ENABLE */
	KUNIT_EXPECT_EQ(test, reg(test, 0x070), 0x3f);	/* TLB_PREFETCH */
	KUNIT_EXPECT_EQ(test, reg(test, 0x100), 0x0003003f);	/* INT_ENABLE */
	KUNIT_EXPECT_EQ(test, reg(test, 0x0d0), 0);		/* DM_AUT_OVWT */
	KUNIT_EXPECT_EQ(test, reg(test, 0x010), 0xffffffff);	/* RESET */
	/*
	 * Permission domains, a set bit forbids: 1 read/write, 2 read-only
	 * (write bits), 3 write-only (read bits), 4 and 5..15 nothing.
	 */
	KUNIT_EXPECT_EQ(test, reg(test, 0x0b0), 0x00000000);
	KUNIT_EXPECT_EQ(test, reg(test, 0x0b4), 0x05550aaa);
	for (d = 4; d < 16; d += 2)
		KUNIT_EXPECT_EQ_MSG(test, reg(test, 0x0b0 + d * 2), 0x0fff0fff,
				    "domains %u and %u", d, d + 1);
	/* One flush, of everything the old table may have left. */
	KUNIT_EXPECT_EQ(test, ctx->nr_reqs, 1);
	KUNIT_EXPECT_EQ(test, ctx->reqs[0].type, REQ_FLUSH);
}

/*
 * What the hardware enforces for a mapping: the permission domain its PTE
 * selects, as sun50i_iommu_program() set it up for master @m. DM_AUT_CTRL
 * (0x0b0 + 4 * (aci / 2), odd domains in the high half) forbids a read
 * with bit 2m and a write with bit 2m + 1.
 */
static bool hw_allows(struct kunit *test, int prot, unsigned int m,
		      bool write)
{
	enum sun50i_iommu_aci aci = sun50i_prot_to_aci(prot);
	u32 val = reg(test, 0x0b0 + 4 * (aci / 2)) >> (16 * (aci % 2));

	return !(val & BIT(2 * m + write));
}

static void test_prot_enforced_by_hardware(struct kunit *test)
{
	static const int prots[] = {
		0, IOMMU_READ, IOMMU_WRITE, IOMMU_READ | IOMMU_WRITE,
		IOMMU_READ | IOMMU_NOEXEC, IOMMU_WRITE | IOMMU_CACHE,
	};
	struct test_ctx *ctx = ctx_of(test);
	unsigned int i, m;

	kunit_activate_static_stub(test, sun50i_iommu_tlb_flush,
				   fake_tlb_flush);
	KUNIT_ASSERT_EQ(test, sun50i_iommu_program(&ctx->iommu, ctx->domain), 0);

	for (i = 0; i < ARRAY_SIZE(prots); i++) {
		for (m = 0; m < 6; m++) {
			KUNIT_EXPECT_EQ_MSG(test, hw_allows(test, prots[i], m,
							    false),
					    !!(prots[i] & IOMMU_READ),
					    "prot %#x, master %u, read",
					    prots[i], m);
			KUNIT_EXPECT_EQ_MSG(test, hw_allows(test, prots[i], m,
							    true),
					    !!(prots[i] & IOMMU_WRITE),
					    "prot %#x, master %u, write",
					    prots[i], m);
		}
	}
}

/**
 * struct hw_state - the registers that decide what a master's DMA does
 * @enable: ENABLE
 * @bypass: BYPASS
 * @reset: RESET, active low: a lane runs while its bit and bit 31 are set
 */
struct hw_state {
	u32 enable;
	u32 bypass;
	u32 reset;
};

static bool lane_runs(const struct hw_state *hw, unsigned int m)
{
	return (hw->reset & BIT(31)) && (hw->reset & BIT(m));
}

static bool lane_translates(const struct hw_state *hw, unsigned int m)
{
	return (hw->enable & 1) && !(hw->bypass & BIT(m));
}

/*
 * Replay the recorded programming of @domain against a register model
 * starting at @hw: after every write,
 * - no running lane goes untranslated (translation off or bypassed), unless
 *   @domain is the identity domain: DMA may use the old domain or the new
 *   one, nothing else;
 * - the TTB is only written while no running lane translates;
 * - no running lane translates between a TTB write and the flush after it.
 * At the end every lane runs, translating @domain's table (bypassing for
 * the identity domain). Returns the TTB value written last.
 */
static u32 replay_program(struct kunit *test, struct hw_state hw,
			  bool identity)
{
	struct test_ctx *ctx = ctx_of(test);
	bool stale = false;
	u32 ttb = 0;
	unsigned int i, m;

	for (i = 0; i < ctx->nr_reqs; i++) {
		const struct req *r = &ctx->reqs[i];

		if (r->type == REQ_FLUSH) {
			stale = false;
			continue;
		}
		KUNIT_ASSERT_EQ(test, r->type, REQ_WRITE);
		switch (r->addr) {
		case 0x010:					/* RESET */
			hw.reset = r->arg;
			break;
		case 0x020:					/* ENABLE */
			hw.enable = r->arg;
			break;
		case 0x030:					/* BYPASS */
			hw.bypass = r->arg;
			break;
		case 0x050:					/* TTB */
			for (m = 0; m < 6; m++) {
				bool live = lane_runs(&hw, m) &&
					    lane_translates(&hw, m);

				KUNIT_EXPECT_FALSE_MSG(test, live,
						       "request %u: TTB written while master %u translates",
						       i, m);
			}
			ttb = r->arg;
			stale = true;
			break;
		}
		for (m = 0; m < 6; m++) {
			bool translates = lane_translates(&hw, m);

			if (!lane_runs(&hw, m))
				continue;
			KUNIT_EXPECT_TRUE_MSG(test, identity || translates,
					      "request %u: master %u untranslated (ENABLE %#x, BYPASS %#x)",
					      i, m, hw.enable, hw.bypass);
			KUNIT_EXPECT_FALSE_MSG(test, stale && translates,
					       "request %u: master %u translates before the flush",
					       i, m);
		}
	}
	KUNIT_EXPECT_EQ(test, hw.reset, 0xffffffff);
	KUNIT_EXPECT_EQ(test, hw.enable, 1);
	KUNIT_EXPECT_EQ(test, hw.bypass, identity ? 0x3f : 0);
	ctx->nr_reqs = 0;
	return ttb;
}

static void test_program_order(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	struct sun50i_iommu *iommu = &ctx->iommu;
	struct iommu_domain *identity = &sun50i_iommu_identity_domain;
	const struct hw_state off = { .reset = 0xffffffff };
	const struct hw_state translating = { .enable = 1, .reset = 0xffffffff };
	const struct hw_state bypassing = {
		.enable = 1, .bypass = 0x3f, .reset = 0xffffffff
	};
	u32 ttb = dom_of(test)->dt_dma;

	kunit_activate_static_stub(test, sun50i_iommu_tlb_flush,
				   fake_tlb_flush);
	record_writes(test);

	/* Power-on: translation off, nothing bypassed, every lane running. */
	KUNIT_ASSERT_EQ(test, sun50i_iommu_program(iommu, ctx->domain), 0);
	KUNIT_EXPECT_EQ(test, replay_program(test, off, false), ttb);
	/* A switch while another table translates. */
	KUNIT_ASSERT_EQ(test, sun50i_iommu_program(iommu, ctx->domain), 0);
	KUNIT_EXPECT_EQ(test, replay_program(test, translating, false), ttb);
	/* Into the identity domain, and out of it. */
	KUNIT_ASSERT_EQ(test, sun50i_iommu_program(iommu, identity), 0);
	replay_program(test, translating, true);
	KUNIT_EXPECT_PTR_EQ(test, iommu->installed, identity);
	KUNIT_ASSERT_EQ(test, sun50i_iommu_program(iommu, ctx->domain), 0);
	KUNIT_EXPECT_EQ(test, replay_program(test, bypassing, false), ttb);
}

/*
 * A switch whose flush times out leaves the previous domain in place: its
 * TTB back, translation as it was, the lanes running, and @installed.
 */
static void test_program_failure_keeps_previous(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	struct sun50i_iommu *iommu = &ctx->iommu;
	struct iommu_domain *other;

	kunit_activate_static_stub(test, sun50i_iommu_tlb_flush,
				   fake_tlb_flush);
	KUNIT_ASSERT_EQ(test, sun50i_iommu_program(iommu, ctx->domain), 0);
	other = sun50i_iommu_domain_alloc(iommu);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	other->type = IOMMU_DOMAIN_UNMANAGED;

	kunit_activate_static_stub(test, sun50i_iommu_tlb_flush,
				   fake_tlb_flush_timeout);
	KUNIT_EXPECT_EQ(test, sun50i_iommu_program(iommu, other), -ETIMEDOUT);
	KUNIT_EXPECT_PTR_EQ(test, iommu->installed, ctx->domain);
	KUNIT_EXPECT_EQ(test, reg(test, 0x050), dom_of(test)->dt_dma);
	KUNIT_EXPECT_EQ(test, reg(test, 0x020), 1);		/* ENABLE */
	KUNIT_EXPECT_EQ(test, reg(test, 0x030), 0);		/* BYPASS */
	KUNIT_EXPECT_EQ(test, reg(test, 0x010), 0xffffffff);	/* RESET */

	iommu->installed = NULL;
	other->ops->free(other);
}

/* Power management */

static void test_no_requests_while_powered_off(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	struct iommu_domain *domain = ctx->domain;
	struct req want[] = {
		{ REQ_PROGRAM, (uintptr_t)domain },
	};

	install(test);
	ctx->iommu.powered = false;
	expect_no_requests(test);

	/* Powering on programs the domain, which flushes the TLBs. */
	KUNIT_ASSERT_EQ(test, sun50i_iommu_power_on(&ctx->iommu), 0);
	KUNIT_EXPECT_TRUE(test, ctx->iommu.powered);
	expect_reqs(test, want, ARRAY_SIZE(want));
}

static void test_attach_while_powered_off(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	struct sun50i_iommu *iommu = &ctx->iommu;
	struct iommu_domain *other;
	struct req want;

	install(test);
	iommu->installed = NULL;
	iommu->powered = false;
	other = sun50i_iommu_domain_alloc(iommu);
	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, other);
	other->type = IOMMU_DOMAIN_UNMANAGED;

	/* Off: the attach is only recorded... */
	KUNIT_EXPECT_EQ(test, sun50i_iommu_install(iommu, ctx->domain), 0);
	KUNIT_EXPECT_PTR_EQ(test, iommu->installed, ctx->domain);
	KUNIT_EXPECT_EQ(test, ctx->nr_reqs, 0);
	/* ...and powering on installs it. */
	KUNIT_ASSERT_EQ(test, sun50i_iommu_power_on(iommu), 0);
	want = (struct req){ REQ_PROGRAM, (uintptr_t)ctx->domain };
	expect_reqs(test, &want, 1);

	/* On: an attach switches at once; the same domain again is a no-op. */
	KUNIT_EXPECT_EQ(test, sun50i_iommu_install(iommu, other), 0);
	KUNIT_EXPECT_EQ(test, sun50i_iommu_install(iommu, other), 0);
	want = (struct req){ REQ_PROGRAM, (uintptr_t)other };
	expect_reqs(test, &want, 1);

	/* Powering off disables translation and interrupts. */
	writel(1, iommu->base + 0x020);				/* ENABLE */
	writel(0x0003003f, iommu->base + 0x100);		/* INT_ENABLE */
	sun50i_iommu_power_off(iommu);
	KUNIT_EXPECT_FALSE(test, iommu->powered);
	KUNIT_EXPECT_EQ(test, reg(test, 0x020), 0);
	KUNIT_EXPECT_EQ(test, reg(test, 0x100), 0);
	KUNIT_EXPECT_EQ(test, sun50i_iommu_install(iommu, ctx->domain), 0);
	KUNIT_EXPECT_EQ(test, ctx->nr_reqs, 0);
	KUNIT_EXPECT_PTR_EQ(test, iommu->installed, ctx->domain);

	iommu->installed = NULL;
	other->ops->free(other);
}

static void test_fault_irq_while_powered_off(struct kunit *test)
{
	struct sun50i_iommu *iommu = &ctx_of(test)->iommu;

	/* A permission fault of master 2 is pending. */
	writel(BIT(2), iommu->base + 0x108);			/* INT_STA */
	writel(0x12345000, iommu->base + 0x118);		/* INT_ERR_ADDR2 */

	/* Off: the registers are not touched. */
	KUNIT_EXPECT_EQ(test, sun50i_iommu_irq(0, iommu), IRQ_NONE);
	KUNIT_EXPECT_EQ(test, reg(test, 0x104), 0);		/* INT_CLR */
	KUNIT_EXPECT_EQ(test, reg(test, 0x010), 0);		/* RESET */

	/* On: cleared, and the lanes are released again. */
	iommu->powered = true;
	KUNIT_EXPECT_EQ(test, sun50i_iommu_irq(0, iommu), IRQ_HANDLED);
	KUNIT_EXPECT_EQ(test, reg(test, 0x104), BIT(2));
	KUNIT_EXPECT_EQ(test, reg(test, 0x010), 0xffffffff);
}

/*
 * A fault stalls the faulting masters' lanes until their reset bits (RESET,
 * active low) are pulsed: the status is cleared, then exactly those lanes
 * go into reset while every other lane, the caches and the IOMMU itself
 * stay released, then all are released.
 */
static void test_fault_pulses_lane_reset(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	struct sun50i_iommu *iommu = &ctx->iommu;
	const u32 sta = BIT(2) | BIT(17);	/* permission m2, L2 invalid */
	struct req want[] = {
		{ REQ_WRITE, 0x104, sta },			/* INT_CLR */
		{ REQ_WRITE, 0x010, (u32)~(BIT(2) | BIT(4)) },	/* RESET */
		{ REQ_WRITE, 0x010, 0xffffffff },
	};

	writel(sta, iommu->base + 0x108);			/* INT_STA */
	writel(0x12345000, iommu->base + 0x118);		/* INT_ERR_ADDR2 */
	writel(0x00abc000, iommu->base + 0x134);		/* INT_ERR_ADDR_L2 */
	writel(BIT(4), iommu->base + 0x184);			/* L2PG_INT */
	iommu->powered = true;
	record_writes(test);
	KUNIT_EXPECT_EQ(test, sun50i_iommu_irq(0, iommu), IRQ_HANDLED);
	expect_reqs(test, want, ARRAY_SIZE(want));
}

/* A fault handler that records its report. */
static int record_report(struct iommu_domain *domain, struct device *dev,
			 unsigned long iova, int flags, void *token)
{
	record(kunit_get_current_test(), REQ_REPORT, iova, flags);
	return 0;
}

/*
 * Recovery in the reference's order (section 6.4): report the fault, drop
 * the cached entries of the faulting page, so that a handler that maps it
 * lets the master retry through the new PTE, clear the status, and only
 * then let the stalled lane go.
 */
static void test_fault_recovery_order(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	struct sun50i_iommu *iommu = &ctx->iommu;
	unsigned int report, clr, reset, flush;

	/* A write to a read-only page: the direction comes from its PTE. */
	KUNIT_ASSERT_EQ(test, map(test, 0x12345000, 0x50000000, SZ_4K,
				  IOMMU_READ), 0);
	install(test);
	iommu->masters[2] = iommu->dev;
	iommu_set_fault_handler(ctx->domain, record_report, NULL);
	writel(BIT(2), iommu->base + 0x108);			/* INT_STA */
	writel(0x12345000, iommu->base + 0x118);		/* INT_ERR_ADDR2 */
	record_writes(test);
	KUNIT_EXPECT_EQ(test, sun50i_iommu_irq(0, iommu), IRQ_HANDLED);

	report = find_req(test, REQ_REPORT, 0x12345000, 0);
	clr = find_req(test, REQ_WRITE, 0x104, 0);		/* INT_CLR */
	reset = find_req(test, REQ_WRITE, 0x010, 0);		/* RESET */
	KUNIT_ASSERT_NE(test, report, UINT_MAX);
	KUNIT_EXPECT_EQ(test, ctx->reqs[report].arg, IOMMU_FAULT_WRITE);
	KUNIT_ASSERT_NE(test, clr, UINT_MAX);
	KUNIT_ASSERT_NE(test, reset, UINT_MAX);
	KUNIT_EXPECT_LT(test, report, clr);
	KUNIT_EXPECT_LT(test, clr, reset);
	KUNIT_EXPECT_EQ(test, ctx->reqs[reset].arg, (u32)~BIT(2));
	/* The TLBs flushed before the lane goes, after the report. */
	flush = find_req(test, REQ_FLUSH, 0, report);
	KUNIT_EXPECT_LT(test, flush, reset);
	KUNIT_EXPECT_GT(test, flush, report);
	KUNIT_EXPECT_EQ(test, unmap(test, 0x12345000, SZ_4K), SZ_4K);
}

/* A fault handler that switches the hardware to the blocked domain. */
static int switch_in_report(struct iommu_domain *domain, struct device *dev,
			    unsigned long iova, int flags, void *token)
{
	struct kunit *test = kunit_get_current_test();

	record(test, REQ_REPORT, iova, flags);
	KUNIT_EXPECT_EQ(test, sun50i_iommu_install(token,
						   &sun50i_iommu_blocked_domain),
			0);
	return 0;
}

/*
 * A domain switch between reading a fault and recovering from it holds
 * and releases every lane, and clears the pending status: the recovery of
 * that fault must then leave the lanes alone, which by now may carry the
 * new domain's DMA.
 */
static void test_no_recovery_after_switch(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	struct sun50i_iommu *iommu = &ctx->iommu;
	unsigned int report, i;

	kunit_activate_static_stub(test, sun50i_iommu_tlb_flush,
				   fake_tlb_flush);
	iommu->powered = true;
	KUNIT_ASSERT_EQ(test, sun50i_iommu_program(iommu, ctx->domain), 0);
	iommu->masters[2] = iommu->dev;
	iommu_set_fault_handler(ctx->domain, switch_in_report, iommu);
	writel(BIT(2), iommu->base + 0x108);			/* INT_STA */
	writel(0x12345000, iommu->base + 0x118);		/* INT_ERR_ADDR2 */
	ctx->nr_reqs = 0;
	record_writes(test);
	KUNIT_EXPECT_EQ(test, sun50i_iommu_irq(0, iommu), IRQ_HANDLED);

	report = find_req(test, REQ_REPORT, 0x12345000, 0);
	KUNIT_ASSERT_NE(test, report, UINT_MAX);
	KUNIT_EXPECT_PTR_EQ(test, iommu->installed,
			    &sun50i_iommu_blocked_domain);
	for (i = report; i < ctx->nr_reqs; i++)
		KUNIT_EXPECT_FALSE_MSG(test, ctx->reqs[i].type == REQ_WRITE &&
				       ctx->reqs[i].addr == 0x010 &&
				       ctx->reqs[i].arg == (u32)~BIT(2),
				       "request %u: lane 2 pulsed after the switch",
				       i);
}

/*
 * Faults of the VA debug port (bit 31 of L1PG/L2PG) name no master: they
 * are cleared and count as handled, or a storm of them gets the interrupt
 * disabled as spurious and master faults are never serviced again. No lane
 * is reset for them.
 */
static void test_debug_port_fault_handled(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	struct sun50i_iommu *iommu = &ctx->iommu;

	install(test);
	writel(BIT(16) | BIT(17), iommu->base + 0x108);	/* INT_STA */
	writel(BIT(31), iommu->base + 0x180);			/* L1PG_INT */
	writel(BIT(31), iommu->base + 0x184);			/* L2PG_INT */
	record_writes(test);
	KUNIT_EXPECT_EQ(test, sun50i_iommu_irq(0, iommu), IRQ_HANDLED);
	KUNIT_EXPECT_EQ(test, reg(test, 0x104), BIT(16) | BIT(17));
	KUNIT_EXPECT_EQ(test, find_req(test, REQ_WRITE, 0x010, 0), UINT_MAX);
}

/*
 * Two mappers of one new Page Table: the second must not use the DTE the
 * first wrote before the first's clean made it visible to the walker.
 * The clean of the first is where the second runs.
 */
static void racing_clean(struct device *dev, dma_addr_t dma, size_t size)
{
	struct kunit *test = kunit_get_current_test();
	struct test_ctx *ctx = ctx_of(test);
	struct sun50i_iommu_domain *dom = dom_of(test);
	dma_addr_t dte = dom->dt_dma + 0x123 * sizeof(u32);
	unsigned int mark;

	record(test, REQ_CLEAN, dma, size);
	if (dma == dte && !ctx->fail_at) {
		ctx->fail_at = 1;	/* only once */
		mark = ctx->nr_reqs;
		KUNIT_EXPECT_EQ(test, map(test, 0x12380000, 0x51000000, SZ_4K,
					  IOMMU_READ), 0);
		/* The second mapper cleaned the DTE itself. */
		KUNIT_EXPECT_NE(test, find_req(test, REQ_CLEAN, dte, mark),
				UINT_MAX);
		ctx->nr_reqs = mark;
	}
	dma_sync_single_for_device(dev, dma, size, DMA_TO_DEVICE);
}

static void test_second_mapper_cleans_dte(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);

	kunit_activate_static_stub(test, sun50i_table_clean, racing_clean);
	KUNIT_ASSERT_EQ(test, map(test, 0x12300000, 0x50000000, SZ_4K,
				  IOMMU_READ), 0);
	KUNIT_EXPECT_EQ(test, ctx->fail_at, 1);
	ctx->fail_at = 0;
	expect_mapped(test, 0x12300000, 0x50000000, SZ_4K);
	expect_mapped(test, 0x12380000, 0x51000000, SZ_4K);
	KUNIT_EXPECT_EQ(test, unmap(test, 0x12300000, SZ_4K), SZ_4K);
	KUNIT_EXPECT_EQ(test, unmap(test, 0x12380000, SZ_4K), SZ_4K);
}

/* The table page of @iova's PT group, with a reference of the test's. */
static struct page *hold_table_page(struct kunit *test, u32 iova)
{
	u64 slot = atomic64_read(&dom_of(test)->slots[sun50i_iova_dte_index(iova) /
						     SUN50I_PTS_PER_PAGE]);
	struct page *page = pfn_to_page(FIELD_GET(SUN50I_SLOT_PFN, slot));

	KUNIT_ASSERT_NE(test, slot, 0);
	get_page(page);
	return page;
}

/*
 * A retired table page whose invalidation failed may still be walked: it
 * is leaked, not freed. The test's own reference shows whether the driver
 * dropped its one.
 */
static void test_failed_invalidation_leaks_tables(struct kunit *test)
{
	struct page *page;

	KUNIT_ASSERT_EQ(test, map(test, 0x40300000, 0x50000000, SZ_4K,
				  IOMMU_READ), 0);
	page = hold_table_page(test, 0x40300000);
	install(test);
	kunit_activate_static_stub(test, sun50i_iommu_tlb_flush,
				   fake_tlb_flush_timeout);
	KUNIT_EXPECT_EQ(test, unmap(test, 0x40300000, SZ_4K), SZ_4K);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 0);
	KUNIT_EXPECT_EQ(test, page_ref_count(page), 2);
	iommu_free_pages(page_address(page));
	put_page(page);
}

/*
 * A table page retired outside an unmap (the last reference dropped by
 * iova_to_phys() or a failed overmap, racing with an unmap) goes only after
 * its DTEs, and the one below, were dropped from the PTW cache.
 */
static void test_put_now_drops_dtes(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	struct sun50i_iommu_domain *dom = dom_of(test);
	unsigned int g = 0x503 / SUN50I_PTS_PER_PAGE;
	long maps;

	KUNIT_ASSERT_EQ(test, map(test, 0x50300000, 0x50000000, SZ_4K,
				  IOMMU_READ), 0);
	/* A lookup's pin, then the unmap that clears the last PTE. */
	atomic64_inc(&dom->slots[g]);
	KUNIT_EXPECT_EQ(test, unmap(test, 0x50300000, SZ_4K), SZ_4K);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 1);
	install(test);
	maps = ctx->live_maps;
	sun50i_pt_put_now(dom, g, 1);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 0);
	KUNIT_EXPECT_EQ(test, valid_dtes(test), 0);
	KUNIT_EXPECT_EQ(test, ctx->live_maps, maps - 1);
	expect_one_flush(test);
}

/* Freeing the installed domain first switches the hardware away from it. */
static void test_free_installed_domain(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	struct req want = {
		REQ_PROGRAM, (uintptr_t)&sun50i_iommu_blocked_domain
	};

	install(test);
	ctx->domain->ops->free(ctx->domain);
	ctx->domain = NULL;
	expect_reqs(test, &want, 1);
	KUNIT_EXPECT_PTR_EQ(test, ctx->iommu.installed,
			    &sun50i_iommu_blocked_domain);
	/* Every table mapping was undone, after the switch. */
	KUNIT_EXPECT_EQ(test, ctx->live_maps, 0);
}

/* The core may ask for a domain with no device: nothing to tie it to. */
static void test_domain_alloc_paging_needs_device(struct kunit *test)
{
	struct device *dev = kunit_device_register(test, "not-a-master");

	KUNIT_ASSERT_NOT_ERR_OR_NULL(test, dev);
	KUNIT_EXPECT_EQ(test,
			PTR_ERR(sun50i_iommu_domain_alloc_paging(NULL)),
			-ENODEV);
	KUNIT_EXPECT_EQ(test, PTR_ERR(sun50i_iommu_domain_alloc_paging(dev)),
			-ENODEV);
}

static void test_domain_alloc_failures(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	struct iommu_domain *domain;
	unsigned int point;

	/* Domain bookkeeping, Directory Table, its mapping. */
	for (point = 1; point <= 3; point++) {
		ctx->calls = 0;
		ctx->fail_at = point;
		domain = sun50i_iommu_domain_alloc(&ctx->iommu);
		KUNIT_EXPECT_EQ_MSG(test, PTR_ERR_OR_ZERO(domain), -ENOMEM,
				    "allocation point %u", point);
		KUNIT_EXPECT_EQ_MSG(test, ctx->calls, point,
				    "allocation point %u", point);
		if (!IS_ERR(domain))
			domain->ops->free(domain);
	}
	/* The one domain of the fixture still holds its Directory Table. */
	KUNIT_EXPECT_EQ(test, ctx->live_maps, 1);
	ctx->fail_at = 0;
}

static void test_map_alloc_failures(struct kunit *test)
{
	struct test_ctx *ctx = ctx_of(test);
	unsigned int point;

	/* A table page, its mapping. */
	for (point = 1; point <= 2; point++) {
		ctx->calls = 0;
		ctx->fail_at = point;
		KUNIT_EXPECT_EQ_MSG(test, map(test, 0x90000000, 0x50000000,
					      SZ_4K, IOMMU_READ), -ENOMEM,
				    "allocation point %u", point);
		KUNIT_EXPECT_EQ(test, ctx->calls, point);
		KUNIT_EXPECT_EQ(test, live_table_pages(test), 0);
		KUNIT_EXPECT_EQ(test, valid_dtes(test), 0);
		KUNIT_EXPECT_EQ(test, ctx->live_maps, 1);
		expect_unmapped(test, 0x90000000, SZ_4K);
	}

	/* Failing in the second table of a run undoes the first. */
	ctx->calls = 0;
	ctx->fail_at = 3;
	KUNIT_EXPECT_EQ(test, map(test, 0x903ff000, 0x50000000, 2 * SZ_4K,
				  IOMMU_READ), -ENOMEM);
	KUNIT_EXPECT_EQ(test, live_table_pages(test), 0);
	KUNIT_EXPECT_EQ(test, ctx->live_maps, 1);
	expect_unmapped(test, 0x903ff000, 2 * SZ_4K);
	ctx->fail_at = 0;
}

static struct kunit_case sun50i_iommu_test_cases[] = {
	KUNIT_CASE(test_pte_encoding),
	KUNIT_CASE(test_dte_encoding),
	KUNIT_CASE(test_iova_split),
	KUNIT_CASE(test_map_one_page),
	KUNIT_CASE(test_map_run_in_one_table),
	KUNIT_CASE(test_map_run_across_tables),
	KUNIT_CASE(test_map_run_of_a_table_page),
	KUNIT_CASE(test_map_top_of_space),
	KUNIT_CASE(test_overmap_fails),
	KUNIT_CASE(test_overmap_of_new_table_frees_it),
	KUNIT_CASE(test_map_above_4g_fails),
	KUNIT_CASE(test_unmap_nothing),
	KUNIT_CASE(test_partial_unmap),
	KUNIT_CASE(test_empty_table_freed_after_invalidation),
	KUNIT_CASE(test_only_dt_remains),
	KUNIT_CASE(test_boundary_thrash_allocates_once),
	KUNIT_CASE(test_retired_page_waits_for_flush),
	KUNIT_CASE_SLOW(test_random_against_shadow),
	KUNIT_CASE_SLOW(test_concurrent_map_unmap),
	KUNIT_CASE(test_sync_map_flushes),
	KUNIT_CASE(test_iotlb_sync_flushes),
	KUNIT_CASE(test_flush_all_requests),
	KUNIT_CASE(test_no_requests_when_not_installed),
	KUNIT_CASE(test_cache_maintenance),
	KUNIT_CASE(test_program_registers),
	KUNIT_CASE(test_prot_enforced_by_hardware),
	KUNIT_CASE(test_program_order),
	KUNIT_CASE(test_program_failure_keeps_previous),
	KUNIT_CASE(test_no_requests_while_powered_off),
	KUNIT_CASE(test_attach_while_powered_off),
	KUNIT_CASE(test_fault_irq_while_powered_off),
	KUNIT_CASE(test_fault_pulses_lane_reset),
	KUNIT_CASE(test_fault_recovery_order),
	KUNIT_CASE(test_no_recovery_after_switch),
	KUNIT_CASE(test_debug_port_fault_handled),
	KUNIT_CASE(test_second_mapper_cleans_dte),
	KUNIT_CASE(test_failed_invalidation_leaks_tables),
	KUNIT_CASE(test_put_now_drops_dtes),
	KUNIT_CASE(test_free_installed_domain),
	KUNIT_CASE(test_domain_alloc_paging_needs_device),
	KUNIT_CASE(test_domain_alloc_failures),
	KUNIT_CASE(test_map_alloc_failures),
	{}
};

static struct kunit_suite sun50i_iommu_test_suite = {
	.name = "sun50i-iommu",
	.init = sun50i_test_init,
	.exit = sun50i_test_exit,
	.test_cases = sun50i_iommu_test_cases,
};

kunit_test_suites(&sun50i_iommu_test_suite);

MODULE_IMPORT_NS("EXPORTED_FOR_KUNIT_TESTING");
MODULE_DESCRIPTION("KUnit tests for the Allwinner H6/H616 IOMMU driver");
MODULE_LICENSE("GPL");
