"""The public pages end to end: ranking, map, methodology, scorecard, feedback download."""

import re

import pytest

from portal.db import session
from tests.public import builders as b
from tests.sample_2018 import COMPLETE_2018


@pytest.fixture
def published():
    edition = b.edition(2018)
    run = b.run(edition)
    county = b.powiat("0201", "bolesławiecki")
    other = b.powiat("3021", "poznański", woj_name="WIELKOPOLSKIE")
    gminy = {
        "alfa": b.gmina("020101", "Bolesławiec", kind=1, county=county),
        "beta": b.gmina("020102", "Gromadka", kind=2, county=county),
        "gamma": b.gmina("302101", "Buk", kind=3, county=other),
        "delta": b.gmina("302102", "Czerwonak", kind=2, county=other),
        "eps": b.gmina("302103", "Dopiewo", kind=2, county=other),
    }
    entries = {
        "alfa": b.entry(run, gminy["alfa"], score=71.25, rank_national=1, rank_category=1,
                        population=39_000, p05=1, p95=1),
        "beta": b.entry(run, gminy["beta"], score=64.5, rank_national=2, rank_category=1,
                        population=5_600, p05=1, p95=2.6, group_scores={"monitoring": 80.0}),
        "delta": b.entry(run, gminy["delta"], score=64.5, rank_national=2, rank_category=1,
                         population=27_000, p05=1, p95=2),
        "gamma": b.entry(run, gminy["gamma"], score=50.0, rank_national=4, rank_category=1,
                         population=15_000),
        "eps": b.entry(run, gminy["eps"], score=None, reason="brak zatwierdzonej ankiety",
                       population=28_000),
    }
    return edition, run, gminy, entries


def text(response):
    return response.get_data(as_text=True)


def test_home_page_and_navigation_link_to_the_ranking(client):
    page = text(client.get("/"))
    assert 'href="/ranking/"' in page
    assert page.count('href="/ranking/"') >= 2  # the nav and the home page


def test_index_lists_published_editions_only(client, published):
    b.run(b.edition(2017), status="draft")
    page = text(client.get("/ranking/"))
    assert 'href="/ranking/2018"' in page
    assert 'href="/ranking/2017"' not in page


@pytest.mark.parametrize("path", ["/ranking/2031", "/ranking/2031/mapa",
                                  "/ranking/2031/metodologia", "/ranking/2031/gmina/020101"])
def test_a_year_without_a_published_run_gets_a_friendly_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "nie został jeszcze opublikowany" in text(response)


def test_a_draft_or_withdrawn_run_is_not_public(client):
    edition = b.edition(2019)
    b.run(edition, status="draft")
    b.run(edition, status="withdrawn")
    assert client.get("/ranking/2019").status_code == 404


def test_national_ranking_lists_every_gmina_with_ties_and_reasons(client, published):
    page = text(client.get("/ranking/2018"))
    assert "<caption>Ranking krajowy 2018</caption>" in page
    for name in ("Bolesławiec", "Gromadka", "Buk", "Czerwonak", "Dopiewo"):
        assert name in page
    assert page.count('2–3 <span class="tie">ex aequo</span>') == 2
    assert "nieklasyfikowana: brak zatwierdzonej ankiety" in page
    assert page.index("Bolesławiec") < page.index("Czerwonak") < page.index("Gromadka")
    assert page.index("Buk") < page.index("Dopiewo")
    assert 'aria-sort="ascending"' in page
    assert 'href="/ranking/2018/gmina/020102"' in page


def test_category_table_shows_category_ranks_and_intervals(client, published):
    page = text(client.get("/ranking/2018?kategoria=wiejskie"))
    assert "Ranking 2018: gminy wiejskie" in page
    assert "Bolesławiec" not in page and "Buk" not in page
    assert "Przedział miejsc" in page
    assert "1–3" in page  # Gromadka's interval 1..2.6 rounded outwards
    assert page.count('1–2 <span class="tie">ex aequo</span>') == 2


def test_search_and_filters_narrow_the_table(client, published):
    assert "Czerwonak" not in text(client.get("/ranking/2018?q=grom"))
    assert "Gromadka" in text(client.get("/ranking/2018?q=GROMADKA"))
    by_woj = text(client.get("/ranking/2018?woj=30"))
    assert "Buk" in by_woj and "Gromadka" not in by_woj
    by_powiat = text(client.get("/ranking/2018?powiat=0201"))
    assert "Bolesławiec" in by_powiat and "Dopiewo" not in by_powiat
    small = text(client.get("/ranking/2018?ludnosc=5-20-tys"))
    assert "Gromadka" in small and "Buk" in small and "Czerwonak" not in small
    assert "Liczba gmin: 2" in small
    assert "Wyczyść filtry" in small


def test_sorting_by_name_descending_is_server_side(client, published):
    page = text(client.get("/ranking/2018?sort=nazwa&kierunek=malejaco"))
    assert page.index("Gromadka") < page.index("Dopiewo") < page.index("Bolesławiec")
    header = re.search(r'<th scope="col" aria-sort="descending">\s*<a href="([^"]+)"', page)
    assert header and "sort=nazwa" in header.group(1) and "kierunek" not in header.group(1)


def test_filter_form_is_labelled_and_every_table_has_a_caption(client, published):
    page = text(client.get("/ranking/2018"))
    for field in ("f-q", "f-woj", "f-powiat", "f-ludnosc"):
        assert f'<label for="{field}">' in page
    assert page.count("<table") == page.count("<caption>")
    assert '<th scope="row"><a href="/ranking/2018/gmina/020101">' in page


def test_pagination_links_keep_the_filters(client, published):
    page = text(client.get("/ranking/2018?na_stronie=0&q=o"))
    assert "Strony tabeli" not in page
    run = published[1]
    b.ranked_gminy(run, 60, woj="04")
    page = text(client.get("/ranking/2018?woj=04"))
    assert "strona 1 z 2" in page
    assert 'href="/ranking/2018?woj=04&amp;strona=2"' in page


def test_names_are_escaped_everywhere(client, published):
    edition, run, gminy, entries = published
    gminy["beta"].name = "<script>alert(1)</script>"
    session.flush()
    for path in ("/ranking/2018", "/ranking/2018/gmina/020102", "/ranking/2018/mapa",
                 "/ranking/2018/mapa/02", "/ranking/2018/gmina/020102/informacja-zwrotna"):
        page = text(client.get(path))
        assert "<script>alert(1)" not in page, path
        assert "&lt;script&gt;alert(1)" in page, path


def test_map_links_every_ranked_gmina_and_points_to_the_table(client, published):
    page = text(client.get("/ranking/2018/mapa"))
    assert 'aria-describedby="opis-mapy"' in page
    assert 'id="opis-mapy"' in page
    assert 'href="/ranking/2018/gmina/020102"' in page
    assert "Gromadka: 64,5 pkt, miejsce 2" in page
    assert 'href="/ranking/2018">Te same dane w tabeli' in page
    assert 'href="/ranking/2018/mapa/30"' in page


def test_voivodeship_map_uses_the_national_colour_classes(client, published):
    national = text(client.get("/ranking/2018/mapa"))
    regional = text(client.get("/ranking/2018/mapa/30"))
    pattern = r'<a href="/ranking/2018/gmina/302102"[^>]*><path class="(q\d)"'
    assert re.search(pattern, national).group(1) == re.search(pattern, regional).group(1)
    assert "020101" not in regional
    assert 'href="/ranking/2018?woj=30">Te same dane w tabeli' in regional
    assert "województwo wielkopolskie" in regional


def test_map_switches_to_one_category(client, published):
    page = text(client.get("/ranking/2018/mapa?kategoria=miejskie"))
    assert 'href="/ranking/2018/gmina/020101"' in page
    assert "Gromadka: brak danych" in page  # not of this category: hatched, no score


def test_unknown_voivodeship_map_is_404(client, published):
    assert client.get("/ranking/2018/mapa/99").status_code == 404


def test_methodology_page_lists_every_indicator_with_its_share(client, published):
    from portal.public.methodology_page import effective_shares
    from portal.scoring.results import methodology_of

    run = published[1]
    page = text(client.get("/ranking/2018/metodologia"))
    methodology = methodology_of(run)
    shares = effective_shares(methodology)
    for indicator in methodology.indicators:
        row = re.search(rf'<tr id="w-{indicator.id}">(.*?)</tr>', page, re.S)
        assert row, indicator.id
        assert indicator.name in row.group(1)
        share = f"{shares[indicator.id] * 100:.1f}".replace(".", ",") + "%"
        assert share in row.group(1), (indicator.id, share)
    assert abs(sum(shares[i.id] for i in methodology.indicators) - 1) < 1e-9
    assert "Analiza niepewności" in page and re.search(r"1\s000 razy", page)
    assert "art. 9a ust. 3 i 4 ustawy z dnia 8 marca 1990 r. o samorządzie gminnym" in page
    assert "NIK P/13/154" in page
    assert "ankieta: „Liczba kamer obejmujących przestrzeń publiczną" in page
    assert "„tak” → 100 pkt" in page
    headings = [int(level) for level in re.findall(r"<h([1-6])", page)]
    assert headings[0] == 1
    assert all(later - earlier <= 1 for earlier, later in zip(headings, headings[1:], strict=False))


def test_scorecard_shows_score_ranks_interval_and_pillars(client, published):
    edition, run, gminy, entries = published
    b.indicator(entries["beta"], "kamery_na_10_tys", raw=12.0, normalised=60.0)
    b.indicator(entries["delta"], "kamery_na_10_tys", raw=4.0, normalised=20.0)
    b.indicator(entries["beta"], "przestepczosc", raw=9.5, normalised=40.0, powiat_level=True)
    b.indicator(entries["delta"], "przestepczosc", raw=8.0, normalised=80.0)
    page = text(client.get("/ranking/2018/gmina/020102"))
    assert "<h1>Gromadka" in page
    assert "64,50 / 100 pkt" in page
    assert '1–2 <span class="tie">ex aequo</span> z 2' in page  # category: tied with Czerwonak
    assert '2–3 <span class="tie">ex aequo</span> z 4' in page  # national
    assert 'id="przedzial"' in page and "przedział od 1 do 2" in page  # clipped to 2 ranked
    assert 'id="filary"' in page and "Monitoring wizyjny: 80,0 / 100,0 pkt" in page
    assert "Kamery przestrzeni publicznej na 10 tys. mieszkańców" in page
    assert "dane na poziomie powiatu" in page
    assert "Mocne strony" in page and "20,0 pkt powyżej mediany" in page
    assert "20,0 pkt poniżej mediany" in page
    assert "Brak porównania" in page
    assert 'href="/ranking/2018/gmina/020102/informacja-zwrotna"' in page
    assert "Dane demonstracyjne" not in page


def test_a_gmina_alone_of_its_type_is_told_there_is_nothing_to_compare_with(client, published):
    _edition, _run, _gminy, entries = published
    b.indicator(entries["alfa"], "kamery_na_10_tys", raw=12.0, normalised=60.0)
    message = "jedyną sklasyfikowaną gminą tego typu w tej edycji"
    page = text(client.get("/ranking/2018/gmina/020101"))  # the only urban gmina
    assert message in page
    assert "Żaden wskaźnik nie jest wyraźnie powyżej mediany" not in page
    assert message in text(client.get("/ranking/2018/gmina/020101/informacja-zwrotna"))
    assert message not in text(client.get("/ranking/2018/gmina/020102"))  # two rural gminy


def test_scorecard_of_a_not_ranked_gmina_gives_the_reason(client, published):
    page = text(client.get("/ranking/2018/gmina/302103"))
    assert "Gmina nie została sklasyfikowana" in page
    assert "Powód: brak zatwierdzonej ankiety" in page
    assert "Miejsce w kraju" not in page


def test_scorecard_of_an_unknown_gmina_is_404(client, published):
    assert client.get("/ranking/2018/gmina/999999").status_code == 404
    assert client.get("/ranking/2018/gmina/abc").status_code == 404


def test_scorecard_shows_advice_from_the_approved_answers(client, published):
    edition, run, gminy, entries = published
    b.approve_directly(edition, gminy["beta"],
                       dict(COMPLETE_2018, cctv_signage="none",
                            cctv_observers=["commercial_company"], cctv_retention_days=30))
    page = text(client.get("/ranking/2018/gmina/020102"))
    assert "Brak oznaczenia obszarów objętych monitoringiem" in page
    assert "Podstawa: art. 9a ust. 5 ustawy o samorządzie gminnym" in page
    assert page.index("Obserwację obrazu z kamer powierzono") < page.index(
        "Brak oceny skuteczności monitoringu")  # serious before warnings


def test_scorecard_without_approved_answers_says_so(client, published):
    page = text(client.get("/ranking/2018/gmina/020102"))
    assert "Brak zatwierdzonych odpowiedzi gminy" in page


def test_demo_data_is_labelled(client):
    edition = b.edition(2018)
    run = b.run(edition, demo=True)
    g = b.gmina("020101", "Bolesławiec", kind=1)
    b.entry(run, g)
    assert "Dane demonstracyjne" in text(client.get("/ranking/2018/gmina/020101"))
    assert "Dane demonstracyjne" in text(client.get("/ranking/2018"))


def test_change_since_previous_edition_within_the_methodology_family(client, published):
    edition, run, gminy, entries = published
    before = b.run(b.edition(2017), version="2018.0")
    b.entry(before, gminy["beta"], score=60.0, rank_national=3, rank_category=2)
    page = text(client.get("/ranking/2018/gmina/020102"))
    assert "Wynik: +4,50 pkt względem 2017 r." in page
    assert "Miejsce w kraju: 3 → 2" in page


def test_no_comparison_across_methodology_families(client, published):
    edition, run, gminy, entries = published
    before = b.run(b.edition(2017), version="2017.3")
    b.entry(before, gminy["beta"], score=60.0, rank_national=3, rank_category=2)
    page = text(client.get("/ranking/2018/gmina/020102"))
    assert "Brak porównania: ranking 2017 policzono według innej metodologii" in page


def test_feedback_report_is_a_self_contained_download(client, published):
    edition, run, gminy, entries = published
    b.approve_directly(edition, gminy["beta"], dict(COMPLETE_2018, cctv_signage="none"))
    response = client.get("/ranking/2018/gmina/020102/informacja-zwrotna")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    assert response.headers["Content-Disposition"] == (
        'attachment; filename="informacja-zwrotna-2018-020102.html"')
    page = text(response)
    assert "<style>" in page
    for external in ("<link", "<script", "src=", "url(", "@import"):
        assert external not in page
    assert "Gromadka" in page and "64,50 / 100 pkt" in page
    assert "Brak oznaczenia obszarów objętych monitoringiem" in page
    assert "art. 9a ust. 5 ustawy o samorządzie gminnym" in page
    assert "Miejsce w kraju" in page


def _setup_many(year, count, woj):
    edition = b.edition(year)
    run = b.run(edition)
    entries = b.ranked_gminy(run, count, woj=woj)
    for entry in entries:
        b.indicator(entry, "kamery_na_10_tys", raw=10.0, normalised=50.0)
        b.indicator(entry, "przestepczosc", raw=20.0, normalised=40.0)
    b.approve_directly(edition, entries[0].gmina, COMPLETE_2018)
    return entries[0].gmina.teryt6


@pytest.mark.parametrize("path", ["/ranking/{year}", "/ranking/{year}?kategoria=wiejskie",
                                  "/ranking/{year}/gmina/{teryt}", "/ranking/{year}/mapa",
                                  "/ranking/{year}/metodologia",
                                  "/ranking/{year}/gmina/{teryt}/informacja-zwrotna"])
def test_pages_need_the_same_number_of_queries_for_5_and_30_gminy(client, query_counter,
                                                                   path):
    small = path.format(year=2018, teryt=_setup_many(2018, 5, "02"))
    large = path.format(year=2019, teryt=_setup_many(2019, 30, "04"))
    counts = []
    for url in (small, large, small):  # the first request warms the per-process caches
        query_counter["n"] = 0
        assert client.get(url).status_code == 200
        counts.append(query_counter["n"])
    assert counts[1] == counts[2], counts


def test_advice_rules_that_do_not_fit_the_questionnaire_are_left_out(client):
    edition = b.edition(2018)
    text_ = b.METHODOLOGY_TEXT.replace("${cctv_signage} = 'none'", "${cctv_sygnaly} = 'none'")
    run = b.run(edition, text=text_)
    g = b.gmina("020101", "Bolesławiec", kind=1)
    b.entry(run, g)
    b.approve_directly(edition, g, dict(COMPLETE_2018, cctv_signage="none"))
    response = client.get("/ranking/2018/gmina/020101")
    assert response.status_code == 200
    assert "Brak oznaczenia obszarów" not in text(response)
    assert client.get("/ranking/2018/metodologia").status_code == 200
