"""The rules of a commitment's % done (followup/rules.py), each with its explanation."""

from datetime import date
from decimal import Decimal as D

from followup import rules
from followup.choices import ItemState, Standing


def lines(*states, weights=None, percents=None):
    weights = weights or [None] * len(states)
    percents = percents or [None] * len(states)
    return [rules.ItemLine(n, f"Sub {n}", state, percent, weight)
            for n, (state, weight, percent) in enumerate(zip(states, weights, percents), start=1)]


def test_share_of_resolved_is_two_of_nine_as_the_board_asked():
    explanation = rules.share_of_resolved(lines(*[ItemState.RESUELTO] * 2, *[ItemState.EN_PROCESO] * 7))
    assert explanation.percent == D("22.22")
    assert explanation.summary == "2 de 9 sub-elementos resueltos = 22.22 %"


def test_share_without_items_has_no_percent():
    assert rules.share_of_resolved([]).percent is None


def test_weighted_mean_counts_resolved_at_100_and_missing_percent_at_0():
    explanation = rules.weighted_mean(lines(ItemState.RESUELTO, ItemState.EN_PROCESO, ItemState.PENDIENTE,
                                            weights=[D(50), D(30), D(20)], percents=[None, D(40), None]))
    assert explanation.percent == D("62.00")
    assert [line.contribution for line in explanation.lines] == [D("50.00"), D("12.00"), D("0.00")]
    assert explanation.summary == "Σ (peso × %) / Σ pesos = 6,200 / 100 = 62 %"


def test_weighted_mean_rounds_half_up_and_weighs_one_without_weight():
    # (100 + 0 + 0) / 3 = 33.333… → 33.33; (100 + 100 + 0.5·…) checks half-up below
    assert rules.weighted_mean(lines(ItemState.RESUELTO, ItemState.PENDIENTE, ItemState.PENDIENTE)).percent == D("33.33")
    half = rules.weighted_mean(lines(ItemState.EN_PROCESO, ItemState.EN_PROCESO, percents=[D("0.01"), D(0)]))
    assert half.percent == D("0.01")  # 0.005 → 0.01 half-up


def test_weighted_mean_with_zero_weights_has_no_percent():
    assert rules.weighted_mean(lines(ItemState.RESUELTO, weights=[D(0)])).percent is None


def test_reported_keeps_the_figure_and_its_source_and_lists_items_for_information():
    explanation = rules.reported(D("70"), "Acta", lines(ItemState.RESUELTO, ItemState.EN_PROCESO))
    assert explanation.percent == D("70")
    assert explanation.source == "Acta"
    assert "Reportado: 70 %" in explanation.summary and "1 de 2 sub-elementos resueltos" in explanation.summary
    assert rules.reported(None, "").percent is None


def test_standing():
    due = date(2024, 9, 30)
    assert rules.standing(None, due, date(2024, 10, 1)) == Standing.SIN_DATO
    assert rules.standing(D(100), due, date(2025, 1, 1)) == Standing.CONCLUIDO
    assert rules.standing(D(70), due, date(2024, 9, 30)) == Standing.EN_PROCESO  # the due day itself is in time
    assert rules.standing(D(70), due, date(2024, 10, 1)) == Standing.VENCIDO
    assert rules.standing(D(0), None, date(2030, 1, 1)) == Standing.SIN_AVANCE


def test_quarters():
    assert rules.quarter_of(date(2024, 9, 18)) == (2024, 3)
    assert rules.quarter_end(2024, 3) == date(2024, 9, 30)
    assert rules.quarter_end(2024, 4) == date(2024, 12, 31)
