import Hummingbird

extension SDNextGateway {
    func addProgressRoutes(to api: RouterGroup<Context>, internal: RouterGroup<Context>) {}
}
