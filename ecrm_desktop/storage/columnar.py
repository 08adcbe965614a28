"""Columnar rows: the shape in which bulk producers (the demo generator) hand data to `bulk_load`.

`Tables` maps a table name to its `Columns`: equal-length numpy arrays named as the table's columns.

- `id` and every foreign-key column hold 0-based row numbers of the produced data set (-1 for NULL); the
  loader turns them into database ids;
- `datetime64[s]` columns are UTC (NaT is NULL); other columns hold the values to store (enum columns their
  `.value` strings, money integer hundredths).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

Column = npt.NDArray[Any]
Columns = dict[str, Column]
Tables = dict[str, Columns]

# A NULL datetime as int64 seconds (it is NaT when viewed as datetime64[s]).
NAT = np.iinfo(np.int64).min
_NONE = np.array(None, dtype=object)


def is_null(values: Column) -> npt.NDArray[np.bool_]:
    """Where an object column holds None."""
    null: npt.NDArray[np.bool_] = np.equal(values, _NONE)
    return null
