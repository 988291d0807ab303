"""Small Arrow arrays built straight from buffers, so an import never loads pandas.

pyarrow imports pandas (about a tenth of a second) the first time it converts any Python
or NumPy value: ``pa.array``, ``pa.scalar``, even a Python number passed to a compute
function. An import needs none of pandas, so its hot path builds the few arrays it needs
(dictionaries, lookup tables, a constant column) with these helpers instead.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import pyarrow as pa


def strings(values: Sequence[str]) -> pa.Array:
    """A string array of ``values`` (none of them null)."""
    encoded = [v.encode("utf-8") for v in values]
    offsets = array("i", [0])
    total = 0
    for item in encoded:
        total += len(item)
        offsets.append(total)
    data = b"".join(encoded)
    return pa.Array.from_buffers(
        pa.string(), len(values), [None, pa.py_buffer(offsets), pa.py_buffer(data)]
    )


def int32s(values: Sequence[int], type: pa.DataType | None = None) -> pa.Array:
    """An array of 32-bit ``values`` (none null) as ``type``: int32, or e.g. date32 (days)."""
    return pa.Array.from_buffers(
        type or pa.int32(), len(values), [None, pa.py_buffer(array("i", values))]
    )


def constant_int64(value: int, length: int) -> pa.Array:
    """``length`` copies of ``value`` as int64."""
    return pa.Array.from_buffers(
        pa.int64(), length, [None, pa.py_buffer(array("q", [value]) * length)]
    )


def int32_scalar(value: int) -> pa.Scalar:
    return int32s([value])[0]
