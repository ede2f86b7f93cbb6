"""Two or more real Impasto servers talking signed HTTP to each other."""
