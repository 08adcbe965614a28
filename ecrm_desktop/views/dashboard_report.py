"""The dashboard as a PDF: heading, key figures, the charts (drawn offscreen) and every table, on A4 pages.

Needs a QApplication (the charts are widgets); `ecrm report` creates one on the offscreen platform.
"""

from __future__ import annotations

from html import escape
from pathlib import Path

from PySide6.QtCore import QMarginsF, QUrl
from PySide6.QtGui import QColor, QPageLayout, QPageSize, QPalette, QPdfWriter, QTextDocument
from PySide6.QtWidgets import QApplication

from ecrm_desktop.domain.kpis import Dashboard
from ecrm_desktop.views.dashboard_tables import Table, as_of, tables

CHART_WIDTH, CHART_HEIGHT = 900, 340  # pixels; printed at the page's width
PAGE_WIDTH_PT = 523  # A4 less 18 mm margins, in points (the document's layout unit)


def write_pdf(dashboard: Dashboard, path: Path) -> None:
    """Write the dashboard's report to `path` (replacing it)."""
    document = report_document(dashboard)
    writer = QPdfWriter(str(path))
    writer.setTitle(f"ecrm dashboard {dashboard.period.start} – {dashboard.period.end}")
    writer.setCreator("ecrm")
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(18, 18, 18, 18), QPageLayout.Unit.Millimeter))
    document.print_(writer)


def report_document(dashboard: Dashboard) -> QTextDocument:
    """The report as a rich-text document, the charts embedded as images (always in the light palette)."""
    from ecrm_desktop.views.dashboard_charts import DashboardCharts  # pyqtgraph, only when a report is made

    app = QApplication.instance()
    assert isinstance(app, QApplication), "a report needs a QApplication"
    charts = DashboardCharts()
    for chart in charts.charts.values():
        chart.setPalette(_paper_palette())
    charts.show(dashboard)
    document = QTextDocument()
    document.setDefaultStyleSheet(
        "body { font-family: sans-serif; font-size: 9pt; color: #111; } h1 { font-size: 16pt; } "
        "h2 { font-size: 12pt; margin-top: 14px; } th { background: #e5e7eb; text-align: left; } "
        "td.n { text-align: right; } .muted { color: #555; }")
    images = charts.images(CHART_WIDTH, CHART_HEIGHT)
    for name, image in images.items():
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart:{name}"), image)
    all_tables = tables(dashboard)
    parts = [_heading(dashboard), _table(all_tables[0])]
    for name, image in images.items():
        height = round(PAGE_WIDTH_PT * image.height() / image.width())
        parts.append(f'<p><img src="chart:{name}" width="{PAGE_WIDTH_PT}" height="{height}"></p>')
    parts += [_table(t) for t in all_tables[1:]]
    document.setHtml(f"<html><body>{''.join(parts)}</body></html>")
    for chart in charts.charts.values():
        chart.deleteLater()
    return document


def _heading(d: Dashboard) -> str:
    p, before = d.period, d.period.previous()
    who = escape(d.segment) if d.segment else "all customers"
    return (f"<h1>Dashboard: {p.start:%d %b %Y} – {p.end:%d %b %Y}</h1>"
            f"<p>{who}; compared with {before.start:%d %b %Y} – {before.end:%d %b %Y}. Amounts in {d.currency}; "
            f"<span class='muted'>{escape(as_of(d))}.</span></p>")


def _table(t: Table) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in t.headers)
    rows = "".join("<tr>" + "".join(f"<td{' class=n' if i else ''}>{escape(v)}</td>" for i, v in enumerate(row))
                   + "</tr>" for row in t.rows)
    empty = "" if t.rows else f"<tr><td colspan={len(t.headers)} class=muted>No data in this period.</td></tr>"
    return (f"<h2>{escape(t.title)}</h2><table width='100%' cellspacing=0 cellpadding=3 border=1 "
            "style='border-collapse: collapse; border-color: #c8ccd2'>"
            f"<tr>{head}</tr>{rows}{empty}</table>")


def _paper_palette() -> QPalette:
    """Dark text on white, whatever the screen's theme."""
    palette = QPalette()
    palette.setColor(QPalette.ColorRole.Base, QColor("white"))
    palette.setColor(QPalette.ColorRole.Window, QColor("white"))
    palette.setColor(QPalette.ColorRole.WindowText, QColor("#111111"))
    palette.setColor(QPalette.ColorRole.Text, QColor("#111111"))
    return palette
