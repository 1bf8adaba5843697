"""Where the data the project ships lives (data/ in the checkout: the CA's catalog, the key
policy): one place, so a move of a package cannot leave a copy pointing at the old spot."""

from __future__ import annotations

from pathlib import Path

SHIPPED_DATA = Path(__file__).resolve().parents[2] / "data"
