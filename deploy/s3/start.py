"""Start moto's S3 server on 0.0.0.0:9000 and create the bucket named by S3_BUCKET (a real store has it already),
readable by anyone: the stack serves photos from CHOPCHOP_STORAGE_PUBLIC_BASE_URL, the bucket's own address, so its
objects must be public (on a real store: the same bucket policy, or a CDN in front of a private bucket)."""

import json
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
# Anonymous GETs of objects are refused (403) without a policy that allows them. moto[server] brings boto3.
import boto3  # noqa: E402

public_read = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{bucket}/*"}
    ],
}
client = boto3.client(
    "s3",
    endpoint_url=f"http://127.0.0.1:{PORT}",
    aws_access_key_id="stand-in",
    aws_secret_access_key="stand-in",  # noqa: S106 - moto checks no credentials
    region_name="us-east-1",
)
client.put_bucket_policy(Bucket=bucket, Policy=json.dumps(public_read))
sys.stdout.write(f"moto S3 server on :{PORT} with bucket {bucket!r}\n")
sys.stdout.flush()
sys.exit(server.wait())
