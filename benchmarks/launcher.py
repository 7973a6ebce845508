"""Start a command from a small process and report its wall time and its own peak RSS.

Linux carries ru_maxrss across fork and exec: a child started straight from the
benchmark (hundreds of MB after the dense-matrix runs) would report at least the
benchmark's peak. Started from this small launcher, the inherited floor is the
launcher's few MB, below any real child's peak, so the child's figure is its own.
Usage: launcher.py STDOUT_FILE STDERR_FILE TIMEOUT_S -- CMD...
Prints one JSON object: wall (s, spawn to exit), maxrss (bytes), returncode.
"""

import json
import os
import subprocess
import sys
import threading
import time


def main() -> None:
    out_path, err_path, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
    cmd = sys.argv[sys.argv.index("--") + 1:]
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    print(json.dumps({"wall": wall, "maxrss": usage.ru_maxrss * 1024,
                      "returncode": proc.returncode}))


if __name__ == "__main__":
    main()
