"""What is being composed on the Chinese keyboard: the letters typed, the page of candidates
offered for them, and what choosing one commits. Plain Python, so the keyboard widget only draws
it; the idle wipe ends it with the screen that holds it."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from kiosk.services.pinyin.index import LONGEST_INPUT, Candidate, PinyinIndex

LETTERS = frozenset("abcdefghijklmnopqrstuvwxyz'")


@cache
def shared_index() -> PinyinIndex:
    """The index, opened once per process at its first use (opening reads nothing but its header)."""
    return PinyinIndex.open()


class Composer:
    def __init__(
        self, *, names: bool, page_size: int, index: Callable[[], PinyinIndex] = shared_index
    ) -> None:
        self.names, self.page_size, self._index = names, page_size, index
        self.letters = ""
        self.page = 0
        self._offered: list[Candidate] = []
        self._more = False

    @property
    def offered(self) -> list[Candidate]:
        """This page's candidates, best first."""
        return self._offered

    @property
    def has_more(self) -> bool:
        return self._more

    @property
    def stuck(self) -> bool:
        """Letters with no candidate at all: said to the subscriber, the letters kept."""
        return bool(self.letters) and not self._offered and self.page == 0

    def add(self, letter: str) -> bool:
        """Take a typed letter (a-z or the syllable separator '); False if it cannot be one."""
        letter = letter.lower()
        if letter not in LETTERS or len(self.letters) >= LONGEST_INPUT:
            return False
        if letter == "'" and (not self.letters or self.letters.endswith("'")):
            return True  # a separator needs a syllable before it; a second one adds nothing
        self.letters += letter
        self._look_up(0)
        return True

    def back(self) -> bool:
        """Remove the last letter; False when there was none (the field's own text is next)."""
        if not self.letters:
            return False
        self.letters = self.letters[:-1]
        self._look_up(0)
        return True

    def clear(self) -> None:
        self.letters = ""
        self._look_up(0)

    def choose(self, candidate: Candidate) -> str:
        """The text to type for a chosen candidate; the letters it stands for are used up and
        the rest goes on being composed (重庆 for `chongqingshi` leaves `shi`)."""
        self.letters = self.letters[candidate.consumed :].lstrip("'")
        self._look_up(0)
        return candidate.text

    def turn(self, pages: int) -> None:
        page = self.page + pages
        if page >= 0 and (pages < 0 or self._more):
            self._look_up(page)

    def _look_up(self, page: int) -> None:
        self.page = page
        if not self.letters:
            self._offered, self._more = [], False
            return
        found = self._index().candidates(
            self.letters, name=self.names, limit=self.page_size + 1, offset=page * self.page_size
        )
        self._offered, self._more = found[: self.page_size], len(found) > self.page_size
