"""The reports pages: filters, a chart and a table for each, CSV and Excel exports."""

from datetime import date, datetime

from flask import Blueprint, abort, render_template, request
from flask_babel import format_date, format_percent, get_locale
from flask_login import current_user

from crm.auth.permissions import require
from crm.common.csv_export import csv_response
from crm.common.spreadsheet import xlsx_response
from crm.common.web import found_or_404
from crm.i18n import format_mad, format_number
from crm.reports.filters import ReportFilterForm, filters_from
from crm.reports.pipeline import main_path
from crm.reports.registry import BY_SLUG, REPORTS

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.app_template_filter("report_cell")
def report_cell(value, kind: str) -> str:
    """A table cell as the user reads it, in their language."""
    if value is None or value == "":
        return "—"
    if kind == "int":
        return format_number(value)
    if kind == "percent":
        return format_percent(value / 100, "#,##0.#%")
    if kind in ("number", "days"):
        return format_number(value, "#,##0.#")
    if kind == "money":
        return format_mad(value)
    if isinstance(value, date | datetime):
        return format_date(value, "medium")
    return str(value)


def _filter_form() -> ReportFilterForm:
    form = ReportFilterForm(request.args)
    form.fill_choices()
    return form


def _report_and_filters(slug: str):
    report = found_or_404(BY_SLUG.get(slug))
    form = _filter_form()
    return report, form, filters_from(form, current_user)


@bp.get("/")
@require("report.view")
def index():
    return render_template("reports/index.html", reports=REPORTS, form=_filter_form())


@bp.get("/<slug>")
@require("report.view")
def show_report(slug: str):
    report, form, filters = _report_and_filters(slug)
    table = report.build(filters, request.args)
    stages = main_path() if report.picks_stages else []
    return render_template("reports/show_report.html", report=report,
                           form=form, table=table, stages=stages, today=date.today())


@bp.get("/<slug>/export.<fmt>")
@require("report.view")
def export_report(slug: str, fmt: str):
    report, _form, filters = _report_and_filters(slug)
    if fmt not in ("csv", "xlsx"):
        abort(404)
    table = report.build(filters, request.args)
    header = [column.label for column in table.columns]
    filename = f"{report.slug}-{date.today().isoformat()}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, header, table.rows)
    return xlsx_response(filename, str(report.title), header, table.rows,
                         right_to_left=str(get_locale()) == "ar")
