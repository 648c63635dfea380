"""The backup archive: the database as Django's JSON, one file per model in dependency order, and
every stored file, in one .tar.gz with a manifest of counts and SHA-256 checksums.

    manifest.json         format, version, engine, migrations, and per member: count or name,
                          size, sha256
    db/0001.json ...      one model each, rows by primary key, foreign keys to content types,
                          permissions and users by natural key
    media/000001 ...      one stored file each; its storage name is in the manifest

Members have made-up names, so nothing in an archive can name a path outside the restore.
Writing the archive reads only; `parindex.ops.services.restore` writes it back.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import tarfile
import tempfile
from collections.abc import Iterator
from pathlib import Path

import django
from django.apps import apps
from django.core import serializers
from django.core.files.storage import Storage, default_storage
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "parindex-backup"
VERSION = 1
# Rebuilt by `migrate` on any database (content types, permissions) or not worth keeping (sessions).
NOT_SAVED = {"contenttypes.contenttype", "auth.permission", "sessions.session"}
CHUNK = 1024 * 1024


class _Encoder(DjangoJSONEncoder):
    """Django's JSON, but times to the microsecond (Django's own cuts them to milliseconds)."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class ArchiveError(Exception):
    """An archive that cannot be restored here; the message says why."""


def saved_models() -> list:
    """The models an archive holds, each after those its rows point to."""
    ordered = serializers.sort_dependencies(
        [(config, None) for config in apps.get_app_configs()], allow_cycles=True)
    return [m for m in ordered
            if m._meta.label_lower not in NOT_SAVED and m._meta.managed and not m._meta.proxy]


def applied_migrations() -> dict[str, list[str]]:
    recorder = MigrationRecorder(connection)
    found: dict[str, list[str]] = {}
    for app, name in sorted(recorder.applied_migrations()):
        found.setdefault(app, []).append(name)
    return found


def stored_files(storage: Storage, directory: str = "") -> Iterator[str]:
    """Every file in `storage`, by name, walking its folders."""
    folders, files = storage.listdir(directory)
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for folder in sorted(folders):
        yield from stored_files(storage, f"{directory}/{folder}" if directory else folder)


def _copy(source, target, digest) -> int:
    size = 0
    while chunk := source.read(CHUNK):
        target.write(chunk)
        digest.update(chunk)
        size += len(chunk)
    return size


def write(path: Path, storage: Storage = default_storage) -> dict:
    """Write the whole database and every stored file to `path`; return the manifest.

    Run it where nothing writes meanwhile (the rows are read model by model, inside one
    repeatable-read transaction on PostgreSQL).
    """
    from django.db import transaction

    with tempfile.TemporaryDirectory(prefix="parindex-backup-") as staging:
        staging = Path(staging)
        (staging / "db").mkdir()
        (staging / "media").mkdir()
        manifest = {
            "format": FORMAT, "version": VERSION,
            "created": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
            "parindex": _version(), "django": django.get_version(),
            "engine": connection.vendor, "models": [], "media": [],
        }
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            manifest["migrations"] = applied_migrations()
            for number, model in enumerate(saved_models(), 1):
                member = f"db/{number:04d}.json"
                rows = model._base_manager.order_by("pk")
                with open(staging / member, "w", encoding="utf-8") as out:
                    serializers.serialize("json", rows.iterator(chunk_size=2000), stream=out,
                                          use_natural_foreign_keys=True, cls=_Encoder)
                manifest["models"].append({
                    "model": model._meta.label_lower, "file": member, "count": rows.count(),
                    **_checksum(staging / member),
                })
        for number, name in enumerate(stored_files(storage), 1):
            member = f"media/{number:06d}"
            digest = hashlib.sha256()
            with storage.open(name, "rb") as source, open(staging / member, "wb") as out:
                size = _copy(source, out, digest)
            manifest["media"].append(
                {"name": name, "file": member, "size": size, "sha256": digest.hexdigest()})
        (staging / "manifest.json").write_text(
            json.dumps(manifest, indent=1, ensure_ascii=False), encoding="utf-8")
        partial = path.with_name(path.name + ".part")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(staging / "manifest.json", "manifest.json")
            for entry in manifest["models"] + manifest["media"]:
                tar.add(staging / entry["file"], entry["file"])
        partial.replace(path)  # a half-written archive never carries the final name
    return manifest


def _checksum(path: Path) -> dict:
    digest = hashlib.sha256()
    with open(path, "rb") as source:
        size = _hash(source, digest)
    return {"size": size, "sha256": digest.hexdigest()}


def _hash(source, digest) -> int:
    size = 0
    while chunk := source.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return size


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("parindex")
    except PackageNotFoundError:
        return "unknown"


def unpack(path: Path, into: Path) -> dict:
    """Check `path` and copy its members into the folder `into`; return its manifest.

    Refuses (ArchiveError) anything but a parindex archive of this version whose every member is
    listed in the manifest with the size and checksum it has — before anything is written
    anywhere but `into`.
    """
    try:
        tar = tarfile.open(path, "r:gz")
    except (OSError, tarfile.TarError) as error:
        raise ArchiveError(f"{path}: not a .tar.gz archive ({error})") from error
    with tar:
        first = tar.next()
        if first is None or first.name != "manifest.json" or not first.isfile():
            raise ArchiveError(f"{path}: not a parindex backup (no manifest.json first)")
        try:
            manifest = json.loads(tar.extractfile(first).read(CHUNK * 16))
        except ValueError as error:
            raise ArchiveError(f"{path}: manifest.json is not JSON ({error})") from error
        if manifest.get("format") != FORMAT or manifest.get("version") != VERSION:
            raise ArchiveError(f"{path}: not a parindex backup of version {VERSION}")
        expected = {e["file"]: e for e in manifest["models"] + manifest["media"]}
        (into / "db").mkdir()
        (into / "media").mkdir()
        seen = set()
        for member in tar:
            if member.offset == first.offset:
                continue  # the manifest, read above
            entry = expected.get(member.name)
            if entry is None or not member.isfile() or member.name in seen:
                raise ArchiveError(f"{path}: unexpected member {member.name!r}")
            seen.add(member.name)
            digest, size = hashlib.sha256(), 0
            with tar.extractfile(member) as source, open(into / member.name, "wb") as out:
                while chunk := source.read(CHUNK):
                    size += len(chunk)
                    if size > entry["size"]:
                        break
                    digest.update(chunk)
                    out.write(chunk)
            if size != entry["size"] or digest.hexdigest() != entry["sha256"]:
                raise ArchiveError(f"{path}: {member.name} does not match its checksum")
        missing = sorted(set(expected) - seen)
        if missing:
            raise ArchiveError(f"{path}: members missing: {', '.join(missing[:5])}")
    return manifest
