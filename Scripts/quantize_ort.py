#!/usr/bin/env python3
"""GreenNN's int8 post-training quantization against ONNX Runtime's, same models and weights, one run.

For each model, `greenbench quantize` quantizes it and times its float and int8 plans, and
`greenbench export` writes the same float weights as ONNX (opset 17); ONNX Runtime then runs
that file in float (all graph optimisations) and, after `quant_pre_process` and
`quantize_static` (QDQ, per-channel QInt8 weights, QUInt8 activations, MinMax or Percentile
calibration), in int8. Both sides calibrate on the same data:

- lenet5 is trained by `greenbench quantize --data DIR --epochs E` on MNIST (and Fashion-MNIST
  with --fashion) and its weights saved; calibration uses the first N training images,
  standardised as GreenNN does ((pixel/255 - 0.1307)/0.3081 for both data sets), accuracy the
  10,000 test images, and int8 top-1 agreement is measured against each runtime's own float
  model on the test images.
- vgg16-cifar (batch 32) and mobilenet-v1 (batch 1) keep the zoo's seed-0 random weights and
  calibrate on uniform [-1, 1) inputs: greenbench draws its own, this script draws the same
  number from numpy (the same distribution, not the same tensors); agreement and logit cosine
  are over 64 such inputs.

Latency is the median of repeated runs at the model's batch (warm-up, then at least --runs
runs and 1 s); ORT's is timed from Python around `session.run`, so it includes the call's
overhead (a few microseconds, which matters only for lenet5 at batch 1). With --rounds R each
case runs R times in turn (both runtimes each round) and every latency is the lowest of its R
medians, best against best as ../shared/peers/race.py compares (these machines drift within a
minute); the int8 ratio of each round is printed below the table. Weight bytes are
greenbench's own figure for GreenNN and, for ORT, the sum of the ONNX file's initializer bytes
(the float file as exported; the int8 file with its int8 weights, scales, zero points and int32
biases, after quant_pre_process has folded what it folds). The last column is ORT int8 median /
GreenNN int8 median (above 1: GreenNN faster).

Run from the project root after `swift build -c release --product greenbench`, with a Python
that has numpy, onnx and onnxruntime (a scratch virtualenv, never a dependency):
    python Scripts/quantize_ort.py [--greenbench PATH] [--mnist DIR] [--fashion DIR] [--epochs E]
        [--calibrate N] [--method minmax|percentile|percentile:P] [--models A,B,...] [--runs N]
        [--rounds R] [--threads N]
"""
import argparse
import contextlib
import gzip
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402
import onnx  # noqa: E402
import onnxruntime as ort  # noqa: E402
from onnx import numpy_helper  # noqa: E402
from onnxruntime.quantization import (  # noqa: E402
    CalibrationDataReader, CalibrationMethod, QuantFormat, QuantType, quantize_static)
from onnxruntime.quantization.shape_inference import quant_pre_process  # noqa: E402

# Zoo name -> (image shape, latency batch). lenet5 trains on MNIST; the others keep random weights.
MODELS = {
    "lenet5": ((1, 28, 28), 1),
    "vgg16-cifar": ((3, 32, 32), 32),
    "mobilenet-v1": ((3, 224, 224), 1),
}
RANDOM_CALIBRATION = 64  # images for the random-weight models, as the brief's greenbench runs use
RANDOM_AGREEMENT = 64  # random inputs for agreement and cosine, as greenbench uses
MEAN, STD = 0.1307, 0.3081  # GreenNN's MNIST.standardised, for MNIST and Fashion-MNIST alike
CPU_FLAGS = ["avx2", "avx512f", "avx512_vnni", "avx_vnni"]


def method_argument(text):
    """minmax, percentile (99.99, greenbench's default) or percentile:P -> (text, ORT method, percentile)."""
    if text == "minmax":
        return text, CalibrationMethod.MinMax, None
    if text == "percentile":
        return text, CalibrationMethod.Percentile, 99.99
    if text.startswith("percentile:"):
        try:
            value = float(text.split(":", 1)[1])
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a percentile: {text}")
        if not 0 < value <= 100:
            raise argparse.ArgumentTypeError(f"percentile must be in (0, 100]: {text}")
        return text, CalibrationMethod.Percentile, value
    raise argparse.ArgumentTypeError(f"minmax, percentile or percentile:P, not {text}")


def cpu_info():
    """The host's CPU model name and which of CPU_FLAGS it has, from /proc/cpuinfo."""
    name, flags = "unknown", set()
    try:
        with open("/proc/cpuinfo") as file:
            for line in file:
                key, _, value = line.partition(":")
                if key.strip() == "model name" and name == "unknown":
                    name = value.strip()
                elif key.strip() == "flags" and not flags:
                    flags = set(value.split())
    except OSError:
        pass
    return name, {flag: flag in flags for flag in CPU_FLAGS}


def read_idx(path):
    """A gzipped (or plain) IDX file as a numpy uint8 array of its declared shape."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as file:
        data = file.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i:8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * dims).reshape(shape)


def idx_file(folder, name):
    for candidate in [os.path.join(folder, name + ".gz"), os.path.join(folder, name)]:
        if os.path.exists(candidate):
            return candidate
    raise FileNotFoundError(f"no {name}[.gz] in {folder}")


def load_mnist(folder, split, count=None):
    """The first `count` images of a split, standardised as GreenNN does, [N, 1, 28, 28], and labels."""
    images = read_idx(idx_file(folder, f"{split}-images-idx3-ubyte"))[:count]
    labels = read_idx(idx_file(folder, f"{split}-labels-idx1-ubyte"))[:count]
    images = ((images.astype(np.float32) / 255 - np.float32(MEAN)) / np.float32(STD)).astype(np.float32)
    return images[:, None, :, :], labels.astype(np.int64)


def greenbench(binary, *arguments):
    """Runs greenbench, returns its parsed JSON (stderr shown only when it fails)."""
    result = subprocess.run([binary, *arguments], capture_output=True, text=True)
    if result.returncode != 0:
        lines = (result.stderr or result.stdout).strip().splitlines() or ["(no output)"]
        raise RuntimeError(f"greenbench {arguments[0]} exited with {result.returncode}: {lines[-1]}")
    return json.loads(result.stdout) if "json" in arguments else result.stdout


class Batches(CalibrationDataReader):
    """Feeds `images` to ORT's calibrator in batches."""

    def __init__(self, images, batch):
        self.chunks = iter([images[i:i + batch] for i in range(0, len(images), batch)])

    def get_next(self):
        chunk = next(self.chunks, None)
        return None if chunk is None else {"input": chunk}


def session(path, threads):
    options = ort.SessionOptions()
    options.intra_op_num_threads, options.inter_op_num_threads = threads, 1
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    return ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])


def median_ms(run, min_runs, min_seconds=1.0):
    """Median milliseconds of `run` after 3 warm-up calls, over at least min_runs calls and min_seconds."""
    for _ in range(3):
        run()
    start, times = time.perf_counter(), []
    while len(times) < min_runs or time.perf_counter() - start < min_seconds:
        began = time.perf_counter()
        run()
        times.append(time.perf_counter() - began)
    return statistics.median(times) * 1e3


def logits(sess, images, batch=500):
    name = sess.get_inputs()[0].name
    return np.concatenate([sess.run(None, {name: images[i:i + batch]})[0] for i in range(0, len(images), batch)])


def mean_cosine(a, b):
    """The mean over images of the cosine between two logit vectors (greenbench's logitCosine)."""
    a, b = a.astype(np.float64), b.astype(np.float64)
    norms = np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)
    return float(np.mean(np.sum(a * b, axis=1) / np.where(norms == 0, 1, norms)))


def initializer_bytes(path):
    """Sum of the raw bytes of the file's initializers (each tensor's element count x element size)."""
    return sum(numpy_helper.to_array(tensor).nbytes for tensor in onnx.load(path).graph.initializer)


def ort_quantize(float_path, int8_path, calibration, method, scratch):
    """quant_pre_process, then quantize_static (QDQ, per-channel); returns a note on the pre-processing."""
    _, calibrate_method, percentile = method
    source, note = float_path, "pre-processed"
    prepared = os.path.join(scratch, "prepared.onnx")
    try:
        quant_pre_process(float_path, prepared, skip_symbolic_shape=False)
        source = prepared
    except Exception as error:  # the quantizer can still run on the file as exported
        note = f"quant_pre_process failed ({type(error).__name__}), quantized as exported"
    extra = {"CalibPercentile": percentile} if percentile is not None else {}
    batch = 64 if calibration.shape[-1] <= 32 else 8
    with contextlib.redirect_stdout(sys.stderr):  # the histogram calibrators print their progress
        quantize_static(
            source, int8_path, Batches(calibration, batch), quant_format=QuantFormat.QDQ, per_channel=True,
            activation_type=QuantType.QUInt8, weight_type=QuantType.QInt8, calibrate_method=calibrate_method,
            extra_options=extra)
    return note


def ort_rows(model, float_path, calibration, evaluation, labels, batch, arguments, scratch):
    """ORT's float and int8 rows (dicts), or the int8 row with an error."""
    threads, runs = arguments.threads, arguments.runs
    sample = np.random.default_rng(2).uniform(-1, 1, (batch, *MODELS[model][0])).astype(np.float32)
    float_session = session(float_path, threads)
    float_logits = logits(float_session, evaluation)
    ordered = np.sort(float_logits, axis=1)
    rows = [{
        "spread": float(float_logits.std(axis=0).max()), "margin": float(np.median(ordered[:, -1] - ordered[:, -2])),
        "accuracy": None if labels is None else float(np.mean(float_logits.argmax(1) == labels)),
        "agreement": 1.0, "cosine": 1.0, "bytes": initializer_bytes(float_path),
        "ms": median_ms(lambda: float_session.run(None, {"input": sample}), runs)}]
    int8_path = os.path.join(scratch, model + ".int8.onnx")
    try:
        note = ort_quantize(float_path, int8_path, calibration, arguments.method, scratch)
        int8_session = session(int8_path, threads)
    except Exception as error:
        message = " ".join(str(error).split())[:160]
        rows.append({"error": f"quantize_static failed: {type(error).__name__}: {message}"})
        return rows
    int8_logits = logits(int8_session, evaluation)
    rows.append({
        "accuracy": None if labels is None else float(np.mean(int8_logits.argmax(1) == labels)),
        "agreement": float(np.mean(int8_logits.argmax(1) == float_logits.argmax(1))),
        "cosine": mean_cosine(int8_logits, float_logits), "bytes": initializer_bytes(int8_path),
        "ms": median_ms(lambda: int8_session.run(None, {"input": sample}), runs), "note": note})
    return rows


def greenbench_rows(report):
    return [{
        "accuracy": row["testAccuracy"], "agreement": row["top1Agreement"], "cosine": row["logitCosine"],
        "bytes": row["weightBytes"], "ms": row["medianSeconds"] * 1e3} for row in report["rows"]]


def run_case(label, model, data, arguments, binary, scratch):
    """(label, batch, GreenNN rows, ORT rows, greenbench report) for one model (on one data set)."""
    batch = MODELS[model][1]
    common = ["--latency-batch", str(batch), "--runs", str(arguments.runs), "--threads", str(arguments.threads),
              "--method", arguments.method[0], "--format", "json"]
    onnx_path = os.path.join(scratch, label.replace(" ", "_") + ".onnx")
    if data:
        weights = os.path.join(scratch, label.replace(" ", "_") + ".safetensors")
        report = greenbench(binary, "quantize", model, "--data", data, "--epochs", str(arguments.epochs),
                            "--calibrate", str(arguments.calibrate), "--save-weights", weights, *common)
        greenbench(binary, "export", model, "--weights", weights, "--onnx", onnx_path)
        calibration, _ = load_mnist(data, "train", arguments.calibrate)
        evaluation, labels = load_mnist(data, "t10k")
    else:
        report = greenbench(binary, "quantize", model, "--calibrate", str(RANDOM_CALIBRATION), *common)
        greenbench(binary, "export", model, "--onnx", onnx_path)
        shape = MODELS[model][0]
        calibration = np.random.default_rng(0).uniform(-1, 1, (RANDOM_CALIBRATION, *shape)).astype(np.float32)
        evaluation = np.random.default_rng(1).uniform(-1, 1, (RANDOM_AGREEMENT, *shape)).astype(np.float32)
        labels = None
    return label, batch, greenbench_rows(report), ort_rows(
        model, onnx_path, calibration, evaluation, labels, batch, arguments, scratch), report


def round_ratio(case):
    """ORT int8 median / GreenNN int8 median of one round, or None when either is missing."""
    ours, theirs = case[2][1].get("ms"), case[3][1].get("ms")
    return theirs / ours if ours and theirs else None


def best_of(rounds):
    """The first round's case with every latency replaced by its lowest median over the rounds."""
    label, batch, ours, theirs, report = rounds[0]
    def fastest(side, index):
        times = [case[side][index]["ms"] for case in rounds if "ms" in case[side][index]]
        return min(times) if times else None
    ours = [dict(row, ms=fastest(2, index)) if "ms" in row else row for index, row in enumerate(ours)]
    theirs = [dict(row, ms=fastest(3, index)) if "ms" in row else row for index, row in enumerate(theirs)]
    return label, batch, ours, theirs, report


def milliseconds(value):
    return f"{value:.3f}" if value >= 1 else f"{value:.4f}"


def percent(value):
    return "n/a" if value is None else f"{100 * value:.2f}"


def print_table(cases):
    print("| model | batch | runtime | precision | test acc % | top-1 agree % | logit cos | weight bytes | median ms "
          "| int8 speed-up x | GreenNN int8 vs ORT int8 |")
    print("|---|---:|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for label, batch, ours, theirs, _ in cases:
        ours_int8 = ours[1]["ms"]
        theirs_int8 = theirs[1].get("ms")
        for runtime, rows in [("GreenNN", ours), ("ONNX Runtime", theirs)]:
            for precision, row in zip(["float32", "int8"], rows):
                if "error" in row:
                    print(f"| {label} | {batch} | {runtime} | {precision} | {row['error']} | | | | | | |")
                    continue
                speedup = f"{rows[0]['ms'] / row['ms']:.2f}" if precision == "int8" else ""
                versus = ""
                if precision == "int8" and theirs_int8 is not None:
                    versus = f"{theirs_int8 / ours_int8:.2f}"
                print(f"| {label} | {batch} | {runtime} | {precision} | {percent(row['accuracy'])} | "
                      f"{percent(row['agreement'])} | {row['cosine']:.5f} | {row['bytes']:,} | {milliseconds(row['ms'])} | "
                      f"{speedup} | {versus} |")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--greenbench", default=".build/release/greenbench", help="the greenbench binary")
    parser.add_argument("--mnist", default="../shared/data/mnist", help="MNIST IDX folder (for lenet5)")
    parser.add_argument("--fashion", help="Fashion-MNIST IDX folder: also run lenet5 on it")
    parser.add_argument("--epochs", type=int, default=2, help="lenet5's training epochs (default 2)")
    parser.add_argument("--calibrate", type=int, default=512, help="lenet5's calibration images (default 512)")
    parser.add_argument("--method", type=method_argument, default="minmax",
                        help="minmax (default), percentile (99.99) or percentile:P, on both sides")
    parser.add_argument("--models", default=",".join(MODELS), help="comma-separated (default: all three)")
    parser.add_argument("--runs", type=int, default=20, help="timed runs at least (and 1 s) per measurement")
    parser.add_argument("--rounds", type=int, default=1,
                        help="run each case this many times in turn and keep each latency's lowest median")
    parser.add_argument("--threads", type=int, default=1)
    arguments = parser.parse_args()
    if arguments.rounds < 1:
        parser.error("--rounds must be at least 1")
    binary = os.path.abspath(arguments.greenbench)
    if not os.access(binary, os.X_OK):
        parser.error(f"{binary} is not an executable (swift build -c release --product greenbench)")
    models = [name.strip() for name in arguments.models.split(",") if name.strip()]
    unknown = [name for name in models if name not in MODELS]
    if unknown:
        parser.error(f"unknown model(s) {', '.join(unknown)}; choose from {', '.join(MODELS)}")

    name, flags = cpu_info()
    print(f"CPU: {name}; " + ", ".join(f"{flag} {'yes' if have else 'no'}" for flag, have in flags.items()))
    print(f"ONNX Runtime {ort.__version__}, onnx {onnx.__version__}; method {arguments.method[0]}; "
          f"threads {arguments.threads}", flush=True)
    cases, ratios = [], []
    with tempfile.TemporaryDirectory() as scratch:
        for model in models:
            datasets = [("", None)]
            if model == "lenet5":
                datasets = [("mnist", arguments.mnist)] + ([("fashion", arguments.fashion)] if arguments.fashion else [])
            for tag, data in datasets:
                label = f"{model} ({tag})" if tag else model
                rounds = []
                for round_index in range(arguments.rounds):
                    print(f"running {label} (round {round_index + 1}) ...", file=sys.stderr, flush=True)
                    rounds.append(run_case(label, model, data, arguments, binary, scratch))
                cases.append(best_of(rounds))
                ratios.append((label, [round_ratio(case) for case in rounds]))
    print(f"greenbench int8InstructionSet: {cases[0][4].get('int8InstructionSet', 'unknown')}" if cases else "")
    print()
    print_table(cases)
    notes = {row.get("note") for case in cases for row in case[3][1:] if row.get("note")}
    print()
    if arguments.rounds > 1:
        for label, values in ratios:
            shown = ", ".join("n/a" if value is None else f"{value:.2f}" for value in values)
            print(f"Rounds: {label} ORT int8 / GreenNN int8 median, round by round: {shown}")
        print()
    for label, _, _, theirs, _ in cases:
        if theirs[0]["spread"] < 1e-4:
            print(f"Note: {label}'s float logits barely depend on the input (largest std of a logit across the "
                  f"inputs {theirs[0]['spread']:.1e}, median top-1/top-2 margin {theirs[0]['margin']:.1e}): with "
                  "random weights every input gets nearly the same logits, so its agreement and cosine say little "
                  "(int8 can flip the one near-tie for all inputs at once); only its latency and bytes compare.")
    print(f"Calibration: lenet5 on the first {arguments.calibrate} training images on both sides (identical "
          f"tensors); vgg16-cifar and mobilenet-v1 on {RANDOM_CALIBRATION} uniform [-1, 1) inputs on each side, "
          f"the same distribution but not the same tensors (agreement and cosine over {RANDOM_AGREEMENT} such "
          "inputs, each runtime's int8 against its own float). ORT weight bytes: sum of initializer bytes in the "
          f"ONNX file (float: as exported; int8: QDQ file, {'; '.join(sorted(notes)) or 'n/a'}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
