/// DynamoDB item size arithmetic.
///
/// AWS, "Item sizes and formats" (DynamoDB Developer Guide): an item's size is the sum of its
/// attribute names' UTF-8 lengths and their values' sizes. Strings count their UTF-8 bytes,
/// binary its raw bytes (not base64), numbers about one byte per two significant digits plus
/// one, BOOL and NULL one byte, and a map or list 3 bytes plus 1 byte per element plus the
/// elements (a map's keys count like attribute names). The item limit is 400 KB = 409,600 bytes.
public enum ItemSize {
    public static let dynamoDBLimitBytes = 409_600

    public static func of(_ item: Item) -> Int {
        item.reduce(0) { $0 + $1.key.utf8.count + of($1.value) }
    }

    public static func of(_ value: AttributeValue) -> Int {
        switch value {
        case .s(let text): text.utf8.count
        case .n(let number): numberSize(number)
        case .b(let bytes): bytes.count
        case .bool, .null: 1
        case .m(let members): 3 + members.reduce(0) { $0 + 1 + $1.key.utf8.count + of($1.value) }
        case .l(let items): 3 + items.reduce(0) { $0 + 1 + of($1) }
        }
    }

    /// "Numbers are variable length, with up to 38 significant digits. Leading and trailing zeroes
    /// are trimmed. The size of a number is approximately (number of UTF-8-encoded bytes of
    /// attribute name) + (1 byte per two significant digits) + (1 byte)."
    static func numberSize(_ number: String) -> Int {
        let mantissa = number.prefix { $0 != "e" && $0 != "E" }
        let digits = mantissa.filter(\.isASCIIDigit)
        let significant = digits.drop { $0 == "0" }.reversed().drop { $0 == "0" }
        return (significant.count + 1) / 2 + 1
    }
}
