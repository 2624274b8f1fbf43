"""The connector icon: a PNG drawn in code, the brand colour behind a "k" glyph."""

from __future__ import annotations

import struct
import zlib

SIZE = 230  # certification asks for a ~230 px canvas with a ~160 px logo
GLYPH = "#1f1f1f"
_SAMPLES = 4  # supersampling per axis, for smooth edges
_LEVELS = 4  # palette entries: background, two blends, glyph (2 bits per pixel)


def icon_png(brand_color: str) -> bytes:
    """A square PNG; stored (level 0) deflate keeps the bytes identical on every zlib."""
    palette = [_blend(brand_color, GLYPH, i / (_LEVELS - 1)) for i in range(_LEVELS)]
    corners = _corners()
    rows = b"".join(b"\x00" + _pack_row(y, corners) for y in range(SIZE))
    header = struct.pack(">IIBBBBB", SIZE, SIZE, 2, 3, 0, 0, 0)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"PLTE", b"".join(bytes(c) for c in palette)),
            _chunk(b"IDAT", zlib.compress(rows, 0)),
            _chunk(b"IEND", b""),
        ]
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)


def _corners() -> list[list[bool]]:
    """Whether each pixel corner lies in the glyph: neighbouring pixels share three of four."""
    return [[_in_glyph(x, y) for x in range(SIZE + 1)] for y in range(SIZE + 1)]


def _pack_row(y: int, corners: list[list[bool]]) -> bytes:
    levels = [_level(x, y, corners) for x in range(SIZE)]
    levels += [0] * (-len(levels) % 4)
    return bytes(
        (a << 6) | (b << 4) | (c << 2) | d for a, b, c, d in zip(*(iter(levels),) * 4, strict=True)
    )


def _level(x: int, y: int, corners: list[list[bool]]) -> int:
    touched = {corners[y + dy][x + dx] for dx in (0, 1) for dy in (0, 1)}
    if len(touched) == 1:  # wholly inside or outside: no need to supersample
        return _LEVELS - 1 if touched.pop() else 0
    hits = sum(
        _in_glyph(x + (i + 0.5) / _SAMPLES, y + (j + 0.5) / _SAMPLES)
        for i in range(_SAMPLES)
        for j in range(_SAMPLES)
    )
    return round(hits / (_SAMPLES * _SAMPLES) * (_LEVELS - 1))


def _in_glyph(x: float, y: float) -> bool:
    """A lowercase k inside the central 160 px: a stem, an arm and a leg."""
    stem = 62 <= x <= 92 and 35 <= y <= 195
    arm = stem or _near_segment(x, y, (92, 140), (160, 88), 15)
    return arm or (y <= 195 and _near_segment(x, y, (104, 128), (166, 195), 15))


def _near_segment(
    x: float, y: float, a: tuple[float, float], b: tuple[float, float], half_width: float
) -> bool:
    ax, ay = a
    bx, by = b
    margin = half_width + 1  # points this far outside the segment's box are surely not near it
    if not (min(ax, bx) - margin <= x <= max(ax, bx) + margin):
        return False
    if not (min(ay, by) - margin <= y <= max(ay, by) + margin):
        return False
    dx, dy = bx - ax, by - ay
    t = max(0.0, min(1.0, ((x - ax) * dx + (y - ay) * dy) / (dx * dx + dy * dy)))
    px, py = ax + t * dx, ay + t * dy
    return (x - px) ** 2 + (y - py) ** 2 <= half_width**2


def _blend(background: str, foreground: str, amount: float) -> tuple[int, int, int]:
    bg, fg = _rgb(background), _rgb(foreground)
    r, g, b = (round(c0 + (c1 - c0) * amount) for c0, c1 in zip(bg, fg, strict=True))
    return r, g, b


def _rgb(color: str) -> tuple[int, int, int]:
    value = int(color.lstrip("#"), 16)
    return (value >> 16) & 0xFF, (value >> 8) & 0xFF, value & 0xFF
