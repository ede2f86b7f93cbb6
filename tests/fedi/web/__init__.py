"""Tests of fedi.web."""
