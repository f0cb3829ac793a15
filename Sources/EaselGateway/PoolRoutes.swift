import Hummingbird

extension SDNextGateway {
    func addPoolRoutes(to api: RouterGroup<Context>) {}
}
