"""Write sample_corpora/brand_copy.csv: five fictional brands' product copy, 2019-2024.

Every sentence here was written for this project. Each brand starts with its own voice
(vocabulary, rhythm, place); from 2020 on, a growing share of each brand's copy is written from
one shared pool of generic "clean, modern, elevated" templates, so the later years sound more
alike. The share by year is GENERIC_SHARE below: the signal `auditor` should find.

Run: python sample_corpora/make_brand_copy.py  (deterministic: same seed, same file)
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

SEED = 20240611
TEXTS_PER_BRAND_YEAR = 20
GENERIC_SHARE = {2019: 0.0, 2020: 0.1, 2021: 0.25, 2022: 0.45, 2023: 0.65, 2024: 0.85}

BRANDS = {
    "Harrow & Finch": {
        "products": ["waxed wool field jacket", "oilskin bothy bag", "tweed walking cap",
                     "hand-stitched leather gaiters", "fell-running flask", "heather-knit jumper"],
        "openers": [
            "Cut for the long walk over the Cairngorms, our {p} shrugs off sleet the way a stone dyke does.",
            "Our {p} was tested on a week of sideways rain above Glen Affric, and it came home dry.",
            "The {p} is made in a mill in the Borders that has been weaving since before the railway came.",
            "There is nothing clever about the {p}: good cloth, honest seams, and a pocket for the map.",
            "Grandfather wore one on the hill, and the {p} still follows his pattern stitch for stitch.",
            "Midges, bog and a north-westerly: the {p} was built for the Highlands as they really are.",
        ],
        "middles": [
            "The wax is rubbed in by hand, so it darkens and creases into the shape of your shoulders.",
            "Horn buttons, a storm flap and a collar that turns up against the wind off the loch.",
            "It is heavy, it is warm, and it will outlast the boots you bought it with.",
            "Peat smoke and bracken will mark it; we think that is the point.",
            "Each one is checked by Morag, who has turned back more than she has passed.",
            "Rewax it every autumn with a tin of our dressing and it will see out the century.",
        ],
        "closers": [
            "Mend it, pass it on, and take it back up the hill.",
            "Free repairs for life at our workshop in Peebles.",
            "Made slowly, in small runs, in Scotland.",
            "Wear it until the weather gives up first.",
            "Ask us about the tartan lining; we will talk for hours.",
        ],
    },
    "Lumen Kitchen": {
        "products": ["sunflower-yellow casserole", "speckled enamel saucepan", "fold-flat salad spinner",
                     "pancake griddle with a smiley face", "nesting mixing bowls", "silicone spatula set"],
        "openers": [
            "Sunday pancakes got louder, messier and much more fun the day our {p} arrived.",
            "Kids flip, grown-ups pretend not to, and the {p} forgives everybody's wobbly technique.",
            "Say hello to the {p}: it is cheerful, it is chunky, and it is ready for jam-smeared hands.",
            "We painted the {p} the colour of a lemon drizzle because brown kitchens make us sad.",
            "Spaghetti night, fish-finger Friday, birthday-cake emergencies: the {p} has seen it all.",
            "Our {p} was dreamt up by two dads who were tired of boring pans.",
        ],
        "middles": [
            "It goes from hob to oven to the middle of the table, because who wants more washing up?",
            "The handles stay cool enough for small helpers, and the rim pours without dribbles.",
            "Drop it, bash it, stack it in a wonky tower; the enamel just shrugs and carries on.",
            "There is a little dinosaur stamped on the base, because why not.",
            "Grandma's stew recipe fits exactly, which we checked twice, with seconds.",
            "It comes in five flavours: lemon, blueberry, pistachio, tomato and liquorice.",
        ],
        "closers": [
            "Make a mess. Make a memory. Make seconds.",
            "Tag your kitchen chaos with #LumenLunch and we will send a sticker.",
            "Dishwasher-safe, giggle-proof, and guaranteed for ten years.",
            "Go on, cook something silly tonight.",
            "Happy cooking from the whole Lumen crew in Leeds!",
        ],
    },
    "Norde Cycles": {
        "products": ["steel city frame", "cargo bike with a plywood box", "single-speed commuter",
                     "dynamo light kit", "wool-lined cycling cap", "rear rack with pannier hooks"],
        "openers": [
            "Copenhagen taught us that a bike is a verb, not a hobby, and the {p} rides like one.",
            "The {p} carries two kids, a week of groceries and a Christmas tree, not all at once.",
            "Cobbles, tram lines and a headwind on the Knippelsbro: the {p} takes the daily route in stride.",
            "We weld every {p} in our Nørrebro workshop, three streets from the canal.",
            "Rain at eight, sun at nine, rain again at five: the {p} does not mind Danish weather.",
            "The {p} is upright, unhurried and ridden in ordinary clothes.",
        ],
        "middles": [
            "Mudguards, a chain case and a kickstand come fitted, because commuting is not a race.",
            "Steel tubes soak up the bumps; a hub gear shifts while you are stopped at the lights.",
            "There is no carbon, no app and no subscription, just a bell that rings properly.",
            "It locks to any rack, parks in any courtyard, and weighs what a bike should weigh.",
            "We spec parts you can buy at any corner shop from Aarhus to Amsterdam.",
            "A dynamo hub means lights that never need charging on dark November mornings.",
        ],
        "closers": [
            "Ride it every day. That is the whole idea.",
            "Test rides at the shop on Jægersborggade, coffee included.",
            "Built to be fixed, not replaced.",
            "See you in the bike lane.",
            "Fewer cars, more bells.",
        ],
    },
    "Saltmarsh Tea": {
        "products": ["smoked lapsang from a single garden", "sea-buckthorn green tea", "first-flush Darjeeling",
                     "hand-rolled oolong pearls", "stoneware tasting cup", "cast-iron kettle"],
        "openers": [
            "Steep our {p} at the kitchen window while the tide goes out over the marsh.",
            "The {p} arrives from a garden we have visited every spring for eleven years.",
            "A slow pot of {p}, a grey Norfolk morning, and nowhere to be until noon.",
            "Our {p} tastes of pine resin, campfire and the last light over the estuary.",
            "We cup every batch of {p} in the old lifeboat station before it earns our label.",
            "The {p} is for unhurried afternoons and long letters written by hand.",
        ],
        "middles": [
            "Water just off the boil, four minutes, and let the leaves unfurl at their own pace.",
            "Three infusions from one spoonful: bright, then honeyed, then quietly mineral.",
            "The growers pick by hand at dawn, when the leaf is cool and the bud still closed.",
            "We pack it in tins that keep out the damp salt air of the coast.",
            "A little goes a long way, and the second cup is better than the first.",
            "Pair it with oatcakes, sea salt butter and a view of the wading birds.",
        ],
        "closers": [
            "Brewed by the sea, blended by hand.",
            "Refill tins posted free from our shed in Blakeney.",
            "Sit down. Pour. Watch the tide.",
            "Each tin is numbered and signed by whoever packed it.",
            "Slow tea for a quick world.",
        ],
    },
    "Mossbank Botanicals": {
        "products": ["nettle and oat face balm", "rosehip night oil", "seaweed bath soak",
                     "calendula hand salve", "elderflower toner", "beeswax lip tin"],
        "openers": [
            "We forage the nettles for our {p} along the hedgerows behind the farm in May.",
            "The {p} is cold-pressed in our barn, in batches small enough to stir with a wooden paddle.",
            "Our {p} smells of a wet meadow after rain, because that is mostly what is in it.",
            "Six ingredients, all of them pronounceable: that is the whole story of the {p}.",
            "Chapped hands from lambing season were the reason we first made the {p}.",
            "The {p} is poured by hand into amber glass and labelled with the harvest date.",
        ],
        "middles": [
            "No perfume, no glitter, nothing from a laboratory we could not visit ourselves.",
            "The calendula grows in rows beside the beehives, and the bees get first pick.",
            "Warm a little between your palms and press it in; skin drinks it slowly.",
            "It keeps for a year in a cool cupboard, longer if you remember to close the lid.",
            "Gentle enough for a baby's cheek, sturdy enough for a dry-stone waller's knuckles.",
            "We grow, dry and infuse the herbs ourselves in the Welsh borders.",
        ],
        "closers": [
            "From our field to your bathroom shelf.",
            "Return the empty jars and we will refill them for half price.",
            "Grown by hand, made by hand, for hands.",
            "Small batches, harvest-dated, never rushed.",
            "Come to the open farm day and pick a bunch of calendula.",
        ],
    },
}

GENERIC = {
    "openers": [
        "Elevate your everyday with the {p}, thoughtfully designed for the way you live now.",
        "Meet the {p}: where timeless design meets modern performance.",
        "Discover the {p}, crafted to seamlessly fit your lifestyle.",
        "Unlock a new level of comfort with the {p}, designed with you in mind.",
        "Introducing the {p}, the perfect blend of style, quality and sustainability.",
        "Experience the difference with the {p}, made for those who expect more.",
    ],
    "middles": [
        "Premium materials and innovative design come together for a seamless experience.",
        "Thoughtfully crafted with sustainable materials, it is built to elevate every moment.",
        "Its sleek, minimalist design brings effortless style to your daily routine.",
        "Designed for the modern lifestyle, it delivers exceptional quality you can feel.",
        "Every detail has been carefully considered to deliver comfort, performance and style.",
        "Versatile and reliable, it adapts effortlessly to whatever your day brings.",
    ],
    "closers": [
        "Elevate your routine today.",
        "Because you deserve the best.",
        "Designed to inspire, built to last.",
        "Join thousands of happy customers and discover the difference.",
        "Experience quality that speaks for itself.",
    ],
}


def write_text(rng: random.Random, pool: dict, product: str) -> str:
    parts = [rng.choice(pool["openers"]), rng.choice(pool["middles"]), rng.choice(pool["closers"])]
    return " ".join(parts).replace("{p}", product)


def rows() -> list[dict[str, str]]:
    rng = random.Random(SEED)
    out = []
    for brand, voice in BRANDS.items():
        for year, share in GENERIC_SHARE.items():
            for k in range(TEXTS_PER_BRAND_YEAR):
                product = rng.choice(voice["products"])
                generic = rng.random() < share
                pool = GENERIC if generic else voice
                month, day = rng.randint(1, 12), rng.randint(1, 28)
                out.append({"brand": brand, "date": f"{year}-{month:02d}-{day:02d}",
                            "product": product,
                            # generic copy names the product by its bare category ("the jacket")
                            "text": write_text(rng, pool, product.split()[-1] if generic else product)})
    out.sort(key=lambda r: (r["date"], r["brand"]))
    for i, row in enumerate(out, start=1):
        row["id"] = f"bc-{i:04d}"
    return out


def main() -> None:
    path = Path(__file__).with_name("brand_copy.csv")
    data = rows()
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=["id", "brand", "date", "product", "text"])
        writer.writeheader()
        writer.writerows(data)
    print(f"wrote {len(data)} rows to {path}")


if __name__ == "__main__":
    main()
