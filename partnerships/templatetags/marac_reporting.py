"""Helpers for the MARAC section of the Executive report and the partnership dashboard panel.

The figures come here already protected where the viewer may not see small counts (partnership
leads, the public paper) by the one disclosure-control rule (partnerships.reporting declares
them): a hidden figure is a Withheld, which reads "fewer than 5" or "not shown"."""

from urllib.parse import urlencode

from django import template
from django.urls import reverse

from somerset_safety.reports.disclosure import is_withheld

register = template.Library()

PLURALS = {"case": "cases", "victim": "victims", "perpetrator": "perpetrators", "child": "children"}
MAX_AREA_LINES = 5


@register.simple_tag
def marac_figure(row: dict) -> str:
    """One KPI as the paper shows it: '37.5% (3 cases)', '6.3', '2' — or 'fewer than 5 cases',
    'not shown (fewer than 5 cases)' for a rate worked from one, 'not shown'."""
    count, unit = row["count"], row["unit"]
    units = unit if count == 1 else PLURALS.get(unit, unit + "s")
    if is_withheld(count):
        counted = count.counted(PLURALS.get(unit, unit))
        if row.get("rate") is not None and count.small:
            return f"not shown ({counted})"
        return counted
    if is_withheld(row.get("rate")):
        return "not shown"
    if is_withheld(row.get("percent")):
        return f"{count} {units} (percentage not shown)"
    if row.get("rate") is not None:
        return row["rate"]
    if row.get("percent") is not None:
        return f"{row['percent']}% ({count} {units})"
    return str(count)


@register.simple_tag(takes_context=True)
def marac_return_link(context) -> str:
    """The data return page, for dashboard viewers who may open it (the page checks too). None
    in the paper: it has section numbers, and a PDF has no viewer."""
    from ..permissions import RETURN_ROLES

    user = context.get("user")
    if context.get("number") or context.get("for_pdf") or not getattr(user, "is_authenticated", False):
        return ""
    return reverse("partnerships:data_return") if user.has_role(*RETURN_ROLES) else ""


@register.simple_tag
def return_query(base: str, start: str, end: str, area: str = "") -> str:
    params = {"area": area, "start": start, "end": end} if area else {"start": start, "end": end}
    return f"{base}?{urlencode(params)}"


@register.simple_tag
def marac_trend_chart(trend: dict) -> dict:
    """Labels, series, text alternative and data table of the quarterly trend: one line per area
    when there are few enough to tell apart, and all areas together. The table holds the chart's
    figures (a row a quarter, a column a line); each quarter links to the return for every area.
    Hidden counts are left out of the chart (a gap in the line), as the SVG carries values."""
    columns = {}
    if 1 < len(trend["areas"]) <= MAX_AREA_LINES:
        columns = {area["name"]: area["counts"] for area in trend["areas"]}
    columns["All areas"] = trend["total"]
    described = "; ".join(
        f"{quarter['label']}: {value}"
        for quarter, value in zip(trend["quarters"], trend["total"], strict=True)
    )
    return {
        "labels": [q["short"] for q in trend["quarters"]],
        "series": {name: [None if is_withheld(v) else v for v in values] for name, values in columns.items()},
        "alt": f"Line chart of MARAC cases discussed each quarter, all areas: {described}. "
        "The table that follows gives the figures.",
        "columns": list(columns),
        "rows": [
            {"quarter": quarter, "counts": [values[i] for values in columns.values()]}
            for i, quarter in enumerate(trend["quarters"])
        ],
    }


@register.simple_tag
def marac_counted(value, singular: str, plural: str) -> str:
    """'1 case', '12 cases', or 'fewer than 5 cases were' / 'not shown' where hidden."""
    if is_withheld(value):
        return value.counted(plural)
    return f"{value} {singular if value == 1 else plural}"


@register.simple_tag
def marac_missing(data: dict) -> dict:
    """The areas that missed a benchmark, from the figures as shown (partnerships.reporting)."""
    from ..reporting import areas_missing_benchmarks

    return areas_missing_benchmarks(data)
