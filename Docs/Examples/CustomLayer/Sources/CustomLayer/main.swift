// CustomLayer: a layer defined outside the package, composed with library layers in a
// Sequential, shown in the cost table with its parameters and MACs, run inside an inference
// plan, and trained for one step through its backward pass.
import Foundation
import GreenNN

var generator = SeededGenerator(seed: 7)
let model = try Sequential {
    try Conv2d(3, 24, kernelSize: 3, stride: 2, padding: 1, using: &generator)
    ReLU()
    try ShuffledGroupConv(24, 48, groups: 4, using: &generator)
    ReLU()
    try DepthwiseConv2d(48, kernelSize: 3, padding: 1, using: &generator)
    GlobalAvgPool2d()
    Flatten()
    try Linear(48, 10, using: &generator)
}
print(model)
print()
print(try CostTable(model, input: [1, 3, 32, 32], name: "custom-layer").rendered(as: .text))

// The custom layer's own numbers, checked against its closed form.
let shuffle = model.layers[2] as! ShuffledGroupConv
let cost = try shuffle.cost(for: [1, 24, 16, 16])
let expectedMACs = 16 * 16 * 48 * (24 / 4)
let expectedParameters = 48 * 24 / 4 + 48
print(
    "\nShuffledGroupConv: params \(cost.parameters) (expected \(expectedParameters)), MACs \(cost.macs) (expected \(expectedMACs))"
)
guard cost.parameters == expectedParameters, cost.macs == expectedMACs else {
    print("the custom layer's cost does not match its closed form")
    exit(1)
}

// An inference plan: the library layers are planned (fused, in one arena); the custom layer,
// which does not adopt `InferencePlanning`, runs as an opaque step through its own forward.
let input = try Tensor.normal([2, 3, 32, 32], using: &generator)
model.eval()
let plan = try model.inferencePlan(for: input.shape)
print("\n" + plan.description)
let eager = try model(input).scalars
let planned = try plan(input).scalars
let largest = eager.map(abs).max() ?? 1
let difference = zip(eager, planned).map { abs($0 - $1) }.max() ?? 0
print("plan against eager: max |difference| \(difference) (max |output| \(largest))")
guard difference <= 1e-5 * largest, plan.steps.contains(where: { $0.kind == "ShuffledGroupConv" }) else {
    print("the plan does not reproduce the eager forward pass")
    exit(1)
}

// One training step through the custom backward pass.
model.train()
let output = try model(input)
model.zeroGradients()
let gradient = try model.backward(Tensor.ones(output.shape))
print(
    "backward: input gradient \(gradient.shape), conv weight gradient norm² "
        + "\(shuffle.conv.weight.gradient.map { $0 * $0 }.sum())")
