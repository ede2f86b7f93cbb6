"""Server-rendered pages for people using the app, one module per part."""
