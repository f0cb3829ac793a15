import DynamicJSON
/// One answer of `POST /internal/progress`, the route SD.Next's own UI polls.
///
/// Useful mainly for live previews (`livePreview` is a `data:` URI). Its numbers are per stage like
/// `/sdapi/v1/progress`, and `active` refers to UI tasks: API requests never register one, so a nil
/// task id reads as active. Unlike `/sdapi/v1/progress` it is exempt from SD.Next's rate limit.
public struct InternalProgress: Sendable, Decodable, Equatable {
    public let job: String
    public let textinfo: String?
    public let active: Bool
    public let queued: Bool
    public let paused: Bool
    public let completed: Bool
    public let step: Int
    public let steps: Int
    public let batchNo: Int
    public let batchCount: Int
    /// Progress of the current stage, 0...1.
    public let progress: Double
    /// Seconds left in the current stage, when SD.Next has an estimate.
    public let eta: Double?
    /// A `data:image/jpeg;base64,...` preview, only when asked for with a live preview id.
    public let livePreview: String?
    /// Pass this back as `livePreviewID` to get only newer previews.
    public let idLivePreview: Int

    init(json: JSONValue) {
        job = json["job"]?.stringValue ?? ""
        textinfo = json["textinfo"]?.stringValue
        active = json["active"]?.boolValue ?? false
        queued = json["queued"]?.boolValue ?? false
        paused = json["paused"]?.boolValue ?? false
        completed = json["completed"]?.boolValue ?? false
        step = json["step"]?.intValue ?? 0
        steps = json["steps"]?.intValue ?? 0
        batchNo = json["batch_no"]?.intValue ?? 0
        batchCount = json["batch_count"]?.intValue ?? 0
        progress = json["progress"]?.doubleValue ?? 0
        eta = json["eta"]?.doubleValue
        livePreview = json["live_preview"]?.stringValue.flatMap { $0.isEmpty ? nil : $0 }
        idLivePreview = json["id_live_preview"]?.intValue ?? -1
    }

    public init(from decoder: any Decoder) throws {
        self.init(json: try JSONValue(from: decoder))
    }
}
