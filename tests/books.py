"""Generated address books for tests, benchmarks and the shipped examples.

Everything here is synthetic: names are drawn from common-name lists, phone numbers from
ranges reserved for drama/fiction where the numbering plan has one (UK 020 7946 0xxx) or
random valid mobile ranges, emails at example.com/example.org.  A fixed seed gives the
same book byte for byte.
"""

from __future__ import annotations

import base64
import quopri
import random
import struct
import zlib
from dataclasses import dataclass, field, replace

FAMILY_CN = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "马", "朱",
             "胡", "郭", "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯"]
GIVEN_CN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
            "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "晓东", "文博",
            "子涵", "雨桐", "浩然", "欣怡", "宇轩", "梓萱", "国强", "志明", "海燕", "丹"]
FAMILY_W = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
            "Müller", "Schmidt", "García", "Martínez", "Dubois", "Rossi", "Nowak", "O'Brien",
            "Nguyen", "Kim", "Tanaka", "Silva", "Andersson", "Kowalski", "Jensen", "Novák"]
GIVEN_W = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
           "José", "Zoë", "François", "Søren", "Ana", "Łukasz", "Chloé", "Björn", "Aoife",
           "Mateo", "Olivia", "Noah", "Emma", "Liam", "Sofia", "Lucas", "Mia", "Ethan"]
CN_MOBILE_PREFIXES = ["134", "135", "136", "137", "138", "139", "150", "151", "152", "157",
                      "158", "159", "182", "183", "187", "188", "130", "131", "132", "155",
                      "156", "185", "186", "133", "153", "180", "181", "189", "177", "199"]
ORGS = ["Example Ltd", "示例科技有限公司", "Acme Corp", "北京示例公司", "Globex", "Initech"]


def tiny_png(seed: int = 0) -> bytes:
    """A valid 2x2 RGB PNG whose pixels depend on ``seed``."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    rnd = random.Random(seed)
    raw = b"".join(b"\x00" + bytes(rnd.randrange(256) for _ in range(6)) for _ in range(2))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


@dataclass(frozen=True)
class Person:
    """What a user entered for one contact, independent of any vCard spelling."""

    key: int
    family: str
    given: str
    phones: tuple[str, ...]          # E.164
    emails: tuple[str, ...] = ()
    org: str = ""
    bday: str = ""                   # YYYY-MM-DD
    note: str = ""
    photo: bytes | None = None
    cjk: bool = field(default=False, compare=False)

    @property
    def formatted(self) -> str:
        return f"{self.family}{self.given}" if self.cjk else f"{self.given} {self.family}"


def _cn_mobile(rnd: random.Random) -> str:
    return "+86" + rnd.choice(CN_MOBILE_PREFIXES) + f"{rnd.randrange(10**8):08d}"


def _other_phone(rnd: random.Random) -> str:
    kind = rnd.randrange(3)
    if kind == 0:
        return f"+4420794600{rnd.randrange(100):02d}"       # UK drama range
    if kind == 1:
        return f"+1650253{rnd.randrange(10000):04d}"         # US, a valid exchange
    return f"+3361234{rnd.randrange(10000):04d}"             # FR mobile


def make_people(n: int, *, seed: int = 1, cjk_share: float = 0.6,
                photo_share: float = 0.05) -> list[Person]:
    """``n`` distinct people; phone numbers and emails are unique across the book."""
    rnd = random.Random(seed)
    people: list[Person] = []
    used: set[str] = set()
    for key in range(n):
        cjk = rnd.random() < cjk_share
        if cjk:
            family, given = rnd.choice(FAMILY_CN), rnd.choice(GIVEN_CN)
        else:
            family, given = rnd.choice(FAMILY_W), rnd.choice(GIVEN_W)
        phones: list[str] = []
        for _ in range(rnd.choice((1, 1, 1, 2, 2, 3))):
            while True:
                p = _cn_mobile(rnd) if (cjk or rnd.random() < 0.3) else _other_phone(rnd)
                if p not in used:
                    used.add(p)
                    phones.append(p)
                    break
        emails = (f"user{key}.{rnd.randrange(10**6)}@example.com",) if rnd.random() < 0.6 else ()
        bday = (f"{rnd.randrange(1940, 2010)}-{rnd.randrange(1, 13):02d}-"
                f"{rnd.randrange(1, 29):02d}") if rnd.random() < 0.3 else ""
        org = rnd.choice(ORGS) if rnd.random() < 0.3 else ""
        note = "Met at the conference, 2019; call after 6pm" if rnd.random() < 0.1 else ""
        photo = tiny_png(key) if rnd.random() < photo_share else None
        people.append(Person(key, family, given, tuple(phones), emails, org, bday, note,
                             photo, cjk))
    return people


def _esc(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\n", "\\n"))


def _fold(line: str) -> str:
    if len(line) <= 75:
        return line
    parts = [line[:75]]
    rest = line[75:]
    while rest:
        parts.append(" " + rest[:74])
        rest = rest[74:]
    return "\r\n".join(parts)


def _ios_phone(e164: str) -> str:
    if e164.startswith("+86"):
        d = e164[3:]
        return f"+86 {d[:3]} {d[3:7]} {d[7:]}"
    if e164.startswith("+1"):
        d = e164[2:]
        return f"+1 ({d[:3]}) {d[3:6]}-{d[6:]}"
    return e164[:3] + " " + e164[3:]


def ios_card(p: Person, *, uid: str | None = None) -> str:
    """One card as iOS 17 exports it: vCard 3.0, item groups, X-ABLabel, unfolded PHOTO."""
    lines = ["BEGIN:VCARD", "VERSION:3.0", "PRODID:-//Apple Inc.//iPhone OS 17.4//EN",
             f"N:{_esc(p.family)};{_esc(p.given)};;;", f"FN:{_esc(p.formatted)}"]
    if p.org:
        lines.append(f"ORG:{_esc(p.org)};")
    for i, e in enumerate(p.emails):
        lines.append(f"EMAIL;type=INTERNET;type=HOME{';type=pref' if i == 0 else ''}:{e}")
    for i, tel in enumerate(p.phones, 1):
        typ = "type=CELL;type=VOICE" + (";type=pref" if i == 1 else "")
        lines.append(f"item{i}.TEL;{typ}:{_ios_phone(tel)}")
        lines.append(f"item{i}.X-ABLabel:_$!<Mobile>!$_")
    if p.bday:
        lines.append(f"BDAY;value=date:{p.bday}")
    if p.note:
        lines.append(f"NOTE:{_esc(p.note)}")
    if p.photo:
        lines.append("PHOTO;ENCODING=b;TYPE=PNG:" + base64.b64encode(p.photo).decode())
    if uid:
        lines.append(f"UID:{uid}")
    lines.append("END:VCARD")
    return "\r\n".join(_fold(x) for x in lines) + "\r\n"


def ios_backup(people: list[Person], *, uids: bool = True) -> str:
    return "".join(ios_card(p, uid=f"ios-{p.key:08d}" if uids else None) for p in people)


def _qp(text: str) -> str:
    enc = quopri.encodestring(text.encode("utf-8")).decode("ascii")
    # Android writes one long line, with soft breaks at 76 columns; quopri does the same.
    return enc.replace("=\n", "=\r\n")


def _android_phone(e164: str, style: int) -> str:
    if e164.startswith("+86"):
        d = e164[3:]
        return [f"{d[:3]} {d[3:7]} {d[7:]}", f"+86 {d[:3]}-{d[3:7]}-{d[7:]}", f"0086{d}",
                e164][style % 4]
    return [e164, e164[:3] + "-" + e164[3:], e164][style % 3]


def android_card(p: Person, *, uid: str | None = None, style: int = 0) -> str:
    """One card as Android exports it: vCard 2.1, quoted-printable UTF-8 names."""
    name = f"{p.family};{p.given};;;"
    lines = ["BEGIN:VCARD", "VERSION:2.1"]
    for prop, value in (("N", name), ("FN", p.formatted)):
        if value.isascii():
            lines.append(f"{prop}:{value}")
        else:
            lines.append(f"{prop};CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{_qp(value)}")
    for tel in p.phones:
        lines.append(f"TEL;CELL:{_android_phone(tel, style)}")
    for e in p.emails:
        lines.append(f"EMAIL;HOME:{e}")
    if p.org:
        org = p.org if p.org.isascii() else None
        lines.append(f"ORG:{org}" if org else
                     f"ORG;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{_qp(p.org)}")
    if p.bday:
        lines.append(f"BDAY:{p.bday}")
    if p.note:
        lines.append(f"NOTE;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:{_qp(p.note)}")
    if p.photo:
        b64 = base64.b64encode(p.photo).decode()
        lines.append("PHOTO;ENCODING=BASE64;PNG:" + b64[:70])
        lines.extend(" " + b64[i:i + 72] for i in range(70, len(b64), 72))
        lines.append("")
    if uid:
        lines.append(f"UID:{uid}")
    lines.append("END:VCARD")
    return "\r\n".join(lines) + "\r\n"


def android_export(people: list[Person], *, seed: int = 2, uids: bool = False) -> str:
    """Android re-export; with ``uids`` every card gets a new random UID (as a restore
    onto another phone regenerates them)."""
    rnd = random.Random(seed)
    return "".join(android_card(p, style=rnd.randrange(4),
                                uid=f"{rnd.getrandbits(64):016x}" if uids else None)
                   for p in people)


def change_one_digit(p: Person, rnd: random.Random) -> Person:
    """The same person with one digit of one phone number changed."""
    i = rnd.randrange(len(p.phones))
    tel = p.phones[i]
    pos = rnd.randrange(len(tel) - 4, len(tel))
    new_digit = str((int(tel[pos]) + 1 + rnd.randrange(8)) % 10)
    phones = list(p.phones)
    phones[i] = tel[:pos] + new_digit + tel[pos + 1:]
    return replace(p, phones=tuple(phones))
