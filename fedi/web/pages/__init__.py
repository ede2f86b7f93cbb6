"""Server-rendered pages, one module per topic."""
