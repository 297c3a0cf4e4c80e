"""``report.pdf``: the HTML report printed to A4 by WeasyPrint (the optional ``pdf`` extra).

WeasyPrint needs the Pango library of the system besides its Python package; both are optional,
so :func:`pdf_engine` says plainly which one is missing and how to install it, and the rest of
mgwsim (``make demo``, the HTML report and the workbook) works without them.
"""

from __future__ import annotations

import logging
import warnings
from contextlib import contextmanager
from pathlib import Path

from mgwsim._atomic import write_atomically
from mgwsim.errors import InputError

__all__ = ["PdfUnavailable", "pdf_engine", "write_pdf"]

INSTALL_HINT = ("install the optional extra with pip install 'mgwsim[pdf]'; WeasyPrint also needs the Pango "
                "library of the system (https://doc.courtbouillon.org/weasyprint/stable/first_steps.html)")


class PdfUnavailable(InputError):
    """A PDF was asked for, but WeasyPrint or the system libraries it needs are missing."""


def pdf_engine():
    """The ``weasyprint`` module, or :class:`PdfUnavailable` naming what is missing and how to install it."""
    try:
        with warnings.catch_warnings():  # about an optional system library (HarfBuzz-Subset), not about mgwsim
            warnings.filterwarnings("ignore", message="HarfBuzz-Subset", category=DeprecationWarning)
            import weasyprint
    except ImportError:
        raise PdfUnavailable(f"the PDF report needs WeasyPrint, which is not installed: {INSTALL_HINT}") from None
    except OSError as error:  # the package is there, a system library (Pango, GObject) is not
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise PdfUnavailable(f"the PDF report needs WeasyPrint's system libraries, which are missing ({reason}): "
                             f"{INSTALL_HINT}") from None
    return weasyprint


@contextmanager
def _quiet(logger_name: str = "weasyprint"):
    """WeasyPrint logs every CSS rule it ignores (the rules for browsers' print); keep its errors only."""
    logger = logging.getLogger(logger_name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def render_document(html: str):
    """The laid-out WeasyPrint document of ``html`` (pages, boxes: what the PDF will hold)."""
    weasyprint = pdf_engine()
    with _quiet():
        return weasyprint.HTML(string=html).render()


def write_pdf(html: str, path) -> Path:
    """Print the page ``html`` to the PDF file ``path`` (written atomically)."""
    document = render_document(html)
    with _quiet():
        return write_atomically(Path(path), lambda tmp: document.write_pdf(tmp))
