use std::collections::HashSet;

use super::*;

fn id(text: &str) -> ParticipantId {
    ParticipantId::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
}

fn is_invalid(result: &Result<ParticipantId, ParticipantIdError>) -> bool {
    matches!(result, Err(ParticipantIdError::InvalidValue { .. }))
}

fn is_check_digits(result: &Result<ParticipantId, ParticipantIdError>) -> bool {
    matches!(result, Err(ParticipantIdError::CheckDigits { .. }))
}

fn vat(text: &str) -> VatNumber {
    VatNumber::parse(text).unwrap_or_else(|error| panic!("{text}: {error}"))
}

// ---- schemes ----

#[test]
fn scheme_table_is_sorted_and_complete() {
    assert!(SCHEMES.windows(2).all(|pair| pair[0].code < pair[1].code));
    assert!(
        SCHEMES
            .iter()
            .all(|entry| entry.code.len() == 4 && is_digits(entry.code))
    );
    assert_eq!(Scheme::all().filter(Scheme::is_eas).count(), 92);
    assert_eq!(Scheme::all().filter(Scheme::is_icd).count(), 235);
    assert_eq!(Scheme::all().count(), 276);
}

#[test]
fn scheme_lookup() {
    let scheme = Scheme::parse("0208").unwrap();
    assert_eq!(scheme.code(), "0208");
    assert!(scheme.is_eas() && scheme.is_icd());
    assert!(scheme.name().contains("ondernemingsnummer"));
    assert_eq!(scheme.to_string(), "0208");
    assert_eq!(format!("{scheme:?}"), "Scheme(\"0208\")");
    assert_eq!(scheme.vat_country(), None);
}

#[test]
fn scheme_icd_only_is_known_but_not_eas() {
    let scheme = Scheme::parse("0207").unwrap();
    assert!(!scheme.is_eas() && scheme.is_icd());
}

#[test]
fn scheme_eas_only_vat_scheme() {
    let scheme = Scheme::parse("9925").unwrap();
    assert!(scheme.is_eas() && !scheme.is_icd());
    assert_eq!(scheme.name(), "Belgium VAT number");
    assert_eq!(scheme.vat_country(), CountryCode::parse("BE").ok());
}

#[test]
fn scheme_vat_countries() {
    for (code, country) in [
        ("9925", "BE"),
        ("9938", "LU"),
        ("9930", "DE"),
        ("9957", "FR"),
        ("9944", "NL"),
        ("9914", "AT"),
        ("9920", "ES"),
        ("0211", "IT"),
        ("0213", "FI"),
        ("9910", "HU"),
        ("9933", "GR"),
        ("9932", "GB"),
        ("9927", "CH"),
    ] {
        let scheme = Scheme::parse(code).unwrap();
        assert_eq!(scheme.vat_country().unwrap().as_str(), country, "{code}");
        assert_eq!(
            Scheme::for_vat_country(CountryCode::parse(country).unwrap()),
            Some(scheme)
        );
    }
    for code in [
        "0002", "0007", "0088", "0184", "0192", "0208", "9959", "0235",
    ] {
        assert_eq!(Scheme::parse(code).unwrap().vat_country(), None, "{code}");
    }
    for country in ["SE", "DK", "NO", "US"] {
        assert_eq!(
            Scheme::for_vat_country(CountryCode::parse(country).unwrap()),
            None
        );
    }
}

#[test]
fn scheme_unknown() {
    for code in ["9955", "9906", "9907", "9999", "208", "02080", "abcd", ""] {
        assert_eq!(
            Scheme::parse(code),
            Err(ParticipantIdError::UnknownScheme(code.to_owned()))
        );
    }
}

// ---- participant ids: generic rules ----

#[test]
fn new_accepts_and_keeps_the_value() {
    let id = ParticipantId::new("0208", "0123456749").unwrap();
    assert_eq!(id.scheme().code(), "0208");
    assert_eq!(id.value(), "0123456749");
    assert_eq!(id.to_string(), "0208:0123456749");
    assert_eq!(id.to_uri(), "iso6523-actorid-upis::0208:0123456749");
}

#[test]
fn new_refuses_unknown_scheme() {
    assert_eq!(
        ParticipantId::new("9955", "SE556732170701"),
        Err(ParticipantIdError::UnknownScheme("9955".to_owned()))
    );
}

#[test]
fn new_refuses_empty_value() {
    assert!(is_invalid(&ParticipantId::new("0195", "")));
}

#[test]
fn new_refuses_whitespace_without_trimming() {
    for value in [" abc", "abc ", "a b", "a\tb", "a\u{a0}b"] {
        assert!(is_invalid(&ParticipantId::new("0195", value)), "{value:?}");
    }
    assert!(is_invalid(&ParticipantId::new("0208", " 0123456749")));
}

#[test]
fn new_refuses_control_and_non_ascii_characters() {
    for value in ["a\u{0}b", "a\u{7f}", "caf\u{e9}", "\u{2014}"] {
        assert!(is_invalid(&ParticipantId::new("0195", value)), "{value:?}");
    }
}

#[test]
fn new_limits_the_whole_identifier_to_50_characters() {
    let longest = "a".repeat(45);
    assert!(ParticipantId::new("0195", &longest).is_ok());
    assert!(is_invalid(&ParticipantId::new("0195", &"a".repeat(46))));
    assert!(is_invalid(&ParticipantId::new("0195", &"a".repeat(51))));
}

#[test]
fn unchecked_schemes_accept_any_allowed_value() {
    for (scheme, value) in [
        ("0195", "SGUEN201400002M"),
        ("0204", "991-33333TEST-33"),
        ("9959", "12-3456789"),
        ("0235", "x:y/z"),
        ("9922", "anything"),
    ] {
        assert!(
            ParticipantId::new(scheme, value).is_ok(),
            "{scheme}:{value}"
        );
    }
}

#[test]
fn parse_plain_and_uri_forms() {
    assert_eq!(id("0208:0123456749").value(), "0123456749");
    assert_eq!(
        id("iso6523-actorid-upis::0208:0123456749"),
        id("0208:0123456749")
    );
    assert_eq!(
        id("ISO6523-ACTORID-UPIS::9925:be0123456749"),
        id("9925:BE0123456749")
    );
    assert_eq!(
        "0088:9429041098400".parse::<ParticipantId>(),
        Ok(id("0088:9429041098400"))
    );
}

#[test]
fn parse_refuses_missing_separator() {
    assert_eq!(
        ParticipantId::parse("02080123456749"),
        Err(ParticipantIdError::Malformed("02080123456749".to_owned()))
    );
}

#[test]
fn parse_refuses_other_identifier_scheme() {
    assert_eq!(
        ParticipantId::parse("busdox-actorid-upis::0208:0123456749"),
        Err(ParticipantIdError::UnknownScheme(
            "busdox-actorid-upis".to_owned()
        ))
    );
}

#[test]
fn parse_refuses_empty_scheme() {
    assert_eq!(
        ParticipantId::parse(":0123456749"),
        Err(ParticipantIdError::UnknownScheme(String::new()))
    );
}

#[test]
fn equality_and_hash_ignore_case() {
    let upper = id("9925:BE0123456749");
    let lower = id("9925:be0123456749");
    assert_eq!(upper, lower);
    assert_eq!(upper.canonical(), "9925:be0123456749");
    assert_eq!(upper.canonical(), lower.canonical());
    let set: HashSet<ParticipantId> = [upper.clone(), lower].into_iter().collect();
    assert_eq!(set.len(), 1);
    assert!(set.contains(&upper));
    assert_ne!(id("9925:BE0123456749"), id("0208:0123456749"));
}

// ---- participant ids: per-scheme rules ----

#[test]
fn gln_0088() {
    assert!(ParticipantId::new("0088", "9429041098400").is_ok());
    assert!(ParticipantId::new("0088", "5790000435951").is_ok());
    assert!(is_check_digits(&ParticipantId::new(
        "0088",
        "9429041098401"
    )));
    assert!(is_invalid(&ParticipantId::new("0088", "94290410984A0")));
}

#[test]
fn norway_0192() {
    assert!(ParticipantId::new("0192", "745707327").is_ok());
    assert!(is_check_digits(&ParticipantId::new("0192", "745707328")));
    assert!(is_check_digits(&ParticipantId::new("0192", "000000000")));
    assert!(is_invalid(&ParticipantId::new("0192", "74570732")));
    assert!(is_invalid(&ParticipantId::new("0192", "NO745707327")));
}

#[test]
fn denmark_0184() {
    assert!(ParticipantId::new("0184", "12345678").is_ok());
    assert!(ParticipantId::new("0184", "DK12345678").is_ok());
    assert!(ParticipantId::new("0184", "dk12345678").is_ok());
    assert!(is_invalid(&ParticipantId::new("0184", "1234567")));
    assert!(is_invalid(&ParticipantId::new("0184", "DK1234567")));
    assert!(is_invalid(&ParticipantId::new("0184", "SE12345678")));
}

#[test]
fn belgium_0208() {
    assert!(ParticipantId::new("0208", "0123456749").is_ok());
    assert!(ParticipantId::new("0208", "0739484052").is_ok());
    assert!(is_check_digits(&ParticipantId::parse("0208:0123456789")));
    assert!(is_invalid(&ParticipantId::new("0208", "123456749")));
    assert!(is_invalid(&ParticipantId::new("0208", "BE0123456749")));
    assert!(is_invalid(&ParticipantId::new("0208", "0123.456.749")));
}

#[test]
fn italy_ipa_0201() {
    assert!(ParticipantId::new("0201", "F7VRDL").is_ok());
    assert!(ParticipantId::new("0201", "uf1234").is_ok());
    assert!(is_invalid(&ParticipantId::new("0201", "F7VRD")));
    assert!(is_invalid(&ParticipantId::new("0201", "F7VR-L")));
}

#[test]
fn italy_codice_fiscale_0210() {
    assert!(ParticipantId::new("0210", "97735020584").is_ok());
    assert!(ParticipantId::new("0210", "RSSBBR69C48F839A").is_ok());
    assert!(ParticipantId::new("0210", "rssbbr69c48f839a").is_ok());
    assert!(is_invalid(&ParticipantId::new("0210", "9773502058")));
    assert!(is_invalid(&ParticipantId::new("0210", "RSSBBR69C48F83AA")));
    assert!(is_invalid(&ParticipantId::new("0210", "ABC")));
}

#[test]
fn italy_partita_iva_0211() {
    assert!(ParticipantId::new("0211", "IT02985591201").is_ok());
    assert!(ParticipantId::new("0211", "it02985591201").is_ok());
    assert!(ParticipantId::new("0211", "02985591201").is_ok());
    assert!(is_check_digits(&ParticipantId::new(
        "0211",
        "IT02985591202"
    )));
    assert!(is_invalid(&ParticipantId::new("0211", "IT1")));
    assert!(is_invalid(&ParticipantId::new("0211", "ITABC")));
    assert!(is_invalid(&ParticipantId::new("0211", "FR40303265045")));
}

#[test]
fn sweden_0007() {
    assert!(ParticipantId::new("0007", "5567321707").is_ok());
    assert!(ParticipantId::new("0007", "2021005489").is_ok());
    assert!(is_check_digits(&ParticipantId::new("0007", "2021005480")));
    assert!(is_invalid(&ParticipantId::new("0007", "556622-1100")));
    assert!(is_invalid(&ParticipantId::new("0007", "SE5566221100")));
}

#[test]
fn australia_0151() {
    assert!(ParticipantId::new("0151", "51824753556").is_ok());
    assert!(is_check_digits(&ParticipantId::new("0151", "51824753550")));
    assert!(is_invalid(&ParticipantId::new("0151", "ERR51824753556")));
}

#[test]
fn france_sirene_0002_and_siret_0009() {
    assert!(ParticipantId::new("0002", "732829320").is_ok());
    assert!(ParticipantId::new("0002", "73282932000074").is_ok());
    assert!(is_check_digits(&ParticipantId::new("0002", "732829321")));
    assert!(is_invalid(&ParticipantId::new("0002", "7328293200")));
    assert!(ParticipantId::new("0009", "73282932000074").is_ok());
    assert!(ParticipantId::new("0009", "35600000049837").is_ok());
    assert!(is_check_digits(&ParticipantId::new(
        "0009",
        "73282932000075"
    )));
    assert!(is_invalid(&ParticipantId::new("0009", "732829320")));
}

#[test]
fn kvk_0106_duns_0060() {
    assert!(ParticipantId::new("0106", "12345678").is_ok());
    assert!(is_invalid(&ParticipantId::new("0106", "1234567")));
    assert!(ParticipantId::new("0060", "812810734").is_ok());
    assert!(is_invalid(&ParticipantId::new("0060", "81281073")));
}

#[test]
fn lei_0199() {
    assert!(ParticipantId::new("0199", "5493001KJTIIGC8Y1R12").is_ok());
    assert!(ParticipantId::new("0199", "5493001kjtiigc8y1r12").is_ok());
    assert!(is_check_digits(&ParticipantId::new(
        "0199",
        "5493001KJTIIGC8Y1R13"
    )));
    assert!(is_invalid(&ParticipantId::new(
        "0199",
        "5493001KJTIIGC8Y1R1"
    )));
    assert!(is_invalid(&ParticipantId::new(
        "0199",
        "5493001KJTIIGC8Y1RAB"
    )));
}

#[test]
fn vat_schemes_take_vat_numbers_of_their_country() {
    for (scheme, value) in [
        ("9925", "BE0123456749"),
        ("9925", "0123456749"),
        ("9938", "LU15027442"),
        ("9930", "DE136695976"),
        ("9957", "FR40303265045"),
        ("9944", "NL004495445B01"),
        ("9914", "ATU13585627"),
        ("9920", "ESA12345674"),
        ("9934", "HR94577403194"),
        ("9933", "094259216"),
        ("9933", "EL094259216"),
        ("9932", "GB980780684"),
        ("9932", "XI980780684"),
        ("9927", "CHE109322551"),
        ("9927", "CHE109322551MWST"),
        ("0213", "FI20774740"),
        ("9910", "HU12892312"),
    ] {
        assert!(
            ParticipantId::new(scheme, value).is_ok(),
            "{scheme}:{value}"
        );
    }
}

#[test]
fn vat_schemes_refuse_bad_vat_numbers() {
    assert!(is_check_digits(&ParticipantId::new("9925", "BE0123456789")));
    assert!(is_check_digits(&ParticipantId::new("9938", "LU15027443")));
    assert!(is_check_digits(&ParticipantId::new("9930", "DE136695977")));
    assert!(is_check_digits(&ParticipantId::new("9933", "094259217")));
    assert!(is_invalid(&ParticipantId::new("9925", "LU15027442")));
    assert!(is_invalid(&ParticipantId::new("9933", "GR094259216")));
    assert!(is_invalid(&ParticipantId::new("9930", "DE 136695976")));
    assert!(is_invalid(&ParticipantId::new("9930", "DE-136695976")));
    assert!(is_invalid(&ParticipantId::new("9944", "NL004495445")));
}

// ---- VAT numbers ----

#[test]
fn vat_normalises_separators_and_case() {
    let number = vat(" be 0123.456.749 ");
    assert_eq!(number.as_str(), "BE0123456749");
    assert_eq!(number.prefix(), "BE");
    assert_eq!(number.national(), "0123456749");
    assert_eq!(number.to_string(), "BE0123456749");
    assert_eq!(vat("de-136-695-976").as_str(), "DE136695976");
}

#[test]
fn vat_refuses_garbage() {
    for text in [
        "",
        "BE",
        "B",
        "123456789",
        "US123456789",
        "ZZ123",
        "BÉ0123456749",
        "GR094259216",
    ] {
        assert_eq!(
            VatNumber::parse(text),
            Err(VatNumberError(text.to_owned())),
            "{text}"
        );
    }
}

/// Valid and invalid numbers for every supported prefix.
#[test]
fn vat_formats_per_country() {
    let cases: &[(&str, &[&str], &[&str])] = &[
        (
            "AT",
            &["ATU13585627"],
            &["ATU1358562", "AT13585627", "ATU135856270"],
        ),
        (
            "BE",
            &["BE0123456749", "BE1000000021"],
            &["BE0123456789", "BE2123456789", "BE123456749"],
        ),
        (
            "BG",
            &["BG123456789", "BG1234567890"],
            &["BG12345678", "BG12345678901"],
        ),
        ("CY", &["CY12345678L"], &["CY123456789", "CY1234567L"]),
        (
            "CZ",
            &["CZ12345678", "CZ123456789", "CZ1234567890"],
            &["CZ1234567", "CZ12345678901"],
        ),
        ("DE", &["DE136695976"], &["DE136695977", "DE13669597"]),
        ("DK", &["DK13585628"], &["DK1358562", "DK135856281"]),
        ("EE", &["EE100931558"], &["EE10093155"]),
        ("EL", &["EL094259216"], &["EL094259217", "EL09425921"]),
        (
            "ES",
            &["ESA12345674", "ESX1234567L", "ES12345678Z"],
            &["ES123456789", "ESA1234567", "ESAB1234567"],
        ),
        ("FI", &["FI20774740"], &["FI2077474"]),
        (
            "FR",
            &["FR40303265045", "FRK7399859412"],
            &["FR41303265045", "FRIO303265045", "FR4030326504"],
        ),
        ("HR", &["HR94577403194"], &["HR94577403195", "HR9457740319"]),
        ("HU", &["HU12892312"], &["HU1289231"]),
        (
            "IE",
            &["IE6433435F", "IE6433435FA", "IE8Z49289F", "IE1234567W"],
            &["IE6433435", "IE6433435X", "IE6433435FZ"],
        ),
        ("IT", &["IT00743110157"], &["IT00743110158", "IT0074311015"]),
        (
            "LT",
            &["LT119511515", "LT100001919017"],
            &["LT1195115151", "LT11951151"],
        ),
        ("LU", &["LU15027442"], &["LU15027443", "LU1502744"]),
        ("LV", &["LV40003521600"], &["LV4000352160"]),
        ("MT", &["MT11679112"], &["MT1167911"]),
        (
            "NL",
            &["NL004495445B01", "NL123456025B02"],
            &["NL004495446B01", "NL004495445A01", "NL004495445B1"],
        ),
        ("PL", &["PL8567346215"], &["PL856734621"]),
        ("PT", &["PT501964843"], &["PT50196484"]),
        (
            "RO",
            &["RO18547290", "RO12", "RO1234567890"],
            &["RO1", "RO12345678901"],
        ),
        (
            "SE",
            &["SE556732170701"],
            &["SE556732170801", "SE556732170702", "SE5567321707"],
        ),
        ("SI", &["SI50223054"], &["SI5022305"]),
        ("SK", &["SK2022749619"], &["SK202274961"]),
        ("XI", &["XI980780684"], &["XI98078068"]),
        (
            "GB",
            &["GB980780684", "GB123456789012", "GBGD001", "GBHA599"],
            &["GB12345678", "GBXX123", "GBGD0012"],
        ),
        (
            "NO",
            &["NO974760673MVA", "NO974760673"],
            &["NO974760674MVA", "NO97476067MVA"],
        ),
        (
            "CH",
            &["CHE109322551", "CHE109322551MWST", "CHE109322551TVA"],
            &["CHE109322552", "CH109322551", "CHE109322551VAT"],
        ),
    ];
    for (prefix, valid, invalid) in cases {
        for text in *valid {
            assert_eq!(vat(text).prefix(), *prefix, "{text}");
        }
        for text in *invalid {
            assert!(VatNumber::parse(text).is_err(), "{text} should be refused");
        }
    }
}

#[test]
fn vat_country_maps_prefixes() {
    assert_eq!(vat("EL094259216").country().as_str(), "GR");
    assert_eq!(vat("XI980780684").country().as_str(), "GB");
    assert_eq!(vat("GB980780684").country().as_str(), "GB");
    assert_eq!(vat("LU15027442").country().as_str(), "LU");
    assert_eq!(vat("CHE109322551").country().as_str(), "CH");
}

#[test]
fn vat_norway_gets_its_mva_suffix() {
    assert_eq!(vat("NO 974 760 673").as_str(), "NO974760673MVA");
    assert_eq!(vat("NO974760673MVA").as_str(), "NO974760673MVA");
}

// ---- derivations ----

#[test]
fn ids_for_belgian_vat() {
    assert_eq!(
        participant_ids_for_vat(&vat("BE0123456749")),
        vec![id("0208:0123456749"), id("9925:BE0123456749")]
    );
}

#[test]
fn ids_for_swedish_vat() {
    assert_eq!(
        participant_ids_for_vat(&vat("SE556732170701")),
        vec![id("0007:5567321707")]
    );
}

#[test]
fn ids_for_norwegian_vat() {
    assert_eq!(
        participant_ids_for_vat(&vat("NO974760673MVA")),
        vec![id("0192:974760673")]
    );
}

#[test]
fn ids_for_greek_vat_use_the_bare_tin() {
    assert_eq!(
        participant_ids_for_vat(&vat("EL094259216")),
        vec![id("9933:094259216")]
    );
}

#[test]
fn ids_for_other_vat() {
    for (number, expected) in [
        ("LU15027442", "9938:LU15027442"),
        ("IT00743110157", "0211:IT00743110157"),
        ("FR40303265045", "9957:FR40303265045"),
        ("DE136695976", "9930:DE136695976"),
        ("NL004495445B01", "9944:NL004495445B01"),
        ("ATU13585627", "9914:ATU13585627"),
        ("ESA12345674", "9920:ESA12345674"),
        ("FI20774740", "0213:FI20774740"),
        ("HU12892312", "9910:HU12892312"),
        ("XI980780684", "9932:XI980780684"),
        ("CHE109322551MWST", "9927:CHE109322551MWST"),
    ] {
        assert_eq!(
            participant_ids_for_vat(&vat(number)),
            vec![id(expected)],
            "{number}"
        );
    }
}

#[test]
fn ids_for_vat_without_scheme() {
    assert_eq!(participant_ids_for_vat(&vat("DK13585628")), Vec::new());
}

#[test]
fn derive_belgian_vat_id() {
    assert_eq!(
        derive_vat_participant_id(&id("0208:0123456749")),
        Some(id("9925:BE0123456749"))
    );
}

#[test]
fn derive_needs_a_valid_belgian_vat() {
    // Passes mod 97 but starts with 2: an establishment unit, not an enterprise.
    assert_eq!(derive_vat_participant_id(&id("0208:2000000042")), None);
}

#[test]
fn derive_swedish_vat_id_has_no_scheme() {
    assert_eq!(derive_vat_participant_id(&id("0007:5567321707")), None);
}

#[test]
fn derive_others_give_none() {
    for text in [
        "0088:9429041098400",
        "9925:BE0123456749",
        "0192:974760673",
        "0002:732829320",
    ] {
        assert_eq!(derive_vat_participant_id(&id(text)), None, "{text}");
    }
}
