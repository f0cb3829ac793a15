import Foundation
import Synchronization

/// A program a test runs (the `easel` binary, python3), with its output captured in files the test polls.
/// Owned by one test task; `withChildProcess` always ends it.
public final class ChildProcess {
    private let process = Process()
    private let outputFile: URL
    private let errorFile: URL

    fileprivate init(_ executable: URL, _ arguments: [String], environment: [String: String], directory: URL?) throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("easel-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        outputFile = folder.appendingPathComponent("stdout")
        errorFile = folder.appendingPathComponent("stderr")
        for file in [outputFile, errorFile] { try Data().write(to: file) }
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        if let directory { process.currentDirectoryURL = directory }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = try FileHandle(forWritingTo: outputFile)
        process.standardError = try FileHandle(forWritingTo: errorFile)
        try Self.launch(process)
    }

    /// Starts `process`; every launch of the tests goes through here and they take turns.
    public static func launch(_ process: Process) throws {
        try launches.withLock { _ in try process.run() }
    }

    private static let launches = Mutex(())

    /// Descriptors this process may hold while it launches a child. Foundation's Process.run (swift 6.3.1) lists
    /// /proc/self/fd and copies each entry's whole `d_name`, which reads past glibc's readdir buffer, and crashes,
    /// once the listing nearly fills that buffer (about 1,300 entries). Tests with many sockets run in parallel, so a
    /// launch waits until they have closed enough of them.
    static let safeDescriptorCount = 800

    /// Waits (at most `seconds`) until this process holds fewer than `safeDescriptorCount` descriptors.
    public static func waitForFewDescriptors(within seconds: Double = 90) async {
        _ = await eventually(within: seconds, every: .milliseconds(50)) { openDescriptors() < safeDescriptorCount }
    }

    /// How many descriptors this process holds: the entries of /proc/self/fd, counted without reading their names.
    static func openDescriptors() -> Int {
        guard let directory = opendir("/proc/self/fd") else { return 0 }
        defer { closedir(directory) }
        var count = 0
        while readdir(directory) != nil { count += 1 }
        return count
    }

    /// Everything written to standard output so far.
    public var output: String { (try? String(contentsOf: outputFile, encoding: .utf8)) ?? "" }
    /// Everything written to standard error so far.
    public var errors: String { (try? String(contentsOf: errorFile, encoding: .utf8)) ?? "" }

    /// Waits until the program exits and returns its status; ends it and fails after `seconds`.
    public func exitStatus(within seconds: Double = 60) async throws -> Int32 {
        guard await eventually(within: seconds, { !process.isRunning }) else {
            stop()
            throw TestFailure("process did not exit within \(seconds) s\nstdout: \(output)\nstderr: \(errors)")
        }
        return process.terminationStatus
    }

    /// Waits until standard output (or standard error, with `inErrors`) contains `text`; fails after `seconds`
    /// or if the program exits first.
    public func waitFor(_ text: String, inErrors: Bool = false, within seconds: Double = 60) async throws {
        let captured = { inErrors ? self.errors : self.output }
        let seen = await eventually(within: seconds) { captured().contains(text) || !process.isRunning }
        guard seen, captured().contains(text) else {
            throw TestFailure("no \"\(text)\" from the program\nstdout: \(output)\nstderr: \(errors)")
        }
    }

    fileprivate func stop() {
        guard process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }
}

/// Starts a program, runs `body` with it, and ends the program if it is still running afterwards.
public func withChildProcess<Result>(
    _ executable: URL, _ arguments: [String], environment: [String: String] = [:], directory: URL? = nil,
    _ body: (ChildProcess) async throws -> Result
) async throws -> Result {
    await ChildProcess.waitForFewDescriptors()
    let child = try ChildProcess(executable, arguments, environment: environment, directory: directory)
    defer { child.stop() }
    return try await body(child)
}

/// Runs a program to its end (at most `seconds`) and returns its status and output.
public func runProgram(
    _ executable: URL, _ arguments: [String], environment: [String: String] = [:], within seconds: Double = 60
) async throws -> (status: Int32, output: String, errors: String) {
    try await withChildProcess(executable, arguments, environment: environment) { child in
        let status = try await child.exitStatus(within: seconds)
        return (status, child.output, child.errors)
    }
}
