#!/usr/bin/env python3
"""greenbench's ONNX import and export, end to end, against ONNX Runtime.

Part "import": the peers' models (../shared/peers/models.py: lenet5, vgg16-cifar, vgg16,
mobilenet-v1, squeezenet1.0, squeezenet1.1) and torchvision's resnet18 and mobilenet_v2, with
random weights and BatchNorm statistics, are exported by PyTorch (opset 17, eval mode) and run by
ONNX Runtime on a seeded random input of batch 1; `greenbench infer FILE.onnx` runs the same file
on the same input.

Part "export": every zoo model (`greenbench models --format json`) is written by
`greenbench export NAME --onnx FILE` with the zoo's seeded weights, checked by onnx's checker
(full check, opset 17), imported again by `greenbench table FILE` (its parameter and MAC totals
must be the zoo model's) and run by ONNX Runtime; `greenbench infer NAME` (the same seeded
weights) runs the same input.

Each pair is compared by the relative error max|greenbench - ORT| / max|ORT|, which must be at
most 1e-4. ONNX Runtime runs on the CPU with every graph optimisation off. One line is printed
per model as it goes, then a table; the exit status is 1 when any model fails. The VGG models at
224x224 take a while (about 530 MB of weights each).

Run from the project root after `swift build -c release --product greenbench`, with a Python
that has torch, torchvision, onnx and onnxruntime (a scratch virtualenv, never a dependency):

    python Scripts/check_onnx.py [--greenbench PATH] [--only NAME ...] [--skip-import] [--skip-export] [--markdown]
"""

import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile

import numpy as np
import onnx
import torch
import torchvision

from make_fixtures import write_safetensors
from make_onnx_fixtures import export, op_counts, peers, randomize_batch_norms, run_ort

OPSET = 17
TOLERANCE = 1e-4
# Zoo name -> (builder of the PyTorch model, image shape); weights are random, BatchNorm's too.
IMPORT_MODELS = {
    "lenet5": (peers.lenet5, (1, 28, 28)),
    "vgg16-cifar": (peers.vgg16_cifar, (3, 32, 32)),
    "vgg16": (peers.vgg16, (3, 224, 224)),
    "mobilenet-v1": (peers.mobilenet_v1, (3, 224, 224)),
    "squeezenet1.0": (peers.squeezenet1_0, (3, 224, 224)),
    "squeezenet1.1": (peers.squeezenet1_1, (3, 224, 224)),
    "resnet18": (torchvision.models.resnet18, (3, 224, 224)),
    "mobilenet-v2": (torchvision.models.mobilenet_v2, (3, 224, 224)),
}


class CheckError(Exception):
    """A model that failed before its outputs could be compared."""


def read_safetensors(path):
    """The F32 tensors of a safetensors file, name -> numpy array (its "__metadata__" skipped)."""
    with open(path, "rb") as file:
        (length,) = struct.unpack("<Q", file.read(8))
        header = json.loads(file.read(length))
        data = file.read()
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        if entry["dtype"] != "F32":
            raise CheckError(f"{path}: tensor {name} is {entry['dtype']}, not F32")
        start, end = entry["data_offsets"]
        tensors[name] = np.frombuffer(data[start:end], dtype="<f4").reshape(entry["shape"])
    return tensors


def greenbench(binary, *arguments):
    """Runs greenbench; its standard output, or CheckError with the last line it wrote to stderr."""
    result = subprocess.run([binary, *arguments], capture_output=True, text=True)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["(no output)"]
        raise CheckError(f"greenbench {arguments[0]} exited with {result.returncode}: {lines[-1]}")
    return result.stdout


def totals(binary, model):
    """(parameters, MACs) of `greenbench table MODEL` (a zoo name or a file)."""
    table = json.loads(greenbench(binary, "table", model, "--format", "json"))
    return table["total"]["parameters"], table["total"]["macs"]


def zoo_models(binary):
    """Every zoo model's name and image shape, in greenbench's listing order."""
    return [(row["model"], tuple(row["input"])) for row in json.loads(greenbench(binary, "models", "--format", "json"))]


def compare(model_path, sample, infer_arguments, binary, scratch):
    """Runs ORT and `greenbench infer` on `sample`; returns the ORT op counts and the relative error."""
    expected = run_ort(model_path, sample)
    input_path, output_path = os.path.join(scratch, "input.safetensors"), os.path.join(scratch, "output.safetensors")
    write_safetensors({"input": sample}, input_path)
    greenbench(binary, "infer", *infer_arguments, "--input", input_path, "--output", output_path)
    outputs = read_safetensors(output_path)
    if "output" not in outputs:
        raise CheckError(f"greenbench wrote no tensor named output (only {', '.join(outputs) or 'none'})")
    actual = outputs["output"]
    if actual.shape != expected.shape:
        raise CheckError(f"greenbench's output is {list(actual.shape)}, ORT's {list(expected.shape)}")
    return op_counts(model_path), float(np.abs(actual - expected).max() / np.abs(expected).max())


def check_import(name, binary, scratch):
    """Part "import": PyTorch exports the model, ORT and `greenbench infer FILE.onnx` run it."""
    build, image = IMPORT_MODELS[name]
    torch.manual_seed(0)
    model = build()
    randomize_batch_norms(model)
    model.eval()
    sample = torch.randn(1, *image)
    path = os.path.join(scratch, "model.onnx")
    export(model, sample, path, OPSET)
    return compare(path, sample, [path], binary, scratch)


def check_export(name, image, binary, scratch):
    """Part "export": `greenbench export` writes the model, onnx checks it, ORT and `greenbench infer NAME` run it."""
    path = os.path.join(scratch, "model.onnx")
    greenbench(binary, "export", name, "--onnx", path)
    try:
        onnx.checker.check_model(path, full_check=True)
    except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as error:
        raise CheckError(f"onnx checker: {str(error).strip().splitlines()[0]}")
    opsets = {entry.domain: entry.version for entry in onnx.load(path, load_external_data=False).opset_import}
    if opsets.get("", opsets.get("ai.onnx")) != OPSET:
        raise CheckError(f"opset imports {opsets}, not ai.onnx {OPSET}")
    zoo, imported = (totals(binary, model) for model in (name, path))
    if zoo != imported:
        raise CheckError(f"imported again the file has params and MACs {imported}, the zoo model {zoo}")
    torch.manual_seed(0)
    return compare(path, torch.randn(1, *image), [name], binary, scratch)


def summary(counts, limit=4):
    """The most frequent op types first, as in "Relu 14, Conv 13, MaxPool 5, Gemm 2, +1 more"."""
    common = counts.most_common()
    text = ", ".join(f"{op} {count}" for op, count in common[:limit])
    return text + (f", +{len(common) - limit} more" if len(common) > limit else "")


def print_table(rows, markdown):
    headers = ["model", "part", "input", "ORT ops", "rel err", "result"]
    if markdown:
        print("| " + " | ".join(headers) + " |")
        print("|---|---|---|---|---:|---|")
        for row in rows:
            print("| " + " | ".join(row) + " |")
        return
    widths = [max(len(row[column]) for row in [headers, *rows]) for column in range(len(headers))]
    for row in [headers, ["-" * width for width in widths], *rows]:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths)).rstrip())


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--greenbench", default=".build/release/greenbench", help="the greenbench binary")
    parser.add_argument("--only", nargs="+", metavar="NAME", help="check only these models")
    parser.add_argument("--skip-import", action="store_true", help="leave out part import")
    parser.add_argument("--skip-export", action="store_true", help="leave out part export")
    parser.add_argument("--markdown", action="store_true", help="print the table in Markdown")
    arguments = parser.parse_args()
    binary = os.path.abspath(arguments.greenbench)
    if not os.access(binary, os.X_OK):
        parser.error(f"{binary} is not an executable (swift build -c release --product greenbench)")

    cases = []
    if not arguments.skip_import:
        cases += [(name, "import", image) for name, (_, image) in IMPORT_MODELS.items()]
    if not arguments.skip_export:
        cases += [(name, "export", image) for name, image in zoo_models(binary)]
    if arguments.only:
        unknown = set(arguments.only) - {name for name, _, _ in cases}
        if unknown:
            parser.error(f"no such model in the parts being run: {', '.join(sorted(unknown))}")
        cases = [case for case in cases if case[0] in arguments.only]

    rows, failures = [], 0
    with tempfile.TemporaryDirectory() as scratch:
        for name, part, image in cases:
            ops, error = "", ""
            try:
                if part == "import":
                    counts, error = check_import(name, binary, scratch)
                else:
                    counts, error = check_export(name, image, binary, scratch)
                ops = summary(counts)
                result = "ok" if error <= TOLERANCE else f"FAIL: above {TOLERANCE:.0e}"
                error = f"{error:.1e}"
            except CheckError as failure:
                result = f"FAIL: {failure}"
            except Exception as failure:  # ORT or onnx rejecting greenbench's file, say: fail this model, go on
                lines = str(failure).strip().splitlines() or [""]
                result = f"FAIL: {type(failure).__name__}: {lines[0]}"
            failures += result != "ok"
            shape = "x".join(map(str, (1, *image)))
            print(f"{name} ({part}, {shape}): {result}" + (f", rel err {error}" if error else ""), flush=True)
            rows.append([name, part, shape, ops, error or "--", result])
    print()
    print_table(rows, arguments.markdown)
    print(f"\n{len(rows) - failures} of {len(rows)} passed")
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
