"""The Disruption Panel's chart: disruptions each quarter by 4P strand, drawn from figures the
disclosure rule has already protected (a withheld count is a gap in the chart)."""

from django import template

register = template.Library()


def _number(value):
    return value if isinstance(value, int) and not isinstance(value, bool) else None


@register.simple_tag
def disruption_chart(data: dict) -> dict:
    quarters = data["quarters"]
    described = "; ".join(f"{q['label']}: {q['total']}" for q in quarters)
    return {
        "labels": [q["short"] for q in quarters],
        "series": {
            strand: [_number(q["counts"][i]) for q in quarters] for i, strand in enumerate(data["strands"])
        },
        "alt": f"Bar chart of disruptions each quarter by 4P strand. Totals: {described}. "
        "The table that follows gives the figures.",
    }
