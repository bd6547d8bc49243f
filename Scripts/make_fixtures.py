"""Writes the PyTorch cross-check fixtures under Tests/Fixtures.

For each case it builds the PyTorch twin of a GreenNN model or block (same structure, same
state_dict names), draws random weights (BatchNorm statistics and affine parameters too),
runs a fixed random input in eval mode, and writes two safetensors files:

    <case>-weights.safetensors   the state_dict, as PyTorch holds it (F32, BatchNorm's I64 counter)
    <case>-io.safetensors        "input" and PyTorch's "output"

The Swift tests (Tests/GreenNNTests/IO/PyTorchFixtureTests.swift) build the GreenNN twin, load
the weights strictly, and match the output within 1e-4 relative error. Run by hand in a scratch
virtualenv; PyTorch is never a dependency of the package or its tests:

    python3 -m venv /tmp/torchenv && /tmp/torchenv/bin/pip install torch==2.13.0+cpu
    /tmp/torchenv/bin/python Scripts/make_fixtures.py

With torchvision installed it also writes torchvision-state-dicts.json: the state_dict names and
shapes of torchvision's vgg11/13/16/19, squeezenet1_0/1_1, resnet18 and mobilenet_v2, which the zoo's models must match
so that a torchvision state_dict loads into them as is.

The safetensors files are written by the small writer below (the format is an 8-byte header
length, a JSON header and raw little-endian data), so the fixtures do not depend on the
safetensors package either.
"""

import json
import os
import struct

import torch
from torch import nn

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Fixtures")
DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def write_safetensors(tensors, path):
    """Writes `tensors` (name -> tensor) in the safetensors format, names sorted."""
    header, chunks, offset = {}, [], 0
    for name in sorted(tensors):
        tensor = tensors[name].detach().contiguous().cpu()
        data = tensor.numpy().tobytes()
        header[name] = {"dtype": DTYPES[tensor.dtype], "shape": list(tensor.shape),
                        "data_offsets": [offset, offset + len(data)]}
        chunks.append(data)
        offset += len(data)
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as file:
        file.write(struct.pack("<Q", len(encoded)) + encoded + b"".join(chunks))


class DepthwiseSeparable(nn.Module):
    """GreenNN's DepthwiseSeparableConv2d with batchNorm and ReLU (MobileNet v1's block)."""

    def __init__(self, inputs, outputs, stride):
        super().__init__()
        self.depthwise = nn.Conv2d(inputs, inputs, 3, stride, 1, groups=inputs, bias=False)
        self.depthwiseNorm = nn.BatchNorm2d(inputs)
        self.depthwiseActivation = nn.ReLU()
        self.pointwise = nn.Conv2d(inputs, outputs, 1, bias=False)
        self.pointwiseNorm = nn.BatchNorm2d(outputs)
        self.pointwiseActivation = nn.ReLU()

    def forward(self, x):
        x = self.depthwiseActivation(self.depthwiseNorm(self.depthwise(x)))
        return self.pointwiseActivation(self.pointwiseNorm(self.pointwise(x)))


class Fire(nn.Module):
    """torchvision's SqueezeNet Fire module (GreenNN's Fire uses the same names)."""

    def __init__(self, inputs, squeeze, expand1x1, expand3x3):
        super().__init__()
        self.squeeze = nn.Conv2d(inputs, squeeze, 1)
        self.squeeze_activation = nn.ReLU()
        self.expand1x1 = nn.Conv2d(squeeze, expand1x1, 1)
        self.expand1x1_activation = nn.ReLU()
        self.expand3x3 = nn.Conv2d(squeeze, expand3x3, 3, padding=1)
        self.expand3x3_activation = nn.ReLU()

    def forward(self, x):
        x = self.squeeze_activation(self.squeeze(x))
        return torch.cat([self.expand1x1_activation(self.expand1x1(x)),
                          self.expand3x3_activation(self.expand3x3(x))], 1)


class Flattened(nn.Module):
    """Jin et al.'s flattened conv: 1x1 across channels, then depthwise kx1 and 1xk."""

    def __init__(self, inputs, outputs, kernel, stride, padding):
        super().__init__()
        self.lateral = nn.Conv2d(inputs, outputs, 1)
        self.vertical = nn.Conv2d(outputs, outputs, (kernel, 1), (stride, 1), (padding, 0), groups=outputs)
        self.horizontal = nn.Conv2d(outputs, outputs, (1, kernel), (1, stride), (0, padding), groups=outputs)

    def forward(self, x):
        return self.horizontal(self.vertical(self.lateral(x)))


class LowRank(nn.Module):
    """GreenNN's LowRankLinear: down (in -> r, no bias), then up (r -> out)."""

    def __init__(self, inputs, outputs, rank):
        super().__init__()
        self.down = nn.Linear(inputs, rank, bias=False)
        self.up = nn.Linear(rank, outputs)

    def forward(self, x):
        return self.up(self.down(x))


def lenet5():
    return nn.Sequential(
        nn.Conv2d(1, 6, 5, padding=2), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))


def mobilenet_v1_head():
    """mobilenet-v1's stem and first three depthwise-separable blocks (its features.0 to 3)."""
    stem = nn.Sequential(nn.Conv2d(3, 32, 3, 2, 1, bias=False), nn.BatchNorm2d(32), nn.ReLU())
    return nn.Sequential(stem, DepthwiseSeparable(32, 64, 1), DepthwiseSeparable(64, 128, 2),
                         DepthwiseSeparable(128, 128, 1))


def basic_block():
    """torchvision's ResNet BasicBlock, 16 -> 32 channels at stride 2 with its downsample projection."""
    from torchvision.models.resnet import BasicBlock
    downsample = nn.Sequential(nn.Conv2d(16, 32, 1, 2, bias=False), nn.BatchNorm2d(32))
    return BasicBlock(16, 32, stride=2, downsample=downsample)


def inverted_residual():
    """torchvision's MobileNetV2 InvertedResidual, 16 -> 16 channels, stride 1, expansion 6 (residual)."""
    from torchvision.models.mobilenetv2 import InvertedResidual
    return InvertedResidual(16, 16, 1, 6)


CASES = {
    "lenet5": (lenet5, (2, 1, 28, 28)),
    "depthwise-separable": (lambda: DepthwiseSeparable(16, 32, 2), (2, 16, 15, 15)),
    "fire": (lambda: Fire(32, 8, 16, 16), (2, 32, 13, 13)),
    "flattened": (lambda: Flattened(8, 16, 3, 1, 1), (2, 8, 12, 12)),
    "low-rank-linear": (lambda: LowRank(64, 48, 8), (4, 64)),
    "mobilenet-v1-head": (mobilenet_v1_head, (2, 3, 32, 32)),
    # These two need torchvision (their classes are torchvision's own); last, so the cases
    # before them draw the same random numbers with or without it.
    "basic-block": (basic_block, (2, 16, 12, 12)),
    "inverted-residual": (inverted_residual, (2, 16, 9, 9)),
}


def randomize_batch_norms(model):
    """Gives every BatchNorm statistics and affine parameters far from the identity."""
    for module in model.modules():
        if isinstance(module, nn.BatchNorm2d):
            with torch.no_grad():
                module.running_mean.uniform_(-0.5, 0.5)
                module.running_var.uniform_(0.5, 1.5)
                module.weight.uniform_(0.5, 1.5)
                module.bias.uniform_(-0.5, 0.5)
                module.num_batches_tracked.fill_(100)


def write_torchvision_manifest():
    """Names and shapes of torchvision's VGG, SqueezeNet, ResNet-18 and MobileNetV2 state_dicts, for the zoo to match."""
    try:
        import torchvision
    except ImportError:
        print("torchvision is not installed: torchvision-state-dicts.json left as it is")
        return
    models = {"vgg11": "vgg11", "vgg13": "vgg13", "vgg16": "vgg16", "vgg19": "vgg19",
              "squeezenet1.0": "squeezenet1_0", "squeezenet1.1": "squeezenet1_1",
              "resnet18": "resnet18", "mobilenet-v2": "mobilenet_v2"}
    manifest = {
        zoo_name: {name: list(tensor.shape) for name, tensor in getattr(torchvision.models, builder)().state_dict().items()}
        for zoo_name, builder in models.items()
    }
    with open(os.path.join(FIXTURES, "torchvision-state-dicts.json"), "w") as file:
        json.dump(manifest, file, indent=1, sort_keys=True)
        file.write("\n")
    print(f"torchvision {torchvision.__version__}: state_dict names and shapes of {', '.join(models)}")


def main():
    torch.manual_seed(20261126)
    os.makedirs(FIXTURES, exist_ok=True)
    for name, (build, shape) in CASES.items():
        try:
            model = build()
        except ImportError:
            print(f"{name}: torchvision is not installed, fixture left as it is")
            continue
        randomize_batch_norms(model)
        model.eval()
        sample = torch.randn(*shape)
        with torch.no_grad():
            output = model(sample)
        write_safetensors(model.state_dict(), os.path.join(FIXTURES, f"{name}-weights.safetensors"))
        write_safetensors({"input": sample, "output": output}, os.path.join(FIXTURES, f"{name}-io.safetensors"))
        print(f"{name}: input {list(shape)} -> output {list(output.shape)}")
    write_torchvision_manifest()


if __name__ == "__main__":
    main()
