#!/usr/bin/env python3
"""Take a screenshot of the emulated board's display, as PNG.

  screendump.py QMP_SOCKET OUT.png [--after LOG PATTERN] [--timeout S]

Connects to QEMU's QMP socket (board.sh's BOARD_QMP), optionally waits
until the text PATTERN appears in the file LOG (the board's console log),
asks QEMU for a screendump (PPM) and writes it as an 8-bit RGB PNG.
"""

import argparse
import json
import os
import socket
import struct
import sys
import tempfile
import time
import zlib


def wait_for(path, pattern, deadline):
    while time.monotonic() < deadline:
        try:
            with open(path, errors="replace") as f:
                if pattern in f.read():
                    return True
        except FileNotFoundError:
            pass
        time.sleep(0.1)
    return False


def qmp(sock_path, deadline):
    while True:
        try:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            s.connect(sock_path)
            break
        except (FileNotFoundError, ConnectionRefusedError):
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    f = s.makefile("rw")

    def cmd(name, **args):
        f.write(json.dumps({"execute": name, "arguments": args}) + "\n")
        f.flush()
        while True:
            msg = json.loads(f.readline())
            if "event" in msg:
                continue
            if "error" in msg:
                raise RuntimeError("QMP %s: %s" % (name, msg["error"]))
            return msg.get("return")

    json.loads(f.readline())        # greeting
    cmd("qmp_capabilities")
    return s, cmd


def ppm_to_png(ppm, out):
    header, pos = [], 0
    while len(header) < 4:          # magic, width, height, maxval
        while ppm[pos:pos + 1].isspace():
            pos += 1
        end = pos
        while not ppm[end:end + 1].isspace():
            end += 1
        header.append(ppm[pos:end])
        pos = end
    pos += 1
    if header[0] != b"P6" or header[3] != b"255":
        raise ValueError("not an 8-bit P6 PPM")
    w, h = int(header[1]), int(header[2])
    rgb = ppm[pos:pos + 3 * w * h]
    raw = b"".join(b"\0" + rgb[3 * w * y:3 * w * (y + 1)] for y in range(h))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data)))

    with open(out, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))
    return w, h


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("socket")
    ap.add_argument("out")
    ap.add_argument("--after", nargs=2, metavar=("LOG", "PATTERN"))
    ap.add_argument("--timeout", type=float, default=120)
    args = ap.parse_args()
    deadline = time.monotonic() + args.timeout
    if args.after and not wait_for(args.after[0], args.after[1], deadline):
        print("screendump: '%s' did not appear in %s" % (args.after[1],
                                                        args.after[0]))
        return 1
    sock, cmd = qmp(args.socket, deadline)
    with tempfile.TemporaryDirectory(prefix="screendump-") as d:
        ppm = os.path.join(d, "screen.ppm")
        cmd("screendump", filename=ppm)
        with open(ppm, "rb") as f:
            w, h = ppm_to_png(f.read(), args.out)
    sock.close()
    print("screendump: %s (%dx%d)" % (args.out, w, h))
    return 0


if __name__ == "__main__":
    sys.exit(main())
