"""Safe reading of user-supplied zip archives (zipped Shapefiles, KMZ).

An archive is inspected before anything is extracted: every member path must be relative
without ``..``, at most ``MAX_ZIP_MEMBERS`` members, nothing encrypted, and a declared total
uncompressed size within the caller's limit (zip bombs). Only the members the reader needs
are extracted, under flat generated names in a temporary directory, and extraction stops
if a member inflates beyond the limit whatever its header claims.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from errors import FileFormatError

MAX_ZIP_MEMBERS: int = 200
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
    except zipfile.BadZipFile as err:
        msg = f"{source_name} is not a readable zip archive ({err}). Zip the files again."
        zh = f"{source_name} 不是可读取的 zip 压缩包（{err}）。请重新压缩。"
        raise FileFormatError(msg, zh=zh) from err


def list_zip_members(
    path: Path, *, source_name: str, max_uncompressed_bytes: int
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

    Raises
    ------
    FileFormatError
        Not a zip; too many members; absolute or ``..`` member paths; encrypted members;
        total uncompressed size over the limit.
    """
    infos = _open_infos(path, source_name)
    if len(infos) > MAX_ZIP_MEMBERS:
        msg = (
            f"{source_name} holds {len(infos)} files; at most {MAX_ZIP_MEMBERS} are "
            "accepted. Zip only the layer you want to upload."
        )
        zh = (
            f"{source_name} 含 {len(infos)} 个文件，"
            f"最多允许 {MAX_ZIP_MEMBERS} 个。请只压缩要上传的图层。"
        )
        raise FileFormatError(msg, zh=zh)
    _require_safe_names(infos, source_name)
    _require_not_encrypted(infos, source_name)
    _require_total_size(infos, source_name, max_uncompressed_bytes)
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
        msg = (
            f"{source_name} contains files with absolute paths or '..' "
            f"({_listed(unsafe)}), which is unsafe. Zip the files again from their folder."
        )
        zh = (
            f"{source_name} 包含绝对路径或“..”路径的文件（{_listed(unsafe)}），"
            "不安全。请在文件所在目录重新压缩。"
        )
        raise FileFormatError(msg, zh=zh)


def _require_not_encrypted(infos: list[zipfile.ZipInfo], source_name: str) -> None:
    locked = [_display_name(i) for i in infos if i.flag_bits & _ENCRYPTED_FLAG]
    if locked:
        msg = (
            f"{source_name} is password-protected ({_listed(locked)}). "
            "Zip the files again without a password."
        )
        zh = f"{source_name} 设有密码（{_listed(locked)}）。请不加密码重新压缩。"
        raise FileFormatError(msg, zh=zh)


def _size_error(source_name: str, limit_bytes: int) -> FileFormatError:
    limit_mb = limit_bytes / 2**20
    msg = (
        f"{source_name} unpacks to more than {limit_mb:.0f} MB, the limit (this also "
        "catches 'zip bombs'). Upload a smaller area or fewer layers."
    )
    zh = (
        f"{source_name} 解压后超过 {limit_mb:.0f} MB 上限（用于防范“压缩炸弹”）。"
        "请上传更小的范围或更少的图层。"
    )
    return FileFormatError(msg, zh=zh)


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
            except (zipfile.BadZipFile, zlib.error, NotImplementedError) as err:
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
