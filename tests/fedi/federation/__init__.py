"""Tests of fedi.federation."""
