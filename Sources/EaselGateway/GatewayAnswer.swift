import DynamicJSON
import EaselCore
import EaselGeneration
import Foundation
import HTTPTypes
import Hummingbird
import SDNextModels

/// How an ended job answers the SD.Next call that queued it, in SD.Next's terms: a completed job with its images
/// (base64), the request model's echo as `parameters` (control: `params`) and the `info` string; an interrupted one, or one SD.Next drew
/// nothing for, as SD.Next answers those: 200 with no images and `info` `""`; a failure as SD.Next's error body, with
/// Easel's `error_code` and `job_id`. Every answer names the job in `X-Easel-Job-Id`.
struct GatewayAnswer {
    let job: Job
    let kind: GenerationKind
    /// The declared fields the client sent, which the echo is made of (SD.Next's own is not kept: every job would
    /// store some 250 fields for the few calls that read them).
    let sent: [String: JSONValue]
    let images: ImageStore

    var response: Response {
        get throws {
            let headers: HTTPFields = [.easelJobID: job.id.rawValue]
            switch job.status {
            case .completed:
                let answer = body(images: try encoded(job.result?.images), processed: try encoded(job.result?.processed))
                return SDNextJSON(answer, headers: headers).response
            case .failed where job.failure?.code != .noImages:
                return SDNextJSON(failure.body, status: failure.status, headers: headers).response
            default:
                return SDNextJSON(body(images: [], processed: []), headers: headers).response
            }
        }
    }

    private func body(images: [String], processed: [String]) -> JSONValue {
        let echo = SDNextBody.echo(of: sent, kind: kind)
        let info = JSONValue.string(job.result.map(Self.info(of:)) ?? "")
        if kind == .control {
            return .object(["images": .array(images.map(JSONValue.string)), "processed": .array(processed.map(JSONValue.string)),
                            "params": echo, "info": info])
        }
        return .object(["images": .array(images.map(JSONValue.string)), "parameters": echo, "info": info])
    }

    /// `info` as SD.Next sent it: its plain text, or its JSON document written out again.
    static func info(of result: JobResult) -> String {
        if let text = result.infoText { return text }
        guard let document = result.generationInfo, let data = try? JSONEncoder().encode(document) else { return "" }
        return String(decoding: data, as: UTF8.self)
    }

    private func encoded(_ stored: [StoredImage]?) throws -> [String] {
        try (stored ?? []).map { try images.data(of: $0).base64EncodedString() }
    }

    /// A failed job as SD.Next's error body: SD.Next's refusals keep their status, Easel's own failures get the
    /// status that says whose fault it was.
    var failure: GatewayError {
        let failure = job.failure ?? JobFailure(.internalError, "The job ended without a result")
        let id = job.id.rawValue
        let code = failure.code.rawValue
        switch failure.code {
        case .invalidRequest:
            return .httpException(.unprocessableContent, detail: failure.message, errorCode: code, jobID: id)
        case .modelUnavailable:
            return .httpException(.notFound, detail: failure.message, errorCode: code, jobID: id)
        case .rateLimited:
            return .httpException(.tooManyRequests, detail: failure.message, errorCode: code, jobID: id)
        case .timeout:
            return .httpException(.gatewayTimeout, detail: failure.message, errorCode: code, jobID: id)
        case .backendLost:
            return .httpException(.badGateway, detail: failure.message, errorCode: code, jobID: id)
        case .serverStopped:
            return .httpException(.serviceUnavailable, detail: failure.message, errorCode: code, jobID: id)
        default:
            return .runtime(failure.message, errorCode: code, jobID: id)
        }
    }
}
