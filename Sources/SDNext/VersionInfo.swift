import DynamicJSON
/// `GET /sdapi/v1/version`. Only SD.Next has this route (A1111 answers 404), so it tells the two apart.
public struct VersionInfo: Sendable, Decodable, Equatable {
    /// `"sd.next"` on SD.Next.
    public let app: String
    /// Release date `YYYY-MM-DD`; progress semantics changed at 2025-09-15.
    public let updated: String?
    public let commit: String?
    public let branch: String?
    public let url: String?

    init(json: JSONValue) {
        app = json["app"]?.stringValue ?? ""
        updated = json["updated"]?.stringValue
        commit = json["commit"]?.stringValue
        branch = json["branch"]?.stringValue
        url = json["url"]?.stringValue
    }

    public init(from decoder: any Decoder) throws {
        self.init(json: try JSONValue(from: decoder))
    }

    public var isSDNext: Bool {
        app.lowercased() == "sd.next"
    }

    /// True for releases that report progress per stage (2025-09-15 and later); dates compare as text.
    public var hasPerStageProgress: Bool {
        guard let updated, !updated.isEmpty else { return true }
        return updated >= "2025-09-15"
    }
}

/// `GET /sdapi/v1/checkpoint`: the loaded model, if any.
public struct CheckpointInfo: Sendable, Decodable, Equatable {
    /// The model family, such as "sdxl"; nil when nothing is loaded.
    public let type: String?
    /// The pipeline class name; nil when nothing is loaded.
    public let modelClass: String?
    public let checkpoint: String?
    public let title: String?
    public let name: String?
    public let filename: String?
    public let hash: String?

    init(json: JSONValue) {
        type = json["type"]?.stringValue
        modelClass = json["class"]?.stringValue
        checkpoint = json["checkpoint"]?.stringValue
        title = json["title"]?.stringValue
        name = json["name"]?.stringValue
        filename = json["filename"]?.stringValue
        hash = json["hash"]?.stringValue
    }

    public init(from decoder: any Decoder) throws {
        self.init(json: try JSONValue(from: decoder))
    }

    public var isLoaded: Bool {
        modelClass != nil || title != nil
    }
}
