"""Writes the ONNX import fixtures under Tests/Fixtures/ONNX.

For each case it builds a small PyTorch model (the peers' LeNet-5, torchvision's residual and
inverted-residual blocks, SqueezeNet's Fire, a MobileNet-v1 stack, an operator sampler and a
graph that keeps its BatchNormalization node), draws random weights (BatchNorm statistics and
affine parameters too, so that the exporter's folding of BatchNorm into the convolution is
exercised), exports it with PyTorch's TorchScript exporter in eval mode, runs a fixed random input
through ONNX Runtime (CPU, graph optimisations off) and writes

    <case>.onnx                 the exported model, weights as initializers
    <case>-io.safetensors       "input" (NCHW) and ONNX Runtime's "output", both F32

The Swift tests import each model and match the output within 1e-4 relative error. Run by hand
from the project root in a scratch virtualenv that has torch, torchvision, onnx and onnxruntime
(never a dependency of the package or its tests); the peers' models are read from
../shared/peers/models.py:

    python Scripts/make_onnx_fixtures.py

It prints each case's op types and file sizes, and the total, which must stay under 2 MB.
"""

import collections
import os
import sys
import warnings

import onnx
import onnxruntime as ort
import torch
from torch import nn
from torchvision.models.mobilenetv2 import InvertedResidual
from torchvision.models.resnet import BasicBlock
from torchvision.models.squeezenet import Fire

from make_fixtures import write_safetensors

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
FIXTURES = os.path.join(ROOT, "Tests", "Fixtures", "ONNX")
sys.path.insert(0, os.path.join(ROOT, "..", "shared", "peers"))
import models as peers  # noqa: E402

MAX_TOTAL_BYTES = 2_000_000
# torch.onnx.export(dynamo=False) warns that the TorchScript exporter is deprecated (it is the
# one that folds BatchNorm and emits the plain graphs wanted here), and that it stops at opset 20:
# at 21 it stamps the model 21 with opset-20 ops, which the ops used here are in both.
warnings.filterwarnings("ignore", category=DeprecationWarning)
warnings.filterwarnings("ignore", message="Exporting to ONNX opset version 21")


def randomize_batch_norms(model):
    """Gives every BatchNorm statistics and affine parameters far from the identity."""
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            with torch.no_grad():
                module.running_mean.normal_(0, 0.1)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.uniform_(0.5, 1.5)
                module.bias.normal_(0, 0.1)


def export(model, sample, path, opset, **options):
    """Exports `model` in eval mode with the TorchScript exporter (BatchNorm folded unless `options` say otherwise)."""
    model.eval()
    torch.onnx.export(model, (sample,), path, opset_version=opset, dynamo=False, input_names=["input"],
                      output_names=["output"], **options)


def run_ort(path, sample):
    """ONNX Runtime's first output for `sample` (a tensor) as the model's one input.

    On the CPU, with every graph optimisation off, so that ORT runs the graph as written.
    """
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_DISABLE_ALL
    session = ort.InferenceSession(path, options, providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: sample.numpy()})[0]


def op_counts(path):
    """How many nodes of each op type the model's graph holds."""
    return collections.Counter(node.op_type for node in onnx.load(path, load_external_data=False).graph.node)


def conv_bn(inputs, outputs, kernel, stride, padding, activation, groups=1):
    return nn.Sequential(nn.Conv2d(inputs, outputs, kernel, stride, padding, groups=groups, bias=False),
                         nn.BatchNorm2d(outputs), activation())


def basic_block():
    """A stem, torchvision's BasicBlock with an identity shortcut, then one with a strided projection."""
    downsample = nn.Sequential(nn.Conv2d(8, 16, 1, 2, bias=False), nn.BatchNorm2d(16))
    return nn.Sequential(conv_bn(3, 8, 3, 1, 1, nn.ReLU), BasicBlock(8, 8), BasicBlock(8, 16, 2, downsample),
                         nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(16, 10))


def inverted_residual():
    """MobileNetV2 in small: torchvision's InvertedResidual with and without its residual add, ReLU6 as Clip."""
    return nn.Sequential(conv_bn(3, 16, 3, 2, 1, nn.ReLU6), InvertedResidual(16, 16, 1, 6),
                         InvertedResidual(16, 24, 2, 6), InvertedResidual(24, 24, 1, 6),
                         conv_bn(24, 32, 1, 1, 0, nn.ReLU6), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2),
                         nn.Linear(32, 10))


def fire():
    """SqueezeNet in small: an unpadded stem, a ceil_mode max pool, two of torchvision's Fire modules."""
    return nn.Sequential(nn.Conv2d(3, 16, 3, 2), nn.ReLU(), nn.MaxPool2d(3, 2, ceil_mode=True), Fire(16, 4, 8, 8),
                         Fire(16, 4, 8, 8), nn.Conv2d(16, 10, 1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten())


def depthwise_separable():
    """MobileNet v1 in small: two depthwise-separable blocks, then a 4x4 average pool (not global) to 32x2x2."""
    def block(inputs, outputs, stride):
        return nn.Sequential(conv_bn(inputs, inputs, 3, stride, 1, nn.ReLU, groups=inputs),
                             conv_bn(inputs, outputs, 1, 1, 0, nn.ReLU))
    return nn.Sequential(conv_bn(3, 8, 3, 2, 1, nn.ReLU), block(8, 16, 1), block(16, 32, 2), nn.AvgPool2d(4),
                         nn.Flatten(), nn.Linear(128, 10))


class MatMulLinear(nn.Module):
    """A linear layer written as `x @ w + b` with w [in, out]: exports as MatMul then Add, not Gemm."""

    def __init__(self, inputs, outputs):
        super().__init__()
        self.w = nn.Parameter(torch.randn(inputs, outputs) / inputs ** 0.5)
        self.b = nn.Parameter(torch.randn(outputs) * 0.1)

    def forward(self, x):
        return x @ self.w + self.b


class Operators(nn.Module):
    """The ops the other cases miss: a grouped (not depthwise) conv, padded max and average pools
    (the latter without counting the padding), Reshape by a constant shape, MatMul + Add, Softmax.

    The grouped conv's bias is a copy of the first conv's, so the exporter stores it once and
    emits an Identity node aliasing that initializer (as it does for any two equal parameters).
    """

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1)
        self.grouped = nn.Conv2d(8, 8, 3, padding=1, groups=2)
        with torch.no_grad():
            self.grouped.bias.copy_(self.conv.bias)
        self.max_pool = nn.MaxPool2d(3, 2, 1)
        self.average_pool = nn.AvgPool2d(3, 2, 1, count_include_pad=False)
        self.linear = MatMulLinear(72, 10)

    def forward(self, x):
        x = torch.relu(self.grouped(torch.relu(self.conv(x))))
        x = self.average_pool(self.max_pool(x))
        # view(-1, 72) exports as Reshape by the constant [-1, 72]; x.reshape(x.shape[0], -1)
        # would bake the export's batch into the constant ([2, -1]).
        return torch.softmax(self.linear(x.view(-1, 72)), 1)


def batchnorm():
    return nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU(), nn.AdaptiveAvgPool2d(1),
                         nn.Flatten(), nn.Linear(8, 10))


# name -> (builder, input shape, opset, extra export options)
CASES = {
    "lenet5": (peers.lenet5, (2, 1, 28, 28), 17, {}),
    "basic-block": (basic_block, (2, 3, 16, 16), 17, {}),
    "inverted-residual": (inverted_residual, (2, 3, 32, 32), 17, {}),
    # 34x34, not 32x32: the stem gives 16x16, where ceil_mode pools to 8x8 instead of 7x7.
    "fire": (fire, (2, 3, 34, 34), 13, {}),
    "depthwise-separable": (depthwise_separable, (2, 3, 32, 32), 21, {}),
    "operators": (Operators, (2, 3, 12, 12), 17, {}),
    # Without constant folding the exporter keeps BatchNormalization as its own node.
    "batchnorm": (batchnorm, (2, 3, 8, 8), 15, {"do_constant_folding": False}),
}


def write_case(name, model, sample, opset, options):
    """Exports `model`, runs ONNX Runtime on `sample`, writes both files; returns their total size."""
    path = os.path.join(FIXTURES, f"{name}.onnx")
    export(model, sample, path, opset, **options)
    onnx.checker.check_model(path, full_check=True)
    output = run_ort(path, sample)
    with torch.no_grad():
        expected = model(sample)
    difference = (torch.from_numpy(output) - expected).abs().max() / expected.abs().max()
    io_path = os.path.join(FIXTURES, f"{name}-io.safetensors")
    write_safetensors({"input": sample, "output": torch.from_numpy(output)}, io_path)
    counts = op_counts(path)
    sizes = os.path.getsize(path), os.path.getsize(io_path)
    print(f"{name}: opset {opset}, input {list(sample.shape)} -> output {list(output.shape)}, "
          f"ORT vs PyTorch {difference:.1e}; {sizes[0]:,} + {sizes[1]:,} bytes")
    print(f"  {dict(counts.most_common())}")
    return counts, sum(sizes)


def main():
    torch.manual_seed(20261129)
    os.makedirs(FIXTURES, exist_ok=True)
    total = 0
    for name, (build, shape, opset, options) in CASES.items():
        model = build()
        randomize_batch_norms(model)
        model.eval()
        sample = torch.randn(*shape)
        counts, size = write_case(name, model, sample, opset, options)
        total += size
        if name == "batchnorm" and counts["BatchNormalization"] != 1:
            raise SystemExit("batchnorm: the exporter folded the BatchNormalization node")
        if name == "lenet5":
            _, size = write_case("lenet5-opset11", model, sample[:1], 11, {})
            total += size
    print(f"total {total:,} bytes")
    if total > MAX_TOTAL_BYTES:
        raise SystemExit(f"the fixtures take {total:,} bytes, over {MAX_TOTAL_BYTES:,}")


if __name__ == "__main__":
    main()
