"""Server-rendered pages of the web app, one module per topic."""
