"""Runs a command and then prints its peak resident memory as one JSON line on stdout.

    python peak_rss.py COMMAND [ARGS...]

The figure is the kernel's (wait4): the largest RSS of the command or of any child it waited for.
"""
import json
import os
import subprocess
import sys

child = subprocess.Popen(sys.argv[1:])
_, status, usage = os.wait4(child.pid, 0)
sys.stdout.flush()
print(json.dumps({"peak_rss_kb": usage.ru_maxrss}), flush=True)
sys.exit(os.waitstatus_to_exitcode(status))
