"""Background work on durable rows: delivery, inbox processing, remote image copies."""
