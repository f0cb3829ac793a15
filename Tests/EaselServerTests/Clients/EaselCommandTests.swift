import EaselTesting
import Foundation
import SDNextEmulator
import Testing

/// The `easel` client commands, run as the built binary against a hub started in-process.
@Suite(.timeLimit(.minutes(2))) struct EaselCommandTests {
    private func easel(_ arguments: [String], hub: TestHub? = nil, within seconds: Double = 60) async throws
        -> (status: Int32, output: String, errors: String)
    {
        let binary = try #require(ClientTools.easelBinary, "build the easel binary first: swift build --product easel")
        return try await runProgram(binary, arguments + (hub.map { ["--server", $0.baseURL] } ?? []), within: seconds)
    }

    @Test func submitWatchFollowsTheJobAndTheListingsShowIt() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                let submit = try await easel(["submit", "a red fox", "--steps", "8", "--width", "64", "--height", "64", "--watch"], hub: hub)
                #expect(submit.status == 0, "\(submit.errors)")
                let lines = submit.output.split(separator: "\n").map(String.init)
                let job = try #require(lines.first)
                #expect(job.count == 36)
                #expect(lines.last == "job \(job): completed 100% step 8/8 1 image")
                #expect(!submit.output.contains("\u{1B}["), "plain lines when output is not a terminal")

                let jobs = try await easel(["jobs"], hub: hub)
                #expect(jobs.status == 0)
                let row = try #require(jobs.output.split(separator: "\n").first { $0.hasPrefix(job) })
                #expect(row.contains("completed") && row.contains("100%") && row.contains("a red fox"))
                #expect(jobs.output.hasPrefix("JOB ID"))

                let backends = try await easel(["backends"], hub: hub)
                #expect(backends.status == 0)
                #expect(backends.output.contains(emulators[0].baseURL))
                #expect(backends.output.contains("at least one backend is healthy"))
            }
        }
    }

    @Test func watchWithoutIDsFollowsTheActiveJobs() async throws {
        var hanging = FaultSettings()
        hanging.hang = true
        try await withEmulators(count: 1) { emulators in
            await emulators[0].controls.setFaults(hanging)
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                let first = try await hub.queue(#"{"prompt":"one","steps":10,"width":64,"height":64}"#)
                let second = try await hub.queue(#"{"prompt":"two","steps":10,"width":64,"height":64}"#)
                let binary = try #require(ClientTools.easelBinary)
                try await withChildProcess(binary, ["watch", "--server", hub.baseURL]) { watch in
                    try await watch.waitFor("job \(first): processing")
                    try await watch.waitFor("job \(second): queued")
                    await emulators[0].controls.setFaults(FaultSettings())
                    #expect(try await watch.exitStatus() == 0, "\(watch.errors)")
                    for job in [first, second] {
                        #expect(watch.output.contains("job \(job): completed 100%"))
                    }
                }
            }
        }
    }

    @Test func aCancelledJobEndsTheWatchWithExitCode2() async throws {
        var hanging = FaultSettings()
        hanging.hang = true
        try await withEmulators(count: 1) { emulators in
            await emulators[0].controls.setFaults(hanging)
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                let submit = try await easel(["submit", "a slow boat", "--steps", "5"], hub: hub)
                #expect(submit.status == 0, "\(submit.errors)")
                let job = submit.output.trimmingCharacters(in: .whitespacesAndNewlines)
                let cancel = try await easel(["cancel", job], hub: hub)
                #expect(cancel.status == 0, "\(cancel.errors)")
                #expect(cancel.output == "job \(job): Generation job cancelled\n")
                let watch = try await easel(["watch", job], hub: hub)
                #expect(watch.status == 2)
                #expect(watch.output.contains("job \(job): cancelled"))
                #expect(watch.errors.hasPrefix("easel: error: job \(job) cancelled"))
                #expect(watch.errors.filter { $0 == "\n" }.count == 1)
            }
        }
    }

    @Test func failuresAreOneLineWithANonZeroExitCode() async throws {
        try await withEmulators(count: 1) { emulators in
            try await withHub(backends: emulators.map(\.baseURL)) { hub in
                let unknown = "00000000-0000-4000-8000-000000000000"
                let invalid = try await easel(["submit", "a fox", "--steps", "500"], hub: hub)
                #expect(invalid.status == 1)
                #expect(invalid.errors == "easel: error: invalid parameters: steps: must be between 1 and 150\n")
                #expect(invalid.output.isEmpty)

                for command in [["cancel", unknown], ["watch", unknown]] {
                    let result = try await easel(command, hub: hub)
                    #expect(result.status == 1, "\(command)")
                    #expect(result.errors == "easel: error: job \(unknown) not found on \(hub.baseURL)\n", "\(command)")
                }
                let malformed = try await easel(["cancel", "not a job"], hub: hub)
                #expect(malformed.status == 1)
                #expect(malformed.errors == "easel: error: \"not a job\" is not a job id\n")
            }
        }
        let unreachable = try await easel(["jobs", "--server", "http://127.0.0.1:1"])
        #expect(unreachable.status == 3)
        #expect(unreachable.errors.hasPrefix("easel: error: cannot reach the Easel server at http://127.0.0.1:1 ("))
        #expect(unreachable.errors.filter { $0 == "\n" }.count == 1)
    }
}
