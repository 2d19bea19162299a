"""A test peer: the base-2 exponential histogram index mapping of the OpenTelemetry Python SDK.

It reads one JSON request on stdin and writes one JSON answer on stdout:
- {"scales": [int, ...], "values": ["<IEEE 754 bit pattern as a decimal UInt64>", ...]}
    -> {"indices": [[index per value] per scale]}
Values travel as bit patterns so that no decimal rounding stands between the two sides. Scales above 0 use
LogarithmMapping, the others ExponentMapping, as the Python SDK's aggregation does.
"""

import json
import struct
import sys

from opentelemetry.sdk.metrics._internal.exponential_histogram.mapping.exponent_mapping import ExponentMapping
from opentelemetry.sdk.metrics._internal.exponential_histogram.mapping.logarithm_mapping import LogarithmMapping


def main():
    request = json.load(sys.stdin)
    values = [struct.unpack("<d", struct.pack("<Q", int(bits)))[0] for bits in request["values"]]
    indices = []
    for scale in request["scales"]:
        mapping = LogarithmMapping(scale) if scale > 0 else ExponentMapping(scale)
        indices.append([mapping.map_to_index(value) for value in values])
    json.dump({"indices": indices}, sys.stdout)


if __name__ == "__main__":
    main()
