"""Commendation (khen thưởng): campaigns, nominations, the decision, the register of awards.

A campaign belongs to one awarder (e.g. the chairman of UBND huyện Ia Grai: an
`AwardingAuthority`, whose level and the decision's date say which forms it may give) and
usually to one assessment round, whose results propose collectives through the campaign's rules. Units
nominate individuals and collectives of their own; the emulation council accepts or rejects
each nomination; the decision lists the accepted ones and, when issued, writes one Award per
awardee into the register, which also holds awards recorded from before parindex.
"""

from __future__ import annotations

import unicodedata

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from parindex.assessments.models import Round
from parindex.units.models import Unit, UnitGroup

from . import rules


class AwardForm(models.TextChoices):
    GIAY_KHEN = rules.GIAY_KHEN, _("Certificate of merit (giấy khen)")
    BANG_KHEN = rules.BANG_KHEN, _("Provincial certificate of merit (bằng khen)")


class Honorific(models.TextChoices):
    """How a certificate addresses a person; unknown prints "Ông (Bà)"."""

    UNKNOWN = "", _("Not recorded")
    MR = "Ông", _("Mr (Ông)")
    MRS = "Bà", _("Ms (Bà)")


def addressed(honorific: str) -> str:
    return honorific or "Ông (Bà)"


class NomineeKind(models.TextChoices):
    COLLECTIVE = "collective", _("Collective")
    INDIVIDUAL = "individual", _("Individual")


class Level(models.TextChoices):
    """The level of the body that awards: what the law lets it give depends on it."""

    PROVINCE = "province", _("Provincial People's Committee")
    DEPARTMENT = "department", _("Provincial department")
    DISTRICT = "district", _("District People's Committee")
    COMMUNE = "commune", _("Commune People's Committee")


def in_force(day):
    """Rows of a dated table (valid_from, valid_to inclusive, open-ended) in force on `day`."""
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class AwardingAuthority(models.Model):
    """Who signs a commendation decision (e.g. the chairman of UBND tỉnh Gia Lai): the issuing
    body printed top left, its signer's title and its number series. Which forms it may give
    follows its level and the decision's date (`AwardingPower`). The body that proposes (Sở
    Nội vụ) is not the issuer: it is printed as "Theo đề nghị của …", and its managers may run
    the authority's campaigns (the authority's `unit`)."""

    code = models.SlugField(_("code"), max_length=100, unique=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="+",
        help_text=_("The unit whose managers run this authority's campaigns."),
    )
    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    # As printed in the text: "Chủ tịch Ủy ban nhân dân tỉnh Gia Lai".
    title = models.CharField(_("awarder's title"), max_length=255)
    # The line above the issuing body, for a department: "UBND TỈNH GIA LAI".
    parent_heading = models.CharField(_("parent body"), max_length=255, blank=True)
    issuing_body = models.CharField(
        _("issuing body"), max_length=255, help_text=_("One line each: ỦY BAN NHÂN DÂN / TỈNH GIA LAI.")
    )
    signer_title = models.CharField(_("signer's title"), max_length=100)  # "CHỦ TỊCH"
    number_series = models.CharField(_("number series"), max_length=32)  # "QĐ-UBND"
    proposer = models.CharField(
        _("proposing body"), max_length=255, blank=True,
        help_text=_("e.g. Giám đốc Sở Nội vụ: printed as “Theo đề nghị của …”."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("awarding authority")
        verbose_name_plural = _("awarding authorities")

    def __str__(self) -> str:
        return self.title

    @property
    def awarder_kind(self) -> str:
        return LEVEL_AWARDERS[self.level]


class AwardingPower(models.Model):
    """What the law in force lets each level give (data a province updates when the law
    changes): e.g. from 1/7/2025 a commune chairman gives giấy khen (Decree 129/2025/NĐ-CP)."""

    level = models.CharField(_("level"), max_length=16, choices=Level.choices)
    award_form = models.CharField(_("form of award"), max_length=16, choices=AwardForm.choices)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    source = models.CharField(_("legal source"), max_length=255, blank=True)

    class Meta:
        ordering = ["level", "award_form", "valid_from"]
        verbose_name = _("awarding power")
        verbose_name_plural = _("awarding powers")

    def __str__(self) -> str:
        return f"{self.get_level_display()}: {self.get_award_form_display()}"

    @classmethod
    def grants(cls, level: str, award_form: str, day=None) -> bool:
        """May the body of `level` give `award_form` on `day` (on some day, without one)?"""
        powers = cls.objects.filter(level=level, award_form=award_form)
        return powers.filter(in_force(day) if day else Q()).exists()


class LegalBasis(models.Model):
    """One "Căn cứ …" line a decision cites when it is dated within the line's validity."""

    position = models.PositiveSmallIntegerField(_("position"), default=0)
    text = models.TextField(_("text"))
    level = models.CharField(
        _("level"), max_length=16, choices=Level.choices, blank=True,
        help_text=_("Left empty, every level cites it."),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta:
        ordering = ["position", "valid_from", "pk"]
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal bases")

    def __str__(self) -> str:
        return self.text[:80]

    @classmethod
    def cited(cls, level: str, day) -> list[str]:
        rows = cls.objects.filter(in_force(day), Q(level="") | Q(level=level))
        return [text.strip() for text in rows.values_list("text", flat=True)]


class Campaign(models.Model):
    """One commendation run (đợt khen thưởng): who awards what, for which achievement."""

    class Awarder(models.TextChoices):
        PROVINCE_CHAIRMAN = "province_chairman", _("Chairman of the provincial People's Committee")
        DISTRICT_CHAIRMAN = "district_chairman", _("Chairman of a district People's Committee")
        COMMUNE_CHAIRMAN = "commune_chairman", _("Chairman of a commune People's Committee")
        DEPARTMENT_DIRECTOR = "department_director", _("Director of a provincial department")

    class State(models.TextChoices):
        OPEN = "open", _("Open for nominations")
        DECIDED = "decided", _("Decided")

    code = models.SlugField(_("code"), max_length=100, unique=True)
    name = models.CharField(_("name"), max_length=255)
    year = models.PositiveSmallIntegerField(_("year"))
    round = models.ForeignKey(
        Round, verbose_name=_("assessment round"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="award_campaigns",
    )
    awarder_unit = models.ForeignKey(
        Unit, verbose_name=_("awarding unit"), on_delete=models.PROTECT,
        related_name="award_campaigns",
    )
    # Chosen, it sets the awarder and its title, and the decision prints its heading.
    authority = models.ForeignKey(
        AwardingAuthority, verbose_name=_("awarding authority"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="campaigns",
    )
    awarder_kind = models.CharField(_("awarder"), max_length=32, choices=Awarder.choices)
    # As printed: "Chủ tịch Ủy ban nhân dân huyện Ia Grai".
    awarder_title = models.CharField(_("awarder's title"), max_length=255)
    award_form = models.CharField(_("form of award"), max_length=16, choices=AwardForm.choices)
    # The achievement, as printed after the name: "Đã có thành tích xuất sắc trong công tác…".
    title_text = models.CharField(_("achievement text"), max_length=500)
    deadline = models.DateField(_("nomination deadline"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-year", "code"]
        verbose_name = _("commendation campaign")
        verbose_name_plural = _("commendation campaigns")

    def __str__(self) -> str:
        return self.name

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN

    @property
    def form_name(self) -> str:
        """"Bằng khen" or "Giấy khen", as the documents print it."""
        return FORM_NAMES.get(self.award_form, FORM_NAMES[AwardForm.GIAY_KHEN])

    @property
    def certificates_label(self):
        return CERTIFICATES_LABELS.get(self.award_form, CERTIFICATES_LABELS[AwardForm.GIAY_KHEN])

    @property
    def certificate_label(self):
        return CERTIFICATE_LABELS.get(self.award_form, CERTIFICATE_LABELS[AwardForm.GIAY_KHEN])


LEVEL_AWARDERS = {
    Level.PROVINCE: Campaign.Awarder.PROVINCE_CHAIRMAN,
    Level.DEPARTMENT: Campaign.Awarder.DEPARTMENT_DIRECTOR,
    Level.DISTRICT: Campaign.Awarder.DISTRICT_CHAIRMAN,
    Level.COMMUNE: Campaign.Awarder.COMMUNE_CHAIRMAN,
}
FORM_NAMES = {AwardForm.GIAY_KHEN: "Giấy khen", AwardForm.BANG_KHEN: "Bằng khen"}
CERTIFICATES_LABELS = {
    AwardForm.GIAY_KHEN: _("Certificates of merit (PDF)"),
    AwardForm.BANG_KHEN: _("Provincial certificates of merit (PDF)"),
}
CERTIFICATE_LABELS = {
    AwardForm.GIAY_KHEN: _("Certificate of merit"),
    AwardForm.BANG_KHEN: _("Provincial certificate of merit"),
}


class ProposalRule(models.Model):
    """One rule that proposes collectives from the round's results; see awards/rules.py."""

    class Kind(models.TextChoices):
        TOP = "top", _("Ranked in the top N")
        BAND = "band", _("In the band")
        MIN_INDEX = "min_index", _("Index at least")

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("commendation campaign"), on_delete=models.CASCADE,
        related_name="rules",
    )
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    kind = models.CharField(_("rule"), max_length=16, choices=Kind.choices)
    unit_group = models.ForeignKey(
        UnitGroup, verbose_name=_("unit group"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="+",
    )
    top = models.PositiveSmallIntegerField(_("N"), null=True, blank=True)
    band = models.CharField(_("band"), max_length=32, blank=True)
    min_index = models.DecimalField(
        _("minimum index"), max_digits=5, decimal_places=2, null=True, blank=True
    )

    class Meta:
        ordering = ["campaign", "position", "pk"]
        verbose_name = _("proposal rule")
        verbose_name_plural = _("proposal rules")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.top or self.band or self.min_index or ''}".strip()

    def as_rule(self) -> rules.Rule:
        return rules.Rule(
            kind=self.kind,
            group=self.unit_group.code if self.unit_group_id else "",
            top=self.top,
            band=self.band,
            min_index=self.min_index,
        )


class Nomination(models.Model):
    """A collective or individual put forward in a campaign, and the council's verdict."""

    class Source(models.TextChoices):
        RESULTS = "results", _("Proposed from the results")
        UNIT = "unit", _("Nominated by a unit")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    # Statuses that no longer hold the nominee's place in the campaign.
    CLOSED = (Status.REJECTED, Status.WITHDRAWN)

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("commendation campaign"), on_delete=models.CASCADE,
        related_name="nominations",
    )
    kind = models.CharField(_("nominee"), max_length=16, choices=NomineeKind.choices)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    # The unit the nomination belongs to: the nominating unit, or the proposed unit itself.
    unit = models.ForeignKey(
        Unit, verbose_name=_("nominating unit"), on_delete=models.PROTECT,
        related_name="award_nominations",
    )
    # A collective that is a registered unit (always so for proposals from results).
    recipient_unit = models.ForeignKey(
        Unit, verbose_name=_("collective (registered unit)"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="award_nominations_received",
    )
    name = models.CharField(_("name"), max_length=255)
    honorific = models.CharField(
        _("title"), max_length=8, choices=Honorific.choices, blank=True, default=""
    )
    position = models.CharField(_("position"), max_length=255, blank=True)
    # An individual's office or commune; a collective's parent unit ("UBND huyện Ia Grai").
    work_unit = models.CharField(_("workplace"), max_length=255, blank=True)
    achievement = models.TextField(_("achievement summary"), blank=True)
    # The reason a proposal from results was made: the unit's place in its group.
    result_group = models.CharField(_("unit group"), max_length=255, blank=True)
    result_rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    result_group_size = models.PositiveSmallIntegerField(_("units ranked"), null=True, blank=True)
    result_index = models.DecimalField(
        _("index"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    result_band = models.CharField(_("band"), max_length=64, blank=True)
    result_rules = models.CharField(_("rules met"), max_length=255, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.PENDING
    )
    review_reason = models.TextField(_("reason"), blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewed by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    # Withdrawn before review by the nominating unit (or by the manager, for a proposal).
    withdrawal_reason = models.TextField(_("reason for withdrawing"), blank=True)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("withdrawn by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )
    identity_key = models.CharField(_("identity"), max_length=600, editable=False)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("created by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        ordering = ["campaign", "kind", "pk"]
        constraints = [
            # One person or collective, one award per achievement: a rejected or withdrawn
            # nomination does not count, so a unit may correct and resubmit.
            models.UniqueConstraint(
                fields=["campaign", "identity_key"],
                condition=~Q(status__in=["rejected", "withdrawn"]),
                name="one_live_nomination_per_nominee",
            ),
        ]
        verbose_name = _("nomination")
        verbose_name_plural = _("nominations")

    def __str__(self) -> str:
        return self.name

    def compute_identity(self) -> str:
        return rules.identity_key(
            self.kind, self.name, self.work_unit if self.kind == NomineeKind.INDIVIDUAL else ""
        )

    @property
    def parent_name(self) -> str:
        """A collective's parent unit as typed, else its registered unit's parent."""
        if self.kind != NomineeKind.COLLECTIVE:
            return ""
        if self.work_unit:
            return self.work_unit
        unit = self.recipient_unit
        return unit.parent.name if unit is not None and unit.parent_id else ""

    @property
    def printed_name(self) -> str:
        return printed_name(self.kind, self.name, self.parent_name)


def printed_name(kind: str, name: str, parent: str) -> str:
    """A collective with its parent unit ("Phòng Nội vụ, UBND huyện Ia Grai"), unless its name
    already says it."""
    if kind != NomineeKind.COLLECTIVE or not parent or fold(parent) in fold(name):
        return name
    return f"{name}, {parent}"


class Decision(models.Model):
    """The commendation decision (quyết định khen thưởng); its annex is the accepted list."""

    campaign = models.OneToOneField(
        Campaign, verbose_name=_("commendation campaign"), on_delete=models.PROTECT,
        related_name="decision",
    )
    number = models.CharField(_("number"), max_length=64)  # "1234/QĐ-UBND"
    date = models.DateField(_("date"))
    place = models.CharField(_("place"), max_length=100)  # "Ia Grai"
    # The issuing body as in the top-left corner, one line each: "ỦY BAN NHÂN DÂN\nHUYỆN IA GRAI".
    issuing_body = models.CharField(
        _("issuing body"), max_length=255, blank=True,
        help_text=_("Left empty, the awarding authority's."),
    )
    # The signing authority: "CHỦ TỊCH" or "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH".
    signer_title = models.CharField(
        _("signer's title"), max_length=255, blank=True,
        help_text=_("Left empty, the awarding authority's; a deputy: KT. CHỦ TỊCH / PHÓ CHỦ TỊCH."),
    )
    signer_name = models.CharField(_("signer"), max_length=255)
    # Cited after the bases in force on the decision's date (`LegalBasis`), e.g. the decision
    # that published the index.
    legal_bases = models.TextField(
        _("legal bases"), blank=True,
        help_text=_("One per line, after those the law in force on the date requires."),
    )
    proposal = models.CharField(
        _("on the proposal of"), max_length=500, blank=True,
        help_text=_("e.g. Xét đề nghị của Trưởng phòng Nội vụ huyện."),
    )
    executors = models.TextField(
        _("responsible for implementation"), blank=True,
        help_text=_("Article 3: who implements the decision."),
    )
    recipients = models.TextField(_("recipients"), blank=True, help_text=_("One per line."))
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("issued by"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="+",
    )

    class Meta:
        verbose_name = _("commendation decision")
        verbose_name_plural = _("commendation decisions")

    def __str__(self) -> str:
        return self.number

    @property
    def is_issued(self) -> bool:
        return self.issued_at is not None


class Award(models.Model):
    """One award given: the register (sổ khen thưởng). Written when a decision is issued, or
    recorded by hand for awards given before parindex. The names and texts are copied, so the
    register reads as the decision did even after nominations or units change."""

    campaign = models.ForeignKey(
        Campaign, verbose_name=_("commendation campaign"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="awards",
    )
    nomination = models.OneToOneField(
        Nomination, verbose_name=_("nomination"), on_delete=models.PROTECT, null=True,
        blank=True, related_name="award",
    )
    sequence = models.PositiveIntegerField(_("number in the decision"), default=0)
    kind = models.CharField(_("awardee"), max_length=16, choices=NomineeKind.choices)
    name = models.CharField(_("name"), max_length=255)
    honorific = models.CharField(
        _("title"), max_length=8, choices=Honorific.choices, blank=True, default=""
    )
    position = models.CharField(_("position"), max_length=255, blank=True)
    work_unit = models.CharField(_("workplace"), max_length=255, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="awards",
        help_text=_("The collective itself, or the unit that nominated the person."),
    )
    recipient_unit = models.ForeignKey(
        Unit, verbose_name=_("collective (registered unit)"), on_delete=models.PROTECT,
        null=True, blank=True, related_name="awards_received",
    )
    award_form = models.CharField(_("form of award"), max_length=16, choices=AwardForm.choices)
    awarder_title = models.CharField(_("awarder's title"), max_length=255)
    title_text = models.CharField(_("achievement text"), max_length=500)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    decision_number = models.CharField(_("decision number"), max_length=64)
    decision_date = models.DateField(_("decision date"))
    identity_key = models.CharField(_("identity"), max_length=600, db_index=True)
    # Name, position, workplace and units, case-folded: the register's search works the same
    # on SQLite (whose LIKE folds only ASCII: "Đ" ≠ "đ") and PostgreSQL.
    search_text = models.TextField(_("search text"), blank=True, editable=False)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-decision_date", "campaign", "kind", "sequence", "pk"]
        constraints = [
            # The register itself refuses a second award for the same achievement.
            models.UniqueConstraint(
                fields=["campaign", "identity_key"], name="one_award_per_nominee_and_campaign"
            ),
        ]
        verbose_name = _("award")
        verbose_name_plural = _("register of awards")

    def __str__(self) -> str:
        return f"{self.name} — {self.decision_number}"

    def save(self, *args, **kwargs):
        self.fill_search_text()
        super().save(*args, **kwargs)

    @property
    def printed_name(self) -> str:
        return printed_name(self.kind, self.name, self.work_unit)

    @property
    def addressed_as(self) -> str:
        return addressed(self.honorific)

    def fill_search_text(self) -> None:
        parts = [self.name, self.position, self.work_unit]
        for unit in (self.unit, self.recipient_unit):
            if unit is not None:
                parts += [unit.name, unit.code]
        self.search_text = fold(" ".join(p for p in parts if p))


def fold(text: str) -> str:
    """Text as the register's search compares it: NFC, case-folded, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text or "").casefold().split())
