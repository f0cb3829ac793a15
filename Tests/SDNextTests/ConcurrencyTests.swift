import EaselTesting
import SDNext
import SDNextEmulator
import Testing

/// Interrupt and SD.Next's one-generation-at-a-time lock.
@Suite(.timeLimit(.minutes(1))) struct ConcurrencyTests {
    @Test func keepInterruptingStopsARunAndReturnsThePartialImage() async throws {
        let emulator = EmulatorConfiguration.testing(stepDuration: .milliseconds(20))
        try await withEmulatorClient(emulator) { client, _ in
            let request = smallTxt2Img(steps: 500, nIter: 2)
            let result = try await withThrowingTaskGroup(of: GenerationResult?.self) { group in
                group.addTask { try await client.txt2img(request) }
                group.addTask {
                    let sampling = try await eventually {
                        let snapshot = try await client.progress()
                        return snapshot.isSampling && snapshot.state.samplingStep >= 2
                    }
                    #expect(sampling)
                    await client.keepInterrupting(every: .milliseconds(200))
                    return nil
                }
                defer { group.cancelAll() }
                while let outcome = try await group.next() {
                    if let outcome { return outcome }
                }
                throw CancellationError()
            }
            // keep_incomplete: the partial preview of the interrupted pass; the second iteration never ran.
            #expect(result.images.count == 1)
            let status = try await client.status()
            #expect(status.status == "interrupted")
            #expect(status.step < 500)
        }
    }

    @Test func twoConcurrentGenerationsSerializeOnTheLock() async throws {
        let emulator = EmulatorConfiguration.testing(stepDuration: .milliseconds(25))
        try await withEmulatorClient(emulator) { client, _ in
            let (results, polled) = try await collectingProgress(client) {
                try await withThrowingTaskGroup(of: GenerationResult.self) { group in
                    // 40 steps of 25 ms: each Inference stage lasts a second, so the 10 ms polls see both of them
                    // however loaded the machine is.
                    group.addTask { try await client.txt2img(smallTxt2Img(steps: 40, seed: 1)) }
                    group.addTask { try await client.txt2img(smallTxt2Img(steps: 40, seed: 2)) }
                    return try await group.reduce(into: [GenerationResult]()) { $0.append($1) }
                }
            }
            #expect(Set(results.compactMap { $0.info?.seed }) == [1, 2])

            // One global state: if both ran at once their Inference stages would interleave.
            var order: [ProgressSnapshot.StageID] = []
            for snapshot in polled.map(\.1) where snapshot.isSampling && order.last != snapshot.id {
                order.append(snapshot.id)
            }
            #expect(order.count == 2, "Inference stages seen: \(order)")
            #expect(Set(order).count == order.count, "Inference stages interleaved: \(order)")
            for id in order {
                let steps = polled.map(\.1).filter { $0.isSampling && $0.id == id }.map(\.state.samplingStep)
                #expect(steps == steps.sorted())
            }
        }
    }
}
