"""Tests of fedi.cli."""
