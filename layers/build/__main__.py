"""``python -m layers.build REGION``: rebuild a region pack (see `layers.build.region`)."""

from layers.build.region import main

raise SystemExit(main())
