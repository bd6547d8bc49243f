// `import GreenNN` is enough: it brings the tensor core with it.
@_exported import GreenTensor
