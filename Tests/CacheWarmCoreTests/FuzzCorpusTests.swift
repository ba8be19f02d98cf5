import CacheWarmFuzzTargets
import Foundation
import Testing

/// Every input kept in Tests/FuzzCorpus (seeds, and each crash a fuzzer ever found) runs
/// through its fuzz target on every test run: none may trap or break a round trip again.
struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("FuzzCorpus")

    static let targets: [String] = (try? FileManager.default.contentsOfDirectory(atPath: corpus.path).sorted()) ?? []

    @Test func everyTargetHasInputsAndEveryInputHasATarget() {
        #expect(Set(Self.targets) == Set(FuzzTargets.all.keys))
    }

    @Test(arguments: targets)
    func keptInputsRunCleanly(_ name: String) throws {
        let target = try #require(FuzzTargets.all[name])
        let folder = Self.corpus.appendingPathComponent(name)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
        #expect(!files.isEmpty)
        for file in files { target(Array(try Data(contentsOf: folder.appendingPathComponent(file)))) }
    }
}
