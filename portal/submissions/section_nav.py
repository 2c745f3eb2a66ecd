"""The list of a questionnaire's sections at the top of each section page, current one marked.

Written in Python rather than as a Jinja loop: the loop built a link, looked up a title and
compared keys through the template machinery for every section, which cost 5% of the page.
Here the numbered, escaped titles are worked out once per questionnaire and locale, and one
link is built per page with a placeholder for the section key (core.urls.ANY_KEY).
"""

from __future__ import annotations

from weakref import WeakKeyDictionary

from markupsafe import Markup, escape

from portal.core.urls import ANY_KEY
from portal.core.urls import cached_url_for as url_for
from portal.questionnaires.definition import Questionnaire, Section

_TITLES: WeakKeyDictionary[Questionnaire, dict[str, tuple[tuple[str, Markup], ...]]] = (
    WeakKeyDictionary()
)


def numbered_titles(questionnaire: Questionnaire,
                    locale: str) -> tuple[tuple[str, Markup], ...]:
    """(section key, "N. title" escaped) for every section, in order; once per process."""
    by_locale = _TITLES.setdefault(questionnaire, {})
    if locale not in by_locale:
        by_locale[locale] = tuple(
            (section.key, escape(f"{number}. {section.title.get(locale)}"))
            for number, section in enumerate(questionnaire.sections, start=1))
    return by_locale[locale]


def section_links(questionnaire: Questionnaire, current: Section, submission_id: int,
                  locale: str) -> Markup:
    """`<li>` links to every section of the submission; the current one is aria-current."""
    link = url_for("submissions.section", submission_id=submission_id, section_key=ANY_KEY)
    marked = ' aria-current="page"'
    return Markup("\n").join(
        Markup(f'<li><a href="{link.replace(ANY_KEY, key)}"'
               f'{marked if key == current.key else ""}>{title}</a></li>')
        for key, title in numbered_titles(questionnaire, locale))
