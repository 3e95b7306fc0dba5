//! Vocabulary of the demo data: names, offices, hardware, browsers and apps.
//!
//! Browser, OS and model names follow what the enricher produces for real sign-ins (uap-core's
//! vocabulary: "Mobile Safari", "Chrome Mobile", "macOS"), so demo rows and real rows filter
//! and group together.

/// Where people come from, for names and the language they use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Culture {
    Us,
    Gb,
    De,
    Fr,
    Es,
    It,
    Nl,
    Sv,
    Pl,
    Pt,
    Ja,
    In,
    Sg,
    Ar,
}

impl Culture {
    pub fn first_names(self) -> &'static [&'static str] {
        match self {
            Culture::Us => &[
                "James", "Mary", "Robert", "Patricia", "Michael", "Jennifer", "David", "Linda",
                "Daniel", "Jessica", "Kevin", "Ashley", "Marcus", "Tanya", "Brian", "Emily",
                "Carlos", "Latoya", "Tyler", "Megan", "Andre", "Rachel", "Derek", "Hannah",
            ],
            Culture::Gb => &[
                "Oliver", "Amelia", "Harry", "Isla", "George", "Emily", "Jack", "Sophie", "Thomas",
                "Chloe", "William", "Grace", "Callum", "Niamh", "Rhys", "Eilidh", "Aoife",
                "Connor",
            ],
            Culture::De => &[
                "Lukas",
                "Anna",
                "Jonas",
                "Lea",
                "Felix",
                "Laura",
                "Maximilian",
                "Julia",
                "Tobias",
                "Sophie",
                "Jan",
                "Katharina",
                "Jürgen",
                "Sabine",
                "Matthias",
                "Jana",
                "Björn",
                "Lena",
            ],
            Culture::Fr => &[
                "Louis", "Camille", "Lucas", "Léa", "Hugo", "Manon", "Thomas", "Chloé", "Nicolas",
                "Julie", "Antoine", "Élodie", "Mathieu", "Céline", "Rémi", "Inès",
            ],
            Culture::Es => &[
                "Alejandro",
                "Lucía",
                "Javier",
                "María",
                "Pablo",
                "Carmen",
                "Sergio",
                "Laura",
                "Diego",
                "Elena",
                "Álvaro",
                "Paula",
                "Jorge",
                "Marta",
                "Raúl",
                "Sofía",
                "Guadalupe",
                "José",
            ],
            Culture::It => &[
                "Marco",
                "Giulia",
                "Alessandro",
                "Francesca",
                "Luca",
                "Chiara",
                "Matteo",
                "Sara",
                "Davide",
                "Elena",
                "Giorgio",
                "Valentina",
                "Nicolò",
                "Martina",
            ],
            Culture::Nl => &[
                "Daan", "Emma", "Sem", "Julia", "Lars", "Sanne", "Thijs", "Fleur", "Bram", "Lotte",
                "Joris", "Femke",
            ],
            Culture::Sv => &[
                "Erik", "Elsa", "Lars", "Maja", "Anders", "Ingrid", "Johan", "Astrid", "Nils",
                "Karin",
            ],
            Culture::Pl => &[
                "Jakub",
                "Zofia",
                "Piotr",
                "Anna",
                "Tomasz",
                "Katarzyna",
                "Michał",
                "Magdalena",
                "Paweł",
                "Agnieszka",
            ],
            Culture::Pt => &[
                "João", "Ana", "Pedro", "Beatriz", "Lucas", "Mariana", "Gabriel", "Juliana",
                "Rafael", "Camila", "Thiago", "Larissa",
            ],
            Culture::Ja => &[
                "Haruto", "Yui", "Sota", "Hina", "Ren", "Aoi", "Kenji", "Yuki", "Takumi", "Sakura",
            ],
            Culture::In => &[
                "Aarav", "Priya", "Rohan", "Ananya", "Vikram", "Sneha", "Arjun", "Kavya", "Rahul",
                "Divya", "Karthik", "Meera",
            ],
            Culture::Sg => &[
                "Wei Ling", "Jun Jie", "Hui Min", "Kai Wen", "Siti", "Muhammad", "Priya", "Arjun",
                "Mei", "Darren", "Nurul", "Ethan",
            ],
            Culture::Ar => &[
                "Omar", "Fatima", "Ahmed", "Aisha", "Khalid", "Mariam", "Yousef", "Noura",
                "Hassan", "Layla",
            ],
        }
    }

    pub fn last_names(self) -> &'static [&'static str] {
        match self {
            Culture::Us => &[
                "Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
                "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Thompson", "White",
                "Harris", "Clark", "Lewis", "Robinson", "Walker", "Young", "Nguyen", "Patel",
                "Rivera", "Kim",
            ],
            Culture::Gb => &[
                "Evans", "Hughes", "Roberts", "Wright", "Walsh", "Murphy", "Campbell", "Stewart",
                "Wood", "Turner", "Cooper", "Ward", "Morris", "Bennett", "Price", "Kelly",
                "O'Brien", "MacLeod",
            ],
            Culture::De => &[
                "Müller",
                "Schmidt",
                "Schneider",
                "Fischer",
                "Weber",
                "Meyer",
                "Wagner",
                "Becker",
                "Schulz",
                "Hoffmann",
                "Koch",
                "Richter",
                "Klein",
                "Wolf",
                "Schröder",
                "Neumann",
            ],
            Culture::Fr => &[
                "Martin", "Bernard", "Dubois", "Thomas", "Robert", "Richard", "Petit", "Durand",
                "Leroy", "Moreau", "Simon", "Laurent", "Lefèvre", "Michel", "Fournier", "Girard",
            ],
            Culture::Es => &[
                "García",
                "Fernández",
                "González",
                "Rodríguez",
                "López",
                "Martínez",
                "Sánchez",
                "Pérez",
                "Gómez",
                "Martín",
                "Jiménez",
                "Ruiz",
                "Hernández",
                "Díaz",
                "Moreno",
                "Álvarez",
            ],
            Culture::It => &[
                "Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
                "Marino", "Greco", "Bruno", "Gallo",
            ],
            Culture::Nl => &[
                "de Jong",
                "Jansen",
                "de Vries",
                "van den Berg",
                "van Dijk",
                "Bakker",
                "Visser",
                "Smit",
                "Meijer",
                "de Boer",
                "Mulder",
            ],
            Culture::Sv => &[
                "Andersson",
                "Johansson",
                "Karlsson",
                "Nilsson",
                "Eriksson",
                "Larsson",
                "Olsson",
                "Persson",
                "Lindqvist",
                "Berg",
            ],
            Culture::Pl => &[
                "Nowak",
                "Wójcik",
                "Kowalczyk",
                "Mazur",
                "Krawczyk",
                "Kaczmarek",
                "Zając",
                "Król",
                "Wieczorek",
                "Wróbel",
                "Dudek",
                "Pawlak",
            ],
            Culture::Pt => &[
                "Silva",
                "Santos",
                "Oliveira",
                "Souza",
                "Rodrigues",
                "Ferreira",
                "Alves",
                "Pereira",
                "Lima",
                "Gomes",
                "Costa",
                "Ribeiro",
            ],
            Culture::Ja => &[
                "Sato",
                "Suzuki",
                "Takahashi",
                "Tanaka",
                "Watanabe",
                "Ito",
                "Yamamoto",
                "Nakamura",
                "Kobayashi",
                "Kato",
            ],
            Culture::In => &[
                "Sharma", "Iyer", "Reddy", "Nair", "Gupta", "Rao", "Menon", "Kumar", "Singh",
                "Desai", "Krishnan", "Bhat",
            ],
            Culture::Sg => &[
                "Tan", "Lim", "Lee", "Ng", "Wong", "Goh", "Chua", "Koh", "Teo", "Rahman", "Pillai",
            ],
            Culture::Ar => &[
                "Al Mansouri",
                "Haddad",
                "Khoury",
                "Al Hashimi",
                "Nasser",
                "Saleh",
                "Farouk",
                "Aziz",
            ],
        }
    }
}

/// An office: where its people sign in from, which language they use, what they are called.
#[derive(Debug, Clone, Copy)]
pub struct Office {
    /// A city of [`super::places::PLACES`].
    pub city: &'static str,
    pub weight: u32,
    pub language: &'static str,
    pub culture: Culture,
}

const fn office(
    city: &'static str,
    weight: u32,
    language: &'static str,
    culture: Culture,
) -> Office {
    Office {
        city,
        weight,
        language,
        culture,
    }
}

/// Acme Field Services: head office in Chicago, offices in 37 cities of 20 countries.
pub const ACME_OFFICES: &[Office] = &[
    office("Chicago", 14, "en-US", Culture::Us),
    office("New York", 10, "en-US", Culture::Us),
    office("Atlanta", 6, "en-US", Culture::Us),
    office("Austin", 5, "en-US", Culture::Us),
    office("Seattle", 4, "en-US", Culture::Us),
    office("Los Angeles", 5, "en-US", Culture::Us),
    office("Toronto", 5, "en-CA", Culture::Us),
    office("Montreal", 3, "fr-CA", Culture::Fr),
    office("Vancouver", 2, "en-CA", Culture::Us),
    office("Mexico City", 4, "es-MX", Culture::Es),
    office("Sao Paulo", 4, "pt-BR", Culture::Pt),
    office("London", 10, "en-GB", Culture::Gb),
    office("Manchester", 4, "en-GB", Culture::Gb),
    office("Edinburgh", 2, "en-GB", Culture::Gb),
    office("Dublin", 3, "en-IE", Culture::Gb),
    office("Berlin", 5, "de-DE", Culture::De),
    office("Hamburg", 3, "de-DE", Culture::De),
    office("Frankfurt am Main", 3, "de-DE", Culture::De),
    office("Cologne", 2, "de-DE", Culture::De),
    office("Bonn", 1, "de-DE", Culture::De),
    office("Paris", 6, "fr-FR", Culture::Fr),
    office("Toulouse", 2, "fr-FR", Culture::Fr),
    office("Madrid", 6, "es-ES", Culture::Es),
    office("Barcelona", 4, "es-ES", Culture::Es),
    office("Seville", 2, "es-ES", Culture::Es),
    office("Milan", 4, "it-IT", Culture::It),
    office("Rome", 3, "it-IT", Culture::It),
    office("Amsterdam", 4, "nl-NL", Culture::Nl),
    office("Stockholm", 2, "sv-SE", Culture::Sv),
    office("Warsaw", 3, "pl-PL", Culture::Pl),
    office("Zurich", 2, "de-CH", Culture::De),
    office("Singapore", 4, "en-SG", Culture::Sg),
    office("Chiyoda City", 2, "ja-JP", Culture::Ja),
    office("Sydney", 3, "en-AU", Culture::Gb),
    office("Bengaluru", 3, "en-IN", Culture::In),
    office("Dubai", 2, "en-AE", Culture::Ar),
    office("Johannesburg", 2, "en-ZA", Culture::Gb),
];

/// Globex Logistics: a small Canadian and Pacific team.
pub const GLOBEX_OFFICES: &[Office] = &[
    office("Toronto", 4, "en-CA", Culture::Us),
    office("Vancouver", 3, "en-CA", Culture::Us),
    office("Sydney", 2, "en-AU", Culture::Gb),
    office("Auckland", 1, "en-NZ", Culture::Gb),
];

/// Cities people visit on business trips (besides the offices).
pub const TRIP_CITIES: &[&str] = &[
    "Turin",
    "Marseille",
    "Auckland",
    "London",
    "New York",
    "Paris",
    "Frankfurt am Main",
    "Singapore",
    "Madrid",
    "Toronto",
];

/// A username-safe form of a name part: lower case ASCII letters only.
pub fn ascii_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars().flat_map(char::to_lowercase) {
        let mapped = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' | 'ą' => "a",
            'ç' | 'ć' => "c",
            'è' | 'é' | 'ê' | 'ë' | 'ę' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ł' => "l",
            'ñ' | 'ń' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' | 'ø' => "o",
            'ś' => "s",
            'ß' => "ss",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            'ź' | 'ż' => "z",
            c if c.is_ascii_lowercase() || c.is_ascii_digit() => {
                out.push(c);
                continue;
            }
            _ => continue,
        };
        out.push_str(mapped);
    }
    out
}

/// What a person uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Phone,
    Tablet,
    Computer,
}

/// A browser build: name, current version, previous version.
#[derive(Debug, Clone, Copy)]
pub struct Browser {
    pub name: &'static str,
    pub version: &'static str,
    pub old_version: &'static str,
}

const fn browser(name: &'static str, version: &'static str, old_version: &'static str) -> Browser {
    Browser {
        name,
        version,
        old_version,
    }
}

const CHROME: Browser = browser("Chrome", "125.0.6422.142", "124.0.6367.207");
const EDGE: Browser = browser("Edge", "125.0.2535.85", "124.0.2478.109");
const FIREFOX: Browser = browser("Firefox", "126.0", "125.0.3");
const SAFARI_17: Browser = browser("Safari", "17.5", "17.4.1");
const SAFARI_16: Browser = browser("Safari", "16.6", "16.6");
const CHROME_MOBILE: Browser = browser("Chrome Mobile", "125.0.6422.165", "124.0.6367.179");
const SAMSUNG: Browser = browser("Samsung Internet", "25.0", "24.0");

/// A piece of hardware with its OS as an app reports it and as a browser reveals it.
#[derive(Debug, Clone, Copy)]
pub struct Hardware {
    pub form: Form,
    /// The marketing name an app reports ("iPhone 15 Pro").
    pub model: &'static str,
    /// What a browser reveals: "iPhone", an Android model code, nothing on a computer.
    pub browser_model: Option<&'static str>,
    pub os: &'static str,
    /// The OS name a browser reveals (an iPad's Safari says iOS).
    pub browser_os: &'static str,
    pub os_version: Option<&'static str>,
    pub browsers: &'static [Browser],
}

const fn phone(
    model: &'static str,
    browser_model: &'static str,
    os: &'static str,
    os_version: &'static str,
    browsers: &'static [Browser],
) -> Hardware {
    Hardware {
        form: Form::Phone,
        model,
        browser_model: Some(browser_model),
        os,
        browser_os: os,
        os_version: Some(os_version),
        browsers,
    }
}

pub const PHONES: &[Hardware] = &[
    phone(
        "iPhone 15 Pro",
        "iPhone",
        "iOS",
        "17.5.1",
        &[browser("Mobile Safari", "17.5.1", "17.4.1")],
    ),
    phone(
        "iPhone 14",
        "iPhone",
        "iOS",
        "17.4.1",
        &[browser("Mobile Safari", "17.4.1", "17.3")],
    ),
    phone(
        "iPhone 13",
        "iPhone",
        "iOS",
        "16.7.8",
        &[browser("Mobile Safari", "16.6", "16.6")],
    ),
    phone(
        "iPhone SE (3rd generation)",
        "iPhone",
        "iOS",
        "17.5",
        &[browser("Mobile Safari", "17.5", "17.4")],
    ),
    phone(
        "Galaxy S24",
        "SM-S921B",
        "Android",
        "14",
        &[CHROME_MOBILE, SAMSUNG],
    ),
    phone(
        "Galaxy S23",
        "SM-S911B",
        "Android",
        "14",
        &[CHROME_MOBILE, SAMSUNG],
    ),
    phone(
        "Galaxy A54 5G",
        "SM-A546B",
        "Android",
        "14",
        &[CHROME_MOBILE],
    ),
    phone(
        "Galaxy XCover6 Pro",
        "SM-G736B",
        "Android",
        "13",
        &[CHROME_MOBILE],
    ),
    phone("Pixel 8", "Pixel 8", "Android", "14", &[CHROME_MOBILE]),
    phone("Pixel 7a", "Pixel 7a", "Android", "14", &[CHROME_MOBILE]),
];

pub const TABLETS: &[Hardware] = &[
    Hardware {
        form: Form::Tablet,
        model: "iPad Air (5th generation)",
        browser_model: Some("iPad"),
        os: "iPadOS",
        browser_os: "iOS",
        os_version: Some("17.5"),
        browsers: &[browser("Mobile Safari", "17.5", "17.4")],
    },
    Hardware {
        form: Form::Tablet,
        model: "iPad (10th generation)",
        browser_model: Some("iPad"),
        os: "iPadOS",
        browser_os: "iOS",
        os_version: Some("17.4"),
        browsers: &[browser("Mobile Safari", "17.4", "17.3")],
    },
    Hardware {
        form: Form::Tablet,
        model: "Galaxy Tab S9",
        browser_model: Some("SM-X710"),
        os: "Android",
        browser_os: "Android",
        os_version: Some("14"),
        browsers: &[CHROME],
    },
    Hardware {
        form: Form::Tablet,
        model: "Galaxy Tab Active4 Pro",
        browser_model: Some("SM-T636B"),
        os: "Android",
        browser_os: "Android",
        os_version: Some("13"),
        browsers: &[CHROME],
    },
];

const fn computer(
    model: &'static str,
    os: &'static str,
    os_version: Option<&'static str>,
    browsers: &'static [Browser],
) -> Hardware {
    Hardware {
        form: Form::Computer,
        model,
        browser_model: None,
        os,
        browser_os: os,
        os_version,
        browsers,
    }
}

pub const COMPUTERS: &[Hardware] = &[
    computer("Latitude 5440", "Windows", Some("11"), &[CHROME, EDGE]),
    computer(
        "ThinkPad T14",
        "Windows",
        Some("10"),
        &[CHROME, EDGE, FIREFOX],
    ),
    computer("OptiPlex 7010", "Windows", Some("11"), &[EDGE, CHROME]),
    computer("MacBook Pro", "macOS", Some("14.5"), &[SAFARI_17, CHROME]),
    computer(
        "MacBook Air",
        "macOS",
        Some("13.6.7"),
        &[SAFARI_16, FIREFOX],
    ),
    computer("ThinkPad X1 Carbon", "Ubuntu", None, &[FIREFOX]),
];

/// A browser an attacker signs in with: a device the victim never used.
pub const STRANGER: Hardware = computer("", "Linux", None, &[CHROME]);

/// An app release: version, and how many days ago it replaced the previous one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Release {
    pub version: &'static str,
    pub since_days: i64,
}

/// Releases of the org's apps, newest first.
pub const MOBILE_RELEASES: &[Release] = &[
    Release {
        version: "4.2.1",
        since_days: 12,
    },
    Release {
        version: "4.1.3",
        since_days: 41,
    },
    Release {
        version: "4.0.7",
        since_days: 400,
    },
];
pub const COMPANION_RELEASES: &[Release] = &[
    Release {
        version: "2.3.0",
        since_days: 20,
    },
    Release {
        version: "2.2.4",
        since_days: 400,
    },
];
pub const DESKTOP_RELEASES: &[Release] = &[
    Release {
        version: "2.8.0",
        since_days: 25,
    },
    Release {
        version: "2.7.4",
        since_days: 400,
    },
];
/// The Electron runtime a desktop app reports as its browser.
pub const ELECTRON: (&str, &str) = ("Electron", "30.0.6");

/// The version of an app that was current `age_days` ago.
pub fn release_at(releases: &[Release], age_days: i64) -> &'static str {
    releases
        .iter()
        .find(|r| age_days < r.since_days)
        .or(releases.last())
        .map_or("1.0.0", |r| r.version)
}

/// An integration client: its HTTP library (as the user-agent parser names it) and app.
#[derive(Debug, Clone, Copy)]
pub struct ApiClient {
    pub username: &'static str,
    pub name: &'static str,
    pub app: &'static str,
    pub app_version: &'static str,
    pub library: &'static str,
    pub library_version: &'static str,
    /// The data-centre address it calls from (one of the hosting places).
    pub ip: &'static str,
}

pub const ACME_INTEGRATIONS: &[ApiClient] = &[
    ApiClient {
        username: "svc-billing-sync",
        name: "Billing Sync (service account)",
        app: "Acme Billing Sync",
        app_version: "1.8.0",
        library: "Python Requests",
        library_version: "2.31",
        ip: "52.94.236.248",
    },
    ApiClient {
        username: "svc-route-planner",
        name: "Route Planner (service account)",
        app: "Route Planner",
        app_version: "3.2.0",
        library: "Go-http-client",
        library_version: "1.1",
        ip: "18.184.0.1",
    },
    ApiClient {
        username: "svc-reporting",
        name: "Reporting Export (service account)",
        app: "Reporting Export",
        app_version: "0.9.4",
        library: "curl",
        library_version: "8.4",
        ip: "52.209.0.1",
    },
];

/// Why staff revoked a session.
pub const REVOKE_REASONS: &[&str] = &[
    "Phone reported lost by the user",
    "Tablet returned to IT for replacement",
    "Leaver: last working day",
    "User did not recognise this sign-in",
    "Shared workstation left signed in",
    "User asked to be signed out of this device",
    "Device sent for repair",
    "Old app version after upgrade; user confirmed",
];

/// Pages of the apps, with `{}` for a number.
pub const FIELD_PATHS: &[&str] = &[
    "/jobs/{}",
    "/jobs/{}/checklist",
    "/jobs/{}/photos",
    "/jobs/{}/signature",
    "/schedule/today",
    "/inventory/van",
    "/timesheets/week/{}",
    "/sync",
];
pub const OFFICE_PATHS: &[&str] = &[
    "/dispatch/board",
    "/jobs/{}",
    "/customers/{}",
    "/invoices/INV-{}",
    "/reports/monthly",
    "/schedule/team",
    "/settings/profile",
];
pub const API_PATHS: &[&str] = &[
    "/api/v2/invoices?status=open",
    "/api/v2/jobs/{}",
    "/api/v2/routes/optimize",
    "/api/v2/reports/export",
    "/api/v2/customers?page={}",
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seed::places;

    #[test]
    fn every_office_and_trip_city_has_an_address() {
        for city in ACME_OFFICES
            .iter()
            .chain(GLOBEX_OFFICES)
            .map(|o| o.city)
            .chain(TRIP_CITIES.iter().copied())
        {
            assert!(!places::people_in(city).is_empty(), "no address in {city}");
        }
        for c in ACME_INTEGRATIONS {
            let i = places::index_of(c.ip).unwrap_or_else(|| panic!("{} is not a place", c.ip));
            assert!(
                places::PLACES[i].hosting,
                "{} is not a data-centre address",
                c.ip
            );
        }
    }

    #[test]
    fn acme_offices_span_37_cities_in_20_countries() {
        let cities: std::collections::BTreeSet<_> = ACME_OFFICES.iter().map(|o| o.city).collect();
        let countries: std::collections::BTreeSet<_> = ACME_OFFICES
            .iter()
            .flat_map(|o| places::people_in(o.city))
            .map(|i| places::PLACES[i].country)
            .collect();
        assert_eq!((cities.len(), countries.len()), (37, 20));
        assert_eq!(
            cities.len(),
            ACME_OFFICES.len(),
            "an office is listed twice"
        );
    }

    #[test]
    fn usernames_are_ascii() {
        assert_eq!(ascii_fold("Jürgen"), "jurgen");
        assert_eq!(ascii_fold("van den Berg"), "vandenberg");
        assert_eq!(ascii_fold("O'Brien"), "obrien");
        assert_eq!(ascii_fold("Wiśniewski Łukasz"), "wisniewskilukasz");
        assert_eq!(ascii_fold("Élodie"), "elodie");
    }

    #[test]
    fn app_versions_follow_releases() {
        assert_eq!(release_at(MOBILE_RELEASES, 0), "4.2.1");
        assert_eq!(release_at(MOBILE_RELEASES, 20), "4.1.3");
        assert_eq!(release_at(MOBILE_RELEASES, 60), "4.0.7");
        assert_eq!(release_at(MOBILE_RELEASES, 1000), "4.0.7");
    }
}
