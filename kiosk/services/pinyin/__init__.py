"""The engine behind the on-screen Chinese keyboard: typed pinyin letters to the words to offer.

`PinyinIndex.open()` opens the index that `build.py` makes at setup; `candidates()` looks up.
No Textual here: the keyboard widget calls it."""

from kiosk.services.pinyin.index import INDEX_PATH, Candidate, PinyinIndex, PinyinIndexMissing

__all__ = ["INDEX_PATH", "Candidate", "PinyinIndex", "PinyinIndexMissing"]
