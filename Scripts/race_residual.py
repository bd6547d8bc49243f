#!/usr/bin/env python3
"""ResNet-18 and MobileNetV2 at batch 1: ONNX Runtime against greenbench, taking turns.

The residual networks are not among ../shared/peers/race.py's models yet, so this script races
them the same way: torchvision's model exported to ONNX (opset 17) and run by ONNX Runtime with
all graph optimisations, then `greenbench run MODEL` (an inference plan), ORT again, greenbench
again, ORT once more; the ratio is the best ORT median over the best GreenNN median (above 1.00:
GreenNN faster). PyTorch eager (1 thread) is the floor. Weights are random; speed does not
depend on them.

Run from the project root after `swift build -c release --product greenbench`, with a Python
that has torch, torchvision and onnxruntime (a scratch virtualenv, never a dependency):
    python Scripts/race_residual.py
"""
import io
import json
import os
import statistics
import subprocess
import time

os.environ["OMP_NUM_THREADS"] = "1"
import onnxruntime as ort  # noqa: E402
import torch  # noqa: E402
import torchvision  # noqa: E402

torch.set_num_threads(1)


def median_ms(run, min_seconds=1.5, min_runs=20):
    for _ in range(3):
        run()
    start, times = time.perf_counter(), []
    while len(times) < min_runs or time.perf_counter() - start < min_seconds:
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1e3


def main():
    print("| case | threads | ORT best ms | GreenNN best ms | PyTorch eager ms (1 thread) | ORT / GreenNN |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, builder in [("resnet18", "resnet18"), ("mobilenet-v2", "mobilenet_v2")]:
        for threads in [1, 2]:
            torch.manual_seed(0)
            model = getattr(torchvision.models, builder)().eval()
            sample = torch.randn(1, 3, 224, 224)
            exported = io.BytesIO()
            torch.onnx.export(model, (sample,), exported, opset_version=17, dynamo=False, input_names=["input"])
            options = ort.SessionOptions()
            options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
            options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            session = ort.InferenceSession(exported.getvalue(), options, providers=["CPUExecutionProvider"])
            feed = {"input": sample.numpy()}
            ort_ms, ours_ms = [median_ms(lambda: session.run(None, feed))], []
            for _ in range(2):
                out = subprocess.run(
                    [".build/release/greenbench", "run", name, "--threads", str(threads), "--runs", "20", "--format",
                     "json"], capture_output=True, text=True, check=True)
                ours_ms.append(json.loads(out.stdout)["models"][0]["medianMs"])
                ort_ms.append(median_ms(lambda: session.run(None, feed)))
            with torch.no_grad():
                eager_ms = median_ms(lambda: model(sample))
            print(f"| {name}-b1 | {threads} | {min(ort_ms):.3f} | {min(ours_ms):.3f} | {eager_ms:.3f} | "
                  f"{min(ort_ms) / min(ours_ms):.2f} |", flush=True)


if __name__ == "__main__":
    main()
