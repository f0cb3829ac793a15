import DynamicJSON

/// Strict reads for assertions on JSON answers: a value of another kind is nil (`"3"` is no `int`), unlike the
/// lenient accessors SD.Next's loosely typed answers need.
extension JSONValue {
    public subscript(index: Int) -> JSONValue? {
        if case .array(let items) = self, items.indices.contains(index) { return items[index] }
        return nil
    }

    public var string: String? { if case .string(let value) = self { value } else { nil } }
    public var double: Double? { if case .number(let value) = self { value } else { nil } }
    public var int: Int? { double.map { Int($0) } }
    public var array: [JSONValue]? { if case .array(let items) = self { items } else { nil } }
}
