"""`flask portal methodology try`: run a methodology on a CSV table, with no database."""

from __future__ import annotations

import csv

import click
import yaml
from flask.cli import AppGroup

from portal.scoring.engine import Result, score
from portal.scoring.methodology import load_methodology
from portal.scoring.table import read_csv_table

methodology_cli = AppGroup("methodology", help="Check and try scoring methodologies.")


def _fmt(value: float) -> str:
    return "" if value != value else f"{value:.10g}"  # NaN -> empty cell


def result_rows(result: Result, node_ids: list[str]) -> tuple[list[str], list[list[str]]]:
    """Header and rows: score, every group score, ranks and (with draws) the rank interval."""
    header = ["unit_id", "category", "score", "published_score", "rank_category",
              "rank_national", "ex_aequo", "not_ranked_reason"] + [f"score_{n}" for n in node_ids]
    unc = result.uncertainty
    if unc:
        header += ["median_rank", "rank_q05", "rank_q95"]
    rows = []
    for i, unit in enumerate(result.unit_ids):
        row = [unit, (result.categories[i] or "") if result.categories else "",
               _fmt(result.score[i]), _fmt(result.published_score[i]),
               str(result.rank_category[i] or ""), str(result.rank_national[i] or ""),
               "1" if result.ex_aequo_category[i] or result.ex_aequo_national[i] else "0",
               result.not_ranked_reason[i] or ""]
        row += [_fmt(result.nodes[n][i]) for n in node_ids]
        if unc:
            row += [_fmt(unc.median_rank[i]), _fmt(unc.rank_q05[i]), _fmt(unc.rank_q95[i])]
        rows.append(row)
    return header, rows


def _declared_category(path: str) -> str | None:
    with open(path, encoding="utf-8") as fh:
        data = yaml.safe_load(fh)
    cats = data.get("categories") if isinstance(data, dict) else None
    return cats.get("field") if isinstance(cats, dict) else None


@methodology_cli.command("try")
@click.argument("methodology_file", type=click.Path(exists=True, dir_okay=False))
@click.option("--data", "data_file", required=True, type=click.Path(exists=True, dir_okay=False),
              help="CSV of units by raw source values.")
@click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
              help="Where to write the result CSV.")
@click.option("--draws", type=click.IntRange(min=0), default=None,
              help="Monte Carlo draws (default: the methodology's).")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Seed (default: derived from the input hash).")
@click.option("--id-column", default=None, help="Unit id column (default: the first).")
@click.option("--category-column", default=None,
              help="Category column (default: categories.field of the methodology, if present).")
def try_command(methodology_file, data_file, output, draws, seed, id_column, category_column):
    """Score every unit of a CSV with METHODOLOGY_FILE and write scores and ranks."""
    try:
        if category_column is None:
            category_column = _declared_category(methodology_file)
            try:
                table = read_csv_table(data_file, id_column, category_column)
            except ValueError:  # the declared column is absent: rank nationally only
                table = read_csv_table(data_file, id_column)
        else:
            table = read_csv_table(data_file, id_column, category_column)
        methodology = load_methodology(methodology_file, table.columns.keys())
    except (ValueError, yaml.YAMLError) as exc:  # MethodologyInvalid lists every error
        raise click.ClickException(str(exc)) from exc
    result = score(methodology, table, draws=draws, seed=seed)
    node_ids = [g.id for g in reversed(methodology.nodes_bottom_up())]
    header, rows = result_rows(result, node_ids)
    with open(output, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    ranked = int(result.ranked.sum())
    click.echo(f"{len(rows)} units, {ranked} ranked; input sha256 {result.input_sha256[:12]}, "
               f"seed {result.seed}; wrote {output}")


@click.command("score")
@click.option("--edition", "year", type=int, required=True, help="Edition year, e.g. 2018.")
@click.option("--draws", type=click.IntRange(min=0), default=None,
              help="Monte Carlo draws (default: the methodology's).")
@click.option("--notes", default=None, help="A note stored with the run.")
def score_command(year: int, draws: int | None, notes: str | None) -> None:
    """Score an edition as a new draft run (approved answers + current Police data)."""
    from portal.core.errors import DomainError
    from portal.db import session
    from portal.editions.services import get_edition
    from portal.scoring.services import load_methodology_for, start_run

    try:
        edition = get_edition(year)
        m, _text, _q = load_methodology_for(edition)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    total_draws = m.uncertainty.draws if draws is None else draws
    with click.progressbar(length=total_draws + 3, label="load", show_pos=True) as bar:
        def progress(stage: str, amount: int) -> None:
            bar.label = {"load": "compute", "draws": "draws", "compute": "store"}.get(stage,
                                                                                      stage)
            bar.update(amount)

        try:
            run = start_run(edition, actor=None, draws=draws, notes=notes, progress=progress)
            session.commit()
        except DomainError as error:
            session.rollback()
            raise click.ClickException(str(error)) from error
    t = run.timings
    click.echo(f"Run {run.id} (edition {year}, #{run.number}, draft): {run.ranked_count} of "
               f"{run.units_count} gminy ranked; load {t['load']:.2f} s, compute "
               f"{t['compute']:.2f} s, store {t['store']:.2f} s; input sha256 "
               f"{run.input_sha256[:12]}, seed {run.seed}.")
