import ArgumentParser
import EaselBenchKit

/// The benchmark's scenarios.
enum Scenario: String, CaseIterable, ExpressibleByArgument, Sendable {
    case fanout
    case idleConnections = "idle-connections"
    case slowConsumer = "slow-consumer"
    case churn
    case queue
    case models
    case gateway
    case metricsSubscribers = "metrics-subscribers"
    case requests

    func run(_ settings: BenchSettings) async throws -> BenchReport {
        switch self {
        case .fanout: try await FanoutRun(settings: settings, unmeasuredShare: 0, unmeasuredStall: false).run()
        case .idleConnections: try await IdleConnectionsRun(settings: settings).run()
        case .slowConsumer: try await SlowConsumerRun(settings: settings).run()
        case .churn: try await ChurnRun(settings: settings).run()
        case .queue: try await QueueRun(settings: settings).run()
        case .models: try await ModelsRun(settings: settings).run()
        case .gateway: try await GatewayRun(settings: settings).run()
        case .metricsSubscribers: try await MetricsSubscribersRun(settings: settings).run()
        case .requests: try await RequestsRun(settings: settings).run()
        }
    }
}
