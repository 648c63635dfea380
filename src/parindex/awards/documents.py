"""The decision (PDF and DOCX) and the certificates (PDF), in the Vietnamese administrative
format (Decree 30/2020/NĐ-CP): Times-compatible serif, A4, the issuing body and the national
motto side by side, the number and place-date line, the articles, the signature block, and the
list of awardees as the annex. Certificates are A4 landscape, one page per awardee.

The PDF font is the vendored Liberation Serif (metric-compatible with Times New Roman, full
Vietnamese), so the output is the same on every machine; DOCX names Times New Roman, which
every office that edits in Word has.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from parindex.dates import long_date

from .models import Award, AwardingAuthority, Campaign, Decision, LegalBasis, Nomination

FONT_DIR = "fonts/liberation-serif-2.1.5"
FONT_FILES = {
    ("normal", "normal"): "LiberationSerif-Regular.ttf",
    ("bold", "normal"): "LiberationSerif-Bold.ttf",
    ("normal", "italic"): "LiberationSerif-Italic.ttf",
    ("bold", "italic"): "LiberationSerif-BoldItalic.ttf",
}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def heading_lines(decision: Decision, authority: AwardingAuthority | None) -> list[tuple[str, bool]]:
    """The top-left corner, (line, bold): the parent body plain, the issuing body bold
    ("UBND TỈNH GIA LAI" over "SỞ NỘI VỤ"), from the awarding authority; typed by hand on a
    decision without one, its last line is the body."""
    if authority is None:
        lines = _lines(decision.issuing_body)
        return [(line, i == len(lines) - 1) for i, line in enumerate(lines)]
    return [(line, False) for line in _lines(authority.parent_heading)] + [
        (line, True) for line in _lines(authority.issuing_body)
    ]


def signer_lines(decision: Decision, authority: AwardingAuthority | None) -> list[str]:
    """"CHỦ TỊCH", or as typed for a deputy ("KT. CHỦ TỊCH" / "PHÓ CHỦ TỊCH")."""
    if decision.signer_title or authority is None:
        return _lines(decision.signer_title)
    return _lines(authority.signer_title)


def short_date(day: datetime.date) -> str:
    return f"{day.day:02d}/{day.month:02d}/{day.year}"


def font_faces() -> str:
    """@font-face rules pointing at the vendored font files (absolute file URLs)."""
    rules = []
    for (weight, style), filename in FONT_FILES.items():
        path = finders.find(f"{FONT_DIR}/{filename}")
        if path is None:  # collected static files only (no finders in some deployments)
            path = Path(settings.STATIC_ROOT) / FONT_DIR / filename
        rules.append(
            "@font-face { font-family: 'PI Serif'; "
            f"src: url('{Path(path).resolve().as_uri()}'); "
            f"font-weight: {weight}; font-style: {style}; }}"
        )
    return "\n".join(rules)


def _pdf(html: str) -> bytes:
    from weasyprint import HTML  # imported late: it loads Pango

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


@dataclass
class DecisionDoc:
    """Everything the decision prints, prepared once for the PDF, the DOCX and the page."""

    campaign: Campaign
    decision: Decision
    collectives: list[Nomination]
    individuals: list[Nomination]
    # The "Căn cứ" lines the law in force on the decision's date requires (`LegalBasis`).
    statutory_bases: list[str] = field(default_factory=list)

    @property
    def form_title(self) -> str:
        return self.campaign.form_name

    @property
    def heading(self) -> list[tuple[str, bool]]:
        return heading_lines(self.decision, self.campaign.authority)

    @property
    def signer_lines(self) -> list[str]:
        return signer_lines(self.decision, self.campaign.authority)

    @property
    def authority(self) -> str:
        return self.campaign.awarder_title.upper()

    @property
    def bases(self) -> list[str]:
        typed = _lines(self.decision.legal_bases)
        return self.statutory_bases + [line for line in typed if line not in self.statutory_bases]

    @property
    def proposal(self) -> str:
        """The body that proposes, apart from the one that decides."""
        if self.decision.proposal:
            return self.decision.proposal
        authority = self.campaign.authority
        if authority is not None and authority.proposer:
            return f"Theo đề nghị của {authority.proposer}."
        return ""

    @property
    def recipients(self) -> list[str]:
        return [line.strip() for line in self.decision.recipients.splitlines() if line.strip()]

    @property
    def place_date(self) -> str:
        return f"{self.decision.place}, {long_date(self.decision.date)}"

    @property
    def counts_text(self) -> str:
        """"8 tập thể và 23 cá nhân", as the decision and the press report it."""
        parts = []
        if self.collectives:
            parts.append(f"{len(self.collectives)} tập thể")
        if self.individuals:
            parts.append(f"{len(self.individuals)} cá nhân")
        return " và ".join(parts)

    @property
    def achievement(self) -> str:
        text = self.campaign.title_text.strip().rstrip(".")
        return text[:1].lower() + text[1:] if text else text

    @property
    def article1(self) -> str:
        return (
            f"Tặng {self.form_title} cho {self.counts_text} (có danh sách kèm theo) "
            f"{self.achievement}."
        )

    @property
    def article2(self) -> str:
        return "Tiền thưởng kèm theo thực hiện theo quy định hiện hành."

    @property
    def article3(self) -> str:
        """The executors as typed, then what the usual wording adds — only the part the officer
        did not already type ("… và các tập thể, cá nhân có tên tại Điều 1 chịu trách nhiệm thi
        hành Quyết định này" is often typed whole)."""
        executors = " ".join(self.decision.executors.split()).rstrip("./ ")
        if not executors:
            executors = "Thủ trưởng các cơ quan, đơn vị liên quan"
        folded = executors.casefold()
        duty = "chịu trách nhiệm thi hành"
        if duty in folded:
            return f"{executors}./."
        if "có tên tại điều 1" not in folded:
            executors += " và các tập thể, cá nhân có tên tại Điều 1"
        return f"{executors} {duty} Quyết định này./."

    @property
    def annex_title(self) -> str:
        return f"DANH SÁCH TẬP THỂ, CÁ NHÂN ĐƯỢC TẶNG {self.form_title.upper()}"

    @property
    def annex_reference(self) -> str:
        return (
            f"(Kèm theo Quyết định số {self.decision.number} ngày "
            f"{short_date(self.decision.date)} của {self.campaign.awarder_title})"
        )


def decision_doc(campaign: Campaign) -> DecisionDoc:
    from . import selectors

    collectives, individuals = selectors.annex(campaign)
    decision = campaign.decision
    authority = campaign.authority
    statutory = LegalBasis.cited(authority.level, decision.date) if authority is not None else []
    return DecisionDoc(campaign, decision, collectives, individuals, statutory)


def decision_pdf(doc: DecisionDoc) -> bytes:
    return _pdf(render_to_string("awards/documents/decision.html", {
        "doc": doc, "font_faces": font_faces(),
    }))


def certificates_pdf(campaign: Campaign, awards: list[Award]) -> bytes:
    """One A4 landscape page per award (one award → that awardee's certificate)."""
    decision = campaign.decision
    return _pdf(render_to_string("awards/documents/certificates.html", {
        "campaign": campaign,
        "awards": awards,
        "form_title": campaign.form_name.upper(),
        "authority": campaign.awarder_title.upper(),
        "signer_lines": signer_lines(decision, campaign.authority),
        "signer_name": decision.signer_name,
        "place_date": f"{decision.place}, {long_date(decision.date)}",
        "decision_ref": f"Quyết định số {decision.number} ngày {short_date(decision.date)}",
        "font_faces": font_faces(),
    }))


# --------------------------------------------------------------------------- DOCX


def decision_docx(doc: DecisionDoc) -> bytes:
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)

    normal = document.styles["Normal"]
    normal.font.name = "Times New Roman"
    normal.font.size = Pt(14)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), "Times New Roman")
    normal.paragraph_format.space_after = Pt(0)

    center, justify = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.JUSTIFY

    def para(container, text="", *, bold=False, italic=False, size=None, align=None,
             before=0, after=0, indent=False):
        paragraph = container.add_paragraph()
        if align is not None:
            paragraph.alignment = align
        paragraph.paragraph_format.space_before = Pt(before)
        paragraph.paragraph_format.space_after = Pt(after)
        if indent:
            paragraph.paragraph_format.first_line_indent = Cm(1)
        if text:
            run = paragraph.add_run(text)
            run.bold, run.italic = bold, italic
            if size:
                run.font.size = Pt(size)
        return paragraph

    def cell_lines(cell, lines, width=None):
        cell.paragraphs[0].text = ""
        if width is not None:
            cell.width = width
        first = True
        for text, bold, italic, size in lines:
            paragraph = cell.paragraphs[0] if first else cell.add_paragraph()
            first = False
            paragraph.alignment = center
            run = paragraph.add_run(text)
            run.bold, run.italic = bold, italic
            run.font.size = Pt(size)

    def row_flag(row, tag):
        row._tr.get_or_add_trPr().append(OxmlElement(tag))

    # Header: issuing body | national motto; number | place and date. Fixed widths (5.5 + 10.5 cm
    # of the 16 cm line) so the motto fits on one line in Word and LibreOffice alike, and the
    # motto's cell never wraps.
    header = document.add_table(rows=2, cols=2)
    header.alignment = WD_TABLE_ALIGNMENT.CENTER
    header.autofit = False
    left_width, right_width = Cm(5.5), Cm(10.5)
    for column, width in zip(header.columns, (left_width, right_width), strict=True):
        column.width = width
    cell_lines(header.cell(0, 0), [
        *((line, bold, False, 13) for line, bold in doc.heading),
        ("–––––––", False, False, 13),
    ], left_width)
    motto = header.cell(0, 1)
    cell_lines(motto, [
        ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", True, False, 13),
        ("Độc lập - Tự do - Hạnh phúc", True, False, 14),
        ("–––––––––––––––", False, False, 13),
    ], right_width)
    motto._tc.get_or_add_tcPr().append(OxmlElement("w:noWrap"))
    cell_lines(header.cell(1, 0), [(f"Số: {doc.decision.number}", False, False, 13)], left_width)
    cell_lines(header.cell(1, 1), [(doc.place_date, False, True, 14)], right_width)

    para(document, "QUYẾT ĐỊNH", bold=True, align=center, before=12)
    para(document, f"Về việc tặng {doc.form_title}", bold=True, align=center)
    para(document, "–––––––––", align=center)
    para(document, doc.authority, bold=True, align=center, before=6, after=6)
    for basis in doc.bases:
        para(document, basis, italic=True, align=justify, indent=True, after=3)
    if doc.proposal:
        para(document, doc.proposal, italic=True, align=justify, indent=True, after=3)
    para(document, "QUYẾT ĐỊNH:", bold=True, align=center, before=6, after=6)
    for label, text in (("Điều 1. ", doc.article1), ("Điều 2. ", doc.article2),
                        ("Điều 3. ", doc.article3)):
        paragraph = para(document, align=justify, indent=True, after=3)
        paragraph.paragraph_format.keep_with_next = label == "Điều 3. "  # with the signature
        paragraph.add_run(label).bold = True
        paragraph.add_run(text)

    signature = document.add_table(rows=1, cols=2)
    row_flag(signature.rows[0], "w:cantSplit")
    left, right = signature.cell(0, 0), signature.cell(0, 1)
    left.paragraphs[0].text = ""
    run = left.paragraphs[0].add_run("Nơi nhận:")
    run.bold, run.italic = True, True
    run.font.size = Pt(12)
    for line in doc.recipients:
        run = left.add_paragraph().add_run(line)
        run.font.size = Pt(11)
    cell_lines(right, [
        *((line, True, False, 14) for line in doc.signer_lines),
        ("", False, False, 14), ("", False, False, 14), ("", False, False, 14),
        (doc.decision.signer_name, True, False, 14),
    ])

    # The annex: the accepted list.
    para(document).add_run().add_break(WD_BREAK.PAGE)
    para(document, doc.annex_title, bold=True, align=center)
    para(document, doc.annex_reference, italic=True, align=center, after=6)
    sections = (
        ("I. TẬP THỂ", doc.collectives, ("STT", "Tên tập thể"), False),
        ("II. CÁ NHÂN", doc.individuals, ("STT", "Họ và tên", "Chức vụ, đơn vị công tác"), True),
    )
    for heading, rows, columns, person in sections:
        if not rows:
            continue
        para(document, f"{heading} ({len(rows)})", bold=True, before=6, after=3)
        table = document.add_table(rows=1, cols=len(columns))
        table.style = "Table Grid"
        for i, title in enumerate(columns):
            table.rows[0].cells[i].text = ""
            table.rows[0].cells[i].paragraphs[0].add_run(title).bold = True
        row_flag(table.rows[0], "w:tblHeader")  # repeated on every page
        for number, nomination in enumerate(rows, 1):
            row = table.add_row()
            row_flag(row, "w:cantSplit")  # a row never splits across pages
            cells = row.cells
            cells[0].text = str(number)
            cells[1].text = nomination.printed_name
            if person:
                cells[2].text = ", ".join(
                    part for part in (nomination.position, nomination.work_unit) if part
                )
    para(document, f"Tổng cộng: {doc.counts_text}.", italic=True, before=6)

    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
