"""The `impasto` command line, one module per command group."""
