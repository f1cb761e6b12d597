"""Start moto's S3 server on 0.0.0.0:9000 and create the bucket named by S3_BUCKET (a real store has it already)."""

import os
import signal
import subprocess
import sys
import time
import urllib.request

PORT = int(os.environ.get("S3_PORT", "9000"))
server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "0.0.0.0", "-p", str(PORT)])  # noqa: S104, S603
signal.signal(signal.SIGTERM, lambda *_: server.terminate())
for _ in range(100):
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{PORT}/moto-api/", timeout=1)
        break
    except OSError:
        time.sleep(0.2)
bucket = os.environ.get("S3_BUCKET", "chopchop-photos")
# An unsigned PUT: moto's server mode checks no credentials.
request = urllib.request.Request(f"http://127.0.0.1:{PORT}/{bucket}", method="PUT")
urllib.request.urlopen(request, timeout=5)  # noqa: S310
sys.stdout.write(f"moto S3 server on :{PORT} with bucket {bucket!r}\n")
sys.stdout.flush()
sys.exit(server.wait())
