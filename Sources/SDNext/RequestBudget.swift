/// The client's model of SD.Next's rate limiter, used to pace calls so the server never answers 429.
///
/// SD.Next counts `limits`' sliding-window counter per (client IP, path): the previous minute's count, weighted
/// by the share of the current minute still ahead, plus the current minute's count; a call of cost `c` is
/// refused once that reaches the limit. It counts a call when the call's handler has finished, so this model
/// counts each call when its answer arrives (never earlier than the server did) and holds the cost of calls
/// still in flight against the current minute. Both only overestimate the server's count.
///
/// A pure value: callers pass the time (seconds on any clock whose minutes line up with the server's, such as
/// Unix time), so tests drive it without I/O.
public struct RequestBudget: Sendable, Equatable {
    private struct Window: Sendable, Equatable {
        var index: Int
        var count: Int
        var previousCount: Int
    }

    /// Cost units per `period` per path.
    public let limit: Int
    public let period: Double
    private var windows: [String: Window] = [:]
    private var inFlight: [String: Int] = [:]

    public init(limit: Int, period: Double = 60) {
        self.limit = limit
        self.period = period
    }

    /// The same counts under another limit, for when the server's own limit becomes known.
    func withLimit(_ limit: Int) -> RequestBudget {
        var budget = RequestBudget(limit: limit, period: period)
        budget.windows = windows
        budget.inFlight = inFlight
        return budget
    }

    /// SD.Next's cost of one call of `route` (`request_cost`): generations 5, the UI's progress poll 0, else 1.
    public static func cost(of route: String) -> Int {
        switch route {
        case "/sdapi/v1/txt2img", "/sdapi/v1/img2img", "/sdapi/v1/control": 5
        case "/internal/progress": 0
        default: 1
        }
    }

    /// The path SD.Next keys its limit on: everything before the query.
    public static func route(of path: String) -> String {
        String(path.prefix { $0 != "?" && $0 != "#" })
    }

    /// Seconds from `now` until a call of `route` fits under the limit; 0 when it fits now. A call that could
    /// never fit (cost above the limit) is not held back: the server's 429 then says why.
    public func delay(for route: String, now: Double) -> Double {
        let cost = Self.cost(of: route)
        guard cost > 0, cost <= limit else { return 0 }
        let window = current(route, now: now)
        let pending = Double(inFlight[route] ?? 0)
        let windowEnd = Double(window.index + 1) * period
        let ahead = windowEnd - now
        let room = Double(limit - cost) - Double(window.count) - pending
        if Double(window.previousCount) * ahead / period <= room { return 0 }
        if room >= 0 {
            // The previous minute's weight shrinks until the call fits in this minute.
            return windowEnd - room * period / Double(window.previousCount) - now
        }
        // Next minute: this minute's calls (and those in flight) become the weighted previous count.
        let previous = Double(window.count) + pending
        let nextRoom = Double(limit - cost)
        guard previous > nextRoom else { return windowEnd - now }
        return windowEnd + period - nextRoom * period / previous - now
    }

    /// A call of `route` was sent at `now`: its cost counts as in flight until `complete`.
    public mutating func start(_ route: String) {
        inFlight[route, default: 0] += Self.cost(of: route)
    }

    /// The answer of a call of `route` arrived at `now`: its cost moves into the minute it arrived in.
    public mutating func complete(_ route: String, now: Double) {
        let cost = Self.cost(of: route)
        inFlight[route] = max((inFlight[route] ?? 0) - cost, 0)
        var window = current(route, now: now)
        window.count += cost
        windows[route] = window
    }

    /// The server refused a call of `route` with 429 at `now`: its count for this window has reached the limit,
    /// whatever this model counted (another caller from the same IP, or a count left from before this client
    /// started), so the window is taken as full and the next call waits for the window to slide.
    public mutating func refused(_ route: String, now: Double) {
        let cost = Self.cost(of: route)
        inFlight[route] = max((inFlight[route] ?? 0) - cost, 0)
        var window = current(route, now: now)
        window.count = max(window.count + cost, limit)
        windows[route] = window
    }

    private func current(_ route: String, now: Double) -> Window {
        let index = Int((now / period).rounded(.down))
        guard var window = windows[route] else { return Window(index: index, count: 0, previousCount: 0) }
        if window.index != index {
            window.previousCount = window.index == index - 1 ? window.count : 0
            window.count = 0
            window.index = index
        }
        return window
    }
}
