import Testing

@testable import SDNext

/// Infotext parsing, for SD.Next's and A1111's forms.
@Suite struct InfotextTests {
    @Test func parsesSDNextsInfotext() {
        let text = """
            a red fox, <lora:detail:0.8>
            in the snow
            Negative prompt: blurry, dark
            Steps: 20, Size: 1024x768, Sampler: Euler a, Scheduler: EulerAncestralDiscreteScheduler, Seed: 42, CFG scale: 6.0, \
            App: SD.Next, Version: 058a7f0, Model: sdxl-base-1.0, Model hash: 31e35c80fc, LoRA networks: "detail, more", \
            LoRA hashes: "0d9bd1b8, 3b8aa1d3"
            """
        let infotext = Infotext(parsing: text)
        #expect(infotext.prompt == "a red fox, <lora:detail:0.8>\nin the snow")
        #expect(infotext.negativePrompt == "blurry, dark")
        #expect(infotext.steps == 20 && infotext.seed == 42 && infotext.cfgScale == 6)
        #expect(infotext.size?.width == 1024 && infotext.size?.height == 768)
        #expect(infotext.sampler == "Euler a" && infotext.scheduler == "EulerAncestralDiscreteScheduler")
        #expect(infotext.model == "sdxl-base-1.0" && infotext.modelHash == "31e35c80fc")
        #expect(infotext.loras == ["detail", "more"])
        #expect(infotext.loraHashes.map(\.hash) == ["0d9bd1b8", "3b8aa1d3"])
        #expect(infotext.loraHashes.map(\.name) == ["detail", "more"])
        #expect(infotext["App"] == "SD.Next")
    }

    @Test func parsesA1111sInfotextWithQuotedValues() {
        let text = """
            portrait
            Steps: 30, Sampler: DPM++ 2M Karras, CFG scale: 7, Seed: 1, Size: 512x512, Model hash: abc, Model: dream, \
            Lora hashes: "add_detail: 7c6bad76eb54, film: 1a2b3c", Template: "a \\"quoted\\" value", Version: v1.9.4
            """
        let infotext = Infotext(parsing: text)
        #expect(infotext.prompt == "portrait" && infotext.negativePrompt == "")
        #expect(infotext.sampler == "DPM++ 2M Karras" && infotext.steps == 30)
        #expect(infotext.loras == ["add_detail", "film"])
        #expect(infotext.loraHashes.map(\.hash) == ["7c6bad76eb54", "1a2b3c"])
        #expect(infotext["Template"] == #"a "quoted" value"#)
        #expect(infotext.parameters.last?.key == "Version")
    }

    @Test func aTextWithoutSettingsIsAllPrompt() {
        let infotext = Infotext(parsing: "just a prompt: with a colon, and commas")
        #expect(infotext.prompt == "just a prompt: with a colon, and commas")
        #expect(infotext.parameters.isEmpty && infotext.steps == nil && infotext.loras.isEmpty)
        let empty = Infotext(parsing: "")
        #expect(empty.prompt == "" && empty.parameters.isEmpty)
    }
}
