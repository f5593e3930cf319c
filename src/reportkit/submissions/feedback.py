"""Feedback: the validation report on each received file, in Vietnamese, as text and as CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

from ..model import Plan
from .intake import Received
from .store import TracedFigure
from .validate import Location, Problem, Severity, show_number

UNKNOWN_UNIT, UNREAD = "chua-ro-don-vi", "khong-doc-duoc"  # in a report's name: no unit, no content
CSV_HEADER = ["STT", "Mức độ", "Tệp", "Trang tính", "Ô", "Chỉ tiêu", "Giá trị", "Vấn đề", "Yêu cầu", "Mã lỗi"]


def show_time(moment: str) -> str:
    """A stored UTC time in the office's local time: "05/01/2023 10:22"."""
    return dt.datetime.fromisoformat(moment).astimezone().strftime("%d/%m/%Y %H:%M")


def render_conclusion(received: Received) -> str:
    verdict = received.verdict
    if received.status == "rejected":
        return (
            f"KHÔNG TIẾP NHẬN: tệp có {len(verdict.errors)} lỗi. Đề nghị sửa các lỗi dưới đây rồi gửi lại "
            "cả tệp; số liệu trong kho không thay đổi."
        )
    if received.status == "repeat":
        return f"Tệp này đã được nhận lúc {show_time(received.submission.received_at)}; không có gì thay đổi."
    if received.is_current:
        return "ĐÃ TIẾP NHẬN. Số liệu của tệp này được dùng để lập báo cáo."
    current = received.current
    return (
        f"ĐÃ TIẾP NHẬN vào lịch sử; báo cáo vẫn dùng tệp “{current.file_name}” "
        f"(lưu lúc {show_time(current.made_at)}) vì tệp đó mới hơn."
    )


def render_header(received: Received) -> list[str]:
    lines = ["KẾT QUẢ KIỂM TRA TỆP SỐ LIỆU", "", f"Tệp: {received.file_name}"]
    if received.sha256:
        lines.append(f"Mã SHA-256: {received.sha256}")
    verdict, plan = received.verdict, received.plan
    if plan and verdict and verdict.unit_code:
        unit = plan.identity.of(plan.tree.title(verdict.unit_code))
        lines.append(f"Đơn vị: {unit} (mã {verdict.unit_code})")
    if plan:
        lines.append(f"Kỳ báo cáo: {plan.period.label} ({plan.period.id})")
    lines.append(f"Kiểm tra lúc: {dt.datetime.now().astimezone().strftime('%d/%m/%Y %H:%M')}")
    lines += ["", f"Kết luận: {render_conclusion(received)}"]
    if verdict:
        lines.append(f"Số lỗi: {len(verdict.errors)}; số cảnh báo: {len(verdict.warnings)}.")
    return lines


def render_problem(number: int, found: Problem) -> list[str]:
    lines = [f"{number}. {found.severity.upper()} - {found.location.describe()}"]
    if found.indicator:
        lines.append(f"   Chỉ tiêu: {found.indicator}")
    if found.found:
        lines.append(f"   Giá trị: {found.found}")
    lines += [f"   Vấn đề: {found.message}", f"   Cần: {found.expected}"]
    return lines


def ordered(problems: tuple[Problem, ...]) -> list[Problem]:
    """Errors first, then warnings, each in the order found (the order of the file)."""
    return sorted(problems, key=lambda p: p.severity is not Severity.ERROR)


def render_text(received: Received) -> str:
    lines = render_header(received)
    problems = ordered(received.verdict.problems) if received.verdict else []
    for number, found in enumerate(problems, start=1):
        lines += ["", *render_problem(number, found)]
    return "\n".join(lines) + "\n"


def render_csv(received: Received) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    problems = ordered(received.verdict.problems) if received.verdict else []
    for number, p in enumerate(problems, start=1):
        loc = p.location
        row = [
            number,
            p.severity,
            loc.file,
            loc.sheet,
            loc.cell,
            p.indicator,
            p.found,
            p.message,
            p.expected,
            p.code,
        ]
        writer.writerow(row)
    return out.getvalue()


def report_stem(received: Received) -> str:
    """<file>.<unit code>.<8 hex digits of its SHA-256>: two districts' `BaoCao.xlsx` (or two
    versions of one district's) never share a check report."""
    verdict, submission = received.verdict, received.submission
    unit = (verdict.unit_code if verdict else None) or (submission.unit_code if submission else None)
    return f"{Path(received.file_name).stem}.{unit or UNKNOWN_UNIT}.{received.sha256[:8] or UNREAD}"


def write_reports(received: Received, report_dir: Path) -> tuple[Path, Path]:
    """<report_stem>.kiem-tra.txt and .csv; the CSV has a BOM so that Excel opens it in UTF-8."""
    report_dir.mkdir(parents=True, exist_ok=True)
    stem = report_stem(received)
    text_path, csv_path = report_dir / f"{stem}.kiem-tra.txt", report_dir / f"{stem}.kiem-tra.csv"
    text_path.write_text(render_text(received), encoding="utf-8")
    csv_path.write_text(render_csv(received), encoding="utf-8-sig")
    return text_path, csv_path


def render_trace(traced: list[TracedFigure], plan: Plan, store_dir: Path) -> list[str]:
    """Each figure behind a report's number: value, file, sheet and cell, and the archived original."""
    lines = []
    for t in traced:
        where = Location(t.submission.file_name, t.sheet, t.cell).describe()
        older = f"; thay {t.older} bản nhận trước" if t.older else ""
        sample = " (dữ liệu mẫu)" if t.submission.is_sample else ""
        received = show_time(t.submission.received_at)
        measure = plan.catalogue.measures[t.measure].name
        lines += [
            f"• {plan.tree.title(t.unit_code)} ({t.unit_code}), {measure}: {show_number(t.value)}",
            f"    tệp “{t.submission.file_name}”{sample}, {where}; nhận lúc {received}{older}",
            f"    bản gốc: {store_dir / t.submission.archive_name}",
        ]
    return lines
