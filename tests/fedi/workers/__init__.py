"""Tests of fedi.workers."""
