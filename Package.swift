// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "dvae",
    platforms: [.macOS(.v13)],
    products: [
        .library(name: "DVAE", targets: ["DVAE"]),
        .library(name: "DVAEExperiments", targets: ["DVAEExperiments"]),
        .library(name: "DVAEScript", targets: ["DVAEScript"]),
        .executable(name: "dvae", targets: ["dvae"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // Markdown → HTML for the prose of rendered notebooks, and a typed HTML DSL for the page.
        .package(url: "https://github.com/JohnSundell/Ink", from: "0.6.0"),
        .package(url: "https://github.com/JohnSundell/Plot", from: "0.14.0"),
        // HMAC-SHA256 signing of Jupyter messages (`dvae kernel`).
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        // System libraries (apt: libopenblas-dev, libreadline-dev, zlib1g-dev, libzmq3-dev).
        .systemLibrary(name: "CBLAS", path: "Sources/CBLAS", pkgConfig: "openblas",
                       providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CReadline", path: "Sources/CReadline",
                       providers: [.apt(["libreadline-dev"])]),
        .systemLibrary(name: "CZlib", path: "Sources/CZlib",
                       providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CZMQ", path: "Sources/CZMQ",
                       providers: [.apt(["libzmq3-dev"])]),

        // The engine: tensors, layers, models, objectives, training, data, checkpoints.
        // Plain -O (not -Ounchecked): the engine's preconditions must trap, not corrupt memory;
        // measured cost on `dvae bench` about 2 %.
        .target(name: "DVAE", dependencies: ["CBLAS", "CKernels", "CZlib"]),
        // C kernels: CPUID feature detection, and the element-wise loops of the training step
        // compiled for AVX-512, AVX2+FMA and baseline x86-64, dispatched at run time.
        .target(name: "CKernels"),
        // Orchestration, not mathematics: table cells, the result cache, cell summaries.
        .target(name: "DVAEExperiments", dependencies: ["DVAE"]),
        // Pictures and notebooks: PNG/SVG/terminal rendering, Markdown notebook reading and writing.
        // The HTML page of a notebook (`dvae run --html`) uses Ink (prose) and Plot (the page);
        // DVAE gives safe file reading and the memory budget (pictures are measured too).
        .target(name: "DVAENotebook", dependencies: [
            "DVAE", "CZlib",
            .product(name: "Ink", package: "Ink"),
            .product(name: "Plot", package: "Plot"),
        ]),
        // The language: lexer, parser, interpreter bound to the engine.
        .target(name: "DVAEScript", dependencies: ["DVAE", "DVAEExperiments", "DVAENotebook"]),
        // The Jupyter kernel: wire format and signing, ZeroMQ sockets, message handlers, the
        // kernelspec, and Markdown ↔ .ipynb conversion.
        .target(name: "DVAEKernel", dependencies: [
            "DVAEScript", "DVAENotebook", "CZMQ",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The executable: REPL, `dvae run`, `dvae kernel`, `dvae convert`, `dvae bench`.
        .executableTarget(name: "dvae", dependencies: [
            "DVAE", "DVAEExperiments", "DVAEScript", "DVAENotebook", "DVAEKernel", "CReadline",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),

        .testTarget(name: "DVAETests", dependencies: ["DVAE", "CKernels", "CZlib"]),
        .testTarget(name: "DVAEExperimentsTests", dependencies: ["DVAEExperiments", "DVAE"]),
        .testTarget(name: "DVAENotebookTests", dependencies: ["DVAENotebook", "DVAE"]),
        .testTarget(name: "DVAEScriptTests", dependencies: ["DVAEScript", "DVAE"]),
        .testTarget(name: "DVAEKernelTests", dependencies: ["DVAEKernel", "DVAENotebook"]),
        .testTarget(name: "dvaeTests", dependencies: ["dvae"]),
    ]
)
