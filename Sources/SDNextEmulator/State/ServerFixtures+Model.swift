/// Fixtures that describe the loaded model or the process: `/sampler`, `/modules`, `/cmd-flags`.
extension ServerFixtures {
    /// `get_sampler`: the loaded pipeline's scheduler class and its config without `_` keys;
    /// `{}` when nothing is loaded. `schedulerClass` is what the last generation's sampler
    /// installed; nil means the model family's diffusers default. The config is the same
    /// plausible one for every class (the emulator has no real scheduler to read it from).
    static func sampler(for model: CheckpointInfo?, schedulerClass: String?) -> JSONValue {
        guard let model else { return .object([:]) }
        return .object([
            "name": .string(Self.schedulerClass(for: model, sampler: schedulerClass)),
            "options": .object([
                "num_train_timesteps": 1000, "beta_start": 0.00085, "beta_end": 0.012,
                "beta_schedule": "scaled_linear", "trained_betas": .null, "skip_prk_steps": true,
                "set_alpha_to_one": false, "prediction_type": "epsilon",
                "timestep_spacing": "leading", "steps_offset": 1,
            ]),
        ])
    }

    /// The scheduler class the pipeline runs: the sampler's, else the model family's diffusers default.
    static func schedulerClass(for model: CheckpointInfo, sampler: String?) -> String {
        if let sampler { return sampler }
        switch model.modelType {
        case "sdxl": return "EulerDiscreteScheduler"
        case "f1": return "FlowMatchEulerDiscreteScheduler"
        default: return "PNDMScheduler"
        }
    }

    /// `get_modules`: `modelstats.analyze()` of the loaded pipeline, `{}` when none is loaded.
    /// Module entries carry no name, exactly as the endpoint builds them.
    static func modules(for model: CheckpointInfo?) -> JSONValue {
        guard let model else { return .object([:]) }
        let isXL = model.modelType == "sdxl"
        let torchModules: [(String, Int, Int)] =
            isXL
            ? [("UNet2DConditionModel", 2_567_463_684, 1_930), ("AutoencoderKL", 83_653_863, 243),
               ("CLIPTextModel", 123_060_480, 152), ("CLIPTextModelWithProjection", 694_659_840, 296)]
            : [("UNet2DConditionModel", 859_520_964, 686), ("AutoencoderKL", 83_653_863, 243),
               ("CLIPTextModel", 123_060_480, 152)]
        var entries: [JSONValue] = torchModules.map { cls, params, count in
            .object([
                "class": .string(cls), "params": .int(params), "modules": .int(count), "quant": .null,
                "device": "cuda:0", "dtype": "torch.float16",
            ])
        }
        for cls in ["CLIPTokenizer", isXL ? "EulerDiscreteScheduler" : "PNDMScheduler"] {
            entries.append(
                .object([
                    "class": .string(cls), "params": 0, "modules": 0, "quant": .null, "device": "None", "dtype": "None",
                ]))
        }
        return .object([
            "model": .string(model.name), "type": .string(model.modelType), "class": .string(model.pipelineClass),
            "size": isXL ? 6_938_078_334 : 2_132_625_894, "mtime": "2026-05-02 10:14:31", "modules": .array(entries),
        ])
    }

    /// `server.get_cmd_flags`: `vars(cmd_opts)`, every argparse destination with its value. A
    /// subset of SD.Next's flags (modules/cmd_args.py) with their defaults, plus the emulator's
    /// port. SD.Next returns `--auth` in clear text here; the emulator answers `"***"` instead,
    /// so a test log never carries the credentials.
    static func cmdFlags(port: Int, hasAuth: Bool) -> JSONValue {
        .object([
            "ckpt": .null, "data_dir": "", "models_dir": "models", "embeddings_dir": "models/embeddings",
            "vae_dir": "models/VAE", "lora_dir": "models/Lora", "extensions_dir": .null,
            "config": "config.json", "secrets": "secrets.json", "device_id": .null, "use_cuda": false,
            "use_ipex": false, "use_rocm": false, "use_zluda": false, "use_openvino": false, "use_directml": false,
            "use_xformers": false, "use_nightly": false, "no_half": false, "no_half_vae": false, "theme": .null,
            "locale": .null, "enso": false, "server_name": .null, "tls_keyfile": .null, "tls_certfile": .null,
            "tls_selfsign": false, "cors_origins": .null, "cors_regex": .null, "subpath": .null, "autolaunch": false,
            "auth": hasAuth ? "***" : .null, "auth_file": .null, "allowed_paths": [], "insecure": false,
            "listen": false, "port": .int(port), "experimental": false, "ignore": false, "new": false, "safe": false,
            "test": false, "version": false, "monitor": -1.0, "status": -1.0, "log": .null, "debug": true,
            "trace": false, "profile": false, "docs": true, "api_log": true, "freeze": false, "medvram": false,
            "lowvram": false, "disable": "", "api": true, "api_only": false,
        ])
    }
}
