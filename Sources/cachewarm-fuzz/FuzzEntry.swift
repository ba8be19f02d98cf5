import CacheWarmFuzzTargets
import Foundation

#if FUZZING
// Built by scripts/fuzz.sh with -sanitize=fuzzer: libFuzzer calls this with every input, for
// the target named by CACHEWARM_FUZZ_TARGET.
nonisolated(unsafe) let selected: ([UInt8]) -> Void = {
    guard let name = ProcessInfo.processInfo.environment["CACHEWARM_FUZZ_TARGET"], let target = FuzzTargets.all[name] else {
        fatalError("set CACHEWARM_FUZZ_TARGET to one of \(FuzzTargets.all.keys.sorted())")
    }
    return target
}()

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    selected(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    return 0
}

@_silgen_name("LLVMFuzzerRunDriver")
func runDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
    _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt
) -> CInt
#endif

/// `cachewarm-fuzz TARGET FILE...` replays files through a target; built for fuzzing,
/// `CACHEWARM_FUZZ_TARGET=TARGET cachewarm-fuzz [libFuzzer flags] [CORPUS]` fuzzes it.
@main
struct FuzzEntry {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runDriver(&argc, &argv, fuzzOneInput))
        #else
        let arguments = CommandLine.arguments.dropFirst()
        guard let name = arguments.first, let target = FuzzTargets.all[name] else {
            print("usage: cachewarm-fuzz TARGET FILE...  (targets: \(FuzzTargets.all.keys.sorted().joined(separator: ", ")))")
            exit(2)
        }
        for path in arguments.dropFirst() {
            guard let data = FileManager.default.contents(atPath: path) else { continue }
            target(Array(data))
        }
        #endif
    }
}
