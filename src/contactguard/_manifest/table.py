"""A manifest's whole-contact digests as one compact table, for checking a stream.

:func:`contactguard.verify_file` must tick off a million recorded digests as the contacts
of a copy stream by, and must not hold a Python object per recorded contact (an ``int``
or a ``bytes`` costs 50–60 bytes with its list slot; the entries themselves, kilobytes).
The table keeps, per entry, in flat buffers:

* its 16-byte digest, in manifest order (``bytearray``, 16 bytes);
* its entry number in a bucket index (``array("I")``, 4 bytes), buckets chosen by the
  digest's first 32 bits, which are uniformly spread (HMAC or salted SHA-256);
* the start of each bucket (``array("I")``, one per two to four entries: 1–2 bytes);
* whether a contact of the copy took it (``bytearray``, 1 byte).

That is 22–23 bytes an entry, and nothing else grows with the manifest.  Within a bucket
entries stay in manifest order, so of several identical recorded contacts the first
unticked one is taken first, as :func:`contactguard.verify` pairs them.

>>> table = DigestTable()
>>> table.append(bytes(range(16))); table.append(bytes(16)); table.freeze()
>>> table.take(bytes(16)), table.take(bytes(16)), table.taken(1), table.taken(0)
(True, False, True, False)
"""

from __future__ import annotations

import sys
from array import array
from typing import Final

__all__ = ["DIGEST_BYTES", "DigestTable"]

DIGEST_BYTES: Final = 16
_ORDER: Final = sys.byteorder


class DigestTable:
    """Digests appended one by one, then :meth:`freeze`, then :meth:`take` and :meth:`taken`."""

    __slots__ = ("_digests", "_order", "_shift", "_starts", "_taken", "taken_count")

    def __init__(self) -> None:
        self._digests = bytearray()
        self._order = array("I")
        self._starts = array("I", [0, 0])
        self._taken = bytearray()
        self._shift = 32
        self.taken_count = 0

    def __len__(self) -> int:
        return len(self._digests) // DIGEST_BYTES

    def append(self, digest: bytes) -> None:
        """Record the next entry's digest (exactly :data:`DIGEST_BYTES` bytes)."""
        if len(digest) != DIGEST_BYTES:
            raise ValueError(f"a manifest digest has {DIGEST_BYTES} bytes, not {len(digest)}")
        self._digests += digest

    def freeze(self) -> None:
        """Build the bucket index (linear: a counting sort by bucket, no comparisons)."""
        n = len(self)
        bits = max(0, n.bit_length() - 2)  # 2**bits buckets: n/4 < buckets <= n/2
        shift = 32 - bits
        starts = array("I", bytes(4 * ((1 << bits) + 1)))
        order = array("I", bytes(4 * n))
        with memoryview(self._digests) as raw, raw.cast("I") as words, \
                words[:: DIGEST_BYTES // 4] as firsts:  # each digest's first 32 bits
            for word in firsts:
                starts[(word >> shift) + 1] += 1
            for b in range(1, len(starts)):
                starts[b] += starts[b - 1]
            fill = array("I", starts)
            for i, word in enumerate(firsts):
                b = word >> shift
                order[fill[b]] = i
                fill[b] += 1
        self._starts, self._order, self._shift = starts, order, shift
        self._taken = bytearray(n)

    def take(self, digest: bytes) -> bool:
        """Tick off the first recorded entry with this digest not yet taken, if any."""
        b = int.from_bytes(digest[:4], _ORDER) >> self._shift
        digests, taken, order = self._digests, self._taken, self._order
        for pos in range(self._starts[b], self._starts[b + 1]):
            i = order[pos]
            at = i * DIGEST_BYTES
            if not taken[i] and digests[at : at + DIGEST_BYTES] == digest:
                taken[i] = 1
                self.taken_count += 1
                return True
        return False

    def taken(self, index: int) -> bool:
        """Whether entry ``index`` (in manifest order) was taken."""
        return bool(self._taken[index])

    @property
    def nbytes(self) -> int:
        """The bytes the table holds in its buffers (what it costs beyond a constant)."""
        return (len(self._digests) + self._order.itemsize * len(self._order)
                + self._starts.itemsize * len(self._starts) + len(self._taken))
