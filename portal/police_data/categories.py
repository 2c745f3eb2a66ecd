"""The fixed category dictionaries of Police crime statistics and of the KMZB threat map.

Codes are what import files carry; names are the Polish labels shown to users. Both lists are
data of the methodology (DOMAIN.md 3.2-3.4), so a new code means a code change and a migration-free
deploy, never a silent new value in the database.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import lazy_gettext as _l


@dataclass(frozen=True)
class Category:
    code: str
    name: str  # a lazy string: str() it in the request's language
    group: str = ""


# Crime groups as GUS BDL P2290 publishes them per powiat ("ogółem" has only rates there).
BDL_GROUP = "bdl"
# The "siódemka": the seven categories most bothersome to residents (DOMAIN.md 3.2).
SEVEN_GROUP = "siodemka"
TOTALS_GROUP = "razem"

CRIME_CATEGORIES: tuple[Category, ...] = (
    Category("ogolem", _l("przestępstwa ogółem"), TOTALS_GROUP),
    Category("siodemka_razem", _l("siedem wybranych kategorii razem"), TOTALS_GROUP),
    Category("kradziez_rzeczy", _l("kradzież cudzej rzeczy (art. 278 kk)"), SEVEN_GROUP),
    # Reported as "w tym" of kradzież cudzej rzeczy: never add it to the seven's total.
    Category("kradziez_samochodu", _l("w tym kradzież samochodu"), SEVEN_GROUP),
    Category("kradziez_z_wlamaniem", _l("kradzież z włamaniem (art. 279 kk)"), SEVEN_GROUP),
    Category("rozboj", _l("rozbój, kradzież i wymuszenie rozbójnicze (art. 280–282 kk)"),
             SEVEN_GROUP),
    Category("uszkodzenie_mienia", _l("uszkodzenie mienia (art. 288 kk)"), SEVEN_GROUP),
    Category("bojka_pobicie", _l("udział w bójce lub pobiciu (art. 158–159 kk)"), SEVEN_GROUP),
    Category("uszczerbek_na_zdrowiu", _l("uszczerbek na zdrowiu (art. 156–157 kk)"), SEVEN_GROUP),
    Category("kryminalne", _l("o charakterze kryminalnym"), BDL_GROUP),
    Category("gospodarcze", _l("o charakterze gospodarczym"), BDL_GROUP),
    Category("drogowe", _l("drogowe (przeciwko bezpieczeństwu w komunikacji)"), BDL_GROUP),
    Category("zycie_zdrowie", _l("przeciwko życiu i zdrowiu"), BDL_GROUP),
    Category("mienie", _l("przeciwko mieniu"), BDL_GROUP),
    Category("wolnosc_obyczajnosc",
             _l("przeciwko wolności, wolności sumienia, wolności seksualnej i obyczajności"),
             BDL_GROUP),
    Category("rodzina_opieka", _l("przeciwko rodzinie i opiece"), BDL_GROUP),
    Category("bezp_powszechne",
             _l("przeciwko bezpieczeństwu powszechnemu i bezpieczeństwu w komunikacji razem"),
             BDL_GROUP),
)

# The KMZB list of 2020 (27 categories, DOMAIN.md 3.4); later editions of the map merged some.
THREAT_CATEGORIES: tuple[Category, ...] = tuple(
    Category(code, name)
    for code, name in (
        ("nieprawidlowe_parkowanie", _l("nieprawidłowe parkowanie")),
        ("przekraczanie_predkosci", _l("przekraczanie dozwolonej prędkości")),
        ("infrastruktura_drogowa", _l("niewłaściwa infrastruktura drogowa")),
        ("niebezpieczne_wody", _l("miejsca niebezpieczne na wodach")),
        ("nielegalne_rajdy", _l("nielegalne rajdy samochodowe")),
        ("wandalizm", _l("akty wandalizmu")),
        ("dzikie_wysypiska", _l("dzikie wysypiska śmieci")),
        ("quady_w_lesie", _l("poruszanie się po terenach leśnych quadami")),
        ("alkohol_w_miejscach_niedozwolonych",
         _l("spożywanie alkoholu w miejscach niedozwolonych")),
        ("organizacja_ruchu", _l("zła organizacja ruchu drogowego")),
        ("grupowanie_maloletnich", _l("grupowanie się małoletnich zagrożonych demoralizacją")),
        ("bezpanskie_psy", _l("wałęsające się bezpańskie psy")),
        ("niebezpieczne_tereny_wodne", _l("miejsca niebezpieczne na terenach wodnych")),
        ("wypalanie_traw", _l("wypalanie traw")),
        ("zwierzeta_lesne_na_drodze", _l("zdarzenia drogowe z udziałem zwierząt leśnych")),
        ("przejscie_przez_tory", _l("niestrzeżone przejście przez tory")),
        ("zebractwo", _l("żebractwo")),
        ("osoba_bezdomna", _l("osoba bezdomna wymagająca pomocy")),
        ("dzikie_kapieliska", _l("dzikie kąpieliska")),
        ("niszczenie_zieleni", _l("niszczenie zieleni")),
        ("niebezpieczna_rozrywka", _l("miejsce niebezpiecznej działalności rozrywkowej")),
        ("niestrzezony_przejazd", _l("niestrzeżony przejazd kolejowy")),
        ("nielegalna_wycinka", _l("nielegalna wycinka drzew")),
        ("srodki_odurzajace", _l("używanie środków odurzających")),
        ("klusownictwo", _l("kłusownictwo")),
        ("znecanie_nad_zwierzetami", _l("znęcanie się nad zwierzętami")),
        ("utoniecia", _l("utonięcia")),
    )
)

CRIME_CODES = frozenset(category.code for category in CRIME_CATEGORIES)
THREAT_CODES = frozenset(category.code for category in THREAT_CATEGORIES)
_NAMES = {c.code: c.name for c in CRIME_CATEGORIES} | {c.code: c.name for c in THREAT_CATEGORIES}


def category_name(code: str) -> str:
    """The Polish name of a crime or threat category code (the code itself if unknown)."""
    name = _NAMES.get(code)
    return str(name) if name is not None else code
