"""Templates translate with the request's catalogue, also when a block forces another locale."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale


def test_template_translations_follow_a_forced_locale_within_one_request(app):
    template = "{{ _('Zaloguj') }}|{{ _('%(n)d dni', n=3) }}"
    with app.test_request_context("/"):
        polish = render_template_string(template)
        with force_locale("en"):
            english = render_template_string(template)
        again = render_template_string(template)
    assert polish == again == "Zaloguj|3 dni"
    assert english == "Sign in|3 days"
