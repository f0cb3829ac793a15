import DynamicJSON

/// The fields of an SD.Next body that no Swift property models: kept as JSON and sent back as they came, so a
/// client can use every field SD.Next accepts, not just the ones Easel names. Those SD.Next's signatures declare
/// are checked when decoded with pydantic's own coercions (`SDNextField`); SD.Next checks the rest.
public typealias FurtherFields = [String: JSONValue]

/// Any JSON key, for reading and writing the keys a type does not declare.
struct AnyCodingKey: CodingKey {
    let stringValue: String
    var intValue: Int? { nil }

    init(_ name: String) { stringValue = name }
    init?(stringValue: String) { self.stringValue = stringValue }
    init?(intValue: Int) { nil }
}

extension Decoder {
    /// Every member of the body this decoder reads whose key is not in `known`, as sent. A member one of `fields`
    /// names must be one pydantic takes for it (else `dataCorrupted` at its key, with pydantic's reason); others
    /// are kept unchecked, for SD.Next to judge.
    func furtherFields(known: Set<String>, fields: [SDNextField] = []) throws -> FurtherFields {
        let container = try container(keyedBy: AnyCodingKey.self)
        var further: FurtherFields = [:]
        for key in container.allKeys where !known.contains(key.stringValue) {
            let value = try container.decode(JSONValue.self, forKey: key)
            if let field = fields.first(where: { $0.name == key.stringValue }),
                case .failure(let refused) = field.coerce(value)
            {
                throw DecodingError.dataCorrupted(
                    DecodingError.Context(codingPath: codingPath + [key], debugDescription: refused.reason))
            }
            further[key.stringValue] = value
        }
        return further
    }
}

extension Encoder {
    /// Writes the further fields beside the declared ones (which never share a key with them).
    func encodeFurther(_ further: FurtherFields) throws {
        guard !further.isEmpty else { return }
        var container = container(keyedBy: AnyCodingKey.self)
        for (key, value) in further { try container.encode(value, forKey: AnyCodingKey(key)) }
    }
}

/// The JSON keys a body type declares, so the others can be kept as further fields.
protocol DeclaredKeys: CodingKey, CaseIterable {}

extension DeclaredKeys {
    static var names: Set<String> { Set(allCases.map(\.stringValue)) }
}
