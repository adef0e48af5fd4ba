"""Prints shape, dtype, float64 sum and the first 5 values of an .npy file, as JSON."""
import json
import sys

import numpy as np

a = np.load(sys.argv[1])
print(json.dumps({
    "shape": list(a.shape),
    "dtype": a.dtype.str,
    "sum": float(a.astype(np.float64).sum()),
    "first": [float(v) for v in a.ravel()[:5]],
}))
