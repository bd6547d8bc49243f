import GreenNN

/// A node being imported, with the opset and the graph's constants at hand, so that every
/// attribute and constant input is read with a typed error naming the node.
struct ImportedNode {
    /// The node.
    let node: NodeProto
    /// The standard operator set's version.
    let opset: Int
    /// Every constant of the graph by value name (initializers and `Constant` outputs).
    let constants: [String: TensorProto]
    /// The batch size the graph's input declares, nil when symbolic.
    let declaredBatch: Int?

    /// The operator.
    var opType: String { node.opType }

    /// An unsupported-attribute error for `attribute` with `value`.
    func unsupported(_ attribute: String, _ value: String) -> ONNXError {
        .unsupportedAttribute(node: node.label, opType: opType, attribute: attribute, value: value, opset: opset)
    }

    /// An unsupported-graph error with `reason`.
    func unsupportedGraph(_ reason: String) -> ONNXError {
        .unsupportedGraph(node: node.label, opType: opType, reason: reason, opset: opset)
    }

    /// An invalid-node error with `reason`.
    func invalid(_ reason: String) -> ONNXError {
        .invalidNode(node: node.label, opType: opType, reason: reason)
    }

    /// The INT attribute `name`, or `fallback` when absent.
    func integer(_ name: String, default fallback: Int) throws(ONNXError) -> Int {
        guard let attribute = node.attributes[name] else { return fallback }
        guard let value = attribute.integer, let result = Int(exactly: value) else {
            throw unsupported(name, "a non-integer value")
        }
        return result
    }

    /// The FLOAT attribute `name`, or `fallback` when absent.
    func float(_ name: String, default fallback: Float) throws(ONNXError) -> Float {
        guard let attribute = node.attributes[name] else { return fallback }
        guard let value = attribute.float else { throw unsupported(name, "a non-float value") }
        return value
    }

    /// The INTS attribute `name` with `count` entries, or nil when absent.
    func integers(_ name: String, count: Int) throws(ONNXError) -> [Int]? {
        guard let attribute = node.attributes[name] else { return nil }
        guard attribute.integers.count == count, attribute.integers.allSatisfy({ Int(exactly: $0) != nil }) else {
            throw unsupported(name, "\(attribute.integers) (expected \(count) values)")
        }
        return attribute.integers.map { Int($0) }
    }

    /// A 2-D window attribute (`strides`, `dilations`) as a size, `fallback` when absent.
    func size(_ name: String, default fallback: Int) throws(ONNXError) -> Size2D {
        guard let values = try integers(name, count: 2) else { return Size2D(fallback) }
        guard values.allSatisfy({ $0 >= 1 }) else { throw unsupported(name, "\(values)") }
        return Size2D(height: values[0], width: values[1])
    }

    /// `pads` ([top, left, bottom, right]) as symmetric padding; `auto_pad` must be NOTSET or VALID.
    /// - Throws: `unsupportedAttribute` for asymmetric or negative padding, or SAME_UPPER / SAME_LOWER.
    func padding() throws(ONNXError) -> Size2D {
        if let autoPad = node.attributes["auto_pad"]?.string, autoPad != "NOTSET" {
            guard autoPad == "VALID" else { throw unsupported("auto_pad", autoPad) }
            return Size2D(0)
        }
        guard let pads = try integers("pads", count: 4) else { return Size2D(0) }
        guard pads[0] == pads[2], pads[1] == pads[3], pads.allSatisfy({ $0 >= 0 }) else {
            throw unsupported("pads", "\(pads) (GreenNN pads both sides of an axis equally)")
        }
        return Size2D(height: pads[0], width: pads[1])
    }

    /// Checks that `kernel_shape`, when given, matches the weight's kernel.
    func checkKernelShape(_ kernel: Size2D) throws(ONNXError) {
        if let shape = try integers("kernel_shape", count: 2), shape != [kernel.height, kernel.width] {
            throw unsupported("kernel_shape", "\(shape) (the weight's kernel is \(kernel))")
        }
    }

    /// `kernel_shape` of a pooling node.
    func kernelSize() throws(ONNXError) -> Size2D {
        guard let shape = try integers("kernel_shape", count: 2) else {
            throw unsupported("kernel_shape", "absent or not 2-D (GreenNN pools over 2-D planes)")
        }
        guard shape.allSatisfy({ $0 >= 1 }) else { throw unsupported("kernel_shape", "\(shape)") }
        return Size2D(height: shape[0], width: shape[1])
    }

    /// The constant at input `index`, nil when the input is omitted.
    /// - Throws: `unsupportedGraph` when the input is computed at run time.
    func constant(_ index: Int) throws(ONNXError) -> TensorProto? {
        guard index < node.inputs.count, !node.inputs[index].isEmpty else { return nil }
        guard let tensor = constants[node.inputs[index]] else {
            throw unsupportedGraph("input \(index) ('\(node.inputs[index])') must be a constant (an initializer)")
        }
        guard !tensor.isExternal else { throw .externalData(tensor: tensor.name) }
        return tensor
    }

    /// The INT64, INT32 or BOOL constant at input `index` (a shape, a flag), nil when omitted.
    /// - Throws: `unsupportedGraph` when computed, `unsupportedDataType` for another type.
    func integers(_ index: Int) throws(ONNXError) -> [Int64]? {
        guard let tensor = try constant(index) else { return nil }
        let types: [TensorProto.DataType] = [.int64, .int32, .bool]
        guard types.map(\.rawValue).contains(tensor.dataType) else {
            throw .unsupportedDataType(tensor: tensor.name, dataType: TensorProto.DataType.name(of: tensor.dataType))
        }
        return tensor.integers
    }

    /// The FLOAT constant at input `index` as a tensor of its own dimensions.
    /// - Throws: `unsupportedGraph` when absent or computed, `unsupportedDataType` when not FLOAT.
    func weight(_ index: Int, _ role: String) throws(ONNXError) -> Tensor {
        guard let tensor = try constant(index) else { throw unsupportedGraph("needs its \(role) (input \(index))") }
        return try floatTensor(tensor)
    }

    /// `tensor` as a GreenNN tensor.
    /// - Throws: `unsupportedDataType` unless FLOAT (or DOUBLE, converted).
    func floatTensor(_ tensor: TensorProto) throws(ONNXError) -> Tensor {
        guard
            tensor.dataType == TensorProto.DataType.float.rawValue
                || tensor.dataType == TensorProto.DataType.double.rawValue
        else {
            throw .unsupportedDataType(tensor: tensor.name, dataType: TensorProto.DataType.name(of: tensor.dataType))
        }
        do {
            return try Tensor(shape: Shape(tensor.dimensions.map { Int($0) }), scalars: tensor.floats)
        } catch {
            throw .invalidTensor(name: tensor.name, reason: "\(error)")
        }
    }

    /// A scalar FLOAT constant at input `index` (Clip's bounds), nil when omitted.
    func scalar(_ index: Int) throws(ONNXError) -> Float? {
        guard let tensor = try constant(index) else { return nil }
        let values = try floatTensor(tensor).scalars
        guard values.count == 1 else { throw unsupported("input \(index)", "a tensor of \(values.count) values") }
        return values[0]
    }

    /// Checks that outputs after the first are absent or unused (`MaxPool`'s indices,
    /// `Dropout`'s mask, `BatchNormalization`'s training statistics).
    func checkSingleOutput(used: (String) -> Bool) throws(ONNXError) {
        for output in node.outputs.dropFirst() where !output.isEmpty && used(output) {
            throw unsupportedGraph("its output '\(output)' is used; GreenNN computes only the first output")
        }
    }

    /// Runs `build` (which makes layers), turning any error but an `ONNXError` into
    /// `invalidNode` naming this node.
    func building<Result>(_ build: () throws -> Result) throws(ONNXError) -> Result {
        do {
            return try build()
        } catch let error as ONNXError {
            throw error
        } catch {
            throw invalid("\(error)")
        }
    }
}
