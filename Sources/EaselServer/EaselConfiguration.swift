import EaselCore
import EaselGeneration
import EaselRealtime
import EaselWebhooks
import Foundation
import Logging
import SDNext

/// Everything `easel serve` can be told, with the defaults a first run needs.
public struct EaselConfiguration: Sendable {
    /// Address to listen on. Default 127.0.0.1.
    public var host = "127.0.0.1"
    /// Port to listen on; 0 picks a free one. Default 8000.
    public var port = 8000
    /// SD.Next servers to run jobs on, each `http(s)://[user:pass@]host:port`. Default none.
    public var backendURLs: [String] = []
    /// Folder for the database (unless `databasePath` says otherwise) and the images. Default `./easel-data`.
    public var dataDirectory = "./easel-data"
    /// SQLite file; nil means `<dataDirectory>/easel.sqlite`.
    public var databasePath: String?
    /// Worker tuning: poll interval, interrupt interval, attempts, circuit breaker.
    public var worker = DeliveryWorker.Configuration()
    /// How queued jobs' positions and ETAs are kept current (`QueuePositions`).
    public var positions = QueuePositions.Configuration()
    /// How every backend's calls are paced under its rate limit. Default `.automatic`: the limit each server reports
    /// (`server_rate_limit`, per minute). Another value is for a server whose limiter counts in other windows (an
    /// emulator with a shortened window), or `.disabled` behind a proxy that lifts the limit.
    public var backendPacing = RequestPacing.automatic
    /// Bounds on generation parameters, the request body and input images.
    public var limits = ParameterLimits()
    /// How `generation_complete` presents images when a request does not say. Default `url`.
    public var defaultReturnFormat = ReturnFormat.url
    /// Progress socket limits and timers.
    public var realtime = RealtimeConfiguration()
    /// How often every backend's checkpoints, loaded model and LoRAs are read again. Default 60 s.
    public var inventoryInterval: Duration = .seconds(60)
    /// Where jobs' events are posted, signed and retried.
    public var webhooks = WebhookConfiguration()
    /// Most jobs one batch may hold (`--max-batch-size`); a larger one is refused with `batch_too_large`. Default 10,000.
    public var maxBatchSize = 10_000
    /// Shortest poll interval allowed: SD.Next limits a client to 300 requests a minute per route.
    public static let minimumPollInterval = Duration.milliseconds(200)

    public init() {}

    var resolvedDatabasePath: String {
        databasePath ?? URL(fileURLWithPath: dataDirectory).appendingPathComponent("easel.sqlite").path
    }

    var imageDirectory: URL {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("images", isDirectory: true)
    }

    /// Where jobs' input images (init images, masks, control images) are kept.
    var inputDirectory: URL {
        URL(fileURLWithPath: dataDirectory).appendingPathComponent("inputs", isDirectory: true)
    }
}
