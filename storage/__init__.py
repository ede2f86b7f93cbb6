"""Storage: SQLAlchemy models, queries, migrations and the durable work queues."""

# The sign-in and OAuth tables live in their own module; importing it here puts them into
# Base.metadata whenever any part of storage is loaded (migrations compare against it).
from storage import auth_models as auth_models
