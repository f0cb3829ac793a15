import DynamicJSON
import Foundation
import SDNext
import SDNextEmulator
import Testing

/// The request types share `GenerationFields`; what each adds is encoded next to them in one flat object.
@Suite(.timeLimit(.minutes(1))) struct RequestFieldsTests {
    private func json(_ value: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    @Test func samplerIndexIsAnIntOrAName() throws {
        var request = Txt2ImgRequest(GenerationFields(samplerName: ""))
        request.samplerIndex = .name("Euler a")
        #expect(try json(request) == #"{"sampler_index":"Euler a","sampler_name":""}"#)
        request.samplerIndex = .index(3)
        #expect(try json(request) == #"{"sampler_index":3,"sampler_name":""}"#)
        let decoded = try JSONDecoder().decode(Txt2ImgRequest.self, from: Data(#"{"sampler_index":"UniPC","n_iter":2}"#.utf8))
        #expect(decoded.samplerIndex == .name("UniPC") && decoded.nIter == 2)
    }

    @Test func oneFieldSetServesEveryRequest() throws {
        var fields = GenerationFields(prompt: "a fox", steps: 4)
        fields.hrScale = 1.5
        fields.styles = ["Cinematic"]
        let txt = Txt2ImgRequest(fields, width: 64)
        let control = ControlRequest(fields, batchCount: 2, widthBefore: 64)
        let img = Img2ImgRequest(initImages: ["AAAA"], parameters: txt)
        #expect(try json(txt) == #"{"hr_scale":1.5,"prompt":"a fox","steps":4,"styles":["Cinematic"],"width":64}"#)
        #expect(try json(control)
            == #"{"batch_count":2,"hr_scale":1.5,"prompt":"a fox","steps":4,"styles":["Cinematic"],"width_before":64}"#)
        #expect(img.hrScale == 1.5 && img.width == 64)
    }

    /// An A1111 client's body: the sampler's name in `sampler_index` and an empty `sampler_name`.
    @Test func aSamplerNamedBySamplerIndexIsTheOneUsed() async throws {
        try await withEmulatorClient { client, _ in
            var request = smallTxt2Img(steps: 2)
            request.samplerName = ""
            request.samplerIndex = .name("euler a")
            let result = try await client.txt2img(request)
            #expect(result.images.count == 1)
            #expect(result.info?.raw["sampler_name"] == .string("Euler a"))
            #expect(result.parameters["sampler_index"] == .string("euler a"))
        }
    }
}
