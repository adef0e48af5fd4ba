"""scipy.stats.wilcoxon with its defaults on each named list of paired differences, and which
branch of method='auto' scipy takes (n, zeros, ties among the non-zero |d|). Prints JSON.
Usage: metrics_wilcoxon.py <cases.json>   ({"name": [d0, d1, ...], ...})"""
import json
import sys

import numpy as np
import scipy
from scipy import stats

cases = json.load(open(sys.argv[1]))
out = {"scipy": scipy.__version__}
for name, d in cases.items():
    d = np.asarray(d, dtype=np.float64)
    nz = np.abs(d[d != 0])
    res = stats.wilcoxon(d)
    out[name] = {"statistic": float(res.statistic), "pvalue": float(res.pvalue), "n": int(d.size),
                 "zeros": int(np.count_nonzero(d == 0)), "ties": bool(np.unique(nz).size < nz.size)}
print(json.dumps(out))
