"""The run page tells the truth (issue 12 §3): the whole run's totals with the user's own part
beside them and labelled, region names, amounts as ¥1,117.20, charts from the summary JSON.

June 2020 (衢政办发〔2020〕20号 二, 补贴涨幅 3.6 %): 张三 柯城区 urban 低保 3.6 % × 2 × 775 / 100
= 55.80 (民政); 李四 柯城区 低保 + 失业保险金, the higher 3.6 % × 1620 = 58.32 (就高不就低,
人社); 王五 江山市 rural 低保边缘 3.6 % × 700 = 25.20 (民政). Whole run 3 persons, 139.32.
"""

import json
import re

import pytest

from apps.core.templatetags.money import format_yuan
from apps.subsidies import services
from apps.subsidies.models import RollLine

from .conftest import JUNE
from .test_api_and_exports import june_run  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


def embedded(html: str) -> dict:
    match = re.search(r'<script id="run-summary" type="application/json">(.*?)</script>', html, re.S)
    assert match, "the page embeds the summary JSON"
    return json.loads(match.group(1))


def page_and_api(client, user) -> tuple[str, dict]:
    client.force_login(user)
    html = client.get("/subsidies/runs/2020-06/").content.decode()
    return html, client.get("/api/subsidies/runs/2020-06/summary").json()


@pytest.mark.parametrize("who", ["fagaiwei", "renshe", "jiangshan", "county_fgw"])
def test_the_page_charts_the_same_json_as_the_api(client, june_run, make_staff, who):  # noqa: F811
    user = {"fagaiwei": lambda: make_staff("f", "发改委"), "renshe": lambda: make_staff("r", "人社"),
            "jiangshan": lambda: make_staff("j", "民政", region_code="330881"),
            "county_fgw": lambda: make_staff("c", "发改委", region_code="330802")}[who]()
    html, api = page_and_api(client, user)
    assert embedded(html) == api
    assert api["whole"]["persons"] == 3 and api["whole"]["amount"] == "139.32"


def test_a_paying_department_sees_the_whole_run_and_its_own_part(client, june_run, renshe_user):  # noqa: F811
    """一: 人社 pays 失业保险金 — its part is 李四's 58.32 of the run's 139.32, said as such."""
    html, api = page_and_api(client, renshe_user)
    assert api["scope"] == {"label": "本部门", "text": "本部门(人社部门)", "region": None,
                            "departments": ["renshe"]}
    assert (api["persons"], api["amount"]) == (1, "58.32")
    assert (api["whole"]["persons"], api["whole"]["amount"], api["whole"]["net_amount"]) == (
        3, "139.32", "139.32")
    assert api["chart"]["trend"]["own"][-1] == "58.32" and api["chart"]["trend"]["whole"][-1] == "139.32"
    totals = re.sub(r"<[^>]+>|\s+", "", html.split('id="run-0-totals">')[1].split("</p>")[0])
    assert totals == "补贴涨幅3.60%,全部3人,金额¥139.32;本部门(人社部门)1人,金额¥58.32"
    assert '<th id="net-amount">¥139.32</th>' in html
    assert '<th class="own" id="own-net-amount">¥58.32</th>' in html
    assert "“全部”是整个名单的合计;“本部门”是其中本部门(人社部门)的部分" in html


def test_a_county_sees_the_whole_run_and_its_county(client, june_run, make_staff):  # noqa: F811
    """A 江山市 发改委 officer: 本县 is 王五's 25.20; a 江山市 民政 officer: the same, 本县本部门."""
    _, api = page_and_api(client, make_staff("js-fgw", "发改委", region_code="330881"))
    assert api["scope"]["text"] == "本县(江山市)" and api["amount"] == "25.20"
    html, api = page_and_api(client, make_staff("js-mz", "民政", region_code="330881"))
    assert api["scope"]["text"] == "本县本部门(江山市、民政部门)" and api["amount"] == "25.20"
    assert api["whole"]["amount"] == "139.32"
    by_region = html.split('class="by-region"')[1].split("</table>")[0]
    assert [re.findall(r"<td[^>]*>(.*?)</td>", row) for row in re.findall(
        r"<tr>(.*?)</tr>", by_region, re.S) if "<td" in row] == [
        ["柯城区", "2", "¥114.12", "0", "¥0.00"], ["江山市", "1", "¥25.20", "1", "¥25.20"]]
    assert "330802" not in by_region  # names, not codes


def test_whole_city_user_sees_no_scope_column(client, june_run, fagaiwei_user):  # noqa: F811
    html, api = page_and_api(client, fagaiwei_user)
    assert api["scope"] is None and 'class="own"' not in html
    assert "全部 <strong class=\"whole-persons\">3</strong>" in html


def test_an_adjustment_is_in_the_month_chart_and_the_trend(client, june_run, make_staff,  # noqa: F811
                                                           person, fagaiwei_user):
    """八 人次和金额 as paid: after approval 赵六 (衢江区 优抚, 55.80, paid by 退役军人事务部门)
    is added by an adjustment roll; the month chart and the trend count it: 139.32 + 55.80."""
    services.run_submit(run=june_run, by=make_staff("p", "民政"))
    services.run_approve(run=june_run, by=make_staff("a", "发改委"))
    person("330803", "urban", "youfu", name="赵六", from_month=JUNE)
    services.run_compute(month=JUNE)
    _, api = page_and_api(client, fagaiwei_user)
    assert api["chart"]["month"]["regions"] == ["柯城区", "衢江区", "江山市"]
    assert {s["label"]: s["amounts"] for s in api["chart"]["month"]["series"]} == {
        "民政部门": ["55.80", "0.00", "25.20"], "人社部门": ["58.32", "0.00", "0.00"],
        "退役军人事务部门": ["0.00", "55.80", "0.00"]}
    assert api["chart"]["trend"]["whole"][-1] == "195.12" == api["net_amount"]
    assert RollLine.objects.filter(month=JUNE).count() == 4


def test_the_page_has_no_inline_script_or_style(client, june_run, fagaiwei_user):  # noqa: F811
    """CSP (issue 11 §1): scripts are static files; the data travel as json_script."""
    html, _ = page_and_api(client, fagaiwei_user)
    scripts = re.findall(r"<script([^>]*)>(.*?)</script>", html, re.S)
    inline = [attrs for attrs, body in scripts if body.strip() and 'type="application/json"' not in attrs]
    assert not inline
    assert ' style="' not in html and "<style" not in html
    assert "vendor/chart.umd.min.js" in html and "qzgov-run-charts.js" in html


def test_latest_run_link(client, june_run, fagaiwei_user):  # noqa: F811
    client.force_login(fagaiwei_user)
    assert client.get("/subsidies/runs/")["Location"] == "/subsidies/runs/2020-06/"


@pytest.mark.parametrize("value,expected", [
    ("1117.20000000000", "¥1,117.20"), ("11481.05", "¥11,481.05"), ("-5.4", "-¥5.40"),
    ("1234567.005", "¥1,234,567.01"), ("0", "¥0.00"), (None, "—"), ("", "—"),
])
def test_yuan(value, expected):
    """One rounding rule (apps.core.money, half up to the cent), thousands separated."""
    assert format_yuan(value) == expected
