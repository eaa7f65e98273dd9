"""Reading: bytes and sources to raw cards and findings (the first pipeline stage)."""

from ._csv import looks_like_contacts_csv, read_csv
from ._decode import Decoding, decode_bytes
from ._property import Property
from ._sources import Limits, Member, iter_members
from ._stream import read_head, stream_blocks
from ._vcard import Block, CardLimits, RawCard, iter_vcards, read_vcards

__all__ = [
    "Block",
    "CardLimits",
    "Decoding",
    "Limits",
    "Member",
    "Property",
    "RawCard",
    "decode_bytes",
    "iter_members",
    "iter_vcards",
    "looks_like_contacts_csv",
    "read_csv",
    "read_head",
    "read_vcards",
    "stream_blocks",
]
