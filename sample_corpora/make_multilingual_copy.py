"""Write multilingual_copy.csv: one kitchenware brand's product copy in English, French, German
and Japanese, 2019–2024, written for this project.

Until 2021 each locale writes its own copy (French about savoir-faire and pleasure, German about
quality and durability, Japanese about craft and the seasons, English about busy weeknights);
from 2022 every locale publishes a translation of one global English template. That convergence
is planted on purpose; ``make(planted=False)`` writes the control, local copy in every year.
Each French, German and Japanese row also carries ``plain_translation``: a literal translation of
the English text it stands beside (same item, year and position), what the copy would read like
had it only been translated.

    python sample_corpora/make_multilingual_copy.py
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

LOCALES = ("en", "fr", "de", "ja")
YEARS = range(2019, 2025)
CONVERGED_FROM = 2022
ITEMS = {  # item: (name, feature in each locale)
    "skillet": ("Forge Skillet", {"en": "heat that stays even from edge to edge", "fr": "une chaleur homogène d'un bord à l'autre",
                                  "de": "gleichmäßige Hitze bis zum Rand", "ja": "縁まで均一に伝わる熱"}),
    "board": ("Oak Board", {"en": "solid oak that is kind to knives", "fr": "du chêne massif qui ménage vos couteaux",
                            "de": "massive Eiche, die Messer schont", "ja": "包丁にやさしい無垢のオーク材"}),
    "steamer": ("Steam Basket", {"en": "bamboo that steams vegetables in minutes",
                                 "fr": "du bambou qui cuit les légumes à la vapeur en quelques minutes",
                                 "de": "Bambus, der Gemüse in Minuten dämpft", "ja": "数分で野菜を蒸せる竹"}),
    "kettle": ("Copper Kettle", {"en": "a litre boiled in three minutes", "fr": "un litre d'eau bouillante en trois minutes",
                                 "de": "ein Liter kochendes Wasser in drei Minuten", "ja": "三分で沸く一リットルのお湯"}),
    "mortar": ("Stone Mortar", {"en": "granite that grinds pastes and spices", "fr": "du granit pour les pâtes et les épices",
                                "de": "Granit für Pasten und Gewürze", "ja": "ペーストやスパイスをすりつぶす御影石"}),
    "apron": ("Linen Apron", {"en": "washed linen with deep pockets", "fr": "du lin lavé avec de grandes poches",
                              "de": "gewaschenes Leinen mit tiefen Taschen", "ja": "深いポケット付きの洗いざらしのリネン"}),
    "jars": ("Glass Jars", {"en": "airtight glass that keeps flour dry", "fr": "du verre hermétique qui garde la farine au sec",
                            "de": "luftdichtes Glas, das Mehl trocken hält", "ja": "小麦粉を湿気から守る密閉ガラス"}),
    "knife": ("Chef's Knife", {"en": "carbon steel that holds its edge", "fr": "de l'acier carbone qui garde son tranchant",
                               "de": "Karbonstahl, der lange scharf bleibt", "ja": "切れ味が長持ちする炭素鋼"}),
}
LOCAL = {  # each locale's own voice
    "en": ("{name} gets weeknight dinners on the table faster, with {f}. Built for busy family kitchens.",
           "Our {name} is the one we reach for on Sundays: {f}, and it cleans up in a minute.",
           "Made for people who cook every day, the {name} brings {f} to your counter.",
           "From pancakes to stir-fries, the {name} handles it all with {f}."),
    "fr": ("{name}, c'est le goût du fait maison : {f}, pour des repas qui prennent leur temps.",
           "Pensé pour les gourmets, {name} allie savoir-faire et simplicité avec {f}.",
           "Du marché à la cuisine, {name} vous suit partout : {f}, un vrai plaisir au quotidien.",
           "Avec {name}, cuisiner redevient un art de vivre, grâce à {f}."),
    "de": ("{name} ist auf Jahrzehnte gebaut: {f}, geprüft nach strengen Standards.",
           "Solide verarbeitet und durchdacht: {name} bietet {f} ohne Kompromisse.",
           "Für alle, die Wert auf Qualität legen: {name} mit {f}.",
           "Langlebig, reparierbar, ehrlich: {name} überzeugt durch {f}."),
    "ja": ("{name}は職人の技が光る一品。{f}で、毎日の料理がもっと丁寧になります。",
           "季節の食材をおいしく。{name}なら{f}が料理を支えます。",
           "長く使える道具を選びたい方へ。{name}は{f}が自慢です。",
           "台所に小さな喜びを。{name}の{f}を、ぜひ手に取ってみてください。"),
}
GLOBAL = {  # one English template and its plain translations
    "en": ("Elevate your everyday with the {name}: {f}, seamlessly designed for modern living.",
           "Discover the {name}, where innovation meets style: {f} for effortless cooking."),
    "fr": ("Sublimez votre quotidien avec {name} : {f}, conçu avec fluidité pour la vie moderne.",
           "Découvrez {name}, là où l'innovation rencontre le style : {f} pour une cuisine sans effort."),
    "de": ("Bereichern Sie Ihren Alltag mit {name}: {f}, nahtlos gestaltet für modernes Wohnen.",
           "Entdecken Sie {name}, wo Innovation auf Stil trifft: {f} für müheloses Kochen."),
    "ja": ("{name}で毎日をもっと上質に。{f}、モダンな暮らしのためにシームレスにデザインされています。",
           "革新とスタイルが出会う{name}をご紹介。{f}で、手間のかからない料理を。"),
}
PLAIN = {  # literal translations of the English local copy
    "fr": ("{name} met plus vite le dîner sur la table en semaine, avec {f}. Conçu pour les cuisines des familles occupées.",
           "Notre {name} est celui que nous prenons le dimanche : {f}, et il se nettoie en une minute.",
           "Fait pour ceux qui cuisinent tous les jours, {name} apporte {f} à votre plan de travail.",
           "Des crêpes aux sautés, {name} gère tout avec {f}."),
    "de": ("{name} bringt das Abendessen unter der Woche schneller auf den Tisch, mit {f}. Gebaut für vielbeschäftigte Familienküchen.",
           "Unser {name} ist der, zu dem wir sonntags greifen: {f}, und er ist in einer Minute sauber.",
           "Gemacht für Menschen, die jeden Tag kochen: {name} bringt {f} auf Ihre Arbeitsfläche.",
           "Von Pfannkuchen bis zu Pfannengerichten meistert {name} alles mit {f}."),
    "ja": ("{name}なら平日の夕食がもっと早く食卓に並びます。{f}。忙しい家族のキッチンのために作られました。",
           "日曜日に手に取るのは、いつもこの{name}。{f}で、お手入れは一分で済みます。",
           "毎日料理する人のために作られた{name}が、{f}をあなたのキッチンに届けます。",
           "パンケーキから炒め物まで、{name}は{f}で何でもこなします。"),
}
OUT = Path(__file__).with_name("multilingual_copy.csv")
FIELDS = ["id", "item", "locale", "date", "text", "plain_translation"]


def plain_translation(english_template: str, locale: str) -> str:
    """The literal translation of an English template (local or global) into ``locale``."""
    for english, translated in ((LOCAL["en"], PLAIN), (GLOBAL["en"], GLOBAL)):
        if english_template in english:
            return translated[locale][english.index(english_template)]
    raise KeyError(english_template)


def make(planted: bool = True, seed: int = 7) -> list[dict[str, str]]:
    """The rows: id, item, locale, date, text, plain_translation (two texts per item, locale and
    year; no translation for the English source)."""
    rng = random.Random(seed)
    rows = []
    for year in YEARS:
        for item, (name, features) in ITEMS.items():
            for locale in LOCALES:
                templates = GLOBAL[locale] if planted and year >= CONVERGED_FROM else rng.sample(LOCAL[locale], 2)
                if locale == "en":
                    english = templates
                for template, source in zip(templates, english):
                    date = f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
                    plain = "" if locale == "en" else plain_translation(source, locale).format(name=name, f=features[locale])
                    rows.append({"id": f"{item}-{locale}-{year}-{len(rows) + 1}", "item": item, "locale": locale,
                                 "date": date, "text": template.format(name=name, f=features[locale]),
                                 "plain_translation": plain})
    return rows


def write(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    write(OUT, make())
    print(f"wrote {OUT}")
