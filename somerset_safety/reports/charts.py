"""Charts drawn once on the server as SVG with pygal, for the dashboard and the PDF alike.
Each chart goes out with its data table and a text alternative (WCAG 2.2 AA)."""

import base64
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


def _clean(svg: str) -> str:
    """pygal adds a small configuration script even with js=[]; our charts are static."""
    return _SCRIPT.sub("", svg)


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
        x_label_rotation=0 if len(labels) <= 6 else 30,
        title=title,
        margin=20,
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
    )
    chart.x_labels = labels
    for name, values in series.items():
        chart.add(name, values)
    return Chart(svg=_clean(chart.render(is_unicode=True)), alt=alt)
