"""Lookups in the pinyin index: what the on-screen Chinese keyboard offers for typed letters.

The index is a read-only SQLite file built once at setup (`build.py`); opening it reads nothing
but its header, and a lookup walks a few pages of it. Every table holds rows keyed
(initials, rank, keys, text): `initials` the first letter of each syllable (`cq`), `rank` minus
the weight (so a range in key order is best first), `keys` the syllables joined by `'`
(`chong'qing`), `text` the word. Typed letters are split into pieces (`syllables.py`); a piece
is a whole syllable, an initial or the beginning of a syllable, so any mix of them is one range
of `initials` read in rank order and filtered by a GLOB over `keys`.
"""

from __future__ import annotations

import heapq
import itertools
import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from kiosk.services.pinyin.syllables import (
    GROWING,
    SEPARATOR,
    Piece,
    PieceKind,
    Segmentation,
    segmentations,
)

# Built by scripts/setup.sh next to this module, like the compiled message catalogues; not
# under version control (.gitignore).
INDEX_PATH = Path(__file__).resolve().with_name("pinyin.sqlite3")
SCHEMA_VERSION = "1"
BUILD_COMMAND = "scripts/setup.sh (or: .venv/bin/python -m kiosk.services.pinyin.build)"
LONGEST_INPUT = 64  # letters and separators; a longer input has no candidates
TABLES = ("word", "surname", "given")

# How a reading of the whole input other than the best one weighs against it.
ONE_MORE_SYLLABLE = 0.2  # `xian` read as xi'an: 西安 after the most used of 先, 现, 县
LONGER_LAST_SYLLABLE = 0.05  # `chongqin` read as chong'qing: 重庆 while the g is not typed yet
# Name mode: how many surnames and given-name characters a syllable contributes to the names.
SURNAMES_EACH = 6
GIVEN_EACH = 8


class PinyinIndexMissing(RuntimeError):
    """The index file is not there (or was built by an older version of this code)."""

    def __init__(self, path: Path, why: str = "is missing") -> None:
        super().__init__(f"the pinyin index {path} {why}: build it with {BUILD_COMMAND}")
        self.path = path


@dataclass(frozen=True)
class Candidate:
    """A word to offer: its text, and how many of the typed characters (separators counted) it
    stands for. Choosing 重庆 for `chongqingshi` consumes 9 and leaves `shi` being typed."""

    text: str
    consumed: int


class PinyinIndex:
    """The index opened read-only. Safe to share between threads (one lookup at a time)."""

    def __init__(self, connection: sqlite3.Connection, path: Path, longest: int) -> None:
        self._db = connection
        self.path = path
        self._longest = longest  # syllables of the longest word: nothing longer is looked up
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path | None = None) -> PinyinIndex:
        where = path if path is not None else INDEX_PATH
        if not where.is_file():
            raise PinyinIndexMissing(where)
        # immutable: no locking and no journal check; the build replaces the file whole, so an
        # open index keeps reading the file it opened.
        connection = sqlite3.connect(
            f"{where.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False
        )
        try:
            meta = dict(connection.execute("SELECT key, value FROM meta").fetchall())
        except sqlite3.DatabaseError:
            meta = {}
        if meta.get("schema") != SCHEMA_VERSION:
            connection.close()
            raise PinyinIndexMissing(where, "was built by another version of the kiosk")
        return cls(connection, where, int(meta["longest"]))

    def close(self) -> None:
        self._db.close()

    def candidates(
        self, letters: str, *, name: bool = False, limit: int = 10, offset: int = 0
    ) -> list[Candidate]:
        """What to offer for the typed letters (a-z and `'`; anything else has none), best first:
        words standing for the whole input, by frequency and the kiosk's weights, then names
        (a surname and a given name) for it; then words for the longest beginnings of it,
        longest first, so a word comes before single characters. In name mode (a person's name)
        names come first: common surnames for the first syllable, common given-name characters
        after them. `offset` and `limit` page through the list; each text comes once."""
        if len(letters) > LONGEST_INPUT or limit <= 0 or offset < 0:
            return []
        ways = segmentations(letters)
        if not ways:
            return []
        with self._lock:
            ranked = self._ranked(ways, len(letters), name=name)
            return list(itertools.islice(_unique(ranked), offset, offset + limit))

    # --- ranking ----------------------------------------------------------------------------

    def _ranked(self, ways: list[Segmentation], typed: int, *, name: bool) -> Iterator[Candidate]:
        best = (ways[0].abbreviated, len(ways[0].pieces))
        primary = [way for way in ways if (way.abbreviated, len(way.pieces)) == best]
        # Whole input: the best readings, then the same with one more syllable or the last one
        # still growing, each weighed down.
        whole: list[tuple[tuple[str, ...], float]] = []
        for way in primary:
            whole.append((_patterns(way.pieces), 1.0))
            last = way.pieces[-1]
            # Not for one syllable alone: 想 and 向 are not what `xian` is typing.
            if len(way.pieces) > 1 and last.kind is PieceKind.SYLLABLE and last.letters in GROWING:
                growing = (*_patterns(way.pieces[:-1]), last.letters + "?*")
                whole.append((growing, LONGER_LAST_SYLLABLE))
        for way in ways:
            if way.complete and way.abbreviated == best[0] and len(way.pieces) == best[1] + 1:
                whole.append((_patterns(way.pieces), ONE_MORE_SYLLABLE))
        words = self._merged("word", whole, typed)
        if name and len(primary[0].pieces) == 1:
            names = self._single_syllable_names(primary[0].pieces[0], typed)
        else:
            names = self._names(primary[0].pieces, typed)
        if name:
            yield from names
            yield from words
        else:
            yield from words
            if len(primary[0].pieces) > 1:
                yield from names
        # Beginnings of the input, longest first: the best readings' first pieces.
        beginnings: dict[int, list[tuple[Piece, ...]]] = {}
        for way in primary:
            for count in range(len(way.pieces) - 1, 0, -1):
                first = way.pieces[:count]
                beginnings.setdefault(first[-1].end, []).append(first)
        for consumed in sorted(beginnings, reverse=True):
            heads = beginnings[consumed]
            if name and len(heads[0]) == 1:
                yield from self._single_syllable_names(heads[0][0], consumed)
            elif name:
                yield from self._names(heads[0], consumed)
            yield from self._merged("word", [(_patterns(head), 1.0) for head in heads], consumed)

    def _rows(self, table: str, patterns: tuple[str, ...]) -> Iterator[tuple[int, str]]:
        """(rank, text) of the table's entries whose syllables match the patterns, best first,
        read lazily (a cursor stepped as the caller asks)."""
        if len(patterns) > self._longest:
            return
        initials = "".join(pattern[0] for pattern in patterns)
        cursor = self._db.execute(
            f"SELECT rank, text FROM {table} WHERE initials = ? AND keys GLOB ? ORDER BY rank",  # noqa: S608
            (initials, SEPARATOR.join(patterns)),
        )
        try:
            yield from cursor
        finally:
            cursor.close()

    def _merged(
        self, table: str, readings: list[tuple[tuple[str, ...], float]], consumed: int
    ) -> Iterator[Candidate]:
        """The entries of several readings merged best first, each reading's weights scaled."""
        streams = [
            ((rank * weight, text) for rank, text in self._rows(table, patterns))
            for patterns, weight in readings
        ]
        for _, text in heapq.merge(*streams, key=lambda row: row[0]):
            yield Candidate(text, consumed)

    def _given(self, piece: Piece) -> list[tuple[float, str]]:
        """Characters for a syllable of a given name: the common ones first, then any other
        character of the syllable by frequency, weighed below the least common of them."""
        common = itertools.islice(self._rows("given", (piece.pattern,)), GIVEN_EACH)
        chosen = [(-rank / 1e6, text) for rank, text in common]
        if len(chosen) < GIVEN_EACH:
            floor = min((weight for weight, _ in chosen), default=1e-4) / 2
            have = {text for _, text in chosen}
            others = (text for _, text in self._rows("word", (piece.pattern,)) if text not in have)
            for position, text in enumerate(itertools.islice(others, GIVEN_EACH - len(chosen))):
                chosen.append((floor * 0.8**position, text))
        return chosen

    def _names(self, pieces: tuple[Piece, ...], consumed: int) -> Iterator[Candidate]:
        """Names for 2 to 4 pieces: a surname (of one syllable or two) and a given name of one
        or two syllables, by the surname's weight times each given character's."""
        found: list[tuple[float, str]] = []
        for size in (1, 2):
            given_pieces = pieces[size:]
            if not 1 <= len(given_pieces) <= 2:
                continue
            surnames = list(itertools.islice(self._rows("surname", _patterns(pieces[:size])), SURNAMES_EACH))
            if not surnames:
                continue
            givens = [self._given(piece) for piece in given_pieces]
            for rank, surname in surnames:
                for combination in itertools.product(*givens):
                    weight = -rank / 1e6  # millionths of all surnames, and of given-name characters
                    for given_weight, _ in combination:
                        weight *= given_weight
                    found.append((weight, surname + "".join(text for _, text in combination)))
        found.sort(key=lambda named: -named[0])
        for _, text in found:
            yield Candidate(text, consumed)

    def _single_syllable_names(self, piece: Piece, consumed: int) -> Iterator[Candidate]:
        """Name mode, one syllable: surnames, then given-name characters, then any character."""
        for table in ("surname", "given", "word"):
            for _, text in self._rows(table, (piece.pattern,)):
                yield Candidate(text, consumed)


def _patterns(pieces: Iterable[Piece]) -> tuple[str, ...]:
    return tuple(piece.pattern for piece in pieces)


def _unique(candidates: Iterable[Candidate]) -> Iterator[Candidate]:
    """Each text once, where it first comes (a word for the whole input before the same word
    for a beginning of it)."""
    seen: set[str] = set()
    for candidate in candidates:
        if candidate.text not in seen:
            seen.add(candidate.text)
            yield candidate
