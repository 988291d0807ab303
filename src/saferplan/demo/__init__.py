"""Bundled open London data for the demo and the tests (see data/ATTRIBUTION.md)."""

from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"
