"""The one disclosure-control rule (somerset_safety.reports.disclosure): expected results worked
out by hand, including sums from which a single hidden count could be worked back."""

import pytest

from somerset_safety.reports.disclosure import (
    DERIVED,
    PEOPLE,
    RECORDS,
    Declaration,
    Withheld,
    protect,
    protect_together,
)

SMALL, HIDDEN = Withheld(True), Withheld(False)


def _table(values: dict, sums=(), kinds=None, derived=None) -> tuple[dict, Declaration]:
    declaration = Declaration()
    for key in values:
        declaration.add(key, key.title(), (key,), kind=(kinds or {}).get(key, PEOPLE))
    for key, sources in (derived or {}).items():
        declaration.add(key, key.title(), (key,), kind=DERIVED, of=sources)
    for total, parts in sums:
        declaration.add_sum(total, parts)
    data = dict(values)
    for key in derived or {}:
        data[key] = "12.5"
    return data, declaration


def _shown(values, sums=(), **extra) -> dict:
    return protect(*_table(values, sums, **extra)).data


def test_primary_suppression_hides_counts_of_one_to_four_only():
    assert _shown({"a": 0, "b": 1, "c": 4, "d": 5, "e": 40}) == {
        "a": 0,
        "b": SMALL,
        "c": SMALL,
        "d": 5,
        "e": 40,
    }
    assert str(SMALL) == "fewer than 5" and str(HIDDEN) == "not shown"
    assert SMALL.counted("victims") == "fewer than 5 victims" and HIDDEN.counted("victims") == "not shown"


def test_counts_of_records_are_shown_as_they_are():
    assert _shown({"reviews": 2, "overdue": 1}, kinds={"reviews": RECORDS, "overdue": RECORDS}) == {
        "reviews": 2,
        "overdue": 1,
    }


def test_a_single_hidden_count_is_not_left_to_be_worked_out_from_the_total():
    # 3 + 10 + 12 = 25: with 10, 12 and 25 shown, the 3 follows. The smallest other part (10)
    # is hidden too; then 3 + 10 = 13 could be 1 + 12, 2 + 11 … 4 + 9.
    shown = _shown({"a": 3, "b": 10, "c": 12, "total": 25}, sums=[("total", ["a", "b", "c"])])
    assert shown == {"a": SMALL, "b": HIDDEN, "c": 12, "total": 25}


def test_every_row_fewer_than_5_and_the_total_would_give_them_all_away():
    # Five rows of 1, each "fewer than 5", total 5: every row must be 1. The total is hidden.
    values = {"a": 1, "b": 1, "c": 1, "d": 1, "e": 1, "total": 5}
    shown = _shown(values, sums=[("total", ["a", "b", "c", "d", "e"])])
    assert shown["total"] == HIDDEN and all(shown[k] == SMALL for k in "abcde")
    # Two rows 4 and 4, total 8: both must be 4.
    assert _shown({"a": 4, "b": 4, "total": 8}, sums=[("total", ["a", "b"])])["total"] == HIDDEN
    # Two rows 2 and 3, total 5: 1 + 4, 2 + 3, 3 + 2 or 4 + 1; the total may be shown.
    assert _shown({"a": 2, "b": 3, "total": 5}, sums=[("total", ["a", "b"])]) == {
        "a": SMALL,
        "b": SMALL,
        "total": 5,
    }


def test_a_not_shown_count_is_known_to_be_0_or_at_least_5():
    # 1 + 5 = 6 with the 5 "not shown": it is 0 or 5 or more, so the 1 would still follow
    # (0 would make the small one 6, 6 would make it 0). The total is hidden as well.
    shown = _shown({"a": 1, "b": 5, "total": 6}, sums=[("total", ["a", "b"])])
    assert shown == {"a": SMALL, "b": HIDDEN, "total": HIDDEN}


def test_a_zero_is_hidden_only_when_nothing_else_will_do():
    shown = _shown({"a": 2, "b": 0, "c": 9, "total": 11}, sums=[("total", ["a", "b", "c"])])
    assert shown == {"a": SMALL, "b": 0, "c": HIDDEN, "total": 11}


def test_rows_and_columns_protect_each_other():
    # a b | r1      3 10 | 13
    # c d | r2     20 30 | 50
    # ----+---    -------+---
    # c1 c2 | g    23 40 | 63
    # Hiding 10 (row) and 20 (column) is not enough: 20 would follow from row 2 (50 − 30) and
    # then the 3 from column 1. So 30 is hidden as well; the totals can all be shown.
    values = {"a": 3, "b": 10, "c": 20, "d": 30, "r1": 13, "r2": 50, "c1": 23, "c2": 40, "g": 63}
    sums = [
        ("r1", ["a", "b"]),
        ("r2", ["c", "d"]),
        ("c1", ["a", "c"]),
        ("c2", ["b", "d"]),
        ("g", ["r1", "r2"]),
        ("g", ["c1", "c2"]),
    ]
    shown = _shown(values, sums)
    assert shown == {**values, "a": SMALL, "b": HIDDEN, "c": HIDDEN, "d": HIDDEN}


def test_rates_and_percentages_worked_from_a_hidden_count_are_hidden():
    values = {"repeats": 2, "cases": 16, "male": 6, "total": 9, "rest": 3}
    shown = _shown(
        values,
        sums=[("total", ["male", "rest"])],
        derived={"repeat_rate": ["repeats", "cases"], "male_rate": ["male", "cases"], "case_rate": ["cases"]},
    )
    # 2 repeats: small. 6 males: hidden to protect the 3 (9 = 6 + 3). 16 cases shown.
    assert shown["repeats"] == SMALL and shown["repeat_rate"] == HIDDEN
    assert shown["male"] == HIDDEN and shown["male_rate"] == HIDDEN
    assert shown["cases"] == 16 and shown["case_rate"] == "12.5"


def test_versions_compared_hide_in_both_what_either_hides():
    # Version 1 has 3 repeats (small); version 2 has 6. Showing 6 beside "fewer than 5" says
    # how many came since; both are hidden. The total 20 → 23 then protects the other part.
    first = _table({"repeats": 3, "other": 17, "total": 20}, sums=[("total", ["repeats", "other"])])
    second = _table({"repeats": 6, "other": 17, "total": 23}, sums=[("total", ["repeats", "other"])])
    one, two = protect_together(first, second)
    assert one.data == {"repeats": SMALL, "other": HIDDEN, "total": 20}
    assert two.data == {"repeats": HIDDEN, "other": HIDDEN, "total": 23}


def test_the_data_is_not_changed_and_missing_figures_are_ignored():
    data, declaration = _table({"a": 2, "b": 9})
    declaration.add("gone", "Gone", ("not", "there"))
    result = protect(data, declaration)
    assert data == {"a": 2, "b": 9} and result.data == {"a": SMALL, "b": 9}
    assert result.hidden == {"a": SMALL}


def test_a_figure_hidden_deep_in_the_data_leaves_the_data_itself_unchanged():
    """Only the parts on a hidden figure's path are copied: the original keeps its counts, and
    a figure printed in two places is hidden in both."""
    data = {
        "areas": [
            {"code": "A", "kpis": [{"count": 3}, {"count": 12}]},
            {"code": "B", "kpis": [{"count": 9}]},
        ],
        "total": 3,
    }
    declaration = Declaration()
    declaration.add("a.small", "A: small", ("areas", 0, "kpis", 0, "count"), ("total",))
    declaration.add("a.big", "A: big", ("areas", 0, "kpis", 1, "count"))
    declaration.add("b", "B", ("areas", 1, "kpis", 0, "count"))
    shown = protect(data, declaration).data
    assert shown == {
        "areas": [
            {"code": "A", "kpis": [{"count": SMALL}, {"count": 12}]},
            {"code": "B", "kpis": [{"count": 9}]},
        ],
        "total": SMALL,
    }
    assert data["areas"][0]["kpis"][0]["count"] == 3 and data["total"] == 3


def test_a_derived_figure_says_what_it_is_worked_from():
    with pytest.raises(ValueError):
        Declaration().add("rate", "Rate", ("rate",), kind=DERIVED)


@pytest.mark.django_db
def test_every_section_and_panel_with_figures_declares_them_where_they_are():
    """Each registered build's declaration names places that exist in its data, each figure once."""
    from datetime import date

    from somerset_safety.reports.disclosure import _get
    from somerset_safety.reports.periods import PeriodKind, report_period
    from somerset_safety.reports.registry import dashboard_panels, report_sections

    period = report_period(PeriodKind.QUARTER, date(2026, 9, 30))
    undeclared = {"board_decisions"}  # decisions are wording, not figures
    for item in [*report_sections(), *dashboard_panels()]:
        if item.key in undeclared:
            continue
        assert item.declare is not None, item.key
        data = item.build(period)
        declared = item.declare(data)
        keys = [f.key for f in declared.figures]
        assert len(keys) == len(set(keys)), item.key
        for figure in declared.figures:
            for path in figure.paths:
                _get(data, path)  # raises if the place does not exist
