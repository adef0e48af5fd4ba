"""Reference for @seahorse/metrics reports: InnerEye's MetricsPerPatientWriter (metrics_util.py at
InnerEye-DeepLearning HEAD), re-done with pandas, call for call.

Usage: metrics_reports.py <results.json> <out_dir>
results.json: {"results": [{"subject", "structure", "dice", "hd", "md"}], "tQuantiles": [[p, df], ...],
               "format": [numbers to format with "%.3f"]}
(non-finite numbers as the strings "nan", "inf", "-inf").
Writes <out_dir>/metrics.csv and <out_dir>/metrics_aggregates.csv and prints JSON with their paths,
the unrounded describe() statistics and scipy's t quantiles.
"""
import json
import math
import os
import sys

import pandas as pd
from scipy import stats


def number(v):
    return {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}.get(v, v) if isinstance(v, str) else float(v)


def format_metric(metric):
    return "{:0.3f}".format(metric)


class MetricsPerPatientWriter:
    def __init__(self):
        self.columns = {"Patient": [], "Structure": [], "Dice": [], "HausdorffDistance_mm": [], "MeanDistance_mm": []}
        self.float_format = "%.3f"

    def add(self, patient, structure, dice, hd, md):
        self.columns["Patient"].append(patient)
        self.columns["Structure"].append(structure)
        self.columns["Dice"].append(format_metric(dice))
        self.columns["HausdorffDistance_mm"].append(format_metric(hd))
        self.columns["MeanDistance_mm"].append(format_metric(md))

    def to_data_frame(self):
        dtypes = {column: str for column in self.columns}
        dtypes["Dice"] = float
        dtypes["HausdorffDistance_mm"] = float
        dtypes["MeanDistance_mm"] = float
        df = pd.DataFrame(self.columns, dtype=str)
        df = df.astype(dtypes)
        df["DiceNumeric"] = df["Dice"]
        df = df.sort_values(by=["Patient", "Structure"])
        return df

    def to_csv(self, file_name):
        df = self.to_data_frame()
        sorted_by_dice = df.sort_values(["Structure", "DiceNumeric"], ascending=True)
        del sorted_by_dice["DiceNumeric"]
        sorted_by_dice.to_csv(file_name, index=False, float_format=self.float_format)

    def save_aggregates_to_csv(self, file_path):
        stats_columns = ["mean", "std", "min", "max"]
        aggregates = self.to_data_frame().groupby("Structure").describe()

        def filter_rename(metric, is_count=False):
            columns = ["count"] + stats_columns if is_count else stats_columns
            df = aggregates[metric][columns]
            rename = [x for x in df.columns if x != "count"]
            return df.rename(columns={k: f"{metric}_{k}" for k in rename})

        def merge(df1, df2):
            return pd.merge(df1, df2, left_on="Structure", right_on="Structure").drop_duplicates()

        merged = merge(merge(filter_rename("DiceNumeric", True), filter_rename("HausdorffDistance_mm")),
                       filter_rename("MeanDistance_mm"))
        merged.to_csv(file_path, float_format=self.float_format)
        return aggregates


def text(x):
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def main():
    spec = json.load(open(sys.argv[1]))
    out = sys.argv[2]
    writer = MetricsPerPatientWriter()
    for r in spec["results"]:
        writer.add(str(r["subject"]), r["structure"], number(r["dice"]), number(r["hd"]), number(r["md"]))
    metrics = os.path.join(out, "metrics.csv")
    aggregates_file = os.path.join(out, "metrics_aggregates.csv")
    writer.to_csv(metrics)
    aggregates = writer.save_aggregates_to_csv(aggregates_file)
    described = {}
    for structure in aggregates.index:
        described[structure] = {
            m: {s: text(aggregates.loc[structure, (m, s)]) for s in ["count", "mean", "std", "min", "25%", "50%", "75%", "max"]}
            for m in ["DiceNumeric", "HausdorffDistance_mm", "MeanDistance_mm"]
        }
    t = [float(stats.t.ppf(p, df)) for p, df in spec.get("tQuantiles", [])]
    formatted = ["%.3f" % number(v) for v in spec.get("format", [])]
    print(json.dumps({"metricsCsv": metrics, "aggregatesCsv": aggregates_file, "describe": described, "t": t, "formatted": formatted,
                      "pandas": pd.__version__}))


if __name__ == "__main__":
    main()
