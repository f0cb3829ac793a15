import Foundation

/// Sampling steps per second of each backend's current job, from the job's progress as the sampler sees it at each
/// tick: the steps gained between the last two progress readings that differ, over the time between them. A pure
/// value, fed by whoever reads the progress, so the figure is tested without a clock.
public struct StepRates: Sendable, Equatable {
    private struct Reading: Sendable, Equatable {
        var jobID: JobID
        var step: Int
        var at: Date
        var rate: Double?
    }

    private var readings: [String: Reading] = [:]

    public init() {}

    /// Records what `backend` runs now (nil: nothing) and the job's latest progress (its step and when it was read);
    /// returns the backend's current rate, nil until two readings of the same job are apart.
    public mutating func observe(backend: String, job: JobID?, step: Int?, at date: Date?) -> Double? {
        guard let job, let step, let date else {
            readings[backend] = nil
            return nil
        }
        guard var reading = readings[backend], reading.jobID == job, step >= reading.step else {
            readings[backend] = Reading(jobID: job, step: step, at: date, rate: nil)
            return nil
        }
        let elapsed = date.timeIntervalSince(reading.at)
        if elapsed > 0 {
            reading.rate = Double(step - reading.step) / elapsed
            reading.step = step
            reading.at = date
            readings[backend] = reading
        }
        return reading.rate
    }
}
