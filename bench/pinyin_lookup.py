"""Pinyin lookup: the Chinese keyboard's candidates for what a subscriber types, against a plain
primary-key lookup on the same SQLite file in the same run (the least a lookup in it costs).

The inputs are what typing makes: every beginning of each entry of data/pinyin_words.tsv as
its letters are typed one by one (`c`, `ch`, ... `chongqing`), its initials, and names again
in name mode; each asks for a page of ten. Then, in a fresh process, the resident memory
the index adds: opening it and 100 lookups (the file is read through SQLite's small page cache,
not loaded).

Prints both sides' p50 and p95, the index's size, `pinyin_rss_growth_mb=…`, and last
`pinyin_lookup_p95_ms=<ms>` (target: <= 2).
"""

from __future__ import annotations

import os
import random
import sqlite3
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from pinyin_accuracy import read_entries

from kiosk.services.pinyin import INDEX_PATH, PinyinIndex

ROUNDS = int(os.environ.get("BENCH_PINYIN_ROUNDS", "3"))

RSS_CHILD = r"""
import sys
def rss_kb():
    return next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmRSS:"))
from kiosk.services.pinyin import PinyinIndex
inputs = sys.argv[1:]
before = rss_kb()
index = PinyinIndex.open()
for letters in inputs:
    index.candidates(letters, name=len(letters) % 2 == 0)
print(rss_kb() - before)
"""


def typed_inputs() -> list[tuple[str, bool]]:
    inputs: list[tuple[str, bool]] = []
    for entry in read_entries():
        name = entry.kind == "name"
        for end in range(1, len(entry.full) + 1):
            inputs.append((entry.full[:end], False))
            if name:
                inputs.append((entry.full[:end], True))
        inputs.append((entry.initials, name))
    return inputs


def percentiles(samples: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49], cuts[94]


def main() -> None:
    index = PinyinIndex.open()
    inputs = typed_inputs()
    random.Random(7).shuffle(inputs)
    baseline_db = sqlite3.connect(f"{INDEX_PATH.as_uri()}?mode=ro&immutable=1", uri=True)
    keys = baseline_db.execute(
        "SELECT initials, rank, keys, text FROM word ORDER BY random() LIMIT 2000"
    ).fetchall()
    by_key = "SELECT text FROM word WHERE initials = ? AND rank = ? AND keys = ? AND text = ?"
    for letters, name in inputs:  # warm the page cache, as a kiosk that has been typed on
        index.candidates(letters, name=name)
    lookups: list[float] = []
    baseline: list[float] = []
    for _ in range(ROUNDS):
        for position, (letters, name) in enumerate(inputs):
            started = time.perf_counter()
            index.candidates(letters, name=name, limit=10)
            lookups.append((time.perf_counter() - started) * 1000)
            key = keys[position % len(keys)]
            started = time.perf_counter()
            baseline_db.execute(by_key, key).fetchone()
            baseline.append((time.perf_counter() - started) * 1000)
    slowest = max(lookups)
    p50, p95 = percentiles(lookups)
    base50, base95 = percentiles(baseline)
    print(f"index {INDEX_PATH.stat().st_size / 1e6:.1f} MB; {len(inputs)} inputs x {ROUNDS} rounds")
    print(f"primary-key lookup (baseline): p50 {base50:.3f} ms, p95 {base95:.3f} ms")
    print(f"candidates, a page of 10: p50 {p50:.3f} ms, p95 {p95:.3f} ms, max {slowest:.2f} ms")
    sample = [letters for letters, _ in inputs[:100]]
    growth_kb = int(
        subprocess.run(
            [sys.executable, "-c", RSS_CHILD, *sample], capture_output=True, text=True, check=True, cwd=ROOT
        ).stdout
    )
    print(f"pinyin_rss_growth_mb={growth_kb / 1024:.1f} (opening the index and 100 lookups)")
    print(f"pinyin_lookup_p95_ms={p95:.2f}")


if __name__ == "__main__":
    main()
