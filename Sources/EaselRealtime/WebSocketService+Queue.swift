import EaselCore
import EaselProtocol
import Foundation

extension WebSocketService {
    /// Answers a queue request with its reply, or an `error` carrying its `request_id` and the refusal's code. The
    /// connection follows what it submitted: a submitted job (with a catch-up, as a subscribe does), a batch from
    /// before its jobs are announced.
    func answer(_ request: QueueRequest, from connection: ConnectionManager.Connection) async {
        let type = request.operation.type
        guard let operations else {
            reply(.error(ProtocolError(.unknownType, "This server takes no queue requests", requestType: type,
                                       requestID: request.requestID)), to: connection)
            return
        }
        do {
            switch request.operation {
            case .submit(let fields):
                let id = try await operations.submit(fields)
                reply(.reply(QueueReply(requestID: request.requestID, .submitted(id))), to: connection)
                await subscribe(connection, to: Subscription(.jobs([id])))
            case .submitBatch(let fields):
                let batch = BatchID.make()
                manager.subscribe(connection, toBatches: [batch])
                do {
                    let ids = try await operations.submitBatch(fields, as: batch)
                    reply(.reply(QueueReply(requestID: request.requestID, .batchSubmitted(batch, ids))), to: connection)
                } catch {
                    manager.unsubscribe(connection, fromBatches: [batch])
                    throw error
                }
            case .cancel(let jobIDs, let batchID):
                let (cancelled, cancelling) = try await operations.cancel(jobIDs: jobIDs, batchID: batchID)
                reply(.reply(QueueReply(requestID: request.requestID, .cancelled(cancelled: cancelled, cancelling: cancelling))),
                      to: connection)
            case .reprioritize(let jobIDs, let priority):
                let changed = try await operations.reprioritize(jobIDs, to: priority)
                reply(.reply(QueueReply(requestID: request.requestID, .reprioritized(changed, priority: priority))), to: connection)
            case .move(let id, let place):
                let priority = try await operations.move(id, to: place)
                reply(.reply(QueueReply(requestID: request.requestID, .moved(id, priority: priority))), to: connection)
            }
        } catch let error as QueueRequestError {
            let message = error.field.map { "\($0): \(error.message)" } ?? error.message
            reply(.error(ProtocolError(.init(rawValue: error.code.rawValue), message, requestType: type, requestID: request.requestID)),
                  to: connection)
        } catch {
            logger.error("queue request failed", metadata: ["type": "\(type)", "error": "\(error)"])
            reply(.error(ProtocolError(.init(rawValue: "internal_error"), "The request failed", requestType: type,
                                       requestID: request.requestID)), to: connection)
        }
    }

    /// Follows batches named by a subscribe: each is tracked from the store's counts and its state sent at once;
    /// an unknown one gets an `error` (`unknown_batch`) and stays followed, as unknown job ids do.
    func follow(_ batchIDs: [BatchID], from connection: ConnectionManager.Connection) async {
        manager.subscribe(connection, toBatches: batchIDs)
        var unknown: [String] = []
        for batch in batchIDs {
            guard let found = try? await operations?.batch(batch) else {
                unknown.append(batch.rawValue)
                continue
            }
            if manager.isTracked(batch), let report = batches.report(of: batch) {
                reply(.batch(report), to: connection)
            } else {
                batches.follow(batch, jobs: found.jobIDs, counts: found.counts)
            }
        }
        if !unknown.isEmpty {
            reply(.error(ProtocolError(.init(rawValue: "unknown_batch"), "No such batch: \(unknown.joined(separator: ", "))",
                                       requestType: "subscribe")), to: connection)
        }
    }

    /// Tracks a batch just stored, before its jobs are announced (the REST batch route calls this).
    public func batchStored(_ batch: BatchID, jobs: [JobID]) {
        batches.follow(batch, jobs: jobs, counts: BatchCounts([.queued: jobs.count]), announce: false)
    }
}
