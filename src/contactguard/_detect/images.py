"""Damaged pictures and their base64 wrapping, found by walking the container structure.

Theory of operation (images)
----------------------------
A picture is checked by walking its container structure (PNG chunks with their CRCs, JPEG
segments up to the scan and then the end-of-image marker, GIF blocks and sub-blocks, the
size fields of WebP/HEIF/BMP/TIFF), which finds truncation and most damage without decoding
pixels.  Bulk data is never walked byte by byte: PNG CRCs use :func:`zlib.crc32` and the
JPEG scan is searched with :meth:`bytes.rfind`.
"""

from __future__ import annotations

import base64
import binascii
import re
import struct
import zlib
from collections.abc import Callable
from typing import Final
from urllib.parse import unquote_to_bytes

from .problems import ValueProblem

__all__ = ["check_image", "decode_base64", "sniff_image_type"]

_PNG_SIGNATURE: Final = b"\x89PNG\r\n\x1a\n"

#: HEIF major brands and the media type each stands for.
_HEIF_BRANDS: Final = {
    b"avif": "image/avif",
    b"avis": "image/avif",
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"heim": "image/heic",
    b"heis": "image/heic",
    b"hevc": "image/heic-sequence",
    b"hevx": "image/heic-sequence",
    b"mif1": "image/heif",
    b"msf1": "image/heif-sequence",
}

#: Leading bytes -> media type, for the formats whose magic is a plain prefix.
_MAGIC: Final = (
    (_PNG_SIGNATURE, "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
    (b"II+\x00", "image/tiff"),
    (b"MM\x00+", "image/tiff"),
    (b"BM", "image/bmp"),
)


def sniff_image_type(data: bytes) -> str | None:
    """The media type the leading bytes announce (``"image/png"``…), or None.

    Looks only at the magic bytes; :func:`check_image` validates the structure.

    >>> sniff_image_type(b"GIF89a...")
    'image/gif'
    """
    for magic, media_type in _MAGIC:
        if data.startswith(magic):
            return media_type
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    if data[4:8] == b"ftyp":
        brand = data[8:12]
        if brand == b"mif1" and b"avif" in data[16:_box_size(data)]:
            return "image/avif"
        return _HEIF_BRANDS.get(brand)
    return None


def _box_size(data: bytes) -> int:
    return min(len(data), struct.unpack_from(">I", data)[0]) if len(data) >= 4 else 0


def _bad(message: str) -> ValueProblem:
    return ValueProblem("bad-image", message)


def _short(data: bytes, fmt: str, what: str) -> ValueProblem:
    return _bad(f"{fmt} data ends after {len(data):,} of its bytes ({what})")


def _check_png(data: bytes) -> ValueProblem | None:
    pos, seen_idat, first = 8, False, True
    while True:
        if pos + 8 > len(data):
            return _short(data, "PNG", "no IEND chunk")
        length, ctype = struct.unpack_from(">I4s", data, pos)
        name = ctype.decode("latin-1")
        if length > 0x7FFFFFFF or not ctype.isalpha():
            return _bad(f"PNG chunk header at byte {pos:,} is damaged "
                        f"({name!r}, length {length:,})")
        end = pos + 12 + length
        if end > len(data):
            return _short(data, "PNG", f"no IEND chunk; cut inside a {name!r} chunk")
        (crc,) = struct.unpack_from(">I", data, end - 4)
        if zlib.crc32(data[pos + 4:end - 4]) != crc:
            return _bad(f"PNG chunk {name!r} at byte {pos:,} fails its CRC check (data damaged)")
        if first and ctype != b"IHDR":
            return _bad(f"PNG data does not start with an IHDR chunk (found {name!r})")
        if first:
            width, height = struct.unpack_from(">II", data, pos + 8) if length >= 8 else (0, 0)
            if length != 13 or width == 0 or height == 0:
                return _bad("PNG header chunk (IHDR) is malformed")
        first = False
        seen_idat = seen_idat or ctype == b"IDAT"
        if ctype == b"IEND":
            # bytes after IEND are harmless (some tools append metadata); accept them
            return None if seen_idat else _bad("PNG has no image data (no IDAT chunk)")
        pos = end


#: JPEG markers without a length field: TEM, RST0–7 (SOI/EOI are handled apart).
_JPEG_STANDALONE: Final = frozenset({0x01, *range(0xD0, 0xD8)})
#: Start-of-frame markers (SOF0–SOF15 except DHT, JPG and DAC).
_JPEG_SOF: Final = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def _check_jpeg(data: bytes) -> ValueProblem | None:
    pos, seen_sof = 2, False
    while True:
        # markers may be preceded by any number of 0xFF fill bytes
        while pos < len(data) and data[pos] == 0xFF and pos + 1 < len(data) \
                and data[pos + 1] == 0xFF:
            pos += 1
        if pos + 2 > len(data):
            return _short(data, "JPEG", "cut in its headers, before the image data")
        if data[pos] != 0xFF or data[pos + 1] == 0x00:
            return _bad(f"JPEG segment structure is damaged at byte {pos:,} "
                        f"(expected a marker, found {data[pos:pos + 2].hex(' ')})")
        marker = data[pos + 1]
        if marker in _JPEG_STANDALONE:
            pos += 2
            continue
        if marker == 0xD9:
            return _bad("JPEG data ends before any image data (no scan)")
        if marker == 0xD8:
            return _bad(f"JPEG has a second start-of-image marker at byte {pos:,}")
        if pos + 4 > len(data):
            return _short(data, "JPEG", "cut in its headers, before the image data")
        (length,) = struct.unpack_from(">H", data, pos + 2)
        if length < 2:
            return _bad(f"JPEG segment at byte {pos:,} has an impossible length {length}")
        end = pos + 2 + length
        if end > len(data):
            return _short(data, "JPEG", "cut in its headers, before the image data")
        seen_sof = seen_sof or marker in _JPEG_SOF
        if marker == 0xDA:
            if not seen_sof:
                return _bad("JPEG has no frame header (SOF) before its image data")
            # entropy-coded data stuffs every 0xFF with 0x00, so FF D9 can only be the
            # end-of-image marker; a truncated file has lost it
            if data.rfind(b"\xff\xd9", end) < 0:
                return _bad("JPEG data has no end-of-image marker (truncated)")
            return None
        pos = end


def _check_gif(data: bytes) -> ValueProblem | None:
    if len(data) < 13:
        return _short(data, "GIF", "cut in its header")
    width, height, packed = struct.unpack_from("<HHB", data, 6)
    if width == 0 or height == 0:
        return _bad("GIF logical screen has zero width or height")
    pos = 13 + (3 << ((packed & 7) + 1) if packed & 0x80 else 0)
    images = 0
    size = len(data)
    while True:
        if pos >= size:
            return _short(data, "GIF", "no trailer")
        block = data[pos]
        if block == 0x3B:
            return None if images else _bad("GIF has no image in it")
        if block == 0x2C:
            if pos + 10 > size:
                return _short(data, "GIF", "no trailer; cut in an image descriptor")
            flags = data[pos + 9]
            pos += 10 + (3 << ((flags & 7) + 1) if flags & 0x80 else 0)
            if pos >= size:
                return _short(data, "GIF", "no trailer; cut before the image data")
            if not 1 <= data[pos] <= 12:
                return _bad(f"GIF image data at byte {pos:,} has an invalid LZW code size")
            pos += 1
            images += 1
        elif block == 0x21:
            pos += 2
        else:
            return _bad(f"GIF block structure is damaged at byte {pos:,} "
                        f"(unexpected byte 0x{block:02X})")
        # data sub-blocks: a length byte, that many bytes, until a zero length
        while True:
            if pos >= size:
                return _short(data, "GIF", "no trailer; cut inside a data block")
            length = data[pos]
            pos += 1 + length
            if length == 0:
                break


def _check_webp(data: bytes) -> ValueProblem | None:
    if len(data) < 20:
        return _short(data, "WebP", "cut in its header")
    (riff_size,) = struct.unpack_from("<I", data, 4)
    if riff_size + 8 > len(data):
        return _bad(f"WebP data ends after {len(data):,} of its {riff_size + 8:,} bytes "
                    "(truncated)")
    if data[12:16] not in (b"VP8 ", b"VP8L", b"VP8X"):
        return _bad(f"WebP has an unknown first chunk {data[12:16]!r}")
    return None


def _check_heif(data: bytes) -> ValueProblem | None:
    pos, boxes = 0, set()
    while pos < len(data):
        if pos + 8 > len(data):
            return _short(data, "HEIF", "cut in a box header")
        size, kind = struct.unpack_from(">I4s", data, pos)
        if size == 1:
            if pos + 16 > len(data):
                return _short(data, "HEIF", "cut in a box header")
            (size,) = struct.unpack_from(">Q", data, pos + 8)
        elif size == 0:
            size = len(data) - pos
        if size < 8:
            return _bad(f"HEIF box at byte {pos:,} has an impossible size {size}")
        if pos + size > len(data):
            return _short(data, "HEIF", f"cut inside its {kind.decode('latin-1')!r} box")
        boxes.add(kind)
        pos += size
    # every real HEIC/AVIF keeps its pixels in an 'mdat' box; its absence means a cut
    missing = [repr(box.decode()) for box in (b"meta", b"mdat") if box not in boxes]
    return _bad(f"HEIF data has no {' or '.join(missing)} box") if missing else None


def _check_bmp(data: bytes) -> ValueProblem | None:
    if len(data) < 26:
        return _short(data, "BMP", "cut in its header")
    size, offset, header = struct.unpack_from("<I4xII", data, 2)
    if header not in (12, 16, 40, 52, 56, 64, 108, 124):
        return _bad(f"BMP has an unknown header size {header}")
    if size > len(data):
        return _bad(f"BMP data ends after {len(data):,} of its {size:,} bytes (truncated)")
    if not 14 + header <= offset <= len(data):
        return _bad(f"BMP pixel data offset {offset:,} is outside the file")
    return None


def _check_tiff(data: bytes) -> ValueProblem | None:
    order = "<" if data[:2] == b"II" else ">"
    if data[2:4] in (b"+\x00", b"\x00+"):  # BigTIFF: 8-byte offsets, 20-byte entries
        if len(data) < 16:
            return _short(data, "TIFF", "cut in its header")
        (ifd,) = struct.unpack_from(order + "Q", data, 8)
        count_size, entry_size = 8, 20
    else:
        if len(data) < 8:
            return _short(data, "TIFF", "cut in its header")
        (ifd,) = struct.unpack_from(order + "I", data, 4)
        count_size, entry_size = 2, 12
    if ifd < 8 or ifd + count_size > len(data):
        return _bad(f"TIFF directory offset {ifd:,} is outside the {len(data):,} bytes of data")
    (count,) = struct.unpack_from(order + ("Q" if count_size == 8 else "H"), data, ifd)
    if count == 0 or ifd + count_size + count * entry_size > len(data):
        return _short(data, "TIFF", "cut inside its first directory")
    return None


#: Media type -> structural check.  Rules as data: a new format is one entry here.
_CHECKERS: Final[dict[str, Callable[[bytes], ValueProblem | None]]] = {
    "image/png": _check_png,
    "image/jpeg": _check_jpeg,
    "image/gif": _check_gif,
    "image/webp": _check_webp,
    "image/avif": _check_heif,
    "image/heic": _check_heif,
    "image/heic-sequence": _check_heif,
    "image/heif": _check_heif,
    "image/heif-sequence": _check_heif,
    "image/bmp": _check_bmp,
    "image/tiff": _check_tiff,
}


def check_image(data: bytes) -> ValueProblem | None:
    """Validate the structure of a PHOTO/LOGO picture; None when it looks whole.

    PNG is walked chunk by chunk (lengths, CRC32, IHDR first, IDAT present, IEND; bytes after
    IEND are accepted), JPEG segment by segment up to the scan and then must have its
    end-of-image marker, GIF block by block down to the trailer.  WebP, HEIF/HEIC/AVIF, BMP
    and TIFF are recognised and their size fields checked.  Anything else is "not an image".
    Linear in the size of the data with no per-byte Python loop over pixel data (GIF
    sub-blocks are walked, 255 bytes a step).  Never raises.

    >>> check_image(b"<html><body>Not found</body></html>")
    ValueProblem(kind='bad-image', message="not an image: the data starts with b'<html><body>Not '", suggestion=None)
    """  # noqa: E501
    if not data:
        return _bad("image data is empty")
    media_type = sniff_image_type(data)
    if media_type is None:
        return _bad(f"not an image: the data starts with {bytes(data[:16])!r}")
    return _CHECKERS[media_type](data)


#: The first character that is neither base64 (standard or URL-safe "-_") nor whitespace.
_OUTSIDE_ALPHABET: Final = re.compile(r"[^A-Za-z0-9+/\-_]")
#: URL-safe spellings of "+" and "/", accepted because they are unambiguous.
_URLSAFE: Final = str.maketrans("-_", "+/")
_WHITESPACE: Final = re.compile(r"\s+")


def _bad_base64(message: str) -> tuple[None, ValueProblem]:
    return None, ValueProblem("bad-base64", message)


def decode_base64(text: str) -> tuple[bytes | None, ValueProblem | None]:
    """Decode a vCard base64 value (or a ``data:`` URI) leniently but honestly.

    Whitespace and line breaks anywhere are ignored, missing ``=`` padding is accepted
    silently (common in the wild), and so is the URL-safe alphabet.  A character outside
    the alphabet, padding in the middle, or a length no base64 text can have gives
    ``(None, problem)``.  A ``data:`` URI gives its payload (base64 or percent-encoded).

    >>> decode_base64("aGVs\\r\\n bG8")
    (b'hello', None)
    >>> decode_base64("data:image/png;base64,aGk=")
    (b'hi', None)
    """
    stripped = text.strip()
    if stripped[:5].lower() == "data:":
        header, comma, payload = stripped.partition(",")
        if not comma:
            return _bad_base64("data URI has no ',' before its data")
        if not header.lower().endswith(";base64"):
            return unquote_to_bytes(payload), None
        stripped = payload
    compact = _WHITESPACE.sub("", stripped)
    body = compact.rstrip("=")
    padding = len(compact) - len(body)
    outside = _OUTSIDE_ALPHABET.search(body)
    if outside is not None:
        index, ch = outside.start(), outside.group()
        if ch == "=":
            return _bad_base64(f"'=' padding inside the data, at character {index + 1:,}")
        return _bad_base64(f"character {ch!r} at position {index + 1:,} (ignoring "
                           "whitespace) is outside the base64 alphabet")
    if len(body) % 4 == 1:
        return _bad_base64(f"{len(body):,} base64 characters cannot be whole bytes "
                           "(one character too many or too few: truncated?)")
    if padding > 2 or (padding and (len(body) + padding) % 4):
        return _bad_base64(f"wrong '=' padding at the end ({padding} '=' after "
                           f"{len(body):,} characters)")
    body = body.translate(_URLSAFE) + "=" * (-len(body) % 4)
    try:
        return base64.b64decode(body, validate=True), None
    except binascii.Error as error:  # pragma: no cover - the checks above rule this out
        return _bad_base64(f"not valid base64 ({error})")
