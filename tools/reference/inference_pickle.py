"""Reference for Seahorse's data-only pickle reader.

Writes the same Python object with every pickle protocol (0 to 5) into OUT_DIR, plus a pickle
whose REDUCE names os.system (it must stay inert), and prints JSON:
{"files": {"0": path, ...}, "expected": <tagged encoding>, "evil": path, "evil_global": [module, name]}.

Tagged encoding (so tuples, lists, dicts, sets, bytes and big ints stay distinguishable):
{"t": "none"|"bool"|"int"|"float"|"str"|"bytes"|"list"|"tuple"|"dict"|"set", "v": ...};
ints are decimal strings, floats are numbers or "inf"/"-inf"/"nan", bytes are hex,
dicts are [[key, value], ...] in order, sets are sorted by their JSON text.

Usage: inference_pickle.py OUT_DIR
"""
import collections
import json
import math
import os
import pickle
import sys


def enc(v):
    if v is None:
        return {"t": "none"}
    if isinstance(v, bool):
        return {"t": "bool", "v": v}
    if isinstance(v, int):
        return {"t": "int", "v": str(v)}
    if isinstance(v, float):
        if math.isnan(v):
            return {"t": "float", "v": "nan"}
        if math.isinf(v):
            return {"t": "float", "v": "inf" if v > 0 else "-inf"}
        return {"t": "float", "v": v}
    if isinstance(v, str):
        return {"t": "str", "v": v}
    if isinstance(v, (bytes, bytearray)):
        return {"t": "bytes", "v": bytes(v).hex()}
    if isinstance(v, list):
        return {"t": "list", "v": [enc(x) for x in v]}
    if isinstance(v, tuple):
        return {"t": "tuple", "v": [enc(x) for x in v]}
    if isinstance(v, dict):
        return {"t": "dict", "v": [[enc(k), enc(x)] for k, x in v.items()]}
    if isinstance(v, (set, frozenset)):
        items = [enc(x) for x in v]
        return {"t": "set", "v": sorted(items, key=lambda e: json.dumps(e, sort_keys=True))}
    raise TypeError(type(v))


class Evil:
    def __reduce__(self):
        return (os.system, ("echo this must never run",))


def main():
    out = sys.argv[1]
    shared = [7, 8]
    obj = {
        "ints": [0, 1, -1, 255, 256, 65535, 65536, -2**31, 2**31 - 1, 2**31, 2**53, 2**62, -2**63, 2**64 + 5, -(2**100)],
        "floats": [0.0, 1.5, -2.25, 1e-300, 3.141592653589793, float("inf"), float("-inf")],
        "strs": ["", "a", "ünïcødé ✓ \\u1234 \n", "x" * 300],
        "bytes": b"\x00\x01\xffabc",
        "tuples": [(), (1,), (1, 2), (1, 2, 3), (1, 2, 3, 4)],
        "nested": {"a": {"b": [1, {"c": None}]}},
        "bools": [True, False, None],
        "shared": [shared, shared],
        "od": collections.OrderedDict([("x", 1), ("y", (2.5, "z"))]),
        "set": {1, 2, 3},
        "frozenset": frozenset({4}),
        1: "int key",
    }
    files = {}
    for proto in range(0, 6):
        path = os.path.join(out, f"proto{proto}.pkl")
        with open(path, "wb") as f:
            pickle.dump(obj, f, protocol=proto)
        files[str(proto)] = path
    evil = os.path.join(out, "evil.pkl")
    with open(evil, "wb") as f:
        pickle.dump({"payload": Evil()}, f, protocol=2)
    print(json.dumps({"files": files, "expected": enc(obj), "evil": evil,
                      "evil_global": [os.system.__module__, os.system.__name__]}))


main()
