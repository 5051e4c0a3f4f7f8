/*
 * Allwinner H6 Clock Control Unit (minimal model)
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_MISC_ALLWINNER_H6_CCU_H
#define HW_MISC_ALLWINNER_H6_CCU_H

#include "qom/object.h"
#include "hw/sysbus.h"

#define AW_H6_CCU_IOSIZE        0x1000
#define AW_H6_CCU_NUM_REGS      (AW_H6_CCU_IOSIZE / 4)

/* Bus gate / reset register of the IOMMU: bit 0 gate, bit 16 reset_n */
#define AW_H6_CCU_BUS_IOMMU     0x7bc

/* Named GPIO outputs that mirror the IOMMU's bus gate and reset lines */
#define AW_H6_CCU_IOMMU_CLK_OUT     "iommu-bus-clk"
#define AW_H6_CCU_IOMMU_RESETN_OUT  "iommu-bus-reset-n"

#define TYPE_AW_H6_CCU "allwinner-h6-ccu"
OBJECT_DECLARE_SIMPLE_TYPE(AwH6CcuState, AW_H6_CCU)

struct AwH6CcuState {
    SysBusDevice parent_obj;

    MemoryRegion iomem;
    uint32_t regs[AW_H6_CCU_NUM_REGS];

    qemu_irq iommu_clk;
    qemu_irq iommu_reset_n;
};

#endif /* HW_MISC_ALLWINNER_H6_CCU_H */
