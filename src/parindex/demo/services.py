"""The Gia Lai demo: units, frameworks, rounds and scores from examples/gialai, plus accounts.

Everything goes through the same services (the same doors) as a real province's imports, so the
demo also proves the import path: the demo first ensures its people (the superuser `admin` and
an account per role), then acts as the proper one, so every row it writes names its actor in the
change log — the round manager `snv.quanly` opens the rounds, imports their scores and publishes
their results; the admin runs the commendation campaigns.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction

from parindex.assessments.models import Round, Score
from parindex.assessments.services import create_round, import_scores
from parindex.engine.framework import Framework as EngineFramework
from parindex.engine.io import load_framework
from parindex.frameworks.models import Framework
from parindex.frameworks.selectors import engine_framework
from parindex.frameworks.services import import_framework
from parindex.units.models import Unit
from parindex.units.services import import_units

ADMIN_USERNAME = "admin"
ADMIN_PASSWORD = "parindex-demo-2026"
ADMIN_ROLE = "superuser / quản trị hệ thống"
RELOAD = "parindex demo: values put back from examples/gialai"
ROUND_MANAGER = "snv.quanly"  # manages the rounds organised by SNV (demo.assessment_round)
ROUND_KEYS = {
    "code",
    "name",
    "year",
    "organiser",
    "decision_number",
    "decision_date",
    "published_on",
    "note",
    "illustrative",
    "source",
    "published_units",
    "frameworks",
}


def demo_directory() -> Path:
    return Path(settings.BASE_DIR) / "examples" / "gialai"


@dataclass
class DemoSummary:
    units: int = 0
    frameworks: list[str] = field(default_factory=list)
    rounds: list[str] = field(default_factory=list)
    scores: int = 0
    surveys: list[str] = field(default_factory=list)  # rounds whose survey was loaded
    accounts: list[tuple[str, str, str]] = field(default_factory=list)  # username, password, role


def read_rounds(directory: Path) -> dict:
    """rounds.yaml: `units:` file and `rounds:` each with `frameworks: [{framework, scores}]`."""
    path = directory / "rounds.yaml"
    with open(path, encoding="utf-8") as stream:
        data = yaml.safe_load(stream) or {}
    errors = []
    for i, item in enumerate(data.get("rounds") or [], start=1):
        unknown = set(item) - ROUND_KEYS
        if unknown:
            errors.append(f"{path}: round {i}: unknown keys {', '.join(sorted(unknown))}")
    if not data.get("rounds"):
        errors.append(f"{path}: no rounds")
    if errors:
        raise ValidationError(errors)
    return data


def _date(value) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.date):
        return value
    return datetime.date.fromisoformat(str(value))


def load_demo(directory: Path | None = None) -> DemoSummary:
    """(Re)load the demo from `directory` (examples/gialai by default) in one transaction.

    History is append-only and keeps its rounds, so a reload updates the demo in place rather
    than deleting it: units are updated by code, a framework whose file changed is replaced
    (after removing the demo round's scores on it), rounds are updated, and scores are upserted.
    Loading the same files twice changes nothing.
    """
    directory = Path(directory or demo_directory())
    if not (directory / "rounds.yaml").exists():
        raise FileNotFoundError(f"no demo data: {directory / 'rounds.yaml'} does not exist")
    data = read_rounds(directory)
    summary = DemoSummary()

    with transaction.atomic():
        admin = demo_admin()  # the actor of the reference data the demo loads
        units = import_units(admin, directory / data.get("units", "units.csv"))
        summary.units = units.created + units.updated
        people = ensure_demo_accounts(admin)  # needs the units the role accounts hold roles in
        manager = people[ROUND_MANAGER]

        for item in data["rounds"]:
            models = [
                _sync_framework(admin, load_framework(directory / entry["framework"]))
                for entry in item.get("frameworks") or []
            ]
            summary.frameworks += [model.code for model in models]
            round = _sync_round(manager, item, models)
            summary.rounds.append(round.code)
            for entry in item.get("frameworks") or []:
                if entry.get("scores"):
                    path = directory / entry["scores"]
                    # Unchanged on a reload; a value changed since is put back as a correction.
                    summary.scores += import_scores(manager, round, path, reason=RELOAD).rows

        # The parts of the cycle after scoring, each owned by its app: the 2021 survey's
        # answers, the published result snapshots the public pages read, then the Ia Grai
        # commendation campaign that follows from them.
        from parindex.demo.assessment_round import load_demo_2023
        from parindex.demo.awards import load_demo_campaign
        from parindex.demo.survey import load_demo_survey
        from parindex.results.services import publish_demo_rounds

        for round in Round.objects.filter(code__in=summary.rounds).order_by("year"):
            if load_demo_survey(round, directory) is not None:
                summary.surveys.append(round.code)
        publish_demo_rounds(manager)
        load_demo_campaign(admin)

        # The 2023 round in progress (built on the 2022 frameworks) and an account per role.
        accounts = load_demo_2023(users=people)
        summary.rounds.append("gialai-2023")

        # The present: the merged province from 1/7/2025, its 2025 index in three groups and
        # the 2026 round open now.
        from parindex.demo.present import load_present

        summary.rounds += load_present(admin, manager)

        # The year's reform plan, reports and service figures, and the open round's sheets
        # prefilled from them (demo/plans.py says which round).
        from parindex.demo.plans import load_demo_plans

        load_demo_plans(people, admin)

        # The province's 2026 self-assessment for the national index, drafted by departments.
        from parindex.demo.national import ROUND_CODE as NATIONAL_ROUND
        from parindex.demo.national import load_demo_national

        accounts += load_demo_national(admin, manager)
        summary.rounds.append(NATIONAL_ROUND)
        summary.accounts = [(ADMIN_USERNAME, ADMIN_PASSWORD, ADMIN_ROLE)] + accounts
    return summary


def _sync_framework(admin, fw: EngineFramework) -> Framework:
    """The stored framework for `fw`: kept when identical, otherwise replaced."""
    model = Framework.objects.select_related("unit_group").filter(code=fw.code).first()
    if model is not None:
        if engine_framework(model) == fw:
            return model
        Score.objects.filter(node__framework=model).delete()
    return import_framework(admin, fw, replace=True)


def _sync_round(manager, item: dict, frameworks: list[Framework]) -> Round:
    fields = {
        "name": item.get("name", item["code"]),
        "year": int(item["year"]),
        "decision_number": str(item.get("decision_number") or ""),
        "published_on": _date(item.get("published_on") or item.get("decision_date")),
        "illustrative": bool(item.get("illustrative")),
        "source": str(item.get("source") or ""),
        "published_units": [str(code) for code in item.get("published_units") or []],
    }
    round = Round.objects.filter(code=item["code"]).first()
    if round is None:
        marks = {k: fields.pop(k) for k in ("illustrative", "source", "published_units")}
        round = create_round(
            manager,
            code=item["code"],
            organiser_code=item.get("organiser"),
            framework_codes=[fw.code for fw in frameworks],
            **fields,
        )
        Round.objects.filter(pk=round.pk).update(**marks)  # the demo's own marking
        round.refresh_from_db()
        return round
    for name, value in fields.items():
        setattr(round, name, value)
    round.organiser = Unit.objects.filter(code=item.get("organiser") or "").first()
    round.save()
    round.frameworks.set(frameworks)
    return round


def demo_admin():
    """The demo's superuser (created if missing, its password reset so the printed one always
    works): it loads the demo's units and frameworks."""
    User = get_user_model()
    admin, _ = User.objects.get_or_create(username=ADMIN_USERNAME)
    admin.is_staff = admin.is_superuser = admin.is_active = True
    admin.email = admin.email or "admin@example.invalid"
    if not admin.check_password(ADMIN_PASSWORD):
        admin.set_password(ADMIN_PASSWORD)
    admin.save()
    return admin


def ensure_demo_accounts(admin=None) -> dict[str, object]:
    """The demo's people by username: the superuser (`admin` when the caller has it already)
    and an account per role (needs the demo's units), with their passwords reset so the
    printed ones always work."""
    from parindex.demo.assessment_round import ensure_accounts

    return {ADMIN_USERNAME: admin or demo_admin(), **ensure_accounts()}
