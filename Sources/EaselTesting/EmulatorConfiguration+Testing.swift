import SDNextEmulator

extension EmulatorConfiguration {
    /// A fast emulator on an ephemeral port, without the rate limiter (tests poll faster than SD.Next allows):
    /// what every test suite starts its emulators with.
    public static func testing(
        stepDuration: Duration = .milliseconds(10),
        stageGap: Duration = .milliseconds(2),
        credentials: EmulatorCredentials? = nil,
        faults: FaultSettings = FaultSettings(),
        samplesFormat: SamplesFormat = .jpg,
        rateLimitPerMinute: Int? = nil
    ) -> EmulatorConfiguration {
        EmulatorConfiguration(
            port: 0, credentials: credentials, stepDuration: stepDuration, stageGap: stageGap,
            modelLoadDuration: .milliseconds(20), samplesFormat: samplesFormat, faults: faults,
            rateLimitPerMinute: rateLimitPerMinute)
    }
}
