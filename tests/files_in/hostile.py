"""Hostile files, built small: a zip bomb, Excel's encodings, YAML that expands."""

import io
import zipfile

from openpyxl import Workbook


def xlsx_bytes(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def zip_bomb(header, megabytes: int = 3) -> bytes:
    """A valid workbook whose first sheet unpacks to `megabytes` MB of one cell (inline string),
    yet weighs a few kilobytes."""
    plain = io.BytesIO(xlsx_bytes([header]))
    huge = "A" * (megabytes * 2**20)
    sheet = ('<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats'
             '.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>'
             f'{huge}</t></is></c></row></sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            data = sheet.encode() if item.filename == "xl/worksheets/sheet1.xml" else \
                source.read(item.filename)
            bomb.writestr(item.filename, data)
    return out.getvalue()


def csv_bytes(text: str, encoding: str) -> bytes:
    """As Excel on Vietnamese Windows saves: `utf-16` writes its BOM, `utf-8-sig` too."""
    return text.encode(encoding)


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""
