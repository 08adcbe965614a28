"""Names of the numpy array types the maths modules pass around."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.int64]
DayArray = NDArray[np.datetime64]
