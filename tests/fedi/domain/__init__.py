"""Tests of fedi.domain."""
