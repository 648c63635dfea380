from django.core.management.base import BaseCommand, CommandError

from parindex.engine.io import dump_framework_yaml, write_framework_xlsx
from parindex.frameworks.models import Framework
from parindex.frameworks.selectors import engine_framework


class Command(BaseCommand):
    help = "Write a stored framework as YAML (to stdout by default) or XLSX."

    def add_arguments(self, parser):
        parser.add_argument("code", help="framework code")
        parser.add_argument("--format", choices=["yaml", "xlsx"], default="yaml")
        parser.add_argument("--out", help="output file (required for xlsx)")

    def handle(self, *args, code, format, out, **options):
        model = Framework.objects.select_related("unit_group").filter(code=code).first()
        if model is None:
            raise CommandError(f"unknown framework '{code}'", returncode=2)
        fw = engine_framework(model)
        if format == "xlsx":
            if not out:
                raise CommandError("--out FILE is required for xlsx", returncode=2)
            write_framework_xlsx(fw, out)
        elif out:
            with open(out, "w", encoding="utf-8") as stream:
                stream.write(dump_framework_yaml(fw))
        else:
            self.stdout.write(dump_framework_yaml(fw), ending="")
        if out:
            self.stderr.write(f"Framework {code} written to {out}")
