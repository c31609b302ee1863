"""``python -m siting``: the command line (see `siting.cli`)."""

from siting.cli import main

raise SystemExit(main())
