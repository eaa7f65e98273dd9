"""A seeded corpus of address-book restores with ground truth, for measuring verify_restore.

``make_case(n, seed=..., restore_format=...)`` builds one backup (an iPhone vCard 3.0
export) and one restore of it in another vendor's spelling, and says for every backup
contact what really happened to it:

``untouched``
    the same values, only re-serialized in the restore format (vCard 2.1 quoted-printable,
    CSV columns, another PRODID, regenerated or absent UIDs, standard labels spelled the
    target's way);
``formatting``
    the same contact, but with value spellings a vendor changes on its own (``rewrites``
    names them: a phone written another way, N dropped or swapped, labels lost, birthday
    spelled ``19900517``, e-mail case, properties shuffled, ...);
``changed``
    real damage (``damaged`` names the vCard properties: TEL, EMAIL, ADR, NOTE, FN/N,
    PHOTO, BDAY; ``damages`` the kinds: one digit changed, mojibake, pinyin, ...);
``missing``
    not in the restore.

``Case.restore_origin[j]`` is the backup index of restore card ``j``;
``Case.duplicate_groups`` are backup contacts that are one person entered twice
(nickname variants, ``张伟`` and ``张伟 (公司)``, an HK name in hanzi and in Cantonese
romanization) sharing a phone or an e-mail address.

Everything is synthetic: names from common-name lists, e-mails at example.com/.org,
addresses on invented streets, phone numbers random digits kept only when
``phonenumbers.is_valid_number`` accepts them (service numbers are the real short codes:
10086, 95588, 12306, 110, 999, 911, ...).  Pure stdlib plus ``phonenumbers``; a seed gives
the same files byte for byte.  The module does not import contactguard.
"""

from __future__ import annotations

import base64
import csv
import datetime as dt
import io
import random
import struct
import unicodedata
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace

import phonenumbers
from phonenumbers import PhoneNumberFormat, PhoneNumberType

__all__ = [
    "DAMAGES",
    "FORMATS",
    "REWRITES",
    "Case",
    "Person",
    "Rates",
    "Tel",
    "Truth",
    "make_case",
    "make_people",
    "written_forms",
]

FORMATS = ("android21", "google_csv_new", "google_csv_old", "ios30")

#: Formatting-only rewrites a vendor makes on its own (ground truth: not a user change).
REWRITES = (
    "tel-format",        # a number written another way (national/international, IDD, (0), dashes)
    "fn-only",           # N dropped, FN kept
    "n-swapped",         # N:柳;陈 for FN 陈柳 (family and given swapped by a Western-order export)
    "n-split",           # no FN column: N only (Google CSV new style builds the name from N)
    "label-lost",        # X-ABLabel / custom label dropped
    "label-renamed",     # TYPE spelled cell/mobile/Cell, Mobile -> mobile
    "bday-form",         # 1990-05-17 -> 19900517 (or --0517 when there is no year)
    "bday-omit-year",    # iOS 1604-05-17;X-APPLE-OMIT-YEAR written as --05-17
    "email-case",        # Wei.Zhang@Example.COM -> wei.zhang@example.com
    "categories-split",  # CATEGORIES:a,b as two CATEGORIES lines, reordered
    "prop-order",        # properties shuffled inside the card
    "folding",           # lines folded at another width, or not at all
    "uid-regenerated",
    "uid-dropped",
    "note-crlf",         # a newline in NOTE written as CRLF (Android 2.1 quoted-printable)
    "photo-url",         # Google CSV: the photo is a URL, not data
    "company-no-fn",     # Google CSV new style: a company card has no name columns
)

#: Damage kinds -> the vCard properties they damage.
DAMAGES: dict[str, frozenset[str]] = {
    "tel-digit": frozenset({"TEL"}),
    "tel-lost": frozenset({"TEL"}),
    "email-lost": frozenset({"EMAIL"}),
    "adr-lost": frozenset({"ADR"}),
    "note-cut-255": frozenset({"NOTE"}),
    "note-fffd": frozenset({"NOTE"}),
    "note-emoji-stripped": frozenset({"NOTE"}),
    "name-mojibake": frozenset({"FN", "N"}),
    "name-fffd": frozenset({"FN", "N"}),
    "name-emoji-stripped": frozenset({"FN", "N"}),
    "name-pinyin": frozenset({"FN", "N"}),
    "photo-truncated": frozenset({"PHOTO"}),
    "bday-shift": frozenset({"BDAY"}),
}

# -- names ------------------------------------------------------------------------------

_PINYIN_TABLE = (
    "张:zhang 王:wang 李:li 赵:zhao 刘:liu 陈:chen 杨:yang 黄:huang 周:zhou 吴:wu 徐:xu "
    "孙:sun 马:ma 朱:zhu 胡:hu 郭:guo 何:he 林:lin 罗:luo 高:gao 郑:zheng 梁:liang 谢:xie "
    "宋:song 唐:tang 许:xu 韩:han 冯:feng 欧:ou 阳:yang 伟:wei 芳:fang 娜:na 秀:xiu 英:ying "
    "敏:min 静:jing 丽:li 强:qiang 磊:lei 军:jun 洋:yang 勇:yong 艳:yan 杰:jie 娟:juan 涛:tao "
    "明:ming 超:chao 兰:lan 霞:xia 平:ping 刚:gang 桂:gui 建:jian 华:hua 晓:xiao 东:dong "
    "文:wen 博:bo 子:zi 涵:han 雨:yu 桐:tong 浩:hao 然:ran 欣:xin 怡:yi 宇:yu 轩:xuan 海:hai "
    "燕:yan 柳:liu 志:zhi 国:guo 陳:chen 黃:huang 張:zhang 吳:wu 劉:liu 蔡:cai 楊:yang "
    "許:xu 鄭:zheng 謝:xie 大:da 美:mei 玲:ling 家:jia 豪:hao 淑:shu 芬:fen 俊:jun 傑:jie "
    "詠:yong 詩:shi 嘉:jia 偉:wei 雅:ya 婷:ting 冠:guan 君:jun 宏:hong 麗:li 軒:xuan")
#: Mandarin pinyin of every hanzi the name lists use (for the "hanzi turned into pinyin" damage).
PINYIN: dict[str, str] = dict(item.split(":") for item in _PINYIN_TABLE.split())
FAMILY_CN = ["张", "王", "李", "赵", "刘", "陈", "杨", "黄", "周", "吴", "徐", "孙", "马", "朱",
             "胡", "郭", "何", "林", "罗", "高", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
             "欧阳"]
GIVEN_CN = ["伟", "芳", "娜", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰",
            "娟", "涛", "明", "超", "秀兰", "霞", "平", "刚", "桂英", "建华", "晓东", "文博",
            "子涵", "雨桐", "浩然", "欣怡", "宇轩", "海燕", "柳", "志明", "国强"]
FAMILY_TC = ["陳", "黃", "李", "張", "林", "王", "吳", "劉", "蔡", "楊", "許", "鄭", "謝", "郭",
             "何", "梁"]
GIVEN_TC = ["大文", "志明", "美玲", "家豪", "淑芬", "俊傑", "詠詩", "嘉欣", "偉強", "雅婷",
            "冠宇", "怡君", "建宏", "麗華", "子軒"]
#: Cantonese romanizations as HK people write them (for hanzi/English duplicate pairs).
JYUTPING_FAMILY = {"陳": "Chan", "黃": "Wong", "李": "Lee", "張": "Cheung", "林": "Lam",
                   "王": "Wong", "吳": "Ng", "劉": "Lau", "蔡": "Choi", "楊": "Yeung",
                   "許": "Hui", "鄭": "Cheng", "謝": "Tse", "郭": "Kwok", "何": "Ho",
                   "梁": "Leung"}
JYUTPING_GIVEN = {"大文": "Tai Man", "志明": "Chi Ming", "美玲": "Mei Ling", "家豪": "Ka Ho",
                  "淑芬": "Suk Fan", "俊傑": "Chun Kit", "詠詩": "Wing Sze", "嘉欣": "Ka Yan",
                  "偉強": "Wai Keung", "雅婷": "Nga Ting", "冠宇": "Kwun Yu", "怡君": "Yi Kwan",
                  "建宏": "Kin Wang", "麗華": "Lai Wah", "子軒": "Tsz Hin"}
FAMILY_W = ["Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis",
            "Taylor", "Wilson", "Evans", "Roberts", "Walker", "Wright", "Price", "O'Brien",
            "Müller", "Chan", "Wong", "Tan", "Lim", "Ng", "Nair", "Kumar", "Abdullah", "Dubois",
            "García", "Novák"]
GIVEN_W = ["James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
           "William", "Elizabeth", "Katherine", "David", "Sarah", "Thomas", "Emma", "Olivia",
           "Noah", "Sophie", "Chloé", "Zoë", "José", "Peter", "Mandy", "Kelvin", "Winnie",
           "Priya", "Arjun", "Siti", "Ahmad", "Søren"]
NICKNAMES = {"James": "Jim", "Robert": "Bob", "William": "Bill", "Elizabeth": "Liz",
             "Katherine": "Kate", "Michael": "Mike", "Thomas": "Tom", "David": "Dave"}
EMOJI = ["🌸", "🐱", "🎂", "🏀", "😊", "👍", "🌟"]  # all outside the BMP
CATEGORIES = ["同事", "家人", "朋友", "大学同学", "Family", "Friends", "Work", "VIP"]
TITLES = ["经理", "工程师", "Director", "Engineer", "Sales Manager", "經理", "会计"]
ORGS = {"CN": ["示例科技有限公司", "北京示例网络有限公司", "Example Ltd"],
        "HK": ["香港示例有限公司", "Example (HK) Ltd"], "TW": ["示例股份有限公司"],
        "US": ["Acme Corp", "Globex", "Initech"], "GB": ["Example Ltd", "Example plc"],
        "SG": ["Example Pte Ltd"]}
NOTE_SHORT = ["周末联系，电话不通时发短信", "Met at the conference, 2019, call after 6pm",
              "生日快乐🎂 记得买蛋糕", "Allergic to nuts, not shellfish", "老同学\n住在浦东",
              "Prefers WhatsApp 😊", "家长会认识的", "Ask for the invoice, ext. on file"]
NOTE_SENTENCES = ["This is a long note kept for years, with directions to the office.",
                  "Take the MTR to Central, exit D2, then walk five minutes uphill.",
                  "周一到周五上午九点到十二点在办公室，下午经常外出拜访客户。",
                  "Sister of a colleague; helped with the flat move in 2018, owes us dinner.",
                  "地址变更过两次，最新的是公司宿舍，快递请写前台代收。",
                  "Prefers calls over messages, but never before 10am on weekends.",
                  "孩子在同一所小学，三年级二班，家长群里的昵称是小雨妈妈。"]

# -- phone numbers ----------------------------------------------------------------------

REGIONS = ("CN", "HK", "TW", "US", "GB", "SG")
#: How one region's numbers get written from another region (international prefix).
_IDD_FROM = {"CN": "GB", "HK": "CN", "TW": "CN", "US": "CN", "GB": "CN", "SG": "CN"}
_CN_MOBILE = ["134", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158",
              "159", "182", "183", "187", "188", "130", "131", "132", "155", "156", "185",
              "186", "133", "153", "180", "181", "189", "177", "199"]
#: region -> kind -> national-number prefixes and total national-number length
_PLANS: dict[str, dict[str, list[tuple[str, int]]]] = {
    "CN": {"mobile": [(p, 11) for p in _CN_MOBILE],
           "fixed": [("10", 10), ("21", 10), ("20", 10), ("755", 11), ("571", 11),
                     ("28", 10)],
           "toll": [("400", 10)]},
    "HK": {"mobile": [("5", 8), ("6", 8), ("9", 8)], "fixed": [("2", 8), ("3", 8)]},
    "TW": {"mobile": [("9", 9)], "fixed": [("2", 9), ("4", 9), ("7", 8)]},
    "US": {"mobile": [(a, 10) for a in ("212", "646", "415", "617", "312", "206", "718")],
           "fixed": [(a, 10) for a in ("212", "646", "415", "617", "312", "206", "718")],
           "toll": [("800", 10), ("888", 10), ("877", 10)]},
    "GB": {"mobile": [("7", 10)], "fixed": [("20", 10), ("161", 10), ("131", 10)]},
    "SG": {"mobile": [("8", 8), ("9", 8)], "fixed": [("6", 8)]},
}
_TYPES = {"mobile": {PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE},
          "fixed": {PhoneNumberType.FIXED_LINE, PhoneNumberType.FIXED_LINE_OR_MOBILE},
          "toll": {PhoneNumberType.TOLL_FREE, PhoneNumberType.SHARED_COST}}
#: Real service numbers (valid short numbers of their region), with the contact name.
SERVICE = [("中国移动", "10086", "CN"), ("工商银行客服", "95588", "CN"),
           ("12306铁路客服", "12306", "CN"), ("报警", "110", "CN"), ("急救", "120", "CN"),
           ("HK Emergency", "999", "HK"), ("US Emergency", "911", "US"),
           ("SG Ambulance", "995", "SG"), ("UK Emergency", "999", "GB"),
           ("消防", "119", "TW")]


def random_number(rnd: random.Random, region: str, kind: str) -> str:
    """A random number valid per libphonenumber for ``region`` and ``kind``, as E.164."""
    plans = _PLANS[region].get(kind) or _PLANS[region]["fixed"]
    cc = phonenumbers.country_code_for_region(region)
    while True:
        prefix, length = rnd.choice(plans)
        nsn = prefix + "".join(str(rnd.randrange(10)) for _ in range(length - len(prefix)))
        num = phonenumbers.parse(f"+{cc}{nsn}")
        if (phonenumbers.is_valid_number(num) and phonenumbers.region_code_for_number(num)
                == region and phonenumbers.number_type(num) in _TYPES[kind]):
            return phonenumbers.format_number(num, PhoneNumberFormat.E164)


@dataclass(frozen=True)
class Written:
    """One spelling of a number: ``text`` is read as a user would, dialing from ``dial_from``."""

    text: str
    dial_from: str
    style: str


def written_forms(e164: str) -> list[Written]:
    """The ways vendors and users write one (non-short) number, all of which mean it."""
    num = phonenumbers.parse(e164)
    region = phonenumbers.region_code_for_number(num) or "ZZ"
    cc = str(num.country_code)
    nsn = phonenumbers.national_significant_number(num)
    nat = phonenumbers.format_number(num, PhoneNumberFormat.NATIONAL)
    intl = phonenumbers.format_number(num, PhoneNumberFormat.INTERNATIONAL)
    rest = intl.split(" ", 1)[1]
    out = [Written(nat, region, "national"), Written(intl, region, "international"),
           Written(e164, region, "e164"),
           Written("".join(c for c in nat if c.isdigit()), region, "national-compact"),
           Written(f"+{cc} {nsn}", region, "international-compact"),
           Written(f"00{cc} {nsn}", _IDD_FROM[region], "idd"),
           Written(f"+{cc} " + rest.replace(" ", "-"), region, "international-dashes")]
    if region == "US":
        d = nsn
        out += [Written(f"1-{d[:3]}-{d[3:6]}-{d[6:]}", region, "national-dashes"),
                Written(f"{d[:3]}-{d[3:6]}-{d[6:]}", region, "national-dashes"),
                Written(f"{d[:3]}.{d[3:6]}.{d[6:]}", region, "national-dots"),
                Written(f"+1 ({d[:3]}) {d[3:6]}-{d[6:]}", region, "international-ios"),
                Written(f"1 ({d[:3]}) {d[3:6]}-{d[6:]}", region, "national-ios")]
    else:
        out.append(Written(nat.replace(" ", "-"), region, "national-dashes"))
        if nat.startswith("0") and " " in nat:
            area, tail = nat.split(" ", 1)
            out.append(Written(f"{area}-{tail}", region, "national-dash-area"))
            if region in ("CN", "TW", "GB") and phonenumbers.number_type(num) in \
                    _TYPES["fixed"] - {PhoneNumberType.FIXED_LINE_OR_MOBILE}:
                out.append(Written(f"({area}) {tail}", region, "national-parens-area"))
            if region in ("TW", "GB"):
                out.append(Written(f"+{cc} (0){rest}", region, "international-trunk"))
        if region == "CN" and nsn.startswith("1") and len(nsn) == 11:
            out.append(Written(f"+86 {nsn[:3]}-{nsn[3:7]}-{nsn[7:]}", region,
                               "international-dashes"))
            out.append(Written(f"0086 {nsn}", "GB", "idd"))
    return list({w.text: w for w in reversed(out)}.values())[::-1]  # first spelling wins


_EXT_STYLES: dict[str, Callable[[str], str]] = {
    "x": lambda e: f" x{e}", "ext.": lambda e: f" ext. {e}", "转": lambda e: f" 转 {e}",
    ";ext=": lambda e: f";ext={e}", ",": lambda e: f",{e}"}


@dataclass(frozen=True)
class Tel:
    """One phone of a person: the number, how it is written in the backup, its label."""

    e164: str                # E.164, or the short code itself for service numbers
    region: str
    label: str               # mobile, iPhone, home, work, other, or a custom label
    base: Written            # the number part as written (without the extension)
    ext: str = ""
    ext_style: str = ""
    short: bool = False
    damaged: bool = False    # restore side: the digits are no longer this number's

    @property
    def text(self) -> str:
        return self.base.text + (_EXT_STYLES[self.ext_style](self.ext) if self.ext else "")

    def rewritten(self, base: Written) -> Tel:
        return replace(self, base=base)


@dataclass(frozen=True)
class Address:
    label: str               # home, work
    components: tuple[str, ...]  # PO box, extended, street, locality, region, code, country
    country_code: str        # ISO, lower case (iOS X-ABADR)


@dataclass(frozen=True)
class Person:
    """What the user has for one contact, as the iPhone backup holds it."""

    index: int
    region: str
    family: str
    given: str
    middle: str
    fn: str
    tels: tuple[Tel, ...]
    emails: tuple[tuple[str, str], ...] = ()   # (address, label)
    addresses: tuple[Address, ...] = ()
    org: str = ""
    title: str = ""
    bday: str = ""           # YYYY-MM-DD, or --MM-DD without a year
    note: str = ""
    photo: bytes | None = None
    categories: tuple[str, ...] = ()
    company: bool = False    # a company card (N empty, X-ABShowAs:COMPANY)
    uid: str = ""

    @property
    def cjk(self) -> bool:
        return any("\u4e00" <= c <= "\u9fff" for c in self.family + self.given)


def tiny_png(rnd: random.Random, size: int = 12) -> bytes:
    """A valid ``size`` x ``size`` RGB PNG with random pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (struct.pack(">I", len(data)) + kind + data
                + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF))
    raw = b"".join(b"\x00" + rnd.randbytes(3 * size) for _ in range(size))
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _uuid(rnd: random.Random) -> str:
    h = f"{rnd.getrandbits(128):032X}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def _pinyin(hanzi: str) -> str:
    return "".join(PINYIN[c] for c in hanzi).capitalize()


#: Street-name stems: a real book's addresses spread over many streets, so two people who
#: only share a common name rarely share a street as well.
_STREETS_ZH = ["示例", "样板", "测试", "和平", "建国", "人民", "解放", "中山", "新华", "友谊",
               "光明", "胜利", "幸福", "长江", "黄河", "东风", "朝阳", "文化", "学院", "科技"]
_STREETS_EN = ["Sample", "Oak", "Maple", "Cedar", "Elm", "Pine", "Hill", "Lake", "Park",
               "Church", "Mill", "King", "Queen", "High", "Grove", "Bridge"]


def _address(rnd: random.Random, region: str, label: str) -> Address:
    n = rnd.randrange(1, 300)
    zh, en = rnd.choice(_STREETS_ZH), rnd.choice(_STREETS_EN)
    comps: tuple[str, ...]
    if region == "CN":
        street, city, prov, code = rnd.choice([
            (f"朝阳区{zh}路{n}号", "北京", "北京市", f"1000{rnd.randrange(10, 99)}"),
            (f"浦东新区{zh}大道{n}号", "上海", "上海市", "200120"),
            (f"南山区{zh}园路{n}号", "深圳", "广东省", "518057")])
        comps = ("", "", street, city, prov, code, "中国")
    elif region == "HK":
        comps = ("", "", rnd.choice([f"{zh}道{n}號{rnd.randrange(2, 40)}樓",
                                     f"Flat {n % 20 + 1}, {rnd.randrange(2, 40)}/F, "
                                     f"{en} House, {n} {en} Road"]),
                 rnd.choice(["Central", "旺角", "Sha Tin"]), "", "", "Hong Kong")
    elif region == "TW":
        comps = ("", "", f"{zh}路四段{n}號", "台北市", "", f"1{rnd.randrange(10, 99)}", "台灣")
    elif region == "US":
        comps = ("", "", f"{n} {en} Avenue" + ("\nApt 4B" if n % 7 == 0 else ""),
                 rnd.choice(["New York", "Boston", "San Francisco"]),
                 rnd.choice(["NY", "MA", "CA"]), f"{rnd.randrange(10000, 99999)}",
                 "United States")
    elif region == "GB":
        comps = ("", "", f"{n} {en} Road", rnd.choice(["London", "Manchester"]), "",
                 rnd.choice(["EC1A 1BB", "M1 1AE", "SW1A 2AA"]), "United Kingdom")
    else:
        comps = ("", "", f"{n} {en} Street #0{n % 9 + 1}-{n % 40 + 10}", "Singapore", "",
                 f"{rnd.randrange(100000, 999999)}", "Singapore")
    return Address(label, comps, region.lower())


def _written_for(rnd: random.Random, e164: str, home: str) -> Written:
    forms = written_forms(e164)
    region = phonenumbers.region_code_for_number(phonenumbers.parse(e164))
    national = [w for w in forms if w.style.startswith("national")]
    if region == home:
        pool = national if rnd.random() < 0.7 else forms
    else:  # foreign numbers mostly international, sometimes as on the business card
        pool = national if rnd.random() < 0.35 else [w for w in forms if w not in national]
    return rnd.choice(pool)


class _Book:
    """Generator state: the seed's random stream and the numbers/e-mails already used."""

    def __init__(self, rnd: random.Random, home: str) -> None:
        self.rnd = rnd
        self.home = home
        self.used: set[str] = set()

    def number(self, region: str, kind: str) -> str:
        while True:
            e = random_number(self.rnd, region, kind)
            if e not in self.used:
                self.used.add(e)
                return e

    def tel(self, region: str, kind: str, label: str) -> Tel:
        e = self.number(region, kind)
        ext = style = ""
        if kind == "fixed" and label in ("work", "公司", "Office", "办公室") and \
                self.rnd.random() < 0.3:
            ext = str(self.rnd.randrange(10, 9999))
            style = self.rnd.choice(list(_EXT_STYLES))
        return Tel(e, region, label, _written_for(self.rnd, e, self.home), ext, style)

    def email(self, local: str, label: str) -> tuple[str, str]:
        rnd = self.rnd
        while True:
            addr = f"{local}{rnd.randrange(1, 999)}@{rnd.choice(['example.com', 'example.org'])}"
            if addr.lower() not in self.used:
                self.used.add(addr.lower())
                break
        if rnd.random() < 0.12:  # as some users type them
            user, domain = addr.split("@")
            addr = ".".join(p.capitalize() for p in user.split(".")) + "@" + domain.title()
        return addr, label


def _person(book: _Book, index: int, *, nickname_able: bool = False) -> Person:
    rnd = book.rnd
    region = rnd.choices(REGIONS, weights=(45, 15, 10, 12, 10, 8))[0]
    style = {"CN": "cn", "HK": "tc", "TW": "tc"}.get(region, "w")
    if region in ("HK", "SG") and rnd.random() < 0.4:
        style = "w" if region == "HK" else "cn"
    middle = ""
    if style == "cn":
        family, given = rnd.choice(FAMILY_CN), rnd.choice(GIVEN_CN)
    elif style == "tc":
        family, given = rnd.choice(FAMILY_TC), rnd.choice(GIVEN_TC)
    else:
        family = rnd.choice(FAMILY_W)
        given = rnd.choice(list(NICKNAMES) if nickname_able else GIVEN_W)
        if rnd.random() < 0.08:
            middle = rnd.choice(GIVEN_W)
    if rnd.random() < 0.03:
        given += rnd.choice(EMOJI)
    cjk = style != "w"
    fn = family + given if cjk else " ".join(x for x in (given, middle, family) if x)
    tels: list[Tel] = []
    first_label = rnd.choices(["mobile", "iPhone", "home"], weights=(70, 22, 8))[0]
    tels.append(book.tel(region, "mobile" if first_label != "home" else "fixed", first_label))
    for _ in range(rnd.choices((0, 1, 2), weights=(55, 33, 12))[0]):
        if rnd.random() < 0.15:  # a second region: the HK person with a CN mobile
            other = rnd.choice([r for r in REGIONS if r != region])
            tels.append(book.tel(other, "mobile", rnd.choice(["mobile", "other", "内地"])))
        else:
            label = rnd.choices(["work", "home", "other", "公司", "Office", "办公室", "屋企"],
                                weights=(40, 25, 8, 10, 7, 5, 5))[0]
            kind = "fixed" if label != "other" else "mobile"
            tels.append(book.tel(region, kind, label))
    local = (".".join(_pinyin(x).lower() for x in (family, given.rstrip("".join(EMOJI))))
             if style == "cn" and all(c in PINYIN for c in family + given.rstrip("".join(EMOJI)))
             else "user" if cjk else
             unicodedata.normalize("NFKD", f"{given.lower()}.{family.lower()}")
             .encode("ascii", "ignore").decode().replace("'", ""))
    emails = [book.email(local, "home")] if rnd.random() < 0.55 else []
    if rnd.random() < 0.15:
        emails.append(book.email(local or "work", "work"))
    addresses = [_address(rnd, region, rnd.choice(["home", "work"]))] \
        if rnd.random() < 0.25 else []
    org = rnd.choice(ORGS[region]) if rnd.random() < 0.3 else ""
    title = rnd.choice(TITLES) if org and rnd.random() < 0.5 else ""
    bday = ""
    if rnd.random() < 0.3:
        md = f"{rnd.randrange(1, 13):02d}-{rnd.randrange(1, 29):02d}"
        bday = f"--{md}" if rnd.random() < 0.1 else f"{rnd.randrange(1945, 2012)}-{md}"
    note = ""
    if rnd.random() < 0.05:
        parts: list[str] = []
        while sum(map(len, parts)) < 300:
            parts.append(rnd.choice(NOTE_SENTENCES))
        note = " ".join(parts)
    elif rnd.random() < 0.1:
        note = rnd.choice(NOTE_SHORT)
    photo = tiny_png(rnd, rnd.choice((8, 12, 16))) if rnd.random() < 0.06 else None
    cats = tuple(rnd.sample(CATEGORIES, rnd.choice((1, 1, 2)))) if rnd.random() < 0.3 else ()
    return Person(index, region, family, given, middle, fn, tuple(tels), tuple(emails),
                  tuple(addresses), org, title, bday, note, photo, cats, False, _uuid(rnd))


def _company(book: _Book, index: int, name: str, e164: str, region: str, *, short: bool
             ) -> Person:
    if short:
        tel = Tel(e164, region, "other", Written(e164, region, "short"), short=True)
    else:
        tel = Tel(e164, region, "work", _written_for(book.rnd, e164, book.home))
    return Person(index, region, "", "", "", name, (tel,), org=name, company=True,
                  uid=_uuid(book.rnd))


def _twin(book: _Book, base: Person, index: int) -> Person:
    """Another card for the person of ``base``: nickname, ``(公司)`` suffix or Cantonese
    romanization, sharing a phone or an e-mail with it."""
    rnd = book.rnd
    given, family, fn = base.given, base.family, base.fn
    if base.given in NICKNAMES:
        given = NICKNAMES[base.given]
        fn = " ".join(x for x in (given, base.middle, family) if x)
    elif base.family in JYUTPING_FAMILY and base.given in JYUTPING_GIVEN and rnd.random() < 0.5:
        family, given = JYUTPING_FAMILY[base.family], JYUTPING_GIVEN[base.given]
        fn = f"{given} {family}"
    elif base.cjk:
        suffix = rnd.choice([" (公司)", "(公司)", " 公司", " 工作"])
        given = base.given + suffix
        fn = family + given
    # else: the same name twice (an iCloud merge leftover)
    shared = rnd.random()
    tels: list[Tel] = []
    emails: list[tuple[str, str]] = []
    if shared < 0.6 or not base.emails:
        t = base.tels[0]
        forms = [w for w in written_forms(t.e164) if w.text != t.base.text]
        tels.append(replace(t, base=rnd.choice(forms) if rnd.random() < 0.6 else t.base))
        if rnd.random() < 0.4:
            tels.append(book.tel(base.region, "fixed", "work"))
    else:
        tels.append(book.tel(base.region, "mobile", "mobile"))
        emails.append(base.emails[0])
    if shared > 0.8 and base.emails and not emails:
        emails.append(base.emails[0])
    return replace(base, index=index, family=family, given=given, middle="", fn=fn,
                   tels=tuple(tels), emails=tuple(emails), addresses=(), note="", photo=None,
                   bday=base.bday if rnd.random() < 0.5 else "", categories=(),
                   uid=_uuid(rnd))


def make_people(n: int, *, seed: int, home: str = "CN", duplicate_share: float = 0.03
                ) -> tuple[list[Person], list[tuple[int, ...]]]:
    """``n`` backup contacts and the intended duplicate groups (backup indexes)."""
    rnd = random.Random(seed)
    book = _Book(rnd, home)
    people: list[Person] = []
    groups: list[tuple[int, ...]] = []
    services = list(SERVICE) if n >= 100 else []
    n_service = len(services) + (max(1, n // 200) if n >= 100 else 0)
    service_at = set(rnd.sample(range(n), min(n_service, n)))
    while len(people) < n:
        i = len(people)
        if i in service_at:
            if services:
                name, code, region = services.pop(rnd.randrange(len(services)))
                people.append(_company(book, i, name, code, region, short=True))
            else:
                region = rnd.choice(["US", "CN"])
                name = rnd.choice(["Acme Airlines", "Globex Support"] if region == "US"
                                  else ["示例航空客服", "示例快递"])
                people.append(_company(book, i, name, book.number(region, "toll"), region,
                                       short=False))
            continue
        twin = len(people) < n - 1 and rnd.random() < duplicate_share / 2
        # most Western duplicates are a name and its nickname (James / Jim)
        p = _person(book, i, nickname_able=twin and rnd.random() < 0.7)
        people.append(p)
        if twin:
            people.append(_twin(book, p, len(people)))
            groups.append((i, i + 1))
    return people, groups


# -- damage and rewrites ----------------------------------------------------------------

@dataclass(frozen=True)
class Truth:
    """What really happened to one backup contact in the restore."""

    label: str                            # untouched, formatting, changed, missing
    rewrites: tuple[str, ...] = ()
    damaged: frozenset[str] = frozenset()  # vCard property names
    damages: tuple[str, ...] = ()
    restore_index: int | None = None


@dataclass(frozen=True)
class Rates:
    """Share of backup contacts per outcome (the rest are untouched)."""

    missing: float = 0.02
    changed: float = 0.03
    formatting: float = 0.40


@dataclass
class _Card:
    """A contact as one file spells it (mutable while rewrites and damage are applied)."""

    p: Person
    fn: str
    n: tuple[str, str, str] | None       # family, given, middle
    tels: list[Tel]
    emails: list[tuple[str, str]]
    addresses: list[Address]
    bday: str
    note: str
    photo: bytes | None
    categories: list[str]
    uid: str | None
    rewrites: list[str] = field(default_factory=list)
    damages: list[str] = field(default_factory=list)
    bday_basic: bool = False
    label_style: str = ""                # "", "lost", "renamed"
    shuffle: int | None = None
    fold: int = 75
    split_categories: bool = False


def _card(p: Person) -> _Card:
    return _Card(p, p.fn, None if p.company else (p.family, p.given, p.middle), list(p.tels),
                 list(p.emails), list(p.addresses), p.bday, p.note, p.photo,
                 list(p.categories), p.uid)


def _mojibake(text: str, rnd: random.Random) -> str:
    data = text.encode("utf-8")
    how = rnd.choice(["latin-1", "cp1252", "gbk-as-utf8", "utf8-as-gbk"])
    if how == "latin-1":
        return data.decode("latin-1")
    if how == "cp1252":
        return "".join(bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in data)
    if how == "gbk-as-utf8":
        return text.encode("gbk", errors="replace").decode("utf-8", errors="replace")
    return data.decode("gbk", errors="replace")


def _non_emoji(text: str) -> str:
    return "".join(c for c in text if ord(c) <= 0xFFFF)


def _fffd(text: str, rnd: random.Random) -> str:
    spots = [i for i, c in enumerate(text) if not c.isascii()] or list(range(len(text)))
    k = rnd.choice(spots)
    return text[:k] + "\ufffd" + text[k + 1:]


def _damage_options(c: _Card, fmt: str) -> list[str]:
    p = c.p
    name = p.fn
    out = ["tel-digit"] if c.tels else []
    if len(c.tels) > 1 or (c.tels and (c.emails or p.org)):
        out.append("tel-lost")
    if c.emails:
        out.append("email-lost")
    if c.addresses:
        out.append("adr-lost")
    if len(c.note) > 255:
        out.append("note-cut-255")
    if c.note:
        out.append("note-fffd")
    if _non_emoji(c.note) != c.note:
        out.append("note-emoji-stripped")
    if not p.company and not name.isascii():
        out += ["name-mojibake", "name-fffd"]
    if _non_emoji(name) != name:
        out.append("name-emoji-stripped")
    if p.cjk and all(ch in PINYIN for ch in p.family + _non_emoji(p.given)) and \
            _non_emoji(p.given) == p.given:
        out.append("name-pinyin")
    if c.photo and not fmt.startswith("google"):
        out.append("photo-truncated")
    if c.bday and not c.bday.startswith("--"):
        out.append("bday-shift")
    return out


def _set_name(c: _Card, f: Callable[[str], str]) -> None:
    c.fn = f(c.fn)
    if c.n:
        c.n = (f(c.n[0]), f(c.n[1]), f(c.n[2]))


def _damage(c: _Card, kind: str, rnd: random.Random) -> None:
    c.damages.append(kind)
    if kind == "tel-digit":
        i = rnd.randrange(len(c.tels))
        t = c.tels[i]
        text = t.base.text
        digits = [k for k, ch in enumerate(text) if ch.isdigit()][-6:]
        k = rnd.choice(digits)
        new = str((int(text[k]) + rnd.randrange(1, 10)) % 10)
        c.tels[i] = replace(t, base=replace(t.base, text=text[:k] + new + text[k + 1:]),
                            damaged=True)
    elif kind == "tel-lost":
        del c.tels[rnd.randrange(len(c.tels))]
    elif kind == "email-lost":
        del c.emails[rnd.randrange(len(c.emails))]
    elif kind == "adr-lost":
        del c.addresses[rnd.randrange(len(c.addresses))]
    elif kind == "note-cut-255":
        c.note = c.note[:255]
    elif kind == "note-fffd":
        c.note = _fffd(c.note, rnd)
    elif kind == "note-emoji-stripped":
        c.note = _non_emoji(c.note)
    elif kind == "name-mojibake":
        _set_name(c, lambda s: _mojibake(s, rnd) if s else s)
    elif kind == "name-fffd":
        assert c.n is not None
        k = next(k for k in (1, 0, 2) if not c.n[k].isascii())
        new = _fffd(c.n[k], rnd)
        c.fn = c.fn.replace(c.n[k], new, 1)
        c.n = tuple(new if j == k else x for j, x in enumerate(c.n))  # type: ignore[assignment]
    elif kind == "name-emoji-stripped":
        _set_name(c, _non_emoji)
    elif kind == "name-pinyin":
        fam, giv = _pinyin(c.p.family), _pinyin(c.p.given)
        c.n = (fam, giv, "")
        c.fn = f"{fam} {giv}" if rnd.random() < 0.5 else f"{giv} {fam}"
    elif kind == "photo-truncated":
        assert c.photo is not None
        c.photo = c.photo[:len(c.photo) * rnd.randrange(40, 80) // 100]
    elif kind == "bday-shift":
        y, m, d = map(int, c.bday.split("-"))
        day = dt.date(y, m, d) + dt.timedelta(days=rnd.choice((-1, 1)))
        c.bday = day.isoformat()


def _rewrite_options(c: _Card, fmt: str) -> list[str]:
    p = c.p
    out = []
    if any(not (t.short or t.damaged) for t in c.tels):
        out += ["tel-format"] * 3
    csv_new = fmt == "google_csv_new"
    if c.n and not csv_new:
        out.append("fn-only")
        if p.cjk:
            out.append("n-swapped")
    out += ["label-renamed", "label-lost"]
    if c.bday and fmt in ("ios30", "android21"):
        out.append("bday-form")
    if c.emails:
        out.append("email-case")
    if len(c.categories) > 1 and fmt in ("ios30", "android21"):
        out.append("categories-split")
    if fmt in ("ios30", "android21"):
        out += ["prop-order", "folding"]
    if fmt == "ios30":
        out += ["uid-regenerated", "uid-dropped"]
    return out


def _rewrite(c: _Card, kind: str, rnd: random.Random) -> None:
    if kind in ("n-swapped", "fn-only") and c.n is None:
        return  # after fn-only (or on a company card) there is no N to rewrite
    c.rewrites.append(kind)
    if kind == "tel-format":
        idx = [i for i, t in enumerate(c.tels) if not (t.short or t.damaged)]
        for i in rnd.sample(idx, rnd.randint(1, len(idx))):
            t = c.tels[i]
            forms = [w for w in written_forms(t.e164) if w.text != t.base.text]
            c.tels[i] = t.rewritten(rnd.choice(forms))
    elif kind == "fn-only":
        c.n = None
    elif kind == "n-swapped" and c.n is not None:
        c.n = (c.n[1], c.n[0], c.n[2])
    elif kind in ("label-lost", "label-renamed"):
        c.label_style = "lost" if kind == "label-lost" else "renamed"
    elif kind == "bday-form":
        c.bday_basic = True
    elif kind == "email-case":
        c.emails = [(a.lower() if a != a.lower() else a.split("@")[0].capitalize() + "@"
                     + a.split("@")[1].upper(), lab) for a, lab in c.emails]
    elif kind == "categories-split":
        c.categories.reverse()
        c.split_categories = True
    elif kind == "prop-order":
        c.shuffle = rnd.randrange(1 << 30)
    elif kind == "folding":
        c.fold = rnd.choice((0, 60, 74))
    elif kind == "uid-regenerated":
        c.uid = _uuid(rnd)
    elif kind == "uid-dropped":
        c.uid = None


# -- writers ----------------------------------------------------------------------------

def _esc30(text: str) -> str:
    return (text.replace("\\", "\\\\").replace(",", "\\,").replace(";", "\\;")
            .replace("\n", "\\n"))


def _fold(line: str, width: int = 75) -> str:
    if width == 0 or len(line) <= width:
        return line
    parts, rest = [line[:width]], line[width:]
    while rest:
        parts.append(" " + rest[:width - 1])
        rest = rest[width - 1:]
    return "\r\n".join(parts)


_IOS_TEL = {"mobile": "type=CELL;type=VOICE", "iPhone": "type=IPHONE;type=CELL;type=VOICE",
            "home": "type=HOME;type=VOICE", "work": "type=WORK;type=VOICE"}
_IOS_MAP = {"home": "HOME", "work": "WORK"}


def _shuffled(lines: list[list[str]], seed: int | None) -> list[list[str]]:
    if seed is None:
        return lines
    out = list(lines)
    random.Random(seed).shuffle(out)
    return out


def ios_card(c: _Card, *, prodid: str = "-//Apple Inc.//iPhone OS 17.4//EN",
             rev: str | None = None) -> str:
    """A card as an iPhone exports it (vCard 3.0, item groups, X-ABLabel)."""
    p = c.p
    blocks: list[list[str]] = []  # one block per property (an item group stays together)
    item = 0
    renamed = c.label_style == "renamed"
    if c.n is not None:
        blocks.append(["N:" + ";".join(map(_esc30, c.n)) + ";;"])
    elif p.company:
        blocks.append(["N:;;;;"])
    blocks.append([f"FN:{_esc30(c.fn)}"])
    if p.org:
        blocks.append([f"ORG:{_esc30(p.org)};"])
    if p.title:
        blocks.append([f"TITLE:{_esc30(p.title)}"])
    for k, (addr, label) in enumerate(c.emails):
        typ = f"type=INTERNET;type={_IOS_MAP.get(label, 'OTHER')}"
        if renamed:
            typ = typ.lower()
        blocks.append([f"EMAIL;{typ}{';type=pref' if k == 0 else ''}:{addr}"])
    for k, t in enumerate(c.tels):
        pref = ";type=pref" if k == 0 else ""
        if t.label in _IOS_TEL and c.label_style != "lost":
            typ = _IOS_TEL[t.label]
            blocks.append([f"TEL;{typ.lower() if renamed else typ}{pref}:{t.text}"])
        elif c.label_style == "lost":
            blocks.append([f"TEL{';type=VOICE' if t.label in _IOS_TEL else ''}{pref}:{t.text}"])
        else:
            item += 1
            lab = "_$!<Other>!$_" if t.label == "other" else _esc30(t.label)
            blocks.append([f"item{item}.TEL{pref}:{t.text}", f"item{item}.X-ABLabel:{lab}"])
    for k, a in enumerate(c.addresses):
        item += 1
        pref = ";type=pref" if k == 0 else ""
        blocks.append([f"item{item}.ADR;type={a.label.upper()}{pref}:"
                       + ";".join(map(_esc30, a.components)),
                       f"item{item}.X-ABADR:{a.country_code}"])
    if c.note:
        blocks.append([f"NOTE:{_esc30(c.note)}"])
    if c.bday:
        if c.bday.startswith("--"):
            md = c.bday[2:]
            blocks.append([f"BDAY:--{md.replace('-', '')}" if c.bday_basic else
                           f"BDAY;X-APPLE-OMIT-YEAR=1604;value=date:1604-{md}"])
        else:
            value = c.bday.replace("-", "") if c.bday_basic else c.bday
            blocks.append([f"BDAY;value=date:{value}"])
    if c.categories:
        if c.split_categories:
            blocks.extend([f"CATEGORIES:{_esc30(x)}"] for x in c.categories)
        else:
            blocks.append(["CATEGORIES:" + ",".join(map(_esc30, c.categories))])
    if p.company:
        blocks.append(["X-ABShowAs:COMPANY"])
    if c.photo:
        blocks.append(["PHOTO;ENCODING=b;TYPE=PNG:" + base64.b64encode(c.photo).decode()])
    if c.uid:
        blocks.append([f"UID:{c.uid}"])
    if rev:
        blocks.append([f"REV:{rev}"])
    lines = ["BEGIN:VCARD", "VERSION:3.0", f"PRODID:{prodid}"]
    lines += [x for b in _shuffled(blocks, c.shuffle) for x in b]
    lines.append("END:VCARD")
    return "".join(_fold(x, c.fold) + "\r\n" for x in lines)


def _qp_android(prefix: str, value: str) -> str:
    """``prefix`` + value in quoted-printable UTF-8, every byte encoded (as Android's
    VCardBuilder does), ';' between components kept, soft breaks keeping lines ≤ 75."""
    line = prefix
    lines: list[str] = []
    for ch in value:
        enc = ";" if ch == ";" else "".join(f"={b:02X}" for b in ch.encode("utf-8"))
        if len(line) + len(enc) > 74:
            lines.append(line + "=")
            line = ""
        line += enc
    lines.append(line)
    return "\r\n".join(lines)


def _prop21(name: str, params: str, value: str) -> str:
    if value.isascii() and "\n" not in value:
        return f"{name}{params}:{value}"
    return _qp_android(f"{name}{params};CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:", value)


def _esc21(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;")


_ANDROID_TEL = {"mobile": "CELL", "home": "HOME", "work": "WORK", "other": "VOICE"}


def android_card(c: _Card, *, uid: str | None) -> str:
    """A card as Android's contacts app exports it (vCard 2.1)."""
    p = c.p
    blocks: list[str] = []
    n = c.n if c.n is not None else (("", "", "") if p.company else None)
    if n is not None:
        blocks.append(_prop21("N", "", ";".join(map(_esc21, n)) + ";;"))
    blocks.append(_prop21("FN", "", _esc21(c.fn)))
    for k, t in enumerate(c.tels):
        typ = _ANDROID_TEL.get(t.label)
        if typ is None and t.label.isascii() and t.label.isalnum() and c.label_style != "lost":
            typ = f"X-{t.label}"
        if c.label_style == "lost":
            typ = None
        elif c.label_style == "renamed" and typ:
            typ = f"TYPE={typ.lower()}"
        params = (f";{typ}" if typ else "") + (";PREF" if k == 0 else "")
        blocks.append(f"TEL{params}:{t.text}")
    for k, (addr, label) in enumerate(c.emails):
        typ = {"home": "HOME", "work": "WORK"}.get(label, "")
        params = (f";{typ}" if typ else "") + (";PREF" if k == 0 and len(c.emails) > 1 else "")
        blocks.append(f"EMAIL{params}:{addr}")
    for a in c.addresses:
        blocks.append(_prop21("ADR", f";{a.label.upper()}", ";".join(map(_esc21, a.components))))
    if p.org:
        blocks.append(_prop21("ORG", "", _esc21(p.org)))
    if p.title:
        blocks.append(_prop21("TITLE", "", _esc21(p.title)))
    if c.note:
        blocks.append(_prop21("NOTE", "", _esc21(c.note.replace("\n", "\r\n"))))
    if c.bday:
        value = c.bday.replace("-", "") if c.bday_basic and not c.bday.startswith("--") else \
            ("--" + c.bday[2:].replace("-", "") if c.bday_basic else c.bday)
        blocks.append(f"BDAY:{value}")
    if c.categories:
        if c.split_categories:
            blocks.extend(_prop21("CATEGORIES", "", x) for x in c.categories)
        else:
            blocks.append(_prop21("CATEGORIES", "", ",".join(c.categories)))
    if c.photo:
        b64 = base64.b64encode(c.photo).decode()
        width = c.fold if c.fold else 10_000
        head = "PHOTO;ENCODING=BASE64;PNG:"
        first = width - len(head)
        photo = [head + b64[:first]]
        photo += [" " + b64[i:i + width - 1] for i in range(first, len(b64), width - 1)]
        blocks.append("\r\n".join(photo) + "\r\n")
    if uid:
        blocks.append(f"UID:{uid}")
    body = _shuffled([[b] for b in blocks], c.shuffle)
    return ("BEGIN:VCARD\r\nVERSION:2.1\r\n" + "".join(b[0] + "\r\n" for b in body)
            + "END:VCARD\r\n")


GOOGLE_NEW_NAMES = ["First Name", "Middle Name", "Last Name", "Phonetic First Name",
                    "Phonetic Middle Name", "Phonetic Last Name", "Name Prefix", "Name Suffix",
                    "Nickname", "File As", "Organization Name", "Organization Title",
                    "Organization Department", "Birthday", "Notes", "Photo", "Labels"]
GOOGLE_OLD_NAMES = ["Name", "Given Name", "Additional Name", "Family Name", "Yomi Name",
                    "Given Name Yomi", "Additional Name Yomi", "Family Name Yomi",
                    "Name Prefix", "Name Suffix", "Initials", "Nickname", "Short Name",
                    "Maiden Name", "Birthday", "Gender", "Location", "Billing Information",
                    "Directory Server", "Mileage", "Occupation", "Hobby", "Sensitivity",
                    "Priority", "Subject", "Notes", "Language", "Photo", "Group Membership"]
_ADR_COLS = ["Formatted", "Street", "City", "PO Box", "Region", "Postal Code", "Country",
             "Extended Address"]
_GOOGLE_LABEL = {"mobile": "Mobile", "home": "Home", "work": "Work", "other": "Other",
                 "iPhone": "iPhone"}


def _google_header(old: bool) -> list[str]:
    kind = "Type" if old else "Label"
    cols = list(GOOGLE_OLD_NAMES if old else GOOGLE_NEW_NAMES)
    for k in (1, 2):
        cols += [f"E-mail {k} - {kind}", f"E-mail {k} - Value"]
    for k in (1, 2, 3):
        cols += [f"Phone {k} - {kind}", f"Phone {k} - Value"]
    cols += [f"Address 1 - {kind}"] + [f"Address 1 - {x}" for x in _ADR_COLS]
    if old:
        cols += ["Organization 1 - Type", "Organization 1 - Name", "Organization 1 - Yomi Name",
                 "Organization 1 - Title", "Organization 1 - Department"]
    return cols


def google_row(c: _Card, rnd: random.Random, *, old: bool) -> dict[str, str]:
    """A contact as a Google Contacts CSV row (column name -> cell)."""
    p = c.p
    kind = "Type" if old else "Label"
    row: dict[str, str] = {}
    if c.n is not None:
        fam, giv, mid = c.n
        row["Given Name" if old else "First Name"] = giv
        row["Family Name" if old else "Last Name"] = fam
        row["Additional Name" if old else "Middle Name"] = mid
    if old:
        row["Name"] = c.fn
    if p.org:
        row["Organization 1 - Name" if old else "Organization Name"] = p.org
    if p.title:
        row["Organization 1 - Title" if old else "Organization Title"] = p.title
    if c.bday:
        row["Birthday"] = c.bday
    if c.note:
        row["Notes"] = c.note
    if c.photo:
        row["Photo"] = f"https://lh3.googleusercontent.com/contacts/{rnd.getrandbits(96):024x}"
    system = "* My Contacts" if old else "* myContacts"
    row["Group Membership" if old else "Labels"] = " ::: ".join([system, *c.categories])

    def label(lab: str, first: bool) -> str:
        if c.label_style == "lost":
            return ""
        text = _GOOGLE_LABEL.get(lab, lab)
        if c.label_style == "renamed":
            text = {"Mobile": "Cell", "Home": "home", "Work": "work"}.get(text, text.lower())
        return ("* " if first else "") + text
    for k, (addr, lab) in enumerate(c.emails[:2], 1):
        row[f"E-mail {k} - {kind}"] = label(lab, k == 1)
        row[f"E-mail {k} - Value"] = addr
    for k, t in enumerate(c.tels[:3], 1):
        row[f"Phone {k} - {kind}"] = label(t.label, False)
        row[f"Phone {k} - Value"] = t.text
    if c.addresses:
        a = c.addresses[0]
        comps = dict(zip(["PO Box", "Extended Address", "Street", "City", "Region",
                          "Postal Code", "Country"], a.components, strict=True))
        row[f"Address 1 - {kind}"] = _GOOGLE_LABEL.get(a.label, a.label)
        row["Address 1 - Formatted"] = "\n".join(
            x for x in (comps["Street"], " ".join(x for x in (comps["City"], comps["Region"],
                                                              comps["Postal Code"]) if x),
                        comps["Country"]) if x)
        for col, v in comps.items():
            row[f"Address 1 - {col}"] = v
    return row


# -- the case ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    """One backup, one restore of it, and what really happened to every backup contact."""

    seed: int
    restore_format: str
    backup_text: str
    restore_text: str
    people: tuple[Person, ...]
    truth: tuple[Truth, ...]
    restore_origin: tuple[int, ...]          # restore card -> backup index
    duplicate_groups: tuple[tuple[int, ...], ...]
    restore_tels: tuple[tuple[Tel, ...], ...]  # per restore card, the phones as written

    def indexes(self, label: str) -> list[int]:
        return [i for i, t in enumerate(self.truth) if t.label == label]

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(("untouched", "formatting", "changed", "missing"), 0)
        for t in self.truth:
            out[t.label] += 1
        return out


def _inherent(c: _Card, fmt: str) -> list[str]:
    """Rewrites the target format makes to every contact that has the feature."""
    out: list[str] = []
    p = c.p
    if fmt == "android21":
        if "\n" in c.note:
            out.append("note-crlf")
        if any(t.label not in _ANDROID_TEL and not (t.label.isascii() and t.label.isalnum())
               for t in c.tels) and c.label_style != "lost":
            out.append("label-lost")
    if fmt != "ios30" and c.bday.startswith("--") and not c.bday_basic:
        out.append("bday-omit-year")
    if fmt.startswith("google"):
        if c.photo:
            out.append("photo-url")
        if fmt == "google_csv_new" and p.company:
            out.append("company-no-fn")
        if fmt == "google_csv_new" and not p.company and c.n and \
                (c.fn != (c.n[0] + c.n[2] + c.n[1] if p.cjk else
                          " ".join(x for x in (c.n[1], c.n[2], c.n[0]) if x))):
            out.append("n-split")
    return [x for x in out if x not in c.rewrites]


def make_case(n_contacts: int, *, seed: int, restore_format: str = "android21",
              rates: Rates | None = None, home: str = "CN",
              duplicate_share: float = 0.03) -> Case:
    """A backup of ``n_contacts`` contacts and its restore in ``restore_format``.

    ``rates`` sets the share of missing, changed and formatting-only contacts (the rest are
    untouched).  A contact drawn as untouched whose data the target format cannot spell
    the same way (a photo in a CSV, a newline in a note on Android, a year-less iOS
    birthday) is labelled ``formatting`` with that rewrite: its values really differ.
    """
    if restore_format not in FORMATS:
        raise ValueError(f"restore_format must be one of {FORMATS}, not {restore_format!r}")
    rates = rates or Rates()
    people, groups = make_people(n_contacts, seed=seed, home=home,
                                 duplicate_share=duplicate_share)
    rnd = random.Random(f"{seed}/{restore_format}")
    backup = "".join(ios_card(_card(p)) for p in people)
    # Contacts whose data the target cannot spell the same way are formatting-only anyway;
    # the others are drawn so that the formatting share comes out at ``rates.formatting``.
    inherent = [bool(_inherent(_card(p), restore_format)) for p in people]
    pool = 1.0 - rates.missing - rates.changed
    share = sum(inherent) / max(1, len(people))
    extra = min(1.0, max(0.0, (rates.formatting / pool - share) / (1.0 - share))) \
        if pool > 0 and share < 1 else 0.0
    cards: list[_Card | None] = []
    for p in people:
        c = _card(p)
        draw = rnd.random()
        if draw < rates.missing:
            cards.append(None)
            continue
        if draw < rates.missing + rates.changed:
            options = _damage_options(c, restore_format)
            kinds = rnd.sample(options, 2 if len(options) > 2 and rnd.random() < 0.15 else 1)
            if "tel-digit" in kinds and "tel-lost" in kinds:
                kinds.remove("tel-lost")
            names = [k for k in kinds if k.startswith("name-")]
            kinds = [k for k in kinds if k not in names[1:]]  # one name damage at most
            if "note-cut-255" in kinds:  # cut first, then anything else to the note
                kinds.sort(key=lambda k: k != "note-cut-255")
            for k in kinds:
                _damage(c, k, rnd)
            if rnd.random() < 0.4:
                _rewrite(c, rnd.choice(_rewrite_options(c, restore_format)), rnd)
        elif rnd.random() < extra:
            options = _rewrite_options(c, restore_format)
            for k in dict.fromkeys(rnd.choices(options, k=rnd.choice((1, 1, 2, 3)))):
                _rewrite(c, k, rnd)
        cards.append(c)
    for card in cards:
        if card is not None:
            card.rewrites += _inherent(card, restore_format)
    order = [i for i, c in enumerate(cards) if c is not None]
    if restore_format.startswith("google"):
        rnd.shuffle(order)
    truth: list[Truth] = []
    position = {i: j for j, i in enumerate(order)}
    for i, card in enumerate(cards):
        if card is None:
            truth.append(Truth("missing"))
            continue
        damaged = frozenset().union(*(DAMAGES[k] for k in card.damages))
        if card.n is None:
            damaged -= {"N"}
        label = "changed" if card.damages else "formatting" if card.rewrites else "untouched"
        truth.append(Truth(label, tuple(card.rewrites), damaged, tuple(card.damages),
                           position[i]))
    restore = _write_restore([c for c in (cards[i] for i in order) if c], restore_format, rnd)
    return Case(seed, restore_format, backup, restore, tuple(people), tuple(truth),
                tuple(order), tuple(groups),
                tuple(tuple(c.tels) for c in (cards[i] for i in order) if c))


def _write_restore(cards: Sequence[_Card], fmt: str, rnd: random.Random) -> str:
    if fmt == "ios30":
        return "".join(ios_card(c, prodid="-//Apple Inc.//iPhone OS 18.1//EN",
                                rev=f"2024-11-{rnd.randrange(1, 29):02d}T0{rnd.randrange(10)}:"
                                    f"{rnd.randrange(60):02d}:00Z") for c in cards)
    if fmt == "android21":
        new_uids = rnd.random() < 0.5  # one export regenerates UIDs, another writes none
        return "".join(android_card(c, uid=f"{rnd.getrandbits(64):016x}" if new_uids else None)
                       for c in cards)
    old = fmt == "google_csv_old"
    header = _google_header(old)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(header)
    for c in cards:
        row = google_row(c, rnd, old=old)
        w.writerow([row.get(col, "") for col in header])
    return ("\ufeff" if old else "") + buf.getvalue()
