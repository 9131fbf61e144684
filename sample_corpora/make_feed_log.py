"""Write sample_corpora/feed_catalog.csv and feed_log.csv: a newsletter's personalised feed.

A catalogue of 60 items (6 topics × 10, written for this project) and an exposure log of two
cohorts of 60 users over 12 months of 2024, 10 items per user per month. Each user starts with
their own mix of topics (Dirichlet(1)). In the cohort "recommended" the engine narrows each
feed, month by month, toward the user's own favourite topic (narrowing: by December 70% of what
is not home tech) and pushes everyone toward one topic, home tech (convergence: 70% of the mix by
December), both growing linearly from January. The cohort "browsing" keeps its starting mix all
year (the control).

Deterministic: ``python sample_corpora/make_feed_log.py`` (``make(planted=False)`` gives a log
with both cohorts stationary).
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

TOPICS = {
    "trail running": [
        "Choosing trail shoes for wet, rocky descents without losing grip",
        "A twelve-week plan to run your first mountain half marathon",
        "How to pace long climbs so your legs survive the last ten kilometres",
        "What to carry in a running vest for a four-hour day on the hills",
        "Hill repeats twice a week: the session that makes trail runners stronger",
        "Recovering after an ultra: sleep, food and the week of easy jogging",
        "Reading a trail map before the race so you never miss a turn",
        "Night running with a headlamp: beam width, batteries and safety",
        "Strength exercises for ankles that roll on uneven paths",
        "Race report: a muddy 30 km through the forest in spring rain",
    ],
    "home cooking": [
        "A weeknight lentil curry that is ready in twenty-five minutes",
        "Roasting a whole chicken with lemon, garlic and thyme",
        "Five sauces to make once and use all week",
        "Baking a crusty sourdough loaf in a home oven",
        "How to keep fresh herbs green for a fortnight in the fridge",
        "Batch-cooking soups for the freezer on a Sunday afternoon",
        "Knife skills: dicing an onion quickly without tears",
        "A simple tomato risotto for four from pantry staples",
        "Pancakes for a crowd: a batter that waits overnight",
        "Spices to toast in a dry pan before they go into the pot",
    ],
    "city travel": [
        "Three days in Lisbon on foot: trams, viewpoints and custard tarts",
        "Getting around Tokyo with one rechargeable transit card",
        "The quiet museums of Vienna that tourists walk past",
        "A long weekend in Edinburgh when it rains every day",
        "Night trains across Europe: cabins, tickets and what to pack",
        "Where to eat late in Madrid after the theatre",
        "Copenhagen by bicycle: routes for a first-time visitor",
        "Finding a hotel near the station without paying for the view",
        "A walking tour of the old harbour in Marseille",
        "Museum passes: when they save money and when they do not",
    ],
    "personal finance": [
        "Building an emergency fund of three months of expenses",
        "Index funds explained: why low fees matter over thirty years",
        "How to read your pension statement and what to ask",
        "Paying off a credit card faster with the avalanche method",
        "A monthly budget that survives birthdays and car repairs",
        "Renting or buying a flat: the numbers to compare",
        "What inflation does to savings left in a current account",
        "Tax allowances most people forget to claim each year",
        "Saving for a child's education from the day they are born",
        "Negotiating a pay rise with evidence of your results",
    ],
    "gardening": [
        "Sowing tomatoes indoors in March for a summer harvest",
        "Composting kitchen scraps in a small back garden",
        "Pruning roses in late winter: where to cut and why",
        "A shade bed of ferns and hostas under an old tree",
        "Growing potatoes in sacks on a sunny balcony",
        "How to water a vegetable patch during a dry July",
        "Attracting bees with flowers that bloom from spring to autumn",
        "Dividing perennials in autumn to fill new borders for free",
        "Protecting young lettuce from slugs without pellets",
        "Planting a hedge of native shrubs for birds",
    ],
    "home tech": [
        "Setting up a mesh network so every room has fast wifi",
        "Choosing a smart thermostat that cuts the heating bill",
        "Backing up family photos to two places automatically",
        "A password manager for the whole household, step by step",
        "Which smart speaker works with the lights you already own",
        "Extending a laptop's battery life with a few settings",
        "Video doorbells compared: wiring, storage and privacy",
        "Turning an old tablet into a kitchen recipe screen",
        "Robot vacuums: mapping, mopping and pet hair",
        "Securing the home router in ten minutes",
    ],
}
CONVERGE_TO = "home tech"
USERS_PER_COHORT = 60
MONTHS = 12
PER_MONTH = 10
NARROW = 0.7     # by the last month, this much of a "recommended" user's own mix is their top topic
CONVERGE = 0.7   # and this much of the whole mix is the one topic everyone is pushed to


def catalogue() -> list[tuple[str, str, str]]:
    """(item id, topic, text) for every item."""
    return [(f"item-{k * 10 + i + 1:02d}", topic, text)
            for k, (topic, texts) in enumerate(TOPICS.items()) for i, text in enumerate(texts)]


def make(planted: bool = True, seed: int = 2024) -> list[dict[str, str]]:
    """The exposure log rows: user, cohort, item_id, date, and score: the engine's relevance score
    for the item (the user's current weight on its topic, with noise of its own generator)."""
    rng = np.random.default_rng(seed)
    noise = np.random.default_rng(seed + 1)
    topics = list(TOPICS)
    items = catalogue()
    by_topic = {t: [i for i, topic, _ in items if topic == t] for t in topics}
    rows = []
    for cohort in ("browsing", "recommended"):
        for u in range(USERS_PER_COHORT):
            user = f"{cohort[0]}{u + 1:03d}"
            start = rng.dirichlet(np.ones(len(topics)))
            own = np.eye(len(topics))[int(np.argmax(start))]
            common = np.eye(len(topics))[topics.index(CONVERGE_TO)]
            for month in range(MONTHS):
                s = month / (MONTHS - 1) if planted and cohort == "recommended" else 0.0
                mix = (1 - NARROW * s) * start + NARROW * s * own
                mix = (1 - CONVERGE * s) * mix + CONVERGE * s * common
                for _ in range(PER_MONTH):
                    topic = topics[rng.choice(len(topics), p=mix / mix.sum())]
                    day = int(rng.integers(1, 29))
                    weight = mix[topics.index(topic)] / mix.sum()
                    rows.append({"user": user, "cohort": cohort, "item_id": str(rng.choice(by_topic[topic])),
                                 "date": dt.date(2024, month + 1, day).isoformat(),
                                 "score": f"{weight + 0.1 * noise.standard_normal():.3f}"})
    return rows


def write(folder: Path) -> None:
    with (folder / "feed_catalog.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["item_id", "topic", "text"])
        out.writerows(catalogue())
    with (folder / "feed_log.csv").open("w", newline="", encoding="utf-8") as fh:
        out = csv.DictWriter(fh, ["user", "cohort", "item_id", "date", "score"])
        out.writeheader()
        out.writerows(make())


if __name__ == "__main__":
    write(Path(__file__).resolve().parent)
