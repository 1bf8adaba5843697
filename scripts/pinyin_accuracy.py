"""How well the pinyin index finds what subscribers here type: for each entry of
data/pinyin_words.tsv, the rank of the right word among the candidates for its full pinyin
(`chongqing`), for its initials (`cq`), and, for people's names, the same two in name mode.
Writes docs/PINYIN.md (the method, the shares in the top 5, the whole table) and prints the
summary. Run it with `.venv/bin/python scripts/pinyin_accuracy.py` after scripts/setup.sh has
built the index; tests/unit/test_pinyin.py computes the same from scratch and checks the shares.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from contextlib import closing
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kiosk.services.pinyin import INDEX_PATH, PinyinIndex

WORDS = ROOT / "data" / "pinyin_words.tsv"
BOOST = ROOT / "data" / "pinyin_boost.tsv"
DOCUMENT = ROOT / "docs" / "PINYIN.md"
DEPTH = 50  # candidates looked through (five pages of ten); a word further down counts as not found
TOP = 5
KINDS = ("word", "place", "company", "name")


@dataclass(frozen=True)
class Entry:
    text: str
    syllables: tuple[str, ...]
    kind: str

    @property
    def full(self) -> str:
        return "".join(self.syllables)

    @property
    def initials(self) -> str:
        return "".join(syllable[0] for syllable in self.syllables)


@dataclass(frozen=True)
class Ranks:
    """1 for the first candidate; None when not among the first DEPTH."""

    entry: Entry
    boosted: bool
    full: int | None
    initials: int | None
    name_full: int | None = None  # names only
    name_initials: int | None = None


def read_entries(path: Path = WORDS) -> list[Entry]:
    entries = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            text, syllables, kind = line.split("\t")
            entries.append(Entry(text, tuple(syllables.split()), kind))
    return entries


def boosted_words(path: Path = BOOST) -> set[str]:
    return {
        line.split("\t")[0]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    }


def rank_of(index: PinyinIndex, letters: str, text: str, *, name: bool = False) -> int | None:
    for position, candidate in enumerate(index.candidates(letters, name=name, limit=DEPTH), start=1):
        if candidate.text == text:
            return position
    return None


def measure(index: PinyinIndex, entries: Iterable[Entry], boosted: set[str]) -> list[Ranks]:
    results = []
    for entry in entries:
        is_name = entry.kind == "name"
        results.append(
            Ranks(
                entry,
                entry.text in boosted,
                full=rank_of(index, entry.full, entry.text),
                initials=rank_of(index, entry.initials, entry.text),
                name_full=rank_of(index, entry.full, entry.text, name=True) if is_name else None,
                name_initials=rank_of(index, entry.initials, entry.text, name=True) if is_name else None,
            )
        )
    return results


def share(results: Iterable[Ranks], way: Callable[[Ranks], int | None], top: int = TOP) -> tuple[int, int]:
    """(how many within the top `top`, of how many)."""
    ranks = [way(result) for result in results]
    return sum(rank is not None and rank <= top for rank in ranks), len(ranks)


def _percent(found: int, total: int) -> str:
    return f"{found}/{total} ({100 * found / total:.0f}%)" if total else "—"


def _rank(rank: int | None) -> str:
    return "—" if rank is None else str(rank)


WAYS: dict[str, Callable[[Ranks], int | None]] = {
    "full pinyin": lambda result: result.full,
    "initials": lambda result: result.initials,
    "name mode, full pinyin": lambda result: result.name_full,
    "name mode, initials": lambda result: result.name_initials,
}


def summary_rows(results: list[Ranks]) -> list[str]:
    names = [result for result in results if result.entry.kind == "name"]
    rows = []
    for label, way in WAYS.items():
        chosen = names if label.startswith("name mode") else results
        row = [label, _percent(*share(chosen, way)), _percent(*share(chosen, way, top=1))]
        for kind in KINDS:
            row.append(_percent(*share([r for r in chosen if r.entry.kind == kind], way)))
        row.append(_percent(*share([r for r in chosen if not r.boosted], way)))
        rows.append("| " + " | ".join(row) + " |")
    return rows


def write_document(results: list[Ranks]) -> None:
    header = "| way | top 5 | first | " + " | ".join(KINDS) + " | not weighted (top 5) |"
    table = [
        f"| {r.entry.text} | {r.entry.kind} | `{r.entry.full}` | {_rank(r.full)} | `{r.entry.initials}` "
        f"| {_rank(r.initials)} | {_rank(r.name_full) if r.entry.kind == 'name' else ''} "
        f"| {_rank(r.name_initials) if r.entry.kind == 'name' else ''} | {'yes' if r.boosted else ''} |"
        for r in results
    ]
    kinds = ", ".join(f"{sum(r.entry.kind == kind for r in results)} {kind}" for kind in KINDS)
    DOCUMENT.write_text(
        "# Pinyin lookup: how often the right word comes first\n\n"
        "Written by `.venv/bin/python scripts/pinyin_accuracy.py` from the index scripts/setup.sh "
        f"builds (jieba {version('jieba')}, pypinyin {version('pypinyin')}); "
        "`tests/unit/test_pinyin.py` computes the same from scratch and fails below 90% of the list "
        "in the top 5 for full pinyin, or below 80% of the names in the top 5 in name mode.\n\n"
        "## The index\n\n"
        f"`{INDEX_PATH.relative_to(ROOT)}` ({INDEX_PATH.stat().st_size / 1e6:.1f} MB), next to the code "
        "that reads it like the compiled message catalogues, not under version control. "
        "`scripts/setup.sh` builds it (`python -m kiosk.services.pinyin.build`, about 20 s on 2 cores) "
        "when it is missing or older than the build's code, the lists in `data/` "
        "(`pinyin_boost.tsv`, `pinyin_surnames.tsv`, `pinyin_given_names.tsv`) or the virtualenv; "
        "the kiosk only opens it, read-only, and raises `PinyinIndexMissing` with that command when "
        "it is not there. It holds jieba's words of Chinese characters with their reading in "
        "context (pypinyin), every character of U+4E00-U+9FFF under each of its readings, and the "
        "name mode's surnames and given-name characters; each table is keyed by the initials, then "
        "the weight, so a lookup is one range read best first and filtered on the syllables.\n\n"
        "`PinyinIndex.candidates(letters, name=False, limit=10, offset=0)` ranks words standing "
        "for the whole input first (by frequency and the weights of `data/pinyin_boost.tsv`; a "
        "reading with one more syllable, `xian` as xi'an, at a fifth of its weight), then names "
        "(surname and given name) for it, then words for the longest beginnings of the input, "
        "longest first, so a word comes before the single characters of its first syllable. In "
        "name mode names come first: the surnames of `data/pinyin_surnames.tsv` (in their surname "
        "reading: 单 shan, 曾 zeng) for the first syllable, then the given-name characters of "
        "`data/pinyin_given_names.tsv`, then any character. `consumed` says how many of the typed "
        "characters a candidate stands for (a separator after it included).\n\n"
        "## Method\n\n"
        f"`data/pinyin_words.tsv` lists {len(results)} words a subscriber at a Chongqing service hall "
        f"types ({kinds}): the city's 38 districts and counties and their short names, its places and "
        "roads, words of company names and of the kiosk's forms, and people's names (common surnames, "
        "those read differently as surnames such as 单 shan and 曾 zeng, and given names both common "
        "and less so: 昱, 玥, 翀, 喆, 堃, 炅 are not in the list of given-name characters). For each, "
        "the syllables are typed together as a subscriber would (`chongqing`, no separators), and so "
        "are their initials (`cq`); names are typed both ways again in name mode "
        f"(`candidates(..., name=True)`). The rank is the word's place among the first {DEPTH} "
        "candidates (— when it is not among them): 1 is the first candidate.\n\n"
        "`data/pinyin_boost.tsv` adds weight to words typed here, and many entries of the list are "
        "among them (the column *weighted*). Every place of the list is: jieba's list lacks most of "
        "Chongqing's neighbourhoods and streets (七星岗, 黄桷坪, 鹅公岩 are not in it), which is what "
        "the weight list is for. The last column of the summary counts only the entries that are "
        "not weighted (words, company words and names), as the index ranks what nobody weighted.\n\n"
        "## Summary\n\n"
        "Share of the entries whose word is in the top 5 (and first), by kind:\n\n"
        f"{header}\n|---|---|---|{'---|' * len(KINDS)}---|\n" + "\n".join(summary_rows(results)) + "\n\n"
        "## Every entry\n\n"
        "| word | kind | full pinyin | rank | initials | rank | name mode | name mode, initials "
        "| weighted |\n"
        "|---|---|---|---|---|---|---|---|---|\n" + "\n".join(table) + "\n"
    )


def main() -> None:
    with closing(PinyinIndex.open()) as index:
        results = measure(index, read_entries(), boosted_words())
    write_document(results)
    for row in summary_rows(results):
        print(row)
    print(DOCUMENT)


if __name__ == "__main__":
    main()
