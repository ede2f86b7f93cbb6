"""Tests of fedi.federation.as2."""
