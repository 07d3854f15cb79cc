"""Compiled kernels for crowded maps, where conquests redraw the borders of most worlds each
year (the interstate arena's random worlds of eight states; see
:mod:`powerbalance.model.compiled`, which registers them, for the rules every kernel keeps:
the reference's operations in its order, no ``fastmath``, so results are bit-identical).

- :func:`base_from_table_kernel`: :func:`powerbalance.model.derived.territorial_base` from
  the map's table of extracted production (``derived._extraction_table``): a look-up per
  province instead of an exponential.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from powerbalance.model.compiled_kernels import jit


@jit
def base_from_table_kernel(owner: Any, capital: Any, n: int, table: Any) -> Any:
    # derived.territorial_base: each owned province adds table[capital of its owner, q]
    # to its owner's base, provinces in increasing order from 0.0 (as np.bincount does).
    b, p = owner.shape
    base = np.zeros((b, n))
    count = np.zeros((b, n), dtype=np.int64)
    for w in range(b):
        for q in range(p):
            o = owner[w, q]
            if o < 0:
                continue
            cap = capital[w, o]
            if cap < 0:
                cap = 0
            base[w, o] += table[cap, q]
            count[w, o] += 1
    return base, count


#: The kernels of this module by name (merged into :func:`powerbalance.model.compiled.kernels`).
KERNELS = {"base_from_table": base_from_table_kernel}
