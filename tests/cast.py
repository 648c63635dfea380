"""The cast: every person the tests sign in as or act for is made here, and only here.

One password for all (PASSWORD). Asking for a person twice returns the same account (by
username), with any new roles added, so fixtures may call these functions freely.

The round cast (`round_people(code, …)`; with build_cycle's default code "r2023"):

    username             unit                    role          what they are for
    -------------------  ----------------------  ------------  ---------------------------------
    admin-tests          -                       superuser     the administrator: imports units
                                                 (and staff)   and frameworks, computes and
                                                               publishes results (also
                                                               pytest-django's admin_user)
    r2023-manager        SNV, the province's     manager       opens the round, assigns the
                         organiser                             appraisers, runs its survey
    r2023-council        SNV                     council       approves the appraised round
    r2023-viewer         SNV                     viewer        reads the whole round
    r2023-appraiser      SNV                     appraiser     appraises every district
    r2023-appraiser-f1   SNV                     appraiser     field appraiser: field 1 of H02
    r2023-officer1       H01, a district         officer       fills in H01's sheet
    r2023-head1          H01                     head          submits H01's sheet
    r2023-uviewer1       H01                     viewer        reads H01's sheet only
    r2023-officer2       H02, another district   officer       sees nothing of H01
    r2023-head2          H02                     head          submits H02's sheet
    r2023-outsider       -                       -             signed in, holds no role
    outsider             -                       -             the same where no round is built
    staff                -                       (staff flag)  a staff account with no role:
                                                               is_staff alone grants nothing

The same parts under the names other areas' assertions or fixtures use:
surveys: "manager" (round_manager of GIALAI), "iagrai" (manager of a district: no round);
awards: "manager", "council", "viewer", "officer", "head" of IAGRAI, "other" (officer of
PLEIKU), "o2" (a second IAGRAI officer), "pmanager" (manager of GIALAI); results:
"snv.quanly" (manager of SNV), "canbo" (officer of U001); assessments: "snv-boss",
"snv-manager" (managers of SNV), "snv-council"; history: "clerk" (staff, no role: `--as clerk`
is refused); web: "alice", "bob" (no role, for the log-in lockout); the awards browser test:
"officer", "council", "manager" of IAGRAI. Everyone else is one of the table's rows.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model

from parindex.units.models import Role, Unit

PASSWORD = "Cchc-2023-demo!"
ADMIN = "admin-tests"
STAFF = "staff"
OUTSIDER = "outsider"


def person(username: str, unit: Unit | None = None, *kinds: str, **flags):
    """The one creator: `username` (password PASSWORD, account `flags` such as is_staff set
    when first made) holding a role of each of `kinds` in `unit`. Idempotent by username."""
    if kinds and unit is None:
        raise ValueError(f"{username}: a role needs a unit")
    users = get_user_model().objects
    user = users.filter(username=username).first()
    if user is None:
        user = users.create_user(username, password=PASSWORD, **flags)
    elif any(getattr(user, flag) != value for flag, value in flags.items()):
        raise ValueError(f"{username} already exists with other account flags than {flags}")
    for kind in kinds:
        Role.objects.get_or_create(user=user, unit=unit, kind=kind)
    return user


def administrator():
    """The superuser who imports the tests' units and frameworks and acts for the results."""
    return person(ADMIN, is_staff=True, is_superuser=True)


def staff(username: str = STAFF):
    """A staff account with no role (is_staff is no permission of its own)."""
    return person(username, is_staff=True)


def outsider(username: str = OUTSIDER):
    """Signed in, holds no role anywhere."""
    return person(username)


def round_manager(unit: Unit, username: str = "manager"):
    """The manager of the rounds `unit` organises (and of their surveys)."""
    return person(username, unit, Role.Kind.MANAGER)


def round_people(code: str, organiser: Unit, districts: list[Unit]) -> dict:
    """The round cast of the table above: the organiser's people, two districts' people and an
    outsider, by the attribute names build_cycle gives them."""
    K = Role.Kind
    first, second = districts[0], districts[1]
    return {
        "manager": round_manager(organiser, f"{code}-manager"),
        "council": person(f"{code}-council", organiser, K.COUNCIL),
        "viewer": person(f"{code}-viewer", organiser, K.VIEWER),
        "appraiser": person(f"{code}-appraiser", organiser, K.APPRAISER),
        "field_appraiser": person(f"{code}-appraiser-f1", organiser, K.APPRAISER),
        "officer": person(f"{code}-officer1", first, K.OFFICER),
        "head": person(f"{code}-head1", first, K.HEAD),
        "unit_viewer": person(f"{code}-uviewer1", first, K.VIEWER),
        "other_officer": person(f"{code}-officer2", second, K.OFFICER),
        "other_head": person(f"{code}-head2", second, K.HEAD),
        "outsider": outsider(f"{code}-outsider"),
    }
