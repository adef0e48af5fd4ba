"""Reference side of the checkpoint-import benchmark: reads a torch zip checkpoint's state_dict into
contiguous numpy float32 arrays with Python's zipfile + pickle + numpy (no torch in the reference
environment), the same work as Seahorse's readStateDict, and prints JSON
{"seconds": float, "max_rss_bytes": int, "tensors": int, "parameters": int}.
max_rss_bytes is this process's peak resident set size (interpreter and numpy included).

Usage: inference_import_bench.py CHECKPOINT
"""
import collections
import json
import os
import resource
import sys
import time
import zipfile

import numpy as np
from numpy.lib.stride_tricks import as_strided

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
# The data-only stand-ins for torch's globals, shared with the checkpoint parity reference.
from inference_checkpoint import DTYPES, DataOnlyUnpickler  # noqa: E402


def read_state_dict(path):
    z = zipfile.ZipFile(path)
    pkl = [n for n in z.namelist() if n.endswith("/data.pkl") and n.count("/") == 1][0]
    folder = pkl.split("/")[0]
    storages = {}

    class Unpickler(DataOnlyUnpickler):
        def persistent_load(self, pid):
            return pid[1:]  # (type, key, location, numel): read lazily, state_dict only

    root = Unpickler(z.open(pkl)).load()
    out = collections.OrderedDict()
    for k, t in root["state_dict"].items():
        stype, key, _loc, numel = t.storage
        if key not in storages:
            storages[key] = np.frombuffer(z.read(f"{folder}/data/{key}"), dtype=DTYPES[stype.name], count=numel)
        s = storages[key]
        arr = as_strided(s[t.offset:], shape=t.size, strides=tuple(x * s.itemsize for x in t.stride))
        out[k] = np.ascontiguousarray(arr, dtype=np.float32) if s.dtype.kind == "f" else np.array(arr)
    return out


t0 = time.perf_counter()
sd = read_state_dict(sys.argv[1])
seconds = time.perf_counter() - t0
params = sum(int(a.size) for k, a in sd.items() if "running_" not in k and "num_batches" not in k)
print(json.dumps({"seconds": seconds, "max_rss_bytes": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024,
                  "tensors": len(sd), "parameters": params}))
