"""Vietnamese text: names compared whatever the accent placement, and legacy TCVN3/VNI text read."""

from __future__ import annotations

import codecs
import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources

TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
# A syllable that ends in c, ch, p or t can only carry sắc or nặng: "tèt" is no word.
STOP_CODAS = ("c", "ch", "p", "t")
STOP_TONES = frozenset("\u0301\u0323")
WORD = re.compile(r"[^\W\d_]+")
LEGACY_NAMES = {"tcvn3": "TCVN3 (ABC)", "vni": "VNI"}


@dataclass(frozen=True)
class Reading:
    """A text as the kit reads it: Unicode NFC, converted from a legacy encoding where one was found."""

    text: str
    encoding: str  # "Unicode", "TCVN3 (ABC)" or "VNI"
    certain: bool = True  # False: legacy-looking text that no table converts into Vietnamese


@cache
def _tables() -> dict:
    raw = resources.files("reportkit").joinpath("data", "vietnamese.json").read_text(encoding="utf-8")
    return json.loads(raw)


@cache
def _letters() -> frozenset[str]:
    """Every letter Vietnamese is written with, both cases, and ASCII."""
    tables = _tables()
    lower = {c.lower() for c in (*tables["tcvn3"].values(), *tables["vni"].values())}
    vowels = "aăâeêioôơuưy"
    toned = {unicodedata.normalize("NFC", v + t) for v in vowels for t in TONE_MARKS}
    return frozenset({*lower, *toned, *(c.upper() for c in lower | toned), "đ", "Đ"})


@cache
def _legacy_characters() -> frozenset[str]:
    tables = _tables()
    keys = "".join(tables["tcvn3"]) + "".join(tables["vni"])
    return frozenset(c for c in keys if ord(c) > 127)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def lower_first(name: str) -> str:
    """A name inside a sentence: "Cơ sở Hội …" -> "cơ sở Hội …", "Huyện Cờ Đỏ" -> "huyện Cờ Đỏ"
    (ND30: the kind word is lower case mid-sentence; the proper name keeps its capitals)."""
    return name[:1].lower() + name[1:]


def clean_text(text: str) -> str:
    """A text read from a file as the kit keeps it: Unicode NFC, no surrounding white space."""
    return unicodedata.normalize("NFC", text.strip())


def split_tone(word: str) -> tuple[str, tuple[str, ...]]:
    """The word without its tone marks (NFC), and the tone marks it carried."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = tuple(c for c in decomposed if c in TONE_MARKS)
    return nfc("".join(c for c in decomposed if c not in TONE_MARKS)), tones


def name_key(text: str) -> str:
    """Equal for one name typed NFC or NFD, "Thủy" or "Thuỷ", "Hòa" or "Hoà", in any case or spacing."""
    words = []
    for word in nfc(text).casefold().split():
        base, tones = split_tone(word)
        # One tone per syllable: where it sits (old or new placement) says nothing more.
        words.append(base + "".join(sorted(tones)))
    return " ".join(words)


def is_vietnamese_word(word: str) -> bool:
    """A word spelled as a Vietnamese syllable: onset, rhyme, one tone that fits the rhyme."""
    base, tones = split_tone(word.casefold())
    if len(tones) > 1:
        return False
    tables = _tables()
    rhymes = set(tables["rhymes"])
    for onset in sorted(tables["onsets"], key=len, reverse=True):
        if not base.startswith(onset):
            continue
        rhyme = base[len(onset) :]
        # "gi" spells the vowel i as well as the onset: "gì", "gìn".
        if rhyme in rhymes or (onset == "gi" and ("i" + rhyme in rhymes or not rhyme)):
            return not (tones and rhyme.endswith(STOP_CODAS) and tones[0] not in STOP_TONES)
    return False


def reads_as_vietnamese(text: str) -> bool:
    """Only ASCII and Vietnamese letters, and each word with a Vietnamese letter spelled as one."""
    text = nfc(text)
    letters = _letters()
    if any(ord(c) > 127 and c.isalpha() and c not in letters for c in text):
        return False
    if any(ord(c) > 127 and not c.isalpha() and c in _legacy_characters() for c in text):
        return False
    return all(is_vietnamese_word(w) for w in WORD.findall(text) if not w.isascii())


def convert_legacy(text: str, encoding: str) -> str:
    """Text typed in TCVN3 or VNI fonts (as Windows-1252 shows it) turned into Unicode NFC."""
    table = _tables()[encoding]
    longest = max(len(k) for k in table)
    out, i = [], 0
    while i < len(text):
        for size in range(longest, 0, -1):
            piece = text[i : i + size]
            if piece in table:
                out.append(table[piece])
                i += size
                break
        else:
            out.append(text[i])
            i += 1
    return nfc("".join(out))


def read_text(text: str) -> Reading:
    """Unicode as is; TCVN3 or VNI converted when exactly one of them makes Vietnamese words."""
    text = nfc(text)
    if reads_as_vietnamese(text) or not any(c in _legacy_characters() for c in text):
        return Reading(text, "Unicode")
    found = [(name, convert_legacy(text, key)) for key, name in LEGACY_NAMES.items()]
    found = [(name, converted) for name, converted in found if reads_as_vietnamese(converted)]
    if len(found) == 1:
        return Reading(found[0][1], found[0][0])
    return Reading(text, "", certain=False)


def read_name(text: str, known: Iterable[str]) -> Reading:
    """A name typed for a unit whose name is known: legacy text that converts into that name is
    read so even where it would also pass for Unicode ("Thoát Noát" is VNI for "Thốt Nốt")."""
    reading = read_text(text)
    keys = {name_key(k) for k in known}
    if reading.certain and name_key(reading.text) in keys:
        return reading
    for key, name in LEGACY_NAMES.items():
        converted = convert_legacy(nfc(text), key)
        if name_key(converted) in keys:
            return Reading(converted, name)
    return reading


def decode_bytes(data: bytes) -> tuple[str, str]:
    """A text file's text and encoding: UTF-8 (BOM or not), UTF-16 with a BOM, Windows-1258 when
    that reads as Vietnamese, else Windows-1252 (whose cells may hold TCVN3 or VNI text)."""
    if data.startswith(codecs.BOM_UTF8):
        return nfc(data[len(codecs.BOM_UTF8) :].decode("utf-8")), "UTF-8 (BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return nfc(data.decode("utf-16")), "UTF-16"
    try:
        return nfc(data.decode("utf-8")), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        # Windows-1258 writes tones as combining marks after the letter: NFC joins them.
        text = nfc(data.decode("cp1258"))
        if reads_as_vietnamese(text):
            return text, "Windows-1258"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1"


def slugify(text: str) -> str:
    """ASCII file-name part: "Quận Ô Môn" -> "quan-o-mon"."""
    plain = unicodedata.normalize("NFD", text.replace("Đ", "D").replace("đ", "d"))
    ascii_text = "".join(c for c in plain if not unicodedata.combining(c)).lower()
    return "-".join("".join(c if c.isalnum() else " " for c in ascii_text).split())
