"""What the client checks share: the failure they raise, polling with a deadline, and the `ok`/`FAIL`/`skip`
lines `CheckReport` (Sources/EaselTesting) reads."""

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
