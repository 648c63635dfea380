from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from parindex.demo.services import demo_directory, load_demo
from parindex.engine.framework import FrameworkError
from parindex.engine.io import InputError


class Command(BaseCommand):
    help = "(Re)load the Gia Lai demo (examples/gialai) and create the demo accounts."

    def add_arguments(self, parser):
        parser.add_argument("--dir", help="demo directory (default: examples/gialai)")

    def handle(self, *args, dir=None, **options):
        try:
            summary = load_demo(dir or demo_directory())
        except FileNotFoundError as exc:
            raise CommandError(str(exc), returncode=2) from None
        except (FrameworkError, InputError) as exc:
            for error in exc.errors:
                self.stderr.write(str(error))
            raise CommandError("the demo was not loaded", returncode=2) from None
        except ValidationError as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError("the demo was not loaded", returncode=2) from None

        out = self.stdout.write
        out(self.style.SUCCESS("Đã nạp dữ liệu demo Gia Lai / Gia Lai demo loaded:"))
        out(f"  Đơn vị / units: {summary.units}")
        out(f"  Bộ chỉ số / frameworks: {', '.join(summary.frameworks)}")
        out(f"  Kỳ đánh giá / rounds: {', '.join(summary.rounds)}")
        out(f"  Điểm / score rows: {summary.scores}")
        if summary.surveys:
            out(f"  Điều tra XHH / surveys: {', '.join(summary.surveys)}")
        out("Tài khoản demo / demo accounts:")
        for username, password, role in summary.accounts:
            out(f"  {username} / {password}  ({role})")
        out("Mở / open: http://127.0.0.1:8000/")
