"""Tests of fedi.core."""
