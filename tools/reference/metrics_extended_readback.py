"""Reads metrics_extended.csv and metrics_extended_aggregates.csv back with pandas' defaults and
prints, as JSON (non-finite numbers as "NaN"/"Infinity"/"-Infinity"), every value of the table,
the aggregate file's values, and pandas' own Series.describe() per structure and metric of the
read-back table. Usage: metrics_extended_readback.py <metrics_extended.csv> <aggregates.csv>"""
import json
import math
import sys

import pandas as pd


def enc(v):
    v = float(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    return v


table = pd.read_csv(sys.argv[1], dtype={"Patient": str, "Structure": str})
aggregates = pd.read_csv(sys.argv[2], dtype={"Structure": str})
metrics = [c for c in table.columns if c not in ("Patient", "Structure")]
describe = {}
for structure, group in table.groupby("Structure", sort=True):
    describe[structure] = {m: {k: enc(group[m].describe()[k]) for k in ("count", "mean", "std", "min", "max")} for m in metrics}
print(json.dumps({
    "columns": list(table.columns),
    "dtypes": {c: str(t) for c, t in table.dtypes.items()},
    "rows": [[r["Patient"], r["Structure"], *[enc(r[m]) for m in metrics]] for _, r in table.iterrows()],
    "aggregates": {r["Structure"]: {c: enc(r[c]) for c in aggregates.columns if c != "Structure"} for _, r in aggregates.iterrows()},
    "describe": describe,
}))
