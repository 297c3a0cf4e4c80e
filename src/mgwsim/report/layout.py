"""The report's page layout: Jinja2 templates shipped in ``mgwsim/report/templates/``, which a firm may replace.

The content (sections, tables, figures, sentences) is built in Python by :mod:`mgwsim.report.html`;
the page around it (head, style sheet, title block with the :class:`~mgwsim.Branding`, table of
contents, sections, end note) is ``report.html.j2`` with ``report.css``. A firm's folder
(``template_dir``) is searched first, so it may hold only ``report.css``, or only
``report.html.j2`` (which may ``{% extends "mgwsim/report.html.j2" %}`` and override a block:
``title_block``, ``contents``, ``end_note``). A style sheet (``stylesheet``) is added after the
packaged one. Autoescape is on: every value is escaped, only the sections' bodies (already built
with escaping) and the style sheets are inserted as they are.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import jinja2
from markupsafe import Markup

from mgwsim.errors import InputError

PAGE_TEMPLATE = "report.html.j2"
STYLESHEET = "report.css"
PACKAGED_PREFIX = "mgwsim/"
"""Prefix under which the packaged templates stay reachable from a firm's folder (``mgwsim/report.html.j2``)."""


@dataclass(frozen=True)
class Section:
    """One section of the report: its id (stable, see :data:`mgwsim.report.html.SECTIONS`), title and HTML body."""

    id: str
    title: str
    body: Markup


def _folder(template_dir) -> Path:
    folder = Path(template_dir)
    if not folder.is_dir():
        raise InputError(f"write_report.template_dir = {str(template_dir)!r} is not a folder; allowed: a folder "
                         f"holding {PAGE_TEMPLATE} and/or {STYLESHEET}")
    return folder


def environment(template_dir=None) -> jinja2.Environment:
    """The Jinja2 environment: the firm's ``template_dir`` first (when given), then the packaged templates."""
    packaged = jinja2.PackageLoader("mgwsim.report", "templates")
    loaders: list[jinja2.BaseLoader] = []
    if template_dir is not None:
        loaders.append(jinja2.FileSystemLoader(_folder(template_dir)))
    loaders += [packaged, jinja2.PrefixLoader({PACKAGED_PREFIX.rstrip("/"): packaged})]
    return jinja2.Environment(loader=jinja2.ChoiceLoader(loaders), autoescape=True, undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _safe_css(text: str, where: str) -> Markup:
    """A style sheet to put inside ``<style>``: it must not close the element."""
    if "</style" in text.lower():
        raise InputError(f"{where} contains '</style', which would end the page's style element; allowed: CSS only")
    return Markup(text)


def stylesheets(env: jinja2.Environment, stylesheet=None) -> Markup:
    """The packaged (or the firm folder's) ``report.css``, then the firm's ``stylesheet`` file when given."""
    source, filename, _ = env.loader.get_source(env, STYLESHEET)
    css = _safe_css(source, filename or STYLESHEET)
    if stylesheet is None:
        return css
    path = Path(stylesheet)
    if not path.is_file():
        raise InputError(f"write_report.stylesheet = {str(stylesheet)!r}: no such file; allowed: a CSS file")
    try:
        extra = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"write_report.stylesheet = {str(stylesheet)!r} is not UTF-8 text ({error})") from None
    return css + Markup("\n/* ") + path.name.replace("*/", "") + Markup(" */\n") + _safe_css(extra, str(path))


def render_page(env: jinja2.Environment, context: dict) -> str:
    """``report.html.j2`` rendered with ``context``; a firm template's mistakes become :class:`InputError`."""
    try:
        return env.get_template(PAGE_TEMPLATE).render(**context)
    except jinja2.TemplateSyntaxError as error:
        raise InputError(f"report template {error.filename or error.name}, line {error.lineno}: {error.message}") \
            from None
    except jinja2.UndefinedError as error:
        raise InputError(f"report template {PAGE_TEMPLATE}: {error.message}; the page's values are: "
                         f"{', '.join(sorted(context))}") from None
