"""Every write of the assessment cycle, split by concern:

- `rounds` — open a round (of either kind), its sheets, the appraisers' assignments, or all at
  once from a round file;
- `cycle` — the sheet's life: scores, evidence, submission, reopening, explanations, appraisal,
  the council's approval (its state diagram is in that module);
- `imports` — the bulk score import, which keeps the cycle's rules and corrects a closed round
  only with a reason;
- `national` — the province's self-assessment for the national index: sub-criteria in the
  charge of departments, the review of their drafts, the consolidation, the evidence package.

Each function takes the acting person first, asks `parindex.policy` on freshly locked rows, writes,
and records every change in the change log in the same transaction. The names below are the
package's surface, so callers write `services.save_score(...)`.
"""

from .cycle import (
    APPRAISED,
    SELF,
    Conflict,
    accept_self_scores,
    add_evidence,
    answer_request,
    approve_group,
    approve_round,
    finalise,
    remove_evidence,
    reopen,
    request_explanation,
    save_score,
    send_requests,
    submission_problems,
    submit,
)
from .imports import ScoresSummary, import_scores
from .national import (
    AssignmentSummary,
    assign_criteria,
    consolidate,
    import_assignments,
    review_criterion,
    start_evidence_package,
)
from .rounds import (
    Deadlines,
    assign,
    create_round,
    create_sheets,
    open_round,
    open_round_file,
)

__all__ = [
    "APPRAISED", "SELF", "AssignmentSummary", "Conflict", "Deadlines", "ScoresSummary",
    "accept_self_scores", "add_evidence", "assign_criteria", "consolidate", "import_assignments",
    "review_criterion", "start_evidence_package",
    "answer_request", "approve_group", "approve_round", "assign", "create_round", "create_sheets",
    "finalise",
    "import_scores", "open_round", "open_round_file", "remove_evidence", "reopen", "request_explanation",
    "save_score", "send_requests", "submission_problems", "submit",
]
