/*
 * Allwinner H6 HDMI: the DesignWare HDMI TX controller and its PHY
 *
 * Byte registers that read back what was written, and what Linux's
 * dw-hdmi driver needs to bind and to set a mode:
 * - the identification registers of a v2.12a controller with a
 *   DesignWare HDMI 2.0 TX PHY (product 0xA0/0x01, PHY type 0xF3);
 * - interrupt status registers (0x100..0x109), written 1 to clear, with
 *   their mute registers and the global mute (0x1FF, muted at reset);
 * - the PHY's I2C master: a write or a read completes at once and sets
 *   I2CMPHY_STAT0 "done";
 * - PHY_STAT0: TX_PHY_LOCK while the PHY is powered (TXPWRON set, PDDQ
 *   clear); HPD and the four RX-sense bits while a monitor is connected;
 *   each raises its interrupt status bit while it equals its PHY_POL0
 *   bit and PHY_MASK0 does not mask it;
 * - the DDC I2C master: a read of slave 0x50 returns the monitor's EDID
 *   (QEMU's generator), with the segment pointer for extended reads;
 *   other slaves do not answer (I2CM_STAT0 error).
 * The video data path is not modelled: the mixer model shows the frames.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qemu/module.h"
#include "hw/irq.h"
#include "hw/qdev-properties.h"
#include "hw/display/allwinner-h6-hdmi.h"
#include "trace.h"

#define HDMI_DESIGN_ID          0x0000
#define HDMI_ID_LAST            0x0007
#define HDMI_IH_FIRST           0x0100
#define HDMI_IH_LAST            0x0109
#define HDMI_IH_PHY_STAT0       0x0104
#define HDMI_IH_I2CM_STAT0      0x0105
#define HDMI_IH_I2CMPHY_STAT0   0x0108
#define HDMI_IH_MUTE_FIRST      0x0180
#define HDMI_IH_MUTE            0x01ff
#define HDMI_PHY_CONF0          0x3000
#define HDMI_PHY_STAT0          0x3004
#define HDMI_PHY_MASK0          0x3006
#define HDMI_PHY_POL0           0x3007
#define HDMI_PHY_I2CM_ADDRESS   0x3021
#define HDMI_PHY_I2CM_DATAO_1   0x3022
#define HDMI_PHY_I2CM_DATAO_0   0x3023
#define HDMI_PHY_I2CM_DATAI_1   0x3024
#define HDMI_PHY_I2CM_DATAI_0   0x3025
#define HDMI_PHY_I2CM_OPERATION 0x3026
#define HDMI_I2CM_SLAVE         0x7e00
#define HDMI_I2CM_ADDRESS       0x7e01
#define HDMI_I2CM_DATAI         0x7e03
#define HDMI_I2CM_OPERATION     0x7e04
#define HDMI_I2CM_SEGPTR        0x7e0a

/* ID registers 0x0000..0x0007, of the H6's controller */
static const uint8_t aw_h6_hdmi_ids[] = {
    0x21, 0x2a,         /* design 0x21, revision 0x2A: v2.12a */
    0xa0, 0x01,         /* product: HDMI TX */
    0x00,               /* config 0: no CEC (bit 1), no I2S (bit 4) */
    0x00,               /* config 1 */
    0xf3,               /* config 2: HDMI 2.0 TX PHY */
    0x00,               /* config 3: no AHB audio DMA, no GP audio */
};

#define IH_MUTE_ALL             (1u << 0)
#define IH_MUTE_RESET           0x03

#define PHY_CONF0_PDDQ          0x10
#define PHY_CONF0_TXPWRON       0x08
#define PHY_STAT0_RX_SENSE      0xf0
#define PHY_STAT0_HPD           0x02
#define PHY_STAT0_TX_PHY_LOCK   0x01

#define I2C_OP_READ             0x01
#define I2C_OP_READ_EXT         0x02
#define I2C_OP_WRITE            0x10
#define I2C_STAT_ERROR          0x01
#define I2C_STAT_DONE           0x02

#define DDC_EDID_SLAVE          0x50

static uint8_t aw_h6_hdmi_phy_stat0(AwH6HdmiState *s)
{
    uint8_t conf0 = s->regs[HDMI_PHY_CONF0], v = 0;

    if ((conf0 & PHY_CONF0_TXPWRON) && !(conf0 & PHY_CONF0_PDDQ)) {
        v |= PHY_STAT0_TX_PHY_LOCK;
    }
    if (s->connected) {
        v |= PHY_STAT0_HPD | PHY_STAT0_RX_SENSE;
    }
    return v;
}

/*
 * The IH_PHY_STAT0 bit of each PHY_STAT0 bit: TX_PHY_LOCK (0) -> 1,
 * HPD (1) -> 0, RX-sense 0..3 (4..7) -> 2..5; bits 2 and 3 have none.
 */
static const uint8_t aw_h6_hdmi_phy_ih[8] = {
    1u << 1, 1u << 0, 0, 0, 1u << 2, 1u << 3, 1u << 4, 1u << 5,
};

/* Raise the PHY's interrupt status bits whose condition holds. */
static void aw_h6_hdmi_update_phy_ih(AwH6HdmiState *s)
{
    uint8_t stat = aw_h6_hdmi_phy_stat0(s);
    uint8_t pol = s->regs[HDMI_PHY_POL0], mask = s->regs[HDMI_PHY_MASK0];

    for (unsigned b = 0; b < 8; b++) {
        uint8_t bit = 1u << b;

        if (!(mask & bit) && (stat & bit) == (pol & bit)) {
            s->regs[HDMI_IH_PHY_STAT0] |= aw_h6_hdmi_phy_ih[b];
        }
    }
}

static void aw_h6_hdmi_update_irq(AwH6HdmiState *s)
{
    bool level = false;

    aw_h6_hdmi_update_phy_ih(s);
    if (!(s->regs[HDMI_IH_MUTE] & IH_MUTE_ALL)) {
        for (hwaddr r = HDMI_IH_FIRST; r <= HDMI_IH_LAST; r++) {
            uint8_t mute = s->regs[HDMI_IH_MUTE_FIRST + r - HDMI_IH_FIRST];

            level |= (s->regs[r] & ~mute) != 0;
        }
    }
    qemu_set_irq(s->irq, level);
}

/* The PHY's I2C master: one register, written or read, at once. */
static void aw_h6_hdmi_phy_i2c(AwH6HdmiState *s, uint8_t op)
{
    unsigned reg = s->regs[HDMI_PHY_I2CM_ADDRESS] % AW_H6_HDMI_PHY_REGS;

    if (op & I2C_OP_WRITE) {
        s->phy[reg] = s->regs[HDMI_PHY_I2CM_DATAO_1] << 8 |
                      s->regs[HDMI_PHY_I2CM_DATAO_0];
    } else if (op & I2C_OP_READ) {
        s->regs[HDMI_PHY_I2CM_DATAI_1] = s->phy[reg] >> 8;
        s->regs[HDMI_PHY_I2CM_DATAI_0] = s->phy[reg];
    } else {
        return;
    }
    trace_allwinner_h6_hdmi_phy_i2c(op, reg, s->phy[reg]);
    s->regs[HDMI_IH_I2CMPHY_STAT0] |= I2C_STAT_DONE;
}

/* The DDC I2C master: one byte, read from the EDID, or written. */
static void aw_h6_hdmi_ddc(AwH6HdmiState *s, uint8_t op)
{
    uint8_t slave = s->regs[HDMI_I2CM_SLAVE] & 0x7f;
    unsigned offset = s->regs[HDMI_I2CM_ADDRESS];
    bool ok = slave == DDC_EDID_SLAVE && s->connected;

    if (!(op & (I2C_OP_READ | I2C_OP_READ_EXT | I2C_OP_WRITE))) {
        return;
    }
    if (ok && (op & (I2C_OP_READ | I2C_OP_READ_EXT))) {
        if (op & I2C_OP_READ_EXT) {
            offset += 256 * s->regs[HDMI_I2CM_SEGPTR];
        }
        s->regs[HDMI_I2CM_DATAI] = offset < sizeof(s->edid) ?
                                   s->edid[offset] : 0xff;
    }
    trace_allwinner_h6_hdmi_ddc(op, slave, offset, ok);
    s->regs[HDMI_IH_I2CM_STAT0] |= ok ? I2C_STAT_DONE : I2C_STAT_ERROR;
}

static uint64_t aw_h6_hdmi_read(void *opaque, hwaddr offset, unsigned size)
{
    AwH6HdmiState *s = opaque;

    if (offset <= HDMI_ID_LAST) {
        return aw_h6_hdmi_ids[offset - HDMI_DESIGN_ID];
    }
    if (offset == HDMI_PHY_STAT0) {
        return aw_h6_hdmi_phy_stat0(s);
    }
    return offset < AW_H6_HDMI_REGS ? s->regs[offset] : 0;
}

static void aw_h6_hdmi_write(void *opaque, hwaddr offset, uint64_t value,
                             unsigned size)
{
    AwH6HdmiState *s = opaque;

    if (offset <= HDMI_ID_LAST || offset == HDMI_PHY_STAT0 ||
        offset >= AW_H6_HDMI_REGS) {
        return;
    }
    if (offset >= HDMI_IH_FIRST && offset <= HDMI_IH_LAST) {
        s->regs[offset] &= ~value;
    } else {
        s->regs[offset] = value;
    }
    if (offset == HDMI_PHY_I2CM_OPERATION) {
        aw_h6_hdmi_phy_i2c(s, value);
    } else if (offset == HDMI_I2CM_OPERATION) {
        aw_h6_hdmi_ddc(s, value);
    }
    aw_h6_hdmi_update_irq(s);
}

static const MemoryRegionOps aw_h6_hdmi_ops = {
    .read = aw_h6_hdmi_read,
    .write = aw_h6_hdmi_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 1, .max_access_size = 1 },
    .impl = { .min_access_size = 1, .max_access_size = 1 },
};

static void aw_h6_hdmi_realize(DeviceState *dev, Error **errp)
{
    AwH6HdmiState *s = AW_H6_HDMI(dev);

    qemu_edid_generate(s->edid, sizeof(s->edid), &s->edid_info);
}

static void aw_h6_hdmi_init(Object *obj)
{
    AwH6HdmiState *s = AW_H6_HDMI(obj);

    memory_region_init_io(&s->iomem, obj, &aw_h6_hdmi_ops, s,
                          TYPE_AW_H6_HDMI, AW_H6_HDMI_IOSIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(s), &s->iomem);
    sysbus_init_irq(SYS_BUS_DEVICE(s), &s->irq);
}

static void aw_h6_hdmi_reset(DeviceState *dev)
{
    AwH6HdmiState *s = AW_H6_HDMI(dev);

    memset(s->regs, 0, sizeof(s->regs));
    memset(s->phy, 0, sizeof(s->phy));
    s->regs[HDMI_IH_MUTE] = IH_MUTE_RESET;
    qemu_irq_lower(s->irq);
}

static Property aw_h6_hdmi_properties[] = {
    DEFINE_EDID_PROPERTIES(AwH6HdmiState, edid_info),
    DEFINE_PROP_BOOL("connected", AwH6HdmiState, connected, true),
    DEFINE_PROP_END_OF_LIST(),
};

static void aw_h6_hdmi_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = aw_h6_hdmi_realize;
    dc->reset = aw_h6_hdmi_reset;
    device_class_set_props(dc, aw_h6_hdmi_properties);
}

static const TypeInfo aw_h6_hdmi_info = {
    .name = TYPE_AW_H6_HDMI,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(AwH6HdmiState),
    .instance_init = aw_h6_hdmi_init,
    .class_init = aw_h6_hdmi_class_init,
};

static void aw_h6_hdmi_register_types(void)
{
    type_register_static(&aw_h6_hdmi_info);
}

type_init(aw_h6_hdmi_register_types)
