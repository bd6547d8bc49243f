"""Writes the fuzzers' seed corpus (Fuzz/Corpus/<harness>/) and the hand-made hostile inputs
that the regression tests replay (Tests/Fixtures/Fuzz/<harness>/). Every file is small and
written the same way each run (gzip with mtime 0), so rerunning leaves git clean.

    python3 Fuzz/make_corpus.py

The IDX seeds hold the first images and labels of MNIST's test set when ../shared/data/mnist
(beside the repository) has them, and a ramp of pixels otherwise. The full LeNet-5 state dict
(Tests/Fixtures/lenet5-weights.safetensors, 247 KB) is not copied here: Scripts/fuzz.sh adds it
to the scratch corpus of FuzzStateDict at run time. The ONNX seeds are copies of the small
models in Tests/Fixtures/ONNX (not LeNet-5's, 248 KB) and hand-made edge files; the hostile ONNX
inputs are written with the few protobuf helpers below, so nothing beyond Python is needed.
"""

import gzip
import json
import os
import struct

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
CORPUS = os.path.join(ROOT, "Fuzz", "Corpus")
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "Fuzz")
MNIST = os.path.join(ROOT, "..", "shared", "data", "mnist")
ONNX_FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "ONNX")
ONNX_SEEDS = ["batchnorm", "operators", "fire", "basic-block", "depthwise-separable"]
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


def varint(value):
    """A protobuf base-128 varint (negative values as their 64-bit two's complement)."""
    value &= (1 << 64) - 1
    out = bytearray()
    while value >= 0x80:
        out.append(value & 0x7F | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


def pb_int(number, value):
    """A varint field."""
    return varint(number << 3) + varint(value)


def pb_bytes(number, payload):
    """A length-delimited field (a str is written as UTF-8)."""
    if isinstance(payload, str):
        payload = payload.encode()
    return varint(number << 3 | 2) + varint(len(payload)) + payload


def onnx_value(name, dims=None):
    """A FLOAT ValueInfoProto, with a shape when `dims` is given."""
    tensor_type = pb_int(1, 1)
    if dims is not None:
        tensor_type += pb_bytes(2, b"".join(pb_bytes(1, pb_int(1, dim)) for dim in dims))
    return pb_bytes(1, name) + pb_bytes(2, pb_bytes(1, tensor_type))


def onnx_node(op, inputs, outputs, name="", attributes=()):
    """A NodeProto; `attributes` are AttributeProto messages."""
    return (
        b"".join(pb_bytes(1, value) for value in inputs)
        + b"".join(pb_bytes(2, value) for value in outputs)
        + (pb_bytes(3, name) if name else b"")
        + pb_bytes(4, op)
        + b"".join(pb_bytes(5, attribute) for attribute in attributes)
    )


def onnx_graph(nodes, inputs, outputs, initializers=()):
    """A GraphProto from NodeProto, ValueInfoProto and TensorProto messages."""
    return (
        b"".join(pb_bytes(1, node) for node in nodes)
        + pb_bytes(2, "graph")
        + b"".join(pb_bytes(5, tensor) for tensor in initializers)
        + b"".join(pb_bytes(11, value) for value in inputs)
        + b"".join(pb_bytes(12, value) for value in outputs)
    )


def onnx_model(graph, opset=17):
    """A ModelProto (IR version 8) importing the standard opset `opset`."""
    return pb_int(1, 8) + pb_bytes(2, "make_corpus.py") + pb_bytes(7, graph) + pb_bytes(8, pb_int(2, opset))


def onnx_fixture(name):
    with open(os.path.join(ONNX_FIXTURES, name + ".onnx"), "rb") as file:
        return file.read()


def onnx_inputs():
    """FuzzONNX's seeds and its hand-made hostile inputs, as two dicts of name to bytes."""
    seeds = {name + ".onnx": onnx_fixture(name) for name in ONNX_SEEDS}
    operators = seeds["operators.onnx"]
    seeds["empty.onnx"] = b""
    seeds["truncated-operators.onnx"] = operators[: len(operators) // 2]
    # ir_version's varint runs on past 64 bits: ten continuation bytes before its last.
    seeds["bad-varint.onnx"] = pb_int(1, 8)[:1] + b"\x80" * 10 + pb_bytes(2, "x")
    relu = onnx_graph([onnx_node("Relu", ["input"], ["output"], "relu")], [onnx_value("input", [1, 1, 2, 2])], [onnx_value("output", [1, 1, 2, 2])])
    seeds["minimal-relu.onnx"] = onnx_model(relu)

    hostile = {}
    batchnorm = onnx_fixture("batchnorm")
    hostile["truncated-batchnorm.onnx"] = batchnorm[: len(batchnorm) // 2]
    # ir_version as an 11-byte varint (the tenth byte may hold only bit 63).
    hostile["varint-11-bytes.onnx"] = pb_int(1, 8)[:1] + b"\xff" * 10 + b"\x01"
    data_in, data_out = [onnx_value("input", [1, 1, 2, 2])], [onnx_value("output")]
    # An initializer's raw_data (field 9) whose length says 2^62 bytes, 4 bytes actually there.
    tensor = pb_bytes(1, varint(1)) + pb_int(2, 1) + pb_bytes(8, "w") + varint(9 << 3 | 2) + varint(1 << 62) + b"\0" * 4
    hostile["length-2-62.onnx"] = onnx_model(onnx_graph([], data_in, data_out, [tensor]))
    # A FLOAT initializer of [2^20, 2^20] (2^40 elements) with 4 bytes of raw_data.
    tensor = pb_bytes(1, varint(1 << 20) * 2) + pb_int(2, 1) + pb_bytes(8, "huge") + pb_bytes(9, b"\0" * 4)
    hostile["dims-2-40.onnx"] = onnx_model(onnx_graph([], data_in, data_out, [tensor]))
    node = onnx_node("Frobnicate", ["input"], ["output"], "frobnicate")
    hostile["unknown-operator.onnx"] = onnx_model(onnx_graph([node], [onnx_value("input", [1, 3, 4, 4])], data_out))
    # A Loop node whose body attribute (a GRAPH, field 6) holds graphs nested until the file is
    # 100 messages deep: graph, node, attribute, graph, ... (the reader skips the body unread).
    depth, body = 4, b""  # the Loop's attribute is message 3, inside model, graph and node
    while depth + 3 <= 100:
        body = onnx_graph([onnx_node("Loop", [], ["y"], attributes=[pb_bytes(1, "body") + pb_bytes(6, body)])], [], [])
        depth += 3
    loop = onnx_node("Loop", ["input"], ["output"], "loop", [pb_bytes(1, "body") + pb_int(20, 5) + pb_bytes(6, body)])
    hostile["nested-100-deep.onnx"] = onnx_model(onnx_graph([loop], [onnx_value("input", [1, 3, 4, 4])], data_out))
    return seeds, hostile


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

    seeds, hostile = onnx_inputs()
    for name, data in seeds.items():
        write(os.path.join(CORPUS, "FuzzONNX"), name, data)
    for name, data in hostile.items():
        write(os.path.join(FIXTURES, "FuzzONNX"), name, data)


if __name__ == "__main__":
    main()
