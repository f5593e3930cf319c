"""Frozen value types shared by every stage: units, the catalogue, periods, figures, results."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Any


@dataclass(frozen=True)
class Unit:
    """One association, keyed on the statistics office's code."""

    code: str
    name: str
    kind: str
    parent_code: str | None
    level: str


# A level's word forms the kit uses: "one" in sentences and tables ("quận, huyện"), "many" in
# headings ("các quận, huyện"), "association" where the association itself is meant ("quận, huyện
# Hội"). A levels file may give more forms; the wording can name any form every level has.
WORD_FORMS = ("one", "many", "association")
# For a level the tree has no words for (an in-memory tree, a level of another file): "unit".
GENERIC_WORDS: Mapping[str, str] = {"one": "đơn vị", "many": "các đơn vị", "association": "đơn vị"}


@dataclass(frozen=True)
class Level:
    """One level of an organisation tree: the kinds of unit it holds and what it is called."""

    id: str
    kinds: tuple[str, ...]
    words: Mapping[str, str]


@dataclass(frozen=True)
class Levels:
    """The levels of one organisation tree (its levels file), top down; which one fills in the
    templates (`submits`) and which ones get a report (`reports`)."""

    levels: Mapping[str, Level] = field(default_factory=dict)
    submits: str = ""
    reports: tuple[str, ...] = ()

    def words(self, level: str | None) -> Mapping[str, str]:
        """The level's word forms; generic ones ("đơn vị") for a level the file does not have."""
        known = self.levels.get(level or "")
        return known.words if known else GENERIC_WORDS

    def below(self, level: str | None) -> str | None:
        """The next level down in the file's order, or None at the bottom."""
        order = list(self.levels)
        if level not in order or order.index(level) + 1 == len(order):
            return None
        return order[order.index(level) + 1]

    def members(self) -> str | None:
        """The level whose units' figures come inside the submitting units' files, if any."""
        return self.below(self.submits)

    def _forms(self) -> list[str]:
        return list(dict.fromkeys([*WORD_FORMS, *(form for lv in self.levels.values() for form in lv.words)]))

    def placeholders(self, **roles: str | None) -> dict[str, str]:
        """Wording fields by role and form: placeholders(child="district") gives child_one,
        child_many, … A role given None has blank words ("{% if member_one %}" can test it); one
        given a level the file does not have, the generic words ("đơn vị")."""
        fields = {}
        for role, level in roles.items():
            words = self.words(level) if level is not None else dict.fromkeys(self._forms(), "")
            fields.update({f"{role}_{form}": word for form, word in words.items()})
        return fields


@dataclass(frozen=True)
class OrgTree:
    """A parent-child tree of units, of any depth."""

    units: Mapping[str, Unit]
    titles: Mapping[str, str] = field(default_factory=dict)
    levels: Levels = field(default_factory=Levels)

    def __contains__(self, code: object) -> bool:
        return code in self.units

    def __getitem__(self, code: str) -> Unit:
        return self.units[code]

    @functools.cached_property
    def _children(self) -> Mapping[str | None, tuple[Unit, ...]]:
        # Built once: walking a tree of thousands of units must not rescan it at every node.
        index: dict[str | None, list[Unit]] = {}
        for unit in self.units.values():
            index.setdefault(unit.parent_code, []).append(unit)
        return {parent: tuple(units) for parent, units in index.items()}

    def children(self, code: str) -> tuple[Unit, ...]:
        return self._children.get(code, ())

    def walk(self, code: str) -> Iterator[Unit]:
        """The unit and all its descendants, depth first, in file order."""
        yield self.units[code]
        for child in self.children(code):
            yield from self.walk(child.code)

    def members(self, code: str, level: str) -> tuple[Unit, ...]:
        """Units of `level` in the subtree of `code` (the unit itself included)."""
        return tuple(u for u in self.walk(code) if u.level == level)

    def ancestors(self, code: str) -> tuple[Unit, ...]:
        chain: list[Unit] = []
        parent = self.units[code].parent_code
        while parent:
            chain.append(self.units[parent])
            parent = self.units[parent].parent_code
        return tuple(chain)

    def roots(self) -> tuple[Unit, ...]:
        return tuple(u for u in self.units.values() if not u.parent_code)

    def at_levels(self, levels: Sequence[str]) -> list[str]:
        """The codes of the units of `levels`, each root's subtree in tree order; a level the tree
        does not have is a DataError naming the levels it has."""
        from .errors import DataError

        known = sorted({u.level for u in self.units.values()})
        if unknown := [level for level in levels if level not in known]:
            raise DataError(f"Cấp không có trong cây tổ chức: {', '.join(unknown)} (có: {', '.join(known)})")
        return [u.code for root in self.roots() for u in self.walk(root.code) if u.level in set(levels)]

    def child_level(self, code: str) -> str | None:
        """The level of the unit's children (the units its report compares): their own, else the
        level below the unit's in the levels file."""
        children = self.children(code)
        return children[0].level if children else self.levels.below(self.units[code].level)

    def title(self, code: str) -> str:
        """The unit's proper name with its kind, e.g. "Quận Ô Môn"."""
        unit = self.units[code]
        return f"{self.titles.get(unit.kind, unit.kind.capitalize())} {unit.name}"


@dataclass(frozen=True)
class Field:
    id: str
    title: str


@dataclass(frozen=True)
class Measure:
    """A figure that units send in, kept at one level of the tree."""

    id: str
    level: str
    type: str  # "count" (whole, >= 0) or "amount" (money, may be negative)
    unit: str
    name: str


class Kind(StrEnum):
    TOTAL = "total"
    SHARE = "share"
    MINIMUM = "minimum"
    NONE = "none"


@dataclass(frozen=True)
class Indicator:
    """A target of the plan and the rule that judges it."""

    id: str
    field: str
    kind: Kind
    unit: str
    short: str
    name: str
    lead: str
    measure: str | None = None
    numerator: str | None = None
    denominator: str | None = None
    city_target: Decimal | None = None
    threshold: Decimal | None = None
    minimum: int | None = None
    level: str | None = None
    per: str | None = None

    @property
    def measures(self) -> tuple[str, ...]:
        if self.kind is Kind.SHARE:
            return (self.numerator, self.denominator)  # type: ignore[return-value]
        return (self.measure,)  # type: ignore[return-value]


@dataclass(frozen=True)
class Constraint:
    """sum(lhs) <= rhs on one unit's figures; rhs "$months" is the period's length."""

    lhs: tuple[str, ...]
    rhs: str


@dataclass(frozen=True)
class Catalogue:
    plan: Mapping[str, object]
    fields: tuple[Field, ...]
    measures: Mapping[str, Measure]
    indicators: tuple[Indicator, ...]
    constraints: tuple[Constraint, ...]
    excluded: tuple[Mapping[str, str], ...] = ()

    def indicator(self, indicator_id: str) -> Indicator:
        return next(i for i in self.indicators if i.id == indicator_id)

    def level_of(self, indicator: Indicator) -> str:
        """The level whose units report the indicator's figures."""
        return indicator.level or self.measures[indicator.measures[0]].level


@dataclass(frozen=True)
class Period:
    id: str
    year: int
    months: int
    review: str  # "so_ket" (six-month) or "tong_ket" (year-end)
    label: str
    org: str
    catalogue: str | None = None
    targets: str | None = None
    progress: Fraction = Fraction(1)
    same_period_last_year: str | None = None
    report_date: dt.date | None = None
    levels: str = ""  # the levels file of its tree, under data/ (e.g. "org/levels-2022.yaml")


@dataclass(frozen=True)
class Target:
    unit_code: str
    indicator_id: str
    value: Decimal
    basis: str  # "plan" or "sample"


@dataclass(frozen=True)
class Figure:
    """One figure of one unit, with where it came from."""

    unit_code: str
    measure: str
    value: Decimal
    source: str = ""


@dataclass(frozen=True)
class FigureSet:
    """All figures of one period: (unit_code, measure) -> value."""

    period: str
    values: Mapping[tuple[str, str], Decimal]
    is_sample: bool = False
    # The (unit_code, measure) rows that came from sample data, where the reader knows them per row;
    # None: only the set's `is_sample` is known, and it stands for every row.
    sample_rows: frozenset[tuple[str, str]] | None = None

    def get(self, unit_code: str, measure: str) -> Decimal | None:
        return self.values.get((unit_code, measure))

    def is_sample_row(self, unit_code: str, measure: str) -> bool:
        if self.sample_rows is None:
            return self.is_sample
        return (unit_code, measure) in self.sample_rows


class Status(StrEnum):
    EXCEEDED = "vuot"
    MET = "dat"
    MISSED = "chua_dat"
    NO_TARGET = "khong_chi_tieu"
    NO_DATA = "thieu_so_lieu"

    @property
    def reached(self) -> bool:
        return self in (Status.EXCEEDED, Status.MET)


@dataclass(frozen=True)
class Outcome:
    """An indicator's figures for one unit and period, before judging."""

    actual: Decimal | None  # total: sum; share: ratio in %; minimum: units reaching; none: count
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    units: int | None = None  # minimum: units of the level in the subtree
    total: Decimal | None = None  # minimum: the measure summed over those units
    failing: tuple[str, ...] = ()  # codes of units that fall short (minimum, none)
    missing: tuple[str, ...] = ()  # codes of units with no figure


@dataclass(frozen=True)
class Result:
    """An indicator judged for one unit and period."""

    indicator: Indicator
    unit_code: str
    period: str
    level: str
    outcome: Outcome
    target: Decimal | None  # total: the unit's yearly target; share: threshold; minimum: units
    expected: Decimal | None  # what this period requires (totals: target x progress)
    percent: Decimal | None  # % of the (yearly) target achieved
    status: Status
    previous: Outcome | None = None
    change: Decimal | None = None  # total: %; share: points; minimum, none: difference
    target_basis: str = "plan"
    money_scale: str | None = None  # money: "tỷ đồng" or "triệu đồng", one per indicator for all units

    @property
    def actual(self) -> Decimal | None:
        return self.outcome.actual


@dataclass(frozen=True)
class Identity:
    """Who the organisation is, as its project's wording file says (nothing of it is in code)."""

    name: str = ""  # before a unit's title: "<name> quận Ô Môn"
    national_body: str = ""  # over the committee's name on every report
    document_symbol: str = ""  # "Số …-<symbol>" when the unit's parameters give none
    issuer: str = ""  # who sends the templates and checks the files that come back
    submission_office: str = ""  # where the units send their files

    def of(self, unit_title: str) -> str:
        """A unit's association by name: "<name> quận Ô Môn", the kind word in lower case after the
        name as ND30 writes it; the title alone (capitalised) without a name."""
        if not self.name:
            return unit_title
        return f"{self.name} {unit_title[:1].lower()}{unit_title[1:]}"


@dataclass(frozen=True)
class Plan:
    """What asking for, or checking, one period's figures needs: its tree, catalogue and targets,
    and who asks (the organisation's identity and the templates' wording)."""

    period: Period
    tree: OrgTree
    catalogue: Catalogue
    targets: Mapping[tuple[str, str], Target]
    identity: Identity = Identity()
    template_words: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ReportInputs:
    """Everything one report reads, loaded at the edge so later stages touch no files."""

    unit_code: str
    period: Period
    previous_period: Period | None
    tree: OrgTree
    catalogue: Catalogue
    targets: Mapping[tuple[str, str], Target]
    figures: FigureSet
    previous_figures: FigureSet | None
    wording: Mapping[str, Any]
    params: Mapping[str, Any]
    analyst_markdown: str | None
    analyst_path: str
    # What the loader read, by name: each input's digest (the build keys the report on these).
    reads: Mapping[str, str] = field(default_factory=dict)


LISTED_UNITS = 25  # an unknown code is answered with at most about this many valid ones


def describe_unknown_units(tree: OrgTree, unknown: Sequence[str], source: str) -> str:
    """ "Mã đơn vị 999 không có trong cây tổ chức. Các mã có: 92 (Thành phố Cần Thơ), …": the valid
    codes, level by level from the top while the list stays short; the rest are counted."""
    listed: list[Unit] = []
    levels = list(dict.fromkeys(u.level for root in tree.roots() for u in tree.walk(root.code)))
    by_level = {level: [u for u in tree.units.values() if u.level == level] for level in levels}
    rest = 0
    for level in levels:
        if listed and len(listed) + len(by_level[level]) > LISTED_UNITS:
            rest += len(by_level[level])
        else:
            listed.extend(by_level[level])
    codes = ", ".join(f"{u.code} ({tree.title(u.code)})" for u in listed)
    more = f"; cùng {rest} đơn vị cấp dưới, mã trong data/{source}" if rest else ""
    return f"Mã đơn vị {', '.join(unknown)} không có trong cây tổ chức. Các mã có: {codes}{more}."
