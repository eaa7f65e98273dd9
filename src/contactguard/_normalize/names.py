"""Names: Traditional/Simplified folding, romanization and blocking keys for people's names."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from typing import Any, Final

from .common import CACHE_SIZE, NameKey, NormalizedText, fixpoint, takes_text
from .text import _CJK_GAP, _HAN_CHAR, _HAN_RUN, _text_once


# OpenCC's converter loads its dictionaries once; building it per call would dominate.
# Both it and pypinyin (whose phrase tables take ~55 MB) are imported on first use, so
# reading and verifying, which never romanize, do not pay for them.  (Importing them emits
# no warnings as of OpenCC 1.4.2 / pypinyin 0.55.)
@functools.cache
def _t2s() -> Any:
    import opencc  # noqa: PLC0415 - heavy, and only names need it

    return opencc.OpenCC("t2s")

#: Punctuation inside names: separators become spaces (so "Zhang,Wei" has two tokens and
#: "爱新觉罗·溥仪" becomes one CJK run), typographic apostrophes become ASCII ones.
_NAME_TABLE: Final = {
    **dict.fromkeys(map(ord, ",.;:/\\()[]{}<>\"!?|·•‧・･∙⋅、，。"), " "),
    **dict.fromkeys(map(ord, "\u2018\u2019\u02bc\u02bb`´"), "'"),
}


def _t2s_run(match: re.Match[str]) -> str:
    return str(_t2s().convert(match.group()))


def _name_once(s: str) -> str:
    s = _text_once(s)
    if _HAN_CHAR.search(s):
        # Only Han runs go through OpenCC: the converter works on UTF-8 C strings and would
        # reject lone surrogates elsewhere in the value, and Latin text has nothing to convert.
        s = _HAN_RUN.sub(_t2s_run, s)
    s = " ".join(s.translate(_NAME_TABLE).split())
    return _CJK_GAP.sub("", s)


@takes_text
@functools.lru_cache(maxsize=CACHE_SIZE)
def normalize_name(raw: str) -> NormalizedText:
    """Fold a person's name: :func:`normalize_text`, Traditional → Simplified Chinese, CJK runs
    joined without spaces, and name punctuation (``,`` ``.`` ``·`` ``・`` …) turned into spaces.

    Apostrophes and hyphens are kept (``O'Brien``, ``Jean-Pierre``); typographic apostrophes
    become ``'``.

    >>> normalize_name("張 偉"), normalize_name("ZHANG, Wei"), normalize_name("爱新觉罗·溥仪")
    ('张伟', 'zhang wei', '爱新觉罗溥仪')
    >>> normalize_name("J.R.R. Tolkien")
    'j r r tolkien'
    """
    if raw.isascii():  # no folding or script conversion can reopen an ASCII result
        return NormalizedText(_name_once(raw))
    return NormalizedText(fixpoint(_name_once, raw))


#: Surnames whose everyday reading differs from the reading pypinyin picks for the character
#: alone (曾 is "ceng" in 曾经 but the surname is "Zeng").  Applied only in the family-name slot.
_SURNAME_PINYIN: Final = {
    "曾": "zeng", "单": "shan", "解": "xie", "仇": "qiu", "朴": "piao", "查": "zha", "区": "ou",
    "乐": "yue", "缪": "miao", "盖": "ge", "覃": "qin", "翟": "zhai", "召": "shao", "种": "chong",
    "繁": "po", "员": "yun", "句": "gou", "纪": "ji", "华": "hua", "任": "ren", "沈": "shen",
    "秘": "bi", "葛": "ge", "尉迟": "yuchi", "万俟": "moqi", "长孙": "zhangsun",
}  # fmt: skip
#: Two-character surnames, so that a formatted 欧阳修 splits into 欧阳 + 修, not 欧 + 阳修.
_COMPOUND_SURNAMES: Final = frozenset({
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "司徒", "夏侯", "令狐", "端木", "澹台", "万俟", "轩辕", "独孤", "南宫", "西门", "呼延",
    "闻人", "百里", "东郭", "申屠", "太史", "钟离", "公羊", "赫连", "第五",
})  # fmt: skip


@functools.lru_cache(maxsize=CACHE_SIZE)
def _pinyin(han: str) -> tuple[str, ...]:
    """Toneless pinyin syllables of ``han`` (with ü), one per Han character.

    Cached: pypinyin costs ~15 µs a call, and given names and surnames repeat across a book.
    """
    import pypinyin  # noqa: PLC0415 - ~55 MB of tables, loaded on first romanization

    return tuple(str(p) for p in pypinyin.lazy_pinyin(han, v_to_u=True))


@functools.lru_cache(maxsize=4096)
def _surname_pinyin(family: str) -> str:
    return _SURNAME_PINYIN.get(family) or "".join(_pinyin(family))


def _split_han_name(name: str) -> tuple[str, str] | None:
    """Family and given name of a Chinese name written as 2-4 Han characters, else ``None``."""
    if not 2 <= len(name) <= 4 or not _HAN_RUN.fullmatch(name):
        return None
    cut = 2 if name[:2] in _COMPOUND_SURNAMES and len(name) > 2 else 1
    return name[:cut], name[cut:]


def _romanize_once(s: str) -> str:
    s = normalize_name(s)
    if not _HAN_CHAR.search(s):
        return s
    split = _split_han_name(s)
    if split is not None:
        family, given = split
        parts = [_surname_pinyin(family), *_pinyin(given)]
    else:
        parts = list(_pinyin(s))
    return normalize_name(" ".join(parts))


@takes_text
@functools.lru_cache(maxsize=CACHE_SIZE)
def romanize(name: str) -> str:
    """The name with Han characters spelled in toneless pinyin, one syllable per character.

    Other text is kept as :func:`normalize_name` leaves it.  A name of two to four Han
    characters is read as Chinese family + given name, so surname readings apply (曾 → zeng).
    Japanese kanji are read as Chinese too: the result is a matching aid, not a transliteration.

    >>> romanize("張偉"), romanize("吕布"), romanize("曾小明"), romanize("Zhang Wei")
    ('zhang wei', 'lü bu', 'zeng xiao ming', 'zhang wei')
    """
    if name.isascii():
        return normalize_name(name)
    return fixpoint(_romanize_once, name)


#: Latin letters that do not decompose under NFKD but have an obvious ASCII spelling.
_LATIN_FOLD: Final = str.maketrans({
    "ø": "o", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "æ": "ae", "œ": "oe", "ı": "i",
})  # fmt: skip
#: Joiners inside a token that pinyin spellings use inconsistently (Xiao-Ming, Xi'an).
_JOINERS: Final = str.maketrans("", "", "'-\u2010\u2011")


def _loose(token: str) -> str:
    """ASCII-fold a romanized token: accents off Latin letters, joiners removed."""
    token = token.translate(_LATIN_FOLD).translate(_JOINERS)
    if token.isascii():
        return token
    out: list[str] = []
    prev_ascii = False
    for ch in unicodedata.normalize("NFKD", token):
        if prev_ascii and unicodedata.combining(ch):
            continue  # only marks on Latin letters: Indic vowel signs are spelling
        out.append(ch)
        prev_ascii = ch.isascii()
    return unicodedata.normalize("NFC", "".join(out))


def _keys_from_tokens(variants: Iterable[list[str]]) -> set[NameKey]:
    keys: set[NameKey] = set()
    for tokens in variants:
        loose = [t for t in map(_loose, tokens) if t]
        if loose:
            keys.add(NameKey("p:" + " ".join(sorted(loose))))
            keys.add(NameKey("i:" + "".join(sorted(t[0] for t in loose))))
    return keys


def _keys_for(name: str, han_split: tuple[str, str] | None) -> set[NameKey]:
    """Keys of one normalized name; ``han_split`` is its (family, given) when Chinese."""
    # A stray hyphen or apostrophe between words is no part of the name.
    tokens = [t for t in name.split() if t.translate(_JOINERS)]
    if not tokens:
        return set()
    name = " ".join(tokens)
    keys = {NameKey("t:" + " ".join(sorted(tokens)))}
    # One syllable per token: matches "Xiao Ming Wang" and the Latin-only names.
    variants = [romanize(name).split()]
    if han_split is not None and all(han_split):
        # Pinyin orthography: family and given name each one word ("Wang Xiaoming").
        family, given = han_split
        variants.append([_surname_pinyin(family), "".join(_pinyin(given))])
        variants.append([_surname_pinyin(family), *_pinyin(given)])
    keys |= _keys_from_tokens(variants)
    return keys


@functools.lru_cache(maxsize=CACHE_SIZE)
def _name_keys(family: str, given: str, formatted: str) -> frozenset[NameKey]:
    keys: set[NameKey] = set()
    fam, giv = normalize_name(family), normalize_name(given)
    if fam or giv:
        # Family first: order does not matter to the sorted keys, and CJK names are written so.
        structured = normalize_name(f"{fam} {giv}")
        split = (fam, giv) if _HAN_RUN.fullmatch(fam + giv) else None
        keys |= _keys_for(structured, split)
    whole = normalize_name(formatted)
    if whole:
        keys |= _keys_for(whole, _split_han_name(whole))
    return frozenset(keys)


@takes_text
def name_keys(*, family: str = "", given: str = "", formatted: str = "") -> frozenset[NameKey]:
    """Blocking keys for a person's name: two names that share a key may be the same person.

    Keys from the structured name (``family``/``given``) and from the ``formatted`` name are
    pooled.  Three kinds, prefixed so they never collide:

    ``t:``  the tokens of :func:`normalize_name`, sorted ("Wei Zhang" = "Zhang, Wei");
    ``p:``  the romanized tokens (:func:`romanize`), accents and hyphens off, sorted, so 張偉,
            张伟 and "Wei Zhang" meet; a Chinese name also gets the "family givenname" spelling
            (王小明 = "Wang Xiaoming");
    ``i:``  the sorted initials of each ``p:`` key ("i:wz" for Zhang Wei).

    >>> sorted(name_keys(formatted="張偉"))
    ['i:wz', 'p:wei zhang', 't:张伟']
    >>> sorted(name_keys(family="Zhang", given="Wei"))
    ['i:wz', 'p:wei zhang', 't:wei zhang']
    >>> name_keys(formatted="  ")
    frozenset()
    """
    return _name_keys(family, given, formatted)


#: How Hong Kong, Macau and Taiwan write common surnames in Latin letters (Hong Kong
#: Government Cantonese romanization, Wade-Giles and their usual variants), beside pinyin.
#: Traditional and Simplified forms share an entry (``陈/陳``).  Rules as data: add a surname here.
SURNAME_SPELLINGS: Final = {
    "陈/陳": "chan chen chin tan", "李": "lee li lei", "张/張": "cheung chang chong teo",
    "黄/黃": "wong huang ng oei", "刘/劉": "lau liu lao", "梁": "leung liang neo",
    "林": "lam lin lim", "郑/鄭": "cheng chung teh", "谢/謝": "tse hsieh chia sia",
    "郭": "kwok kuo kok", "蔡": "choi tsai chua", "何": "ho", "许/許": "hui hsu koh",
    "吴/吳": "ng wu goh", "王": "wong wang ong", "杨/楊": "yeung yang yeo", "周": "chow chou chau",
    "徐": "tsui hsu chee", "孙/孫": "suen sun sng", "马/馬": "ma mah", "朱": "chu chue",
    "胡": "wu hu oh", "高": "ko kao koh", "罗/羅": "law lo lo", "叶/葉": "yip yeh yap",
    "冯/馮": "fung feng", "邓/鄧": "tang teng", "曾": "tsang tseng chang", "彭": "pang peng",
    "萧/蕭": "siu hsiao seow", "潘": "poon pan phua", "袁": "yuen yuan", "麦/麥": "mak mai",
    "卢/盧": "lo lu loo", "苏/蘇": "so su soh", "蒋/蔣": "tseung chiang", "唐": "tong tang",
    "宋": "sung song", "韩/韓": "hon han", "钟/鍾": "chung chong", "龙/龍": "lung long",
    "邱": "yau chiu khoo", "余": "yu yee", "石": "shek shih", "文": "man wen",
    "严/嚴": "yim yen", "江": "kong chiang kang", "范": "fan", "方": "fong fang hong",
    "温/溫": "wan wen woon", "区/區": "au ou", "欧阳/歐陽": "auyeung ouyang", "司徒": "szeto situ",
}  # fmt: skip

_SURNAME_INDEX: Final = {
    form: frozenset(spellings.split())
    for forms, spellings in SURNAME_SPELLINGS.items() for form in forms.split("/")
}


def surname_spellings(han: str) -> frozenset[str]:
    """The Latin spellings of a Han surname used in Hong Kong, Macau and Taiwan (lower case).

    >>> sorted(surname_spellings("陳"))
    ['chan', 'chen', 'chin', 'tan']
    >>> "auyeung" in surname_spellings("歐陽")
    True
    """
    return _SURNAME_INDEX.get(han, frozenset())


@functools.cache
def _nicknamer() -> Any:
    # The carltonnorthern/nicknames dataset (Apache-2.0, hand-curated, ~1,100 English given
    # names with their diminutives): loaded once, on the first pair that needs it.
    from nicknames import NickNamer  # noqa: PLC0415 - data loaded only when needed

    return NickNamer()


@functools.lru_cache(maxsize=1 << 14)
def is_diminutive(a: str, b: str) -> bool:
    """``a`` and ``b`` are a given name and its diminutive (Bill/William, Jim/James), or two
    diminutives of one name, per the nicknames dataset.

    >>> is_diminutive("bill", "william"), is_diminutive("liz", "elizabeth")
    (True, True)
    >>> is_diminutive("john", "james")
    False
    """
    a, b = a.casefold(), b.casefold()
    if a == b or not a.isascii() or not b.isascii() or len(a) < 2 or len(b) < 2:
        return False
    names = _nicknamer()
    return b in names.nicknames_of(a) or a in names.nicknames_of(b)
