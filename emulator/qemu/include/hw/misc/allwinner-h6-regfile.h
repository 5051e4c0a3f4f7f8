/*
 * Allwinner H6: a block of plain 32-bit registers
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_MISC_ALLWINNER_H6_REGFILE_H
#define HW_MISC_ALLWINNER_H6_REGFILE_H

#include "qom/object.h"
#include "hw/sysbus.h"

#define TYPE_AW_H6_REGFILE "allwinner-h6-regfile"
OBJECT_DECLARE_SIMPLE_TYPE(AwH6RegfileState, AW_H6_REGFILE)

/**
 * AwH6RegfileState - registers that read back what was written
 * @size: the size of the block in bytes (property "size")
 * @regs: the registers, 0 after reset
 *
 * The H6 blocks whose drivers only write and read back their registers
 * (the SRAM controller's claim, TCON-TOP's routing, the HDMI PHY's
 * resistor control) need no more than this.
 */
struct AwH6RegfileState {
    SysBusDevice parent_obj;

    MemoryRegion iomem;
    uint32_t size;
    uint32_t *regs;
};

#endif /* HW_MISC_ALLWINNER_H6_REGFILE_H */
