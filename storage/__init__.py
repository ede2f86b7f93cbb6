"""Storage: SQLAlchemy models, queries, migrations and the durable work queues."""

# The sign-in and OAuth tables live in their own module; importing it here puts them into
# Base.metadata whenever any part of storage is loaded (migrations compare against it).
from storage import auth_models as auth_models

# The home feeds' tables, and the flush hook that fans new posts and follows out into them.
from storage import feed_models as feed_models
from storage import home_feed as home_feed

# The counts account entities show, kept per account by triggers (migration 0018).
from storage import stats_models as stats_models

# So do a user's own settings (markers).
from storage import user_models as user_models
