import DynamicJSON
import EaselCore
import Foundation

extension ClientMessage {
    /// The text frame a client sends for this message: the inverse of `parse`, so Easel's own clients speak the
    /// protocol through the same type the server reads it with.
    public func encoded() -> String {
        var fields: [String: JSONValue] = [:]
        switch self {
        case .subscribe(let subscription):
            fields = ["type": .string("subscribe")]
            if let selection = subscription.selection { fields["job_ids"] = Self.wire(selection) }
            if subscription.includePreviews { fields["include_previews"] = .bool(true) }
            if let rate = subscription.previewRate { fields["preview_rate"] = .number(rate) }
            if let maxBytes = subscription.previewMaxBytes { fields["preview_max_bytes"] = .number(Double(maxBytes)) }
            if let metrics = subscription.metrics {
                fields["metrics"] = .bool(metrics.enabled)
                if let interval = metrics.interval { fields["metrics_interval"] = .number(interval) }
            }
            if !subscription.batchIDs.isEmpty { fields["batch_ids"] = .array(subscription.batchIDs.map { .string($0.rawValue) }) }
            if let resume = subscription.resume {
                fields["since"] = .object(Dictionary(uniqueKeysWithValues: resume.since.map {
                    ($0.key.rawValue, JSONValue.number(Double($0.value)))
                }))
                if let epoch = resume.epoch { fields["epoch"] = .string(epoch) }
            }
        case .unsubscribe(let selection):
            fields = ["type": .string("unsubscribe"), "job_ids": Self.wire(selection)]
        case .unsubscribeMetrics:
            fields = ["type": .string("unsubscribe"), "metrics": .bool(true)]
        case .ping(let echo):
            fields = ["type": .string("ping")]
            if let echo { fields["data"] = echo }
        case .request(let request):
            fields = request.wireFields
        }
        let data = (try? Self.encoder.encode(JSONValue.object(fields))) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    private static func wire(_ selection: JobSelection) -> JSONValue {
        selection.wireValue.map { .array($0.map(JSONValue.string)) } ?? .null
    }

    private static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }()
}
