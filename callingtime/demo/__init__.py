"""The shipped demo extract: small, real and attributed, so a fresh machine works offline.

`demo_extract_build` cuts it from the full shared data; `demo_load` loads it into the stores.
"""

from callingtime.demo.extract import DEMO_BOROUGHS, DEMO_DATA_DIR, demo_extract_build
from callingtime.demo.load import DemoLoadReport, demo_load, demo_needed

__all__ = [
    "DEMO_BOROUGHS",
    "DEMO_DATA_DIR",
    "DemoLoadReport",
    "demo_extract_build",
    "demo_load",
    "demo_needed",
]
