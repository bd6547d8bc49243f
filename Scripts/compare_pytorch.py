#!/usr/bin/env python3
"""Puts GreenNN's measurements beside PyTorch's, measured on the same machine.

Inputs:
- PyTorch: the JSON that ../shared/peers/bench_infer.py writes (results/infer_<tag>.json), run
  on this machine in a scratch virtualenv (never a dependency of the package).
- GreenNN: one or more `greenbench run ... --format json` outputs (models) and
  `greenbench blocks --format json` outputs (blocks).

Prints Markdown tables: per (model or block, input, threads) the two medians and the ratio
PyTorch / GreenNN (above 1: GreenNN is faster).

Usage: compare_pytorch.py TORCH_JSON [--run RUN_JSON ...] [--blocks BLOCKS_JSON ...]
"""
import argparse
import json


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("torch")
    parser.add_argument("--run", nargs="*", default=[])
    parser.add_argument("--blocks", nargs="*", default=[])
    arguments = parser.parse_args()
    torch = {}
    for row in json.load(open(arguments.torch))["results"]:
        name = row["name"].replace("squeezenet1_", "squeezenet1.")
        torch[(name, tuple(row["shape"]), row["threads"])] = row["median_ms"]

    ours = {}
    for path in arguments.run:
        for model in json.load(open(path))["models"]:
            key = (model["model"], model["batch"], model["threads"])
            ours.setdefault(key, []).append(model["medianMs"])
    if ours:
        print("| model | batch | threads | PyTorch ms | GreenNN ms | PyTorch / GreenNN |")
        print("|---|---:|---:|---:|---:|---:|")
        for (name, batch, threads), values in sorted(ours.items(), key=lambda item: (item[0][2], item[0][0], item[0][1])):
            mine = sorted(values)[len(values) // 2]
            reference = next((ms for (n, shape, t), ms in torch.items() if n == name and shape[0] == batch and t == threads), None)
            if reference is None:
                continue
            print(f"| {name} | {batch} | {threads} | {reference:.3f} | {mine:.3f} | {reference / mine:.2f} |")
        print()

    blocks = {}
    for path in arguments.blocks:
        for row in json.load(open(path)):
            key = (row["block"], tuple(row["input"]), row["threads"])
            blocks.setdefault(key, []).append(row["medianMs"])
    if blocks:
        print("| block | input | threads | PyTorch ms | GreenNN ms | PyTorch / GreenNN |")
        print("|---|---|---:|---:|---:|---:|")
        for (name, shape, threads), values in sorted(blocks.items(), key=lambda item: (item[0][2], item[0][1], item[0][0])):
            reference = torch.get((name, shape, threads))
            if reference is None:
                continue
            mine = sorted(values)[len(values) // 2]
            print(f"| {name} | {'x'.join(map(str, shape))} | {threads} | {reference:.3f} | {mine:.3f} | {reference / mine:.2f} |")


if __name__ == "__main__":
    main()
