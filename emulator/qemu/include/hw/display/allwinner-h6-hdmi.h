/*
 * Allwinner H6 HDMI: the DesignWare HDMI TX controller and its PHY
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#ifndef HW_DISPLAY_ALLWINNER_H6_HDMI_H
#define HW_DISPLAY_ALLWINNER_H6_HDMI_H

#include "qom/object.h"
#include "hw/sysbus.h"
#include "hw/display/edid.h"

#define AW_H6_HDMI_IOSIZE       0x10000
#define AW_H6_HDMI_REGS         0x8000
#define AW_H6_HDMI_PHY_REGS     32
#define AW_H6_HDMI_EDID_SIZE    256

#define TYPE_AW_H6_HDMI "allwinner-h6-hdmi"
OBJECT_DECLARE_SIMPLE_TYPE(AwH6HdmiState, AW_H6_HDMI)

/**
 * AwH6HdmiState - DesignWare HDMI TX model
 * @regs: the byte registers, 0x0000..0x7FFF
 * @phy: the PHY's registers, written and read through the PHY's I2C master
 * @edid: the monitor's EDID, read through the DDC I2C master
 * @edid_info: what @edid describes (properties "xres", "yres", ...)
 * @connected: whether a monitor is plugged (property "connected")
 * @irq: the controller's interrupt
 */
struct AwH6HdmiState {
    SysBusDevice parent_obj;

    MemoryRegion iomem;
    uint8_t regs[AW_H6_HDMI_REGS];
    uint16_t phy[AW_H6_HDMI_PHY_REGS];
    uint8_t edid[AW_H6_HDMI_EDID_SIZE];
    qemu_edid_info edid_info;
    bool connected;
    qemu_irq irq;
};

#endif /* HW_DISPLAY_ALLWINNER_H6_HDMI_H */
