"""The load test's data, built through the product's services in a migrated, empty database.

- units: the organising department (SNV) and N assessed districts, by the units import
  (`units.services.import_units`, one file);
- the framework: the real Gia Lai district framework of 2022 (73 sub-criteria, every rule kind)
  as a 2024 copy (`frameworks.services.import_framework`);
- a round over it opened by its manager (`assessments.services.open_round`: one sheet per
  district, bulk-created);
- the last `appraised` districts' sheets filled in one scores import (`import_scores`, the bulk
  door) and submitted by each unit's head (`services.submit`); each appraiser is assigned
  (`services.assign`) two of these sheets, so that every submitted sheet has two appraisers and
  their saves can meet (the optimistic lock's conflict, which the page shows);
- a survey with one open respondent group over every district (`import_definition`).

People are not made by a service (accounts and roles are the administrator's, in the admin):
users and roles are bulk-created rows, as the demo does. Their web sessions are created here,
the way Django's `force_login` does (a session naming the user and their password hash), so
that the load does not start with 330 PBKDF2 password checks (about 0.3 s of CPU each) that
would measure the password hasher rather than the sheet.

`build()` returns the plan the locustfile reads: who logs in with which session, their sheets,
and for every sub-criterion the form fields of a few valid values with the value stored.
"""

from __future__ import annotations

import csv
import dataclasses
import random
import tempfile
from pathlib import Path

ROUND = "load-2024"
ORGANISER = "SNV"
GROUP = "huyen"
SURVEY_GROUP = "nguoi-dan"
NOTE = "Hồ sơ lưu tại đơn vị"
ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK_FILE = ROOT / "examples" / "gialai" / "framework-huyen-2022.yaml"


def unit_code(i: int) -> str:
    return f"H{i:04d}"


def samples(leaf) -> list[dict]:
    """A few valid entries of `leaf` as the sheet's form posts them, each with the value the
    server composes from them (`assessments.forms.compose_value`) and stores."""
    from parindex.engine.values import parse_value

    kind = leaf.rule.kind
    if kind == "yes_no":
        found = [{"value": v} for v in ("yes", "no", "NA")]
    elif kind == "levels":
        found = [{"value": level.label} for level in leaf.rule.levels] + [{"value": "NA"}]
    elif kind == "ratio":
        found = [{"numerator": str(n), "denominator": "20"} for n in (10, 15, 17, 19, 20)]
        found.append({"na": "1"})
    elif kind == "count":
        found = [{"value": str(n)} for n in (0, 1, 2, 5)] + [{"na": "1"}]
    else:  # points (and survey, never posted: no form on the sheet)
        top = leaf.max
        found = [{"value": str(v)} for v in (0, top / 4, top / 2, top)] + [{"na": "1"}]
    valid = []
    for fields in found:
        if fields.get("na"):
            value = "NA"
        elif kind == "ratio":
            value = f"{fields['numerator']}/{fields['denominator']}"
        else:
            value = fields["value"]
        parse_value(leaf, value)  # a sample the engine refuses is a bug of this file
        valid.append({"fields": fields, "value": value})
    return valid


def _write_csv(path: Path, header: list[str], rows) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _sessions(users) -> dict[int, str]:
    """A signed-in session per user, as `django.contrib.auth.login` leaves it."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    keys = {}
    for user in users:
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        keys[user.pk] = session.session_key
    return keys


def build(officers: int = 300, appraisers: int = 30, workdir: Path | None = None) -> dict:
    """Fill the (migrated, empty) database; returns the plan for the locustfile."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from parindex.assessments import services
    from parindex.assessments.models import Sheet
    from parindex.engine.io import load_framework
    from parindex.frameworks.services import import_framework
    from parindex.surveys.services.definitions import import_definition
    from parindex.units.models import Role, Unit
    from parindex.units.services import import_units

    User = get_user_model()
    K = Role.Kind
    work = Path(workdir or tempfile.mkdtemp(prefix="parindex-load-"))
    total = officers + appraisers  # one sheet per officer, one per appraiser to appraise
    rng = random.Random(2024)

    admin = User.objects.create_superuser("load.admin", password=None)
    _write_csv(work / "units.csv", ["code", "name", "unit_group", "parent_code", "kind"], [
        [ORGANISER, "Sở Nội vụ", "so", "", "so"],
        *([unit_code(i), f"UBND huyện số {i}", GROUP, "", "huyen"] for i in range(1, total + 1)),
    ])
    import_units(admin, work / "units.csv")
    organiser = Unit.objects.get(code=ORGANISER)
    units = {u.code: u for u in Unit.objects.filter(group__code=GROUP)}

    source = load_framework(FRAMEWORK_FILE)
    framework = import_framework(admin, dataclasses.replace(
        source, code="load-huyen-2024", year=2024, name=source.name.replace("2022", "2024")))

    # People: a manager, the appraisers, an officer and a head per district.
    unusable = make_password(None)
    people = [User(username="load.manager", password=unusable)]
    people += [User(username=f"load.appraiser{i:02d}", password=unusable)
               for i in range(1, appraisers + 1)]
    people += [User(username=f"{code.lower()}.{who}", password=unusable)
               for code in units for who in ("officer", "head")]
    User.objects.bulk_create(people, batch_size=1000)
    by_name = {u.username: u for u in User.objects.filter(username__startswith=("load."))}
    by_name |= {u.username: u for u in User.objects.filter(username__startswith="h")}
    manager = by_name["load.manager"]
    roles = [Role(user=manager, unit=organiser, kind=K.MANAGER)]
    roles += [Role(user=by_name[f"load.appraiser{i:02d}"], unit=organiser, kind=K.APPRAISER)
              for i in range(1, appraisers + 1)]
    for code, unit in units.items():
        roles.append(Role(user=by_name[f"{code.lower()}.officer"], unit=unit, kind=K.OFFICER))
        roles.append(Role(user=by_name[f"{code.lower()}.head"], unit=unit, kind=K.HEAD))
    Role.objects.bulk_create(roles, batch_size=1000)

    round = services.open_round(manager, code=ROUND, name="Chỉ số CCHC 2024 (tải thử)",
                                year=2024, organiser=organiser, frameworks=[framework])

    # The appraisers' sheets: filled in (one import), submitted by each head, assigned.
    engine = load_framework(FRAMEWORK_FILE)
    leaves = {code: leaf for code, leaf in engine.leaves().items() if leaf.rule.kind != "survey"}
    entries = {code: samples(leaf) for code, leaf in leaves.items()}
    submitted = [unit_code(i) for i in range(officers + 1, total + 1)]
    rows = [[code, leaf, rng.choice(entries[leaf])["value"], "self", NOTE]
            for code in submitted for leaf in leaves]
    services.import_scores(manager, round, _write_csv(
        work / "scores.csv", ["unit_code", "criterion_code", "value", "stage", "note"], rows))
    sheets = {s.unit.code: s for s in Sheet.objects.filter(round=round).select_related(
        "unit", "round__organiser", "framework__unit_group")}
    for code in submitted:
        services.submit(by_name[f"{code.lower()}.head"], sheets[code])
    assigned: dict[str, list[str]] = {}
    for i in range(appraisers):
        name = f"load.appraiser{i + 1:02d}"
        mine = [submitted[i], submitted[(i + 1) % appraisers]] if appraisers > 1 else submitted
        for code in mine:
            services.assign(manager, round, by_name[name], units[code])
        assigned[name] = mine

    # The survey: one open group over every district, four scored questions and one more.
    survey_leaves = [c for c, leaf in engine.leaves().items() if leaf.rule.kind == "survey"]
    questions = [{"code": f"Q{i + 1}", "text": f"Câu hỏi {i + 1}", "leaf": leaf}
                 for i, leaf in enumerate(survey_leaves)]
    questions.append({"code": f"Q{len(questions) + 1}", "text": "Góp ý khác", "required": False})
    import yaml

    definition = {
        "name": "Điều tra xã hội học 2024 (tải thử)", "margin": 0.05,
        "groups": [{
            "code": SURVEY_GROUP, "name": "Người dân, tổ chức", "access": "open",
            "units": [{"unit": code, "transactions": 5000} for code in sorted(units)],
            "sections": [{"title": "Mức độ hài lòng", "questions": questions}],
        }],
    }
    (work / "survey.yaml").write_text(yaml.safe_dump(definition, allow_unicode=True), "utf-8")
    import_definition(manager, round, work / "survey.yaml")

    sessions = _sessions(User.objects.filter(
        username__in=[f"{unit_code(i).lower()}.officer" for i in range(1, officers + 1)]
        + list(assigned)))
    return {
        "round": ROUND,
        "officers": [
            {"username": name, "session": sessions[by_name[name].pk], "units": [code]}
            for code in (unit_code(i) for i in range(1, officers + 1))
            for name in [f"{code.lower()}.officer"]
        ],
        "appraisers": [
            {"username": name, "session": sessions[by_name[name].pk], "units": mine}
            for name, mine in assigned.items()
        ],
        "leaves": entries,
        "survey": {
            "group": SURVEY_GROUP, "units": sorted(units),
            "questions": {q["code"]: ["A", "B", "C", "D", "X"] for q in questions},
        },
    }
