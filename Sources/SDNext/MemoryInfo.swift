import DynamicJSON
/// `GET /sdapi/v1/memory`: RAM and GPU memory, in bytes.
public struct MemoryInfo: Sendable, Decodable, Equatable {
    /// Free, used and total bytes of one memory pool.
    public struct Usage: Sendable, Equatable {
        public let free: Int
        public let used: Int
        public let total: Int

        init?(json: JSONValue?) {
            guard let total = json?["total"]?.intValue else { return nil }
            self.free = json?["free"]?.intValue ?? 0
            self.used = json?["used"]?.intValue ?? 0
            self.total = total
        }
    }

    /// System RAM; nil when SD.Next reports an error instead.
    public let ram: Usage?
    /// GPU memory as the driver sees it; nil without CUDA (`{"error":"unavailable"}`).
    public let gpu: Usage?
    /// Out-of-memory events counted by torch since start.
    public let oomEvents: Int?
    /// The whole answer, for the allocator details not modelled here.
    public let raw: [String: JSONValue]

    init(json: JSONValue) {
        raw = json.objectValue ?? [:]
        ram = Usage(json: json["ram"])
        gpu = Usage(json: json["cuda"]?["system"])
        oomEvents = json["cuda"]?["events"]?["oom"]?.intValue
    }

    public init(from decoder: any Decoder) throws {
        self.init(json: try JSONValue(from: decoder))
    }
}
