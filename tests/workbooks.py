"""Test helpers: the sample figures read straight from CSV, and filling a template as a district would."""

from __future__ import annotations

import csv
import io
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
from conftest import ROOT

DATA = ROOT / "data"


def legacy_table(name: str) -> dict[str, str]:
    """The kit's TCVN3 or VNI table turned around: letter -> how the legacy font shows it."""
    import json
    from importlib import resources

    raw = resources.files("reportkit").joinpath("data", "vietnamese.json").read_text(encoding="utf-8")
    return {letter: shown for shown, letter in json.loads(raw)[name].items()}


def sample_figures(period: str) -> dict[tuple[str, str], Decimal]:
    """(unit, measure) -> value, read from data/sample/figures.csv without the kit."""
    with open(DATA / "sample" / "figures.csv", encoding="utf-8") as fh:
        return {
            (r["unit_code"], r["measure"]): Decimal(r["value"])
            for r in csv.DictReader(fh)
            if r["period"] == period
        }


def units_csv() -> list[dict[str, str]]:
    with open(DATA / "org" / "units-2022.csv", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def children(code: str) -> list[dict[str, str]]:
    return [u for u in units_csv() if u["parent_code"] == code]


def district_values(period: str, district: str) -> dict[tuple[str, str], Decimal]:
    """The sample figures a district sends: its own and its grassroots units'."""
    mine = {district, *(u["code"] for u in children(district))}
    return {k: v for k, v in sample_figures(period).items() if k[0] in mine}


def input_cells(wb) -> dict[tuple[str, str], tuple[str, str]]:
    """(unit, measure) -> (sheet, cell) of every unlocked cell, found from the hidden keys.

    District rows name the measure in column A; grassroots rows name the unit in the column keyed
    "code" (row 1) and the measure in row 1. The district's own code comes from the identity sheet."""
    identity = {r[0]: r[1] for r in wb["_reportkit"].iter_rows(values_only=True)}
    cells = {}
    for ws in wb.worksheets:
        if ws["A1"].value != "reportkit:keys":
            continue
        keys = {c.column: c.value for c in ws[1] if c.value}
        code_column = next((col for col, key in keys.items() if key == "code"), None)
        for row in ws.iter_rows(min_row=2):
            for cell in row:
                if cell.protection.locked:
                    continue
                column_key = str(keys.get(cell.column, ""))
                measure = column_key if column_key.startswith("m:") else str(row[0].value)
                unit = str(ws.cell(cell.row, code_column).value) if code_column else identity["unit_code"]
                cells[(unit, measure.removeprefix("m:"))] = (ws.title, cell.coordinate)
    return cells


def fill(template: Path, values: dict, out: Path, edits: dict | None = None) -> Path:
    """Write values into the template's input cells; `edits` sets any (sheet, cell) afterwards."""
    wb = openpyxl.load_workbook(template)
    for key, (sheet, cell) in input_cells(wb).items():
        if key in values:
            value = values[key]
            wb[sheet][cell] = (
                int(value) if isinstance(value, Decimal) and value == value.to_integral_value() else value
            )
    for (sheet, cell), value in (edits or {}).items():
        wb[sheet][cell] = value
    wb.save(out)
    return out


def cell_of(template: Path, unit: str, measure: str) -> tuple[str, str]:
    return input_cells(openpyxl.load_workbook(template))[(unit, measure)]


def set_cached_value(path: Path, sheet_index: int, cell: str, cached: str) -> None:
    """Give a formula cell the result Excel would have saved with it (openpyxl writes none)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == f"xl/worksheets/sheet{sheet_index}.xml":
                text = data.decode("utf-8")
                start = text.index(f'<c r="{cell}"')
                end = text.index("</c>", start)
                patched = (
                    text[start:end]
                    .replace("<v />", f"<v>{cached}</v>")
                    .replace("<v></v>", f"<v>{cached}</v>")
                )
                data = (text[:start] + patched + text[end:]).encode("utf-8")
            dst.writestr(item, data)
    path.write_bytes(buffer.getvalue())


def set_saved_time(path: Path, iso: str) -> None:
    """Say the workbook was last saved at `iso` (UTC), as Excel records it in docProps/core.xml."""
    import re

    buffer = io.BytesIO()
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "docProps/core.xml":
                text = re.sub(r"(<dcterms:modified[^>]*>)[^<]*", rf"\g<1>{iso}", data.decode("utf-8"))
                data = text.encode("utf-8")
            dst.writestr(item, data)
    path.write_bytes(buffer.getvalue())


def snapshot(store_dir: Path):
    """Everything in a store: the database's rows and each archived file's bytes."""
    import sqlite3

    db = store_dir / "reportkit.sqlite"
    rows = []
    if db.exists():
        conn = sqlite3.connect(db)
        rows = list(conn.iterdump())
        conn.close()
    archive = store_dir / "archive"
    files = sorted((p.name, p.read_bytes()) for p in archive.iterdir()) if archive.exists() else []
    return rows, files


def compound_file(stream_name: str, size: int = 4096) -> bytes:
    """A minimal OLE2 compound file holding one stream, as an Excel 97-2003 .xls holds "Workbook".

    Laid out by the [MS-CFB] specification: header, one FAT sector, one directory sector, data."""
    import struct

    end, free, fat_mark, none = 0xFFFFFFFE, 0xFFFFFFFF, 0xFFFFFFFD, 0xFFFFFFFF
    data_sectors = size // 512
    header = bytes.fromhex("D0CF11E0A1B11AE1") + bytes(16)
    header += struct.pack(
        "<HHHHH6sIIIIIIIII", 0x3E, 3, 0xFFFE, 9, 6, bytes(6), 0, 1, 1, 0, 4096, end, 0, end, 0
    )
    header += struct.pack("<109I", 0, *([free] * 108))
    chain = [fat_mark, end, *range(3, 2 + data_sectors), end]
    fat = struct.pack("<128I", *chain, *([free] * (128 - len(chain))))

    def entry(name: str, kind: int, child: int, start: int, length: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\0\0" if name else b""
        return struct.pack(
            "<64sHBBIII16sIQQIQ", encoded, len(encoded), kind, 1, none, none, child, bytes(16), 0, 0, 0, start,
            length,
        )  # fmt: skip

    directory = entry("Root Entry", 5, 1, end, 0) + entry(stream_name, 2, none, 2, size)
    directory += entry("", 0, none, 0, 0) * 2
    return header + fat + directory + bytes(size)
