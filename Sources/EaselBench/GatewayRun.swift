import EaselBenchKit
import Foundation
import NIOCore

/// `gateway`: what Easel's SD.Next-compatible API costs a client. One fast emulator is first called straight
/// (`POST /sdapi/v1/txt2img`), then through `easel serve` with it as its only backend, with the same body in the
/// same loop: the added latency is the gateway's percentile minus the direct one. The same loop on Easel's own
/// `POST /api/v1/generation/generate` follows, so the added time splits into the queue's part and the gateway's.
/// Then a burst: `--burst-calls` gateway calls at once on `--burst-backends` slower emulators.
struct GatewayRun {
    let settings: BenchSettings

    static let steps = 4
    /// Unmeasured calls before each loop.
    static let warmupCalls = 10

    /// The one body every call of a run sends; SD.Next's txt2img fields, which Easel's own route accepts too.
    private var body: ByteBuffer {
        let size = settings.gatewaySize
        return ByteBuffer(string: """
            {"prompt":"easel-bench gateway","steps":\(Self.steps),"width":\(size),"height":\(size),"sampler_name":"Euler a","seed":1}
            """)
    }

    func run() async throws -> BenchReport {
        try await withGenerationCaller(connections: settings.burstCalls + 4) { caller in
            let (latency, latencyNotes) = try await latency(caller)
            let (burst, burstNotes) = try await burst(caller)
            return BenchReport(scenario: "gateway", parameters: parameters, metrics: latency + burst, notes: latencyNotes + burstNotes)
        }
    }

    private var parameters: [String: String] {
        [
            "generations": "\(settings.gatewayGenerations)", "step_ms": "\(settings.gatewayStepMilliseconds)",
            "steps": "\(Self.steps)", "size": "\(settings.gatewaySize)x\(settings.gatewaySize)", "burst_calls": "\(settings.burstCalls)",
            "burst_backends": "\(settings.burstBackends)", "burst_step_ms": "\(settings.burstStepMilliseconds)",
            "server_options": settings.serverOptions.joined(separator: " "),
        ]
    }

    private func latency(_ caller: GenerationCaller) async throws -> ([Metric], [String]) {
        let (direct, (gateway, generate), phases) = try await withEmulatorFleet(
            count: 1, stepDuration: .milliseconds(settings.gatewayStepMilliseconds)
        ) { urls in
            let direct = await measure(caller, urls[0] + "/sdapi/v1/txt2img", server: nil)
            let (easel, phases) = try await withServerProcess(
                binary: settings.serverBinary, arguments: ["--sdnext", urls[0]] + settings.serverOptions
            ) { server in
                let hub = HubClient(port: server.port)
                _ = try await hub.waitForInventories(count: 1)
                let base = "http://127.0.0.1:\(server.port)"
                let gateway = await measure(caller, base + "/sdapi/v1/txt2img", server: server)
                let generate = await measure(caller, base + "/api/v1/generation/generate?return_format=base64", server: server)
                var phases: [(path: String, medians: [(phase: String, value: Double)])] = []
                for (name, sample) in [("gateway", gateway), ("generate", generate)] {
                    phases.append((name, JobPhases.medians(try await Self.phases(of: sample, on: hub))))
                }
                return ((gateway, generate), phases)
            }
            return (direct, easel, phases)
        }
        let paths = [("direct", direct), ("gateway", gateway), ("generate", generate)]
        var metrics: [Metric] = []
        for (name, sample) in paths {
            metrics += [
                Metric("\(name) p50", sample.timing.summary.p50Milliseconds, "ms"),
                Metric("\(name) p99", sample.timing.summary.p99Milliseconds, "ms"),
                Metric("\(name) requests/s", sample.perSecond, "req/s"),
                Metric("\(name) failed", Double(sample.failed), "call", target: "0"),
                Metric("\(name): bench CPU per call (client + emulator)", sample.perCall(sample.benchCPUSeconds), "ms"),
            ]
            if name != "direct" { metrics.append(Metric("\(name): server CPU per call", sample.perCall(sample.serverCPUSeconds), "ms")) }
        }
        let (d, g, e) = (direct.timing.summary, gateway.timing.summary, generate.timing.summary)
        metrics += [
            Metric("added p50 (gateway − direct)", g.p50Milliseconds - d.p50Milliseconds, "ms", target: "≤ 10"),
            Metric("added p99 (gateway − direct)", g.p99Milliseconds - d.p99Milliseconds, "ms"),
            Metric("added p50 (generate − direct)", e.p50Milliseconds - d.p50Milliseconds, "ms"),
            Metric("gateway p50 − generate p50", g.p50Milliseconds - e.p50Milliseconds, "ms"),
        ]
        for (name, medians) in phases {
            metrics += medians.map { Metric("\(name): \($0.phase) p50", $0.value, "ms") }
        }
        let notes = paths.flatMap { name, sample in sample.problems.map { "\(name) call failed: \($0)" } }
        return (metrics, notes)
    }

    /// The loop on `url` after its warm-up, with the CPU this process (client and emulator) and `server` spent on it.
    private func measure(_ caller: GenerationCaller, _ url: String, server: ServerProcess?) async -> CallSample {
        await caller.warmUp(url, body: body, count: Self.warmupCalls)
        let (bench, easel) = (ProcessSample.read(pid: getpid()), server?.sample())
        var sample = await caller.loop(url, body: body, count: settings.gatewayGenerations)
        sample.benchCPUSeconds = (ProcessSample.read(pid: getpid())?.cpuSeconds ?? 0) - (bench?.cpuSeconds ?? 0)
        sample.serverCPUSeconds = (server?.sample()?.cpuSeconds ?? 0) - (easel?.cpuSeconds ?? 0)
        return sample
    }

    /// Each call's phases, from its job's record.
    private static func phases(of sample: CallSample, on hub: HubClient) async throws -> [JobPhases] {
        var phases: [JobPhases] = []
        for call in sample.jobCalls {
            guard let job = try await hub.jobRecord(call.id), let finished = job.finished else { continue }
            phases.append(JobPhases(sent: call.sent, created: job.created, started: job.started, finished: finished, received: call.received))
        }
        return phases
    }

    private func burst(_ caller: GenerationCaller) async throws -> ([Metric], [String]) {
        try await withEmulatorFleet(count: settings.burstBackends, stepDuration: .milliseconds(settings.burstStepMilliseconds)) { urls in
            try await withServerProcess(
                binary: settings.serverBinary, arguments: urls.flatMap { ["--sdnext", $0] } + settings.serverOptions
            ) { server in
                let hub = HubClient(port: server.port)
                _ = try await hub.waitForInventories(count: urls.count)
                let burst = GatewayBurst(
                    caller: caller, hub: hub, url: "http://127.0.0.1:\(server.port)/sdapi/v1/txt2img", body: body,
                    calls: settings.burstCalls, backends: urls.count)
                return try await burst.run()
            }
        }
    }
}
