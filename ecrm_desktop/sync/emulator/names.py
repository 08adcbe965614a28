"""Who the demo's shoppers are: first and last names, streets and mail providers of each language area.

Names are listed most common first; the generator favours the head of each list. Mail domains end in the
reserved `.example` top-level domain (RFC 2606), so no demo address can ever reach a real mailbox.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Locale:
    """The names, streets and habits of one language area."""

    key: str
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    number_first: bool  # "12 Main Street" (True) or "Hauptstraße 12" (False)
    mail_domains: tuple[tuple[str, float], ...]


ENGLISH = Locale(
    key="en",
    first_names=(
        "James", "Mary", "Michael", "Jennifer", "Robert", "Linda", "David", "Sarah", "William", "Jessica",
        "John", "Emily", "Daniel", "Ashley", "Matthew", "Olivia", "Christopher", "Emma", "Andrew", "Sophia",
        "Joshua", "Madison", "Ryan", "Hannah", "Brandon", "Grace", "Tyler", "Chloe", "Kevin", "Megan",
        "Jose", "Maria", "Luis", "Sofia", "Wei", "Mei", "Arjun", "Priya", "Jamal", "Aaliyah",
        "Oliver", "Amelia", "Harry", "Isla", "Jack", "Ava", "Noah", "Mia", "Liam", "Charlotte",
    ),
    last_names=(
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson", "Anderson", "Taylor",
        "Thomas", "Moore", "Martin", "Jackson", "Thompson", "White", "Harris", "Clark", "Lewis", "Robinson",
        "Walker", "Young", "Allen", "King", "Wright", "Scott", "Green", "Baker", "Adams", "Nelson",
        "Garcia", "Rodriguez", "Martinez", "Hernandez", "Lopez", "Nguyen", "Kim", "Chen", "Patel", "Singh",
        "Evans", "Roberts", "Hughes", "Edwards", "Murphy", "O'Brien", "Kelly", "Campbell", "Stewart", "Reid",
    ),
    streets=(
        "Main Street", "Oak Avenue", "Maple Drive", "Cedar Lane", "Park Road", "Elm Street", "Pine Street",
        "Washington Avenue", "Lake Shore Drive", "Hillcrest Road", "Sunset Boulevard", "Highland Avenue",
        "Church Street", "Mill Lane", "Victoria Road", "King Street", "Station Road", "River Road",
    ),
    number_first=True,
    mail_domains=(("gmail.example", 0.42), ("yahoo.example", 0.14), ("outlook.example", 0.16),
                  ("icloud.example", 0.14), ("aol.example", 0.04), ("proton.example", 0.04),
                  ("comcast.example", 0.06)),
)

GERMAN = Locale(
    key="de",
    first_names=(
        "Anna", "Lukas", "Marie", "Leon", "Sophie", "Paul", "Laura", "Jonas", "Lea", "Felix",
        "Julia", "Maximilian", "Lena", "Tim", "Hannah", "Jan", "Katharina", "Niklas", "Sarah", "Tobias",
        "Johanna", "Florian", "Clara", "Moritz", "Emilia", "Sebastian", "Mia", "Alexander", "Charlotte", "Thomas",
        "Sabine", "Andreas", "Petra", "Stefan", "Claudia", "Markus", "Ayşe", "Mehmet", "Jürgen", "Ursula",
    ),
    last_names=(
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker", "Schulz", "Hoffmann",
        "Schäfer", "Koch", "Bauer", "Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz", "Zimmermann",
        "Braun", "Krüger", "Hofmann", "Hartmann", "Lange", "Schmitt", "Werner", "Krause", "Meier", "Lehmann",
        "Yılmaz", "Kaya", "Huber", "Schuster", "Vogel", "Jäger", "Kaiser", "Fuchs", "Peters", "Lang",
    ),
    streets=(
        "Hauptstraße", "Bahnhofstraße", "Gartenweg", "Schillerstraße", "Goethestraße", "Lindenallee",
        "Bergstraße", "Kirchgasse", "Mozartstraße", "Am Markt", "Rosenweg", "Friedrichstraße", "Ringstraße",
    ),
    number_first=False,
    mail_domains=(("gmail.example", 0.3), ("web.example", 0.2), ("gmx.example", 0.25), ("t-online.example", 0.12),
                  ("outlook.example", 0.08), ("posteo.example", 0.05)),
)

FRENCH = Locale(
    key="fr",
    first_names=(
        "Camille", "Lucas", "Léa", "Hugo", "Manon", "Louis", "Chloé", "Gabriel", "Inès", "Arthur",
        "Sarah", "Jules", "Emma", "Nathan", "Jade", "Théo", "Louise", "Raphaël", "Zoé", "Antoine",
        "Marie", "Nicolas", "Julie", "Thomas", "Céline", "Julien", "Élodie", "Mathieu", "Amélie", "Pierre",
        "Yasmine", "Karim", "Aurélie", "Baptiste", "Margaux", "Clément", "Océane", "Maxime", "Pauline", "Rémi",
    ),
    last_names=(
        "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand", "Leroy", "Moreau",
        "Simon", "Laurent", "Lefebvre", "Michel", "Garcia", "David", "Bertrand", "Roux", "Vincent", "Fournier",
        "Morel", "Girard", "André", "Lefèvre", "Mercier", "Dupont", "Lambert", "Bonnet", "François", "Martinez",
        "Legrand", "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
    ),
    streets=(
        "rue de la Paix", "avenue Victor Hugo", "rue du Moulin", "boulevard Voltaire", "rue de la République",
        "place de la Mairie", "rue des Lilas", "avenue Jean Jaurès", "rue Pasteur", "chemin des Vignes",
    ),
    number_first=True,
    mail_domains=(("gmail.example", 0.35), ("orange.example", 0.2), ("free.example", 0.15), ("sfr.example", 0.1),
                  ("laposte.example", 0.08), ("hotmail.example", 0.12)),
)

DUTCH = Locale(
    key="nl",
    first_names=(
        "Daan", "Emma", "Sem", "Julia", "Lucas", "Mila", "Levi", "Sophie", "Finn", "Tess",
        "Milan", "Zoë", "Thijs", "Sara", "Jesse", "Anna", "Bram", "Eva", "Ruben", "Lotte",
        "Sanne", "Pieter", "Fleur", "Jeroen", "Iris", "Wouter", "Femke", "Stijn", "Noor", "Koen",
    ),
    last_names=(
        "de Jong", "Jansen", "de Vries", "van den Berg", "van Dijk", "Bakker", "Janssen", "Visser", "Smit",
        "Meijer", "de Boer", "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Leeuwen", "Dekker",
        "Brouwer", "de Wit", "Dijkstra", "Smits", "de Graaf", "van der Meer", "Kok", "Jacobs", "Vermeulen",
    ),
    streets=("Dorpsstraat", "Kerkstraat", "Molenweg", "Schoolstraat", "Stationsweg", "Prinsengracht",
             "Julianalaan", "Beatrixstraat", "Nieuwstraat", "Marktplein"),
    number_first=False,
    mail_domains=(("gmail.example", 0.4), ("ziggo.example", 0.2), ("kpnmail.example", 0.15),
                  ("outlook.example", 0.15), ("xs4all.example", 0.1)),
)

SPANISH = Locale(
    key="es",
    first_names=(
        "Lucía", "Hugo", "Sofía", "Martín", "María", "Pablo", "Paula", "Daniel", "Carmen", "Alejandro",
        "Laura", "Javier", "Elena", "Adrián", "Marta", "Diego", "Ana", "Álvaro", "Sara", "Carlos",
        "Isabel", "Jorge", "Cristina", "Sergio", "Nuria", "Raúl", "Irene", "Manuel", "Alba", "Iker",
    ),
    last_names=(
        "García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez", "Pérez", "Gómez",
        "Martín", "Jiménez", "Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero", "Alonso",
        "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez", "Ramos", "Gil", "Ramírez", "Serrano",
    ),
    streets=("Calle Mayor", "Calle Real", "Avenida de la Constitución", "Calle del Sol", "Paseo del Prado",
             "Calle de Alcalá", "Gran Vía", "Calle San Juan", "Plaza de España", "Calle Nueva"),
    number_first=False,
    mail_domains=(("gmail.example", 0.45), ("hotmail.example", 0.25), ("yahoo.example", 0.1),
                  ("telefonica.example", 0.1), ("outlook.example", 0.1)),
)

ITALIAN = Locale(
    key="it",
    first_names=(
        "Giulia", "Francesco", "Sofia", "Alessandro", "Aurora", "Lorenzo", "Martina", "Matteo", "Chiara",
        "Leonardo", "Giorgia", "Andrea", "Sara", "Marco", "Alessia", "Luca", "Francesca", "Davide", "Elena",
        "Giuseppe", "Valentina", "Simone", "Federica", "Riccardo", "Anna", "Paolo", "Beatrice", "Stefano",
    ),
    last_names=(
        "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci", "Marino", "Greco",
        "Bruno", "Gallo", "Conti", "De Luca", "Mancini", "Costa", "Giordano", "Rizzo", "Lombardi", "Moretti",
        "Barbieri", "Fontana", "Santoro", "Mariani", "Rinaldi", "Caruso", "Ferrara", "Galli",
    ),
    streets=("Via Roma", "Via Garibaldi", "Corso Vittorio Emanuele", "Via Mazzini", "Via Dante",
             "Piazza del Duomo", "Via Verdi", "Via Cavour", "Viale Europa", "Via della Repubblica"),
    number_first=False,
    mail_domains=(("gmail.example", 0.4), ("libero.example", 0.25), ("virgilio.example", 0.1),
                  ("alice.example", 0.1), ("hotmail.example", 0.15)),
)

SWEDISH = Locale(
    key="sv",
    first_names=(
        "Alice", "William", "Maja", "Oscar", "Elsa", "Lucas", "Astrid", "Liam", "Wilma", "Elias",
        "Ebba", "Hugo", "Saga", "Axel", "Alva", "Erik", "Linnea", "Karl", "Ingrid", "Nils",
    ),
    last_names=(
        "Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
        "Svensson", "Gustafsson", "Pettersson", "Jonsson", "Jansson", "Hansson", "Bengtsson", "Lindberg",
        "Lindqvist", "Lundgren", "Berg", "Holm",
    ),
    streets=("Storgatan", "Drottninggatan", "Kungsgatan", "Skolgatan", "Kyrkogatan", "Järnvägsgatan",
             "Parkvägen", "Sjövägen", "Björkvägen", "Ringvägen"),
    number_first=False,
    mail_domains=(("gmail.example", 0.45), ("telia.example", 0.2), ("hotmail.example", 0.2),
                  ("bredband.example", 0.15)),
)

LOCALES: tuple[Locale, ...] = (ENGLISH, GERMAN, FRENCH, DUTCH, SPANISH, ITALIAN, SWEDISH)

# How people write their address in the mail: "first.last", "firstlast", "f.last", "last.first", "first_last".
EMAIL_PATTERNS: tuple[tuple[str, float], ...] = (
    ("{f}.{l}{n}", 0.4), ("{f}{l}{n}", 0.2), ("{i}.{l}{n}", 0.15), ("{l}.{f}{n}", 0.1), ("{f}_{l}{n}", 0.15),
)

# Where a second (work) address lives.
WORK_DOMAINS: tuple[str, ...] = (
    "acme-corp.example", "globex.example", "initech.example", "umbrella-group.example", "hooli.example",
    "stark-industries.example", "wayne-enterprises.example", "tyrell.example", "soylent.example",
)
