"""Child process of the cold-start benchmark (stdlib only; run as ``python -I -S``).

Arguments: code_dir sdk_site_packages module function event_path result_path. The event file is
in ``marshal`` format so that the driver imports nothing (not even ``json``) before the handler:
every module the handler needs is charged to the handler.
``sys.path`` becomes [code_dir, <stdlib>, sdk_site_packages], like Lambda's /var/task plus the
runtime's SDK. It imports the handler, serves one request and writes the timestamps (absolute
``time.perf_counter`` values: CLOCK_MONOTONIC, shared with the parent on Linux) as JSON.
"""

import time

T_TOP = time.perf_counter()

import marshal  # noqa: E402  (built in: no import cost)
import sys  # noqa: E402


class _Context:
    """The few attributes of a Lambda context object handlers read (written here, not
    ``constructs_lib.local.events.LambdaContext``: this child imports only the standard
    library before the handler, so every module the handler needs is charged to it)."""

    function_name = "participant-broker-benchmark"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:" + function_name
    memory_limit_in_mb = 256
    aws_request_id = "00000000-0000-4000-8000-000000000000"
    log_group_name = "/aws/lambda/participant-broker-benchmark"
    log_stream_name = "benchmark"

    def get_remaining_time_in_millis(self) -> int:
        """Plenty of time left."""
        return 30_000


def main() -> None:
    """Import, initialise and serve one request; record when each step ended."""
    code_dir, site_packages, module_name, function_name, event_path, result_path = sys.argv[1:7]
    sys.path.insert(0, code_dir)
    sys.path.append(site_packages)
    with open(event_path, "rb") as handle:
        event = marshal.loads(handle.read())
    modules_before = len(sys.modules)
    t_start = time.perf_counter()
    module = __import__(module_name, fromlist=[function_name])
    handler = getattr(module, function_name)
    t_imported = time.perf_counter()
    response = handler(event, _Context())
    t_done = time.perf_counter()
    result = {
        "t_top": T_TOP,
        "t_start": t_start,
        "t_imported": t_imported,
        "t_done": t_done,
        "status": response.get("statusCode"),
        "body": response.get("body"),
        "modules_before": modules_before,
        "modules_after": len(sys.modules),
    }
    import json  # only now: after the measured part

    with open(result_path, "w", encoding="utf-8") as handle:
        json.dump(result, handle)


main()
