"""Writes the fuzzers' seed corpus (Fuzz/Corpus/<harness>/) and the hand-made hostile inputs
that the regression tests replay (Tests/Fixtures/Fuzz/<harness>/). Every file is small and
written the same way each run (gzip with mtime 0), so rerunning leaves git clean.

    python3 Fuzz/make_corpus.py

The IDX seeds hold the first images and labels of MNIST's test set when ../shared/data/mnist
(beside the repository) has them, and a ramp of pixels otherwise. The full LeNet-5 state dict
(Tests/Fixtures/lenet5-weights.safetensors, 247 KB) is not copied here: Scripts/fuzz.sh adds it
to the scratch corpus of FuzzStateDict at run time.
"""

import gzip
import json
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CORPUS = os.path.join(ROOT, "Fuzz", "Corpus")
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "Fuzz")
MNIST = os.path.join(ROOT, "..", "shared", "data", "mnist")
SIZES = {"F32": 4, "F16": 2, "BF16": 2, "I64": 8, "I32": 4}


def write(folder, name, data):
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, name), "wb") as file:
        file.write(data)


def safetensors(entries, metadata=None):
    """entries: (name, dtype, shape, raw little-endian bytes); names in the given order."""
    header, data = {}, b""
    if metadata:
        header["__metadata__"] = metadata
    for name, dtype, shape, raw in entries:
        header[name] = {"dtype": dtype, "shape": shape, "data_offsets": [len(data), len(data) + len(raw)]}
        data += raw
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + data


def floats(values):
    return struct.pack("<%df" % len(values), *values)


def idx(magic, sizes, values):
    return struct.pack(">I", magic) + b"".join(struct.pack(">I", size) for size in sizes) + bytes(values)


def gz(data):
    return gzip.compress(data, compresslevel=9, mtime=0)


def mnist(name, count):
    """The first `count` values of an MNIST test file, or None when the files are absent."""
    path = os.path.join(MNIST, name)
    if not os.path.exists(path):
        return None
    with gzip.open(path, "rb") as file:
        content = file.read()
    start = 16 if name.startswith("t10k-images") else 8
    return list(content[start : start + count])


def main():
    ramp = [(7 * i) % 256 for i in range(2 * 28 * 28)]
    pixels = mnist("t10k-images-idx3-ubyte.gz", 2 * 28 * 28) or ramp
    labels = mnist("t10k-labels-idx1-ubyte.gz", 16) or [7, 2, 1, 0, 4, 1, 4, 9, 5, 9, 0, 6, 9, 0, 1, 5]
    labels_file = idx(0x801, [len(labels)], labels)
    images_file = idx(0x803, [2, 28, 28], pixels)
    small_images = idx(0x803, [3, 2, 2], range(12))

    folder = os.path.join(CORPUS, "FuzzSafeTensors")
    write(folder, "empty-header.safetensors", safetensors([]))
    write(folder, "one-f32.safetensors", safetensors([("weight", "F32", [2, 3], floats([1, -2, 0.5, 0, 3e38, -1e-38]))]))
    write(
        folder,
        "mixed-dtypes.safetensors",
        safetensors(
            [
                ("a.bf16", "BF16", [2], b"\x80\x3f\x00\xc0"),
                ("b.f16", "F16", [2], b"\x00\x3c\x00\x7c"),
                ("c.i64", "I64", [1], struct.pack("<q", -5)),
                ("d.i32", "I32", [2], struct.pack("<2i", 7, -9)),
                ("e.scalar", "F32", [], floats([4])),
                ("f.empty", "F32", [0, 4], b""),
            ],
            metadata={"format": "pt"},
        ),
    )
    write(folder, "escaped-name.safetensors", safetensors([("poids.\u00e9\"x", "F32", [1], floats([1]))]))

    for harness, gzipped in (("FuzzIDX", False), ("FuzzGzip", True)):
        encode = gz if gzipped else (lambda data: data)
        folder = os.path.join(CORPUS, harness)
        write(folder, "mnist-labels", encode(labels_file))
        write(folder, "mnist-images", encode(images_file))
        write(folder, "small-images", encode(small_images))
    folder = os.path.join(CORPUS, "FuzzGzip")
    write(folder, "two-members", gz(small_images[:7]) + gz(small_images[7:]))
    write(folder, "stored-block", gzip.compress(labels_file, compresslevel=0, mtime=0))

    folder = os.path.join(CORPUS, "FuzzStateDict")
    biases = [("0.bias", 6), ("3.bias", 16), ("7.bias", 120), ("9.bias", 84), ("11.bias", 10)]
    write(
        folder,
        "lenet5-biases.safetensors",
        safetensors([(name, "F32", [count], floats([0.01 * i for i in range(count)])) for name, count in biases]),
    )
    write(
        folder,
        "lenet5-misshaped.safetensors",
        safetensors([("0.weight", "F32", [6, 1, 3, 3], floats([0.1] * 54)), ("0.bias", "F32", [6], floats([0] * 6))]),
    )
    write(folder, "lenet5-unexpected.safetensors", safetensors([("features.0.weight", "F16", [1], b"\x00\x3c")]))

    folder = os.path.join(CORPUS, "FuzzArguments")
    command_lines = {
        "run": ["lenet5", "lenet5-ds", "--batch", "4", "--runs=3", "--layers", "--format", "json"],
        "train": ["--format=csv", "--eager", "--out", "/tmp/report", "vgg16"],
        "bad-integer": ["--batch", "-1", "--runs", "99999999999999999999"],
        "unknown": ["--bogus", "--", "--=", "-x"],
    }
    for name, arguments in command_lines.items():
        write(folder, name, b"\0".join(argument.encode() for argument in arguments))

    # Hand-made hostile inputs; FuzzRegressionTests expects a particular typed error from each.
    write(os.path.join(FIXTURES, "FuzzSafeTensors"), "header-length-2-63.safetensors", struct.pack("<Q", 1 << 63) + b"{}")
    write(
        os.path.join(FIXTURES, "FuzzSafeTensors"),
        "shape-overflow.safetensors",
        safetensors([("huge", "F32", [1 << 62, 4], b"")]),
    )
    lying = bytearray(gz(labels_file))
    lying[-4:] = struct.pack("<I", 1 << 20)  # ISIZE: the content's length mod 2^32, here wrong
    write(os.path.join(FIXTURES, "FuzzGzip"), "lying-trailer.gz", bytes(lying))
    write(os.path.join(FIXTURES, "FuzzIDX"), "dims-overflow", idx(0x803, [0xFFFFFFFF] * 3, [1, 2, 3]))
    write(
        os.path.join(FIXTURES, "FuzzStateDict"),
        "nan-bias.safetensors",
        safetensors([("0.bias", "F32", [6], floats([0, 0, float("nan"), 0, 0, 0]))]),
    )
    write(os.path.join(FIXTURES, "FuzzArguments"), "missing-value", b"lenet5\0--batch")


if __name__ == "__main__":
    main()
