"""Reference for Seahorse's torch checkpoint reader, without torch.

Opens a torch zip checkpoint with Python's zipfile and pickle (a restricted Unpickler that only
builds tensors from storages, like Seahorse's), gathers every tensor's values from its raw storage
with numpy.lib.stride_tricks.as_strided (honouring storage offset and strides), and prints JSON:
{"folder": str, "top_keys": [...], "state_dict_keys": [...],
 "tensors": {path: {"dtype", "shape", "stride", "offset", "contiguous", "sum", "abs_sum", "values"?}}}
where path joins dict keys and list indices with "/" (e.g. "state_dict/model.output_layer.bias"),
sums are float64, non-finite numbers are the strings "inf", "-inf", "nan", and "values" (row-major) is given for tensors of at most 64 elements.

Usage: inference_checkpoint.py CHECKPOINT
"""
import collections
import json
import pickle
import sys
import zipfile

import numpy as np
from numpy.lib.stride_tricks import as_strided

DTYPES = {"FloatStorage": np.float32, "DoubleStorage": np.float64, "HalfStorage": np.float16,
          "LongStorage": np.int64, "IntStorage": np.int32, "ShortStorage": np.int16,
          "CharStorage": np.int8, "ByteStorage": np.uint8, "BoolStorage": np.bool_}


class StorageType:
    def __init__(self, name):
        self.name = name


class Tensor:
    def __init__(self, storage, offset, size, stride, *rest):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)


class Placeholder:
    def __init__(self, *args, **kwargs):
        self.args = args


def num(x):
    """A float for JSON: non-finite values as the strings "inf", "-inf", "nan"."""
    x = float(x)
    if np.isnan(x):
        return "nan"
    if np.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


class DataOnlyUnpickler(pickle.Unpickler):
    """Never imports anything: OrderedDict, tensor rebuilds and storage types become data-only
    stand-ins, every other global an inert Placeholder. Subclasses say how storages are loaded."""

    def find_class(self, module, name):
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        if (module, name) == ("torch._utils", "_rebuild_tensor_v2"):
            return Tensor
        if module == "torch" and name.endswith("Storage"):
            return StorageType(name)
        return Placeholder


def main():
    path = sys.argv[1]
    z = zipfile.ZipFile(path)
    pkl = [n for n in z.namelist() if n.endswith("/data.pkl") and n.count("/") == 1]
    folder = pkl[0].split("/")[0]

    class Unpickler(DataOnlyUnpickler):
        def persistent_load(self, pid):
            _, stype, key, _location, numel = pid
            dtype = DTYPES[stype.name]
            raw = z.read(f"{folder}/data/{key}")
            return np.frombuffer(raw, dtype=dtype, count=numel)

    root = Unpickler(z.open(pkl[0])).load()
    tensors = {}

    def walk(v, p):
        if isinstance(v, Tensor):
            item = v.storage.itemsize
            arr = as_strided(v.storage[v.offset:], shape=v.size, strides=tuple(s * item for s in v.stride))
            arr = np.ascontiguousarray(arr)
            expected, acc = [], 1
            for s in reversed(v.size):
                expected.insert(0, acc)
                acc *= s
            entry = {"dtype": str(arr.dtype), "shape": list(v.size), "stride": list(v.stride), "offset": v.offset,
                     "contiguous": all(sz == 1 or st == e for sz, st, e in zip(v.size, v.stride, expected)),
                     "sum": num(arr.astype(np.float64).sum()), "abs_sum": num(np.abs(arr.astype(np.float64)).sum())}
            if arr.size <= 64:
                entry["values"] = [num(x) for x in arr.ravel()]
            tensors[p] = entry
        elif isinstance(v, dict):
            for k, x in v.items():
                walk(x, f"{p}/{k}" if p else str(k))
        elif isinstance(v, (list, tuple)):
            for i, x in enumerate(v):
                walk(x, f"{p}/{i}" if p else str(i))

    walk(root, "")
    print(json.dumps({"folder": folder, "top_keys": [str(k) for k in root.keys()],
                      "state_dict_keys": list(root["state_dict"].keys()), "tensors": tensors}))


if __name__ == "__main__":
    main()
