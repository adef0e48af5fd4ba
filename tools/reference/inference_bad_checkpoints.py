"""Makes deliberately broken copies of a torch zip checkpoint, without torch, for robustness tests.

Reads SRC with Python's pickle (fake `torch` storage classes and `_rebuild_tensor_v2`), edits the
state_dict, pickles it again (protocol 2, storages as persistent ids, like torch.save) and writes
a zip with the original storages. Prints JSON {name: path} for:
- missing_key:    state_dict without KEY_TO_DROP;
- wrong_shape:    KEY_TO_RESHAPE viewed with half its input channels (a valid view, wrong shape);
- unknown_opcode: the original data.pkl with byte 0xff inserted after the PROTO header;
- extra_key:      state_dict with an extra tensor 'model.extra.weight'.

Usage: inference_bad_checkpoints.py SRC OUT_DIR
"""
import collections
import json
import os
import pickle
import sys
import types
import zipfile

KEY_TO_DROP = "model._layers.1.block2.bn1.running_var"
KEY_TO_RESHAPE = "model._layers.0.block2.conv1.weight"

torch_mod = types.ModuleType("torch")
utils_mod = types.ModuleType("torch._utils")
torch_mod._utils = utils_mod
sys.modules["torch"] = torch_mod
sys.modules["torch._utils"] = utils_mod

STORAGE_NAMES = ["FloatStorage", "DoubleStorage", "HalfStorage", "LongStorage", "IntStorage", "ByteStorage", "BoolStorage"]
for name in STORAGE_NAMES:
    cls = type(name, (), {"__module__": "torch"})
    setattr(torch_mod, name, cls)


class Storage:
    def __init__(self, stype, key, location, numel):
        self.stype, self.key, self.location, self.numel = stype, key, location, numel


class Tensor:
    def __init__(self, storage, offset, size, stride, requires_grad=False, hooks=None, *rest):
        self.storage, self.offset, self.size, self.stride = storage, offset, tuple(size), tuple(stride)
        self.requires_grad = requires_grad

    def __reduce__(self):
        return (_rebuild_tensor_v2, (self.storage, self.offset, self.size, self.stride, self.requires_grad, collections.OrderedDict()))


def _rebuild_tensor_v2(*args):
    return Tensor(*args)


_rebuild_tensor_v2.__module__ = "torch._utils"
utils_mod._rebuild_tensor_v2 = _rebuild_tensor_v2


class Unpickler(pickle.Unpickler):
    def find_class(self, module, name):
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return _rebuild_tensor_v2
        if module == "torch" and name in STORAGE_NAMES:
            return getattr(torch_mod, name)
        if (module, name) == ("collections", "OrderedDict"):
            return collections.OrderedDict
        raise pickle.UnpicklingError(f"unexpected global {module}.{name}")

    def persistent_load(self, pid):
        _, stype, key, location, numel = pid
        return Storage(stype, key, location, numel)


class Pickler(pickle.Pickler):
    def persistent_id(self, obj):
        if isinstance(obj, Storage):
            return ("storage", obj.stype, obj.key, obj.location, obj.numel)
        return None


def write_zip(src_zip, folder, out_path, data_pkl):
    with zipfile.ZipFile(out_path, "w", compression=zipfile.ZIP_STORED) as out:
        for info in src_zip.infolist():
            payload = data_pkl if info.filename == f"{folder}/data.pkl" else src_zip.read(info.filename)
            out.writestr(info.filename, payload)


def main():
    src, out_dir = sys.argv[1], sys.argv[2]
    z = zipfile.ZipFile(src)
    pkl_name = [n for n in z.namelist() if n.endswith("/data.pkl")][0]
    folder = pkl_name.split("/")[0]
    original = z.read(pkl_name)
    result = {}

    def variant(name, edit):
        root = Unpickler(z.open(pkl_name)).load()
        edit(root["state_dict"])
        import io
        buf = io.BytesIO()
        Pickler(buf, protocol=2).dump(root)
        path = os.path.join(out_dir, f"{name}.ckpt")
        write_zip(z, folder, path, buf.getvalue())
        result[name] = path

    variant("missing_key", lambda sd: sd.pop(KEY_TO_DROP))

    def reshape(sd):
        t = sd[KEY_TO_RESHAPE]
        size = list(t.size)
        size[1] //= 2
        t.size = tuple(size)
    variant("wrong_shape", reshape)

    def extra(sd):
        sd["model.extra.weight"] = sd["model.output_layer.bias"]
    variant("extra_key", extra)

    path = os.path.join(out_dir, "unknown_opcode.ckpt")
    write_zip(z, folder, path, original[:2] + b"\xff" + original[2:])
    result["unknown_opcode"] = path
    print(json.dumps(result))


main()
