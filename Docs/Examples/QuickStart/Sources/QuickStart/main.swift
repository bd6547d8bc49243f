// QuickStart: a small network from GreenNN's efficient blocks for 1x28x28 images, its cost
// table, a forward pass on a batch, and the comparison with LeNet-5 from the model zoo.
import GreenModels
import GreenNN

var generator = SeededGenerator(seed: 42)
let model = try Sequential {
    try Conv2d(1, 8, kernelSize: 3, padding: 1, using: &generator)
    ReLU()
    try DepthwiseSeparableConv2d(8, 16, stride: 2, using: &generator)
    ReLU()
    try Fire(16, squeeze: 4, expand1x1: 16, expand3x3: 16, using: &generator)
    GlobalAvgPool2d()
    Flatten()
    try LowRankLinear(32, 10, rank: 8, using: &generator)
}
print(model)
print()

let table = try CostTable(model, input: [1, 1, 28, 28], name: "quickstart")
print(table.rendered(as: .text))
print()

let batch = try Tensor.normal([64, 1, 28, 28], using: &generator)
let logits = try model(batch)
let classes = try logits.softmax(alongAxis: 1).argmax(alongAxis: 1)
print("forward: \(batch.shape) -> \(logits.shape); first predicted classes: \(classes.prefix(8))")
print()

let lenet = try ModelZoo.model(named: "lenet5").cost(for: [1, 1, 28, 28])
let ours = table.total
func ratio(_ a: Int, _ b: Int) -> String {
    let tenths = Int((1000 * Double(a) / Double(b)).rounded())
    return "\(tenths / 10).\(tenths % 10)% of LeNet-5"
}
print(
    "against lenet5: params \(ours.parameters) vs \(lenet.parameters) (\(ratio(ours.parameters, lenet.parameters))), "
        + "MACs \(ours.macs) vs \(lenet.macs) (\(ratio(ours.macs, lenet.macs)))")
