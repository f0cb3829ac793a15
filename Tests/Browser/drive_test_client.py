#!/usr/bin/env python3
"""Drives Easel's HTML test client in headless Chromium, as a person would, against a running hub.

    python3 Tests/Browser/drive_test_client.py http://127.0.0.1:PORT/ --screenshot /tmp/shot.png

1. loads the page (it starts disconnected), clicks Connect and waits for "connected";
2. submits a job through the form and waits until its card shows 100 % and a decoded image
   (naturalWidth > 0), and the bar's fill has finished growing, and the live metrics panel counts the completed
   job (summary, one row per backend, sparklines with several points), then saves the screenshot;
3. submits steps=500 and waits for #form-error to name `steps`;
4. prints READY_TO_STOP and waits for the page to show "disconnected" once the hub is stopped.

Needs `pip install selenium` and Debian's `chromium` and `chromium-driver`. Exits 0 when every check passed;
otherwise prints what failed, the page's message log, and exits 1.
"""

import argparse
import shutil
import signal
import sys
import time

from selenium import webdriver
from selenium.common.exceptions import TimeoutException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def parse_arguments():
    parser = argparse.ArgumentParser(description="Drive the Easel test client page in headless Chromium.")
    parser.add_argument("url", help="the hub's address, such as http://127.0.0.1:8000/")
    parser.add_argument("--screenshot", required=True, help="where to save the PNG after the job completes")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds allowed for each wait")
    parser.add_argument("--window", default="1280,900", help="browser window size (default %(default)s)")
    return parser.parse_args()


def start_browser(window):
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={window}", "--hide-scrollbars"]:
        options.add_argument(argument)
    service = Service(shutil.which("chromedriver") or "/usr/bin/chromedriver")
    driver = webdriver.Chrome(service=service, options=options)
    width, height = (int(part) for part in window.split(","))
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": False})
    return driver


def step(text):
    print(f"browser: {text}", flush=True)


class Page:
    def __init__(self, driver, url, timeout):
        self.driver = driver
        self.url = url
        self.timeout = timeout

    def wait(self, what, condition):
        try:
            return WebDriverWait(self.driver, self.timeout, poll_frequency=0.05).until(lambda d: condition())
        except TimeoutException:
            raise AssertionError(f"timed out after {self.timeout:.0f} s waiting for {what}") from None

    def element(self, css):
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def connection_state(self):
        return self.element("#connection-state").get_attribute("data-state")

    def set_field(self, element_id, value):
        field = self.element(f"#{element_id}")
        field.clear()
        field.send_keys(str(value))

    def submit(self, **fields):
        for element_id, value in fields.items():
            self.set_field(element_id.replace("_", "-"), value)
        self.element("#submit-job").click()

    def job_state(self, job_id):
        """Card status, bar percentage and decoded image width of a job, or None before its card exists."""
        return self.driver.execute_script("""
            const card = document.getElementById('job-' + arguments[0]);
            if (!card) return null;
            const img = card.querySelector('img.result-image');
            const bar = card.querySelector('.progress-bar');
            const fill = card.querySelector('.progress-fill');
            return {status: card.dataset.status,
                    progress: bar.dataset.progress,
                    label: card.querySelector('.progress-label').textContent,
                    barDrawnFull: fill.getBoundingClientRect().width >= bar.getBoundingClientRect().width - 0.5,
                    imageWidth: img && img.complete ? img.naturalWidth : 0};
        """, job_id)

    def metrics_panel(self):
        """What the live metrics panel shows: updates drawn, completed count, backend rows, sparkline points."""
        return self.driver.execute_script("""
            const summary = document.getElementById('metrics-summary');
            const rows = [...document.querySelectorAll('#metrics-backends tbody tr')];
            return {updates: Number(summary.dataset.updates || 0), completed: Number(summary.dataset.completed || 0),
                    backends: rows.map((row) => row.querySelector('td.state').dataset.state),
                    points: Number(document.getElementById('spark-queued').dataset.points || 0),
                    queueState: document.getElementById('queue-state').textContent};
        """)

    def message_log(self):
        return self.element("#log").text


def run(page, screenshot):
    page.driver.get(page.url)
    page.wait("the page to load", lambda: page.connection_state() is not None)
    if page.connection_state() != "disconnected":
        raise AssertionError(f"page starts {page.connection_state()!r}, expected 'disconnected'")
    step("loaded, disconnected")

    page.element("#connect").click()
    page.wait("the socket to connect", lambda: page.connection_state() == "connected")
    step("connected")

    page.submit(prompt="a red fox in a snowy forest", steps=16, width=256, height=256)
    result = page.element("#submit-result")
    page.wait("the job id after submitting", lambda: result.is_displayed() and result.get_attribute("data-job-id"))
    job_id = result.get_attribute("data-job-id")
    step(f"queued job {job_id}")

    def finished():
        state = page.job_state(job_id)
        done = state and state["progress"] == "100" and state["imageWidth"] > 0 and state["barDrawnFull"]
        return state if done else None
    state = page.wait(f"job {job_id} to reach 100 % with a decoded image", finished)
    if state["status"] != "completed" or state["label"].strip() != "100 %":
        raise AssertionError(f"job card ended as {state}")

    def metrics_filled():
        panel = page.metrics_panel()
        return panel if panel["completed"] >= 1 and panel["points"] >= 2 and panel["backends"] else None
    panel = page.wait("the live metrics panel to count the completed job", metrics_filled)
    if panel["queueState"] != "queue running" or any(s not in ("idle", "busy", "unknown") for s in panel["backends"]):
        raise AssertionError(f"metrics panel shows {panel}")
    step(f"metrics panel: {panel['updates']} updates, backends {panel['backends']}, {panel['points']} chart points")
    page.driver.save_screenshot(screenshot)
    step(f"completed: progress 100 %, image {state['imageWidth']} px wide; screenshot {screenshot}")

    page.submit(steps=500)
    error = page.element("#form-error")
    page.wait("the rejection to be shown", lambda: error.is_displayed() and error.text)
    if "steps" not in error.text:
        raise AssertionError(f"#form-error does not name steps: {error.text!r}")
    step(f"rejected submission shown: {error.text}")

    print("READY_TO_STOP", flush=True)
    page.wait("the page to show the server has gone", lambda: page.connection_state() == "disconnected")
    step("disconnected after the server stopped")


def main():
    args = parse_arguments()
    # A test that gives up sends SIGTERM: leave through `finally`, so Chromium is closed too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))
    try:
        driver = start_browser(args.window)
    except WebDriverException as error:
        print(f"browser: cannot start chromium: {error.msg}", file=sys.stderr, flush=True)
        return 1
    page = Page(driver, args.url, args.timeout)
    started = time.monotonic()
    try:
        run(page, args.screenshot)
    except (AssertionError, WebDriverException) as error:
        print(f"browser: FAILED: {error}", file=sys.stderr, flush=True)
        try:
            print("browser: page log:\n" + page.message_log()[-4000:], file=sys.stderr, flush=True)
        except WebDriverException:
            pass
        return 1
    finally:
        driver.quit()
    step(f"all checks passed in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
