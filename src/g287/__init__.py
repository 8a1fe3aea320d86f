"""g287 — runs and oversees §287(g) agreements."""

__version__ = "0.1.0"
