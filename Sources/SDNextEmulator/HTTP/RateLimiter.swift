/// SD.Next's request limiter (`modules/api/validate.py`): `limits`' `SlidingWindowCounterRateLimiter` over
/// `MemoryStorage`, `limit` cost units per minute per (client, path).
///
/// As `acquire_sliding_window_entry`: the weighted count is the previous fixed window's count × the share of
/// the current window still ahead plus the current window's count; a hit of `cost` is refused when
/// `floor(weighted) + cost > limit` (or `cost > limit`), and a refused hit is not counted.
///
/// A pure value: callers pass the time, so tests can drive the window.
struct RateLimiter: Sendable {
    /// Cost per path (`request_cost`); unlisted paths cost 1. Generation is expensive, the UI's polls free.
    static let costs: [String: Int] = [
        "/file": 0,
        "/internal/progress": 0,
        "/run/predict": 0,
        "/sdapi/v1/browser/thumb": 0,
        "/sdapi/v1/network/thumb": 0,
        "/sdapi/v1/txt2img": 5,
        "/sdapi/v1/img2img": 5,
        "/sdapi/v1/control": 5,
    ]

    private struct Window {
        var index: Int
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
    /// A limit of 0 or less disables the limiter, as `check_request` does.
    mutating func hit(client: String, path: String, now: Double) -> Bool {
        let cost = Self.costs[path] ?? 1
        if limit <= 0 || cost == 0 { return true }
        if cost > limit { return false }
        let key = "\(client):\(path)"
        let index = Int((now / period).rounded(.down))
        var window = windows[key] ?? Window(index: index, count: 0, previousCount: 0)
        if window.index != index {
            window.previousCount = window.index == index - 1 ? window.count : 0
            window.count = 0
            window.index = index
        }
        let ahead = period - (now - Double(index) * period)
        let weighted = Double(window.previousCount) * ahead / period + Double(window.count)
        guard Int(weighted.rounded(.down)) + cost <= limit else {
            windows[key] = window
            return false
        }
        window.count += cost
        windows[key] = window
        return true
    }
}
