import Foundation
import Testing

#if canImport(FoundationXML)
    import FoundationXML
#endif

/// Runs the built `greenbench` executable (it sits beside the test bundle) and checks what a
/// script would rely on: parseable JSON and CSV, exit status 2 with the valid choices on bad
/// input, `--help` for every command. Timing runs use 1 run and tiny models: claims about
/// speed live in the benchmark output, not in tests.
@Suite struct CommandLineTests {
    struct Result {
        let status: Int32
        let output: String
        let errors: String
    }

    static let executable: URL = {
        let bundle = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        return bundle.appendingPathComponent("greenbench")
    }()

    func greenbench(_ arguments: String...) throws -> Result { try greenbench(arguments) }

    /// Runs greenbench with `arguments` and waits for it.
    func greenbench(_ arguments: [String]) throws -> Result {
        let process = Process()
        process.executableURL = Self.executable
        process.arguments = arguments
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let outputData = output.fileHandleForReading.readDataToEndOfFile()
        let errorData = errors.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, output: String(decoding: outputData, as: UTF8.self),
            errors: String(decoding: errorData, as: UTF8.self))
    }

    func json(_ text: String) throws -> Any {
        try JSONSerialization.jsonObject(with: Data(text.utf8))
    }

    /// Rows of a CSV text (RFC 4180 quoting, no line breaks inside cells), checking every row
    /// has the header's width.
    func csvRows(_ text: String) -> [[String]] {
        let rows = text.split(separator: "\n").map { line in
            var cells = [""]
            var quoted = false
            var previous: Character?
            for character in line {
                switch character {
                case "\"" where quoted: quoted = false
                case "\"":
                    quoted = true
                    if previous == "\"" { cells[cells.count - 1].append("\"") }
                case "," where !quoted: cells.append("")
                default: cells[cells.count - 1].append(character)
                }
                previous = character
            }
            return cells
        }
        for row in rows {
            #expect(row.count == rows[0].count, "row \(row) has \(row.count) cells, header \(rows[0].count)")
        }
        return rows
    }

    @Test func modelsListsEveryModelAsJSON() throws {
        let result = try greenbench("models", "--format", "json")
        #expect(result.status == 0)
        let models = try #require(try json(result.output) as? [[String: Any]])
        let lenet = try #require(models.first { $0["model"] as? String == "lenet5" })
        #expect(lenet["parameters"] as? Int == 61_706)
        #expect(lenet["macs"] as? Int == 416_520)
        #expect(models.contains { $0["model"] as? String == "vgg16-green" })
    }

    @Test func tableRendersJSONWithTheDocumentedShape() throws {
        let result = try greenbench("table", "vgg16-cifar-ds", "--batch", "2", "--format", "json")
        #expect(result.status == 0)
        let table = try #require(try json(result.output) as? [String: Any])
        #expect(table["model"] as? String == "vgg16-cifar-ds")
        #expect(table["input"] as? [Int] == [2, 3, 32, 32])
        let total = try #require(table["total"] as? [String: Any])
        for key in ["parameters", "macs", "flops", "weightBytes"] { #expect(total[key] is Int, "total.\(key)") }
        let layers = try #require(table["layers"] as? [[String: Any]])
        for key in ["name", "kind", "output", "parameters", "macs", "flops", "children"] {
            #expect(layers[0][key] != nil, "layers[0].\(key)")
        }
        #expect(total["macs"] as? Int == layers.reduce(0) { $0 + ($1["macs"] as? Int ?? 0) })
    }

    @Test func tableAndCompareRenderCSV() throws {
        let table = try greenbench("table", "lenet5", "--format", "csv", "--depth", "1")
        #expect(table.status == 0)
        let rows = csvRows(table.output)
        #expect(rows[0].prefix(3) == ["name", "kind", "depth"])
        let total = try #require(rows.last)
        #expect(total[0] == "total")
        let macColumn = try #require(rows[0].firstIndex(of: "macs"))
        #expect(rows.dropFirst().dropLast().reduce(0) { $0 + (Int($1[macColumn]) ?? 0) } == Int(total[macColumn]))

        let compare = try greenbench("compare", "lenet5", "lenet5-ds", "lenet5-lowrank", "--format", "csv")
        #expect(compare.status == 0)
        let compared = csvRows(compare.output)
        #expect(compared.count == 4)
        #expect(compared[1][1] == "61706")
    }

    @Test func compareRendersJSONRatios() throws {
        let result = try greenbench("compare", "vgg16", "vgg16-ds", "--format", "json")
        #expect(result.status == 0)
        let report = try #require(try json(result.output) as? [String: Any])
        let models = try #require(report["models"] as? [[String: Any]])
        #expect(models[0]["macsRatio"] as? Double == 1)
        #expect((models[1]["macsRatio"] as? Double ?? 1) < 0.2)
    }

    @Test func badInputExitsWithStatusTwoNamingTheChoices() throws {
        let unknown = try greenbench("table", "vgg17")
        #expect(unknown.status == 2)
        #expect(unknown.errors.contains("unknown model 'vgg17' (known: lenet5"))
        let option = try greenbench("table", "lenet5", "--colour", "red")
        #expect(option.status == 2)
        #expect(option.errors.contains("unknown option '--colour'"))
        let format = try greenbench("models", "--format", "xml")
        #expect(format.status == 2)
        #expect(format.errors.contains("text, markdown, csv, json"))
        let shape = try greenbench("table", "lenet5", "--input", "1x28")
        #expect(shape.status == 2)
        #expect(shape.errors.contains("CxHxW"))
        let command = try greenbench("frobnicate")
        #expect(command.status == 2)
        #expect(command.errors.contains("known: models"))
    }

    @Test func tableExitsWithStatusTwoWhenTheInputOverflowsTheCounts() throws {
        // Issue #14: vgg16's first conv on this input does 1.7e19 MACs, past Int64; this trapped.
        let macs = try greenbench("table", "vgg16", "--input", "3x100000000x100000000")
        #expect(macs.status == 2, "\(macs.errors)")
        #expect(
            macs.errors.contains(
                "features.0 (Conv2d): MAC count on input [1, 3, 100000000, 100000000] overflows Int64"),
            "\(macs.errors)")
        // Here the input's own element count overflows, before any layer sees it.
        let elements = try greenbench("table", "lenet5", "--input", "1x100000000000x100000000000")
        #expect(elements.status == 2, "\(elements.errors)")
        #expect(elements.errors.contains("element count of [1, 1, 100000000000, 100000000000] overflows Int64"))
    }

    @Test(arguments: ["models", "table", "compare", "run", "blocks", "peak", "train", "infer", "compress"])
    func everyCommandHasHelp(_ command: String) throws {
        let result = try greenbench(command, "--help")
        #expect(result.status == 0)
        #expect(result.output.hasPrefix("usage: greenbench \(command)"))
    }

    @Test func runWritesAParseableReport() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("greenbench-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try greenbench(
            "run", "lenet5", "lenet5-ds", "lenet5-lowrank", "--runs", "1", "--warmup", "0", "--layers", "--format",
            "json", "--out", directory.path)
        #expect(result.status == 0, "\(result.errors)")
        let report = try #require(try json(result.output) as? [String: Any])
        let models = try #require(report["models"] as? [[String: Any]])
        #expect(models.count == 3)
        #expect((models[0]["joulesPerImage"] as? Double ?? 0) > 0)
        #expect((report["energySource"] as? String ?? "").isEmpty == false)
        #expect((report["energyRatioNote"] as? String ?? "").contains("energy ratio"))
        #expect((report["layerJoulesNote"] as? String ?? "").contains("split by each layer's share of the time"))
        let verdicts = try #require(report["verdicts"] as? [[String: Any]])
        #expect(verdicts.map { $0["variant"] as? String } == ["lenet5-ds", "lenet5-lowrank"])
        for name in [
            "report.md", "report.html", "results.json", "results.csv", "macs-vs-latency.svg", "layer-times.svg",
            "roofline.svg",
        ] {
            #expect(FileManager.default.fileExists(atPath: directory.appendingPathComponent(name).path), "\(name)")
        }
        let saved = try #require(
            try json(String(contentsOf: directory.appendingPathComponent("results.json"), encoding: .utf8))
                as? [String: Any])
        #expect((saved["models"] as? [Any])?.count == 3)
        let csv = csvRows(try String(contentsOf: directory.appendingPathComponent("results.csv"), encoding: .utf8))
        #expect(csv[0].suffix(2) == ["energy source", "energy note"] && csv.count == 4)
        let html = try String(contentsOf: directory.appendingPathComponent("report.html"), encoding: .utf8)
        #expect(html.components(separatedBy: "<svg").count == 4 && html.components(separatedBy: "<table>").count == 6)
        #expect(!html.contains("<?xml") && html.contains("lenet5 b1 (baseline)"))
        for chart in ["macs-vs-latency.svg", "layer-times.svg", "roofline.svg"] {
            let parser = XMLParser(contentsOf: directory.appendingPathComponent(chart))
            #expect(parser?.parse() == true, "\(chart) is not well-formed XML")
        }
    }
}
