/*
 * Allwinner H6 Display Engine 3.0: its clock block and mixer 0
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_DISPLAY_ALLWINNER_H6_DE3_H
#define HW_DISPLAY_ALLWINNER_H6_DE3_H

#include "qom/object.h"
#include "exec/memory.h"
#include "hw/sysbus.h"
#include "ui/console.h"
#include "hw/misc/allwinner-h6-iommu.h"

#define AW_H6_DE3_IOSIZE        0x400000
#define AW_H6_DE3_CLK_REGS      16
#define AW_H6_DE3_MIXER0        0x100000
#define AW_H6_DE3_MIXER_SIZE    0x100000
/* The part of the mixer double-buffered through GLOBAL_DBUFF */
#define AW_H6_DE3_ACTIVE_SIZE   0x3000

/* GPIO input: a frame starts (from the TCON) */
#define AW_H6_DE3_FRAME_IN      "frame"

#define TYPE_AW_H6_DE3 "allwinner-h6-de3"
OBJECT_DECLARE_SIMPLE_TYPE(AwH6De3State, AW_H6_DE3)

/**
 * AwH6De3State - DE3 model
 * @clk: the DE clock block: module gates, bus gates, resets, dividers
 * @mixer: mixer 0's registers as software wrote them
 * @active: the double-buffered part of @mixer as the hardware uses it,
 *      loaded at the start of a frame after software set GLOBAL_DBUFF
 * @iommu: the IOMMU mixer 0 reads through (property "iommu")
 * @master: mixer 0's master ID on it (property "master"), below its
 *      num-masters
 * @dma_as: mixer 0's view of memory: the IOMMU's port of @master
 * @con: the console the frames are composed on
 * @frames: frames scanned out since reset
 * @line: one line of a layer, as read
 */
struct AwH6De3State {
    SysBusDevice parent_obj;

    MemoryRegion iomem;
    uint32_t clk[AW_H6_DE3_CLK_REGS];
    uint32_t *mixer;
    uint32_t active[AW_H6_DE3_ACTIVE_SIZE / 4];
    AwH6IommuState *iommu;
    uint32_t master;
    AddressSpace dma_as;
    QemuConsole *con;
    uint64_t frames;
    uint8_t *line;
};

#endif /* HW_DISPLAY_ALLWINNER_H6_DE3_H */
