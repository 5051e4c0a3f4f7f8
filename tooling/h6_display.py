"""The mixer model's layer trace line, in one place: tooling/qtest-display.py
predicts it, tooling/e2e-display.py reads it from a board's QEMU log.

Per frame and enabled layer, the model logs (trace allwinner_h6_de3_layer)

  allwinner_h6_de3_layer frame N channel C format F iova 0xSTART-0xEND WxH
      crc 0xCRC faults L

(one line): the IOVA range read, the CRC-32 of the bytes read and the
number of lines that faulted.
"""

import collections
import re

# The mixer's format field, and the DRM formats (fourcc) drm-flip names
FMT_ARGB8888, FMT_XRGB8888, FMT_RGB565 = 0, 4, 10
FOURCC = {"AR24": FMT_ARGB8888, "XR24": FMT_XRGB8888, "RG16": FMT_RGB565}
BYTES_PER_PIXEL = {FMT_ARGB8888: 4, FMT_XRGB8888: 4, FMT_RGB565: 2}

LINE = re.compile(r"allwinner_h6_de3_layer frame (\d+) (.*)$")
FIELDS = re.compile(r"channel (\d+) format (\d+) "
                    r"iova (0x[0-9a-f]+)-(0x[0-9a-f]+) (\d+)x(\d+) "
                    r"crc (0x[0-9a-f]+) faults (\d+)$")
Layer = collections.namedtuple("Layer",
                               "frame channel fmt start end w h crc faults")


def layer_text(fmt, iova, w, h, pitch, crc, faults):
    """A layer line's text after its frame number, for UI channel 1."""
    end = iova + (h - 1) * pitch + w * BYTES_PER_PIXEL[fmt]
    return ("channel 1 format %d iova 0x%08x-0x%08x %dx%d crc 0x%08x "
            "faults %d" % (fmt, iova, end, w, h, crc, faults))


def layer_texts(lines):
    """The layer lines among @lines: [(frame number, text after it)]."""
    return [(int(m.group(1)), m.group(2)) for m in map(LINE.search, lines)
            if m]


def parse_layers(lines):
    """The layer lines among @lines as Layers; ValueError if one does not
    parse (a changed format must not drop frames unnoticed)."""
    layers = []
    for frame, text in layer_texts(lines):
        m = FIELDS.match(text)
        if not m:
            raise ValueError("layer line not understood: frame %d %s"
                             % (frame, text))
        layers.append(Layer(frame, *(int(v, 0) for v in m.groups())))
    return layers
