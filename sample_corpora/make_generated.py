"""Write ``generated/``: 15 short product blurbs as a content pipeline might emit them, one file
each, for ``auditor check`` to gate. Six are written by hand; eight fill one "elevate your
everyday" template with a product and an adjective; one is that template's kettle regenerated
with two small changes (a near-copy). Deterministic: ``python sample_corpora/make_generated.py``."""

from pathlib import Path

OUT = Path(__file__).resolve().parent / "generated"

DISTINCT = {
    "tide-clock": "The tide clock runs on the moon's schedule, not ours: twelve hours and twenty-five minutes a turn. Hang it by the back door and you will know whether the causeway is open before you lace your boots.",
    "rye-crispbread": "Baked twice in a wood oven in Jämtland, our rye crispbread snaps cleanly and keeps for months in the tin. Eat it with sharp cheese, or the way the bakers do, with butter and nothing else.",
    "darning-kit": "Three mushrooms of turned beech, a card of wool in eleven colours and two blunt needles. The leaflet shows the Swiss darn and the woven darn, drawn by a retired sock knitter from Hawick.",
    "field-notebook": "Waterproof paper that takes pencil in the rain, a ruled grid on the right-hand pages and a pocket for pressed leaves. The cover is stitched, not glued, so it lies flat on a wet rock.",
    "cast-iron-trivet": "Poured in a Sheffield foundry from scrap radiators, this trivet weighs more than the pan it carries. The pattern is a map of the river Don as it ran in 1850.",
    "beeswax-wraps": "Cotton offcuts from a shirt factory, dipped in wax from our own hives and pine resin. Warm one in your hands and it folds around half a lemon; wash it cold and it lasts a year.",
}
TEMPLATE = ("Elevate your everyday with the {product}, thoughtfully designed for the way you live now. "
            "Crafted from {adjective} materials, it is built to elevate every moment. "
            "Join thousands of happy customers and discover the difference.")
FILLED = [("kettle", "premium"), ("desk lamp", "sustainable"), ("travel mug", "innovative"), ("wool scarf", "timeless"),
          ("chopping board", "versatile"), ("canvas tote", "modern"), ("wall clock", "thoughtful"),
          ("bath towel", "elegant")]


def main() -> None:
    OUT.mkdir(exist_ok=True)
    texts = dict(DISTINCT)
    for product, adjective in FILLED:
        texts[product.replace(" ", "-")] = TEMPLATE.format(product=product, adjective=adjective)
    texts["kettle-regenerated"] = (texts["kettle"].replace("live now.", "live today.")
                                   .replace("the difference.", "the difference!"))
    for name, text in texts.items():
        (OUT / f"{name}.md").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
