"""Reading: bytes and sources to raw cards and findings (the first pipeline stage)."""

from ._csv import looks_like_contacts_csv, read_csv
from ._decode import Decoding, decode_bytes
from ._property import Property
from ._sources import Limits, Member, iter_members
from ._vcard import RawCard, read_vcards

__all__ = [
    "Decoding",
    "Limits",
    "Member",
    "Property",
    "RawCard",
    "decode_bytes",
    "iter_members",
    "looks_like_contacts_csv",
    "read_csv",
    "read_vcards",
]
