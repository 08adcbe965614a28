"""Where the demo's shoppers live and how their parcels travel: countries, cities, phones, taxes, carriers.

Phone numbers of the United States, Canada, the United Kingdom and Australia use the ranges those countries
reserve for fiction (555-01xx, 07700 900xxx, 0491 570xxx).
"""

from __future__ import annotations

from dataclasses import dataclass

from ecrm_desktop.sync.emulator.names import DUTCH, ENGLISH, FRENCH, GERMAN, ITALIAN, SPANISH, SWEDISH, Locale


@dataclass(frozen=True)
class City:
    name: str
    region: str
    postal_codes: tuple[str, ...]
    weight: float


@dataclass(frozen=True)
class Carrier:
    """A parcel carrier: how its tracking numbers look and where they are tracked."""

    name: str
    number_prefix: str
    digits: int
    number_suffix: str
    url_prefix: str


@dataclass(frozen=True)
class Country:
    code: str
    locale: Locale
    share: float  # of all shoppers
    in_eu: bool
    tax_rate: float
    tax_included: bool  # VAT inside the price (Europe, Australia) or sales tax on top (North America)
    phone_prefixes: tuple[str, ...]
    phone_digits: tuple[int, ...]  # groups of digits after the prefix
    cities: tuple[City, ...]
    carriers: tuple[tuple[str, float], ...]  # carrier name, share
    transit_days: float  # typical days from shipping to delivery


CARRIERS: tuple[Carrier, ...] = (
    Carrier("UPS", "1Z9F3E2A03", 8, "", "https://www.ups.com/track?tracknum="),
    Carrier("USPS", "9400111", 15, "", "https://tools.usps.com/go/TrackConfirmAction?tLabels="),
    Carrier("FedEx", "77", 10, "", "https://www.fedex.com/fedextrack/?trknbr="),
    Carrier("Canada Post", "70", 14, "", "https://www.canadapost-postescanada.ca/track-reperage/en#/search?searchFor="),
    Carrier("Royal Mail", "RM", 9, "GB", "https://www.royalmail.com/track-your-item#/tracking-results/"),
    Carrier("DHL", "00340434", 12, "", "https://www.dhl.de/de/privatkunden/pakete-empfangen/verfolgen.html?piececode="),
    Carrier("DPD", "0150", 10, "", "https://tracking.dpd.de/status/en_US/parcel/"),
    Carrier("Hermes", "H10", 13, "", "https://www.myhermes.de/empfangen/sendungsverfolgung/sendungsinformation#"),
    Carrier("Colissimo", "6A", 11, "", "https://www.laposte.fr/outils/suivre-vos-envois?code="),
    Carrier("PostNL", "3SNWND", 9, "", "https://postnl.nl/tracktrace/?B="),
    Carrier("Correos", "PQ4F6P", 14, "", "https://www.correos.es/es/es/herramientas/localizador/envios/detalle?tracking-number="),
    Carrier("BRT", "0613", 11, "", "https://vas.brt.it/vas/sped_det_show.hsm?referer=sped_numspe_par.htm&Nspediz="),
    Carrier("PostNord", "SE", 9, "SE", "https://tracking.postnord.com/se/?id="),
    Carrier("Australia Post", "33NWD", 12, "", "https://auspost.com.au/mypost/track/details/"),
    Carrier("An Post", "CE", 9, "IE", "https://www.anpost.com/Post-Parcels/Track/History?item="),
)


def _cities(*rows: tuple[str, str, tuple[str, ...], float]) -> tuple[City, ...]:
    return tuple(City(name, region, codes, weight) for name, region, codes, weight in rows)


COUNTRIES: tuple[Country, ...] = (
    Country("US", ENGLISH, 0.38, False, 0.0725, False,
            ("+1 212 555 01", "+1 310 555 01", "+1 312 555 01", "+1 713 555 01", "+1 206 555 01",
             "+1 617 555 01", "+1 305 555 01", "+1 512 555 01"), (2,),
            _cities(("New York", "NY", ("10001", "10011", "10025"), 8), ("Los Angeles", "CA", ("90012", "90026"), 6),
                    ("Chicago", "IL", ("60601", "60614"), 5), ("Houston", "TX", ("77002", "77019"), 4),
                    ("Phoenix", "AZ", ("85004",), 3), ("Philadelphia", "PA", ("19103", "19147"), 3),
                    ("San Diego", "CA", ("92101",), 2), ("Dallas", "TX", ("75201",), 3),
                    ("Austin", "TX", ("78701",), 2),
                    ("Seattle", "WA", ("98101", "98122"), 3), ("Denver", "CO", ("80202",), 2),
                    ("Boston", "MA", ("02108", "02116"), 3), ("Portland", "OR", ("97205",), 2),
                    ("Atlanta", "GA", ("30303",), 3), ("Miami", "FL", ("33130",), 3),
                    ("Minneapolis", "MN", ("55401",), 2),
                    ("Nashville", "TN", ("37203",), 2), ("San Francisco", "CA", ("94103", "94110"), 3)),
            (("UPS", 0.45), ("USPS", 0.35), ("FedEx", 0.2)), 3.0),
    Country("CA", ENGLISH, 0.05, False, 0.13, False,
            ("+1 416 555 01", "+1 604 555 01", "+1 514 555 01", "+1 403 555 01"), (2,),
            _cities(("Toronto", "ON", ("M5V 2T6", "M4C 1B5"), 5), ("Vancouver", "BC", ("V6B 1A1",), 3),
                    ("Montreal", "QC", ("H2X 1Y4",), 3), ("Calgary", "AB", ("T2P 2M5",), 2),
                    ("Ottawa", "ON", ("K1P 1J1",), 2)),
            (("Canada Post", 0.7), ("UPS", 0.3)), 5.0),
    Country("GB", ENGLISH, 0.08, False, 0.20, True, ("+44 7700 900",), (3,),
            _cities(("London", "England", ("EC1A 1BB", "SW1A 2AA", "N1 9GU"), 8),
                    ("Manchester", "England", ("M1 1AE",), 3),
                    ("Birmingham", "England", ("B1 1BB",), 3), ("Leeds", "England", ("LS1 4DY",), 2),
                    ("Glasgow", "Scotland", ("G1 1XQ",), 2), ("Edinburgh", "Scotland", ("EH1 1YZ",), 2),
                    ("Bristol", "England", ("BS1 4DJ",), 2), ("Cardiff", "Wales", ("CF10 1EP",), 1)),
            (("Royal Mail", 0.6), ("DPD", 0.4)), 4.0),
    Country("AU", ENGLISH, 0.04, False, 0.10, True, ("+61 491 570",), (3,),
            _cities(("Sydney", "NSW", ("2000", "2010"), 5), ("Melbourne", "VIC", ("3000", "3065"), 5),
                    ("Brisbane", "QLD", ("4000",), 3), ("Perth", "WA", ("6000",), 2), ("Adelaide", "SA", ("5000",), 1)),
            (("Australia Post", 1.0),), 7.0),
    Country("IE", ENGLISH, 0.01, True, 0.23, True, ("+353 85", "+353 87"), (3, 4),
            _cities(("Dublin", "Leinster", ("D02 X285", "D08 VF8H"), 5), ("Cork", "Munster", ("T12 X70A",), 2),
                    ("Galway", "Connacht", ("H91 E2K3",), 1)),
            (("An Post", 1.0),), 4.0),
    Country("DE", GERMAN, 0.14, True, 0.19, True, ("+49 151", "+49 160", "+49 170", "+49 176"), (4, 4),
            _cities(("Berlin", "Berlin", ("10115", "10245", "10999"), 8), ("Hamburg", "Hamburg", ("20095", "22767"), 5),
                    ("München", "Bayern", ("80331", "81667"), 5), ("Köln", "Nordrhein-Westfalen", ("50667",), 4),
                    ("Frankfurt am Main", "Hessen", ("60311",), 3), ("Stuttgart", "Baden-Württemberg", ("70173",), 3),
                    ("Düsseldorf", "Nordrhein-Westfalen", ("40213",), 3), ("Leipzig", "Sachsen", ("04109",), 2),
                    ("Nürnberg", "Bayern", ("90403",), 2), ("Bremen", "Bremen", ("28195",), 1)),
            (("DHL", 0.6), ("DPD", 0.2), ("Hermes", 0.2)), 2.0),
    Country("FR", FRENCH, 0.10, True, 0.20, True, ("+33 6", "+33 7"), (2, 2, 2, 2),
            _cities(("Paris", "Île-de-France", ("75001", "75011", "75015"), 8),
                    ("Lyon", "Auvergne-Rhône-Alpes", ("69002",), 4),
                    ("Marseille", "Provence-Alpes-Côte d'Azur", ("13001",), 4),
                    ("Toulouse", "Occitanie", ("31000",), 3),
                    ("Nice", "Provence-Alpes-Côte d'Azur", ("06000",), 2),
                    ("Nantes", "Pays de la Loire", ("44000",), 2),
                    ("Bordeaux", "Nouvelle-Aquitaine", ("33000",), 2), ("Lille", "Hauts-de-France", ("59000",), 2)),
            (("Colissimo", 0.7), ("DPD", 0.3)), 3.0),
    Country("NL", DUTCH, 0.05, True, 0.21, True, ("+31 6",), (4, 4),
            _cities(("Amsterdam", "Noord-Holland", ("1012 AB", "1017 CE"), 5),
                    ("Rotterdam", "Zuid-Holland", ("3011 AD",), 3),
                    ("Utrecht", "Utrecht", ("3511 AX",), 2), ("Den Haag", "Zuid-Holland", ("2511 BT",), 2),
                    ("Eindhoven", "Noord-Brabant", ("5611 AZ",), 1)),
            (("PostNL", 0.8), ("DHL", 0.2)), 2.0),
    Country("ES", SPANISH, 0.06, True, 0.21, True, ("+34 6",), (2, 3, 3),
            _cities(("Madrid", "Madrid", ("28013", "28004"), 6), ("Barcelona", "Cataluña", ("08002", "08010"), 5),
                    ("Valencia", "Comunidad Valenciana", ("46002",), 3), ("Sevilla", "Andalucía", ("41001",), 2),
                    ("Bilbao", "País Vasco", ("48001",), 1), ("Málaga", "Andalucía", ("29001",), 2)),
            (("Correos", 0.7), ("DHL", 0.3)), 4.0),
    Country("IT", ITALIAN, 0.06, True, 0.22, True, ("+39 320", "+39 333", "+39 347"), (3, 4),
            _cities(("Roma", "Lazio", ("00184", "00186"), 5), ("Milano", "Lombardia", ("20121", "20135"), 5),
                    ("Napoli", "Campania", ("80133",), 3), ("Torino", "Piemonte", ("10121",), 2),
                    ("Bologna", "Emilia-Romagna", ("40121",), 2), ("Firenze", "Toscana", ("50122",), 2)),
            (("BRT", 0.6), ("DHL", 0.4)), 4.0),
    Country("SE", SWEDISH, 0.03, True, 0.25, True, ("+46 70", "+46 73"), (3, 2, 2),
            _cities(("Stockholm", "Stockholms län", ("111 22", "116 46"), 5),
                    ("Göteborg", "Västra Götaland", ("411 06",), 3),
                    ("Malmö", "Skåne", ("211 20",), 2), ("Uppsala", "Uppsala län", ("753 20",), 1)),
            (("PostNord", 0.8), ("DHL", 0.2)), 3.0),
)

CARRIER_INDEX: dict[str, int] = {c.name: i for i, c in enumerate(CARRIERS)}
