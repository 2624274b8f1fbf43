"""The connector icon at the size Dataverse stores: a PNG scaled to 144 x 144, deterministic.

Dataverse keeps a connector's ``iconblob`` as an image column of at most 144 x 144 pixels without
the full image (CanStoreFullImage False; learn.microsoft.com power-apps/developer/data-platform/
reference/entities/connector). The package icon is 230 x 230 (certification), so the solution
carries it scaled by area averaging. PNGs this reader does not handle (16 bits per sample,
interlaced) are carried as they are; validator rule SOL-02 then warns.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass

from generator.validate.rules.common import png_size
from generator.validate.solution import DATAVERSE_ICON_SIZE

_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
_MAX_SIDE = 4096  # larger icons are refused rather than decoded (memory stays bounded)


@dataclass(frozen=True)
class Image:
    """Straight RGBA pixels, row by row."""

    width: int
    height: int
    pixels: list[list[tuple[int, int, int, int]]]


def dataverse_icon(data: bytes) -> bytes:
    """The icon scaled to 144 x 144, or the bytes as they are when it is one or cannot be read."""
    if png_size(data) == (DATAVERSE_ICON_SIZE, DATAVERSE_ICON_SIZE):
        return data
    image = decode_png(data)
    if image is None:
        return data
    return encode_png(scale(image, DATAVERSE_ICON_SIZE, DATAVERSE_ICON_SIZE))


def decode_png(data: bytes) -> Image | None:
    """8-bit or palette/grey 1-8-bit, non-interlaced PNGs; None for anything else."""
    chunks = _chunks(data)
    if chunks is None or b"IHDR" not in chunks:
        return None
    width, height, depth, kind, _, _, interlace = struct.unpack(">IIBBBBB", chunks[b"IHDR"][:13])
    ok_depth = depth == 8 or (kind in (0, 3) and depth in (1, 2, 4))
    if (
        kind not in _CHANNELS
        or not ok_depth
        or interlace
        or not 0 < max(width, height) <= _MAX_SIDE
    ):
        return None
    try:
        raw = zlib.decompress(chunks.get(b"IDAT", b""))
    except zlib.error:
        return None
    rows = _unfilter(raw, width, height, _CHANNELS[kind] * depth)
    if rows is None:
        return None
    palette = _palette(chunks.get(b"PLTE", b""), chunks.get(b"tRNS", b""))
    pixels = [_rgba_row(row, width, kind, depth, palette) for row in rows]
    if any(p is None for p in pixels):
        return None
    return Image(width, height, [p for p in pixels if p is not None])


def _chunks(data: bytes) -> dict[bytes, bytes] | None:
    if not data.startswith(_SIGNATURE):
        return None
    found: dict[bytes, bytes] = {}
    at = len(_SIGNATURE)
    while at + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[at : at + 8])
        body = data[at + 8 : at + 8 + length]
        if len(body) != length:
            return None
        found[kind] = found.get(kind, b"") + body if kind == b"IDAT" else body
        at += 12 + length
        if kind == b"IEND":
            break
    return found


def _unfilter(raw: bytes, width: int, height: int, bits: int) -> list[bytes] | None:
    stride = (width * bits + 7) // 8
    step = max(1, bits // 8)
    if len(raw) < height * (stride + 1):
        return None
    rows: list[bytes] = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind > 4:
            return None
        for i in range(stride):
            left = line[i - step] if i >= step else 0
            up = previous[i]
            corner = previous[i - step] if i >= step else 0
            line[i] = (line[i] + _predict(kind, left, up, corner)) & 0xFF
        rows.append(bytes(line))
        previous = line
    return rows


def _predict(kind: int, left: int, up: int, corner: int) -> int:
    if kind == 1:
        return left
    if kind == 2:
        return up
    if kind == 3:
        return (left + up) // 2
    if kind == 4:
        guess = left + up - corner
        near = min(
            (abs(guess - left), 0, left), (abs(guess - up), 1, up), (abs(guess - corner), 2, corner)
        )
        return near[2]
    return 0


def _palette(plte: bytes, trns: bytes) -> list[tuple[int, int, int, int]]:
    colours = [tuple(plte[i : i + 3]) for i in range(0, len(plte) - 2, 3)]
    return [(c[0], c[1], c[2], trns[i] if i < len(trns) else 255) for i, c in enumerate(colours)]


def _samples(row: bytes, count: int, depth: int) -> list[int]:
    if depth == 8:
        return list(row[:count])
    per_byte = 8 // depth
    mask = (1 << depth) - 1
    return [(row[i // per_byte] >> (8 - depth * (i % per_byte + 1))) & mask for i in range(count)]


def _rgba_row(
    row: bytes, width: int, kind: int, depth: int, palette: list[tuple[int, int, int, int]]
) -> list[tuple[int, int, int, int]] | None:
    values = _samples(row, width * _CHANNELS[kind], depth)
    if kind == 3:
        if any(v >= len(palette) for v in values):
            return None
        return [palette[v] for v in values]
    if kind == 0:
        scale = 255 // ((1 << depth) - 1)
        return [(v * scale, v * scale, v * scale, 255) for v in values]
    if kind == 4:
        return [(g, g, g, a) for g, a in zip(values[0::2], values[1::2], strict=True)]
    if kind == 2:
        return [(r, g, b, 255) for r, g, b in zip(*(iter(values),) * 3, strict=True)]
    return [(r, g, b, a) for r, g, b, a in zip(*(iter(values),) * 4, strict=True)]


def _weights(source: int, target: int) -> list[list[tuple[int, float]]]:
    """For each target index, the source indexes it covers and how much of each (area)."""
    ratio = source / target
    result = []
    for t in range(target):
        start, end = t * ratio, (t + 1) * ratio
        cover = []
        s = int(start)
        while s < end and s < source:
            part = min(end, s + 1) - max(start, s)
            if part > 0:
                cover.append((s, part / ratio))
            s += 1
        result.append(cover)
    return result


def scale(image: Image, width: int, height: int) -> Image:
    """Area-averaged scaling with premultiplied alpha (no dark fringes at transparent edges)."""
    columns, lines = _weights(image.width, width), _weights(image.height, height)
    out = []
    for cover_y in lines:
        row = []
        for cover_x in columns:
            r = g = b = a = 0.0
            for y, wy in cover_y:
                source = image.pixels[y]
                for x, wx in cover_x:
                    pr, pg, pb, pa = source[x]
                    w = wx * wy * pa
                    r, g, b, a = r + pr * w, g + pg * w, b + pb * w, a + w
            if a <= 0:
                row.append((0, 0, 0, 0))
            else:
                row.append((round(r / a), round(g / a), round(b / a), round(a)))
        out.append(row)
    return Image(width, height, out)


def encode_png(image: Image) -> bytes:
    """An 8-bit RGBA PNG; stored deflate keeps the bytes identical on every zlib."""
    rows = b"".join(
        b"\x00" + bytes(channel for pixel in row for channel in pixel) for row in image.pixels
    )
    header = struct.pack(">IIBBBBB", image.width, image.height, 8, 6, 0, 0, 0)
    return b"".join(
        [
            _SIGNATURE,
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", zlib.compress(rows, 0)),
            _chunk(b"IEND", b""),
        ]
    )


def _chunk(kind: bytes, data: bytes) -> bytes:
    crc = zlib.crc32(kind + data) & 0xFFFFFFFF
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)
