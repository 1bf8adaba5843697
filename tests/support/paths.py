"""Where the project is, for tests that read its files (docs, deploy units, the OpenAPI document)."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
