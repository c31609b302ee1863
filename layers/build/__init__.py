"""Generators of a region pack's bundled data (build time only, never imported at run time).

``python -m layers.build REGION`` runs them (`layers.build.region.main`).
"""

from layers.build.region import BUILDERS, build_region, main

__all__ = ["BUILDERS", "build_region", "main"]
