import SDNext
import SDNextEmulator
import Testing

/// Basic auth against an emulator started with credentials, and URL parsing.
@Suite(.timeLimit(.minutes(1))) struct AuthAndConfigurationTests {
    private static let protected = EmulatorConfiguration.testing(credentials: EmulatorCredentials(username: "artist", password: "s3cret:pw"))

    @Test func missingCredentialsAre401() async throws {
        try await withEmulatorClient(Self.protected) { client, _ in
            let error = try await #require(throws: SDNextError.self) { try await client.version() }
            #expect(error.code == .httpStatus)
            #expect(error.status == 401)
            #expect(error.message == "Not authenticated")
        }
    }

    @Test func wrongCredentialsAre401() async throws {
        try await withEmulatorClient(Self.protected, configure: {
            $0.credentials = SDNextCredentials(username: "artist", password: "wrong")
        }) { client, _ in
            let error = try await #require(throws: SDNextError.self) { try await client.txt2img(smallTxt2Img(steps: 2)) }
            #expect(error.status == 401)
            #expect(error.message == "Unauthorized")
        }
    }

    @Test func credentialsFromTheURLAreSent() async throws {
        try await withSDNextEmulator(configuration: Self.protected, logger: quietEmulatorLogger) { emulator in
            let configuration = try SDNextConfiguration(url: "http://artist:s3cret%3Apw@127.0.0.1:\(emulator.port)/")
            let client = SDNextClient(configuration: configuration)
            #expect(try await client.version().isSDNext)
            #expect(try await client.txt2img(smallTxt2Img(steps: 2)).images.count == 1)
        }
    }

    @Test func urlParsing() throws {
        let plain = try SDNextConfiguration(url: "http://127.0.0.1:7860/")
        #expect(plain.baseURL == "http://127.0.0.1:7860")
        #expect(plain.credentials == nil)
        #expect(plain.generationTimeout == .seconds(1800))
        #expect(plain.requestTimeout == .seconds(10))

        let withAuth = try SDNextConfiguration(url: "HTTPS://user:p%40ss@gpu.example:7860/sd//")
        #expect(withAuth.baseURL == "https://gpu.example:7860/sd")
        #expect(withAuth.credentials == SDNextCredentials(username: "user", password: "p@ss"))

        for bad in ["", "127.0.0.1:7860", "ftp://host", "http://", "http://host/?a=1"] {
            let error = try #require(throws: SDNextError.self) { try SDNextConfiguration(url: bad) }
            #expect(error.code == .invalidURL)
        }
    }

    @Test func anUnreachableServerIsAConnectionError() async throws {
        let port = try await withSDNextEmulator(configuration: .testing(), logger: quietEmulatorLogger) { $0.port }
        try await SDNextClient.withClient(configuration: SDNextConfiguration(baseURL: "http://127.0.0.1:\(port)")) { client in
            let error = try await #require(throws: SDNextError.self) { try await client.status() }
            #expect(error.code == .connection)
        }
    }
}
