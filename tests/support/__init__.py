"""Test support: databases, running servers, CLI runner."""
