"""What the client checks share: the failure they raise, polling with a deadline, a call on its own thread, and
the `ok`/`FAIL`/`skip` lines `CheckReport` (Sources/EaselTesting) reads."""

import threading
import time


class CheckFailed(Exception):
    pass


def expect(condition, message):
    if not condition:
        raise CheckFailed(message)


def wait_until(predicate, what, deadline, interval):
    """Polls `predicate` every `interval` seconds until it returns a truthy value (returned) or `deadline` seconds
    pass (a failure)."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise CheckFailed(f"{what} not seen within {deadline:.0f} s")


class CheckRunner:
    """Runs named checks, printing one line each and counting failures; a check may return a note."""

    def __init__(self):
        self.failures = 0

    def run(self, name, check):
        try:
            note = check()
            print(f"ok {name}" + (f" ({note})" if note else ""), flush=True)
        except Exception as error:  # whatever the client raises is that check's failure
            self.failures += 1
            reason = str(error) if isinstance(error, CheckFailed) else f"{type(error).__name__}: {error}"
            print(f"FAIL {name}: {reason}".replace("\n", " ")[:600], flush=True)

    @staticmethod
    def skip(name, why):
        print(f"skip {name}: {why}", flush=True)

    @staticmethod
    def summary(failures):
        print(f"{failures} failed" if failures else "all passed", flush=True)
        return 1 if failures else 0


class Background:
    """A blocking call on its own thread, so the check can poll and interrupt while it runs."""

    def __init__(self, call, deadline):
        self.result, self.error, self.deadline = None, None, deadline
        self.thread = threading.Thread(target=self._run, args=(call,), daemon=True)
        self.thread.start()

    def _run(self, call):
        try:
            self.result = call()
        except Exception as error:  # reported by the check that joins it
            self.error = error

    @property
    def running(self):
        return self.thread.is_alive()

    def join(self):
        self.thread.join(self.deadline)
        expect(not self.thread.is_alive(), f"the call did not return within {self.deadline:.0f} s")
        if self.error is not None:
            raise self.error
        return self.result
