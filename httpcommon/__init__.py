"""HTTP helpers that both lower packages need, `activitypub/` and `generators/`, which may not
import each other: stdlib only, imported by anyone (tests/test_layering.py holds it to that)."""

from .retry_after import parse_retry_after

__all__ = ["parse_retry_after"]
