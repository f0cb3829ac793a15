#!/usr/bin/env python3
"""Checks Easel's SD.Next-compatible API (the gateway on Easel's own port) as an SD.Next client sees it, with
the parts that are per caller on Easel (progress, interrupt, the model) checked for two callers at once.

    python3 gateway_check.py http://127.0.0.1:PORT "TITLE [HASH]" "TITLE [HASH]" ...

The titles are the pool's checkpoints (every backend's, once each): `sd-models` must list exactly those, and
the model check selects each of them in turn. A caller is a client address until API keys exist, so each
caller here binds its socket to its own loopback address (Linux routes all of 127.0.0.0/8 to lo).

Prints one line per check, `ok <name>` or `FAIL <name>: <reason>`, then a summary, and exits 1 when any check
failed. Nothing waits on a timer: a check that needs a running generation polls its caller's progress until
the generation shows, with a deadline. Needs Pillow (`pip install pillow`).
"""

import sys

from compat_checks import Background, CheckRunner, expect
from compat_images import test_image, test_mask
from gateway_client import (
    DEADLINE,
    SIZE,
    STEPS,
    LONG_STEPS,
    PROGRESS_KEYS,
    STATE_KEYS,
    wait_until,
    Caller,
    encoded,
    decoded_image,
    generation_info,
    validation_issues,
)


class Checks(CheckRunner):
    def __init__(self, url, titles):
        super().__init__()
        self.titles = titles
        self.main = Caller(url, "127.0.0.1")
        self.chooser = Caller(url, "127.0.0.3")
        self.watcher = Caller(url, "127.0.0.6")
        self.first, self.second = Caller(url, "127.0.0.4"), Caller(url, "127.0.0.5")
        self.newcomer = Caller(url, "127.0.0.7")

    @staticmethod
    def txt2img_body(**fields):
        return {"prompt": "a red fox", "steps": STEPS, "width": SIZE, "height": SIZE, "sampler_name": "Euler a",
                **fields}

    def start_long_job(self, caller):
        job = Background(
            lambda: caller.post("/sdapi/v1/txt2img", self.txt2img_body(prompt="a long job", steps=LONG_STEPS)), DEADLINE)
        return job, wait_until(caller.sampling, f"{caller.address}'s job sampling in its /progress")

    # Generation.

    def check_txt2img(self):
        body, info = generation_info(self.main.post("/sdapi/v1/txt2img", self.txt2img_body(seed=1234)))
        expect(body["parameters"].get("prompt") == "a red fox" and body["parameters"].get("steps") == STEPS,
               f"parameters do not echo the request: {str(body['parameters'])[:200]}")
        expect(info["seed"] == 1234 and info["all_seeds"] == [1234], f"info seed {info['seed']}, {info['all_seeds']}")
        expect("Seed: 1234" in info["infotexts"][0], f"infotext {info['infotexts'][0]!r}")

    def check_txt2img_defaults(self):
        """What SD.Next fills in for fields a client leaves out (modules/api/models.py from the processing
        signature): a 1024×1024 image, CFG 6 and the model's own scheduler ("Default")."""
        body, info = generation_info(self.main.post("/sdapi/v1/txt2img", {"prompt": "a fox", "steps": STEPS}),
                                     size=(1024, 1024))
        found = {key: info[key] for key in ("sampler_name", "cfg_scale", "width", "height")}
        expect(found == {"sampler_name": "Default", "cfg_scale": 6.0, "width": 1024, "height": 1024},
               f"info for a body without them: {found}")
        expect(body["parameters"].get("sampler_name") == "Default", f"parameters sampler_name {body['parameters'].get('sampler_name')!r}")

    def check_txt2img_batch(self):
        _, info = generation_info(self.main.post("/sdapi/v1/txt2img", self.txt2img_body(seed=77, batch_size=2)),
                                  count=2)
        expect(info["all_seeds"] == [77, 78], f"all_seeds {info['all_seeds']}")

    def check_img2img_with_mask(self):
        body = {"prompt": "a fox", "steps": STEPS, "width": SIZE, "height": SIZE, "denoising_strength": 0.5,
                "init_images": [encoded(test_image(SIZE))], "mask": encoded(test_mask(SIZE))}
        answer, info = generation_info(self.main.post("/sdapi/v1/img2img", body))
        expect(answer["parameters"].get("init_images") is None, "parameters echo init_images without include_init_images")
        expect("Denoising strength: 0.5" in info["infotexts"][0], f"infotext {info['infotexts'][0]!r}")

    def check_img2img_without_init_images(self):
        answer = self.main.post("/sdapi/v1/img2img", {"prompt": "a fox", "steps": STEPS})
        expect(answer.status == 400 and answer.json == {"error": "Init image is none"}, f"answered {answer}")

    def check_control(self):
        unit = {"process": "Canny", "model": "Canny", "strength": 1.0, "start": 0.0, "end": 1.0,
                "override": encoded(test_image(SIZE))}
        body = {"prompt": "a fox", "steps": STEPS, "width_before": SIZE, "height_before": SIZE, "seed": 42,
                "control": [unit]}
        answer = self.main.post("/sdapi/v1/control", body).expect_ok()
        expect({"images", "processed", "params", "info"} <= answer.keys(), f"answer keys {sorted(answer)}")
        expect(len(answer["images"]) == 1, f"{len(answer['images'])} images")
        expect(decoded_image(answer["images"][0]).size == (SIZE, SIZE), "the image is not the requested size")
        expect(len(answer["processed"]) == 1, f"{len(answer['processed'])} control maps")
        decoded_image(answer["processed"][0], "processed[0]")
        expect(isinstance(answer["params"], dict), f"params is {type(answer['params']).__name__}")
        expect(isinstance(answer["info"], str) and "Seed: 42" in answer["info"],
               f"info (SD.Next: the infotext, not JSON) {answer['info']!r}"[:300])

    # Models.

    def check_model_selection(self):
        for title in reversed(self.titles):
            answer = self.chooser.post("/sdapi/v1/options", {"sd_model_checkpoint": title}).expect_ok()
            expect(answer == {"updated": [{"sd_model_checkpoint": True}]}, f"options answered {answer}")
            reload = self.chooser.post("/sdapi/v1/reload-checkpoint")
            expect(reload.status == 204, f"reload-checkpoint answered {reload} (SD.Next: 204)")
            _, info = generation_info(self.chooser.post("/sdapi/v1/txt2img", self.txt2img_body()))
            infotext = info["infotexts"][0]
            name = title.rsplit(" [", 1)[0]
            expect(f"Model: {name}," in infotext, f"after choosing {title!r}, infotext {infotext!r}")
        return f"{len(self.titles)} models"

    # Progress, interrupt, skip.

    def check_progress_idle(self):
        progress = self.newcomer.progress()
        expect(PROGRESS_KEYS <= progress.keys(), f"progress lacks {sorted(PROGRESS_KEYS - progress.keys())}")
        expect(STATE_KEYS <= progress["state"].keys(), f"state lacks {sorted(STATE_KEYS - progress['state'].keys())}")
        expect(progress["progress"] == 0 and progress["current_image"] is None, f"a caller with no job: {progress}")
        self.newcomer.interrupt()
        self.newcomer.skip()

    def check_progress_during_generation(self):
        job, first = self.start_long_job(self.watcher)
        try:
            expect(first["state"]["sampling_steps"] == LONG_STEPS, f"sampling_steps {first['state']}")
            step = first["state"]["sampling_step"]
            later = wait_until(
                lambda: (lambda p: p if p and p["progress"] > first["progress"] and p["state"]["sampling_step"] > step
                         else None)(self.watcher.sampling(skip_current_image=False)),
                "progress rising")
            expect(0 < later["progress"] <= 1 and isinstance(later["eta_relative"], (int, float)), f"progress {later}")
            preview = wait_until(lambda: self.watcher.progress(skip_current_image=False)["current_image"],
                                 "a preview with skip_current_image=false")
            decoded_image(preview, "current_image")
            internal = self.watcher.post("/internal/progress", {"id_task": None, "id_live_preview": -1}).expect_ok()
            for key in ("job", "active", "queued", "paused", "completed", "step", "steps", "progress", "eta"):
                expect(key in internal, f"/internal/progress lacks {key}: {internal}")
            expect(internal["active"] is True and internal["steps"] == LONG_STEPS, f"/internal/progress {internal}")
            expect(job.running, "the job ended before it was interrupted")
        finally:
            self.watcher.interrupt()
        answer = job.join()
        expect(answer.status == 200 and len(answer.json.get("images", [])) <= 1, f"an interrupted txt2img answered {answer}")
        state = self.watcher.progress()["state"]
        expect(state["interrupted"] is True and state["sampling_step"] < LONG_STEPS, f"state after interrupt {state}")

    def check_interrupt_is_the_callers_own(self):
        first, _ = self.start_long_job(self.first)
        second = None
        try:
            second, _ = self.start_long_job(self.second)
            self.first.interrupt()
            first.join()
            expect(self.first.progress()["state"]["interrupted"] is True, "the interrupted caller's state")
            mark = wait_until(self.second.sampling, "the other caller's job still sampling")
            expect(mark["state"]["interrupted"] is False, f"the other caller's state {mark['state']}")
            wait_until(lambda: (self.second.sampling() or mark)["state"]["sampling_step"] > mark["state"]["sampling_step"],
                       "the other caller's job still stepping")
            expect(second.running, "the other caller's job ended with the first caller's interrupt")
        finally:
            self.first.interrupt()
            self.second.skip()
            first.join()
        answer = second.join()
        expect(answer.status == 200, f"a skipped txt2img answered {answer}")
        expect(self.second.progress()["state"]["skipped"] is True, "the skipped caller's state")

    # Listings.

    def check_sd_models(self):
        models = self.main.get("/sdapi/v1/sd-models").expect_ok()
        for model in models:
            missing = {"title", "model_name", "filename", "type", "hash", "sha256", "config"} - model.keys()
            expect(not missing, f"{model.get('title')} lacks {sorted(missing)}")
        titles = sorted(model["title"] for model in models)
        expect(titles == sorted(self.titles), f"sd-models lists {titles}, the pool has {sorted(self.titles)}")

    def check_listing(self, path, shape):
        answer = self.main.get(path)
        value = answer.expect_ok()
        expect(shape(value), f"unexpected answer {value!r}"[:300])

    # Bad input.

    def check_bad_bodies(self):
        steps = validation_issues(self.main.post("/sdapi/v1/txt2img", {"steps": "abc"}), "steps: \"abc\"")
        expect([(i["type"], i["loc"], i["input"]) for i in steps] == [("int_parsing", ["body", "steps"], "abc")],
               f"steps: \"abc\" issues {steps}")
        prompt = validation_issues(self.main.post("/sdapi/v1/txt2img", {"prompt": []}), "prompt: []")
        expect([(i["type"], i["loc"], i["input"]) for i in prompt] == [("string_type", ["body", "prompt"], [])],
               f"prompt: [] issues {prompt}")
        for route in ("txt2img", "img2img", "control"):
            array = validation_issues(self.main.post(f"/sdapi/v1/{route}", [1, 2]), f"{route} with an array body")
            expect([(i["type"], i["loc"], i["input"]) for i in array] == [("model_attributes_type", ["body"], [1, 2])],
                   f"{route} with an array body: {array}")
        broken = validation_issues(self.main.post("/sdapi/v1/txt2img", raw=b"{not json"), "a body that is not JSON")
        expect(broken[0]["type"] == "json_invalid" and broken[0]["loc"][0] == "body", f"not JSON: {broken}")
        control = validation_issues(self.main.post("/sdapi/v1/control", {"steps": None}), "control steps: null")
        expect(control[0]["loc"] == ["body", "steps"], f"control steps: null issues {control}")

    def check_unknown_sampler(self):
        answer = self.main.post("/sdapi/v1/txt2img", self.txt2img_body(sampler_name="DPM++ 2M Karras"))
        expect(answer.status == 404, f"answered {answer}")
        body = answer.json
        expect(body.get("detail") == "Sampler not found" and body.get("errors") == "404: Sampler not found",
               f"answered {body}")

    def check_unknown_route(self):
        answer = self.main.get("/sdapi/v1/nothing")
        expect(answer.status == 404 and answer.json == {"detail": "Not Found"}, f"answered {answer}")

    def run_all(self):
        def items_with(*keys):
            return lambda answer: isinstance(answer, list) and answer and all(set(keys) <= i.keys() for i in answer)

        def keys(*names):
            return lambda answer: isinstance(answer, dict) and set(names) <= answer.keys()

        self.run("txt2img", self.check_txt2img)
        self.run("txt2img with SD.Next's defaults", self.check_txt2img_defaults)
        self.run("txt2img batch_size 2", self.check_txt2img_batch)
        self.run("img2img with init_images and a mask", self.check_img2img_with_mask)
        self.run("img2img without init_images", self.check_img2img_without_init_images)
        self.run("control with a unit", self.check_control)
        self.run("model selection through options and reload-checkpoint", self.check_model_selection)
        self.run("progress of a caller with no job", self.check_progress_idle)
        self.run("progress during a generation", self.check_progress_during_generation)
        self.run("interrupt acts on the caller's own job", self.check_interrupt_is_the_callers_own)
        self.run("sd-models lists the pool's models", self.check_sd_models)
        listings = [
            ("samplers", items_with("name", "options")),
            ("loras", items_with("name", "alias", "path", "metadata")),
            ("upscalers", items_with("name", "model_name", "model_path", "model_url", "scale")),
            ("sd-vae", lambda answer: isinstance(answer, list)),
            ("prompt-styles", lambda answer: isinstance(answer, list)),
            ("embeddings", keys("loaded", "skipped")),
            ("scripts", keys("txt2img", "img2img")),
            ("face-restorers", lambda answer: isinstance(answer, list)),
            ("cmd-flags", lambda answer: isinstance(answer, dict) and answer),
            ("options", keys("sd_model_checkpoint")),
            ("version", lambda answer: isinstance(answer, dict) and answer),
            ("memory", keys("ram", "cuda")),
        ]
        for path, shape in listings:
            self.run(f"GET {path}", lambda path=path, shape=shape: self.check_listing(f"/sdapi/v1/{path}", shape))
        self.run("bad bodies get SD.Next's 422", self.check_bad_bodies)
        self.run("unknown sampler", self.check_unknown_sampler)
        self.run("unknown route", self.check_unknown_route)
        return self.failures


def main():
    if len(sys.argv) < 3:
        print(__doc__.strip().splitlines()[3].strip(), file=sys.stderr)
        return 2
    return CheckRunner.summary(Checks(sys.argv[1], sys.argv[2:]).run_all())


if __name__ == "__main__":
    sys.exit(main())
