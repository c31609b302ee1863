"""Safe reading of user-supplied zip archives (zipped Shapefiles, KMZ).

An archive is inspected before anything is extracted: every member path must be relative
without ``..``, at most ``MAX_ZIP_MEMBERS`` members, nothing encrypted, a declared total
uncompressed size within the caller's limit and no member compressed more than
``MAX_ZIP_RATIO`` times (zip bombs). Nested archives are never unpacked. Only the members
the reader needs are extracted, under flat generated names in a temporary directory, and
extraction stops if a member inflates beyond the limit whatever its header claims.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from errors import FileFormatError
from geo.catalogued import catalogued

MAX_ZIP_MEMBERS: int = 200
#: Largest accepted expansion of one member (uncompressed / compressed size). Shapefiles
#: and KML compress 3-20 times, a DBF of blank padding up to ~100; zip bombs 1,000 and more.
MAX_ZIP_RATIO: float = 200.0
#: Members smaller than this are not ratio-checked (a tiny file of blanks is harmless).
RATIO_CHECK_MIN_BYTES: int = 1 << 20
_CHUNK_BYTES = 1 << 20
_UTF8_NAME_FLAG = 0x800
_ENCRYPTED_FLAG = 0x1
_DRIVE_LETTER = re.compile(r"^[A-Za-z]:")
_IGNORED_PREFIXES = ("__MACOSX/",)
_MAX_LISTED = 10


@dataclass(frozen=True)
class ZipMember:
    """One file in an archive: its stored name and the name shown to users.

    ``name`` is the decoded display name (GBK-encoded names from Chinese Windows zips are
    decoded when the UTF-8 flag is not set); ``info`` is used to extract it.
    """

    name: str
    info: zipfile.ZipInfo

    @property
    def suffix(self) -> str:
        """Lower-case extension including the dot, e.g. ``".shp"``."""
        return PurePosixPath(self.name).suffix.lower()


def _display_name(info: zipfile.ZipInfo) -> str:
    """Undo zipfile's cp437 decoding of names stored without the UTF-8 flag.

    macOS stores UTF-8 without the flag; Chinese Windows stores GBK. Try UTF-8, then GBK.
    """
    if info.flag_bits & _UTF8_NAME_FLAG:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:
        return info.filename
    for encoding in ("utf-8", "gbk"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return info.filename


def _is_unsafe(name: str) -> bool:
    normal = name.replace("\\", "/")
    return normal.startswith("/") or bool(_DRIVE_LETTER.match(normal)) or ".." in normal.split("/")


def _listed(names: list[str]) -> str:
    shown = ", ".join(names[:_MAX_LISTED])
    return shown + (f" ... (+{len(names) - _MAX_LISTED})" if len(names) > _MAX_LISTED else "")


def _open_infos(path: Path, source_name: str) -> list[zipfile.ZipInfo]:
    try:
        with zipfile.ZipFile(path) as archive:
            return archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as err:
        raise catalogued(
            FileFormatError, "input.zip_not_zip", file=source_name, reason=str(err)
        ) from err


def list_zip_members(
    path: Path,
    *,
    source_name: str,
    max_uncompressed_bytes: int,
    max_ratio: float = MAX_ZIP_RATIO,
) -> tuple[ZipMember, ...]:
    """Return the file members of a zip archive after checking that it is safe to read.

    Parameters
    ----------
    path
        The zip file on disk.
    source_name
        File name shown in messages.
    max_uncompressed_bytes
        Limit on the declared total uncompressed size of all members.
    max_ratio
        Largest accepted uncompressed / compressed size of a member of 1 MiB or more.

    Raises
    ------
    FileFormatError
        Not a zip; too many members; absolute or ``..`` member paths; encrypted members;
        total uncompressed size over the limit; a member expanding more than ``max_ratio``.
    """
    infos = _open_infos(path, source_name)
    if len(infos) > MAX_ZIP_MEMBERS:
        raise catalogued(
            FileFormatError,
            "input.zip_too_many",
            file=source_name,
            count=len(infos),
            limit=MAX_ZIP_MEMBERS,
        )
    _require_safe_names(infos, source_name)
    _require_not_encrypted(infos, source_name)
    _require_total_size(infos, source_name, max_uncompressed_bytes)
    _require_ratio(infos, source_name, max_ratio)
    return tuple(
        ZipMember(_display_name(info), info)
        for info in infos
        if not info.is_dir()
        and not info.filename.startswith(_IGNORED_PREFIXES)
        and not PurePosixPath(info.filename).name.startswith("._")
    )


def _require_safe_names(infos: list[zipfile.ZipInfo], source_name: str) -> None:
    unsafe = [_display_name(i) for i in infos if _is_unsafe(i.filename)]
    if unsafe:
        raise catalogued(
            FileFormatError, "input.zip_unsafe_paths", file=source_name, names=_listed(unsafe)
        )


def _require_not_encrypted(infos: list[zipfile.ZipInfo], source_name: str) -> None:
    locked = [_display_name(i) for i in infos if i.flag_bits & _ENCRYPTED_FLAG]
    if locked:
        raise catalogued(
            FileFormatError, "input.zip_encrypted", file=source_name, names=_listed(locked)
        )


def _size_error(source_name: str, limit_bytes: int) -> FileFormatError:
    return catalogued(
        FileFormatError,
        "input.zip_too_big",
        file=source_name,
        limit_mb=f"{limit_bytes / 2**20:.0f}",
    )


def _require_ratio(infos: list[zipfile.ZipInfo], source_name: str, max_ratio: float) -> None:
    for info in infos:
        if info.file_size < RATIO_CHECK_MIN_BYTES:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > max_ratio:
            raise catalogued(
                FileFormatError,
                "input.zip_ratio",
                file=source_name,
                name=_display_name(info),
                ratio=f"{ratio:,.0f}",
                limit=f"{max_ratio:,.0f}",
            )


def _require_total_size(infos: list[zipfile.ZipInfo], source_name: str, limit_bytes: int) -> None:
    if sum(i.file_size for i in infos) > limit_bytes:
        raise _size_error(source_name, limit_bytes)


def extract_members(
    path: Path,
    members: dict[str, ZipMember],
    dest_dir: Path,
    *,
    source_name: str,
    max_uncompressed_bytes: int,
) -> dict[str, Path]:
    """Extract ``members`` (target file name -> member) into ``dest_dir``.

    Target names are chosen by the caller (flat, generated), never taken from the archive.
    Extraction stops with ``FileFormatError`` as soon as more than ``max_uncompressed_bytes``
    have been written in total, whatever the member headers declare.

    Returns
    -------
    dict
        Target file name -> extracted path.
    """
    written_bytes = 0
    out: dict[str, Path] = {}
    with zipfile.ZipFile(path) as archive:
        for target, member in members.items():
            out_path = dest_dir / PurePosixPath(target).name
            try:
                written_bytes = _copy_member(
                    archive, member, out_path, written_bytes, max_uncompressed_bytes
                )
            except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError) as err:
                msg = (
                    f"{source_name}: '{member.name}' cannot be unpacked ({err}). "
                    "The zip is damaged or uses an unsupported compression; zip it again."
                )
                zh = (
                    f"{source_name}：无法解压“{member.name}”（{err}）。"
                    "压缩包已损坏或压缩方式不受支持，请重新压缩。"
                )
                raise FileFormatError(msg, zh=zh) from err
            if written_bytes > max_uncompressed_bytes:
                raise _size_error(source_name, max_uncompressed_bytes)
            out[target] = out_path
    return out


def _copy_member(
    archive: zipfile.ZipFile,
    member: ZipMember,
    out_path: Path,
    written_bytes: int,
    limit_bytes: int,
) -> int:
    """Copy one member in chunks; stop early once ``limit_bytes`` is passed; return total."""
    with archive.open(member.info) as src, out_path.open("wb") as dst:
        while chunk := src.read(_CHUNK_BYTES):
            written_bytes += len(chunk)
            if written_bytes > limit_bytes:
                break
            dst.write(chunk)
    return written_bytes
