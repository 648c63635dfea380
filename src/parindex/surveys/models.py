"""The sociological survey (điều tra xã hội học) of an assessment round.

A round has one Survey; the survey has respondent groups (citizens, enterprises, deputies,
officials…), each with its own questionnaire (sections → questions → answer options) and the
units it evaluates (with the number of transactions N used for the sample size).

Answers are stored compactly: one character per question of its group, in questionnaire order
(the option's one-character code, `.` for no answer). Because of that encoding, questions and
options cannot be added or removed once a group has responses (a Response or an ImportBatch);
texts, weights and the sub-criterion a question feeds stay editable.

Two stores, one meaning ("a form"):
- a Response row per online or paper form: each is reviewed, flagged, rate-limited and linked
  to its invitation on its own;
- an ImportBatch per imported file, its forms packed column-wise in PackedForms rows of up to
  PACK_SIZE forms (see there). Imported forms are counted, never flagged: the file was checked
  whole, all or nothing. Storing them one row each cost 4–5× parsing the file in inserts
  alone (bench/survey.py); a pack is one insert per PACK_SIZE forms.
Form numbers are unique in a group across both: paper forms by the constraint on Response, the
rest by the services, which check every store while holding the group's row lock.

The counted (accepted) answers are also kept as AnswerCount rows per (group, unit, question,
option), updated by the services in the same transaction as the responses: scoring reads those
few thousand rows instead of every response.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from parindex.assessments.models import Round
from parindex.units.models import Unit

NO_ANSWER = "."


class Survey(models.Model):
    round = models.OneToOneField(
        Round, verbose_name=_("assessment round"), on_delete=models.CASCADE, related_name="survey"
    )
    name = models.CharField(_("name"), max_length=255)
    # The margin of error e in n = N / (1 + N·e²), e.g. 0.05 for ±5%.
    margin = models.DecimalField(_("margin of error"), max_digits=5, decimal_places=4, default="0.05")

    class Meta:
        verbose_name = _("survey")
        verbose_name_plural = _("surveys")

    def __str__(self) -> str:
        return self.name


class RespondentGroup(models.Model):
    class Access(models.TextChoices):
        OPEN = "open", _("Open link (anyone with the link)")
        CODES = "codes", _("Invitation codes (one response per code)")

    survey = models.ForeignKey(
        Survey, verbose_name=_("survey"), on_delete=models.CASCADE, related_name="groups"
    )
    code = models.SlugField(_("code"), max_length=64)
    name = models.CharField(_("name"), max_length=255)
    intro = models.TextField(_("introduction"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    access = models.CharField(_("access"), max_length=8, choices=Access.choices, default=Access.OPEN)
    accepting = models.BooleanField(_("accepting online responses"), default=True)
    units = models.ManyToManyField(
        Unit, through="GroupUnit", verbose_name=_("units evaluated"), related_name="+"
    )

    class Meta:
        ordering = ["survey", "position", "code"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "code"], name="group_code_unique_in_survey"),
        ]
        verbose_name = _("respondent group")
        verbose_name_plural = _("respondent groups")

    def __str__(self) -> str:
        return self.name


class GroupUnit(models.Model):
    """A unit that a respondent group evaluates, with its number of transactions N."""

    group = models.ForeignKey(RespondentGroup, on_delete=models.CASCADE, related_name="targets")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+")
    population = models.PositiveIntegerField(_("number of transactions (N)"), null=True, blank=True)

    class Meta:
        ordering = ["group", "unit__code"]
        constraints = [
            models.UniqueConstraint(fields=["group", "unit"], name="group_unit_unique"),
        ]
        verbose_name = _("unit evaluated")
        verbose_name_plural = _("units evaluated")

    def __str__(self) -> str:
        return f"{self.group_id}: {self.unit_id}"


class Section(models.Model):
    group = models.ForeignKey(RespondentGroup, on_delete=models.CASCADE, related_name="sections")
    position = models.PositiveIntegerField(_("position"))
    title = models.CharField(_("title"), max_length=500)

    class Meta:
        ordering = ["group", "position"]
        verbose_name = _("section")
        verbose_name_plural = _("sections")

    def __str__(self) -> str:
        return self.title


class Question(models.Model):
    group = models.ForeignKey(RespondentGroup, on_delete=models.CASCADE, related_name="questions")
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="questions")
    # Index of this question's character in Response.answers; 0, 1, 2… within the group.
    position = models.PositiveIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=32)
    text = models.TextField(_("question"))
    # The survey sub-criterion of the framework this question feeds; blank: not scored.
    leaf_code = models.CharField(_("sub-criterion"), max_length=32, blank=True)
    required = models.BooleanField(_("required"), default=True)

    class Meta:
        ordering = ["group", "position"]
        constraints = [
            models.UniqueConstraint(fields=["group", "code"], name="question_code_unique_in_group"),
            models.UniqueConstraint(fields=["group", "position"], name="question_position_unique"),
        ]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self) -> str:
        return f"{self.code}. {self.text}"


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    position = models.PositiveIntegerField(_("position"))
    code = models.CharField(_("code"), max_length=1)
    label = models.CharField(_("label"), max_length=255)
    # Share of the max earned by this answer, 0..1; null: "don't know", left out of the score.
    weight = models.DecimalField(_("weight"), max_digits=5, decimal_places=4, null=True, blank=True)

    class Meta:
        ordering = ["question", "position"]
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="option_code_unique"),
        ]
        verbose_name = _("answer option")
        verbose_name_plural = _("answer options")

    def __str__(self) -> str:
        return f"{self.code}. {self.label}"


class ImportJob(models.Model):
    """An uploaded CSV/XLSX of paper forms, imported by a background job (`job`); its outcome
    (rows, errors) is what the survey's managers see."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    group = models.ForeignKey(RespondentGroup, on_delete=models.CASCADE, related_name="imports")
    file = models.FileField(_("file"), upload_to="survey-imports/")
    filename = models.CharField(_("file name"), max_length=255)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField(_("rows"), default=0)
    rows_done = models.PositiveIntegerField(_("rows checked"), default=0)
    imported = models.PositiveIntegerField(_("responses imported"), default=0)
    # [{"row": 5, "column": "Q3", "message": "…"}, …] — at most a few hundred are kept.
    errors = models.JSONField(_("errors"), default=list, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The uploader's background job that runs it (parindex.jobs).
    job = models.OneToOneField("jobs.Job", on_delete=models.SET_NULL, null=True, blank=True,
                               related_name="survey_import")

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("survey import")
        verbose_name_plural = _("survey imports")

    def __str__(self) -> str:
        return self.filename


class Invitation(models.Model):
    """A code that allows one response in a group that uses codes (officials, deputies)."""

    group = models.ForeignKey(RespondentGroup, on_delete=models.CASCADE, related_name="invitations")
    code = models.CharField(_("code"), max_length=16, unique=True)
    # When set, the respondent evaluates this unit (e.g. an official evaluating their own unit).
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["group", "code"]
        verbose_name = _("invitation code")
        verbose_name_plural = _("invitation codes")

    def __str__(self) -> str:
        return self.code


class Response(models.Model):
    class Channel(models.TextChoices):
        ONLINE = "online", _("Online")
        PAPER = "paper", _("Paper (typed in)")
        IMPORT = "import", _("Imported file")

    class Status(models.TextChoices):
        ACCEPTED = "accepted", _("Counted")
        FLAGGED = "flagged", _("Flagged for review")
        REJECTED = "rejected", _("Rejected")

    # Few indexes on purpose: every one slows a 100,000-row import. Scoring reads AnswerCount,
    # not this table; the partial indexes in Meta cover review lists (responses not counted) and
    # the stuffing checks (online responses only), so imported rows touch neither.
    group = models.ForeignKey(
        RespondentGroup, on_delete=models.CASCADE, related_name="responses", db_index=False
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+", db_index=False
    )
    channel = models.CharField(_("channel"), max_length=8, choices=Channel.choices)
    status = models.CharField(
        _("status"), max_length=8, choices=Status.choices, default=Status.ACCEPTED
    )
    flag = models.CharField(_("reason for review"), max_length=255, blank=True)
    # One character per question, in questionnaire order; see the module docstring.
    answers = models.CharField(_("answers"), max_length=1000)
    comment = models.TextField(_("comment"), blank=True)
    form_number = models.CharField(_("form number"), max_length=32, blank=True)
    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="response"
    )
    # A salted hash of the sender's address (never the address itself), for rate limits.
    source = models.CharField(_("source"), max_length=32, blank=True)
    import_job = models.ForeignKey(
        ImportJob, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        db_index=False,
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", db_index=False,
    )
    created_at = models.DateTimeField(_("submitted at"))

    class Meta:
        ordering = ["group", "id"]
        indexes = [
            models.Index(fields=["group", "status"], name="response_review",
                         condition=~models.Q(status="accepted")),
            models.Index(fields=["group", "source"], name="response_source_online",
                         condition=~models.Q(source="")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["group", "form_number"],
                condition=~models.Q(form_number=""),
                name="form_number_unique_in_group",
            ),
        ]
        verbose_name = _("survey response")
        verbose_name_plural = _("survey responses")

    def __str__(self) -> str:
        return f"{self.group_id}/{self.pk}"


class ImportBatch(models.Model):
    """One imported file of forms: who imported it, when, from which file, how many forms. Its
    forms are in its PackedForms rows, numbered 0…forms-1 in the file's order."""

    group = models.ForeignKey(RespondentGroup, on_delete=models.CASCADE, related_name="batches")
    job = models.ForeignKey(ImportJob, on_delete=models.SET_NULL, null=True, blank=True,
                            related_name="+")
    filename = models.CharField(_("file name"), max_length=255, blank=True)
    forms = models.PositiveIntegerField(_("forms"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("imported at"))

    class Meta:
        ordering = ["group", "created_at", "id"]
        verbose_name = _("imported file of forms")
        verbose_name_plural = _("imported files of forms")

    def __str__(self) -> str:
        return f"{self.filename or self.pk} ({self.forms})"


PACK_SIZE = 10_000


class PackedForms(models.Model):
    """Forms first…first+count-1 of an ImportBatch, column-wise, each column a JSON text:

    - units: [unit id, …], one per form;
    - answers: one string per question position, `count` characters long, the answer of form k
      at character k (`.`: no answer) — so form k's Response.answers is answers[p][k] for each p;
    - form_numbers, comments: [text, …], one per form ("" when none).

    Written once by services.imports, never updated; deleted with their batch.
    """

    batch = models.ForeignKey(ImportBatch, on_delete=models.CASCADE, related_name="packs")
    first = models.PositiveIntegerField()
    count = models.PositiveIntegerField()
    units = models.TextField()
    answers = models.TextField()
    form_numbers = models.TextField()
    comments = models.TextField()

    class Meta:
        ordering = ["batch", "first"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "first"], name="packed_forms_unique"),
        ]
        verbose_name = _("packed imported forms")
        verbose_name_plural = _("packed imported forms")

    def __str__(self) -> str:
        return f"{self.batch_id}: {self.first}+{self.count}"


class AnswerCount(models.Model):
    """How many counted (accepted) responses of `group` about `unit` chose `option` at question
    `position`; the row with option "" (position 0) holds the number of counted responses.

    Kept by the services in the same transaction as every write to Response or ImportBatch (see
    services.counts); services.recount rebuilds it from the forms.
    """

    RESPONSES = ""

    group = models.ForeignKey(RespondentGroup, on_delete=models.CASCADE, related_name="+",
                              db_index=False)
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+", db_index=False)
    position = models.PositiveIntegerField()
    option = models.CharField(max_length=1, blank=True)
    count = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["group", "unit", "position", "option"],
                                    name="answer_count_unique"),
        ]
        verbose_name = _("answer count")
        verbose_name_plural = _("answer counts")

    def __str__(self) -> str:
        return f"{self.group_id}/{self.unit_id}/{self.position}/{self.option}: {self.count}"
