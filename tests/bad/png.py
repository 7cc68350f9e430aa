#!/usr/bin/python3
"""Writes a grey PNG for the bad-input suite: png.py WIDTH HEIGHT BITS OUT.
Large pictures are generated rather than committed: a 1-bit 20000x20000 picture is about 60 KB
of file and 400 MB once decoded (a decompression bomb); a 1x100000 one is a strip."""
import struct
import sys
import zlib


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))


def main():
    width, height, bits = (int(a) for a in sys.argv[1:4])
    row = b"\0" + b"\0" * ((width * bits + 7) // 8)  # filter type 0, then black pixels
    packer = zlib.compressobj(9)
    data = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    with open(sys.argv[4], "wb") as out:
        out.write(b"\x89PNG\r\n\x1a\n")
        out.write(chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, bits, 0, 0, 0, 0)))
        out.write(chunk(b"IDAT", data))
        out.write(chunk(b"IEND", b""))


main()
