// `import GreenModels` brings GreenNN (and GreenTensor) with it.
@_exported import GreenNN
