"""The Chinese keyboard's pinyin engine (kiosk/services/pinyin): the index scripts/setup.sh
builds, looked up as the keyboard does; its accuracy on data/pinyin_words.tsv, computed afresh
(scripts/pinyin_accuracy.py writes the same into docs/PINYIN.md); `kiosk pinyin`."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest
from support.paths import ROOT

from kiosk.services.pinyin import INDEX_PATH, Candidate, PinyinIndex, PinyinIndexMissing
from kiosk.services.pinyin.build import build

sys.path.insert(0, str(ROOT / "scripts"))

import pinyin_accuracy


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PinyinIndex]:
    """The index setup built; built here (about 20 s) on a checkout where setup has not run."""
    path = (
        INDEX_PATH
        if INDEX_PATH.is_file()
        else build(tmp_path_factory.mktemp("pinyin") / "pinyin.sqlite3").path
    )
    with closing(PinyinIndex.open(path)) as opened:
        yield opened


def texts(candidates: list[Candidate]) -> list[str]:
    return [candidate.text for candidate in candidates]


def test_full_pinyin_initials_and_separators(index: PinyinIndex) -> None:
    assert index.candidates("chongqing")[0] == Candidate("重庆", 9)
    assert "重庆" in texts(index.candidates("cq", limit=5))
    assert index.candidates("xi'an")[0] == Candidate("西安", 5)
    assert index.candidates("yuzhongqu")[0].text == "渝中区"
    assert index.candidates("youxiangongsi")[0].text == "有限公司"
    # Mixed: a whole syllable, then an initial or the beginning of one.
    assert "重庆" in texts(index.candidates("chongq", limit=5))
    assert "中国" in texts(index.candidates("zhg", limit=5))


def test_names_come_first_in_name_mode(index: PinyinIndex) -> None:
    assert "张伟" in texts(index.candidates("zhangwei", name=True, limit=5))
    assert "王芳" in texts(index.candidates("wangfang", name=True, limit=5))
    assert index.candidates("zhangwei", name=True)[0].text == "张伟"
    # Surnames first for a first syllable, with their surname reading.
    assert index.candidates("zeng", name=True)[0].text == "曾"
    assert index.candidates("shan", name=True)[0].text == "单"
    assert index.candidates("shanli", name=True)[0].text == "单丽"
    assert index.candidates("ouyangna", name=True)[0].text == "欧阳娜"
    # A rare given-name character is still there, after the common ones.
    assert "昱" in texts(index.candidates("yu", name=True, limit=100))


def test_the_longest_beginning_follows_the_whole_input(index: PinyinIndex) -> None:
    """重庆市 is a word of jieba's list, so it covers `chongqingshi` whole and comes first; the
    keyboard can still commit 重庆 (9 letters) and keep `shi` being typed. Where no word
    covers the whole input, the longest beginning comes first."""
    found = index.candidates("chongqingshi")
    assert found[0] == Candidate("重庆市", 12)
    assert next(candidate for candidate in found if candidate.consumed < 12) == Candidate("重庆", 9)
    assert index.candidates("chongqingjiefangbei")[0] == Candidate("重庆", 9)
    for letters in ("chongqingshi", "chongqingjiefangbei", "xi'an", "zhangweiming", "cqsyzq"):
        consumed = [candidate.consumed for candidate in index.candidates(letters, limit=40)]
        assert consumed == sorted(consumed, reverse=True), letters
    # A separator after a beginning is consumed with it: what is left starts with a letter.
    assert Candidate("西", 3) in index.candidates("xi'an", limit=20)


def test_words_before_single_characters(index: PinyinIndex) -> None:
    found = index.candidates("jiefangbei", limit=20)
    assert found[0] == Candidate("解放碑", 10)
    assert found[1] == Candidate("解放", 7)
    lengths = [len(candidate.text) for candidate in found]
    assert lengths == sorted(lengths, reverse=True)


def test_what_has_no_candidate(index: PinyinIndex) -> None:
    for letters in ("vvvv", "", "'", "Chongqing", "chong qing", "重庆", "123", "a" * 65):
        assert index.candidates(letters) == [], letters


def test_pages(index: PinyinIndex) -> None:
    for letters in ("xian", "zhangwei", "cq"):
        whole = index.candidates(letters, limit=30)
        assert len(whole) == 30 and len(set(texts(whole))) == 30
        assert index.candidates(letters, limit=10, offset=10) == whole[10:20]
    assert index.candidates("xian", limit=0) == []


def test_a_missing_or_foreign_index_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(PinyinIndexMissing, match=r"scripts/setup\.sh"):
        PinyinIndex.open(tmp_path / "pinyin.sqlite3")
    other = tmp_path / "other.sqlite3"
    sqlite3.connect(other).execute("CREATE TABLE t (x)").connection.close()
    with pytest.raises(PinyinIndexMissing, match="another version"):
        PinyinIndex.open(other)


def test_build_from_a_small_word_list(tmp_path: Path) -> None:
    """The build keys words by their reading in context, adds the weights of the boost list
    (with words jieba lacks), and replaces the file whole."""
    words = tmp_path / "dict.txt"
    words.write_text("重庆 3518 ns\n长期 8664 d\n出去 9979 v\n银行 5000 n\nABC 3 nz\n", encoding="utf-8")
    boost = tmp_path / "boost.tsv"
    boost.write_text("# weights\n重庆\tchong qing\t20000\n渝中区\tyu zhong qu\t30000\n", encoding="utf-8")
    out = tmp_path / "index" / "pinyin.sqlite3"
    report = build(out, dictionary=words, boost=boost)
    assert report.size_bytes == out.stat().st_size > 0
    assert not out.with_name("pinyin.sqlite3.tmp").exists()
    with closing(PinyinIndex.open(out)) as small:
        assert texts(small.candidates("cq", limit=3)) == ["重庆", "出去", "长期"]
        assert small.candidates("yinhang")[0].text == "银行"  # 行 read hang in the word
        assert small.candidates("yzq")[0].text == "渝中区"
    assert report.words == 5  # ABC is not Chinese


def test_accuracy_on_the_committed_word_list(index: PinyinIndex) -> None:
    """At least 90% of data/pinyin_words.tsv in the top 5 for full pinyin, and 80% of its names
    in the top 5 in name mode: computed here, not read from docs/PINYIN.md."""
    entries = pinyin_accuracy.read_entries()
    assert len(entries) >= 200
    results = pinyin_accuracy.measure(index, entries, pinyin_accuracy.boosted_words())
    found, total = pinyin_accuracy.share(results, lambda result: result.full)
    assert found / total >= 0.90, (found, total)
    names = [result for result in results if result.entry.kind == "name"]
    found, total = pinyin_accuracy.share(names, lambda result: result.name_full)
    assert total >= 50 and found / total >= 0.80, (found, total)


def test_kiosk_pinyin_prints_the_first_ten() -> None:
    def kiosk_pinyin(*args: str) -> list[str]:
        done = subprocess.run(
            [sys.executable, "-m", "kiosk", "pinyin", *args], capture_output=True, text=True, check=True
        )
        return done.stdout.splitlines()

    assert INDEX_PATH.is_file(), "scripts/setup.sh builds the index the command reads"
    lines = kiosk_pinyin("chongqing")
    assert lines[0] == "重庆" and len(lines) == 10
    assert "王芳" in kiosk_pinyin("wangfang", "--name")[:5]
    assert kiosk_pinyin("vvvv") == []
