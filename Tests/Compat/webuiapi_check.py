#!/usr/bin/env python3
"""Runs `webuiapi` (PyPI, the common Python client of the A1111/SD.Next API) unchanged against a server and
checks what it gets back: does a user's script built on webuiapi work against this server?

    python3 webuiapi_check.py http://127.0.0.1:7860 [USER:PASSWORD]

With USER:PASSWORD, webuiapi sends HTTP Basic credentials (its username/password arguments) with every call.

Prints one line per check, `ok <name>`, `FAIL <name>: <reason>` or `skip <name>: <why>` (webuiapi features
that only A1111 or its extensions serve), and exits 1 when any check failed. Nothing waits on a timer: a
check that needs a running generation polls progress until the generation shows, with a deadline.

Needs `pip install webuiapi` (it brings requests and Pillow).
"""

import contextlib
import io
import sys

import requests
import webuiapi

import compat_checks
from compat_checks import Background, CheckFailed, CheckRunner, expect
from compat_images import test_image, test_mask
from PIL import Image

SIZE = 64
STEPS = 4
# Long enough (at the emulator's 10 ms a step) that a 4 Hz poll sees it sampling however loaded the machine
# is; interrupt and skip end it early.
LONG_STEPS = 1000
DEADLINE = 30.0


def wait_until(predicate, what, deadline=DEADLINE):
    """At 4 Hz: SD.Next answers 429 to more than 300 calls a minute on one path (`server_rate_limit`)."""
    return compat_checks.wait_until(predicate, what, deadline, interval=0.25)


def exif_user_comment(image):
    """The EXIF UserComment text of a JPEG, decoded as piexif's `UserComment.dump` encodes it (SD.Next's writer)."""
    raw = image.getexif().get_ifd(0x8769).get(0x9286)
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw
    prefix, body = raw[:8], raw[8:]
    if prefix == b"UNICODE\x00":
        return body.decode("utf_16_be")
    return body.decode("ascii", errors="replace")


class Checks(CheckRunner):
    def __init__(self, url, credentials=None):
        super().__init__()
        username, _, password = (credentials or "").partition(":")
        self.api = webuiapi.WebUIApi(
            baseurl=f"{url.rstrip('/')}/sdapi/v1", sampler="Euler a", steps=STEPS,
            username=username or None, password=password or None)
        self.responses = []
        self.api.session.hooks["response"].append(lambda response, *args, **kwargs: self.responses.append(response))

    # Helpers over webuiapi's public API.

    def txt2img(self, **arguments):
        """webuiapi sends `hr_sampler_name: null` unless given one, and SD.Next declares that field `str` (not
        Optional) in modules/api/models.py, so its pydantic model answers 422; `check_default_hr_sampler_name`
        checks that, every other call names the default."""
        arguments = {"prompt": "a red fox", "width": SIZE, "height": SIZE, "hr_sampler_name": "Same as primary",
                     **arguments}
        return self.api.txt2img(**arguments)

    def last_response(self, path):
        return next(response for response in reversed(self.responses) if response.url.split("?")[0].endswith(path))

    def no_content_call(self, call, path):
        """interrupt, skip and refresh_checkpoints: webuiapi parses the body as JSON, and SD.Next answers these
        with 204 and no body (A1111 answers 200 `{}`), so webuiapi raises JSONDecodeError against SD.Next. The
        call has still been made; the status of its response (to `path`; a generation may answer meanwhile on
        another thread) says whether the server took it."""
        try:
            call()
        except requests.exceptions.JSONDecodeError:
            pass
        response = self.last_response(path)
        expect(response.status_code in (200, 204), f"answered {response.status_code}: {response.text[:200]}")
        return f"HTTP {response.status_code}"

    def set_model(self, title):
        """util_set_model, with its progress prints kept out of the check lines."""
        with contextlib.redirect_stdout(sys.stderr):
            self.api.util_set_model(title)

    def current_model(self):
        return self.api.util_get_current_model()

    def other_model(self):
        current = self.current_model()
        others = [title for title in self.api.util_get_model_names() if title != current]
        expect(others, f"only one model is listed ({current})")
        return others[0]

    def model_name(self, title):
        return next(model["model_name"] for model in self.api.get_sd_models() if model["title"] == title)

    def start_long_generation(self, **arguments):
        job = Background(lambda: self.txt2img(prompt="a long job", steps=LONG_STEPS, **arguments), DEADLINE)
        wait_until(self.sampling_progress, "a sampling step in /progress")
        return job

    def sampling_progress(self):
        progress = self.api.get_progress()
        state = progress.get("state", {})
        return progress if state.get("job") == "Inference" and state.get("sampling_step", 0) > 0 else None

    # Generation.

    def check_txt2img(self):
        result = self.txt2img(seed=1234)
        expect(len(result.images) == 1, f"{len(result.images)} images")
        expect(result.image.size == (SIZE, SIZE), f"image size {result.image.size}")
        expect(isinstance(result.info, dict), f"info is not JSON: {result.info!r}"[:200])
        expect(result.info.get("seed") == 1234, f"info seed {result.info.get('seed')}")
        expect(result.info.get("sampler_name") == "Euler a", f"info sampler_name {result.info.get('sampler_name')}")
        expect(result.parameters.get("sampler_index") == "Euler a", "parameters do not echo sampler_index")
        infotext = result.info.get("infotexts", [""])[0]
        expect("Seed: 1234" in infotext and "Sampler: Euler a" in infotext, f"infotext {infotext!r}")

    def check_default_hr_sampler_name(self):
        try:
            self.api.txt2img(prompt="a red fox", width=SIZE, height=SIZE)
        except RuntimeError as error:
            status, body = error.args
            expect(status == 422 and '"loc":["body","hr_sampler_name"]' in body, f"answered {status}: {body[:200]}")
            return "422 as SD.Next: hr_sampler_name is declared str"
        raise CheckFailed("webuiapi's null hr_sampler_name was accepted; SD.Next's model refuses it")

    def check_txt2img_batch(self):
        batch = self.txt2img(seed=77, batch_size=2)
        expect(len(batch.images) == 2, f"batch_size 2 gave {len(batch.images)} images")
        iterations = self.txt2img(seed=77, n_iter=2)
        expect(len(iterations.images) == 2, f"n_iter 2 gave {len(iterations.images)} images")
        expect(iterations.info.get("all_seeds") == [77, 78], f"all_seeds {iterations.info.get('all_seeds')}")

    def check_jpeg_exif_infotext(self):
        result = self.txt2img(seed=4321)
        expect(result.image.format == "JPEG", f"image format {result.image.format} (samples_format defaults to jpg)")
        comment = exif_user_comment(result.image)
        expect(comment is not None, "the JPEG has no EXIF UserComment")
        expect(comment == result.info["infotexts"][0], f"EXIF UserComment {comment!r} is not the infotext")
        # Re-saved with its EXIF, the image keeps the infotext. (SD.Next's cli/api-txt2img.py --output passes
        # `_getexif()`, a dict, which Pillow 12 and 13 refuse with TypeError, whatever the server sent.)
        saved = io.BytesIO()
        result.image.save(saved, format="JPEG", exif=result.image.info["exif"])
        saved.seek(0)
        expect(exif_user_comment(Image.open(saved)) == comment, "the re-saved JPEG lost its UserComment")

    def check_img2img(self):
        result = self.api.img2img(images=[test_image(SIZE)], prompt="a fox", width=SIZE, height=SIZE, denoising_strength=0.5)
        expect(len(result.images) == 1, f"{len(result.images)} images")
        expect(result.image.size == (SIZE, SIZE), f"image size {result.image.size}")
        expect(isinstance(result.info, dict), f"info is not JSON: {result.info!r}"[:200])

    def check_img2img_mask(self):
        result = self.api.img2img(
            images=[test_image(SIZE)], mask_image=test_mask(SIZE), prompt="a fox", width=SIZE, height=SIZE,
            denoising_strength=0.5)
        expect(len(result.images) == 1, f"{len(result.images)} images")
        expect(result.image.size == (SIZE, SIZE), f"image size {result.image.size}")

    # Models, samplers, options.

    def check_sd_models(self):
        models = self.api.get_sd_models()
        expect(isinstance(models, list) and models, f"sd-models answered {models!r}"[:200])
        for model in models:
            missing = {"title", "model_name", "filename", "hash", "sha256"} - model.keys()
            expect(not missing, f"{model.get('title')} lacks {sorted(missing)}")
        names = self.api.util_get_model_names()
        expect(names == sorted(model["title"] for model in models), f"util_get_model_names {names}")
        expect(self.current_model() in names, f"current model {self.current_model()!r} is not listed")

    def check_util_set_model(self):
        original, target = self.current_model(), self.other_model()
        self.set_model(target)
        try:
            expect(self.current_model() == target, f"options say {self.current_model()!r} after switching to {target!r}")
            checkpoint = self.api.custom_get("sdapi/v1/checkpoint")
            expect(checkpoint.get("title") == target, f"/checkpoint says {checkpoint.get('title')!r}")
            infotext = self.txt2img().info["infotexts"][0]
            expect(f"Model: {self.model_name(target)}," in infotext, f"infotext after the switch: {infotext!r}")
        finally:
            self.set_model(original)
        expect(self.current_model() == original, f"switching back left {self.current_model()!r}")

    def check_override_settings_model(self):
        original, target = self.current_model(), self.other_model()
        result = self.txt2img(override_settings={"sd_model_checkpoint": target})
        infotext = result.info["infotexts"][0]
        expect(f"Model: {self.model_name(target)}," in infotext, f"infotext {infotext!r}")
        expect(self.current_model() == original, f"the override stuck: options say {self.current_model()!r}")

    def check_samplers(self):
        samplers = self.api.get_samplers()
        expect(all({"name", "options"} <= sampler.keys() for sampler in samplers), "a sampler lacks name/options")
        names = self.api.util_get_sampler_names()
        expect("Euler a" in names, f"no 'Euler a' in {names}")

    def check_schedulers(self):
        """SD.Next 058a7f0 answers 500: its `Default` row has `cls` None, which its response model refuses."""
        with contextlib.suppress(Exception):
            self.api.get_schedulers()
        response = self.last_response("/schedulers")
        expect(response.status_code == 500 and "ResponseValidationError" in response.text,
               f"answered {response.status_code}: {response.text[:200]}")
        return "500 as SD.Next"

    def check_options(self):
        options = self.api.get_options()
        for key in ("sd_model_checkpoint", "samples_format"):
            expect(key in options, f"options lack {key}")
        quality = options.get("jpeg_quality", 90)
        answer = self.api.set_options({"jpeg_quality": quality - 5})
        expect(answer == {"updated": [{"jpeg_quality": True}]}, f"set_options answered {answer}")
        expect(self.api.get_options().get("jpeg_quality") == quality - 5, "jpeg_quality did not change")
        self.api.set_options({"jpeg_quality": quality})

    def check_png_info(self):
        """png_info re-encodes the image as PNG keeping only its text items, so it carries the infotext only when
        the server sends PNGs: switch samples_format to png for the round trip."""
        self.api.set_options({"samples_format": "png"})
        try:
            result = self.txt2img(seed=2468)
        finally:
            self.api.set_options({"samples_format": "jpg"})
        expect(result.image.format == "PNG", f"image format {result.image.format} with samples_format png")
        infotext = result.info["infotexts"][0]
        expect(result.image.info.get("parameters") == infotext, "the PNG has no `parameters` text chunk")
        read = self.api.png_info(result.image)
        expect(read.info == infotext, f"png-info info {read.info!r}")
        expect(read.parameters.get("Seed") == 2468 and read.parameters.get("Steps") == STEPS,
               f"png-info parameters {read.parameters}")

    def check_png_info_jpeg(self):
        """The server's own JPEG (EXIF UserComment), sent as is through webuiapi's custom_post."""
        result = self.txt2img(seed=1357)
        read = self.api.custom_post("sdapi/v1/png-info", payload={"image": result.json["images"][0]})
        expect(read.info == result.info["infotexts"][0], f"png-info info {read.info!r}")
        expect(read.parameters.get("Seed") == 1357, f"png-info parameters {read.parameters}")

    # Progress, interrupt, skip.

    def check_progress(self):
        job = self.start_long_generation()
        try:
            # progress is step/steps rounded to 2 decimals: 0.0 for the first steps of a long job.
            progress = wait_until(
                lambda: (lambda answer: answer if answer and answer["progress"] > 0 else None)(self.sampling_progress()),
                "progress above 0")
            expect(progress["progress"] <= 1, f"progress {progress['progress']}")
            expect(isinstance(progress["eta_relative"], (int, float)), f"eta_relative {progress['eta_relative']!r}")
            expect(progress["state"]["sampling_steps"] == LONG_STEPS, f"sampling_steps {progress['state']}")
        finally:
            self.no_content_call(self.api.interrupt, "/interrupt")
            job.join()

    def check_interrupt(self):
        job = self.start_long_generation(seed=99)
        note = self.no_content_call(self.api.interrupt, "/interrupt")
        result = job.join()
        expect(len(result.images) <= 1, f"{len(result.images)} images after interrupt")
        state = self.api.get_progress()["state"]
        expect(state["interrupted"] is True, f"progress state after interrupt {state}")
        expect(state["sampling_step"] < LONG_STEPS, f"all {LONG_STEPS} steps ran")
        return note

    def check_skip(self):
        job = self.start_long_generation()
        note = self.no_content_call(self.api.skip, "/skip")
        result = job.join()
        expect(result.images == [], f"{len(result.images)} images after skip (n_iter 1 skips its only image)")
        expect(self.api.get_progress()["state"]["skipped"] is True, "progress state does not say skipped")
        return note

    def check_util_wait_for_ready(self):
        self.txt2img()  # a finished generation leaves the server idle
        waiter = Background(lambda: self.api.util_wait_for_ready(check_interval=0.05), DEADLINE)
        waiter.join()

    # Listings and utilities.

    def check_listing(self, call, shape):
        answer = call()
        expect(shape(answer), f"unexpected answer {answer!r}"[:300])

    def check_refresh_checkpoints(self):
        return self.no_content_call(self.api.refresh_checkpoints, "/refresh-checkpoints")

    def check_extra_single_image(self):
        """SD.Next 058a7f0 runs the upscale, then answers 500: `html_info` is given run_extras' video, None."""
        upscaler = next(item["name"] for item in self.api.get_upscalers() if item["name"] != "None")
        with contextlib.suppress(RuntimeError):
            self.api.extra_single_image(test_image(SIZE), upscaler_1=upscaler, upscaling_resize=2)
        response = self.last_response("/extra-single-image")
        expect(response.status_code == 500 and "ValidationError" in response.text,
               f"answered {response.status_code}: {response.text[:200]}")
        return "500 as SD.Next"

    def check_extra_batch_images(self):
        result = self.api.extra_batch_images([test_image(SIZE), test_mask(SIZE)], upscaling_resize=2)
        expect([image.size for image in result.images] == [(2 * SIZE, 2 * SIZE)] * 2,
               f"image sizes {[image.size for image in result.images]}")

    def run_all(self):
        def items_with(*keys):
            return lambda answer: isinstance(answer, list) and all(set(keys) <= item.keys() for item in answer)

        self.run("txt2img", self.check_txt2img)
        self.run("txt2img with webuiapi's default hr_sampler_name", self.check_default_hr_sampler_name)
        self.run("txt2img batch_size and n_iter", self.check_txt2img_batch)
        self.run("txt2img infotext in JPEG EXIF", self.check_jpeg_exif_infotext)
        self.run("img2img", self.check_img2img)
        self.run("img2img with mask", self.check_img2img_mask)
        self.run("get_sd_models, util_get_model_names", self.check_sd_models)
        self.run("util_set_model", self.check_util_set_model)
        self.run("txt2img override_settings sd_model_checkpoint", self.check_override_settings_model)
        self.run("get_samplers, util_get_sampler_names", self.check_samplers)
        self.run("get_schedulers, util_get_scheduler_names", self.check_schedulers)
        self.run("get_options, set_options", self.check_options)
        self.run("png_info", self.check_png_info)
        self.run("png-info of a JPEG", self.check_png_info_jpeg)
        self.run("util_wait_for_ready", self.check_util_wait_for_ready)
        self.run("get_progress while generating", self.check_progress)
        self.run("interrupt", self.check_interrupt)
        self.run("skip", self.check_skip)
        listings = [
            ("get_loras", self.api.get_loras, items_with("name", "alias", "path", "metadata")),
            ("get_upscalers", self.api.get_upscalers, items_with("name", "model_name", "model_path", "model_url", "scale")),
            ("get_sd_vae", self.api.get_sd_vae, items_with("model_name", "filename")),
            ("get_embeddings", self.api.get_embeddings, lambda answer: {"loaded", "skipped"} <= answer.keys()),
            ("get_face_restorers", self.api.get_face_restorers, items_with("name", "path")),
            ("get_prompt_styles", self.api.get_prompt_styles, items_with("name", "prompt", "negative_prompt")),
            ("get_scripts", self.api.get_scripts, lambda answer: {"txt2img", "img2img"} <= answer.keys()),
            ("get_cmd_flags", self.api.get_cmd_flags, lambda answer: isinstance(answer, dict) and answer),
            ("get_memory", self.api.get_memory, lambda answer: {"ram", "cuda"} <= answer.keys()),
        ]
        for name, call, shape in listings:
            self.run(name, lambda: self.check_listing(call, shape))
        self.run("refresh_checkpoints", self.check_refresh_checkpoints)
        self.run("extra_single_image", self.check_extra_single_image)
        self.run("extra_batch_images", self.check_extra_batch_images)

        self.skip("controlnet_units / ControlNetInterface / controlnet_*",
                  "A1111's sd-webui-controlnet: SD.Next has no `controlnet` alwayson script (422) and no "
                  "/controlnet/* routes; its ControlNet is POST /sdapi/v1/control, which webuiapi does not call")
        self.skip("adetailer, animatediff, roop, reactor, sag, segment anything, tagger, rembg, prompt_gen",
                  "A1111 extensions' alwayson scripts and routes, not part of SD.Next")
        self.skip("get_hypernetworks, get_realesrgan_models, get_latent_upscale_modes, get_artists",
                  "A1111-only routes; SD.Next does not register them (404)")
        self.skip("interrogate", "A1111's /sdapi/v1/interrogate; SD.Next replaced it with /sdapi/v1/caption")
        return self.failures


def main():
    if len(sys.argv) not in (2, 3):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return CheckRunner.summary(Checks(*sys.argv[1:]).run_all())


if __name__ == "__main__":
    sys.exit(main())
