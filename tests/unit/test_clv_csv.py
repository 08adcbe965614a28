"""A malformed transaction file is refused with the line and column of the first bad value."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from ecrm_desktop.domain.errors import UsageError
from ecrm_desktop.services.clv import fit_transactions_csv


def _fit(tmp_path: Path, text: str, **columns: str) -> None:
    path = tmp_path / "t.csv"
    path.write_text(text, encoding="utf-8")
    fit_transactions_csv(path, calibration_end=date(2024, 6, 30), **columns)


@pytest.mark.parametrize(("text", "message"), [
    ("customer,day,amount\n1,2024-01-01,5\n", "line 1: no column named 'date' in the header"),
    ("customer,date,amount\n1,2024-01-01,5\n2,01/02/2024,5\n",
     "line 3, column 'date': '01/02/2024' is not an ISO 8601 date"),
    ("customer,date,amount\n1,2024-01-01,5\n1,2024-01-02,12€\n", "line 3, column 'amount': '12€' is not a number"),
    ("customer,date,amount\n1,2024-01-01,nan\n", "line 2, column 'amount': 'nan' is not a number"),
    ("customer,date,amount\n1,2024-01-01,5\n\n,2024-01-03,5\n", "line 4, column 'customer': the value is missing"),
    ("customer,date,amount\n1,2024-01-01\n", "line 2, column 'amount': the value is missing"),
])
def test_malformed_rows_name_line_and_column(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        _fit(tmp_path, text)


def test_columns_are_named_by_the_caller_and_the_unit_is_checked(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="line 1: no column named 'buyer'"):
        _fit(tmp_path, "customer,date,amount\n", customer_col="buyer")
    with pytest.raises(UsageError, match="'weeks' or 'days', not 'months'"):
        _fit(tmp_path, "customer,date,amount\n", time_unit="months")


def test_a_missing_file_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="Cannot read"):
        fit_transactions_csv(tmp_path / "absent.csv", calibration_end=date(2024, 6, 30))
