#!/usr/bin/python3
"""Writes a grey PNG for the bad-input suite: png.py WIDTH HEIGHT BITS OUT [BYTES].
Large pictures are generated rather than committed: a 1-bit 20000x20000 picture is about 60 KB
of file and 400 MB once decoded (a decompression bomb); a 1x100000 one is a strip. With BYTES,
the picture data unpacks to that many bytes of zeros whatever its size needs (16 MiB in 16 KB of
file for a picture of a few hundred bytes)."""
import os
import struct
import sys
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from checks import arguments  # noqa: E402 (tests/checks.py, one folder up)


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def main():
    args = arguments(__doc__, 4, 5)
    width, height, bits = (int(a) for a in args[:3])
    row = b"\0" + b"\0" * ((width * bits + 7) // 8)  # filter type 0, then black pixels
    packer = zlib.compressobj(9)
    if len(args) == 5:
        size = int(args[4])
        block = b"\0" * 65536
        data = b"".join(packer.compress(block) for _ in range(size // len(block)))
        data += packer.compress(b"\0" * (size % len(block))) + packer.flush()
    else:
        data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    with open(args[3], "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n")
        out.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bits, 0, 0, 0, 0)))
        out.write(chunk(b"IDAT", data))
        out.write(chunk(b"IEND", b""))


main()
