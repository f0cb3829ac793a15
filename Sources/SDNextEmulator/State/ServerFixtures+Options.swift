/// `GET /sdapi/v1/options-info` (`modules/api/options.get_options_info`): metadata for each option, the
/// way SD.Next derives it from its `OptionInfo` table (`ui_definitions.py`), for the options the emulator
/// keeps; labels, sections, defaults and component arguments are SD.Next's.
enum OptionsInfo {
    private struct Option {
        let key: String
        let label: String
        let section: (id: String, title: String)
        let component: String
        let defaultValue: JSONValue
        var arguments: JSONObject = [:]
    }

    static func json(catalogue: Catalogue) -> JSONValue {
        let model = ("sd", "Model Loading"), saving = ("saving-images", "Image Options")
        let preview = ("live-preview", "Live Previews"), networks = ("extra_networks", "Networks")
        let titles = JSONValue.array(catalogue.checkpoints.map { .string($0.title) })
        let options: [Option] = [
            Option(
                key: "sd_model_checkpoint", label: "Base model", section: model, component: "dropdown",
                defaultValue: .string(catalogue.checkpoints.first?.title ?? "None"), arguments: ["choices": titles]),
            Option(
                key: "sd_model_refiner", label: "Refiner model", section: model, component: "dropdown", defaultValue: "None",
                arguments: ["choices": .array(["None"] + (titles.arrayValue ?? []))]),
            Option(
                key: "sd_vae", label: "VAE model", section: ("vae_encoder", "Variational Auto Encoder"), component: "dropdown",
                defaultValue: "Automatic"),
            Option(
                key: "prompt_attention", label: "Prompt attention parser", section: ("text_encoder", "Text Encoder"),
                component: "radio", defaultValue: "native",
                arguments: ["choices": ["native", "compel", "xhinker", "a1111", "fixed"]]),
            Option(
                key: "server_rate_limit", label: "API base rate limit rate", section: ("server", "Server Settings"),
                component: "number", defaultValue: 300, arguments: ["minimum": 0, "maximum": 1000, "step": 1]),
            Option(
                key: "sequential_seed", label: "Batch mode uses sequential seeds", section: ("advanced", "Pipeline Modifiers"),
                component: "switch", defaultValue: true),
            Option(key: "keep_incomplete", label: "Save interrupted images", section: saving, component: "switch", defaultValue: true),
            Option(
                key: "samples_format", label: "File format", section: saving, component: "dropdown", defaultValue: "jpg",
                arguments: ["choices": ["jpg", "png", "webp", "tiff", "jp2", "jxl"]]),
            Option(
                key: "jpeg_quality", label: "Image quality", section: saving, component: "slider", defaultValue: 90,
                arguments: ["minimum": 1, "maximum": 100, "step": 1]),
            Option(key: "return_grid", label: "Show grid in results", section: ("ui", "User Interface"), component: "switch", defaultValue: true),
            Option(
                key: "show_progress_type", label: "Live preview method", section: preview, component: "dropdown",
                defaultValue: "TAESD", arguments: ["choices": ["None", "Simple", "Approximate", "TAESD", "Full"]]),
            Option(
                key: "lora_add_hashes_to_infotext", label: "LoRA add hash info to metadata", section: networks,
                component: "switch", defaultValue: false),
        ]
        var entries = JSONObject()
        var sections = JSONObject()
        for option in options {
            if sections[option.section.id] == nil {
                sections[option.section.id] = .object(["id": .string(option.section.id), "title": .string(option.section.title), "hidden": false])
            }
            entries[option.key] = .object([
                "label": .string(option.label), "section_id": .string(option.section.id),
                "section_title": .string(option.section.title), "visible": true, "hidden": false,
                "type": type(of: option.defaultValue), "component": .string(option.component),
                "component_args": .object(option.arguments), "default": option.defaultValue, "is_legacy": false,
                "is_secret": false,
            ])
        }
        return .object(["options": .object(entries), "sections": .array(sections.entries.map(\.value))])
    }

    /// `boolean`, `number`, `array` or `string`, from the default's Python type.
    private static func type(of value: JSONValue) -> JSONValue {
        switch value {
        case .bool: "boolean"
        case .int, .double: "number"
        case .array: "array"
        default: "string"
        }
    }
}
