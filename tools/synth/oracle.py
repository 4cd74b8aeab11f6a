"""Independent readers used as oracles for what we wrote: pydicom (reader only) and dcmtk's dcmdump.

Each check returns an outcome "ok", "warn" or "error" and a one-line note of what the tool said.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import warnings


def _first_line(text: str, limit: int = 160) -> str:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return (lines[0] if lines else "")[:limit]


def pydicom_check(path: str, force: bool = False) -> tuple[str, str, object]:
    """Reads the file fully (every element value, pixel data when native). Returns (outcome, note, ds)."""
    import logging
    import pydicom

    log_stream = io.StringIO()
    handler = logging.StreamHandler(log_stream)
    logger = logging.getLogger("pydicom")
    logger.addHandler(handler)
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            ds = pydicom.dcmread(path, force=force)
            # Touch every value so deferred conversion (charsets, numbers) runs.
            texts = []
            ds.walk(lambda d, e: texts.append(str(e.value)[:40]))
            if "PixelData" in ds and ds.file_meta.get("TransferSyntaxUID", pydicom.uid.ImplicitVRLittleEndian) in (
                    pydicom.uid.ExplicitVRLittleEndian, pydicom.uid.ImplicitVRLittleEndian,
                    pydicom.uid.ExplicitVRBigEndian, pydicom.uid.DeflatedExplicitVRLittleEndian):
                _ = ds.pixel_array
        messages = [str(w.message) for w in caught] + log_stream.getvalue().splitlines()
        if messages:
            return "warn", _first_line(messages[0]), ds
        return "ok", "", ds
    except Exception as error:  # any failure of the oracle is a finding, not a crash
        return "error", f"{type(error).__name__}: {_first_line(str(error))}", None
    finally:
        logger.removeHandler(handler)


def dcmdump_check(path: str) -> tuple[str, str]:
    if shutil.which("dcmdump") is None:
        return "skipped", "dcmdump not installed"
    result = subprocess.run(["dcmdump", path], capture_output=True, text=True, errors="replace")
    stderr = result.stderr
    if result.returncode != 0 or "E: " in stderr or "F: " in stderr:
        messages = [line for line in stderr.splitlines() if line.startswith(("E:", "F:"))] or stderr.splitlines()
        return "error", _first_line("\n".join(messages))
    if "W: " in stderr:
        return "warn", _first_line(stderr)
    return "ok", ""
