import ArgumentParser
import CacheWarmCore
import Foundation

/// `cachewarm key URL`: the requests-cache key a reader computes for a request.
struct KeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "key", abstract: "Print the requests-cache key of a request (and, with --json, every normalized part).")

    @OptionGroup var request: RequestOptions
    @OptionGroup var reader: ReaderOptions

    @Flag(help: "Print the key and every normalized part as JSON.")
    var json = false

    @Argument(help: "The URL the reader requests.")
    var url: String

    func run() throws {
        let key: CacheKey
        do {
            key = try CacheKey(request: try request.request(url: url), settings: try reader.settings())
        } catch let error as InvalidRequest {
            throw CLIError.badInput(error.description)
        }
        guard json else { return print(key.key) }
        let fields: [(String, JSONValue)] = [
            ("key", .string(key.key)),
            ("method", .string(key.method)),
            ("prepared_url", .string(key.preparedURL)),
            ("normalized_url", .string(key.normalizedURL)),
            ("normalized_body", .string(String(decoding: key.normalizedBody, as: UTF8.self))),
            ("verify_part", .string(key.verifyPart)),
            ("matched_header_parts", .array(key.matchedHeaderParts.map(JSONValue.string))),
            ("serializer_part", .string(key.serializerPart)),
        ]
        print(JSONValue.object(fields).dumps())
    }
}
