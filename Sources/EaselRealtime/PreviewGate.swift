import NIOCore

/// How many previews a connection gets and how large each may be. Why a cap: a preview is a base64 JPEG of tens
/// or hundreds of kilobytes on every poll tick of every job a connection follows; without a cap one subscriber to
/// all jobs asks the server for megabytes a second, which the lifecycle events it follows would queue behind.
struct PreviewCap: Equatable, Sendable {
    /// Previews per second, on average (see `PreviewGate`).
    var perSecond: Double
    /// Largest `progress_update` frame with its preview, in bytes; a bigger one goes without its preview.
    var maxBytes: Int

    /// Each value is the smaller of the two: a subscriber can lower the server's cap, never raise it.
    func lowered(perSecond: Double?, maxBytes: Int?) -> PreviewCap {
        PreviewCap(perSecond: min(self.perSecond, perSecond ?? .infinity), maxBytes: min(self.maxBytes, maxBytes ?? .max))
    }
}

/// One connection's preview admission: the size cap, and the rate as a virtual schedule (GCRA): each preview
/// moves the next slot on by `1 / perSecond`, and a preview is let through from a quarter interval before its
/// slot, so the poll ticks' jitter does not halve the rate. Over time at most `perSecond` previews a second pass;
/// a preview that does not pass is not queued for later, its update goes without it.
struct PreviewGate {
    private(set) var cap: PreviewCap
    /// The server's cap, which `limit` never exceeds.
    let ceiling: PreviewCap
    /// When the next preview is due.
    private var nextSlot: NIODeadline?

    init(cap: PreviewCap) {
        self.cap = cap
        self.ceiling = cap
    }

    /// The subscriber's own cap, within the server's (nil keeps the server's value).
    mutating func limit(perSecond: Double?, maxBytes: Int?) {
        cap = ceiling.lowered(perSecond: perSecond, maxBytes: maxBytes)
    }

    /// The preview frame if it may be sent now; nil when it is too large or comes too soon.
    mutating func admit(_ preview: ByteBuffer, now: NIODeadline) -> ByteBuffer? {
        guard preview.readableBytes <= cap.maxBytes, cap.perSecond > 0 else { return nil }
        let interval = Int64((1e9 / cap.perSecond).rounded())
        if let nextSlot, now < nextSlot - .nanoseconds(interval / 4) { return nil }
        nextSlot = max(nextSlot ?? now, now) + .nanoseconds(interval)
        return preview
    }
}

extension ConnectionStateMachine {
    /// The subscriber asked for fewer or smaller previews (`preview_rate`, `preview_max_bytes` in `subscribe`).
    mutating func limitPreviews(perSecond: Double?, maxBytes: Int?) {
        previewGate.limit(perSecond: perSecond, maxBytes: maxBytes)
    }
}
