from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from parindex.ops import archive


class Command(BaseCommand):
    help = ("Write the database and every uploaded file to one .tar.gz archive with a manifest "
            "of counts and checksums (restore it with `parindex restore`).")

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="the archive to write, e.g. backup.tar.gz")

    def handle(self, *args, file: Path, **options):
        if not file.parent.is_dir():
            raise CommandError(f"{file.parent}: no such folder", returncode=2)
        try:
            manifest = archive.write(file)
        except OSError as error:
            raise CommandError(f"{file}: {error}", returncode=2) from error
        rows = sum(m["count"] for m in manifest["models"])
        self.stdout.write(f"{file}: {rows} rows of {len(manifest['models'])} tables and "
                          f"{len(manifest['media'])} files ({manifest['engine']}).")
