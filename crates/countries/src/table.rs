//! The code table: one static slice, sorted by code (byte order) so that
//! [`crate::lookup`] can binary-search it.
//!
//! Every entry is built by one of the constructors below; the constructor's
//! name says which group the code belongs to, and the constructor's doc
//! comment says where that group comes from. Keep the slice sorted: a unit
//! test in `lib.rs` fails otherwise.

use crate::{Country, CountryKind};

/// ISO 3166-1 alpha-3 code with its English short name.
///
/// Source: ISO 3166-1, all 249 officially assigned alpha-3 codes, with the
/// English short names in comma-inverted form ("Korea, Republic of") as
/// distributed by the iso-codes project (version 4.15). ICAO Doc 9303
/// Part 3, section 5 adopts these codes for the issuing-state and
/// nationality fields, with the one exception of Germany (see [`NOTE_DEU`]).
const fn iso(code: &'static str, name: &'static str) -> Country {
    Country {
        code,
        name,
        kind: CountryKind::Iso3166,
        note: None,
    }
}

/// ISO 3166-1 alpha-3 code that MRZ readers must treat with care; the note
/// says why.
const fn iso_with_note(code: &'static str, name: &'static str, note: &'static str) -> Country {
    Country {
        code,
        name,
        kind: CountryKind::Iso3166,
        note: Some(note),
    }
}

/// Code that ICAO Doc 9303 Part 3, section 5 defines on top of ISO 3166-1:
/// Germany's `D`, the British nationality classes (`GB?`), the United
/// Nations (`UN?`), the issuing organisations (`X??`, `EUE`) and the
/// persons without a defined nationality (`XXA`, `XXB`, `XXC`, `XXX`).
const fn icao(code: &'static str, name: &'static str) -> Country {
    Country {
        code,
        name,
        kind: CountryKind::IcaoSpecial,
        note: None,
    }
}

/// A non-ISO code in use on machine-readable documents that needs a note:
/// Germany's `D` and Kosovo's `RKS`.
const fn icao_with_note(code: &'static str, name: &'static str, note: &'static str) -> Country {
    Country {
        code,
        name,
        kind: CountryKind::IcaoSpecial,
        note: Some(note),
    }
}

/// Code withdrawn from ISO 3166-1 (listed in ISO 3166-3) that documents
/// issued before the withdrawal, or older reader software, may still carry.
const fn historic(code: &'static str, name: &'static str, note: &'static str) -> Country {
    Country {
        code,
        name,
        kind: CountryKind::Historic,
        note: Some(note),
    }
}

/// Code of a fictional state printed on ICAO Doc 9303 specimen documents.
const fn specimen(code: &'static str, name: &'static str, note: &'static str) -> Country {
    Country {
        code,
        name,
        kind: CountryKind::Specimen,
        note: Some(note),
    }
}

/// Why `DEU` is flagged although it is the ISO 3166-1 code.
pub(crate) const NOTE_DEU: &str = "ICAO uses D: ICAO Doc 9303 Part 3 codes Germany as D \
     (written D<< in the MRZ), so a conforming German document never carries DEU";

/// Why `D` is a one-letter code.
pub(crate) const NOTE_D: &str = "ICAO Doc 9303 Part 3 code for Germany, written D<< in the \
     MRZ; ISO 3166-1 uses DEU";

/// Where `RKS` comes from.
pub(crate) const NOTE_RKS: &str = "Not an ISO 3166-1 code: carried by passports of the Republic \
     of Kosovo and accepted by the states that recognise them; travel documents issued by \
     UNMIK use UNK instead";

/// Why `ANT` is historic.
pub(crate) const NOTE_ANT: &str = "Withdrawn from ISO 3166-1 in 2010 when the Netherlands \
     Antilles were dissolved; documents issued before then may carry it";

/// Why `NTZ` is historic.
pub(crate) const NOTE_NTZ: &str = "Saudi Arabian-Iraqi Neutral Zone, withdrawn from ISO 3166-1 \
     in 1993; kept because MRZ code lists derived from ICAO Doc 9303 still carry it";

/// Why `UTO` is not a real code.
pub(crate) const NOTE_UTO: &str = "Fictional state of the ICAO Doc 9303 specimen documents; \
     a document that carries it is a specimen, never a genuine document";

/// All codes, sorted by code in byte order (so `D` sorts just before `DEU`).
pub(crate) static COUNTRIES: &[Country] = &[
    iso("ABW", "Aruba"),
    iso("AFG", "Afghanistan"),
    iso("AGO", "Angola"),
    iso("AIA", "Anguilla"),
    iso("ALA", "Åland Islands"),
    iso("ALB", "Albania"),
    iso("AND", "Andorra"),
    historic("ANT", "Netherlands Antilles", NOTE_ANT),
    iso("ARE", "United Arab Emirates"),
    iso("ARG", "Argentina"),
    iso("ARM", "Armenia"),
    iso("ASM", "American Samoa"),
    iso("ATA", "Antarctica"),
    iso("ATF", "French Southern Territories"),
    iso("ATG", "Antigua and Barbuda"),
    iso("AUS", "Australia"),
    iso("AUT", "Austria"),
    iso("AZE", "Azerbaijan"),
    iso("BDI", "Burundi"),
    iso("BEL", "Belgium"),
    iso("BEN", "Benin"),
    iso("BES", "Bonaire, Sint Eustatius and Saba"),
    iso("BFA", "Burkina Faso"),
    iso("BGD", "Bangladesh"),
    iso("BGR", "Bulgaria"),
    iso("BHR", "Bahrain"),
    iso("BHS", "Bahamas"),
    iso("BIH", "Bosnia and Herzegovina"),
    iso("BLM", "Saint Barthélemy"),
    iso("BLR", "Belarus"),
    iso("BLZ", "Belize"),
    iso("BMU", "Bermuda"),
    iso("BOL", "Bolivia, Plurinational State of"),
    iso("BRA", "Brazil"),
    iso("BRB", "Barbados"),
    iso("BRN", "Brunei Darussalam"),
    iso("BTN", "Bhutan"),
    iso("BVT", "Bouvet Island"),
    iso("BWA", "Botswana"),
    iso("CAF", "Central African Republic"),
    iso("CAN", "Canada"),
    iso("CCK", "Cocos (Keeling) Islands"),
    iso("CHE", "Switzerland"),
    iso("CHL", "Chile"),
    iso("CHN", "China"),
    iso("CIV", "Côte d'Ivoire"),
    iso("CMR", "Cameroon"),
    iso("COD", "Congo, The Democratic Republic of the"),
    iso("COG", "Congo"),
    iso("COK", "Cook Islands"),
    iso("COL", "Colombia"),
    iso("COM", "Comoros"),
    iso("CPV", "Cabo Verde"),
    iso("CRI", "Costa Rica"),
    iso("CUB", "Cuba"),
    iso("CUW", "Curaçao"),
    iso("CXR", "Christmas Island"),
    iso("CYM", "Cayman Islands"),
    iso("CYP", "Cyprus"),
    iso("CZE", "Czechia"),
    icao_with_note("D", "Germany", NOTE_D),
    iso_with_note("DEU", "Germany", NOTE_DEU),
    iso("DJI", "Djibouti"),
    iso("DMA", "Dominica"),
    iso("DNK", "Denmark"),
    iso("DOM", "Dominican Republic"),
    iso("DZA", "Algeria"),
    iso("ECU", "Ecuador"),
    iso("EGY", "Egypt"),
    iso("ERI", "Eritrea"),
    iso("ESH", "Western Sahara"),
    iso("ESP", "Spain"),
    iso("EST", "Estonia"),
    iso("ETH", "Ethiopia"),
    icao("EUE", "European Union (EU)"),
    iso("FIN", "Finland"),
    iso("FJI", "Fiji"),
    iso("FLK", "Falkland Islands (Malvinas)"),
    iso("FRA", "France"),
    iso("FRO", "Faroe Islands"),
    iso("FSM", "Micronesia, Federated States of"),
    iso("GAB", "Gabon"),
    icao("GBD", "British Overseas Territories Citizen"),
    icao("GBN", "British National (Overseas)"),
    icao("GBO", "British Overseas Citizen"),
    icao("GBP", "British Protected Person"),
    iso("GBR", "United Kingdom"),
    icao("GBS", "British Subject"),
    iso("GEO", "Georgia"),
    iso("GGY", "Guernsey"),
    iso("GHA", "Ghana"),
    iso("GIB", "Gibraltar"),
    iso("GIN", "Guinea"),
    iso("GLP", "Guadeloupe"),
    iso("GMB", "Gambia"),
    iso("GNB", "Guinea-Bissau"),
    iso("GNQ", "Equatorial Guinea"),
    iso("GRC", "Greece"),
    iso("GRD", "Grenada"),
    iso("GRL", "Greenland"),
    iso("GTM", "Guatemala"),
    iso("GUF", "French Guiana"),
    iso("GUM", "Guam"),
    iso("GUY", "Guyana"),
    iso("HKG", "Hong Kong"),
    iso("HMD", "Heard Island and McDonald Islands"),
    iso("HND", "Honduras"),
    iso("HRV", "Croatia"),
    iso("HTI", "Haiti"),
    iso("HUN", "Hungary"),
    iso("IDN", "Indonesia"),
    iso("IMN", "Isle of Man"),
    iso("IND", "India"),
    iso("IOT", "British Indian Ocean Territory"),
    iso("IRL", "Ireland"),
    iso("IRN", "Iran, Islamic Republic of"),
    iso("IRQ", "Iraq"),
    iso("ISL", "Iceland"),
    iso("ISR", "Israel"),
    iso("ITA", "Italy"),
    iso("JAM", "Jamaica"),
    iso("JEY", "Jersey"),
    iso("JOR", "Jordan"),
    iso("JPN", "Japan"),
    iso("KAZ", "Kazakhstan"),
    iso("KEN", "Kenya"),
    iso("KGZ", "Kyrgyzstan"),
    iso("KHM", "Cambodia"),
    iso("KIR", "Kiribati"),
    iso("KNA", "Saint Kitts and Nevis"),
    iso("KOR", "Korea, Republic of"),
    iso("KWT", "Kuwait"),
    iso("LAO", "Lao People's Democratic Republic"),
    iso("LBN", "Lebanon"),
    iso("LBR", "Liberia"),
    iso("LBY", "Libya"),
    iso("LCA", "Saint Lucia"),
    iso("LIE", "Liechtenstein"),
    iso("LKA", "Sri Lanka"),
    iso("LSO", "Lesotho"),
    iso("LTU", "Lithuania"),
    iso("LUX", "Luxembourg"),
    iso("LVA", "Latvia"),
    iso("MAC", "Macao"),
    iso("MAF", "Saint Martin (French part)"),
    iso("MAR", "Morocco"),
    iso("MCO", "Monaco"),
    iso("MDA", "Moldova, Republic of"),
    iso("MDG", "Madagascar"),
    iso("MDV", "Maldives"),
    iso("MEX", "Mexico"),
    iso("MHL", "Marshall Islands"),
    iso("MKD", "North Macedonia"),
    iso("MLI", "Mali"),
    iso("MLT", "Malta"),
    iso("MMR", "Myanmar"),
    iso("MNE", "Montenegro"),
    iso("MNG", "Mongolia"),
    iso("MNP", "Northern Mariana Islands"),
    iso("MOZ", "Mozambique"),
    iso("MRT", "Mauritania"),
    iso("MSR", "Montserrat"),
    iso("MTQ", "Martinique"),
    iso("MUS", "Mauritius"),
    iso("MWI", "Malawi"),
    iso("MYS", "Malaysia"),
    iso("MYT", "Mayotte"),
    iso("NAM", "Namibia"),
    iso("NCL", "New Caledonia"),
    iso("NER", "Niger"),
    iso("NFK", "Norfolk Island"),
    iso("NGA", "Nigeria"),
    iso("NIC", "Nicaragua"),
    iso("NIU", "Niue"),
    iso("NLD", "Netherlands"),
    iso("NOR", "Norway"),
    iso("NPL", "Nepal"),
    iso("NRU", "Nauru"),
    historic("NTZ", "Neutral Zone", NOTE_NTZ),
    iso("NZL", "New Zealand"),
    iso("OMN", "Oman"),
    iso("PAK", "Pakistan"),
    iso("PAN", "Panama"),
    iso("PCN", "Pitcairn"),
    iso("PER", "Peru"),
    iso("PHL", "Philippines"),
    iso("PLW", "Palau"),
    iso("PNG", "Papua New Guinea"),
    iso("POL", "Poland"),
    iso("PRI", "Puerto Rico"),
    iso("PRK", "Korea, Democratic People's Republic of"),
    iso("PRT", "Portugal"),
    iso("PRY", "Paraguay"),
    iso("PSE", "Palestine, State of"),
    iso("PYF", "French Polynesia"),
    iso("QAT", "Qatar"),
    iso("REU", "Réunion"),
    icao_with_note("RKS", "Republic of Kosovo", NOTE_RKS),
    iso("ROU", "Romania"),
    iso("RUS", "Russian Federation"),
    iso("RWA", "Rwanda"),
    iso("SAU", "Saudi Arabia"),
    iso("SDN", "Sudan"),
    iso("SEN", "Senegal"),
    iso("SGP", "Singapore"),
    iso("SGS", "South Georgia and the South Sandwich Islands"),
    iso("SHN", "Saint Helena, Ascension and Tristan da Cunha"),
    iso("SJM", "Svalbard and Jan Mayen"),
    iso("SLB", "Solomon Islands"),
    iso("SLE", "Sierra Leone"),
    iso("SLV", "El Salvador"),
    iso("SMR", "San Marino"),
    iso("SOM", "Somalia"),
    iso("SPM", "Saint Pierre and Miquelon"),
    iso("SRB", "Serbia"),
    iso("SSD", "South Sudan"),
    iso("STP", "Sao Tome and Principe"),
    iso("SUR", "Suriname"),
    iso("SVK", "Slovakia"),
    iso("SVN", "Slovenia"),
    iso("SWE", "Sweden"),
    iso("SWZ", "Eswatini"),
    iso("SXM", "Sint Maarten (Dutch part)"),
    iso("SYC", "Seychelles"),
    iso("SYR", "Syrian Arab Republic"),
    iso("TCA", "Turks and Caicos Islands"),
    iso("TCD", "Chad"),
    iso("TGO", "Togo"),
    iso("THA", "Thailand"),
    iso("TJK", "Tajikistan"),
    iso("TKL", "Tokelau"),
    iso("TKM", "Turkmenistan"),
    iso("TLS", "Timor-Leste"),
    iso("TON", "Tonga"),
    iso("TTO", "Trinidad and Tobago"),
    iso("TUN", "Tunisia"),
    iso("TUR", "Türkiye"),
    iso("TUV", "Tuvalu"),
    iso("TWN", "Taiwan, Province of China"),
    iso("TZA", "Tanzania, United Republic of"),
    iso("UGA", "Uganda"),
    iso("UKR", "Ukraine"),
    iso("UMI", "United States Minor Outlying Islands"),
    icao("UNA", "Specialized agency of the United Nations or one of its officials"),
    icao("UNK", "Resident of Kosovo to whom a travel document has been issued by the United Nations Interim Administration Mission in Kosovo (UNMIK)"),
    icao("UNO", "United Nations Organization or one of its officials"),
    iso("URY", "Uruguay"),
    iso("USA", "United States"),
    specimen("UTO", "Utopia", NOTE_UTO),
    iso("UZB", "Uzbekistan"),
    iso("VAT", "Holy See (Vatican City State)"),
    iso("VCT", "Saint Vincent and the Grenadines"),
    iso("VEN", "Venezuela, Bolivarian Republic of"),
    iso("VGB", "Virgin Islands, British"),
    iso("VIR", "Virgin Islands, U.S."),
    iso("VNM", "Viet Nam"),
    iso("VUT", "Vanuatu"),
    iso("WLF", "Wallis and Futuna"),
    iso("WSM", "Samoa"),
    icao("XBA", "African Development Bank (ADB)"),
    icao("XCC", "Caribbean Community or one of its emissaries (CARICOM)"),
    icao("XCE", "Council of Europe"),
    icao("XCO", "Common Market for Eastern and Southern Africa (COMESA)"),
    icao("XDC", "Southern African Development Community (SADC)"),
    icao("XEC", "Economic Community of West African States (ECOWAS)"),
    icao("XES", "Organisation of Eastern Caribbean States (OECS)"),
    icao("XIM", "African Export-Import Bank (AFREXIM bank)"),
    icao("XMP", "Parliamentary Assembly of the Mediterranean (PAM)"),
    icao("XOM", "Sovereign Military Order of Malta or one of its emissaries"),
    icao("XPO", "International Criminal Police Organization (INTERPOL)"),
    icao("XXA", "Stateless person (Article 1 of the 1954 Convention Relating to the Status of Stateless Persons)"),
    icao("XXB", "Refugee (Article 1 of the 1951 Convention Relating to the Status of Refugees, as amended by the 1967 Protocol)"),
    icao("XXC", "Refugee, other than as defined under XXB"),
    icao("XXX", "Person of unspecified nationality"),
    iso("YEM", "Yemen"),
    iso("ZAF", "South Africa"),
    iso("ZMB", "Zambia"),
    iso("ZWE", "Zimbabwe"),
];
