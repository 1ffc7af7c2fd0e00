from decimal import Decimal as D

import pytest

from commissioning.rag import AMBER, GREEN, IMPROVING, RED, SAME, WORSENING, rag, trend


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("80", GREEN),
        ("80.01", GREEN),
        ("100", GREEN),
        ("79.99", AMBER),
        ("75", AMBER),
        ("74.99", RED),
        ("0", RED),
    ],
)
def test_higher_is_better_target_80_tolerance_5(value, expected):
    assert rag(D(value), target=D("80"), tolerance=D("5"), higher_is_better=True) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("10", GREEN), ("9", GREEN), ("0", GREEN), ("10.01", AMBER), ("12", AMBER), ("12.01", RED), ("30", RED)],
)
def test_lower_is_better_target_10_tolerance_2(value, expected):
    assert rag(D(value), target=D("10"), tolerance=D("2"), higher_is_better=False) == expected


def test_no_tolerance_means_anything_short_is_red():
    assert rag(D("79.99"), target=D("80"), tolerance=D("0"), higher_is_better=True) == RED
    assert rag(D("80"), target=D("80"), tolerance=D("0"), higher_is_better=True) == GREEN


def test_trend_follows_the_direction():
    assert trend(D("75"), D("70"), higher_is_better=True) == IMPROVING
    assert trend(D("65"), D("70"), higher_is_better=True) == WORSENING
    assert trend(D("12"), D("10"), higher_is_better=False) == WORSENING
    assert trend(D("8"), D("10"), higher_is_better=False) == IMPROVING
    assert trend(D("8"), D("8"), higher_is_better=False) == SAME
    assert trend(D("8"), None, higher_is_better=False) is None
