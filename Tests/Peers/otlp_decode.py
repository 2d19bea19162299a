"""Decodes one OTLP export request with the official protocol definitions (opentelemetry-proto).

Usage: otlp_decode.py protobuf|json [--signal traces|logs|metrics]   (metrics by default)

Reads the request body on stdin and prints one JSON object on stdout:
{"request": <the request as a dict, as otlp_receiver.py prints it: ids in lowercase hex, 64-bit integers as strings>,
 "protobuf": <the official serialization of the decoded request, in hex>}
"protobuf" lets a test compare its own bytes with the official encoding of what was decoded: for a protobuf body
that proves nothing was written in a way the decoder merely tolerates (an unpacked repeated field, say); for a JSON
body it proves the JSON says what the protobuf says. Malformed input exits with status 1 and the reason on stderr.
"""

import argparse
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from otlp_receiver import SIGNALS, json_to_request, to_dict  # noqa: E402


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("format", choices=["protobuf", "json"])
    parser.add_argument("--signal", choices=sorted(SIGNALS), default="metrics")
    arguments = parser.parse_args()
    body = sys.stdin.buffer.read()
    try:
        if arguments.format == "json":
            request = json_to_request(body, arguments.signal)
        else:
            request = SIGNALS[arguments.signal]["request"]()
            request.ParseFromString(body)
    except Exception as error:  # noqa: BLE001 - any decoding failure is the answer
        sys.stderr.write(f"cannot decode the request: {type(error).__name__}: {error}\n")
        sys.exit(1)
    json.dump({
        "request": to_dict(request),
        "protobuf": request.SerializeToString(deterministic=True).hex(),
    }, sys.stdout)


if __name__ == "__main__":
    main()
