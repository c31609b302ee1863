"""Printable reports: a county (or city) packet as HTML, PDF and XLSX.

The packet shows a build-out check (`siting.buildout.run_buildout`) for one place: a static
map, the check table, the scenario's sites with their review decisions, the parameters with
their sources and status, and charts. It writes files, so it lives outside the pure
``siting`` package; ``cli.report`` is its command line.
"""

from __future__ import annotations

from reports.content import PacketInputs, ReportFiles
from reports.packet import write_county_packet

__all__ = ["PacketInputs", "ReportFiles", "write_county_packet"]
