"""Charts drawn once on the server as SVG with pygal, for the dashboard and the PDF alike.
Each chart goes out with its data table and a text alternative (WCAG 2.2 AA)."""

import base64
import math
import re
from dataclasses import dataclass

import pygal
from pygal.style import Style

COUNCIL_STYLE = Style(
    background="white",
    plot_background="white",
    foreground="#0b0c0c",
    foreground_strong="#0b0c0c",
    foreground_subtle="#505a5f",
    colors=("#1d4f3f", "#6fa287", "#1d70b8", "#f47738", "#4c2c92", "#d4351c"),
    font_family="Arimo, Arial, sans-serif",
    label_font_size=13,
    major_label_font_size=13,
    value_font_size=12,
    title_font_size=16,
    legend_font_size=13,
)


COUNCIL_STYLE_FIELDS = (
    "background",
    "plot_background",
    "foreground",
    "foreground_strong",
    "foreground_subtle",
    "font_family",
    "label_font_size",
    "major_label_font_size",
    "value_font_size",
    "title_font_size",
    "legend_font_size",
)

_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
# The legend's ids, for pygal's script (which we remove): the same in every chart, so a paper
# with two charts drawn inline would hold each id twice.
_LEGEND_ID = re.compile(r' id="activate-serie-\d+"')


def _clean(svg: str) -> str:
    """pygal adds a small configuration script even with js=[], and ids for it to find the
    legend by; our charts are static, so both go."""
    return _LEGEND_ID.sub("", _SCRIPT.sub("", svg))


def _whole_number_axis(series: dict[str, list[float | int | None]]) -> dict:
    """A count's axis in whole numbers (0, 1, 2 … never 0.5): pygal's options for the y axis
    when every value is an integer; nothing when some value is a rate or a share."""
    values = [v for vs in series.values() for v in vs if v is not None]
    if not values or any(v != int(v) for v in values):
        return {}
    top = max(int(max(values)), 1)
    step = max(1, math.ceil(top / 6))
    return {"y_labels": list(range(0, top + step, step)), "value_formatter": lambda v: f"{v:,.0f}"}


# Labels and legends are never cut short ("Somerset Co…"): the axis makes room for them.
_WHOLE_LABELS = {"truncate_label": -1, "truncate_legend": -1}


@dataclass(frozen=True)
class Chart:
    svg: str
    alt: str

    @property
    def data_uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def bar_chart(
    *,
    title: str,
    labels: list[str],
    series: dict[str, list[float | int | None]],
    alt: str,
    colours: tuple[str, ...] | None = None,
) -> Chart:
    """`colours` gives each series its own colour where the colour carries meaning (red, amber
    and green ratings); otherwise the council's palette."""
    style = COUNCIL_STYLE
    if colours:
        style = Style(**{**{k: getattr(COUNCIL_STYLE, k) for k in COUNCIL_STYLE_FIELDS}, "colors": colours})
    chart = pygal.Bar(
        style=style,
        width=720,
        height=360,
        js=[],
        disable_xml_declaration=True,
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        print_values=True,
        x_label_rotation=0 if len(labels) <= 6 and max(map(len, labels), default=0) <= 16 else 30,
        title=title,
        margin=20,
        **_WHOLE_LABELS,
        **_whole_number_axis(series),
    )
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return Chart(svg=_clean(chart.render(is_unicode=True)), alt=alt)


def line_chart(
    *, title: str, labels: list[str], series: dict[str, list[float | int | None]], alt: str
) -> Chart:
    chart = pygal.Line(
        style=COUNCIL_STYLE,
        width=720,
        height=360,
        js=[],
        disable_xml_declaration=True,
        show_legend=len(series) > 1,
        legend_at_bottom=True,
        title=title,
        margin=20,
        dots_size=4,
        x_label_rotation=0 if len(labels) <= 8 and max(map(len, labels), default=0) <= 12 else 30,
        **_WHOLE_LABELS,
        **_whole_number_axis(series),
    )
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return Chart(svg=_clean(chart.render(is_unicode=True)), alt=alt)
