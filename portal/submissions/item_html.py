"""The HTML of one questionnaire item on a section page: label, help, input, unit, messages.

A section page draws up to ~100 inputs. Written as a Jinja macro this was half of the page's
time (attribute lookups, escaping and a macro call per item); here the fixed parts come
precomputed from `item_display` and this module only adds what changes per request: values,
errors, locks, prefill marks, conflicts and review threads. Every value is escaped; only the
precomputed attribute strings and translations are Markup. Item keys are written as they are:
the loader admits only `[a-z][a-z0-9_]*` (item_reader.KEY_PATTERN). Translations are called
outside f-strings: pybabel does not look inside them.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from flask import get_template_attribute
from markupsafe import Markup, escape

from portal.core.formatting import local_datetime
from portal.core.i18n import html_gettext as _
from portal.core.urls import cached_url_for as url_for
from portal.submissions.item_view import ShownValue

if TYPE_CHECKING:
    from portal.submissions.item_view import ItemView
    from portal.submissions.section_page import SectionPage

GROUPED = frozenset(("radio", "checkboxes", "year_table", "repeat"))


def render_items(page: SectionPage) -> Markup:
    """Every item of the page, in order."""
    thread = get_template_attribute("review/_thread.html", "thread") if page.queries else None
    return Markup("\n").join(_plain_item(view) if _is_plain(view) else _item(view, page, thread)
                             for view in page.items)


# Most items of a page are plain: no error, lock, prefill mark, conflict, review thread or
# stored document. The HTML of a plain item depends only on its fixed parts, whether it is
# shown, and its value, so it is drawn once by the general code below and kept on its
# ItemDisplay: for a text field the parts before and after the value, for a radio group or a
# select each finished variant (one per option chosen, and none). Drawn by the same code, the
# page is the same either way.
_PLAIN_WIDGETS = frozenset(("input", "textarea", "radio", "select"))
_PLACEHOLDER = "\ue000"  # a private-use character: escaped as it is, in no questionnaire text


def _is_plain(view: ItemView) -> bool:
    return (view.display.widget in _PLAIN_WIDGETS and not view.errors and not view.queries
            and view.read_only_reason is None and not view.prefilled and view.conflict is None
            and view.evidence_meta is None)


def _plain_item(view: ItemView) -> Markup:
    d = view.display
    data = view.field.data
    if d.widget in ("radio", "select"):
        if data is not None and not any(option.value == data for option in d.options):
            return _item(view, None, None)  # a value outside the choices: not worth keeping
        key = (view.relevant, data)
        html = d.plain.get(key)
        if html is None:
            html = d.plain[key] = _item(view, None, None)
        return html
    parts = d.plain.get(view.relevant)
    if parts is None:
        sample = _item(replace(view, field=ShownValue(_PLACEHOLDER)), None, None)
        parts = d.plain[view.relevant] = tuple(sample.split(_PLACEHOLDER))
    if len(parts) != 2:  # the value is not drawn exactly once: draw this item in full
        return _item(view, None, None)
    return Markup(parts[0] + escape(view.text_value) + parts[1])


def _item(view: ItemView, page: SectionPage, thread) -> str:
    item, d = view.item, view.display
    key = d.key
    locked = view.read_only_reason is not None
    grouped = d.widget in GROUPED
    out: list[str] = ['<div class="item', " has-error" if view.errors else "",
                      " queried" if view.has_open_query else "",
                      f'" id="item-{key}" data-item="{key}"',
                      "" if view.relevant else " hidden", ">"]
    for query in view.queries:
        out.append(thread(query, page.questionnaire, heading_level=3, reply_allowed=(
            query.is_open and page.submission.status == "returned" and page.user.is_official
            and not page.read_only_reason)))
    out.append(_label(view, grouped))
    if d.help:
        out.append(f'<p class="help" id="help-{key}">{d.help}</p>')
    if view.errors:
        out.append(f'<ul class="field-errors" id="errors-{key}">')
        out.extend(f"<li>{escape(error)}</li>" for error in view.errors)
        out.append("</ul>")
    if view.conflict:
        message = _("W międzyczasie %(who)s (%(when)s) zapisał(a) tu: %(value)s. Twoja wartość "
                    "jest poniżej; zapisz ponownie, aby ją zachować.",
                    who=view.conflict.changed_by, when=local_datetime(view.conflict.changed_at),
                    value=view.conflict_display or _("(puste)"))
        out.append(f'<p class="conflict" role="status">{message}</p>')
    out.append(WIDGETS[d.widget](view, page, locked))
    if grouped:
        out.append("</fieldset>")
    if item.evidence != "none":
        out.append(_evidence(view, page))
    out.append("</div>")
    return Markup("".join(out))


def _label(view: ItemView, grouped: bool) -> str:
    d = view.display
    if d.widget == "calculated":
        return f'<p class="item-label">{d.label}</p>'
    hint = ""
    if view.prefilled:
        marker = _("z poprzedniej edycji")
        hint = f' <span class="hint-prefilled">{marker}</span>'
    if not grouped:
        return f'<label class="item-label" for="{d.key}">{d.label_html}{hint}</label>'
    described = view.described_by if d.widget in ("radio", "checkboxes") else ""
    aria = f' aria-describedby="{escape(described)}"' if described else ""
    return f'<fieldset{aria}><legend class="item-label">{d.label_html}{hint}</legend>'


def _unit(view: ItemView) -> str:
    return f'<span class="unit">{view.display.unit}</span>' if view.display.unit else ""


def _calculated(view: ItemView, page: SectionPage, locked: bool) -> str:
    value = escape(view.calculated_display) if view.calculated_display else "—"
    note = _("Wartość obliczana automatycznie.")
    return (f'<p class="readonly-value" data-calculated="{view.display.key}">{value}'
            f'{_unit(view)}</p><p class="muted">{note}</p>')


def _choices(view: ItemView, page: SectionPage, locked: bool) -> str:
    disabled = " disabled" if locked else ""
    options = "".join(
        f'<label><input{option.attrs}{" checked" if chosen else ""}{disabled}> '
        f"{option.label}</label>"
        for option, chosen in view.options)
    return f'<div class="choices">{options}</div>'


def _year_table(view: ItemView, page: SectionPage, locked: bool) -> str:
    d = view.display
    state = view.state_attrs
    unit = f" ({d.unit})" if d.unit else ""
    rows = "".join(
        f'<tr><th scope="row"><label for="{cell.id}">{cell.label}</label></th>'
        f'<td><input{cell.attrs}{state} value="{escape(view.cell_value(cell))}"></td></tr>'
        for cell in d.options)
    year, value = _("Rok"), _("Wartość")
    return (f'<table class="data year-table"><thead><tr><th scope="col">{year}</th>'
            f'<th scope="col">{value}{unit}</th></tr></thead>'
            f"<tbody>{rows}</tbody></table>")


def _repeat(view: ItemView, page: SectionPage, locked: bool) -> str:
    # Rows are WTForms fields (one per stored row plus a blank one); their widgets draw cells.
    columns = view.item.columns
    locale = page.locale
    head = "".join(
        f'<th scope="col">{escape(column.label.get(locale))}'
        + (f" ({escape(column.unit.get(locale))})" if column.unit else "") + "</th>"
        for column in columns)
    body = []
    for number, row in enumerate(view.field, start=1):
        row_label = _("wiersz %(n)d", n=number)
        cells = "".join(
            f"<td>{row[column.key](aria_label=escape(column.label.get(locale)) + ', ' + row_label, disabled=locked)}</td>"  # noqa: E501
            for column in columns)
        body.append(f'<tr><th scope="row">{number}</th>{cells}</tr>')
    hint = _("Aby dodać wiersz, wypełnij pusty wiersz i zapisz. Aby usunąć wiersz, wyczyść "
             "wszystkie jego pola.")
    return (f'<table class="data repeat-table"><thead><tr><th scope="col">#</th>{head}'
            f'</tr></thead><tbody>{"".join(body)}</tbody></table><p class="muted">{hint}</p>')


def _file(view: ItemView, page: SectionPage, locked: bool) -> str:
    d = view.display
    out = []
    meta = view.file_meta
    if meta:
        link = url_for("submissions.download_file", submission_id=page.submission.id,
                       item_key=d.key)
        size = f' <span class="muted">({round(meta["size"] / 1024, 1)} kB)</span>'
        out.append(_stored(_("Załączony plik:"), link, meta["name"], size,
                           None if locked else ("_remove_file", d.key, _("usuń plik"))))
    if not locked:
        out.append(f'<input type="file"{d.input_attrs}{view.state_attrs}>'
                   f'<p class="muted">{d.file_rules}</p>')
    return "".join(out)


def _select(view: ItemView, page: SectionPage, locked: bool) -> str:
    options = "".join(f'<option{option.attrs}{" selected" if chosen else ""}>'
                      f"{option.label}</option>" for option, chosen in view.options)
    return f"<select{view.display.input_attrs}{view.state_attrs}>{options}</select>"


def _textarea(view: ItemView, page: SectionPage, locked: bool) -> str:
    # A browser drops one newline right after <textarea>: this one, so a value's own stays.
    return (f"<textarea{view.display.input_attrs}{view.state_attrs}>\n"
            f"{escape(view.text_value)}</textarea>{_unit(view)}")


def _input(view: ItemView, page: SectionPage, locked: bool) -> str:
    return (f'<input{view.display.input_attrs}{view.state_attrs} '
            f'value="{escape(view.text_value)}">{_unit(view)}')


WIDGETS = {"calculated": _calculated, "radio": _choices, "checkboxes": _choices,
           "year_table": _year_table, "repeat": _repeat, "file": _file, "select": _select,
           "textarea": _textarea, "input": _input}


def _evidence(view: ItemView, page: SectionPage) -> str:
    key = view.display.key
    locked = view.read_only_reason is not None
    out = ['<div class="evidence">']
    meta = view.evidence_meta
    if meta:
        link = url_for("submissions.download_evidence", submission_id=page.submission.id,
                       item_key=key)
        out.append(_stored(_("Dokument potwierdzający:"), link, meta["name"], "",
                           None if locked else ("_remove_evidence", key, _("usuń"))))
    if not locked:
        out.append(f'<label for="{key}__evidence">{view.display.evidence_label}</label>'
                   f'<input type="file" id="{key}__evidence" name="{key}__evidence">')
    out.append("</div>")
    return "".join(out)


def _stored(heading: str, link: str, name: str, after: str,
            removal: tuple[str, str, str] | None) -> str:
    """A stored file: its link, and unless locked a box to remove it (field, key, label)."""
    html = f'<p>{heading} <a href="{escape(link)}">{escape(name)}</a>{after}'
    if removal is not None:
        field, key, label = removal
        html += (f'<label class="inline"><input type="checkbox" name="{field}" value="{key}"> '
                 f"{label}</label>")
    return html + "</p>"
