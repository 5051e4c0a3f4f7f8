/*
 * sun50i-h6-iommu-testbed: a small Allwinner H6 based machine whose DMA
 * masters sit behind the H6 IOMMU model.
 *
 * Cortex-A53 cores, GIC-400, UART0, a minimal CCU, the IOMMU and four
 * PL330 DMA engines. PL330 #0 has two IOMMU ports like the H6 video
 * engine (reads via master 1 "VE_R", writes via master 3 "VE"), PL330 #1
 * is master 4, #2 master 2 and #3 master 5. With display=on, the H6
 * display path: the DE3 (mixer 0 reads through master 0), TCON-TOP,
 * TCON-TV, the HDMI controller and its PHY, and the SRAM controller. See
 * emulator/README.md for the memory map.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/units.h"
#include "qemu/error-report.h"
#include "qapi/error.h"
#include "qapi/visitor.h"
#include "exec/address-spaces.h"
#include "hw/boards.h"
#include "hw/qdev-properties.h"
#include "hw/sysbus.h"
#include "hw/or-irq.h"
#include "hw/char/serial.h"
#include "hw/intc/arm_gic.h"
#include "hw/misc/unimp.h"
#include "hw/arm/boot.h"
#include "hw/misc/allwinner-h6-ccu.h"
#include "hw/misc/allwinner-h6-iommu.h"
#include "hw/misc/allwinner-h6-regfile.h"
#include "hw/display/allwinner-h6-de3.h"
#include "hw/display/allwinner-h6-hdmi.h"
#include "hw/display/allwinner-h6-tcon.h"
#include "sysemu/cpu-timers.h"
#include "sysemu/sysemu.h"
#include "target/arm/cpu.h"

#define TESTBED_MAX_CPUS        4
#define TESTBED_NUM_SPI         160
#define TESTBED_NUM_DMA         4
#define PL330_NUM_EVENTS        16

enum {
    TB_GIC_DIST,
    TB_GIC_CPU,
    TB_GIC_HYP,
    TB_GIC_VCPU,
    TB_CCU,
    TB_IOMMU,
    TB_UART0,
    TB_DMA0,
    TB_DMA1,
    TB_DMA2,
    TB_DMA3,
    TB_PERIPH,
    TB_DE,
    TB_SYSCON,
    TB_HDMI,
    TB_HDMI_PHY,
    TB_TCON_TOP,
    TB_TCON_TV,
    TB_BENCH,
    TB_SDRAM,
};

static const hwaddr testbed_memmap[] = {
    [TB_GIC_DIST]   = 0x03021000,
    [TB_GIC_CPU]    = 0x03022000,
    [TB_GIC_HYP]    = 0x03024000,
    [TB_GIC_VCPU]   = 0x03026000,
    [TB_CCU]        = 0x03001000,
    [TB_IOMMU]      = 0x030f0000,
    [TB_UART0]      = 0x05000000,
    [TB_DMA0]       = 0x04800000,
    [TB_DMA1]       = 0x04801000,
    [TB_DMA2]       = 0x04802000,
    [TB_DMA3]       = 0x04803000,
    [TB_PERIPH]     = 0x01000000,
    [TB_DE]         = 0x01000000,
    [TB_SYSCON]     = 0x03000000,
    [TB_HDMI]       = 0x06000000,
    [TB_HDMI_PHY]   = 0x06010000,
    [TB_TCON_TOP]   = 0x06510000,
    [TB_TCON_TV]    = 0x06515000,
    [TB_BENCH]      = 0x0a000000,
    [TB_SDRAM]      = 0x40000000,
};

/* Shared peripheral interrupts (GIC SPI numbers) */
enum {
    TB_SPI_UART0    = 0,
    TB_SPI_IOMMU    = 57,
    TB_SPI_HDMI     = 64,
    TB_SPI_TCON_TV  = 66,
    TB_SPI_DMA0     = 120,
    TB_SPI_DMA1     = 121,
    TB_SPI_DMA2     = 122,
    TB_SPI_DMA3     = 123,
    TB_SPI_PMU0     = 140,      /* 140..143: per-CPU PMU */
};

/* Private peripheral interrupts (as in sun50i-h6.dtsi) */
enum {
    TB_PPI_MAINT    = 9,
    TB_PPI_HYPTIMER = 10,
    TB_PPI_VIRTTIMER = 11,
    TB_PPI_SECTIMER = 13,
    TB_PPI_PHYSTIMER = 14,
};

#define TYPE_SUN50I_H6_TESTBED MACHINE_TYPE_NAME("sun50i-h6-iommu-testbed")
OBJECT_DECLARE_SIMPLE_TYPE(H6TestbedState, SUN50I_H6_TESTBED)

struct H6TestbedState {
    MachineState parent_obj;

    ARMCPU *cpus[TESTBED_MAX_CPUS];
    GICState gic;
    AwH6CcuState ccu;
    AwH6IommuState iommu;
    DeviceState *dma[TESTBED_NUM_DMA];

    MemoryRegion bench;
    int64_t bench_insn_base;
    uint64_t bench_mmio_base;
    uint64_t bench_insn;
    uint64_t bench_mmio;

    bool display;       /* the H6 display path, mixer 0 as master 0 */

    uint32_t dma_master[TESTBED_NUM_DMA];   /* read (or only) master */
    uint32_t dma0_write_master;

    struct arm_boot_info binfo;
};

/* IOMMU properties re-exported on the machine as "iommu-<name>" */
static const char *const iommu_aliases[] = {
    "num-masters", "bypass-reset", "version", "range-invalidation",
    "prefetch-valid-fix", "neighbour-prefetch", "cache-invalid-entries",
    "wac-latency", "fault-policy", "err-latch", "lane-lock",
    "pg-clear-on-int-clr", "perm-before-valid", "dm0-readonly",
    "ovwt-forbid", "pte-rw-bits", "gated-passthrough",
    "va-prefetch-fill", "audit", "log-faults", "utlb-entries",
    "mtlb-entries", "ptw-entries", "pmu-macro-offset", "pmu-ptw-offset",
    "prefetch-distance", "prefetch-holder", "ivld-mask",
    "disabled-passthrough", "err-data-pte", "lane-reset-flush",
    "lane-reset-clears-fault", "audit-untranslated",
    "audit-errors", "faults",
};

static qemu_irq gic_spi(H6TestbedState *s, int spi)
{
    return qdev_get_gpio_in(DEVICE(&s->gic), spi);
}

static void testbed_create_cpus_and_gic(H6TestbedState *s, MachineState *ms)
{
    unsigned smp = ms->smp.cpus;
    SysBusDevice *gicsbd = SYS_BUS_DEVICE(&s->gic);

    for (unsigned i = 0; i < smp; i++) {
        Object *cpuobj = object_new(ms->cpu_type);

        object_property_add_child(OBJECT(s), "cpu[*]", cpuobj);
        /* No EL3: QEMU's PSCI (SMC conduit) stands in for the firmware */
        object_property_set_bool(cpuobj, "has_el3", false, &error_fatal);
        object_property_set_bool(cpuobj, "has_el2", true, &error_fatal);
        object_property_set_int(cpuobj, "cntfrq", 24000000, &error_fatal);
        qdev_realize(DEVICE(cpuobj), NULL, &error_fatal);
        object_unref(cpuobj);
        s->cpus[i] = ARM_CPU(cpuobj);
    }

    qdev_prop_set_uint32(DEVICE(&s->gic), "num-irq",
                         TESTBED_NUM_SPI + GIC_INTERNAL);
    qdev_prop_set_uint32(DEVICE(&s->gic), "revision", 2);
    qdev_prop_set_uint32(DEVICE(&s->gic), "num-cpu", smp);
    qdev_prop_set_bit(DEVICE(&s->gic), "has-security-extensions", false);
    qdev_prop_set_bit(DEVICE(&s->gic), "has-virtualization-extensions", true);
    sysbus_realize(gicsbd, &error_fatal);
    sysbus_mmio_map(gicsbd, 0, testbed_memmap[TB_GIC_DIST]);
    sysbus_mmio_map(gicsbd, 1, testbed_memmap[TB_GIC_CPU]);
    sysbus_mmio_map(gicsbd, 2, testbed_memmap[TB_GIC_HYP]);
    sysbus_mmio_map(gicsbd, 3, testbed_memmap[TB_GIC_VCPU]);

    for (unsigned i = 0; i < smp; i++) {
        DeviceState *cpudev = DEVICE(s->cpus[i]);
        int ppi = TESTBED_NUM_SPI + i * GIC_INTERNAL + GIC_NR_SGIS;
        static const int timer_ppi[] = {
            [GTIMER_PHYS] = TB_PPI_PHYSTIMER,
            [GTIMER_VIRT] = TB_PPI_VIRTTIMER,
            [GTIMER_HYP]  = TB_PPI_HYPTIMER,
            [GTIMER_SEC]  = TB_PPI_SECTIMER,
        };

        for (unsigned t = 0; t < ARRAY_SIZE(timer_ppi); t++) {
            qdev_connect_gpio_out(cpudev, t,
                                  qdev_get_gpio_in(DEVICE(&s->gic),
                                                   ppi + timer_ppi[t]));
        }
        qdev_connect_gpio_out_named(cpudev, "pmu-interrupt", 0,
                                    gic_spi(s, TB_SPI_PMU0 + i));

        sysbus_connect_irq(gicsbd, i, qdev_get_gpio_in(cpudev, ARM_CPU_IRQ));
        sysbus_connect_irq(gicsbd, i + smp,
                           qdev_get_gpio_in(cpudev, ARM_CPU_FIQ));
        sysbus_connect_irq(gicsbd, i + 2 * smp,
                           qdev_get_gpio_in(cpudev, ARM_CPU_VIRQ));
        sysbus_connect_irq(gicsbd, i + 3 * smp,
                           qdev_get_gpio_in(cpudev, ARM_CPU_VFIQ));
        sysbus_connect_irq(gicsbd, i + 4 * smp,
                           qdev_get_gpio_in(DEVICE(&s->gic),
                                            ppi + TB_PPI_MAINT));
    }
}

static void testbed_create_dma(H6TestbedState *s, unsigned n,
                               MemoryRegion *port, hwaddr base, int spi)
{
    DeviceState *dev = qdev_new("pl330");
    DeviceState *orgate = qdev_new(TYPE_OR_IRQ);
    g_autofree char *name = g_strdup_printf("dma%u", n);
    g_autofree char *orname = g_strdup_printf("dma%u-irq", n);

    object_property_add_child(OBJECT(s), name, OBJECT(dev));
    qdev_prop_set_uint32(dev, "num_chnls", 8);
    qdev_prop_set_uint8(dev, "num_events", PL330_NUM_EVENTS);
    object_property_set_link(OBJECT(dev), "memory", OBJECT(port),
                             &error_fatal);
    sysbus_realize_and_unref(SYS_BUS_DEVICE(dev), &error_fatal);
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, base);

    /* Abort + event lines merged on one SPI (Linux pl330 handles all) */
    object_property_add_child(OBJECT(s), orname, OBJECT(orgate));
    qdev_prop_set_uint16(orgate, "num-lines", PL330_NUM_EVENTS + 1);
    qdev_realize_and_unref(orgate, NULL, &error_fatal);
    qdev_connect_gpio_out(orgate, 0, gic_spi(s, spi));
    for (unsigned i = 0; i <= PL330_NUM_EVENTS; i++) {
        sysbus_connect_irq(SYS_BUS_DEVICE(dev), i,
                           qdev_get_gpio_in(orgate, i));
    }
    s->dma[n] = dev;
}

/*
 * The bench page: guest code measures itself. A write of 1 to CTRL takes
 * a snapshot of the instruction count (-icount) and of the IOMMU's
 * register access counter; a read of INSN_LO latches both deltas since the
 * snapshot into INSN_LO/INSN_HI and MMIO. CTRL reads 1 when -icount is on:
 * without it there is no instruction count.
 */
enum {
    BENCH_CTRL      = 0x00,
    BENCH_INSN_LO   = 0x08,
    BENCH_INSN_HI   = 0x0c,
    BENCH_MMIO      = 0x10,
};

static uint64_t bench_read(void *opaque, hwaddr offset, unsigned size)
{
    H6TestbedState *s = opaque;

    switch (offset) {
    case BENCH_CTRL:
        return icount_enabled() ? 1 : 0;
    case BENCH_INSN_LO:
        s->bench_insn = icount_enabled() ?
                        icount_get_raw() - s->bench_insn_base : 0;
        s->bench_mmio = s->iommu.mmio_accesses - s->bench_mmio_base;
        return (uint32_t)s->bench_insn;
    case BENCH_INSN_HI:
        return s->bench_insn >> 32;
    case BENCH_MMIO:
        return (uint32_t)s->bench_mmio;
    default:
        return 0;
    }
}

static void bench_write(void *opaque, hwaddr offset, uint64_t val,
                        unsigned size)
{
    H6TestbedState *s = opaque;

    if (offset == BENCH_CTRL && (val & 1)) {
        s->bench_insn_base = icount_enabled() ? icount_get_raw() : 0;
        s->bench_mmio_base = s->iommu.mmio_accesses;
    }
}

static const MemoryRegionOps bench_ops = {
    .read = bench_read,
    .write = bench_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid.min_access_size = 4,
    .valid.max_access_size = 4,
};

static void testbed_create_regfile(H6TestbedState *s, const char *name,
                                   hwaddr addr, uint32_t size)
{
    DeviceState *dev = qdev_new(TYPE_AW_H6_REGFILE);

    object_property_add_child(OBJECT(s), name, OBJECT(dev));
    qdev_prop_set_uint32(dev, "size", size);
    sysbus_realize_and_unref(SYS_BUS_DEVICE(dev), &error_fatal);
    sysbus_mmio_map(SYS_BUS_DEVICE(dev), 0, addr);
}

/*
 * The display path of sun50i-h6.dtsi: the SRAM controller (which hands
 * SRAM C to the DE), the DE with mixer 0 reading through IOMMU master 0,
 * TCON-TOP, TCON-TV (whose frames drive the mixer), the HDMI controller
 * and its PHY.
 */
static void testbed_create_display(H6TestbedState *s)
{
    DeviceState *de, *tcon, *hdmi;

    testbed_create_regfile(s, "syscon", testbed_memmap[TB_SYSCON], 0x1000);
    testbed_create_regfile(s, "tcon-top", testbed_memmap[TB_TCON_TOP],
                           0x1000);
    testbed_create_regfile(s, "hdmi-phy", testbed_memmap[TB_HDMI_PHY],
                           0x10000);

    de = qdev_new(TYPE_AW_H6_DE3);
    object_property_add_child(OBJECT(s), "de", OBJECT(de));
    object_property_set_link(OBJECT(de), "iommu", OBJECT(&s->iommu),
                             &error_fatal);
    sysbus_realize_and_unref(SYS_BUS_DEVICE(de), &error_fatal);
    sysbus_mmio_map(SYS_BUS_DEVICE(de), 0, testbed_memmap[TB_DE]);

    tcon = qdev_new(TYPE_AW_H6_TCON);
    object_property_add_child(OBJECT(s), "tcon-tv", OBJECT(tcon));
    sysbus_realize_and_unref(SYS_BUS_DEVICE(tcon), &error_fatal);
    sysbus_mmio_map(SYS_BUS_DEVICE(tcon), 0, testbed_memmap[TB_TCON_TV]);
    sysbus_connect_irq(SYS_BUS_DEVICE(tcon), 0, gic_spi(s, TB_SPI_TCON_TV));
    qdev_connect_gpio_out_named(tcon, AW_H6_TCON_FRAME_OUT, 0,
                                qdev_get_gpio_in_named(de, AW_H6_DE3_FRAME_IN,
                                                       0));

    hdmi = qdev_new(TYPE_AW_H6_HDMI);
    object_property_add_child(OBJECT(s), "hdmi", OBJECT(hdmi));
    qdev_prop_set_uint32(hdmi, "xres", 1024);
    qdev_prop_set_uint32(hdmi, "yres", 768);
    sysbus_realize_and_unref(SYS_BUS_DEVICE(hdmi), &error_fatal);
    sysbus_mmio_map(SYS_BUS_DEVICE(hdmi), 0, testbed_memmap[TB_HDMI]);
    sysbus_connect_irq(SYS_BUS_DEVICE(hdmi), 0, gic_spi(s, TB_SPI_HDMI));
}

static void testbed_init(MachineState *ms)
{
    H6TestbedState *s = SUN50I_H6_TESTBED(ms);
    MemoryRegion *sysmem = get_system_memory();
    MemoryRegion *port0;

    if (ms->firmware) {
        error_report("sun50i-h6-iommu-testbed: -bios is not supported; "
                     "use -kernel/-dtb (PSCI is provided by QEMU)");
        exit(1);
    }
    if (ms->ram_size > 3 * GiB) {
        error_report("sun50i-h6-iommu-testbed: at most 3 GiB of RAM "
                     "(the IOMMU and the H6 address map are 32-bit)");
        exit(1);
    }
    if (strcmp(ms->cpu_type, ARM_CPU_TYPE_NAME("cortex-a53")) != 0) {
        error_report("sun50i-h6-iommu-testbed: only cortex-a53 is supported");
        exit(1);
    }

    /* Catch-all for the H6 peripheral space Linux may touch: RAZ/WI */
    create_unimplemented_device("h6-peripherals", testbed_memmap[TB_PERIPH],
                                0x09000000);

    testbed_create_cpus_and_gic(s, ms);

    /* Clock control unit */
    sysbus_realize(SYS_BUS_DEVICE(&s->ccu), &error_fatal);
    sysbus_mmio_map(SYS_BUS_DEVICE(&s->ccu), 0, testbed_memmap[TB_CCU]);

    /* IOMMU, fed by the CCU's IOMMU bus gate and reset */
    object_property_set_link(OBJECT(&s->iommu), "memory", OBJECT(sysmem),
                             &error_fatal);
    sysbus_realize(SYS_BUS_DEVICE(&s->iommu), &error_fatal);
    sysbus_mmio_map(SYS_BUS_DEVICE(&s->iommu), 0, testbed_memmap[TB_IOMMU]);
    sysbus_connect_irq(SYS_BUS_DEVICE(&s->iommu), 0,
                       gic_spi(s, TB_SPI_IOMMU));
    qdev_connect_gpio_out_named(DEVICE(&s->ccu), AW_H6_CCU_IOMMU_CLK_OUT, 0,
                                qdev_get_gpio_in_named(DEVICE(&s->iommu),
                                                       AW_H6_IOMMU_CLK_IN, 0));
    qdev_connect_gpio_out_named(DEVICE(&s->ccu), AW_H6_CCU_IOMMU_RESETN_OUT,
                                0, qdev_get_gpio_in_named(DEVICE(&s->iommu),
                                                    AW_H6_IOMMU_RESETN_IN, 0));

    /* DMA engines behind the IOMMU */
    if (s->dma0_write_master == s->dma_master[0]) {
        port0 = allwinner_h6_iommu_master_mr(&s->iommu, s->dma_master[0]);
    } else {
        port0 = allwinner_h6_iommu_split_port_mr(&s->iommu, s->dma_master[0],
                                                 s->dma0_write_master,
                                                 &error_fatal);
    }
    testbed_create_dma(s, 0, port0, testbed_memmap[TB_DMA0], TB_SPI_DMA0);
    testbed_create_dma(s, 1,
                       allwinner_h6_iommu_master_mr(&s->iommu,
                                                    s->dma_master[1]),
                       testbed_memmap[TB_DMA1], TB_SPI_DMA1);
    testbed_create_dma(s, 2,
                       allwinner_h6_iommu_master_mr(&s->iommu,
                                                    s->dma_master[2]),
                       testbed_memmap[TB_DMA2], TB_SPI_DMA2);
    testbed_create_dma(s, 3,
                       allwinner_h6_iommu_master_mr(&s->iommu,
                                                    s->dma_master[3]),
                       testbed_memmap[TB_DMA3], TB_SPI_DMA3);

    if (s->display) {
        testbed_create_display(s);
    }

    /* UART0: 16550 compatible (dw-apb-uart), reg-shift 2 */
    serial_mm_init(sysmem, testbed_memmap[TB_UART0], 2,
                   gic_spi(s, TB_SPI_UART0), 115200, serial_hd(0),
                   DEVICE_LITTLE_ENDIAN);

    memory_region_init_io(&s->bench, OBJECT(s), &bench_ops, s, "bench",
                          0x1000);
    memory_region_add_subregion(sysmem, testbed_memmap[TB_BENCH], &s->bench);

    memory_region_add_subregion(sysmem, testbed_memmap[TB_SDRAM], ms->ram);

    s->binfo.loader_start = testbed_memmap[TB_SDRAM];
    s->binfo.ram_size = ms->ram_size;
    s->binfo.psci_conduit = QEMU_PSCI_CONDUIT_SMC;
    arm_load_kernel(s->cpus[0], ms, &s->binfo);
}

static void testbed_get_u32(Object *obj, Visitor *v, const char *name,
                            void *opaque, Error **errp)
{
    uint32_t *p = opaque;

    visit_type_uint32(v, name, p, errp);
}

static void testbed_set_master(Object *obj, Visitor *v, const char *name,
                               void *opaque, Error **errp)
{
    uint32_t *p = opaque;
    uint32_t val;

    if (!visit_type_uint32(v, name, &val, errp)) {
        return;
    }
    if (val >= AW_H6_IOMMU_MAX_MASTERS) {
        error_setg(errp, "%s: master ID must be below %d", name,
                   AW_H6_IOMMU_MAX_MASTERS);
        return;
    }
    *p = val;
}

static void testbed_instance_init(Object *obj)
{
    H6TestbedState *s = SUN50I_H6_TESTBED(obj);

    s->dma_master[0] = 1;
    s->dma_master[1] = 4;
    s->dma_master[2] = 2;
    s->dma_master[3] = 5;
    s->dma0_write_master = 3;

    object_initialize_child(obj, "ccu", &s->ccu, TYPE_AW_H6_CCU);
    object_initialize_child(obj, "iommu", &s->iommu, TYPE_AW_H6_IOMMU);
    object_initialize_child(obj, "gic", &s->gic, TYPE_ARM_GIC);

    for (unsigned i = 0; i < ARRAY_SIZE(iommu_aliases); i++) {
        g_autofree char *alias = g_strdup_printf("iommu-%s",
                                                 iommu_aliases[i]);
        object_property_add_alias(obj, alias, OBJECT(&s->iommu),
                                  iommu_aliases[i]);
    }
    object_property_add(obj, "dma0-master", "uint32", testbed_get_u32,
                        testbed_set_master, NULL, &s->dma_master[0]);
    object_property_set_description(obj, "dma0-master",
        "IOMMU master ID of PL330 #0 reads and microcode fetches (default 1)");
    object_property_add(obj, "dma0-write-master", "uint32", testbed_get_u32,
                        testbed_set_master, NULL, &s->dma0_write_master);
    object_property_set_description(obj, "dma0-write-master",
        "IOMMU master ID of PL330 #0 writes (default 3; equal to "
        "dma0-master gives a single-port engine)");
    object_property_add(obj, "dma1-master", "uint32", testbed_get_u32,
                        testbed_set_master, NULL, &s->dma_master[1]);
    object_property_set_description(obj, "dma1-master",
        "IOMMU master ID of PL330 #1 (default 4)");
}

static bool testbed_get_display(Object *obj, Error **errp)
{
    return SUN50I_H6_TESTBED(obj)->display;
}

static void testbed_set_display(Object *obj, bool value, Error **errp)
{
    SUN50I_H6_TESTBED(obj)->display = value;
}

static void testbed_class_init(ObjectClass *oc, void *data)
{
    MachineClass *mc = MACHINE_CLASS(oc);

    mc->desc = "Allwinner H6 IOMMU testbed (Cortex-A53, IOMMU, 4x PL330, "
               "optional display path)";
    mc->init = testbed_init;
    mc->min_cpus = 1;
    mc->max_cpus = TESTBED_MAX_CPUS;
    mc->default_cpus = 2;
    mc->default_cpu_type = ARM_CPU_TYPE_NAME("cortex-a53");
    mc->default_ram_size = 1 * GiB;
    mc->default_ram_id = "sun50i-h6.ram";

    object_class_property_add_bool(oc, "display", testbed_get_display,
                                   testbed_set_display);
    object_class_property_set_description(oc, "display",
        "the H6 display path: DE3 mixer 0 (IOMMU master 0), TCON-TOP, "
        "TCON-TV, HDMI (default off)");
}

static const TypeInfo testbed_info = {
    .name = TYPE_SUN50I_H6_TESTBED,
    .parent = TYPE_MACHINE,
    .instance_size = sizeof(H6TestbedState),
    .instance_init = testbed_instance_init,
    .class_init = testbed_class_init,
};

static void testbed_register(void)
{
    type_register_static(&testbed_info);
}

type_init(testbed_register)
