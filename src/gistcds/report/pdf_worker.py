"""A PDF renderer started before the assessment, in a child process (command line only).

A cold ``gistcds assess ... --report x.pdf`` spends about a sixth of its time importing
WeasyPrint and loading fonts, work that does not depend on the patient. The command
forks a child at its start that does that work on another core while the parent assesses
the patient; the parent then sends the report's HTML through a pipe and reads the PDF
back: the wall time is shorter on any machine with two cores.

The child only renders: the parent checks the paths, writes the file and reports errors,
as without it. Anything that goes wrong in the child (it died, its answer is short, it
could not render) makes the parent render in-process, so a failure there gives exactly
the error the in-process path gives. Linux only (``os.fork``); off with
``GISTCDS_PDF_WORKER=0`` and in a process that already runs other threads. The CPU time
is about the same (the child imports little of gistcds, and the standard-library modules
both sides need are imported once, before the fork). The child holds no copy of the
parent's standard output, so a reader of that output sees its end when the parent ends.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import struct
import sys
import threading

__all__ = ["PdfWorker", "start"]

_OK, _FAILED = b"K", b"F"
# Standard-library modules both processes import after the fork, the child for
# WeasyPrint, the parent for the assessment and the report's HTML (about 35 ms of CPU,
# tests/test_report_pdf_worker.py checks each is imported by both sides): imported once,
# before the fork, instead of once in each process.
SHARED_MODULES = (
    "base64",
    "calendar",
    "email.message",
    "email.utils",
    "hashlib",
    "html.entities",
    "importlib.resources",
    "importlib.util",
    "locale",
    "numbers",
    "platform",
    "selectors",
    "socket",
    "string",
    "textwrap",
    "unicodedata",
    "uuid",
    "zipfile",
)
_LENGTH = struct.Struct(">Q")


def _read_all(fd: int) -> bytes:
    chunks = []
    while chunk := os.read(fd, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _serve(requests: int, answers: int) -> None:
    """The child: warm WeasyPrint up, then render the one HTML document it is sent."""
    from gistcds.report import pdf
    from gistcds.report.assets import report_css

    with contextlib.suppress(Exception):  # the parent renders in-process and reports it
        pdf.warm_up(report_css())
    html = _read_all(requests)
    if not html:  # the parent needs no PDF after all
        return
    try:
        body = _OK + pdf.html_to_pdf(html.decode("utf-8"))
    except Exception:  # the parent renders again and reports it
        body = _FAILED
    _write_all(answers, _LENGTH.pack(len(body)) + body)


class PdfWorker:
    """The parent's end: :meth:`render` once, or :meth:`close` when no PDF is needed."""

    def __init__(self, pid: int, requests: int, answers: int) -> None:
        self._pid, self._requests, self._answers = pid, requests, answers
        self._open = True

    def render(self, html: str) -> bytes | None:
        """The PDF of ``html`` from the child, or None when the child cannot give it (the
        caller renders in-process). A second call returns None."""
        if not self._open:
            return None
        try:
            _write_all(self._requests, html.encode("utf-8"))
            os.close(self._requests)
            self._requests = -1
            answer = _read_all(self._answers)
        except OSError:
            answer = b""
        finally:
            self.close()
        head = _LENGTH.size + len(_OK)
        if len(answer) < head or answer[_LENGTH.size : head] != _OK:
            return None
        if _LENGTH.unpack_from(answer)[0] != len(answer) - _LENGTH.size:
            return None
        return answer[head:]

    def close(self) -> None:
        """End the child (it sees the end of its input) and collect its exit status."""
        if not self._open:
            return
        self._open = False
        for fd in (self._requests, self._answers):
            if fd >= 0:
                os.close(fd)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self._pid, 0)


def start() -> PdfWorker | None:
    """Fork the renderer; None where there is no fork, once the process runs other threads
    (a lock one of them holds would stay held in the child), or ``GISTCDS_PDF_WORKER=0``.
    The command line calls it at its start, before any thread."""
    if sys.platform != "linux" or os.environ.get("GISTCDS_PDF_WORKER", "1").strip() == "0":
        return None
    if threading.active_count() > 1:
        return None
    for name in SHARED_MODULES:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    requests_r, requests_w = os.pipe()
    answers_r, answers_w = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            os.close(requests_w)
            os.close(answers_r)
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)  # the parent's stdout is the parent's alone
            os.close(devnull)
            _serve(requests_r, answers_w)
        except BaseException:  # whatever happens, the child ends here
            code = 1
        finally:
            os._exit(code)
    os.close(requests_r)
    os.close(answers_w)
    return PdfWorker(pid, requests_w, answers_r)
