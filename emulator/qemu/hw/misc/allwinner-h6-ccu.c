/*
 * Allwinner H6 Clock Control Unit (minimal model)
 *
 * Just enough for Linux's sun50i-h6-ccu driver to probe and to switch
 * gates: every register is plain storage, PLL registers report LOCK
 * (bit 28) while their enable bit (31) is set, and the IOMMU bus
 * gate/reset register (0x7BC) is mirrored on two GPIO outputs so that
 * the IOMMU model can see its bus clock and reset.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "hw/irq.h"
#include "hw/qdev-core.h"
#include "migration/vmstate.h"
#include "hw/misc/allwinner-h6-ccu.h"
#include "trace.h"

#define PLL_ENABLE      (1u << 31)
#define PLL_LOCK        (1u << 28)

#define BUS_IOMMU_GATE  (1u << 0)
#define BUS_IOMMU_RSTN  (1u << 16)

/* PLL control registers of the H6 (offsets inside the CCU) */
static const uint16_t h6_pll_regs[] = {
    0x000, /* CPUX */
    0x010, /* DDR0 */
    0x020, /* PERIPH0 */
    0x028, /* PERIPH1 */
    0x030, /* GPU */
    0x040, /* VIDEO0 */
    0x048, /* VIDEO1 */
    0x058, /* VE */
    0x060, /* DE */
    0x070, /* HSIC */
    0x078, /* AUDIO */
};

/*
 * Power-on values: the PLLs a boot loader would have started (CPUX at
 * 24 MHz * 42 = 1008 MHz, DDR0, PERIPH0/1 at 2.4 GHz for the 4x output)
 * are on; bus clocks run from the 24 MHz oscillator; every bus gate and
 * reset is off/asserted, as after a cold reset.
 */
static const struct {
    uint16_t offset;
    uint32_t value;
} h6_reset_values[] = {
    { 0x000, PLL_ENABLE | (41 << 8) },
    { 0x010, PLL_ENABLE | (65 << 8) },
    { 0x020, PLL_ENABLE | (99 << 8) },
    { 0x028, PLL_ENABLE | (99 << 8) },
    { 0x030, (17 << 8) },
    { 0x040, (98 << 8) },
    { 0x048, (98 << 8) },
    { 0x058, (47 << 8) },
    { 0x060, (47 << 8) },
    { 0x070, (63 << 8) },
    { 0x078, (20 << 8) },
};

static bool is_pll_reg(hwaddr offset)
{
    for (unsigned i = 0; i < ARRAY_SIZE(h6_pll_regs); i++) {
        if (h6_pll_regs[i] == offset) {
            return true;
        }
    }
    return false;
}

static void aw_h6_ccu_update_outputs(AwH6CcuState *s)
{
    uint32_t v = s->regs[AW_H6_CCU_BUS_IOMMU / 4];

    qemu_set_irq(s->iommu_clk, !!(v & BUS_IOMMU_GATE));
    qemu_set_irq(s->iommu_reset_n, !!(v & BUS_IOMMU_RSTN));
}

static uint64_t aw_h6_ccu_read(void *opaque, hwaddr offset, unsigned size)
{
    AwH6CcuState *s = AW_H6_CCU(opaque);
    uint32_t v = s->regs[offset / 4];

    if (is_pll_reg(offset)) {
        v &= ~PLL_LOCK;
        if (v & PLL_ENABLE) {
            v |= PLL_LOCK;
        }
    }
    trace_allwinner_h6_ccu_read(offset, v);
    return v;
}

static void aw_h6_ccu_write(void *opaque, hwaddr offset, uint64_t val,
                            unsigned size)
{
    AwH6CcuState *s = AW_H6_CCU(opaque);

    trace_allwinner_h6_ccu_write(offset, val);
    if (is_pll_reg(offset)) {
        val &= ~(uint64_t)PLL_LOCK;   /* read-only status bit */
    }
    s->regs[offset / 4] = val;
    if (offset == AW_H6_CCU_BUS_IOMMU) {
        aw_h6_ccu_update_outputs(s);
    }
}

static const MemoryRegionOps aw_h6_ccu_ops = {
    .read = aw_h6_ccu_read,
    .write = aw_h6_ccu_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = {
        .min_access_size = 4,
        .max_access_size = 4,
    },
    .impl.min_access_size = 4,
};

static void aw_h6_ccu_reset_enter(Object *obj, ResetType type)
{
    AwH6CcuState *s = AW_H6_CCU(obj);

    memset(s->regs, 0, sizeof(s->regs));
    for (unsigned i = 0; i < ARRAY_SIZE(h6_reset_values); i++) {
        s->regs[h6_reset_values[i].offset / 4] = h6_reset_values[i].value;
    }
}

static void aw_h6_ccu_reset_exit(Object *obj)
{
    /* Drive the lines only once every device has finished its reset */
    aw_h6_ccu_update_outputs(AW_H6_CCU(obj));
}

static void aw_h6_ccu_init(Object *obj)
{
    AwH6CcuState *s = AW_H6_CCU(obj);
    SysBusDevice *sbd = SYS_BUS_DEVICE(obj);

    memory_region_init_io(&s->iomem, obj, &aw_h6_ccu_ops, s,
                          TYPE_AW_H6_CCU, AW_H6_CCU_IOSIZE);
    sysbus_init_mmio(sbd, &s->iomem);
    qdev_init_gpio_out_named(DEVICE(obj), &s->iommu_clk,
                             AW_H6_CCU_IOMMU_CLK_OUT, 1);
    qdev_init_gpio_out_named(DEVICE(obj), &s->iommu_reset_n,
                             AW_H6_CCU_IOMMU_RESETN_OUT, 1);
}

static int aw_h6_ccu_post_load(void *opaque, int version_id)
{
    aw_h6_ccu_update_outputs(AW_H6_CCU(opaque));
    return 0;
}

static const VMStateDescription aw_h6_ccu_vmstate = {
    .name = TYPE_AW_H6_CCU,
    .version_id = 1,
    .minimum_version_id = 1,
    .post_load = aw_h6_ccu_post_load,
    .fields = (VMStateField[]) {
        VMSTATE_UINT32_ARRAY(regs, AwH6CcuState, AW_H6_CCU_NUM_REGS),
        VMSTATE_END_OF_LIST()
    }
};

static void aw_h6_ccu_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);
    ResettableClass *rc = RESETTABLE_CLASS(klass);

    rc->phases.enter = aw_h6_ccu_reset_enter;
    rc->phases.exit = aw_h6_ccu_reset_exit;
    dc->vmsd = &aw_h6_ccu_vmstate;
    dc->desc = "Allwinner H6 CCU (minimal)";
}

static const TypeInfo aw_h6_ccu_info = {
    .name          = TYPE_AW_H6_CCU,
    .parent        = TYPE_SYS_BUS_DEVICE,
    .instance_init = aw_h6_ccu_init,
    .instance_size = sizeof(AwH6CcuState),
    .class_init    = aw_h6_ccu_class_init,
};

static void aw_h6_ccu_register(void)
{
    type_register_static(&aw_h6_ccu_info);
}

type_init(aw_h6_ccu_register)
