/// SD.Next's request limiter: a sliding-window counter (as `limits`'
/// `SlidingWindowCounterRateLimiter`) of `limit` cost units per minute per (client, path).
///
/// A pure value: callers pass the time, so tests can drive the window.
struct RateLimiter: Sendable {
    /// Cost per path; unlisted paths cost 1. Generation is expensive, the UI's progress poll free.
    static let costs: [String: Int] = [
        "/internal/progress": 0,
        "/sdapi/v1/txt2img": 5,
        "/sdapi/v1/img2img": 5,
        "/sdapi/v1/control": 5,
    ]

    private struct Window {
        var start: Double
        var count: Int
        var previousCount: Int
    }

    let limit: Int
    let period: Double
    private var windows: [String: Window] = [:]

    init(limit: Int, period: Double = 60) {
        self.limit = limit
        self.period = period
    }

    /// Records a hit of `path` by `client` at `now`; false when it goes over the limit (not counted).
    mutating func hit(client: String, path: String, now: Double) -> Bool {
        let cost = Self.costs[path] ?? 1
        if cost == 0 || limit <= 0 { return true }
        let key = "\(client):\(path)"
        let windowStart = (now / period).rounded(.down) * period
        var window = windows[key] ?? Window(start: windowStart, count: 0, previousCount: 0)
        if window.start != windowStart {
            window.previousCount = window.start == windowStart - period ? window.count : 0
            window.count = 0
            window.start = windowStart
        }
        let weight = (period - (now - windowStart)) / period
        let weighted = Double(window.previousCount) * weight + Double(window.count)
        guard weighted + Double(cost) <= Double(limit) else {
            windows[key] = window
            return false
        }
        window.count += cost
        windows[key] = window
        return true
    }
}
