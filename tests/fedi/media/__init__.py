"""Tests of fedi.media."""
