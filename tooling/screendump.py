#!/usr/bin/env python3
"""Take a screenshot of the emulated board's display, as PNG.

  screendump.py QMP_SOCKET OUT.png [--after LOG PATTERN] [--timeout S]

Connects to QEMU's QMP socket (board.sh's BOARD_QMP), optionally waits
until the text PATTERN appears in the file LOG (the board's console log),
asks QEMU for a screendump (PPM) and writes it as an 8-bit RGB PNG.
"""

import argparse
import os
import socket
import struct
import sys
import time
import zlib

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from qtest_h6 import Qmp, screendump  # noqa: E402


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


def connect(sock_path, deadline):
    """A socket connected to QEMU's QMP, once QEMU listens."""
    while True:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            s.connect(sock_path)
            return s
        except (FileNotFoundError, ConnectionRefusedError):
            s.close()
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def write_png(out, w, h, rgb):
    raw = b"".join(b"\0" + rgb[3 * w * y:3 * w * (y + 1)] for y in range(h))

    def chunk(kind, data):
        return (struct.pack(">I", len(data)) + kind + data +
                struct.pack(">I", zlib.crc32(kind + data)))

    with open(out, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n")
        f.write(chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)))
        f.write(chunk(b"IDAT", zlib.compress(raw, 9)))
        f.write(chunk(b"IEND", b""))


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
    sock = connect(args.socket, deadline)
    try:
        w, h, rgb = screendump(Qmp(sock))
    finally:
        sock.close()
    write_png(args.out, w, h, rgb)
    print("screendump: %s (%dx%d)" % (args.out, w, h))
    return 0


if __name__ == "__main__":
    sys.exit(main())
