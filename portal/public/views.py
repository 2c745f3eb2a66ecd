"""Public pages (no login): the published ranking, maps, methodology and gmina scorecards."""

from __future__ import annotations

from flask import Blueprint, Response, abort, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from portal.core.read_only import reads_only
from portal.db import session
from portal.editions.models import Edition
from portal.public import ranking as table_rules
from portal.public.maps import class_edges, render_choropleth, voivodeship_codes
from portal.public.methodology_page import pillar_views
from portal.public.queries import edition_for_year, gmina_by_teryt6
from portal.public.scorecard import (
    advice_rules,
    build_scorecard,
    methodology_data,
    scorecard_charts,
)
from portal.public.svg import format_number
from portal.questionnaires.versions import definition_for
from portal.scoring import results
from portal.scoring.models import RunStatus, ScoringRun

bp = Blueprint("public", __name__, url_prefix="/ranking")


def _published(year: int):
    """(edition, run) of a year, or a friendly 404 page when nothing is published yet."""
    edition = edition_for_year(year)
    run = results.published_run(edition) if edition is not None else None
    if run is None:
        abort(Response(render_template("public/not_published.html", year=year), 404))
    return edition, run


@bp.route("/")
@reads_only
def index():
    years = session.scalars(
        select(Edition.year).join(ScoringRun, ScoringRun.edition_id == Edition.id)
        .where(ScoringRun.status == RunStatus.PUBLISHED).order_by(Edition.year.desc())).all()
    return render_template("public/index.html", years=years)


@bp.route("/<int:year>")
@reads_only
def ranking(year: int):
    edition, run = _published(year)
    query = table_rules.TableQuery.from_args(request.args)
    methodology = results.methodology_of(run)
    entries = results.entries(run, category=query.category)
    with_intervals = query.category is not None or not methodology.rank_within_category
    table = table_rules.build_table(entries, query, with_intervals=with_intervals)
    return render_template("public/ranking.html", year=year, edition=edition, run=run,
                           table=table, query=query, with_intervals=with_intervals,
                           decimals=methodology.decimals, rules=table_rules)


@bp.route("/<int:year>/mapa")
@bp.route("/<int:year>/mapa/<woj>")
@reads_only
def map_view(year: int, woj: str | None = None):
    edition, run = _published(year)
    if woj is not None and woj not in voivodeship_codes():
        abort(404)
    query = table_rules.TableQuery.from_args(request.args)
    entries = results.entries(run)
    scores = {e.gmina.teryt6: float(e.published_score) for e in entries
              if e.ranked and e.published_score is not None
              and query.category in (None, e.category)}
    edges = class_edges(list(scores.values())) or None  # national classes on every map
    by_code = {e.gmina.teryt6: e for e in entries}
    svg = render_choropleth(
        scores, scope=woj, edges=edges,
        label_for=lambda code: _map_label(by_code.get(code), code, query, code in scores),
        link_for=lambda code: (url_for(".scorecard", year=year, teryt6=code)
                               if code in by_code else None),
        title=_map_title(year, query, woj, entries),
        legend_title=_("Wynik (pkt), klasy jak na mapie Polski"),
        described_by="opis-mapy", decimals=1, no_data=_("brak danych"),
    )
    names = {e.gmina.powiat.voivodeship.code: e.gmina.powiat.voivodeship.display_name
             for e in entries}
    return render_template("public/map.html", edition=edition, run=run, svg=svg, woj=woj,
                           woj_name=names.get(woj or "", woj), voivodeships=sorted(names.items()),
                           query=query, rules=table_rules)


def _map_label(entry, code: str, query, shown: bool) -> str:
    """The accessible name of a gmina on the map; the map adds ": brak danych" when not shown."""
    if entry is None:
        return code
    name = entry.gmina.name
    if not shown:
        return name
    if not entry.ranked or entry.published_score is None:
        return f"{name}: " + _("nieklasyfikowana")
    rank = entry.rank_national if query.category is None else entry.rank_category
    return _("%(name)s: %(score)s pkt, miejsce %(rank)s", name=name,
             score=format_number(float(entry.published_score), 1, "pl"), rank=rank)


def _map_title(year: int, query, woj: str | None, entries) -> str:
    what = (_("wynik ogólny") if query.category is None
            else table_rules.category_label(query.category))
    if woj is None:
        return _("Ranking %(year)s – mapa gmin Polski (%(what)s)", year=year, what=what)
    name = next((e.gmina.powiat.voivodeship.display_name for e in entries
                 if e.gmina.teryt6[:2] == woj), woj)
    return _("Ranking %(year)s – mapa gmin, województwo %(name)s (%(what)s)", year=year,
             name=name, what=what)


@bp.route("/<int:year>/metodologia")
@reads_only
def methodology(year: int):
    edition, run = _published(year)
    method = results.methodology_of(run)
    questionnaire = definition_for(edition.questionnaire_version)
    pillars = pillar_views(method, questionnaire)
    return render_template(
        "public/methodology.html", edition=edition, run=run, methodology=method,
        pillars=pillars, indicators=[i for p in pillars for i in p.all_indicators()],
        description=methodology_data(run.methodology_text).get("description"),
        advice=advice_rules(run.methodology_text, questionnaire))


@bp.route("/<int:year>/gmina/<teryt6>")
@reads_only
def scorecard(year: int, teryt6: str):
    card = _scorecard(year, teryt6)
    return render_template("public/scorecard.html", card=card, rules=table_rules,
                           charts=scorecard_charts(card))


@bp.route("/<int:year>/gmina/<teryt6>/informacja-zwrotna")
@reads_only
def feedback(year: int, teryt6: str):
    card = _scorecard(year, teryt6)
    html = render_template("public/feedback_report.html", card=card, rules=table_rules)
    filename = f"informacja-zwrotna-{year}-{card.gmina.teryt6}.html"
    return Response(html, mimetype="text/html", headers={
        "Content-Disposition": f'attachment; filename="{filename}"',
        "X-Content-Type-Options": "nosniff",
    })


def _scorecard(year: int, teryt6: str):
    edition, run = _published(year)
    gmina = gmina_by_teryt6(teryt6) if len(teryt6) == 6 and teryt6.isdigit() else None
    card = build_scorecard(run, edition, gmina) if gmina is not None else None
    if card is None:
        abort(404)
    return card
