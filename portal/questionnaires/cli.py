"""`flask portal questionnaire check PATH`: validate a questionnaire file before it is used."""

import click
from flask.cli import AppGroup

from portal.questionnaires.loader import QuestionnaireInvalid, load_questionnaire_file

questionnaire_cli = AppGroup("questionnaire", help="Questionnaire definition files.")


# No app context: checking a file needs neither the database nor the configuration.
@questionnaire_cli.command("check", with_appcontext=False)
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def check_command(path: str) -> None:
    """Validate PATH; print every problem as PATH:LINE: [key] message."""
    try:
        loaded = load_questionnaire_file(path)
    except QuestionnaireInvalid as invalid:
        for error in invalid.errors:
            click.echo(error.describe(path))
        click.echo(f"{len(invalid.errors)} problem(s).", err=True)
        raise SystemExit(1) from None
    questionnaire = loaded.questionnaire
    click.echo(
        f"OK: {questionnaire.version}, {len(questionnaire.sections)} sections, "
        f"{len(questionnaire.items_by_key)} items, sha256 {loaded.sha256}"
    )
