import Hummingbird

/// The request context of every route (Hummingbird's basic one; a named type leaves room to grow).
typealias EaselRequestContext = BasicRequestContext
