"""衢政办发〔2020〕20号 三、四、五: trigger, rate, amounts per category, floor, edge, universities."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from apps.subsidies import rules
from apps.subsidies.models import Category, Residence

D = Decimal


def std(urban="775", rural="775", unemployment="1620"):
    return SimpleNamespace(urban_dibao=D(urban), rural_dibao=D(rural), unemployment=D(unemployment))


def test_policy_2020_parameters_come_from_the_document(policy):
    assert policy.document == "衢政办发〔2020〕20号"
    assert str(policy.effective_from) == "2020-02-13"
    assert (policy.scpi_threshold, policy.food_threshold, policy.minimum_rate) == (D(3), D(6), D(3))
    assert (policy.multiplier, policy.floor, policy.edge_ratio) == (D(2), D(18), D("0.5"))
    assert policy.payment_label == "价格临时补贴"


def test_scpi_exactly_three_percent_triggers(policy):
    assert rules.is_triggered(policy, scpi=D("3.0"), cpi_food=D("0"))
    assert rules.subsidy_rate(policy, scpi=D("3.0"), cpi_food=D("0")) == D("3.0")


def test_food_six_percent_triggers_with_scpi_below_three_at_rate_three(policy):
    assert rules.subsidy_rate(policy, scpi=D("2.9"), cpi_food=D("6.0")) == D("3.00")


def test_scpi_2_9_and_food_5_9_does_not_trigger(policy):
    assert not rules.is_triggered(policy, scpi=D("2.9"), cpi_food=D("5.9"))
    assert rules.subsidy_rate(policy, scpi=D("2.9"), cpi_food=D("5.9")) is None


def test_rate_is_the_actual_scpi_above_three(policy):
    assert rules.subsidy_rate(policy, scpi=D("3.6"), cpi_food=D("11.1")) == D("3.6")


def test_negative_scpi_with_food_trigger_still_pays_three_percent(policy):
    assert rules.subsidy_rate(policy, scpi=D("-0.4"), cpi_food=D("6.5")) == D("3.00")


def test_dibao_amount_is_rate_times_two_times_standard(policy):
    # 3.6 % × 2 × 775 = 55.80
    assert rules.dibao_amount(policy, rate=D("3.6"), dibao_standard=D("775")) == D("55.80")


def test_unemployment_amount_is_rate_times_benefit_standard(policy):
    # 3.6 % × 1620 = 58.32 (no multiplier)
    assert rules.unemployment_amount(policy, rate=D("3.6"), unemployment_standard=D("1620")) == D("58.32")


def test_edge_is_half_of_the_dibao_amount(policy):
    # 50 % × (3 % × 2 × 775 = 46.50) = 23.25
    assert rules.edge_amount(policy, rate=D("3"), dibao_standard=D("775")) == D("23.25")


def test_floor_of_18_yuan_applies_to_small_amounts(policy):
    # 3 % × 2 × 250 = 15.00 → 18.00
    assert rules.dibao_amount(policy, rate=D("3"), dibao_standard=D("250")) == D("18.00")
    # edge: 50 % × (3 % × 2 × 500 = 30.00) = 15.00 → 18.00
    assert rules.edge_amount(policy, rate=D("3"), dibao_standard=D("500")) == D("18.00")
    assert rules.unemployment_amount(policy, rate=D("3"), unemployment_standard=D("500")) == D("18.00")


def test_rounding_is_half_up_to_the_cent(policy):
    # 3 % × 2 × 718.75 = 43.125 → 43.13 (half-up, not banker's 43.12)
    assert rules.dibao_amount(policy, rate=D("3"), dibao_standard=D("718.75")) == D("43.13")


def test_urban_and_rural_use_their_own_standard(policy):
    s = std(urban="775", rural="700")
    _, urban = rules.category_amount(policy, rate=D("3.6"), category=Category.DIBAO,
                                     residence=Residence.URBAN, standard=s)
    base, rural = rules.category_amount(policy, rate=D("3.6"), category=Category.DIBAO,
                                        residence=Residence.RURAL, standard=s)
    assert (urban, base, rural) == (D("55.80"), D("700"), D("50.40"))


@pytest.mark.parametrize("category", ["dibao", "tekun", "sanlao", "orphan", "youfu"])
def test_five_dibao_like_categories_pay_twice_rate_times_dibao(policy, category):
    _, amount = rules.category_amount(policy, rate=D("3.6"), category=category,
                                      residence=Residence.URBAN, standard=std())
    assert amount == D("55.80")


def test_highest_category_wins(policy):
    assert rules.best_category({"dibao": D("55.80"), "unemployment": D("58.32"),
                                "edge": D("27.90")}) == ("unemployment", D("58.32"))
    # equal amounts: listed once under 低保 rather than 重点优抚
    assert rules.best_category({"youfu": D("55.80"), "dibao": D("55.80")}) == ("dibao", D("55.80"))


def test_amount_table_names_the_paying_department(policy):
    rows = rules.amount_table(policy, rate=D("3.6"), standards={1: std()})
    by_cat = {(r.residence, r.category): r for r in rows}
    assert by_cat[("urban", "youfu")].department == "tuiyi"
    assert by_cat[("urban", "unemployment")].department == "renshe"
    assert by_cat[("rural", "edge")].department == "minzheng"
    assert len(rows) == 2 * 7


def test_university_per_student_is_half_the_urban_dibao_amount(policy):
    assert rules.university_per_student(policy, rate=D("3.6"), urban_dibao_standard=D("775")) == D("27.90")


@pytest.mark.parametrize("text,expected", [("2020-06", "2020-06-01"), ("2020/6", "2020-06-01"),
                                           ("2020年6月", "2020-06-01")])
def test_month_formats(text, expected):
    assert str(rules.parse_month(text)) == expected


@pytest.mark.parametrize("text", ["2020-13", "06-2020", "abc", ""])
def test_bad_month_is_rejected_in_chinese(text):
    with pytest.raises(rules.BadMonth, match="格式不正确"):
        rules.parse_month(text)


def test_edge_is_half_of_the_dibao_amount_as_paid_then_floored(policy):
    """四: 按不低于低保对象价格补贴的50% — half of the rounded 低保 amount (43.13), not of the raw
    43.125; the 18-yuan floor comes after the ratio (15.00 → 18.00 above)."""
    assert rules.dibao_amount(policy, rate=D("3"), dibao_standard=D("718.75")) == D("43.13")
    assert rules.edge_amount(policy, rate=D("3"), dibao_standard=D("718.75")) == D("21.57")


def test_university_per_student_is_half_the_floored_urban_amount_without_its_own_floor(policy):
    """五: 学校所在地城镇低保对象价格补贴的50% — the urban 低保 person's amount is floored at 18
    (3 % × 2 × 250 = 15 → 18), the student's half (9.00) is not a person's payment."""
    assert rules.university_per_student(policy, rate=D("3"), urban_dibao_standard=D("250")) == D("9.00")


def test_every_category_is_paid_by_the_department_named_in_part_one(policy):
    """一 职责分工: 民政 five categories incl. 低保边缘, 人社 失业保险金, 退役军人 重点优抚."""
    rows = rules.amount_table(policy, rate=D("3.6"), standards={1: std()})
    assert {r.category: r.department for r in rows} == {
        "dibao": "minzheng", "edge": "minzheng", "tekun": "minzheng", "sanlao": "minzheng",
        "orphan": "minzheng", "youfu": "tuiyi", "unemployment": "renshe"}
