#!/usr/bin/env python3
"""GreenNN's own variants in ONNX Runtime: does an efficient block pay off there as it does here?

Every model named (default: the vgg16-cifar, resnet18 and mobilenet-v2 families) is written by
`greenbench export` (opset 17, the zoo's seeded weights) and raced at batch 1 the way
Scripts/race_residual.py races: ONNX Runtime (all graph optimisations) and `greenbench run`
taking turns, best median against best median. Each engine's speed-up of a variant over its
baseline is printed beside the MAC ratio, so the table says where a block's MAC saving turns
into time in each engine, and which engine runs the variant faster.

Run from the project root after `swift build -c release --product greenbench`, with a Python
that has onnxruntime and numpy (a scratch virtualenv, never a dependency):
    python Scripts/race_variants.py [--threads N] [MODEL ...]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

from race_residual import median_ms

import onnxruntime as ort  # noqa: E402  (race_residual set OMP_NUM_THREADS first)

GREENBENCH = ".build/release/greenbench"
FAMILIES = ["vgg16-cifar", "resnet18", "mobilenet-v2"]


def zoo():
    """Every zoo entry by name: baseline, input shape and MACs."""
    out = subprocess.run([GREENBENCH, "models", "--format", "json"], capture_output=True, text=True, check=True)
    return {row["model"]: row for row in json.loads(out.stdout)}


def race(name, image, threads, folder):
    """Best ORT and best GreenNN median (ms) for `name`, taking turns."""
    path = os.path.join(folder, name + ".onnx")
    subprocess.run([GREENBENCH, "export", name, "--onnx", path], capture_output=True, text=True, check=True)
    options = ort.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    feed = {"input": np.random.default_rng(0).random((1, *image), dtype=np.float32)}
    ort_ms, ours_ms = [median_ms(lambda: session.run(None, feed))], []
    for _ in range(2):
        out = subprocess.run(
            [GREENBENCH, "run", name, "--threads", str(threads), "--runs", "20", "--format", "json"],
            capture_output=True, text=True, check=True)
        ours_ms.append(json.loads(out.stdout)["models"][0]["medianMs"])
        ort_ms.append(median_ms(lambda: session.run(None, feed)))
    return min(ort_ms), min(ours_ms)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("models", nargs="*")
    arguments = parser.parse_args()
    entries = zoo()
    names = arguments.models or [
        name for name, row in entries.items() if name in FAMILIES or row["baseline"] in FAMILIES]
    print(f"| model | MACs x baseline | ORT ms | GreenNN ms | ORT / GreenNN | ORT speed-up x | GreenNN speed-up x |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    times = {}
    with tempfile.TemporaryDirectory() as folder:
        for name in names:
            row = entries[name]
            baseline = row["baseline"] or name
            if baseline not in times and baseline != name:
                times[baseline] = race(baseline, entries[baseline]["input"], arguments.threads, folder)
            times[name] = race(name, row["input"], arguments.threads, folder)
            (ort_ms, ours_ms), (ort_base, ours_base) = times[name], times[baseline]
            macs = row["macs"] / entries[baseline]["macs"]
            print(f"| {name} | {macs:.3f} | {ort_ms:.3f} | {ours_ms:.3f} | {ort_ms / ours_ms:.2f} | "
                  f"{ort_base / ort_ms:.2f} | {ours_base / ours_ms:.2f} |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
