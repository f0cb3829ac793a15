import ArgumentParser
import EaselClient
import EaselCore

/// `easel submit`: queues one generation and prints its job id.
struct Submit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Queue a generation and print its job id.",
        discussion: "Parameters not given take the server's defaults; the server checks them and its message is shown.")

    @OptionGroup var client: ClientOptions

    @Argument(help: "What to draw.")
    var prompt: String

    @Option(help: "What to keep out of the image.")
    var negativePrompt: String?

    @Option(help: "Sampling steps (server default 20).")
    var steps: Int?

    @Option(help: "Sampler name (server default \"DPM++ 2M\").")
    var sampler: String?

    @Option(help: "Classifier-free guidance scale (server default 7).")
    var cfgScale: Double?

    @Option(help: "Image width in pixels (server default 512).")
    var width: Int?

    @Option(help: "Image height in pixels (server default 512).")
    var height: Int?

    @Option(help: "Seed; -1 picks one at random.")
    var seed: Int?

    @Option(help: "Images per batch.")
    var batchSize: Int?

    @Option(help: "Number of batches.")
    var nIter: Int?

    @Option(help: "Queue priority, -100...100; higher runs sooner.")
    var priority: Int?

    @Flag(help: "Follow the job until it ends, as `easel watch` does.")
    var watch = false

    func run() async throws {
        try await client.run { api in
            let id = try await api.queue(parameters, priority: priority)
            Console.out("\(id)\n")
            if watch { try await FollowJobs.run(.jobs([id]), api: api) }
        }
    }

    private var parameters: GenerationParameters {
        var parameters = GenerationParameters(prompt: prompt, negativePrompt: negativePrompt)
        if let steps { parameters.steps = steps }
        if let sampler { parameters.samplerName = sampler }
        if let cfgScale { parameters.cfgScale = cfgScale }
        if let width { parameters.width = width }
        if let height { parameters.height = height }
        if let seed { parameters.seed = seed }
        if let batchSize { parameters.batchSize = batchSize }
        if let nIter { parameters.nIter = nIter }
        return parameters
    }
}
