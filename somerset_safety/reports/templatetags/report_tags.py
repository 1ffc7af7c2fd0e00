from django import template

register = template.Library()


@register.filter
def percent(value):
    return "—" if value is None else f"{value}%"


@register.inclusion_tag("reports/_chart.html", takes_context=True)
def chart(context, kind, title, labels, series, alt):
    """A server-drawn chart: inline SVG in the PDF, an image in the browser (CSP-safe), with
    its text alternative. Put the data table beside it in the calling template."""
    from ..charts import bar_chart, line_chart

    draw = line_chart if kind == "line" else bar_chart
    drawn = draw(title=title, labels=list(labels), series=dict(series), alt=alt)
    return {"chart": drawn, "for_pdf": context.get("for_pdf", False)}


@register.filter
def long_date(value):
    """'2027-01-20' (as stored in a snapshot) → '20 January 2027'."""
    from datetime import date

    if value in (None, ""):
        return ""
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        return value
    return f"{day.day} {day:%B %Y}"
