import CacheWarmCore
import Foundation

/// The ground-truth folder `../shared` next to the project root (or `CACHEWARM_SHARED_DIR`).
enum Shared {
    static let directory: URL = {
        if let path = ProcessInfo.processInfo.environment["CACHEWARM_SHARED_DIR"] {
            return URL(fileURLWithPath: path)
        }
        return URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("shared")
    }()

    static func json(_ relativePath: String) throws -> JSONValue {
        let data = try Data(contentsOf: directory.appendingPathComponent(relativePath))
        return try JSONValue.parse(bytes: Array(data))
    }

    static func itemVectorNames() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory.appendingPathComponent("compat/vectors/items").path)
            .filter { $0.hasSuffix(".json") }.sorted()
    }
}

extension JSONValue {
    var bool: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    var int: Int? {
        if case .int(let digits) = self { return Int(digits) }
        return nil
    }

    var isNull: Bool { self == .null }
}
