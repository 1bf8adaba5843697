"""Builds the pinyin index (`index.py` reads it) once, at setup: `scripts/setup.sh` runs
`python -m kiosk.services.pinyin.build` when the index is missing or older than its inputs.
Never at the kiosk's start.

Inputs:
- jieba's dict.txt: about 349,000 words with a count of uses each (its third column, the part of
  speech, is not read); words of anything but Chinese characters are left out;
- pypinyin: each word's reading in context (`lazy_pinyin`, NORMAL style: no tones, ü as v),
  and every reading of each character (heteronyms: 重 zhong and chong, 长 chang and zhang);
- data/pinyin_boost.tsv: weights added to words subscribers here type, with their reading;
- data/pinyin_surnames.tsv and data/pinyin_given_names.tsv: the name mode's surnames and
  given-name characters, most common first.

Single characters: every character of U+4E00-U+9FFF that pypinyin reads, under each reading.
A character's weight under a reading is its own count in jieba's list shared out among its
readings as the words it stands in read it, plus a tenth of the counts of those words: 重 as
zhong carries 重要, as chong 重新 and 重庆. Characters outside GB 2312 weigh a hundredth.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import resource
import sqlite3
import sys
import time
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

from kiosk.core.shipped_data import SHIPPED_DATA
from kiosk.services.pinyin.index import INDEX_PATH, SCHEMA_VERSION, TABLES
from kiosk.services.pinyin.syllables import READING_ALIASES, SEPARATOR, SYLLABLES, initials_of

BOOST = SHIPPED_DATA / "pinyin_boost.tsv"
SURNAMES = SHIPPED_DATA / "pinyin_surnames.tsv"
GIVEN_NAMES = SHIPPED_DATA / "pinyin_given_names.tsv"
CJK = range(0x4E00, 0xA000)  # CJK Unified Ideographs: what the kiosk's fonts draw
IN_WORDS = 0.1  # of the counts of the words a character stands in, added to its own
OTHER_READING = 0.2  # a character's share under a reading no word of jieba's list gives it
# A character outside GB 2312's 6,763 (traditional forms, rare ones, and some of jieba's noise:
# 熷 with 1,039 uses) weighs a hundredth: still there for a rare name, after the common ones.
RARE = 0.01

Row = tuple[str, int, str, str]  # initials, rank (minus the weight), keys, text


@dataclass(frozen=True)
class BuildReport:
    path: Path
    words: int
    characters: int
    seconds: float
    size_bytes: int
    peak_rss_mb: float

    def __str__(self) -> str:
        return (
            f"pinyin index {self.path}: {self.words} words, {self.characters} character readings,"
            f" {self.size_bytes / 1e6:.1f} MB, built in {self.seconds:.1f} s,"
            f" peak RSS {self.peak_rss_mb:.0f} MB"
        )


def jieba_dictionary() -> Path:
    """jieba's dict.txt, found without importing jieba (its import sets up a tokenizer)."""
    spec = importlib.util.find_spec("jieba")
    if spec is None or spec.origin is None:
        raise RuntimeError("jieba is not installed: run scripts/setup.sh")
    return Path(spec.origin).with_name("dict.txt")


def read_tsv(path: Path) -> Iterator[list[str]]:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield line.split("\t")


def is_chinese(text: str) -> bool:
    return bool(text) and all(ord(ch) in CJK for ch in text)


def is_common(ch: str) -> bool:
    """Whether the character is one of GB 2312's: the simplified characters in common use."""
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def reading(syllables: Iterable[str]) -> tuple[str, ...] | None:
    """The syllables as the index keys them, or None when one is not a syllable it knows."""
    keyed = tuple(READING_ALIASES.get(syllable, syllable) for syllable in syllables)
    return keyed if all(syllable in SYLLABLES for syllable in keyed) else None


def shares(count: int) -> list[int]:
    """The weights of a list ordered most common first, in millionths of the whole: falling as
    1 / (rank + 4), near the shares of the commonest surnames (张 4%, 欧阳 0.15%). As shares,
    a surname with a given name of two characters weighs against one with a given name of one
    (区 + 洋娜 against 欧阳 + 娜)."""
    falls = [1 / (position + 4) for position in range(count)]
    whole = sum(falls)
    return [max(1, round(1_000_000 * fall / whole)) for fall in falls]


Weights = dict[tuple[str, str], int]  # (text, keys) -> weight; keys: the syllables joined by '


def build(
    out: Path = INDEX_PATH,
    *,
    dictionary: Path | None = None,
    boost: Path = BOOST,
    surnames: Path = SURNAMES,
    given_names: Path = GIVEN_NAMES,
) -> BuildReport:
    """Builds the index into `out`, whole: written beside it, then moved over it."""
    started = time.monotonic()
    words, alone, in_words = read_words(dictionary if dictionary is not None else jieba_dictionary())
    characters = character_weights(alone, in_words)
    del in_words
    words.update(characters)
    for text, syllables_text, weight in read_tsv(boost):
        key = (text, _reading_of(boost, text, syllables_text))
        words[key] = words.get(key, 0) + int(weight)
    tables = {
        "word": words,
        "surname": ranked_list(surnames),
        "given": ranked_list(given_names),
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".tmp")
    partial.unlink(missing_ok=True)
    write(partial, tables, longest=max(len(text) for text, _ in words))
    os.replace(partial, out)
    return BuildReport(
        path=out,
        words=sum(len(text) > 1 for text, _ in words),
        characters=sum(len(text) == 1 for text, _ in words),
        seconds=time.monotonic() - started,
        size_bytes=out.stat().st_size,
        peak_rss_mb=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    )


def read_words(source: Path) -> tuple[Weights, dict[str, int], Weights]:
    """jieba's words of two characters or more with their reading in context and count; each
    character's own count; and (character, syllable) -> the counts of the words it is read so in."""
    from pypinyin import Style, lazy_pinyin

    words: Weights = {}
    alone: dict[str, int] = {}
    in_words: Weights = defaultdict(int)
    with source.open(encoding="utf-8") as lines:
        for line in lines:
            text, count, *_ = line.split(" ")
            if not is_chinese(text):
                continue
            if len(text) == 1:
                alone[text] = alone.get(text, 0) + int(count)
                continue
            syllables = reading(lazy_pinyin(text, style=Style.NORMAL))
            if syllables is None or len(syllables) != len(text):
                continue
            key = (text, SEPARATOR.join(syllables))
            words[key] = words.get(key, 0) + int(count)
            for ch, syllable in zip(text, syllables, strict=True):
                in_words[ch, syllable] += int(count)
    return words, alone, in_words


def character_weights(alone: dict[str, int], in_words: Weights) -> Weights:
    """Every character pypinyin reads, under each of its readings (see the module's doc)."""
    from pypinyin import Style, pinyin

    weights: Weights = {}
    for code in CJK:
        ch = chr(code)
        read = (reading([syllable]) for syllable in pinyin(ch, style=Style.NORMAL, heteronym=True)[0])
        readings = list(dict.fromkeys(keyed[0] for keyed in read if keyed is not None))
        total = sum(in_words.get((ch, syllable), 0) for syllable in readings)
        for position, syllable in enumerate(readings):
            used = in_words.get((ch, syllable), 0)
            share = used / total if total else (1.0 if position == 0 else OTHER_READING)
            weight = alone.get(ch, 0) * share + IN_WORDS * used
            weights[ch, syllable] = max(1, round(weight * (1 if is_common(ch) else RARE)))
    return weights


def ranked_list(source: Path) -> Weights:
    """A committed list, most common first, with the weights `shares` gives its ranks."""
    entries = list(read_tsv(source))
    return {
        (text, _reading_of(source, text, keys)): weight
        for (text, keys), weight in zip(entries, shares(len(entries)), strict=True)
    }


def write(path: Path, tables: dict[str, Weights], *, longest: int) -> None:
    db = sqlite3.connect(path)
    try:
        db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF; PRAGMA page_size = 4096;")
        db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID")
        for table in TABLES:
            db.execute(
                f"CREATE TABLE {table} (initials TEXT NOT NULL, rank INTEGER NOT NULL, keys TEXT NOT NULL,"
                " text TEXT NOT NULL, PRIMARY KEY (initials, rank, keys, text)) WITHOUT ROWID"
            )
            # Rows go in in key order (SQLite sorts them), so the table's pages are filled whole.
            db.execute("CREATE TEMP TABLE staged (initials TEXT, rank INTEGER, keys TEXT, text TEXT)")
            db.executemany("INSERT INTO staged VALUES (?, ?, ?, ?)", _rows(tables[table]))
            db.execute(f"INSERT INTO {table} SELECT * FROM staged ORDER BY initials, rank, keys, text")  # noqa: S608
            db.execute("DROP TABLE staged")
        db.executemany(
            "INSERT INTO meta VALUES (?, ?)",
            [
                ("schema", SCHEMA_VERSION),
                ("longest", str(longest)),
                ("jieba", version("jieba")),
                ("pypinyin", version("pypinyin")),
                ("built", time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())),
            ],
        )
        db.commit()
    finally:
        db.close()


def _rows(weights: Weights) -> Iterator[Row]:
    for (text, keys), weight in weights.items():
        yield (initials_of(keys.split(SEPARATOR)), -weight, keys, text)


def _reading_of(source: Path, text: str, syllables_text: str) -> str:
    """A committed list's reading (syllables separated by spaces) as the index keys it."""
    syllables = reading(syllables_text.split())
    if syllables is None or len(syllables) != len(text):
        raise ValueError(f"{source}: {text} {syllables_text!r} is not a reading of each character")
    return SEPARATOR.join(syllables)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m kiosk.services.pinyin.build", description="build the pinyin index"
    )
    parser.add_argument("--out", type=Path, default=INDEX_PATH, help=f"where (default {INDEX_PATH})")
    args = parser.parse_args(argv)
    print(build(args.out), file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
