"""`python -m fedi.cli`: the `impasto` command."""

import sys

from fedi.cli.main import main

sys.exit(main())
