"""Replace or add one layer of a region pack, atomically: the pack is either as it was or new.

`replace_layer` copies a prepared file into the pack under a name no file has, then swaps
in a manifest whose ``[layers.<name>]`` table points to it (write a temporary manifest,
check that it loads, then ``os.replace``, which is atomic on one file system). If anything
fails before the swap, the new file is removed and the pack is untouched. The file of an
illustrative layer the import replaces is left in place (it may be generated, committed or
shared with other layers); a previous user import of the same layer is removed.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from layers.region import MANIFEST_NAME, Region, load_region

#: Status of a layer the bureau imported (manifest key ``status``).
USER_STATUS: Final[str] = "user"
_TABLE_HEADER = re.compile(r"^\[layers\.(?P<name>[A-Za-z0-9_-]+)\]\s*$")
_NEXT_BLOCK = re.compile(r"^(\[|# ---)")


@dataclass(frozen=True)
class LayerEntry:
    """What the new ``[layers.<name>]`` table says (``file`` is relative to the pack)."""

    name: str
    kind: str
    file: str
    layer: str | None
    source: str
    licence: str
    datum: str
    description_zh: str
    description_en: str
    status: str = USER_STATUS


def replace_layer(region: Region, entry: LayerEntry, prepared_file: Path) -> Region:
    """Put ``prepared_file`` into ``region``'s pack as layer ``entry.name`` and return the pack.

    The file goes to ``<pack>/<entry.file>``, or ``<stem>-2<ext>``, ``-3`` ... if that name
    exists (a re-import never overwrites the file the manifest still names), and the
    manifest table ``[layers.<entry.name>]`` is replaced (or added) with ``illustrative =
    false``, ``generated = false`` and ``status``. After the swap, a previous user file of
    this layer is removed. Raises what `layers.region.load_region` raises if the new
    manifest does not load, or the OS error of a failed write; then the pack is as it was.
    """
    old_spec = region.layers.get(entry.name)
    target = _free_name(region.dir, entry.file)
    entry = dataclasses.replace(entry, file=target.name)
    manifest = region.dir / MANIFEST_NAME
    new_text = _with_table(manifest.read_text(encoding="utf-8"), entry)
    staged = region.dir / f".{entry.file}.importing"
    staged_manifest = region.dir / f".{MANIFEST_NAME}.importing"
    swapped = False
    try:
        shutil.copyfile(prepared_file, staged)
        staged_manifest.write_text(new_text, encoding="utf-8")
        _check_loads(region, staged_manifest)
        os.replace(staged, target)
        os.replace(staged_manifest, manifest)
        swapped = True
    finally:
        for leftover in (staged, staged_manifest):
            leftover.unlink(missing_ok=True)
        if not swapped:
            target.unlink(missing_ok=True)
    if old_spec is not None and old_spec.status == USER_STATUS and old_spec.file != entry.file:
        (region.dir / old_spec.file).unlink(missing_ok=True)
    return load_region(region.dir)


def _free_name(folder: Path, file: str) -> Path:
    path = folder / file
    number = 2
    while path.exists():
        path = folder / f"{Path(file).stem}-{number}{Path(file).suffix}"
        number += 1
    return path


def _check_loads(region: Region, staged_manifest: Path) -> None:
    """Load the staged manifest in a scratch copy of the pack's manifest folder."""
    scratch = region.dir / ".import-check"
    scratch.mkdir(exist_ok=True)
    try:
        shutil.copyfile(staged_manifest, scratch / MANIFEST_NAME)
        load_region(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _with_table(text: str, entry: LayerEntry) -> str:
    """Return manifest ``text`` without the old ``[layers.<name>]`` table, new one appended."""
    lines = text.splitlines()
    out: list[str] = []
    skipping = False
    for line in lines:
        header = _TABLE_HEADER.match(line)
        if header is not None:
            skipping = header.group("name") == entry.name
        elif skipping and _NEXT_BLOCK.match(line):
            skipping = False
        if not skipping:
            out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join([*out, "", *_table_lines(entry)]) + "\n"


def _table_lines(entry: LayerEntry) -> list[str]:
    def quoted(value: str) -> str:
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a valid TOML string

    lines = [
        f"[layers.{entry.name}]",
        f"kind = {quoted(entry.kind)}",
        f"file = {quoted(entry.file)}",
    ]
    if entry.layer is not None:
        lines.append(f"layer = {quoted(entry.layer)}")
    lines += [
        f"source = {quoted(entry.source)}",
        f"licence = {quoted(entry.licence)}",
        f"datum = {quoted(entry.datum)}",
        "illustrative = false",
        "generated = false",
        f"status = {quoted(entry.status)}",
        f"description_zh = {quoted(entry.description_zh)}",
        f"description_en = {quoted(entry.description_en)}",
    ]
    return lines
