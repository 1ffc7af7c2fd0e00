from decimal import Decimal

from django import template
from django.utils.html import format_html

from ..rag import RAG_LABELS, TREND_LABELS

register = template.Library()

RAG_TAGS = {"green": "govuk-tag--green", "amber": "govuk-tag--yellow", "red": "govuk-tag--red"}


@register.filter
def money(value) -> str:
    """£1,234.50; whole pounds without pence."""
    if value is None or value == "":
        return ""
    value = Decimal(value)
    sign = "−" if value < 0 else ""
    value = abs(value)
    text = f"{value:,.0f}" if value == value.to_integral_value() else f"{value:,.2f}"
    return f"{sign}£{text}"


@register.filter
def figure(value) -> str:
    """A KPI value without trailing zeros: 72.50 → 72.5, 12.00 → 12."""
    if value is None:
        return ""
    value = Decimal(value)
    return f"{value.normalize():f}" if value != value.to_integral_value() else f"{value:.0f}"


@register.simple_tag
def rag_tag(colour: str | None):
    if not colour:
        return ""
    return format_html('<strong class="govuk-tag {}">{}</strong>', RAG_TAGS[colour], RAG_LABELS[colour])


@register.filter
def trend_label(trend: str | None) -> str:
    return TREND_LABELS.get(trend, "") if trend else ""


@register.filter
def months(value: int) -> str:
    return f"{value} month{'s' if value != 1 else ''}"


@register.filter
def can_open_commissioning(user) -> bool:
    """Links from the dashboard and report preview to contract pages, for those who may open them."""
    from ..permissions import can_read

    return bool(user) and can_read(user)


# GOV.UK Frontend's green, yellow and red: a RAG chart in the colours of its ratings.
RAG_COLOURS = ("#00703c", "#ffdd00", "#d4351c")


@register.inclusion_tag("reports/_chart.html", takes_context=True)
def rag_chart(context, title, labels, series, alt):
    """The platform's server-drawn bar chart, with each rating in its own colour."""
    from somerset_safety.reports.charts import bar_chart

    drawn = bar_chart(title=title, labels=list(labels), series=dict(series), alt=alt, colours=RAG_COLOURS)
    return {"chart": drawn, "for_pdf": context.get("for_pdf", False)}
