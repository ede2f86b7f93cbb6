"""Image files: the pipeline (bound, re-encode, provenance, blurhash), storage on disk, C2PA."""
