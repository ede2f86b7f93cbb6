"""The floor every room stands on: settings, the shared services, URLs, user errors."""
