/*
 * Allwinner H6 TCON-TV: the timing controller in front of the HDMI encoder
 *
 * The registers read back what was written, except for GINT0's status
 * bits: the frame timer sets them, software clears them by writing 0
 * (writing 1 leaves them as they are). While the TCON (GCTL bit 31) and
 * its channel 1 (TCON1_CTL bit 31) are enabled, a frame starts every
 * 1/frame-rate seconds of virtual time: the mixer is told first, so that
 * it latches and scans out, then the channel 1 vblank status is set.
 * The pixel clock is not modelled, so the period does not follow the mode.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/module.h"
#include "hw/irq.h"
#include "hw/qdev-properties.h"
#include "hw/display/allwinner-h6-tcon.h"
#include "trace.h"

#define REG_GCTL                0x000
#define REG_GINT0               0x004
#define REG_TCON1_CTL           0x090

#define GCTL_EN                 (1u << 31)
#define TCON1_CTL_EN            (1u << 31)

/*
 * GINT0: interrupt enables in the high half, their status in the low
 * half, 16 bits apart: channel 0 vblank (31/15), channel 1 vblank
 * (30/14), channel 0 trigger finished (27/11).
 */
#define GINT0_STATUS_MASK       0x0000ff00u
#define GINT0_EN_SHIFT          16
#define GINT0_TCON1_VB          (1u << 14)

/* At most 1000 frames per second: a frame period of at least 1 ms */
#define MAX_FRAME_RATE          1000

static bool aw_h6_tcon_running(AwH6TconState *s)
{
    return (s->regs[REG_GCTL / 4] & GCTL_EN) &&
           (s->regs[REG_TCON1_CTL / 4] & TCON1_CTL_EN);
}

static void aw_h6_tcon_update_irq(AwH6TconState *s)
{
    uint32_t gint0 = s->regs[REG_GINT0 / 4];
    uint32_t pending = gint0 & (gint0 >> GINT0_EN_SHIFT) & GINT0_STATUS_MASK;

    qemu_set_irq(s->irq, pending != 0);
}

/* The next frame starts one period from now. */
static void aw_h6_tcon_arm(AwH6TconState *s)
{
    timer_mod(s->frame_timer, qemu_clock_get_ns(QEMU_CLOCK_VIRTUAL) +
                              NANOSECONDS_PER_SECOND / s->frame_rate);
}

/* Start the frame timer when the TCON starts, stop it when it stops. */
static void aw_h6_tcon_update_timer(AwH6TconState *s)
{
    if (!aw_h6_tcon_running(s)) {
        timer_del(s->frame_timer);
    } else if (!timer_pending(s->frame_timer)) {
        aw_h6_tcon_arm(s);
    }
}

static void aw_h6_tcon_frame(void *opaque)
{
    AwH6TconState *s = opaque;

    s->frames++;
    trace_allwinner_h6_tcon_frame(s->frames);
    qemu_irq_pulse(s->frame_out);
    s->regs[REG_GINT0 / 4] |= GINT0_TCON1_VB;
    aw_h6_tcon_update_irq(s);
    aw_h6_tcon_arm(s);
}

static uint64_t aw_h6_tcon_read(void *opaque, hwaddr offset, unsigned size)
{
    AwH6TconState *s = opaque;

    trace_allwinner_h6_tcon_read(offset, s->regs[offset / 4]);
    return s->regs[offset / 4];
}

static void aw_h6_tcon_write(void *opaque, hwaddr offset, uint64_t value,
                             unsigned size)
{
    AwH6TconState *s = opaque;
    uint32_t old = s->regs[offset / 4];

    trace_allwinner_h6_tcon_write(offset, value);
    if (offset == REG_GINT0) {
        /* Status bits: written 0 clears, written 1 keeps. */
        value = (value & ~GINT0_STATUS_MASK) |
                (old & value & GINT0_STATUS_MASK);
    }
    s->regs[offset / 4] = value;
    aw_h6_tcon_update_irq(s);
    aw_h6_tcon_update_timer(s);
}

static const MemoryRegionOps aw_h6_tcon_ops = {
    .read = aw_h6_tcon_read,
    .write = aw_h6_tcon_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static void aw_h6_tcon_realize(DeviceState *dev, Error **errp)
{
    AwH6TconState *s = AW_H6_TCON(dev);

    if (!s->frame_rate || s->frame_rate > MAX_FRAME_RATE) {
        error_setg(errp, "frame-rate must be 1..%d", MAX_FRAME_RATE);
        return;
    }
    s->frame_timer = timer_new_ns(QEMU_CLOCK_VIRTUAL, aw_h6_tcon_frame, s);
}

static void aw_h6_tcon_init(Object *obj)
{
    AwH6TconState *s = AW_H6_TCON(obj);

    memory_region_init_io(&s->iomem, obj, &aw_h6_tcon_ops, s,
                          TYPE_AW_H6_TCON, AW_H6_TCON_IOSIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(s), &s->iomem);
    sysbus_init_irq(SYS_BUS_DEVICE(s), &s->irq);
    qdev_init_gpio_out_named(DEVICE(s), &s->frame_out, AW_H6_TCON_FRAME_OUT,
                             1);
}

static void aw_h6_tcon_reset(DeviceState *dev)
{
    AwH6TconState *s = AW_H6_TCON(dev);

    memset(s->regs, 0, sizeof(s->regs));
    s->frames = 0;
    timer_del(s->frame_timer);
    qemu_irq_lower(s->irq);
}

static Property aw_h6_tcon_properties[] = {
    DEFINE_PROP_UINT32("frame-rate", AwH6TconState, frame_rate, 60),
    DEFINE_PROP_END_OF_LIST(),
};

static void aw_h6_tcon_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = aw_h6_tcon_realize;
    dc->reset = aw_h6_tcon_reset;
    device_class_set_props(dc, aw_h6_tcon_properties);
}

static const TypeInfo aw_h6_tcon_info = {
    .name = TYPE_AW_H6_TCON,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(AwH6TconState),
    .instance_init = aw_h6_tcon_init,
    .class_init = aw_h6_tcon_class_init,
};

static void aw_h6_tcon_register_types(void)
{
    type_register_static(&aw_h6_tcon_info);
}

type_init(aw_h6_tcon_register_types)
