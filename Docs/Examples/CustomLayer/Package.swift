// swift-tools-version:6.0
// A layer written outside GreenNN, adopting its public Layer and cost protocols.
import PackageDescription

let package = Package(
    name: "CustomLayer",
    dependencies: [.package(name: "GreenNN", path: "../../..")],
    targets: [
        .executableTarget(name: "CustomLayer", dependencies: [.product(name: "GreenNN", package: "GreenNN")])
    ]
)
