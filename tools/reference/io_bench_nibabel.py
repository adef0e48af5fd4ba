"""nibabel side of `npm run bench -- io`: reads a list of NIfTI files, times it, reports peak memory.

Usage: io_bench_nibabel.py MODE LIST_FILE REPEATS
MODE: 'fdata' (get_fdata(dtype=float64), Seahorse's default) or 'stored' (np.asanyarray(dataobj)).
Prints JSON: seconds per repeat, baseline RSS after imports, peak RSS after the first pass and
after all passes (bytes).
"""
import json
import os
import resource
import sys
import time

import nibabel as nib
import numpy as np


def rss_bytes() -> int:
    with open('/proc/self/statm') as fh:
        return int(fh.read().split()[1]) * os.sysconf('SC_PAGE_SIZE')


def main() -> None:
    mode, list_file, repeats = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with open(list_file) as fh:
        files = [line.strip() for line in fh if line.strip()]
    baseline = rss_bytes()
    seconds = []
    first_pass_peak = 0
    checksum = 0.0
    for r in range(repeats):
        t0 = time.perf_counter()
        for f in files:
            img = nib.load(f)
            a = img.get_fdata(dtype=np.float64) if mode == 'fdata' else np.asanyarray(img.dataobj)
            checksum += float(a.flat[0])
            del a, img
        seconds.append(time.perf_counter() - t0)
        if r == 0:
            first_pass_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
    print(json.dumps({"seconds": seconds, "baselineRssBytes": baseline, "firstPassPeakRssBytes": first_pass_peak,
                      "peakRssBytes": peak, "checksum": checksum}))


if __name__ == "__main__":
    main()
