import Hummingbird

extension SDNextGateway {
    func addGenerationRoutes(to api: RouterGroup<Context>) {}
}
