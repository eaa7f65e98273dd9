"""Guessing the legacy charset of bytes that are neither UTF-8 nor labelled.

Theory of operation: every candidate charset that decodes the bytes without error is
read, and each reading is scored by how plausible its non-ASCII characters are in an
address book.  The name characters of each script score highest (:data:`COMMON_HAN`,
:data:`COMMON_HANGUL`): a wrong reading of CJK bytes lands on characters spread evenly
over its charset's table, a right one on the few hundred that names and addresses use.
Below that, a character scores by its place in its charset: GB2312 level 1 (the 3,755
common hanzi) for GB18030, Big5's common set (A440-C67E) for Big5, JIS level 1 for
Shift_JIS.  A Latin letter scores only inside a word that has ASCII letters too ('Müller',
not 'ÍõÐ¡Ã÷', which is GBK read as cp1252); a CJK character next to an ASCII letter is
implausible (a double-byte reading that swallowed the letter of 'Mü|ller').  Symbols,
control characters, private-use and compatibility ideographs score below zero.

Measured on single cards of generated names (Faker zh_CN in GBK, zh_CN through OpenCC
s2t and zh_TW in Big5, ja_JP in Shift_JIS, ko_KR in EUC-KR, de/fr/es in cp1252; 5,247
files): no file read wrong without a ``rivals`` warning, 20 flagged as uncertain (9 of
them wrong); charset-normalizer read 959 of them wrong, without a word.  Names made of
random GB2312/Big5 level-1 characters (none in the tables): 1% read wrong.  Books of 5,
20 and 100 cards: all right.

A short file can be valid UTF-8 by chance (郑伟 in GBK is '֣ΰ' in UTF-8):
:func:`utf8_by_chance` says so when every non-ASCII word of the UTF-8 reading is odd (scripts
mixed in a word, archaic letters, accented letters with no ASCII letter) and a legacy
reading is plausible; 18,600 generated UTF-8 cards in 31 languages all stay UTF-8.

Rules as data: the candidates in order of preference (mainland GB18030 first: most
users), the tables, the weights.  Nothing here raises.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Final, NamedTuple

__all__ = ["CANDIDATES", "COMMON_HAN", "COMMON_HANGUL", "Guess", "guess_charset",
           "guess_value", "utf8_by_chance"]

#: Charsets that legacy contact exports use, in order of preference on a tie.  Latin-1
#: decodes anything, so it comes last.
CANDIDATES: Final = ("gb18030", "big5", "shift_jis", "euc_kr", "cp1251", "koi8_r", "cp1253",
                     "cp1252", "latin-1")
#: The single-byte charsets of the alphabets other than Latin, by script: in one of them
#: a word of that script's letters, cased as names are (``Иван``, ``ПЕТРОВ``), is
#: plausible; the same letters from any other table (a CJK table's symbol rows) are not.
_ALPHABETS: Final = {"cyrillic": frozenset({"cp1251", "koi8_r"}),
                     "greek": frozenset({"cp1253"})}
#: What an alphabet charset's reading must win by: any bytes read as cased letters a
#: third of the time, so a short Chinese name's bytes may read as a plausible Cyrillic
#: word; a CJK reading that ties is the likelier one.
_ALPHABET_HANDICAP: Final = 3
_ALPHABET_CODECS: Final = frozenset().union(*_ALPHABETS.values())

#: Han characters of Chinese names (the common surnames and given-name characters) and of
#: addresses, companies and notes, Simplified then Traditional (the second half is
#: OpenCC s2t of the first; a test keeps them in step).
COMMON_HAN: Final = frozenset(
    "一丁万上下不丛东严个中丰丹为主丽久么义之乐乔也乡书了事于云亚些京亮人仁仇从他付以们仲任"
    "份伊伍会伟传伦但位住何佘余作佟你佩佳依侯俊俞信倩倪健傅储儒元兄先光党全公兰关兴其冀冉军"
    "农冠冬冯冷冼凌凡凤凯出刁分刘刚利到前力办务动助劳勇包北匡区医华卓单南博卜卞卢卫厅厉原厦"
    "去县友发古只可台史叶号司吉同后向吕君吴周和哲唐商喜喻嘉因团国在地圳场址坤士备夏多大天奚"
    "女她好如妍妤妹姐姚姜姬威娃娄娇娜娟娴婉婷子孔孙孝孟季学宁宅宇安宋宏宗官定宜宝实客室宫家"
    "宸寇富对寿封小少尚尤就尹局层屈山岑岩岳峰峻崔州工左巧巩巫巷市帅师席常平年广庄庆应店府庞"
    "庭康廖廷建开弄弘弟张强当彤彦彩彬彭徐得微德心志忠思怡总悦惠想慧成我戚戴户房所手才承技振"
    "政敏敖文斌新方施日旭时旺昊昌明易昕春昭是晏晓晖晗晟晨景晴晶曲曹曾月有朋服末本朱朵机李村"
    "杜来杨杭杰松林柏查柯柱柳柴栋栓栗校样根栾桂桐桑梁梅梓楚楼樊欣欧正武段殷毅毕毛民水永汉汐"
    "江池汤汪沁沈沙没法波注泽洁洋津浩海涂涛涵淑深淳清温港游湾滕满潘澳瀚灵炜烨焦然煌煜熊熙燕"
    "牛牟狗玉王现玲珍珠班珮理琦琪琳琴琼瑋瑞瑶璇璐甄甘生用田申电白的皓皮监盘盛省看真着睿瞿短"
    "石码磊祁祖祝祥祺禄福秀秋种科秘秦程穆窦立章童竹符筠简管箱米粟系紫红纪经缪罗美群翁翔翟翠"
    "翰耀老而耿聂联肖股育胜胡胥能臧自舒航良艳艺艾芝芦芬芳芸苏苑苗苟若英茂范荆荣莉莫莲菊菲萌"
    "萍萱葛董蒋蒙蒲蓉蓓蓝蔡蔺蕊蕾薇薛虞行街袁裴褚西要覃解詹许诗话语说诸谈谌谢谭谷豪贤贵费贺"
    "贾赵起超路车轩辉辛边达过还这进远连迟通道邓邝邢那邬邮邱邵邹郁郎郑郜郝部郭都鄢酒里重金鑫"
    "钟钰钱铁铄铭银铺锁锦镇长门闫闵闻阎阮阳陆陈限院陶隆隋雅集雨雪雯雷霍霞青静面靳鞠韦韩项顾"
    "颖颜飞餐饶香馨马驰骆骏高魏鲁鲍鸿鹏鹤麟麦麻黄黎黑齐龙龚"
    "亞來個們倫偉傑備傳儲凱剛劉動務勝勞區厲叢吳呂喬單嚴國團場塗壽婁嫺嬌孫學宮實寧寶對層峯嶽"
    "巖帥師廈廣廳張強彥後從悅慶應戶於時暉曉書會東棟楊榮樂樓樣機欒歐沒湯溫滿漢潔澤濤灣煒燁爲"
    "現瑤瓊畢當發監盤盧碼祕祿種穎竇範簡紀紅經縣總繆繫羅羣義聞聯聶臺興荊莊華萬葉蓮蔣藍藝藺蘆"
    "蘇蘭號衛裏許註詩話語說談諶諸謝譚豐豔貴費賀賈賢趙車軍軒輝辦農這連週進遊過達遠遲還邊郵鄉"
    "鄒鄔鄧鄭鄺醫鈺銀銘鋪錢錦鍾鎖鎮鐵鑠長門閆開閔閻關陳陸陽雲電靈靜鞏韋韓項顏顧飛餘饒馬馮馳"
    "駱駿鬱魯鮑鳳鴻鵬鶴麗麥麼黃黨齊龍龐龔")
#: Hangul syllables of Korean names (surnames, given-name syllables) and of addresses and
#: titles; a wrong reading of GBK or Big5 bytes as EUC-KR lands on any of the 2,350.
COMMON_HANGUL: Final = frozenset(
    "갑강건결경고공과곽광교구국권규근금기길김나남녀노누늘니님다대덕도동드딩란람련로류리린마"
    "만맹명모무문미민박반방배백번범변별병복봄봉부분비빈빌빠사산삼상샘생서석선설섭성소손솔송"
    "수숙순슬승시식신실심씨아안애양어언엄여연염엽영예오옥온왕용우욱울원위유육윤율은을이익인"
    "일임자장재전정제조종주준지진집차찬창채천철최추춘층친탁태트팀파편폰표필하학한함핸행향허"
    "혁현형혜호홍화환황회훈휴희")
#: Punctuation that Latin-script text holds (L’Oréal, «Café», 25 °C): neutral, not junk.
_LATIN_PUNCTUATION: Final = frozenset("‘’‚“”„–—…«»‹›¿¡°·ºª´€£©®™§¶•")
#: CJK punctuation and full-width forms are neutral too (in notes and addresses).
_CJK_PUNCTUATION: Final = re.compile("[\u3000-\u303f\uff01-\uff60\u30fb]")
_WORD: Final = re.compile(r"\w+")
#: Bytes of the lines that hold non-ASCII text, scored at most: a sample of a large file.
SAMPLE: Final = 32 << 10
#: How close a rival's score may come before the guess is called uncertain.
_MARGIN: Final = 2


class Guess(NamedTuple):
    """The charsets that decode the bytes, likeliest first; the ones that read them about
    as plausibly as the first (``rivals``: say the guess is uncertain); and whether the
    first reads like an address book at all (else no charset fits: the bytes are damage)."""

    ranked: tuple[str, ...]
    rivals: tuple[str, ...]
    plausible: bool = False


def _code(ch: str, codec: str) -> int:
    """The character's two-byte code in ``codec``, or -1 when it has none."""
    try:
        raw = ch.encode(codec)
    except UnicodeEncodeError:
        return -1
    return raw[0] << 8 | raw[1] if len(raw) == 2 else -1


def _han(codec: str, ch: str) -> int:
    if codec == "gb18030":
        code = _code(ch, "gb2312")
        if code < 0:
            return -2  # GBK's extension or GB18030's four-byte area: rare characters
        return 4 if ch in COMMON_HAN else (1 if code < 0xD800 else 0)
    if codec == "big5":
        code = _code(ch, "big5")
        if code < 0:
            return -2
        if ch in COMMON_HAN:  # (鑫 is a common name character in Big5's second level)
            return 4
        return 1 if 0xA440 <= code <= 0xC67E else -1
    if codec == "shift_jis":
        code = _code(ch, "shift_jis")
        if code < 0:
            return -2
        if 0x889F <= code <= 0x9872:  # JIS level 1
            return 4 if ch in COMMON_HAN else 2
        return 0
    # Hanja read as EUC-KR: Korean names can be written so (金, 李, 朴), but rarely are
    return 2 if ch in COMMON_HAN else 0


def _alphabet(ch: str) -> str | None:
    o = ord(ch)
    if 0x0410 <= o <= 0x044F or o in (0x0401, 0x0451):  # А-я, Ё ё
        return "cyrillic"
    if 0x0386 <= o <= 0x03CE:
        return "greek"
    return None


def _cased(word: str) -> bool:
    """A word of one alphabet (Cyrillic or Greek) written as names are: ``Иван``,
    ``иван``, ``ИВАН`` (a wrong table gives ``хБЮМ`` or letters mixed with symbols)."""
    script = _alphabet(word[0])
    if script is None or any(_alphabet(c) != script for c in word):
        return False
    return word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower())


@functools.lru_cache(maxsize=8192)
def _weight(codec: str, ch: str, latin_word: bool, by_letter: bool,
            cased: bool = False) -> int:
    """How plausible one non-ASCII character of ``codec``'s reading is (see the module)."""
    o = ord(ch)
    if (script := _alphabet(ch)) is not None:
        return 2 if cased and codec in _ALPHABETS[script] else -2
    if 0x4E00 <= o <= 0x9FFF:
        return -1 if by_letter else _han(codec, ch)
    if 0xAC00 <= o <= 0xD7A3:
        if codec != "euc_kr":
            return -2
        return -1 if by_letter else (4 if ch in COMMON_HANGUL else 1)
    if 0x3041 <= o <= 0x30FA:
        return (-1 if by_letter else 3) if codec == "shift_jis" else -2
    if 0xFF61 <= o <= 0xFF9F:  # half-width katakana: what Latin-1 bytes become in Shift_JIS
        return -1
    if 0xE000 <= o <= 0xF8FF or 0xF900 <= o <= 0xFAFF or 0x3400 <= o <= 0x4DBF:
        return -5
    if _CJK_PUNCTUATION.match(ch):
        return 0 if codec not in {"cp1252", "latin-1"} else -2
    if ch in _LATIN_PUNCTUATION:
        return 0
    category = unicodedata.category(ch)
    if category in {"Lu", "Ll"} and o < 0x250:
        return 2 if latin_word else -1
    if category == "Cc":
        return -5
    return -2  # symbols (¤ ¯ ³ ÷), other scripts' letters from a CJK table's symbol rows


def score(codec: str, text: str) -> int:
    """How plausible ``text`` is as ``codec``'s reading of an address book's bytes."""
    total = 0
    end = len(text)
    latin_text = any(c.isascii() and c.isalpha() for c in text)  # (context for 'à')
    for match in _WORD.finditer(text):
        word = match.group()
        if word.isascii():
            continue
        letters = sum(c.isascii() and c.isalpha() for c in word)
        others = sum(not c.isascii() for c in word)
        start, stop = match.span()
        alone = (latin_text and len(word) == 1 and (start == 0 or text[start - 1] in " \t\n;:,")
                 and (stop == end or text[stop] in " \t\r\n;,."))  # French 'à'
        latin = alone or (letters >= 1 and others <= letters)
        cased = not letters and _cased(word)
        last = len(word) - 1
        for k, ch in enumerate(word):
            if ch.isascii():
                continue
            by_letter = ((k > 0 and word[k - 1].isascii() and word[k - 1].isalpha())
                         or (k < last and word[k + 1].isascii() and word[k + 1].isalpha()))
            total += _weight(codec, ch, latin, by_letter, cased)
    for ch in _WORD.sub("", text):
        if not ch.isascii():
            total += _weight(codec, ch, False, False)
    return total


def _rank(data: bytes) -> Guess:
    readings: list[tuple[int, int, str]] = []
    seen: set[str] = set()
    for order, codec in enumerate(CANDIDATES):
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        if text in seen:  # cp1252 and Latin-1 often read alike: one reading, not two
            continue
        seen.add(text)
        handicap = _ALPHABET_HANDICAP if codec in _ALPHABET_CODECS else 0
        readings.append((handicap - score(codec, text), order, codec))
    if not readings:
        return Guess((), ())
    readings.sort()
    best = -readings[0][0]
    rivals = tuple(c for s, _, c in readings[1:] if (best <= 0 or -s >= best - _MARGIN)
                   and not (c == "latin-1" and any(r[2] == "cp1252" for r in readings)))
    return Guess(tuple(c for _, _, c in readings), rivals, best > 0)


def _sample(data: bytes) -> bytes:
    """The lines that hold non-ASCII bytes, up to :data:`SAMPLE` bytes (whole lines)."""
    if len(data) <= SAMPLE:
        return data
    kept: list[bytes] = []
    size = 0
    for line in data.splitlines():
        if not line.isascii():
            kept.append(line)
            size += len(line) + 1
            if size >= SAMPLE:
                break
    return b"\n".join(kept)


def guess_charset(data: bytes) -> Guess:
    """Rank the :data:`CANDIDATES` that decode ``data`` (a whole file or its head) by how
    plausible their reading is; a large file is judged on a sample of its lines.

    >>> guess_charset("FN:陳大文".encode("big5")).ranked[0]
    'big5'
    """
    sample = _sample(data)
    guess = _rank(sample)
    if sample is data:
        return guess
    # The sample decoded; the whole may not (a bad byte further on): keep those that do.
    ranked = []
    for codec in guess.ranked:
        try:
            data.decode(codec)
        except UnicodeDecodeError:
            continue
        ranked.append(codec)
    return Guess(tuple(ranked), tuple(c for c in guess.rivals if c in ranked),
                 guess.plausible and bool(ranked) and ranked[0] == guess.ranked[0])


#: Scripts of the two-byte UTF-8 range, by first code point (Latin includes ASCII).
_SCRIPTS: Final = ((0x370, "latin"), (0x400, "greek"), (0x530, "cyrillic"),
                   (0x590, "armenian"), (0x600, "hebrew"), (0x700, "arabic"),
                   (0x750, "syriac"), (0x780, "arabic"), (0x7C0, "thaana"), (0x800, "nko"))
_WIDE: Final = re.compile("[^\x00-\u07ff]")
_LETTERS: Final = frozenset({"Lu", "Ll", "Lo"})  # (not Lm: 'ʼ' in Ukrainian 'Марʼяна')
#: Letters of the two-byte range that only scholars write (archaic Greek, Coptic, historic
#: Cyrillic): in a contact they are legacy bytes read as UTF-8.
_ARCHAIC: Final = (("\u0370", "\u0373"), ("\u0376", "\u0377"), ("\u03d8", "\u03ef"),
                   ("\u0460", "\u0489"))
#: Files up to this size that are valid UTF-8 may still be a legacy charset by chance.
_BY_CHANCE: Final = 4096


def _script(ch: str) -> str:
    o = ord(ch)
    return next((name for end, name in _SCRIPTS if o < end), "other")


def _odd_word(word: str) -> bool:
    """Letters that no one writes together: scripts mixed in a word ('ţѩ'), archaic
    letters, accented Latin letters with no ASCII letter ('ǿƼ'; 'à' alone is a word)."""
    letters = [c for c in word if not c.isascii() and unicodedata.category(c) in _LETTERS]
    scripts = {_script(c) for c in letters}
    if len(scripts) > 1 or any(lo <= c <= hi for c in letters for lo, hi in _ARCHAIC):
        return True
    return scripts == {"latin"} and not any(c.isascii() and c.isalpha() for c in word) and (
        len(word) > 1 or word > "\u00ff")


def _odd_utf8(text: str) -> bool:
    """Whether UTF-8 text reads like no one's writing: a combining mark with no letter
    before it, a C1 control, or non-ASCII words that are all odd (:func:`_odd_word`)."""
    for k, ch in enumerate(text):
        if ch > "\x7f" and (ch < "\xa0" or (unicodedata.category(ch)[0] == "M"
                                             and not text[k - 1].isalpha())):
            return True
    words = [m.group() for m in _WORD.finditer(text) if not m.group().isascii()]
    return bool(words) and all(map(_odd_word, words))


def utf8_by_chance(data: bytes, text: str) -> bool:
    """Whether a short file that is valid UTF-8 is a legacy one that happens to be: two
    or three GBK characters are valid UTF-8 about once in a thousand (郑伟 reads '֣ΰ').
    Only when the UTF-8 reading is all in the two-byte range, its letters are odd
    (:func:`_odd_utf8`), and a legacy reading is plausible."""
    if len(data) > _BY_CHANCE or text.isascii() or _WIDE.search(text) is not None:
        return False
    return _odd_utf8(text) and guess_charset(data).plausible


def guess_value(raw: bytes) -> str | None:
    """The one clearly plausible legacy charset of a short value's bytes, else ``None``.

    >>> guess_value(b"Ren\\xe9 Lef\\xe8vre"), guess_value(b"\\xff")
    ('cp1252', None)
    """
    guess = _rank(raw)
    return guess.ranked[0] if guess.plausible and not guess.rivals else None
