/*
 * Allwinner H6 TCON-TV: the timing controller in front of the HDMI encoder
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_DISPLAY_ALLWINNER_H6_TCON_H
#define HW_DISPLAY_ALLWINNER_H6_TCON_H

#include "qom/object.h"
#include "qemu/timer.h"
#include "hw/sysbus.h"

#define AW_H6_TCON_IOSIZE       0x1000

/* GPIO output pulsed at the start of each frame, for the mixer */
#define AW_H6_TCON_FRAME_OUT    "frame"

#define TYPE_AW_H6_TCON "allwinner-h6-tcon-tv"
OBJECT_DECLARE_SIMPLE_TYPE(AwH6TconState, AW_H6_TCON)

/**
 * AwH6TconState - TCON-TV model
 * @regs: the registers; GINT0's status bits are set by the frame timer
 * @frame_timer: ticks once per frame while the TCON and its channel 1
 *      are enabled
 * @frame_rate: frames per second (property "frame-rate", 1..1000)
 * @frames: frames started since reset
 * @irq: the TCON interrupt (vblank)
 * @frame_out: pulsed at the start of each frame
 */
struct AwH6TconState {
    SysBusDevice parent_obj;

    MemoryRegion iomem;
    uint32_t regs[AW_H6_TCON_IOSIZE / 4];
    QEMUTimer *frame_timer;
    uint32_t frame_rate;
    uint64_t frames;
    qemu_irq irq;
    qemu_irq frame_out;
};

#endif /* HW_DISPLAY_ALLWINNER_H6_TCON_H */
