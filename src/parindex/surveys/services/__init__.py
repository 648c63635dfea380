"""Every write of the survey, split by concern:

- `responses` — the public form, paper forms, review, invitation codes;
- `imports` — responses from files, and the web's import jobs;
- `counts` — the running answer counts, kept with the responses;
- `definitions` — the questionnaire (survey, groups, sections, questions, definition files).

The demo's survey is loaded by `parindex.demo.survey`.

Lifecycle: every way in for a response (public form, paper form, file import) and every review
first asks `parindex.policy.survey_open`; once the round's results are published it raises
`SurveyClosed` (an import fails with that message) and writes nothing.

Change log: every write a person makes here — the questionnaire (survey, groups with their units
and sections, questions), reviews, paper forms (the typist is the actor), invitation codes, and
each file import (one `import` row with its counts) — takes that person first, is refused
(PermissionDenied, nothing written) unless `policy.can_manage_survey` allows it for the round,
and records one row listed under the survey, in the write's transaction. Public anonymous answers
(`submit_online`) are not a person's change and are not logged: that would copy respondents'
answers into the log, one row each for up to millions of them.

The names below are the package's surface, so callers write `services.submit_online(...)`.
"""

from .common import (
    CODE_ALPHABET,
    FLAG_DUPLICATE,
    FLAG_RATE,
    MAX_KEPT_ERRORS,
    RateLimited,
    ResponseError,
    SurveyClosed,
)
from .counts import apply_counts, delete_responses, recount, tally
from .definitions import (
    EditRefused,
    check_margin,
    create_survey_for,
    delete_question,
    import_definition,
    save_group,
    save_question,
    save_sections,
    update_survey,
)
from .imports import (
    import_file,
    import_responses,
    issue_dict,
    process_import_job,
    read_rows,
    start_import,
)
from .responses import (
    create_invitations,
    enter_paper_form,
    rate_limit,
    review,
    source_of,
    submit_online,
)

__all__ = [
    "CODE_ALPHABET", "FLAG_DUPLICATE", "FLAG_RATE", "MAX_KEPT_ERRORS", "EditRefused",
    "RateLimited", "ResponseError", "SurveyClosed", "apply_counts", "check_margin",
    "create_invitations", "create_survey_for", "delete_question", "delete_responses",
    "enter_paper_form", "import_definition", "import_file", "import_responses", "issue_dict",
    "process_import_job", "rate_limit",
    "read_rows", "recount", "review", "save_group", "save_question", "save_sections",
    "source_of", "start_import", "submit_online", "tally", "update_survey",
]
