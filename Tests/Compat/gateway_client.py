"""The SD.Next client side of gateway_check.py: a caller bound to its own loopback address, its answers, a call
running in the background, test images, and the checks of SD.Next's answer shapes.
"""

import base64
import http.client
import io
import json
import urllib.parse

from PIL import Image

import compat_checks
from compat_checks import CheckFailed, expect

SIZE = 64
STEPS = 4
# Easel's most steps a pass may have (ParameterLimits): long enough, at the test's 40 ms a step, that a poll sees
# it sampling however loaded the machine is; every long job is interrupted or skipped once seen.
LONG_STEPS = 150
DEADLINE = 30.0
PROGRESS_KEYS = {"id", "progress", "eta_relative", "state", "current_image", "textinfo"}
STATE_KEYS = {"skipped", "interrupted", "job", "job_count", "job_timestamp", "job_no", "sampling_step", "sampling_steps"}
INFO_KEYS = {"prompt", "all_prompts", "seed", "all_seeds", "width", "height", "sampler_name", "steps", "infotexts"}


def wait_until(predicate, what):
    return compat_checks.wait_until(predicate, what, DEADLINE, interval=0.02)


class Answer:
    """A response: its status, headers and body, with the body read as JSON when it is."""

    def __init__(self, status, headers, body):
        self.status, self.headers, self.body = status, headers, body

    @property
    def json(self):
        try:
            return json.loads(self.body)
        except ValueError as error:
            raise CheckFailed(f"HTTP {self.status}, body is not JSON: {self.body[:200]!r}") from error

    def expect_ok(self):
        expect(self.status == 200, f"HTTP {self.status}: {self.body[:300]!r}")
        return self.json

    def __repr__(self):
        return f"HTTP {self.status} {self.body[:300]!r}"


class Caller:
    """One client of the gateway, known to it by its source address."""

    def __init__(self, url, address):
        parts = urllib.parse.urlsplit(url)
        self.host, self.port, self.address = parts.hostname, parts.port, address

    def send(self, method, path, body=None, raw=None, timeout=DEADLINE * 2):
        connection = http.client.HTTPConnection(self.host, self.port, timeout=timeout, source_address=(self.address, 0))
        try:
            payload = raw if raw is not None else (None if body is None else json.dumps(body).encode())
            headers = {"Content-Type": "application/json"} if payload is not None else {}
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            return Answer(response.status, dict(response.getheaders()), response.read())
        finally:
            connection.close()

    def get(self, path):
        return self.send("GET", path)

    def post(self, path, body=None, raw=None):
        return self.send("POST", path, body=body, raw=raw)

    def progress(self, skip_current_image=True):
        answer = self.get(f"/sdapi/v1/progress?skip_current_image={'true' if skip_current_image else 'false'}")
        return answer.expect_ok()

    def sampling(self, skip_current_image=True):
        """The caller's progress once its job samples (a step done), else None."""
        progress = self.progress(skip_current_image)
        return progress if progress["state"]["sampling_step"] > 0 and progress["state"]["job_count"] > 0 else None

    def interrupt(self):
        return self.expect_no_content("/sdapi/v1/interrupt")

    def skip(self):
        return self.expect_no_content("/sdapi/v1/skip")

    def expect_no_content(self, path):
        answer = self.post(path)
        expect(answer.status == 204 and answer.body == b"", f"{path} answered {answer} (SD.Next: 204, no body)")


def encoded(image, format="PNG"):
    stream = io.BytesIO()
    image.save(stream, format=format)
    return base64.b64encode(stream.getvalue()).decode()


def decoded_image(text, what="image"):
    expect(isinstance(text, str) and not text.startswith("data:"), f"{what} is not plain base64: {str(text)[:60]!r}")
    try:
        image = Image.open(io.BytesIO(base64.b64decode(text, validate=True)))
        image.load()
        return image
    except Exception as error:
        raise CheckFailed(f"{what} does not decode: {type(error).__name__}: {error}") from error


def generation_info(answer, size=(SIZE, SIZE), count=1):
    """Checks a txt2img/img2img answer's images, `parameters` and `info`; returns `info` decoded."""
    body = answer.expect_ok()
    expect({"images", "parameters", "info"} <= body.keys(), f"answer keys {sorted(body)}")
    expect(len(body["images"]) == count, f"{len(body['images'])} images, expected {count}")
    for index, text in enumerate(body["images"]):
        image = decoded_image(text, f"images[{index}]")
        expect(image.size == size, f"images[{index}] is {image.size}, expected {size}")
    expect(isinstance(body["parameters"], dict), f"parameters is {type(body['parameters']).__name__}")
    expect(isinstance(body["info"], str), f"info is {type(body['info']).__name__}, not a JSON string")
    try:
        info = json.loads(body["info"])
    except ValueError as error:
        raise CheckFailed(f"info is not JSON: {body['info'][:200]!r}") from error
    expect(isinstance(info, dict) and INFO_KEYS <= info.keys(), f"info lacks {sorted(INFO_KEYS - info.keys())}")
    expect(len(info["infotexts"]) == count, f"{len(info['infotexts'])} infotexts for {count} images")
    return body, info


def validation_issues(answer, what):
    """FastAPI's 422: `{"detail": [{type, loc, msg, input, ...}]}`."""
    expect(answer.status == 422, f"{what} answered {answer}, expected 422")
    body = answer.json
    expect(isinstance(body, dict) and list(body) == ["detail"], f"{what}: 422 body {body!r}"[:300])
    issues = body["detail"]
    expect(isinstance(issues, list) and issues, f"{what}: detail is {issues!r}")
    for issue in issues:
        expect({"type", "loc", "msg", "input"} <= issue.keys(), f"{what}: issue {issue!r}")
    return issues
