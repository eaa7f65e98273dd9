"""Regenerate the Quick start example files (deterministic: same seed, same bytes).

    python examples/make_examples.py

* ``backup-iphone.vcf``: an iOS-style vCard 3.0 backup of 40 synthetic contacts (Chinese
  and Western names, a few photos, UIDs).
* ``restore-android.vcf``: what came back after restoring it on an Android phone and
  exporting again: vCard 2.1 with quoted-printable names, no UIDs, phone numbers
  reformatted, cards in another order, and these losses: 2 contacts deleted, 1 phone
  number with a changed digit, 1 photo dropped, 1 name with a broken quoted-printable
  escape, and the file cut off in its last card.

Everything is synthetic (see tests/books.py): no real person's data.
"""

from __future__ import annotations

import random
import sys
from dataclasses import replace
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from books import (  # noqa: E402 - after the path set-up above
    Person,
    android_card,
    change_one_digit,
    ios_backup,
    make_people,
    tiny_png,
)

SEED = 20240601


def people() -> list[Person]:
    """40 people; three of them with photos."""
    book = make_people(40, seed=SEED, cjk_share=0.55, photo_share=0.0)
    for key in (4, 17, 29):
        book[key] = replace(book[key], photo=tiny_png(key))
    return book


def restore(book: list[Person]) -> str:
    rnd = random.Random(SEED)  # noqa: S311 - reproducible synthetic data, not secrets
    kept = [p for p in book if p.key not in {8, 23}]                     # 2 deleted
    kept = [change_one_digit(p, rnd) if p.key == 12 else p for p in kept]  # 1 digit
    kept = [replace(p, photo=None) if p.key == 17 else p for p in kept]  # 1 photo dropped
    rnd.shuffle(kept)
    cards = [android_card(p, style=rnd.randrange(4)) for p in kept]
    # A broken quoted-printable escape in one name ("=E5=" followed by junk).
    for k, card in enumerate(cards):
        if "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:" in card:
            head, _, rest = card.partition("FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:")
            cards[k] = head + "FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=G" + rest[4:]
            break
    # The export was cut off inside its last card: no phone lines, no END:VCARD.
    last = cards[-1].split("\r\n")
    cut = next(i for i, line in enumerate(last) if line.startswith("TEL"))
    cards[-1] = "\r\n".join(last[:cut]) + "\r\n"
    return "".join(cards)


def main() -> None:
    book = people()
    (HERE / "backup-iphone.vcf").write_bytes(ios_backup(book).encode("utf-8"))
    (HERE / "restore-android.vcf").write_bytes(restore(book).encode("utf-8"))


if __name__ == "__main__":
    main()
