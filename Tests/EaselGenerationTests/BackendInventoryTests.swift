import EaselGeneration
import Foundation
import SDNext
import Testing

/// How a job's `model` and a prompt's LoRAs are matched against a backend's inventory.
@Suite struct BackendInventoryTests {
    private let inventory: BackendInventory = {
        let models = try! JSONDecoder().decode([ModelInfo].self, from: Data(#"""
            [{"title":"sdxl-base-1.0 [31e35c80fc]","model_name":"sdxl-base-1.0","filename":"/m/sdxl-base-1.0.safetensors",
              "hash":"31e35c80fc","sha256":"31e35c80fc4829d14f90153f4c74cd59c90b779f6afe05a74cd6120b893f7e5b"},
             {"title":"dreamshaper_8 [879db523c3]","model_name":"dreamshaper_8","filename":"/m/dreamshaper_8.safetensors",
              "hash":"879db523c3","sha256":null}]
            """#.utf8))
        return BackendInventory(checkpoints: models, loadedCheckpoint: "dreamshaper_8 [879db523c3]", loras: ["Fox_Style"])
    }()

    @Test(arguments: [
        "sdxl-base-1.0 [31e35c80fc]", "sdxl-base-1.0", "SDXL-BASE-1.0", "31e35c80fc",
        "31e35c80fc4829d14f90153f4c74cd59c90b779f6afe05a74cd6120b893f7e5b",
    ])
    func aModelIsFoundByTitleNameOrHash(query: String) {
        #expect(inventory.checkpoint(matching: query)?.modelName == "sdxl-base-1.0")
        #expect(!inventory.isLoaded(query))
    }

    @Test func unknownModelsAndTheLoadedOne() {
        #expect(inventory.checkpoint(matching: "juggernautXL_v9") == nil)
        #expect(inventory.checkpoint(matching: "sdxl") == nil)
        #expect(inventory.isLoaded("dreamshaper_8"))
        #expect(inventory.hasLoRA("fox_style") && !inventory.hasLoRA("owl"))
    }
}
