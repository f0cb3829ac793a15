#!/usr/bin/env python3
"""Runs `sd-backend-client` (PyPI 0.5.0, a headless client of A1111/Forge/ComfyUI) unchanged against a server
that says it is A1111, and checks what it gets back.

    python3 sd_backend_client_check.py http://127.0.0.1:7860

Prints `ok <name>` or `FAIL <name>: <reason>` per check and exits 1 when any failed. Waits poll the client's own
job handle with a deadline; nothing sleeps and hopes.
"""

import sys

from PIL import Image
from sd_backend_client import A1111Webservice, DiffusionRequestBody, GenerationStatus, connect_to_backend

from compat_checks import CheckRunner, expect, wait_until

SIZE = 64
DEADLINE = 30.0


class Checks(CheckRunner):
    def __init__(self, url):
        super().__init__()
        self.url = url
        self.service = None

    def check_connect(self):
        self.service = connect_to_backend(self.url)
        expect(isinstance(self.service, A1111Webservice), f"detected {type(self.service).__name__}")

    def check_listings(self):
        expect(self.service.get_config().get("samples_format") == "png", "A1111 saves PNG by default")
        expect(self.service.get_models(), "no models")
        expect(any(sampler.name == "Euler a" for sampler in self.service.get_samplers()), "no 'Euler a' sampler")
        expect(self.service.get_upscalers() and self.service.get_vae(), "no upscalers or VAEs")

    def check_txt2img(self):
        result = self.service.txt2img(DiffusionRequestBody(prompt="a cat", width=SIZE, height=SIZE, steps=3, sampler="Euler a"))
        expect(result["images"][0].size == (SIZE, SIZE), f"image size {result['images'][0].size}")
        expect(result["info"].sd_model_name, "info has no sd_model_name")

    def check_img2img_with_mask(self):
        init = Image.new("RGB", (SIZE, SIZE), (10, 200, 10))
        mask = Image.new("L", (SIZE, SIZE), 255)
        body = DiffusionRequestBody(prompt="x", width=SIZE, height=SIZE, steps=3, denoising_strength=0.5)
        result = self.service.img2img(init, mask, body)
        expect(result["images"][0].size == (SIZE, SIZE), f"image size {result['images'][0].size}")

    def check_submit_and_progress(self):
        handle = self.service.submit_txt2img(DiffusionRequestBody(prompt="p", width=SIZE, height=SIZE, steps=200))
        seen = []
        result = handle.wait(poll_interval=0.1, on_progress=lambda progress: seen.append(progress))
        active = [progress.progress or 0 for progress in seen if progress.status is GenerationStatus.ACTIVE]
        # A1111 is idle (progress 0) between the end of its work and the answer's last byte; a loaded machine
        # stretches that window until a poll lands in it.
        while len(active) > 1 and active[-1] == 0:
            active.pop()
        expect(len(result.images) == 1, f"{len(result.images)} images")
        expect(any(0 < value < 1 for value in active), f"no progress between 0 and 1 in {active}")
        expect(active == sorted(active), f"progress went back: {active}")

    def check_cancel(self):
        handle = self.service.submit_txt2img(DiffusionRequestBody(prompt="p", width=SIZE, height=SIZE, steps=5000))
        wait_until(lambda: (handle.poll().progress or 0) > 0.01, "the job sampling", DEADLINE, interval=0.05)
        expect(handle.cancel(), "cancel() answered false")
        try:
            handle.wait(timeout=DEADLINE)
        except Exception:  # the client raises for a cancelled generation
            pass
        expect(handle.poll().status is GenerationStatus.CANCELLED, f"status {handle.poll().status}")

    def run_all(self):
        self.run("connect_to_backend", self.check_connect)
        if self.service is None:
            return self.failures
        self.run("config, models, samplers, upscalers, vae", self.check_listings)
        self.run("txt2img", self.check_txt2img)
        self.run("img2img with mask", self.check_img2img_with_mask)
        self.run("submit_txt2img with progress", self.check_submit_and_progress)
        self.run("cancel (interrupt)", self.check_cancel)
        return self.failures


def main():
    if len(sys.argv) != 2:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    return CheckRunner.summary(Checks(sys.argv[1]).run_all())


if __name__ == "__main__":
    sys.exit(main())
