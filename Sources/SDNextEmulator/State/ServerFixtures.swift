/// Fixed answers for SD.Next's enumeration routes that no emulator behaviour depends on: what a
/// fresh SD.Next install with the emulator's catalogue would list. Shapes follow the functions
/// named on each entry (`modules/api/endpoints.py` unless noted); the values are plausible, not
/// copied from a live server.
enum ServerFixtures {
    /// `get_sd_vaes`: `[{model_name, filename}]` from `sd_vae.vae_dict`.
    static let vaes: JSONValue = [
        .object(["model_name": "sdxl-vae-fp16-fix", "filename": "/app/models/VAE/sdxl-vae-fp16-fix.safetensors"]),
        .object(["model_name": "vae-ft-mse-840000", "filename": "/app/models/VAE/vae-ft-mse-840000.safetensors"]),
    ]

    /// `get_upscalers`: `[{name, model_name, model_path, model_url: null, scale}]`; the built-in
    /// non-model upscalers have null `model_name`/`model_path`.
    static let upscalers: JSONValue = [
        upscaler("None"), upscaler("Resize Lanczos"), upscaler("Resize Nearest"),
        upscaler("ESRGAN 4x-UltraSharp", model: "4x-UltraSharp", path: "/app/models/ESRGAN/4x-UltraSharp.pth"),
        upscaler("RealESRGAN 4x+", model: "RealESRGAN_x4plus", path: "/app/models/RealESRGAN/RealESRGAN_x4plus.pth"),
        upscaler("SwinIR 4x", model: "SwinIR_4x", path: "/app/models/SwinIR/SwinIR_4x.pth"),
    ]

    static func upscaler(_ name: String, model: String? = nil, path: String? = nil, scale: Double = 4) -> JSONValue {
        .object([
            "name": .string(name), "model_name": .string(model), "model_path": .string(path), "model_url": .null,
            "scale": .double(scale),
        ])
    }

    /// `get_detailers` (also `face-restorers`, its legacy alias): `[{name, path}]`.
    static let detailers: JSONValue = [
        .object(["name": "face-yolo8n", "path": "/app/models/yolo/face-yolo8n.pt"]),
        .object(["name": "hand_yolov8n", "path": "/app/models/yolo/hand_yolov8n.pt"]),
        .object(["name": "person_yolov8n-seg", "path": "/app/models/yolo/person_yolov8n-seg.pt"]),
    ]

    /// `get_prompt_styles`: `[{name, prompt, negative_prompt, extra, filename, preview}]`.
    static let promptStyles: JSONValue = [
        .object([
            "name": "Cinematic", "prompt": "{prompt}, cinematic still, shallow depth of field, film grain",
            "negative_prompt": "cartoon, illustration", "extra": "", "filename": "/app/models/styles/Cinematic.json",
            "preview": .null,
        ]),
        .object([
            "name": "Line art", "prompt": "line art drawing {prompt}, professional, sleek, minimalist",
            "negative_prompt": "photo, realistic", "extra": "", "filename": "/app/models/styles/Line art.json",
            "preview": .null,
        ]),
    ]

    /// `get_embeddings` → `ResEmbeddings`: `{loaded, skipped}` name lists for the loaded model;
    /// both empty when no model is loaded.
    static func embeddings(modelType: String?) -> JSONValue {
        switch modelType {
        case nil: .object(["loaded": [], "skipped": []])
        case "sd": .object(["loaded": ["EasyNegative", "bad-hands-5"], "skipped": ["negative_xl"]])
        default: .object(["loaded": ["negative_xl"], "skipped": ["EasyNegative", "bad-hands-5"]])
        }
    }

    /// `script.get_scripts_list` → `ResScripts`: selectable script titles per pipeline.
    static let scripts: JSONValue = .object([
        "txt2img": ["prompt matrix", "prompts from file", "x/y/z plot"],
        "img2img": ["loopback", "outpainting", "prompt matrix", "prompts from file", "x/y/z plot"],
        "control": ["prompt matrix", "x/y/z plot"],
    ])

    /// `script.get_script_info`: one `ItemScript` per script and pipeline (api/script.py).
    static let scriptInfo: [JSONValue] = [
        scriptItem("prompt matrix", img2img: false, args: [arg("Put variable parts at start of prompt", false)]),
        scriptItem("prompt matrix", img2img: true, args: [arg("Put variable parts at start of prompt", false)]),
        scriptItem("x/y/z plot", img2img: false, args: [arg("X type", "Nothing"), arg("X values", "")]),
        scriptItem("loopback", img2img: true, args: [arg("Loops", 4, minimum: 1, maximum: 32, step: 1)]),
    ]

    static func scriptItem(_ name: String, img2img: Bool, args: [JSONValue]) -> JSONValue {
        .object(["name": .string(name), "is_alwayson": false, "is_img2img": .bool(img2img), "args": .array(args)])
    }

    /// A `ScriptArg`: `{label, value, minimum, maximum, step, choices}`.
    static func arg(
        _ label: String, _ value: JSONValue, minimum: JSONValue = nil, maximum: JSONValue = nil, step: JSONValue = nil
    ) -> JSONValue {
        .object([
            "label": .string(label), "value": value, "minimum": minimum, "maximum": maximum, "step": step,
            "choices": .null,
        ])
    }

    /// `server.get_platform`: `installer.get_platform()` merged with `loader.get_packages()`;
    /// `locale` is Python's `(lang, encoding)` tuple, hence an array.
    static let platform: JSONValue = .object([
        "arch": "x86_64", "cpu": "x86_64", "system": "Linux", "release": "6.8.0-60-generic", "python": "3.12.3",
        "locale": ["en_US", "UTF-8"], "setuptools": "80.9.0", "docker": true, "pip": "25.1.1", "uv": "0.8.3",
        "torch": "2.8.0+cu128", "torchvision": "0.23.0+cu128", "diffusers": "0.36.0.dev0", "transformers": "4.57.1",
        "tokenizers": "0.22.1", "accelerate": "1.10.1", "hub": "0.35.3", "gradio": "3.43.2", "pydantic": "2.13.0",
        "numpy": "2.1.2", "onnxruntime": "1.22.1",
    ])

    /// ControlNet names per model type, from `control/units/controlnet.py`'s predefined tables
    /// (a subset); `control-models` lists those for the loaded model's type.
    static let controlNets: [String: [String]] = [
        "sd": ["Canny", "Depth", "HED", "IP2P", "LineArt", "OpenPose", "Scribble", "Segment", "SoftEdge", "Tile"],
        "sdxl": [
            "Canny Small XL", "Canny Mid XL", "Canny XL", "Depth Zoe XL", "Depth Mid XL", "OpenPose XL",
            "Xinsir Union XL", "Xinsir ProMax XL", "Xinsir Canny XL", "Xinsir Tile XL",
        ],
    ]
}
