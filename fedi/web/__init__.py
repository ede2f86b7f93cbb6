"""The HTTP side: app factory, server, the inbox front, routes, templates and static files."""
