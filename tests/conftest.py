"""Shared fixtures: a small in-memory tree, catalogue and figures for the pure stages."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import settings

from reportkit.model import (
    Catalogue,
    Field,
    FigureSet,
    Indicator,
    Kind,
    Measure,
    OrgTree,
    Period,
    Target,
    Unit,
)

# Property tests judge rules, not speed: on a 2-core machine running PDFs beside them, an example
# can take longer than hypothesis's 200 ms deadline and fail for no fault of the rule.
settings.register_profile("reportkit", deadline=None)
settings.load_profile("reportkit")

ROOT = Path(__file__).resolve().parents[1]
LEVELS_2022 = ROOT / "data" / "org" / "levels-2022.yaml"


def load_wording() -> dict:
    """data/wording/vi.yaml as a 2022 report gets it: with the level words of the 2022 levels file."""
    from reportkit.datafiles import read_yaml
    from reportkit.report.inputs import load_levels
    from reportkit.report.narrative import with_level_words

    return with_level_words(read_yaml(ROOT / "data" / "wording" / "vi.yaml"), load_levels(LEVELS_2022))


def make_tree() -> OrgTree:
    """City C with districts D1 (2 communes) and D2 (1 commune), the levels of the 2022 tree."""
    from reportkit.report.inputs import load_levels

    units = [
        Unit("C", "Thử", "thành phố", None, "city"),
        Unit("D1", "Một", "quận", "C", "district"),
        Unit("D2", "Hai", "huyện", "C", "district"),
        Unit("G1", "A", "phường", "D1", "grassroots"),
        Unit("G2", "B", "phường", "D1", "grassroots"),
        Unit("G3", "C", "xã", "D2", "grassroots"),
    ]
    return OrgTree(
        {u.code: u for u in units},
        {"quận": "Quận", "huyện": "Huyện", "phường": "Phường", "xã": "Xã", "thành phố": "Thành phố"},
        load_levels(LEVELS_2022),
    )


def make_catalogue() -> Catalogue:
    measures = {
        "members_new": Measure("members_new", "district", "count", "hội viên", "Hội viên mới"),
        "insured": Measure("insured", "district", "count", "hội viên", "Có BHYT"),
        "members": Measure("members", "district", "count", "hội viên", "Hội viên"),
        "models": Measure("models", "grassroots", "count", "mô hình", "Mô hình"),
        "weak": Measure("weak", "district", "count", "cơ sở", "Cơ sở yếu"),
        "months": Measure("months", "district", "count", "tháng", "Tháng có bài"),
    }
    indicators = (
        Indicator(
            "new",
            "f",
            Kind.TOTAL,
            "hội viên",
            "Hội viên mới",
            "HV mới",
            "Phát triển mới",
            measure="members_new",
            city_target=Decimal(100),
        ),
        Indicator(
            "bhyt",
            "f",
            Kind.SHARE,
            "%",
            "BHYT",
            "BHYT",
            "Hội viên tham gia BHYT",
            numerator="insured",
            denominator="members",
            threshold=Decimal(97),
        ),
        Indicator(
            "model",
            "f",
            Kind.MINIMUM,
            "cơ sở",
            "Mô hình",
            "Mô hình",
            "có mô hình",
            measure="models",
            level="grassroots",
            minimum=2,
        ),
        Indicator("weak", "f", Kind.NONE, "cơ sở", "Yếu kém", "Yếu kém", "cơ sở Hội yếu kém", measure="weak"),
        Indicator(
            "bulletin",
            "f",
            Kind.MINIMUM,
            "đơn vị",
            "Bài hằng tháng",
            "Bài",
            "có bài hằng tháng",
            measure="months",
            level="district",
            minimum=1,
            per="month",
        ),
    )
    return Catalogue({}, (Field("f", "Lĩnh vực"),), measures, indicators, ())


def figures(values: dict[tuple[str, str], int | str], period: str = "P") -> FigureSet:
    return FigureSet(period, {k: Decimal(str(v)) for k, v in values.items()})


def make_period(pid: str = "P", months: int = 12, progress: Fraction = Fraction(1)) -> Period:
    return Period(pid, 2022, months, "tong_ket", "năm 2022", "org.csv", progress=progress)


def make_targets() -> dict[tuple[str, str], Target]:
    rows = [
        Target("C", "new", Decimal(100), "plan"),
        Target("D1", "new", Decimal(60), "sample"),
        Target("D2", "new", Decimal(40), "sample"),
    ]
    return {(t.unit_code, t.indicator_id): t for t in rows}


@pytest.fixture
def tree() -> OrgTree:
    return make_tree()


@pytest.fixture
def catalogue() -> Catalogue:
    return make_catalogue()


@pytest.fixture(scope="session", autouse=True)
def isolated_store(tmp_path_factory):
    """No test touches the project's store: $REPORTKIT_STORE, the command's default for --store,
    points at a folder of this session, and builds of the project are given that folder."""
    from reportkit.cli import STORE_ENV

    store_dir = tmp_path_factory.mktemp("session-store")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(STORE_ENV, str(store_dir))
        yield store_dir


@pytest.fixture(scope="session")
def sample_store(isolated_store):
    """The session store with the sample submissions taken in, as `make reports` does."""
    from reportkit.submissions.intake import take_in_files

    files = sorted((ROOT / "data" / "sample" / "submissions").glob("*.csv"))
    received = take_in_files(files, ROOT / "data", isolated_store)
    assert [r.status for r in received] == ["accepted"] * len(files), [r.verdict for r in received]
    return isolated_store
