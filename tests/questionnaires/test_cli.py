import textwrap

from click.testing import CliRunner

from portal.questionnaires.cli import questionnaire_cli

from .conftest import questionnaire_text


def write(tmp_path, text, folder="2018"):
    path = tmp_path / folder / "questionnaire.yaml"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    return path


def test_check_prints_a_summary_for_a_valid_file(tmp_path):
    path = write(tmp_path, questionnaire_text("- {key: a, type: integer, label: A}"))
    result = CliRunner().invoke(questionnaire_cli, ["check", str(path)])
    assert result.exit_code == 0
    assert result.output.startswith("OK: 2018, 1 sections, 1 items, sha256 ")


def test_check_lists_every_problem_with_path_line_and_key_and_fails(tmp_path):
    items = textwrap.dedent(
        """\
        - {key: a, type: integer, label: A, min: 5, max: 1}
        - {key: b, type: nope, label: B}
        """
    )
    path = write(tmp_path, questionnaire_text(items))
    result = CliRunner().invoke(questionnaire_cli, ["check", str(path)])
    assert result.exit_code == 1
    assert f"{path}:8: [a] min is greater than max" in result.output
    assert f"{path}:9: [b] unknown type 'nope'" in result.output
