"""House rules the code must keep, checked on the source (zulip's custom_check style).

1. Every permission decision is parindex.policy's: no other module looks at roles, staff or
   superuser flags or Django permissions (`Role.Kind`, `has_role`, `roles(`, `is_staff`,
   `is_superuser`, `has_perm`), and no template either (`is_staff`, `is_superuser`, `perms.`):
   templates get flags the view or a context processor computed through the policy.
   Exempt: migrations, admin.py (Django's own admin permissions) and the demo loaders that
   create the demo's accounts and roles.
2. Lists are filtered by the policy's querysets, never by looping over a `policy.can_*`
   predicate (in a comprehension's `if`, or a for-loop that keeps or skips items by it).
3. The database is written only by services (one door per write): views, selectors, exports,
   forms, template tags and commands call a service and never create, save, update or delete
   rows themselves. Allowed to write: `services` (module or package), `models.py` (a model's own save), migrations, the change log itself, and
   the demo's builders.
4. Test people come from one cast: no test file but tests/cast.py calls `create_user(` or
   `create_superuser(`; the others ask `cast.person`, `cast.administrator` and friends.

Each checker is shown a tiny good and bad example first, to prove it catches the bad one.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from pathlib import Path

import parindex

SOURCE = Path(parindex.__file__).parent
TESTS = Path(__file__).parent
EXEMPT = {
    "policy.py",
    "demo/services.py",  # creates the demo's administrator
    "demo/assessment_round.py",  # creates the demo round's accounts and their roles
    "demo/national.py",  # names the roles of the departments' accounts it asks for
}
ROLE_NAMES = {"is_staff", "is_superuser", "has_perm", "has_role"}
TEMPLATE_ROLE_LOGIC = re.compile(r"\b(is_staff|is_superuser|perms\.)")


def role_logic(source: str) -> list[int]:
    """Lines of `source` that look at roles or account flags (code only: comments and strings
    do not count)."""
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
              if t.type in (tokenize.NAME, tokenize.OP)]
    lines = []
    for i, token in enumerate(tokens):
        following = [t.string for t in tokens[i + 1:i + 3]]
        if token.type != tokenize.NAME:
            continue
        if (token.string in ROLE_NAMES
                or (token.string == "roles" and following[:1] == ["("])
                or (token.string == "Role" and following == [".", "Kind"])):
            lines.append(token.start[0])
    return lines


def _asks_policy_can(node: ast.AST) -> bool:
    """Whether `node` calls `policy.can_…(…)`."""
    return any(
        isinstance(call, ast.Call)
        and isinstance(call.func, ast.Attribute)
        and call.func.attr.startswith("can_")
        and isinstance(call.func.value, ast.Name)
        and call.func.value.id == "policy"
        for call in ast.walk(node)
    )


def _keeps_or_skips(statements: list[ast.stmt]) -> bool:
    """A for-loop's `if` branch that filters: it skips (`continue`), keeps (`append`, `add`,
    `yield`) or stops on the item."""
    for node in (n for s in statements for n in ast.walk(s)):
        if isinstance(node, ast.Continue | ast.Yield | ast.Break):
            return True
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("append", "add", "extend")):
            return True
    return False


def loop_filters(source: str) -> list[int]:
    """Lines where a comprehension or a for-loop filters items by a `policy.can_*` call."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.comprehension) and any(_asks_policy_can(c) for c in node.ifs):
            lines.append(node.ifs[0].lineno)
        if isinstance(node, ast.For | ast.AsyncFor):
            for inner in node.body:
                if (isinstance(inner, ast.If) and _asks_policy_can(inner.test)
                        and _keeps_or_skips(inner.body + inner.orelse)):
                    lines.append(inner.lineno)
    return lines


def modules():
    for path in sorted(SOURCE.rglob("*.py")):
        name = path.relative_to(SOURCE).as_posix()
        if "/migrations/" not in name:
            yield name, path.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- the checkers


def test_role_checker_catches_role_logic_and_ignores_words():
    good = '"""Only the round manager (is_staff is not enough)."""\n' \
           'allowed = policy.can_manage_round(user, round)  # not user.is_staff\n'
    bad = "if user.is_staff or Role.Kind.MANAGER in policy.roles(user)[unit]:\n    pass\n"
    assert role_logic(good) == []
    assert role_logic(bad) == [1, 1, 1]
    assert role_logic("ok = request.user.has_perm('x')\n") == [1]


def test_loop_checker_catches_filtering_by_a_predicate():
    good = (
        "campaigns = policy.visible_campaigns(user)\n"
        "for n in nominations:\n"
        "    n.can_edit = policy.can_edit_nomination(user, n)\n"
    )
    bad_comprehension = "seen = [c for c in Campaign.objects.all() if policy.can_view_campaign(u, c)]\n"
    bad_loop = (
        "for c in campaigns:\n"
        "    if not policy.can_view_campaign(user, c):\n"
        "        continue\n"
        "    shown.append(c)\n"
    )
    assert loop_filters(good) == []
    assert loop_filters(bad_comprehension) == [1]
    assert loop_filters(bad_loop) == [2]


# --------------------------------------------------------------------------- the rules


def test_no_role_logic_outside_the_policy():
    found = [
        f"{name}:{line}"
        for name, source in modules()
        if name not in EXEMPT and Path(name).name != "admin.py"
        for line in role_logic(source)
    ]
    assert found == [], "role decisions belong in parindex/policy.py"


def test_no_role_logic_in_templates():
    found = [
        f"{path.relative_to(SOURCE)}:{number}"
        for path in sorted(SOURCE.rglob("*.html"))
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if TEMPLATE_ROLE_LOGIC.search(text)
    ]
    assert found == [], "templates read flags computed through parindex.policy"


def test_no_list_filtered_by_a_can_predicate():
    found = [f"{name}:{line}" for name, source in modules() for line in loop_filters(source)]
    assert found == [], "filter lists with the policy's querysets (visible_*, editable_*)"


# --------------------------------------------------------------------------- rule 3

WRITES = {"create", "bulk_create", "bulk_update", "get_or_create", "update_or_create", "update",
          "delete"}
ALLOWED_PARTS = ("services", "models.py", "migrations", "history", "demo")


def _receiver(node: ast.AST) -> str:
    return ast.unparse(node)


def write_calls(source: str) -> list[str]:
    """The lines of `source` that write rows: a manager or queryset write, or a model save."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
            continue
        name, receiver = node.func.attr, _receiver(node.func.value)
        via_manager = name in WRITES and (".objects" in receiver or receiver.endswith("objects")
                                          or ".filter(" in receiver or "_set" in receiver)
        model_save = name in ("save", "delete") and (
            not node.args or any(k.arg == "update_fields" for k in node.keywords))
        if via_manager or model_save:
            found.append(f"{node.lineno}: {ast.unparse(node)[:80]}")
    return found


def is_allowed(path: Path) -> bool:
    parts = path.relative_to(SOURCE).parts
    return any(p.startswith(ALLOWED_PARTS) for p in parts) or parts[0] in ("engine", "settings")


def test_the_checker_catches_writes_and_lets_reads_and_workbooks_pass():
    bad = "Score.objects.create(value=1)\nsheet.save()\nRound.objects.filter(x=1).update(a=2)\n"
    good = ("Score.objects.filter(x=1).count()\nbook.save(buffer)\ncontext.update(a=1)\n"
            "segno.make(url).save(response, kind='svg')\n")
    assert len(write_calls(bad)) == 3
    assert write_calls(good) == []


def test_only_services_write_rows():
    offenders = {
        str(path.relative_to(SOURCE)): calls
        for path in sorted(SOURCE.rglob("*.py"))
        if not is_allowed(path) and (calls := write_calls(path.read_text(encoding="utf-8")))
    }
    assert offenders == {}, "move these writes into a service: " + repr(offenders)


# --------------------------------------------------------------------------- rule 4

PEOPLE_MAKERS = {"create_user", "create_superuser"}


def people_made(source: str) -> list[int]:
    """Lines of `source` that make an account (`….create_user(…)`, `create_superuser(…)`);
    words in comments and strings do not count."""
    return [
        node.lineno
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and (node.func.attr if isinstance(node.func, ast.Attribute)
             else getattr(node.func, "id", None)) in PEOPLE_MAKERS
    ]


def test_the_people_checker_catches_accounts_made_outside_the_cast():
    good = ('"""The officer (cast.person, never create_user(...) here)."""\n'
            'officer = cast.person("officer", unit, Role.Kind.OFFICER)\n'
            'admin = cast.administrator()  # not User.objects.create_superuser("root")\n'
            'users = django_user_model.objects.filter(is_staff=True)\n')
    bad = ('officer = django_user_model.objects.create_user("officer", password="x")\n'
           'root = get_user_model().objects.create_superuser("root")\n'
           'clerk = create_user("clerk")\n')
    assert people_made(good) == []
    assert people_made(bad) == [1, 2, 3]


def test_test_people_are_made_only_by_the_cast():
    found = [
        f"{path.relative_to(TESTS).as_posix()}:{line}"
        for path in sorted(TESTS.rglob("*.py"))
        if path != TESTS / "cast.py"
        for line in people_made(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "make test people with tests/cast.py (cast.person, cast.administrator)"
