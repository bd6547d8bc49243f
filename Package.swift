// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "GreenNN",
    products: [
        .library(name: "GreenTensor", targets: ["GreenTensor"]),
        .executable(name: "greenbench", targets: ["GreenBench"]),
    ],
    targets: [
        .systemLibrary(
            name: "CBLAS",
            path: "Sources/CBLAS",
            pkgConfig: "openblas",
            providers: [.apt(["libopenblas-dev"])]
        ),
        .target(name: "CKernels", path: "Sources/CKernels"),
        .target(name: "GreenTensor", dependencies: ["CBLAS", "CKernels"]),
        .executableTarget(
            name: "GreenBench",
            dependencies: ["GreenTensor", "CBLAS"],
            path: "Benchmarks/GreenBench"
        ),
        .testTarget(name: "GreenTensorTests", dependencies: ["GreenTensor", "CKernels"]),
    ]
)
