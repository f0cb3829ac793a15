/// SD.Next's model switching (`modules/sd_models.reload_model_weights`, `modeldata.get_sd_model` and the
/// `override_settings` handling in `processing.process_images`), run by the generation worker under the lock.
extension GenerationRunner {
    /// `reload_model_weights`: loads the checkpoint `sd_model_checkpoint` selects. Nothing selected (an
    /// unknown name) unloads the model; the one already loaded only flashes the `Load model` stage. Returns
    /// the newly loaded checkpoint, nil when none was loaded (SD.Next's `None`, which `POST checkpoint`
    /// reports as `ok: false`).
    func reloadModelWeights() async throws -> CheckpointInfo? {
        guard let selected = await state.selectedModel else {
            await state.unloadModel()
            return nil
        }
        await state.begin("Load model")
        if await state.loadedModel == selected {
            await state.end()
            return nil
        }
        await state.unloadModel()
        do {
            try await pause(timings.modelLoad)
        } catch {
            await state.end()
            throw error
        }
        await state.setLoadedModel(selected)
        await state.end()
        return selected
    }

    /// `shared.sd_model` with no model loaded and the model not locked loads the selected one.
    func loadOnDemand() async throws {
        guard await state.loadedModel == nil, await !state.modelLocked,
            await state.options.values["sd_model_checkpoint"]?.stringValue != "None"
        else { return }
        _ = try await reloadModelWeights()
    }

    /// Applies `override_settings`, first recording in `stored` the values to put back, so a load that fails part
    /// way still has them restored (SD.Next applies them inside its `try`/`finally`). As SD.Next: keys that are no option
    /// change nothing, keys already at their value (or a checkpoint named by its title without the hash
    /// part) are dropped, and a checkpoint that is no exact alias is dropped with a warning after a reload
    /// of the current model; a known one loads inside the job.
    func applyOverrides(_ plan: GenerationPlan, storing stored: inout [(key: String, value: JSONValue)]) async throws {
        var overrides = plan.overrideSettings
        let current = await state.options.values
        for (key, value) in overrides.entries {
            guard let original = current[key] else { continue }
            if original == value || (original.stringValue.map(Self.withoutExtension) ?? "\u{0}" == value.stringValue) {
                overrides[key] = nil
            } else {
                stored.append((key, original))
            }
        }
        if let model = overrides["sd_model_checkpoint"] {
            if model.stringValue.flatMap(state.catalogue.checkpoint(aliased:)) == nil {
                overrides["sd_model_checkpoint"] = nil
                _ = try await reloadModelWeights()
            }
        }
        for (key, value) in overrides.entries {
            await state.assignOption(key, to: value)
            if key == "sd_model_checkpoint" { _ = try await reloadModelWeights() }
        }
    }

    /// `override_settings_restore_afterwards`: puts the stored values back, reloading the original model.
    func restoreOverrides(_ stored: [(key: String, value: JSONValue)], when restore: Bool) async throws {
        guard restore else { return }
        for (key, value) in stored {
            await state.assignOption(key, to: value)
            if key == "sd_model_checkpoint" { _ = try await reloadModelWeights() }
        }
    }

    /// `os.path.splitext(text)[0]`.
    private static func withoutExtension(_ text: String) -> String {
        guard let dot = text.lastIndex(of: "."), dot != text.startIndex, !text[dot...].contains("/") else { return text }
        return String(text[..<dot])
    }
}
