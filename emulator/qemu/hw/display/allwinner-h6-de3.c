/*
 * Allwinner H6 Display Engine 3.0: its clock block and mixer 0
 *
 * The DE clock block (offset 0) and mixer 0 (offset 0x10_0000) read back
 * what was written; the rest of the DE's 4 MiB reads as zero. The mixer's
 * global, blender and channel registers are double-buffered: software
 * writes them, then sets GLOBAL_DBUFF bit 0, and the next frame loads
 * them into the active set and clears the bit. A commit that does not set
 * it is not seen.
 *
 * At each frame (a pulse from the TCON) mixer 0, if clocked, out of reset
 * and enabled, composes its output: the background colour, then each
 * enabled blender pipe from bottom to top, fed by the UI channel its
 * route selects. A layer is read line by line through mixer 0's port of
 * the IOMMU (master 0), in XRGB8888, ARGB8888, XBGR8888, ABGR8888, RGB565
 * or BGR565. A line the IOMMU did not translate (a fault, a stalled lane:
 * whether the read got zeros or a bus error) shows in magenta. After a
 * line that reached no memory at all (DMA not translated, to an address
 * with nothing behind it), the mixer stops reading the layer for that
 * frame: its remaining lines count as faulting. Each layer of each frame
 * gives a trace line: the IOVA range read, a CRC-32 of the bytes read
 * (lines of width x bytes per pixel, without the pitch's padding) and the
 * number of faulting lines.
 * The VI channel and the scalers are not modelled.
 *
 * SPDX-License-Identifier: GPL-2.0-or-later
 */

#include "qemu/osdep.h"
#include "qapi/error.h"
#include "qemu/log.h"
#include "qemu/module.h"
#include "hw/qdev-properties.h"
#include "hw/display/allwinner-h6-de3.h"
#include "trace.h"
#include <zlib.h>

/* DE clock block: bit 0 of each is mixer 0 */
#define DE_CLK_MOD_GATE         0x00
#define DE_CLK_BUS_GATE         0x04
#define DE_CLK_RESET            0x08
#define DE_MIXER0               (1u << 0)

/* Mixer: global registers */
#define MIX_GLB_CTL             0x000
#define MIX_GLB_DBUFF           0x008
#define MIX_GLB_SIZE            0x00c
#define GLB_CTL_RT_EN           (1u << 0)
#define GLB_DBUFF_LOAD          (1u << 0)

/* Mixer: blender */
#define MIX_BLD_PIPE_CTL        0x800
#define MIX_BLD_INSIZE(p)       (0x808 + 0x10 * (p))
#define MIX_BLD_COORD(p)        (0x80c + 0x10 * (p))
#define MIX_BLD_ROUTE           0x880
#define MIX_BLD_BKCOLOR         0x888
#define BLD_PIPES               4
#define BLD_PIPE_EN(p)          (1u << (8 + (p)))

/* Mixer: UI channels 1..3, layer 0 of each */
#define MIX_UI(ch)              (0x1000 + 0x800 * (ch))
#define UI_ATTR                 0x00
#define UI_SIZE                 0x04
#define UI_PITCH                0x0c
#define UI_TOP_LADDR            0x10
#define UI_TOP_HADDR            0x80
#define UI_ATTR_EN              (1u << 0)
#define UI_ATTR_ALPHA_MODE(a)   (((a) >> 1) & 3)
#define UI_ATTR_FORMAT(a)       (((a) >> 8) & 0x1f)
#define UI_ATTR_ALPHA(a)        ((a) >> 24)
#define UI_FIRST                1
#define UI_LAST                 3

/* Sizes: (height - 1) << 16 | (width - 1); coordinates: y << 16 | x */
#define SIZE_W(v)               (((v) & 0x1fff) + 1)
#define SIZE_H(v)               ((((v) >> 16) & 0x1fff) + 1)
#define COORD_X(v)              ((v) & 0xffff)
#define COORD_Y(v)              ((v) >> 16)

#define MAX_WIDTH               8192
#define FAULT_COLOUR            0xffff00ffu

enum {
    FMT_ARGB8888 = 0,
    FMT_ABGR8888 = 1,
    FMT_XRGB8888 = 4,
    FMT_XBGR8888 = 5,
    FMT_RGB565 = 10,
    FMT_BGR565 = 11,
};

/* A layer format: bytes per pixel (0: not modelled), R/B swapped, alpha */
typedef struct {
    uint8_t bpp;
    bool swap;
    bool alpha;
} AwH6De3Format;

static const AwH6De3Format aw_h6_de3_formats[32] = {
    [FMT_ARGB8888] = { 4, false, true },
    [FMT_ABGR8888] = { 4, true, true },
    [FMT_XRGB8888] = { 4, false, false },
    [FMT_XBGR8888] = { 4, true, false },
    [FMT_RGB565] = { 2, false, false },
    [FMT_BGR565] = { 2, true, false },
};

/* One pixel of a layer as A, R, G, B in a 32-bit word. */
static uint32_t aw_h6_de3_pixel(const uint8_t *p, const AwH6De3Format *f)
{
    uint32_t v;

    if (f->bpp == 4) {
        v = ldl_le_p(p) | (f->alpha ? 0 : 0xff000000u);
    } else {
        uint32_t c = lduw_le_p(p);
        uint32_t r = c >> 11, g = (c >> 5) & 0x3f, b = c & 0x1f;

        v = 0xff000000u | (r << 3 | r >> 2) << 16 | (g << 2 | g >> 4) << 8 |
            (b << 3 | b >> 2);
    }
    if (f->swap) {
        v = (v & 0xff00ff00u) | (v & 0xff) << 16 | ((v >> 16) & 0xff);
    }
    return v;
}

static uint32_t aw_h6_de3_blend(uint32_t src, uint32_t dst, unsigned a)
{
    uint32_t out = 0;

    for (int shift = 0; shift < 24; shift += 8) {
        unsigned s = (src >> shift) & 0xff, d = (dst >> shift) & 0xff;

        out |= ((s * a + d * (255 - a)) / 255) << shift;
    }
    return out;
}

static uint32_t aw_h6_de3_reg(AwH6De3State *s, hwaddr offset)
{
    return s->active[offset / 4];
}

/*
 * Scan out UI channel @ch through blender pipe @pipe onto the @w x @h
 * frame at @fb (@stride bytes per line).
 */
static void aw_h6_de3_layer(AwH6De3State *s, unsigned pipe, unsigned ch,
                            uint8_t *fb, unsigned stride, unsigned w,
                            unsigned h)
{
    uint32_t attr = aw_h6_de3_reg(s, MIX_UI(ch) + UI_ATTR);
    uint32_t size = aw_h6_de3_reg(s, MIX_UI(ch) + UI_SIZE);
    uint32_t pitch = aw_h6_de3_reg(s, MIX_UI(ch) + UI_PITCH);
    uint64_t addr = aw_h6_de3_reg(s, MIX_UI(ch) + UI_TOP_LADDR) |
                    (uint64_t)(aw_h6_de3_reg(s, MIX_UI(ch) + UI_TOP_HADDR) &
                               0xff) << 32;
    uint32_t coord = aw_h6_de3_reg(s, MIX_BLD_COORD(pipe));
    uint32_t insize = aw_h6_de3_reg(s, MIX_BLD_INSIZE(pipe));
    uint32_t format = UI_ATTR_FORMAT(attr);
    const AwH6De3Format *fmt = &aw_h6_de3_formats[format];
    unsigned bpp = fmt->bpp, mode = UI_ATTR_ALPHA_MODE(attr);
    unsigned lw = SIZE_W(size), lh = SIZE_H(size);
    unsigned x0 = COORD_X(coord), y0 = COORD_Y(coord);
    unsigned faults = 0;
    bool decode_error = false;
    uint32_t crc = crc32(0, NULL, 0);

    if (!bpp) {
        qemu_log_mask(LOG_UNIMP, "allwinner-h6-de3: channel %u: format %u "
                      "not modelled\n", ch, format);
        return;
    }
    /* What the blender shows of the layer: its input size, on screen. */
    lw = MIN(lw, SIZE_W(insize));
    lh = MIN(lh, SIZE_H(insize));
    for (unsigned y = 0; y < lh; y++) {
        bool visible = y0 + y < h && x0 < w;
        uint32_t *out = visible ? (uint32_t *)(fb + (y0 + y) * stride) + x0
                                : NULL;
        MemTxResult res = MEMTX_DECODE_ERROR;

        /*
         * Past a line that is nowhere (untranslated DMA to no memory),
         * the rest of the layer counts as faulting unread: QEMU would log
         * every word of it. A line the IOMMU refused, even with a bus
         * error, is not nowhere: the next one is read.
         */
        if (!decode_error) {
            uint32_t blocked = allwinner_h6_iommu_blocked(s->iommu,
                                                          s->master);

            res = address_space_read(&s->dma_as, addr + (uint64_t)y * pitch,
                                     MEMTXATTRS_UNSPECIFIED, s->line,
                                     lw * bpp);
            if (allwinner_h6_iommu_blocked(s->iommu, s->master) != blocked) {
                res = MEMTX_ERROR;
            }
            decode_error = res == MEMTX_DECODE_ERROR;
        }
        if (res != MEMTX_OK) {
            faults++;
        } else {
            crc = crc32(crc, s->line, lw * bpp);
        }
        for (unsigned x = 0; out && x < lw && x0 + x < w; x++) {
            uint32_t px, a;

            if (res != MEMTX_OK) {
                out[x] = FAULT_COLOUR;
                continue;
            }
            px = aw_h6_de3_pixel(s->line + x * bpp, fmt);
            switch (mode) {
            case 0:
                a = px >> 24;
                break;
            case 1:
                a = UI_ATTR_ALPHA(attr);
                break;
            default:
                a = (px >> 24) * UI_ATTR_ALPHA(attr) / 255;
                break;
            }
            out[x] = 0xff000000u | aw_h6_de3_blend(px, out[x], a);
        }
    }
    trace_allwinner_h6_de3_layer(s->frames, ch, format, addr,
                                 addr + (uint64_t)(lh - 1) * pitch + lw * bpp,
                                 lw, lh, crc, faults);
}

static bool aw_h6_de3_mixer_running(AwH6De3State *s)
{
    return (s->clk[DE_CLK_MOD_GATE / 4] & DE_MIXER0) &&
           (s->clk[DE_CLK_BUS_GATE / 4] & DE_MIXER0) &&
           (s->clk[DE_CLK_RESET / 4] & DE_MIXER0);
}

/* A frame starts: load the double-buffered registers, then compose. */
static void aw_h6_de3_frame(void *opaque, int n, int level)
{
    AwH6De3State *s = opaque;
    uint32_t size, pipes, route, bk;
    DisplaySurface *surface;
    unsigned w, h, stride;
    uint8_t *fb;

    if (!level || !aw_h6_de3_mixer_running(s)) {
        return;
    }
    if (s->mixer[MIX_GLB_DBUFF / 4] & GLB_DBUFF_LOAD) {
        memcpy(s->active, s->mixer, sizeof(s->active));
        s->mixer[MIX_GLB_DBUFF / 4] &= ~GLB_DBUFF_LOAD;
    }
    if (!(aw_h6_de3_reg(s, MIX_GLB_CTL) & GLB_CTL_RT_EN)) {
        return;
    }
    size = aw_h6_de3_reg(s, MIX_GLB_SIZE);
    w = SIZE_W(size);
    h = SIZE_H(size);
    qemu_console_resize(s->con, w, h);
    surface = qemu_console_surface(s->con);
    fb = surface_data(surface);
    stride = surface_stride(surface);
    s->frames++;

    bk = aw_h6_de3_reg(s, MIX_BLD_BKCOLOR) | 0xff000000u;
    for (unsigned y = 0; y < h; y++) {
        uint32_t *line = (uint32_t *)(fb + y * stride);

        for (unsigned x = 0; x < w; x++) {
            line[x] = bk;
        }
    }
    pipes = aw_h6_de3_reg(s, MIX_BLD_PIPE_CTL);
    route = aw_h6_de3_reg(s, MIX_BLD_ROUTE);
    for (unsigned p = 0; p < BLD_PIPES; p++) {
        unsigned ch = (route >> (4 * p)) & 0xf;

        if (!(pipes & BLD_PIPE_EN(p)) || ch < UI_FIRST || ch > UI_LAST ||
            !(aw_h6_de3_reg(s, MIX_UI(ch) + UI_ATTR) & UI_ATTR_EN)) {
            continue;
        }
        aw_h6_de3_layer(s, p, ch, fb, stride, w, h);
    }
    trace_allwinner_h6_de3_frame(s->frames, w, h);
    dpy_gfx_update_full(s->con);
}

static uint32_t *aw_h6_de3_reg_ptr(AwH6De3State *s, hwaddr offset)
{
    if (offset < sizeof(s->clk)) {
        return &s->clk[offset / 4];
    }
    if (offset >= AW_H6_DE3_MIXER0 &&
        offset < AW_H6_DE3_MIXER0 + AW_H6_DE3_MIXER_SIZE) {
        return &s->mixer[(offset - AW_H6_DE3_MIXER0) / 4];
    }
    return NULL;
}

static uint64_t aw_h6_de3_read(void *opaque, hwaddr offset, unsigned size)
{
    uint32_t *reg = aw_h6_de3_reg_ptr(opaque, offset);

    if (!reg) {
        qemu_log_mask(LOG_UNIMP, "allwinner-h6-de3: read of 0x%06" HWADDR_PRIx
                      "\n", offset);
        return 0;
    }
    return *reg;
}

static void aw_h6_de3_write(void *opaque, hwaddr offset, uint64_t value,
                            unsigned size)
{
    uint32_t *reg = aw_h6_de3_reg_ptr(opaque, offset);

    if (!reg) {
        qemu_log_mask(LOG_UNIMP, "allwinner-h6-de3: write of 0x%06"
                      HWADDR_PRIx "\n", offset);
        return;
    }
    *reg = value;
}

static const MemoryRegionOps aw_h6_de3_ops = {
    .read = aw_h6_de3_read,
    .write = aw_h6_de3_write,
    .endianness = DEVICE_LITTLE_ENDIAN,
    .valid = { .min_access_size = 4, .max_access_size = 4 },
    .impl = { .min_access_size = 4, .max_access_size = 4 },
};

/* No callbacks: frames are composed at the TCON's pace, not the display's. */
static const GraphicHwOps aw_h6_de3_gfx_ops;

static void aw_h6_de3_realize(DeviceState *dev, Error **errp)
{
    AwH6De3State *s = AW_H6_DE3(dev);

    if (!s->iommu) {
        error_setg(errp, "the \"iommu\" link is not set");
        return;
    }
    if (s->master >= s->iommu->num_masters) {
        error_setg(errp, "master %u out of range (IOMMU num-masters %u)",
                   s->master, s->iommu->num_masters);
        return;
    }
    address_space_init(&s->dma_as,
                       allwinner_h6_iommu_master_mr(s->iommu, s->master),
                       "allwinner-h6-de3.dma");
    s->mixer = g_new0(uint32_t, AW_H6_DE3_MIXER_SIZE / 4);
    s->line = g_malloc(MAX_WIDTH * 4);
    memory_region_init_io(&s->iomem, OBJECT(s), &aw_h6_de3_ops, s,
                          TYPE_AW_H6_DE3, AW_H6_DE3_IOSIZE);
    sysbus_init_mmio(SYS_BUS_DEVICE(s), &s->iomem);
    qdev_init_gpio_in_named(dev, aw_h6_de3_frame, AW_H6_DE3_FRAME_IN, 1);
    s->con = graphic_console_init(dev, 0, &aw_h6_de3_gfx_ops, s);
}

static void aw_h6_de3_reset(DeviceState *dev)
{
    AwH6De3State *s = AW_H6_DE3(dev);

    memset(s->clk, 0, sizeof(s->clk));
    memset(s->mixer, 0, AW_H6_DE3_MIXER_SIZE);
    memset(s->active, 0, sizeof(s->active));
    s->frames = 0;
}

static Property aw_h6_de3_properties[] = {
    DEFINE_PROP_LINK("iommu", AwH6De3State, iommu, TYPE_AW_H6_IOMMU,
                     AwH6IommuState *),
    DEFINE_PROP_UINT32("master", AwH6De3State, master, 0),
    DEFINE_PROP_END_OF_LIST(),
};

static void aw_h6_de3_class_init(ObjectClass *klass, void *data)
{
    DeviceClass *dc = DEVICE_CLASS(klass);

    dc->realize = aw_h6_de3_realize;
    dc->reset = aw_h6_de3_reset;
    device_class_set_props(dc, aw_h6_de3_properties);
}

static const TypeInfo aw_h6_de3_info = {
    .name = TYPE_AW_H6_DE3,
    .parent = TYPE_SYS_BUS_DEVICE,
    .instance_size = sizeof(AwH6De3State),
    .class_init = aw_h6_de3_class_init,
};

static void aw_h6_de3_register_types(void)
{
    type_register_static(&aw_h6_de3_info);
}

type_init(aw_h6_de3_register_types)
