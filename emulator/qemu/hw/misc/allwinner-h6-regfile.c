/*
 * Allwinner H6: a block of plain 32-bit registers
 *
 * The memory region is named after the instance (e.g. "syscon"), so that
 * QEMU's memory_region_ops_read/write trace events tell the blocks apart.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/module.h"
#include "hw/qdev-properties.h"
#include "hw/misc/allwinner-h6-regfile.h"

static uint64_t aw_h6_regfile_read(void *opaque, hwaddr offset, unsigned size)
{
    AwH6RegfileState *s = opaque;

    return s->regs[offset / 4];
}

static void aw_h6_regfile_write(void *opaque, hwaddr offset, uint64_t value,
                                unsigned size)
{
    AwH6RegfileState *s = opaque;

    s->regs[offset / 4] = value;
}

static const MemoryRegionOps aw_h6_regfile_ops = {
    .read = aw_h6_regfile_read,
    .write = aw_h6_regfile_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

static void aw_h6_regfile_realize(DeviceState *dev, Error **errp)
{
    AwH6RegfileState *s = AW_H6_REGFILE(dev);

    if (!s->size || s->size % 4) {
        error_setg(errp, "size must be a non-zero multiple of 4");
        return;
    }
    s->regs = g_new0(uint32_t, s->size / 4);
    memory_region_init_io(&s->iomem, OBJECT(s), &aw_h6_regfile_ops, s,
                          object_get_canonical_path_component(OBJECT(s)),
                          s->size);
    sysbus_init_mmio(SYS_BUS_DEVICE(s), &s->iomem);
}

static void aw_h6_regfile_reset(DeviceState *dev)
{
    AwH6RegfileState *s = AW_H6_REGFILE(dev);

    memset(s->regs, 0, s->size);
}

static void aw_h6_regfile_unrealize(DeviceState *dev)
{
    g_free(AW_H6_REGFILE(dev)->regs);
}

static Property aw_h6_regfile_properties[] = {
    DEFINE_PROP_UINT32("size", AwH6RegfileState, size, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static void aw_h6_regfile_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = aw_h6_regfile_realize;
    dc->unrealize = aw_h6_regfile_unrealize;
    dc->reset = aw_h6_regfile_reset;
    device_class_set_props(dc, aw_h6_regfile_properties);
}

static const TypeInfo aw_h6_regfile_info = {
    .name = TYPE_AW_H6_REGFILE,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(AwH6RegfileState),
    .class_init = aw_h6_regfile_class_init,
};

static void aw_h6_regfile_register_types(void)
{
    type_register_static(&aw_h6_regfile_info);
}

type_init(aw_h6_regfile_register_types)
