// swift-tools-version:6.0
// A consumer of GreenNN, depending on it by path exactly as a user's package would.
import PackageDescription

let package = Package(
    name: "QuickStart",
    dependencies: [.package(name: "GreenNN", path: "../../..")],
    targets: [
        .executableTarget(
            name: "QuickStart",
            dependencies: [
                .product(name: "GreenNN", package: "GreenNN"),
                .product(name: "GreenModels", package: "GreenNN"),
            ]
        )
    ]
)
