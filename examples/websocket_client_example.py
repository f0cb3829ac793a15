#!/usr/bin/env python3
"""Queue one image generation on an Easel server, follow its progress over the WebSocket, save the image.

    pip install websockets
    python3 examples/websocket_client_example.py "a red fox in the snow" --steps 30 --width 768 --height 512

The job is submitted with a plain REST call (urllib), then the script subscribes to the job on
ws://HOST/api/v1/ws/progress and prints one line per event. If the connection drops, it reconnects and
subscribes again: the server answers a subscription with the job's current state at once, so nothing is lost.
When the job completes, its images are downloaded next to the current directory (or to --output).

Exit codes: 0 completed (image saved), 1 the job failed or was cancelled, 2 bad command line,
3 the server could not be reached or rejected the request.
"""

import argparse
import asyncio
import base64
import json
import mimetypes
import os
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import websockets

try:  # websockets 13 and later
    from websockets.asyncio.client import connect
except ImportError:  # older releases, such as Debian's python3-websockets
    from websockets import connect

EXIT_JOB_FAILED = 1
EXIT_SERVER = 3


class ClientFailure(Exception):
    """A failure to report as one line, with the exit code that goes with it."""

    def __init__(self, message, code=EXIT_SERVER):
        super().__init__(message)
        self.code = code


def parse_arguments(argv):
    parser = argparse.ArgumentParser(description="Queue a generation on Easel and follow it to the image.")
    parser.add_argument("prompt", help="what to draw")
    parser.add_argument("--server", default="http://127.0.0.1:8000", help="Easel URL (default %(default)s)")
    parser.add_argument("--negative-prompt", help="what to keep out of the image")
    parser.add_argument("--steps", type=int, default=20, help="sampling steps (default %(default)s)")
    parser.add_argument("--width", type=int, default=512, help="width in pixels (default %(default)s)")
    parser.add_argument("--height", type=int, default=512, help="height in pixels (default %(default)s)")
    parser.add_argument("--sampler", default="DPM++ 2M", help="sampler name (default %(default)s)")
    parser.add_argument("--cfg-scale", type=float, default=7.0, help="guidance scale (default %(default)s)")
    parser.add_argument("--seed", type=int, default=-1, help="seed, -1 for random (default %(default)s)")
    parser.add_argument("--return-format", choices=["url", "base64"], default="url",
                        help="how the server hands back images (default %(default)s)")
    parser.add_argument("--output", help="file for the first image (default easel-<job id>.<ext>)")
    parser.add_argument("--reconnect-timeout", type=float, default=60.0,
                        help="seconds to keep reconnecting after the connection is lost (default %(default)s)")
    return parser.parse_args(argv)


# ---------- REST ----------

def fetch(server, method, path, body=None):
    """Sends one request and returns the answer's bytes and content type; errors become ClientFailure."""
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(urllib.parse.urljoin(server, path), data=data, method=method,
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.read(), response.headers.get_content_type()
    except urllib.error.HTTPError as error:
        raise ClientFailure(describe_http_error(error)) from None
    except (urllib.error.URLError, OSError) as error:
        reason = getattr(error, "reason", error)
        raise ClientFailure(f"cannot reach the Easel server at {server} ({reason})") from None


def request_json(server, method, path, body=None):
    content, _ = fetch(server, method, path, body)
    return json.loads(content or b"null")


def describe_http_error(error):
    try:
        problem = json.loads(error.read())
    except ValueError:
        problem = {}
    title = problem.get("title") if isinstance(problem, dict) else None
    if error.code == 422:
        return f"invalid parameters: {title or 'the server rejected them'}"
    return f"the server answered HTTP {error.code}: {title or error.reason}"


def submit(server, args):
    parameters = {
        "prompt": args.prompt, "negative_prompt": args.negative_prompt, "steps": args.steps,
        "width": args.width, "height": args.height, "sampler_name": args.sampler,
        "cfg_scale": args.cfg_scale, "seed": args.seed,
    }
    query = urllib.parse.urlencode({"return_format": args.return_format})
    answer = request_json(server, "POST", f"/api/v1/generation/queue-generation?{query}", parameters)
    return answer["delivery_id"]


# Leading characters of base64 image data (JPEG, PNG, WebP); anything else is a URL path on the server.
BASE64_IMAGE_TYPES = {"/9j/": "image/jpeg", "iVBOR": "image/png", "UklGR": "image/webp"}


def image_content(server, image):
    """The bytes and content type of one `images` entry: a URL path, a data: URL or bare base64."""
    if image.startswith("data:"):
        header, _, encoded = image.partition(",")
        return base64.b64decode(encoded), header[5:].split(";")[0]
    for prefix, kind in BASE64_IMAGE_TYPES.items():
        if image.startswith(prefix):
            return base64.b64decode(image), kind
    return fetch(server, "GET", image)


def save_images(server, job_id, images, output):
    """Writes each image to a file (the first to --output, the others with -1, -2... added); returns the names."""
    names = []
    for index, image in enumerate(images):
        content, kind = image_content(server, image)
        stem, extension = os.path.splitext(output) if output else (f"easel-{job_id}", "")
        extension = extension or mimetypes.guess_extension(kind) or ".img"
        name = stem + (f"-{index}" if index else "") + extension
        with open(name, "wb") as file:
            file.write(content)
        names.append(name)
    return names


# ---------- progress socket ----------

def socket_url(server):
    parts = urllib.parse.urlsplit(server)
    scheme = "wss" if parts.scheme == "https" else "ws"
    return f"{scheme}://{parts.netloc}/api/v1/ws/progress"


def describe(message):
    """One line for a server message about the job."""
    kind, data = message.get("type"), message.get("data") or {}
    if kind == "generation_started":
        params = data.get("params") or {}
        return f"started: {params.get('steps')} steps, {params.get('width')}x{params.get('height')}"
    if kind == "progress_update":
        percent = int((data.get("progress") or 0) * 100 + 1e-9)
        step = f"{data.get('current_step') if data.get('current_step') is not None else '-'}" \
               f"/{data.get('total_steps') if data.get('total_steps') is not None else '-'}"
        eta = data.get("eta_seconds")
        eta_text = "" if data.get("status") != "processing" else f"ETA {eta:.1f} s" if eta is not None else "ETA -"
        return f"[{percent:3d}%] {data.get('status'):<10} step {step:<7} {eta_text}".rstrip()
    if kind == "generation_complete":
        duration = data.get("total_duration")
        took = f" in {duration:.1f} s" if duration is not None else ""
        return f"finished: {data.get('status')}{took}"
    return None


async def follow(server, job_id, reconnect_timeout):
    """Returns the job's generation_complete data, reconnecting and resubscribing whenever the socket drops."""
    lost_at, delay = None, 0.5
    while True:
        try:
            async with connect(socket_url(server), max_size=None, open_timeout=10) as socket:
                await socket.send(json.dumps({"type": "subscribe", "job_ids": [job_id]}))
                if lost_at is not None:
                    print(f"reconnected; resubscribed to job {job_id}", flush=True)
                lost_at, delay = None, 0.5
                async for text in socket:
                    message = json.loads(text)
                    data = message.get("data") or {}
                    if message.get("type") == "error":
                        raise ClientFailure(f"server error {data.get('code')}: {data.get('message')}")
                    if data.get("job_id") != job_id:
                        continue
                    line = describe(message)
                    if line:
                        print(line, flush=True)
                    if message.get("type") == "generation_complete":
                        return data
                reason = "the server closed the connection"
        except websockets.exceptions.ConnectionClosed as closed:
            reason = f"connection closed ({closed})"
        except (OSError, asyncio.TimeoutError, websockets.exceptions.WebSocketException) as error:
            reason = str(error) or type(error).__name__
        now = time.monotonic()
        lost_at = now if lost_at is None else lost_at
        if now - lost_at > reconnect_timeout:
            raise ClientFailure(f"lost the connection to {server} and could not reconnect ({reason})")
        print(f"connection lost ({reason}); reconnecting in {delay:.1f} s", file=sys.stderr, flush=True)
        await asyncio.sleep(delay)
        delay = min(delay * 2, 5.0)


def main(argv=None):
    args = parse_arguments(argv)
    server = args.server if "://" in args.server else "http://" + args.server
    try:
        job_id = submit(server, args)
        print(f"queued job {job_id}", flush=True)
        result = asyncio.run(follow(server, job_id, args.reconnect_timeout))
        if result.get("status") != "completed":
            raise ClientFailure(f"job {job_id} {result.get('status')}: {result.get('error_message') or 'no reason given'}",
                                EXIT_JOB_FAILED)
        for name in save_images(server, job_id, result.get("images") or [], args.output):
            print(f"saved {name}", flush=True)
    except ClientFailure as failure:
        print(f"error: {failure}", file=sys.stderr, flush=True)
        return failure.code
    except KeyboardInterrupt:
        return 130
    return 0


if __name__ == "__main__":
    sys.exit(main())
