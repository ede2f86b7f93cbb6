"""Pages of the web app, one module per topic (each a blueprint registered in fedi.web.app)."""
