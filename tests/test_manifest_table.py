"""The compact digest table that streaming verification ticks a manifest off in."""

from __future__ import annotations

import os
import random

import pytest

from contactguard._manifest import DIGEST_BYTES, DigestTable


def _table(digests: list[bytes]) -> DigestTable:
    table = DigestTable()
    for d in digests:
        table.append(d)
    table.freeze()
    return table


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 1000, 4097])
def test_every_recorded_digest_is_taken_once_and_nothing_else(n: int) -> None:
    rnd = random.Random(n)
    digests = [rnd.randbytes(DIGEST_BYTES) for _ in range(n)]
    table = _table(digests)
    assert len(table) == n
    order = list(range(n))
    rnd.shuffle(order)
    assert all(table.take(digests[i]) for i in order)
    assert table.taken_count == n
    assert all(table.taken(i) for i in range(n))
    assert not any(table.take(d) for d in digests)  # each entry is taken once
    assert not table.take(os.urandom(DIGEST_BYTES))
    assert table.taken_count == n


def test_untaken_entries_are_the_ones_no_contact_matched() -> None:
    digests = [bytes([i]) * DIGEST_BYTES for i in range(10)]
    table = _table(digests)
    for i in (0, 3, 4, 9):
        assert table.take(digests[i])
    assert [i for i in range(10) if not table.taken(i)] == [1, 2, 5, 6, 7, 8]
    assert table.taken_count == 4


def test_identical_entries_are_taken_in_manifest_order() -> None:
    """Two identical recorded contacts and one copy: the first is intact, as verify()
    pairs them (so both functions name the same one missing)."""
    same = b"\x07" * DIGEST_BYTES
    other = b"\x08" * DIGEST_BYTES
    table = _table([other, same, other, same, same])
    assert table.take(same)
    assert [table.taken(i) for i in range(5)] == [False, True, False, False, False]
    assert table.take(same) and table.take(other)
    assert [table.taken(i) for i in range(5)] == [True, True, False, True, False]


def test_digests_sharing_their_first_bits_are_told_apart() -> None:
    """The bucket is chosen by the first 32 bits; the whole 16 bytes decide a match."""
    digests = [b"\xab\xcd\xef\x01" + bytes([i]) * 12 for i in range(50)]
    table = _table(digests)
    assert not table.take(b"\xab\xcd\xef\x01" + b"\xff" * 12)
    assert table.take(digests[37]) and table.taken(37)
    assert table.taken_count == 1


def test_a_digest_of_another_size_is_refused() -> None:
    table = DigestTable()
    with pytest.raises(ValueError, match="16 bytes"):
        table.append(b"\x00" * 32)


def test_the_table_costs_about_22_bytes_an_entry() -> None:
    """16 for the digest, 4 for the bucket index, 1-2 for bucket starts, 1 for the tick:
    what verify_file holds per recorded contact (docs/benchmarks.md)."""
    for n in (1 << 12, 3 << 12, 100_000):
        table = _table([os.urandom(DIGEST_BYTES) for _ in range(n)])
        assert 21 < table.nbytes / n <= 23 + 8 / n
