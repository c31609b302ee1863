"""Page 规划方案 / Plan: draw, edit and check farm sites of a scenario in the scenario store.

`ui.planner.page` is the page (`render`, registered in `ui.navigation`). Its concepts:
`state` (session keys), `events` (what the map widget returns, as dataclasses), `sites` (the
edited site: drawn footprint, form and record), `map` (base map and site overlays),
`results` (the verdict of the edited site and the scenario tables), `files` (scenario
bar, imports and exports), `propose` (suitability surface, proposed candidates and the
remaining ranches; its answer in `proposal_answer`) and `surface_layer` (the surface's map
overlay and legend).
"""

from ui.planner.page import render

__all__ = ["render"]
