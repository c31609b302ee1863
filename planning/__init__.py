"""Planner workflow steps shared by the UI and the CLI (not pure: they read files and the store).

``siting/`` computes, ``store/`` persists; these modules join them for one scenario: read
sites from a file into records (`planning.site_files`), check a scenario and keep its
allocations in the store current, and export it with its results (`planning.scenario_ops`).
"""
