import Foundation

/// One of SD.Next's own cli example scripts run unchanged against the gateway (through
/// Tests/Compat/run_sdnext_script.py, which fails on any HTTP error or logged warning), and the text its
/// output must show for the run to count. The scripts not run, and why, are listed in Tests/Compat/README.md.
struct SDNextScript: CustomStringConvertible {
    let file: String
    let arguments: [String]
    /// Printed (or logged) by the script only when it got what it asked for.
    let expected: String

    var description: String { ([file] + arguments.map { $0.count > 40 ? "…" : $0 }).joined(separator: " ") }

    /// The gateway at `url`; `image` is a JPEG it made, `folder` takes the scripts' files.
    static func picked(url: String, image: URL, modelName: String, modelTitle: String, folder: URL) throws -> [SDNextScript] {
        let prompts = folder.appendingPathComponent("x-axis.txt")
        try "prompt: a fox\nprompt: an owl\n".write(to: prompts, atomically: true, encoding: .utf8)
        let small = ["--steps", "4", "--width", "64", "--height", "64"]
        return [
            SDNextScript(
                file: "api-txt2img.py", arguments: ["--prompt", "a red fox", "--seed", "1234"] + small,
                expected: "image received: size=(64, 64)"),
            // options + reload-checkpoint, then a txt2img that the chosen model must have made.
            SDNextScript(
                file: "api-txt2img.py", arguments: ["--model", modelTitle] + small,
                expected: "Model: \(modelName),"),
            SDNextScript(
                file: "api-img2img.py", arguments: ["--init", image.path, "--mask", image.path, "--steps", "4"],
                expected: "received image: size=(64, 64)"),
            // A unit with its own image (`override`). No --init/--input: SD.Next's control model declares
            // `inputs`/`inits` as lists of PIL images and refuses any JSON for them. The script sends no size,
            // so the image is control's default 1024×1024.
            SDNextScript(
                file: "api-control.py", arguments: ["--steps", "4", "--control", "Canny:Canny:1.0:0.0:1.0:\(image.path)"],
                expected: "received image: size=(1024, 1024)"),
            SDNextScript(file: "api-info.py", arguments: ["--input", image.path], expected: "Seed: 7,"),
            SDNextScript(file: "api-samplers.py", arguments: [], expected: "current sampler"),
            SDNextScript(file: "api-checkpoint.py", arguments: [], expected: "api-modules: {"),
            SDNextScript(
                file: "api-json.py", arguments: ["txt2img", #"{"prompt":"a fox","steps":4,"width":64,"height":64}"#],
                expected: "'images': ['"),
            SDNextScript(file: "api-history.py", arguments: [], expected: "'job': "),
            // Polls the caller's progress; the runner ends it after two polls.
            SDNextScript(file: "api-progress.py", arguments: [], expected: "sdnext: id="),
            SDNextScript(
                file: "api-grid.py",
                arguments: ["--url", url, "--x", prompts.path, "--folder", folder.path, "--name", "grid"] + small,
                expected: "grid: size=(128, 64)"),
        ]
    }
}
