"""Reads a PNG (8-bit RGB or RGBA, not interlaced, as Chromium's screenshots are) with zlib
alone and says what it shows, as JSON: its size, how many distinct colours it holds, the
share of pixels that are not the most common colour (the background), and which of the
expected colours (hex RRGGBB, given after the file) appear exactly somewhere.

usage: png_colours.py FILE.png [RRGGBB ...]

Exits 1 on a PNG it cannot read. Used by tests/report/html_render_test.cc to tell a page
that rendered from a blank one."""
import json
import struct
import sys
import zlib


def rows(path):
    """Yields (width, height) first, then each unfiltered scanline as bytes of RGB(A)."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, [], None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
    width, height, depth, colour, _, _, interlace = header
    if depth != 8 or colour not in (2, 6) or interlace != 0:
        raise ValueError(f"unsupported PNG: depth {depth}, colour type {colour}, "
                         f"interlace {interlace}")
    bpp = 3 if colour == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = width * bpp
    yield width, height, bpp
    prev = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1:start + 1 + stride])
        if kind == 1:  # Sub
            for i in range(bpp, stride):
                line[i] = (line[i] + line[i - bpp]) & 0xFF
        elif kind == 2:  # Up
            line = bytearray((a + b) & 0xFF for a, b in zip(line, prev))
        elif kind == 3:  # Average
            for i in range(stride):
                left = line[i - bpp] if i >= bpp else 0
                line[i] = (line[i] + ((left + prev[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = line[i - bpp] if i >= bpp else 0
                b = prev[i]
                c = prev[i - bpp] if i >= bpp else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        yield bytes(line)
        prev = line


def main():
    path, expected = sys.argv[1], [e.lower() for e in sys.argv[2:]]
    it = rows(path)
    width, height, bpp = next(it)
    counts = {}
    for line in it:
        for x in range(0, len(line), bpp):
            px = line[x:x + 3]
            counts[px] = counts.get(px, 0) + 1
    total = width * height
    background = max(counts.values()) if counts else 0
    found = sorted(e for e in expected if bytes.fromhex(e) in counts)
    print(json.dumps({"width": width, "height": height, "colours": len(counts),
                      "non_background": (total - background) / total if total else 0,
                      "found": found}))


if __name__ == "__main__":
    try:
        main()
    except (OSError, ValueError, zlib.error, struct.error, TypeError) as e:
        print(f"png_colours.py: {e}", file=sys.stderr)
        sys.exit(1)
