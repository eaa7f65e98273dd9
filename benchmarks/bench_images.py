"""Our picture walkers against Pillow's verification, on 10,000 photos (#16).

Half whole, half damaged in the ways exports damage them (cut off, a byte run zeroed,
the base64 tail lost).  Reports time per photo and how many damaged photos each finds.

    python benchmarks/bench_images.py [--count 10000]
"""

from __future__ import annotations

import argparse
import io
import random
import time

from PIL import Image

from contactguard._detect.images import check_image


def _photos(count: int, rnd: random.Random) -> list[tuple[bytes, bool]]:
    out = []
    for n in range(count):
        fmt = "JPEG" if n % 3 else "PNG"
        side = rnd.choice((64, 96, 128, 256))
        img = Image.new("RGB", (side, side), (rnd.randrange(256), n % 256, 90))
        for _ in range(20):
            x, y = rnd.randrange(side), rnd.randrange(side)
            img.putpixel((x, y), (rnd.randrange(256), rnd.randrange(256), 0))
        buf = io.BytesIO()
        img.save(buf, fmt, quality=85)
        data = buf.getvalue()
        damaged = n % 2 == 1
        if damaged:
            kind = n % 6
            if kind in {1, 5}:
                data = data[: len(data) * rnd.randint(40, 90) // 100]   # cut off
            else:
                at = rnd.randrange(len(data) // 4, len(data) - 8)        # a run zeroed
                data = data[:at] + bytes(8) + data[at + 8:]
        out.append((data, damaged))
    return out


def _pillow(data: bytes) -> bool:
    """Whether Pillow calls it damaged: verify(), then a full decode (verify alone does
    not read JPEG scan data)."""
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.verify()
        with Image.open(io.BytesIO(data)) as im:
            im.load()
    except Exception:  # noqa: BLE001 - any failure means damaged
        return True
    return False


def _pillow_verify_only(data: bytes) -> bool:
    try:
        with Image.open(io.BytesIO(data)) as im:
            im.verify()
    except Exception:  # noqa: BLE001
        return True
    return False


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=10_000)
    args = ap.parse_args()
    photos = _photos(args.count, random.Random(16))
    damaged = sum(d for _, d in photos)
    for name, judge in (("contactguard check_image", lambda b: check_image(b) is not None),
                        ("Pillow verify()", _pillow_verify_only),
                        ("Pillow verify() + load()", _pillow)):
        t = time.perf_counter()
        said = [judge(b) for b, _ in photos]
        spent = time.perf_counter() - t
        found = sum(s and d for s, (_, d) in zip(said, photos, strict=True))
        false = sum(s and not d for s, (_, d) in zip(said, photos, strict=True))
        print(f"{name:28} {spent / len(photos) * 1e6:8.1f} µs/photo  "
              f"damaged found {found:,} of {damaged:,}  whole called damaged {false:,}")


if __name__ == "__main__":
    main()
