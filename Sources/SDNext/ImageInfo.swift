import DynamicJSON

/// `POST /sdapi/v1/png-info`'s answer (`ResImageInfo`).
public struct ImageInfo: Sendable, Equatable {
    /// The raw infotext, `""` when the image carries none.
    public let info: String
    /// The image's metadata items (`parameters`, EXIF tags by name, PNG text chunks).
    public let items: [String: JSONValue]
    /// SD.Next's own parse of `info` (`Prompt`, `Steps`, `Size-1`, …).
    public let parameters: [String: JSONValue]

    init(json: JSONValue) {
        info = json["info"]?.stringValue ?? ""
        items = json["items"]?.objectValue ?? [:]
        parameters = json["parameters"]?.objectValue ?? [:]
    }

    /// `info` parsed; nil when the image has no infotext.
    public var infotext: Infotext? { info.isEmpty ? nil : Infotext(parsing: info) }
}

/// `GET /sdapi/v1/options-info`: what each option is, for settings editors and for reading defaults that
/// `GET /options` leaves out.
public struct OptionsInfo: Sendable, Equatable {
    public struct Option: Sendable, Equatable {
        public let label: String
        public let sectionID: String?
        /// `boolean`, `number`, `array` or `string`.
        public let type: String
        /// `slider`, `switch`, `dropdown`, `radio`, `input`, …
        public let component: String
        public let defaultValue: JSONValue
        /// `choices`, `minimum`, `maximum`, `step` where the option has them.
        public let componentArguments: [String: JSONValue]
        public let isSecret: Bool
    }

    public struct Section: Sendable, Equatable {
        public let id: String
        public let title: String
        public let hidden: Bool
    }

    public let options: [String: Option]
    public let sections: [Section]

    init(json: JSONValue) {
        var options: [String: Option] = [:]
        for (key, value) in json["options"]?.objectValue ?? [:] {
            options[key] = Option(
                label: value["label"]?.stringValue ?? "", sectionID: value["section_id"]?.stringValue,
                type: value["type"]?.stringValue ?? "string", component: value["component"]?.stringValue ?? "input",
                defaultValue: value["default"] ?? .null, componentArguments: value["component_args"]?.objectValue ?? [:],
                isSecret: value["is_secret"]?.boolValue ?? false)
        }
        self.options = options
        sections = (json["sections"]?.arrayValue ?? []).map { section in
            Section(
                id: section["id"]?.stringValue ?? "", title: section["title"]?.stringValue ?? "",
                hidden: section["hidden"]?.boolValue ?? false)
        }
    }
}
