import Hummingbird

extension SDNextGateway {
    func addOptionsRoutes(to api: RouterGroup<Context>) {}
}
