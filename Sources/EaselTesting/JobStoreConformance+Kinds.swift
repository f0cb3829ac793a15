import DynamicJSON
import EaselCore
import Foundation
import SDNextModels
import Testing

extension JobStoreConformance {
    /// An img2img job as the service stores it: input images as references, a field Swift does not name.
    static let img2imgJob: Job = {
        var body = Img2ImgRequest(
            initImages: ["input:a/init_images.0.png"], parameters: Txt2ImgRequest(GenerationFields(prompt: "img2img")),
            mask: "input:a/mask.png", maskBlur: 4)
        body.parameters.further = ["hdr_mode": .number(1)]
        body.denoisingStrength = 0.4
        return Job(parameters: GenerationParameters(.img2img(body)), createdAt: Date(timeIntervalSince1970: 1))
    }()

    /// A control job with a unit image and request-level inputs.
    static let controlJob: Job = {
        var unit = ControlUnit(process: "Canny", model: "m", strength: 0.8, image: "input:b/control.0.image.png")
        unit.further = ["attention_mode": .string("x")]
        let body = ControlRequest(
            GenerationFields(prompt: "control", steps: 3), batchCount: 2, widthBefore: 256, heightBefore: 128,
            inputs: ["input:b/inputs.0.png"], control: [unit])
        return Job(parameters: GenerationParameters(.control(body)), createdAt: Date(timeIntervalSince1970: 2))
    }()

    static let kindChecks: [Check] = [
        Check(name: "keeps every kind's whole body and a control job's processed maps") { store in
            for job in [img2imgJob, controlJob] {
                try await store.insert(job)
                #expect(try await store.job(job.id)?.parameters == job.parameters)
            }
            var claimed: [Job] = []
            while let next = try await store.claimNext(backend: "b", at: Date()) { claimed.append(next) }
            #expect(claimed.map(\.parameters.kind) == [.img2img, .control])
            let result = JobResult(
                images: [StoredImage(fileName: "b/0.png", mimeType: "image/png", byteCount: 3)],
                processed: [StoredImage(fileName: "b/processed-0.png", mimeType: "image/png", byteCount: 2)],
                generationInfo: nil)
            let ended = try #require(try await store.end(controlJob.id, from: .processing, with: .completed(result), at: Date()))
            #expect(ended.result == result && ended.parameters == controlJob.parameters)
            #expect(try await store.completedJobs(limit: 5, offset: 0, before: nil).first?.result?.processed == result.processed)
        },
    ]
}
