"""Plotly figures of the reports, and their HTML for a page that loads plotly.js itself (no CDN)."""

from __future__ import annotations

import json
from collections.abc import Sequence

import plotly.graph_objects as go
import plotly.io as pio
from markupsafe import Markup

from reports.vendor_scorecard import TrendPoint


def ola_trend_figure(points: Sequence[TrendPoint], *, title: str, y_title: str) -> go.Figure:
    """OLA completion % per vendor by month: one line per vendor, a gap where it completed nothing measurable."""
    figure = go.Figure()
    lines: dict[int, list[TrendPoint]] = {}
    for point in points:
        lines.setdefault(point.vendor_id, []).append(point)
    for line in lines.values():
        figure.add_trace(
            go.Scatter(
                x=[point.month.strftime("%Y-%m") for point in line],
                y=[None if point.ola_completion is None else round(100 * point.ola_completion, 1) for point in line],
                mode="lines+markers",
                name=f"{line[0].vendor_code} {line[0].vendor_name}",
                connectgaps=False,
            )
        )
    figure.update_layout(
        title=title,
        yaxis={"title": y_title, "range": [0, 105], "ticksuffix": "%"},
        xaxis={"type": "category"},
        margin={"l": 50, "r": 20, "t": 50, "b": 40},
        height=380,
        legend={"orientation": "h"},
    )
    return figure


def figure_html(figure: go.Figure, element_id: str, nonce: str | None = None) -> Markup:
    """A div and the script drawing ``figure`` into it; plotly.js must already be on the page."""
    payload = pio.to_json(figure, validate=False).replace("</", "<\\/")
    config = json.dumps({"responsive": True, "displaylogo": False})
    nonce_attr = Markup(' nonce="{}"').format(nonce) if nonce else Markup("")
    return Markup(
        '<div id="{id}" class="sd-plot"></div>'
        "<script{nonce}>(function () {{ var f = {payload}; "
        'Plotly.newPlot("{id}", f.data, f.layout, {config}); }})();</script>'
    ).format(id=element_id, nonce=nonce_attr, payload=Markup(payload), config=Markup(config))
