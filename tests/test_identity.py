"""The organisation's identity is data: the `organisation` section of data/wording/vi.yaml, read
with Vietnamese errors, and the one place reports, templates, check reports, the index and the CLI
take the organisation's names from."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from reportkit import cli
from reportkit.errors import DataError
from reportkit.model import Identity
from reportkit.report.inputs import check_project, load_identity, load_plan

WORDING = Path("data") / "wording" / "vi.yaml"
TEMPLATE_WORDING = Path("data") / "wording" / "template.yaml"


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the sample project's data/ and params/."""
    root = tmp_path / "project"
    for part in ("data", "params"):
        shutil.copytree(ROOT / part, root / part)
    return root


def set_section(project: Path, section: object) -> None:
    """Give the wording file another `organisation` section (None: none at all)."""
    path = project / WORDING
    wording = yaml.safe_load(path.read_text(encoding="utf-8"))
    if section is None:
        del wording["organisation"]
    else:
        wording["organisation"] = section
    path.write_text(yaml.safe_dump(wording, allow_unicode=True, sort_keys=False), encoding="utf-8")


def test_the_sample_project_is_the_farmers_association():
    assert load_identity(ROOT / WORDING) == Identity(
        name="Hội Nông dân",
        national_body="HỘI NÔNG DÂN VIỆT NAM",
        document_symbol="BC/HND",
        issuer="Hội Nông dân thành phố",
        submission_office="Văn phòng Hội Nông dân thành phố",
    )


def test_a_unit_is_named_with_its_organisation():
    assert Identity(name="Hội Liên hiệp Phụ nữ").of("Quận Ô Môn") == "Hội Liên hiệp Phụ nữ quận Ô Môn"
    assert Identity().of("Quận Ô Môn") == "Quận Ô Môn"  # no name: the unit's title alone


def test_the_plan_carries_the_identity_and_the_template_wording():
    plan = load_plan(ROOT / "data", "2022-FY")
    assert plan.identity.name == "Hội Nông dân"
    assert plan.template_words["heading"] == "HƯỚNG DẪN ĐIỀN SỐ LIỆU"


def test_names_are_read_in_nfc_without_extra_spaces(project):
    decomposed = unicodedata.normalize("NFD", "Hội Liên hiệp  Phụ nữ")
    fields = {"national_body": "X", "document_symbol": "BC/X", "issuer": "Y", "submission_office": "Z"}
    set_section(project, {"name": decomposed, **fields})
    assert load_identity(project / WORDING).name == "Hội Liên hiệp Phụ nữ"


def test_a_wording_file_without_the_section_says_so(project):
    set_section(project, None)
    with pytest.raises(DataError) as failed:
        check_project(project / "data", project / "params")
    assert str(failed.value) == "data/wording/vi.yaml, dòng 1: thiếu mục “organisation”."


def test_a_missing_field_names_the_section_and_its_line(project):
    path = project / WORDING
    text = path.read_text(encoding="utf-8")
    issuer = next(line for line in text.splitlines() if line.startswith("  issuer:"))
    path.write_text(text.replace(issuer + "\n", ""), encoding="utf-8")
    line = text.splitlines().index("organisation:") + 2  # the section's value: its first field
    with pytest.raises(DataError) as failed:
        load_identity(path)
    assert str(failed.value) == f"data/wording/vi.yaml, dòng {line}: mục organisation: thiếu mục “issuer”."


def test_a_name_that_is_not_a_text_is_refused(project):
    fields = {"national_body": "X", "document_symbol": "BC/X", "issuer": "Y", "submission_office": "Z"}
    set_section(project, {"name": ["Hội", "Phụ nữ"], **fields})
    with pytest.raises(DataError) as failed:
        load_identity(project / WORDING)
    message = str(failed.value)
    assert message.startswith("data/wording/vi.yaml, dòng ") and "mục organisation → name: phải là" in message


def test_an_unquoted_colon_in_the_section_is_a_vietnamese_error(project):
    path = project / WORDING
    text = path.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("  issuer:"))
    path.write_text(text.replace(old, "  issuer: Hội Phụ nữ: thành phố"), encoding="utf-8")
    line = text.splitlines().index(old) + 1
    with pytest.raises(DataError) as failed:
        check_project(project / "data", project / "params")
    assert str(failed.value).startswith(f"data/wording/vi.yaml, dòng {line}, cột 21: có dấu hai chấm (:)")


def test_a_missing_wording_file_is_a_vietnamese_error(project):
    (project / WORDING).unlink()
    with pytest.raises(DataError) as failed:
        load_identity(project / WORDING)
    assert str(failed.value) == "Không tìm thấy tệp data/wording/vi.yaml"


def test_template_wording_without_its_steps_is_refused_before_any_template(project):
    path = project / TEMPLATE_WORDING
    words = yaml.safe_load(path.read_text(encoding="utf-8"))
    del words["steps"]
    path.write_text(yaml.safe_dump(words, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataError) as failed:
        check_project(project / "data", project / "params")
    assert str(failed.value) == "data/wording/template.yaml, dòng 1: thiếu mục “steps”."
    with pytest.raises(DataError):
        load_plan(project / "data", "2022-FY")


def test_the_cli_names_the_project_s_organisation_or_none(project, monkeypatch, tmp_path):
    monkeypatch.chdir(project)
    assert "Bộ công cụ báo cáo của Hội Nông dân thành phố: gửi mẫu biểu" in cli._parser().format_help()
    set_section(project, None)  # a broken project: the help still prints, without a name
    assert "Bộ công cụ báo cáo: gửi mẫu biểu" in cli._parser().format_help()
    monkeypatch.chdir(tmp_path)  # no project here
    assert "Bộ công cụ báo cáo: gửi mẫu biểu" in cli._parser().format_help()
