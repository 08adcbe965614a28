"""What the demo stores sell: categories with price tiers and return habits, products and their variants.

Both stores sell the same catalogue (the EU store at euro prices); a variant keeps one SKU in both.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecrm_desktop.sync.emulator.sampling import (
    BoolArray,
    Choice,
    FloatArray,
    GroupedChoice,
    IntArray,
    ObjArray,
    seeded,
    strings,
    zipf_weights,
)
from ecrm_desktop.sync.emulator.seasons import DAY, HISTORY_START

CATALOGUE_STREAM = 1

SIZES = (("XS", 0.08), ("S", 0.22), ("M", 0.32), ("L", 0.25), ("XL", 0.13))
SHOE_SIZES = tuple((f"EU {s}", w) for s, w in zip(range(37, 46), (3, 6, 9, 12, 14, 15, 13, 9, 5), strict=True))
COLOURS = ("Black", "White", "Navy", "Olive", "Sand", "Burgundy", "Grey", "Rust", "Forest", "Blush")
ADJECTIVES = ("Classic", "Everyday", "Coastal", "Alpine", "Urban", "Heritage", "Essential", "Weekend", "Nordic",
              "Trail", "Harbor", "Canyon", "Meadow", "Studio", "Summit", "Driftwood")


@dataclass(frozen=True)
class CategorySpec:
    """A category: its price tier, how often its items come back, and how it varies."""

    name: str
    code: str
    price_range: tuple[int, int]  # in USD cents
    return_rate: float  # share of delivered items returned
    popularity: float
    nouns: tuple[str, ...]
    variants: str  # "sizes", "shoes", "colours", "formats", "values" or "single"
    vendors: tuple[str, ...]


CATEGORIES: tuple[CategorySpec, ...] = (
    CategorySpec("Shoes", "SHO", (6_000, 18_000), 0.28, 8, ("Runner", "Sneaker", "Chelsea Boot", "Loafer", "Sandal",
                 "Hiking Boot", "Trainer", "Derby"), "shoes", ("Northwind", "Stride & Co", "Fjell")),
    CategorySpec("Dresses", "DRS", (4_500, 16_000), 0.24, 6, ("Wrap Dress", "Midi Dress", "Shirt Dress", "Maxi Dress",
                 "Slip Dress"), "sizes", ("Northwind", "Maison Lila")),
    CategorySpec("Jeans", "JNS", (5_000, 14_000), 0.20, 6, ("Slim Jeans", "Straight Jeans", "Relaxed Jeans",
                 "Bootcut Jeans", "Denim Shorts"), "sizes", ("Northwind", "Indigo Works")),
    CategorySpec("Jackets & Coats", "JKT", (9_000, 32_000), 0.14, 4, ("Parka", "Rain Jacket", "Wool Coat",
                 "Down Jacket", "Denim Jacket", "Trench Coat"), "sizes", ("Northwind", "Fjell", "Harbor Supply")),
    CategorySpec("Knitwear", "KNT", (4_500, 14_000), 0.12, 4, ("Crewneck Sweater", "Cardigan", "Turtleneck",
                 "Merino Pullover"), "sizes", ("Northwind", "Woolhouse")),
    CategorySpec("T-Shirts & Tops", "TEE", (1_800, 4_500), 0.10, 10, ("Organic Tee", "Pocket Tee", "Henley",
                 "Tank Top", "Long Sleeve Tee", "Polo Shirt"), "sizes", ("Northwind", "Basics Lab")),
    CategorySpec("Activewear", "ACT", (2_500, 9_000), 0.11, 6, ("Leggings", "Running Shorts", "Sports Bra",
                 "Training Top", "Track Jacket"), "sizes", ("Northwind Sport", "Pace")),
    CategorySpec("Swimwear", "SWM", (3_000, 9_000), 0.16, 2, ("Swimsuit", "Bikini", "Swim Shorts"), "sizes",
                 ("Northwind", "Saltwater")),
    CategorySpec("Bags", "BAG", (3_500, 25_000), 0.07, 3, ("Tote", "Backpack", "Crossbody Bag", "Weekender",
                 "Laptop Sleeve"), "colours", ("Northwind", "Carry Goods")),
    CategorySpec("Accessories", "ACC", (1_500, 6_000), 0.05, 6, ("Beanie", "Scarf", "Leather Belt", "Cap",
                 "Gloves", "Wool Socks"), "colours", ("Northwind", "Basics Lab")),
    CategorySpec("Jewelry", "JWL", (2_000, 20_000), 0.06, 3, ("Hoop Earrings", "Pendant Necklace", "Signet Ring",
                 "Bracelet"), "colours", ("Aurelia", "Northwind")),
    CategorySpec("Watches", "WTC", (8_000, 45_000), 0.05, 1, ("Field Watch", "Dive Watch", "Dress Watch"),
                 "colours", ("Tempus", "Fjell")),
    CategorySpec("Skincare", "SKN", (1_200, 6_500), 0.03, 7, ("Face Serum", "Day Cream", "Cleanser", "Eye Cream",
                 "Face Mask", "Lip Balm"), "formats", ("Bloom Botanics", "Pure Skin")),
    CategorySpec("Makeup", "MKP", (900, 4_500), 0.025, 5, ("Mascara", "Lipstick", "Foundation", "Concealer",
                 "Eyeshadow Palette"), "colours", ("Bloom Botanics", "Glow")),
    CategorySpec("Fragrance", "FRG", (3_500, 14_000), 0.02, 3, ("Eau de Parfum", "Eau de Toilette",
                 "Body Mist"), "formats", ("Maison Lila", "Nordic Note")),
    CategorySpec("Books", "BKS", (1_200, 4_500), 0.015, 4, ("Field Guide", "Cookbook", "Travel Journal",
                 "Photo Book", "Novel"), "single", ("Northwind Press",)),
    CategorySpec("Home & Kitchen", "HOM", (1_500, 12_000), 0.05, 4, ("Linen Throw", "Ceramic Mug Set",
                 "Cast Iron Pan", "Cutting Board", "Table Lamp"), "colours", ("Hearth", "Northwind Home")),
    CategorySpec("Candles & Home Fragrance", "CND", (1_400, 4_800), 0.03, 3, ("Scented Candle", "Reed Diffuser",
                 "Room Spray"), "formats", ("Hearth",)),
    CategorySpec("Stationery", "STN", (500, 3_500), 0.02, 2, ("Notebook", "Planner", "Pen Set", "Greeting Cards"),
                 "colours", ("Paper Trail",)),
    CategorySpec("Headphones & Audio", "AUD", (4_000, 35_000), 0.08, 2, ("Wireless Earbuds", "Over-Ear Headphones",
                 "Portable Speaker"), "colours", ("Soundry",)),
    CategorySpec("Gift Cards", "GFT", (2_500, 10_000), 0.0, 2, ("Gift Card",), "values", ("Northwind",)),
)

EUR_PRICE_FACTOR = 0.95  # euro prices are a little lower in number than dollar prices
GIFT_CARDS = next(i for i, c in enumerate(CATEGORIES) if c.variants == "values")


def _variant_options(spec: CategorySpec, rng: np.random.Generator) -> list[tuple[str, str, float, float]]:
    """(title, SKU suffix, popularity weight, price factor) of each variant of a product."""
    if spec.variants == "sizes":
        return [(s, s, w, 1.0) for s, w in SIZES]
    if spec.variants == "shoes":
        return [(s, s[3:], w, 1.0) for s, w in SHOE_SIZES]
    if spec.variants == "colours":
        picked = rng.choice(len(COLOURS), size=int(rng.integers(2, 5)), replace=False)
        return [(COLOURS[i], COLOURS[i][:3].upper(), float(w), 1.0)
                for i, w in zip(picked, zipf_weights(picked.size), strict=True)]
    if spec.variants == "formats":
        return [("50 ml", "50", 0.6, 1.0), ("100 ml", "100", 0.4, 1.6)]
    if spec.variants == "values":
        return [("25", "25", 0.3, 1.0), ("50", "50", 0.45, 2.0), ("100", "100", 0.25, 4.0)]
    return [("Default Title", "STD", 1.0, 1.0)]


def _charm_price(cents: FloatArray) -> IntArray:
    """Round to a price that ends in .99 (or to whole tens of dollars above 200)."""
    whole = np.maximum(np.rint(cents / 100.0), 1.0)
    return np.where(whole >= 200, np.rint(whole / 10.0) * 1000.0, whole * 100.0 - 1.0).astype(np.int64)


@dataclass(frozen=True)
class Catalogue:
    """Products and variants as columns; the same numbering serves both stores (prices per store)."""

    product_category: IntArray
    product_title: ObjArray
    product_vendor: ObjArray
    product_created: IntArray
    product_archived: BoolArray
    variant_product: IntArray
    variant_title: ObjArray
    variant_sku: ObjArray
    variant_price: IntArray  # (store, variant), in each store's currency
    variant_inventory: IntArray
    popular: Choice  # any variant, by popularity
    in_category: GroupedChoice  # a variant of a given category, by popularity

    @property
    def product_count(self) -> int:
        return self.product_category.size

    @property
    def variant_count(self) -> int:
        return self.variant_product.size


def build_catalogue(seed: int) -> Catalogue:
    """The catalogue of the demo stores for `seed`: a few hundred products and about a thousand variants."""
    rng = seeded(seed, CATALOGUE_STREAM)
    products: list[tuple[int, str, str, float]] = []  # category, title, vendor, price in USD cents
    variants: list[tuple[int, str, str, float, float]] = []  # product, title, SKU, price factor, popularity
    for c, spec in enumerate(CATEGORIES):
        count = 8 + int(rng.integers(0, 10))
        popularity = zipf_weights(count) * rng.lognormal(0.0, 0.3, count)
        popularity *= spec.popularity / popularity.sum()  # the category's share, split among its products
        low, high = np.log(spec.price_range[0]), np.log(spec.price_range[1])
        for k in range(count):
            p = len(products)
            noun = spec.nouns[k % len(spec.nouns)]
            title = noun if spec.variants == "values" else f"{ADJECTIVES[rng.integers(len(ADJECTIVES))]} {noun}"
            price = spec.price_range[0] if spec.variants == "values" else float(np.exp(rng.uniform(low, high)))
            products.append((c, title, spec.vendors[rng.integers(len(spec.vendors))], price))
            options = _variant_options(spec, rng)
            total = sum(w for _, _, w, _ in options)
            variants += [(p, name, f"NW-{spec.code}-{p:03d}-{suffix}", factor, popularity[k] * weight / total)
                         for name, suffix, weight, factor in options]
    product_category = np.array([p[0] for p in products], dtype=np.int64)
    variant_product = np.array([v[0] for v in variants], dtype=np.int64)
    usd = np.array([p[3] for p in products])[variant_product] * np.array([v[3] for v in variants])
    gift_card = product_category[variant_product] == GIFT_CARDS
    prices = np.stack([_charm_price(usd), _charm_price(usd * EUR_PRICE_FACTOR)])
    prices[:, gift_card] = np.rint(usd[gift_card]).astype(np.int64)  # a gift card costs its face value
    weight = np.array([v[4] for v in variants])
    variant_category = product_category[variant_product]
    n = len(products)
    return Catalogue(
        product_category=product_category, product_title=strings([p[1] for p in products]),
        product_vendor=strings([p[2] for p in products]),
        product_created=HISTORY_START - rng.integers(30, 400, n) * DAY, product_archived=rng.random(n) < 0.03,
        variant_product=variant_product, variant_title=strings([v[1] for v in variants]),
        variant_sku=strings([v[2] for v in variants]), variant_price=prices,
        variant_inventory=np.where(rng.random(weight.size) < 0.05, 0, rng.integers(1, 400, weight.size)),
        popular=Choice(weight),
        in_category=GroupedChoice([weight[variant_category == c] for c in range(len(CATEGORIES))]),
    )
