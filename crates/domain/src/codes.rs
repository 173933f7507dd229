//! ISO code lists the domain validates against: countries (ISO 3166-1 alpha-2) and
//! languages (ISO 639-1).

use std::fmt;

/// An ISO 3166-1 alpha-2 country code, upper case (e.g. `LU`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CountryCode([u8; 2]);

/// Why a country code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an ISO 3166-1 alpha-2 country code")]
pub struct CountryCodeError(pub String);

impl CountryCode {
    /// Parses an ISO 3166-1 alpha-2 code (upper case, as the standard writes it).
    ///
    /// Only the 249 officially assigned codes are accepted: not lower case, not the
    /// user-assigned ones (`ZZ`, `XK`, `XI`), not the VAT prefix `EL` (Greece is `GR`; see
    /// `VatNumber` for VAT prefixes), not Peppol's `1A` (Kosovo).
    pub fn parse(code: &str) -> Result<Self, CountryCodeError> {
        if let [a, b] = *code.as_bytes()
            && COUNTRIES.binary_search(&[a, b]).is_ok()
        {
            return Ok(Self([a, b]));
        }
        Err(CountryCodeError(code.to_owned()))
    }

    /// The two-letter code.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }

    /// Every ISO 3166-1 alpha-2 code, in alphabetical order.
    pub fn all() -> impl Iterator<Item = Self> {
        COUNTRIES.iter().map(|code| Self(*code))
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An ISO 639-1 language code, lower case (e.g. `fr`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LanguageCode([u8; 2]);

/// Why a language code was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an ISO 639-1 language code")]
pub struct LanguageCodeError(pub String);

impl LanguageCode {
    /// French, the default language of a tenant (seed 000).
    pub const FRENCH: Self = Self(*b"fr");

    /// Parses an ISO 639-1 code (lower case).
    ///
    /// Accepts the 183 current two-letter codes and the two withdrawn ones still found in
    /// data (`bh` Bihari, `sh` Serbo-Croatian); refuses upper case and anything else.
    pub fn parse(code: &str) -> Result<Self, LanguageCodeError> {
        if let [a, b] = *code.as_bytes()
            && LANGUAGES.binary_search(&[a, b]).is_ok()
        {
            return Ok(Self([a, b]));
        }
        Err(LanguageCodeError(code.to_owned()))
    }

    /// The two-letter code.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl fmt::Display for LanguageCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The ISO 3166-1 alpha-2 codes, sorted: the Peppol code list `ISO3166-1_Alpha2.xml` less its
/// two non-ISO entries (`1A` Kosovo, `XI` Northern Ireland).
#[rustfmt::skip]
const COUNTRIES: [[u8; 2]; 249] = [
    *b"AD", *b"AE", *b"AF", *b"AG", *b"AI", *b"AL", *b"AM", *b"AO", *b"AQ", *b"AR", *b"AS", *b"AT", *b"AU", *b"AW", *b"AX", *b"AZ",
    *b"BA", *b"BB", *b"BD", *b"BE", *b"BF", *b"BG", *b"BH", *b"BI", *b"BJ", *b"BL", *b"BM", *b"BN", *b"BO", *b"BQ", *b"BR", *b"BS",
    *b"BT", *b"BV", *b"BW", *b"BY", *b"BZ", *b"CA", *b"CC", *b"CD", *b"CF", *b"CG", *b"CH", *b"CI", *b"CK", *b"CL", *b"CM", *b"CN",
    *b"CO", *b"CR", *b"CU", *b"CV", *b"CW", *b"CX", *b"CY", *b"CZ", *b"DE", *b"DJ", *b"DK", *b"DM", *b"DO", *b"DZ", *b"EC", *b"EE",
    *b"EG", *b"EH", *b"ER", *b"ES", *b"ET", *b"FI", *b"FJ", *b"FK", *b"FM", *b"FO", *b"FR", *b"GA", *b"GB", *b"GD", *b"GE", *b"GF",
    *b"GG", *b"GH", *b"GI", *b"GL", *b"GM", *b"GN", *b"GP", *b"GQ", *b"GR", *b"GS", *b"GT", *b"GU", *b"GW", *b"GY", *b"HK", *b"HM",
    *b"HN", *b"HR", *b"HT", *b"HU", *b"ID", *b"IE", *b"IL", *b"IM", *b"IN", *b"IO", *b"IQ", *b"IR", *b"IS", *b"IT", *b"JE", *b"JM",
    *b"JO", *b"JP", *b"KE", *b"KG", *b"KH", *b"KI", *b"KM", *b"KN", *b"KP", *b"KR", *b"KW", *b"KY", *b"KZ", *b"LA", *b"LB", *b"LC",
    *b"LI", *b"LK", *b"LR", *b"LS", *b"LT", *b"LU", *b"LV", *b"LY", *b"MA", *b"MC", *b"MD", *b"ME", *b"MF", *b"MG", *b"MH", *b"MK",
    *b"ML", *b"MM", *b"MN", *b"MO", *b"MP", *b"MQ", *b"MR", *b"MS", *b"MT", *b"MU", *b"MV", *b"MW", *b"MX", *b"MY", *b"MZ", *b"NA",
    *b"NC", *b"NE", *b"NF", *b"NG", *b"NI", *b"NL", *b"NO", *b"NP", *b"NR", *b"NU", *b"NZ", *b"OM", *b"PA", *b"PE", *b"PF", *b"PG",
    *b"PH", *b"PK", *b"PL", *b"PM", *b"PN", *b"PR", *b"PS", *b"PT", *b"PW", *b"PY", *b"QA", *b"RE", *b"RO", *b"RS", *b"RU", *b"RW",
    *b"SA", *b"SB", *b"SC", *b"SD", *b"SE", *b"SG", *b"SH", *b"SI", *b"SJ", *b"SK", *b"SL", *b"SM", *b"SN", *b"SO", *b"SR", *b"SS",
    *b"ST", *b"SV", *b"SX", *b"SY", *b"SZ", *b"TC", *b"TD", *b"TF", *b"TG", *b"TH", *b"TJ", *b"TK", *b"TL", *b"TM", *b"TN", *b"TO",
    *b"TR", *b"TT", *b"TV", *b"TW", *b"TZ", *b"UA", *b"UG", *b"UM", *b"US", *b"UY", *b"UZ", *b"VA", *b"VC", *b"VE", *b"VG", *b"VI",
    *b"VN", *b"VU", *b"WF", *b"WS", *b"YE", *b"YT", *b"ZA", *b"ZM", *b"ZW",
];

/// The ISO 639-1 codes, sorted (from the ISO 639-2 and 639-3 tables of Debian's `iso-codes`).
#[rustfmt::skip]
const LANGUAGES: [[u8; 2]; 185] = [
    *b"aa", *b"ab", *b"ae", *b"af", *b"ak", *b"am", *b"an", *b"ar", *b"as", *b"av", *b"ay", *b"az", *b"ba", *b"be", *b"bg", *b"bh",
    *b"bi", *b"bm", *b"bn", *b"bo", *b"br", *b"bs", *b"ca", *b"ce", *b"ch", *b"co", *b"cr", *b"cs", *b"cu", *b"cv", *b"cy", *b"da",
    *b"de", *b"dv", *b"dz", *b"ee", *b"el", *b"en", *b"eo", *b"es", *b"et", *b"eu", *b"fa", *b"ff", *b"fi", *b"fj", *b"fo", *b"fr",
    *b"fy", *b"ga", *b"gd", *b"gl", *b"gn", *b"gu", *b"gv", *b"ha", *b"he", *b"hi", *b"ho", *b"hr", *b"ht", *b"hu", *b"hy", *b"hz",
    *b"ia", *b"id", *b"ie", *b"ig", *b"ii", *b"ik", *b"io", *b"is", *b"it", *b"iu", *b"ja", *b"jv", *b"ka", *b"kg", *b"ki", *b"kj",
    *b"kk", *b"kl", *b"km", *b"kn", *b"ko", *b"kr", *b"ks", *b"ku", *b"kv", *b"kw", *b"ky", *b"la", *b"lb", *b"lg", *b"li", *b"ln",
    *b"lo", *b"lt", *b"lu", *b"lv", *b"mg", *b"mh", *b"mi", *b"mk", *b"ml", *b"mn", *b"mr", *b"ms", *b"mt", *b"my", *b"na", *b"nb",
    *b"nd", *b"ne", *b"ng", *b"nl", *b"nn", *b"no", *b"nr", *b"nv", *b"ny", *b"oc", *b"oj", *b"om", *b"or", *b"os", *b"pa", *b"pi",
    *b"pl", *b"ps", *b"pt", *b"qu", *b"rm", *b"rn", *b"ro", *b"ru", *b"rw", *b"sa", *b"sc", *b"sd", *b"se", *b"sg", *b"sh", *b"si",
    *b"sk", *b"sl", *b"sm", *b"sn", *b"so", *b"sq", *b"sr", *b"ss", *b"st", *b"su", *b"sv", *b"sw", *b"ta", *b"te", *b"tg", *b"th",
    *b"ti", *b"tk", *b"tl", *b"tn", *b"to", *b"tr", *b"ts", *b"tt", *b"tw", *b"ty", *b"ug", *b"uk", *b"ur", *b"uz", *b"ve", *b"vi",
    *b"vo", *b"wa", *b"wo", *b"xh", *b"yi", *b"yo", *b"za", *b"zh", *b"zu",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_are_sorted_without_duplicates() {
        assert!(COUNTRIES.windows(2).all(|pair| pair[0] < pair[1]));
        assert!(LANGUAGES.windows(2).all(|pair| pair[0] < pair[1]));
    }

    #[test]
    fn country_accepts_real_codes() {
        for code in [
            "LU", "BE", "FR", "DE", "GR", "GB", "US", "AD", "ZW", "AX", "SS",
        ] {
            assert_eq!(
                CountryCode::parse(code).map(|c| c.to_string()),
                Ok(code.to_owned())
            );
        }
        assert_eq!(CountryCode::all().count(), 249);
    }

    #[test]
    fn country_refuses_lower_case() {
        assert!(CountryCode::parse("lu").is_err());
    }

    #[test]
    fn country_refuses_mixed_case() {
        assert!(CountryCode::parse("Lu").is_err());
    }

    #[test]
    fn country_refuses_three_letters() {
        assert!(CountryCode::parse("LUX").is_err());
    }

    #[test]
    fn country_refuses_one_letter() {
        assert!(CountryCode::parse("L").is_err());
    }

    #[test]
    fn country_refuses_user_assigned_zz() {
        assert_eq!(
            CountryCode::parse("ZZ"),
            Err(CountryCodeError("ZZ".to_owned()))
        );
    }

    #[test]
    fn country_refuses_kosovo_xk() {
        assert!(CountryCode::parse("XK").is_err());
    }

    #[test]
    fn country_refuses_greek_vat_prefix_el() {
        assert!(CountryCode::parse("EL").is_err());
    }

    #[test]
    fn country_refuses_northern_ireland_xi() {
        assert!(CountryCode::parse("XI").is_err());
    }

    #[test]
    fn country_refuses_peppol_kosovo_1a() {
        assert!(CountryCode::parse("1A").is_err());
    }

    #[test]
    fn country_refuses_withdrawn_code() {
        assert!(CountryCode::parse("AN").is_err());
    }

    #[test]
    fn country_refuses_empty() {
        assert!(CountryCode::parse("").is_err());
    }

    #[test]
    fn country_refuses_non_ascii() {
        assert!(CountryCode::parse("LÜ").is_err());
    }

    #[test]
    fn country_refuses_padding() {
        assert!(CountryCode::parse(" LU").is_err());
    }

    #[test]
    fn language_accepts_real_codes() {
        for code in ["fr", "en", "de", "nl", "lb", "it", "es", "zu", "aa", "sh"] {
            assert_eq!(
                LanguageCode::parse(code).map(|c| c.to_string()),
                Ok(code.to_owned())
            );
        }
        assert_eq!(LanguageCode::parse("fr"), Ok(LanguageCode::FRENCH));
    }

    #[test]
    fn language_refuses_upper_case() {
        assert!(LanguageCode::parse("FR").is_err());
    }

    #[test]
    fn language_refuses_three_letters() {
        assert!(LanguageCode::parse("fra").is_err());
    }

    #[test]
    fn language_refuses_unassigned() {
        assert_eq!(
            LanguageCode::parse("zz"),
            Err(LanguageCodeError("zz".to_owned()))
        );
    }

    #[test]
    fn language_refuses_region_tag() {
        assert!(LanguageCode::parse("fr-BE").is_err());
    }

    #[test]
    fn language_refuses_empty() {
        assert!(LanguageCode::parse("").is_err());
    }

    #[test]
    fn language_refuses_non_ascii() {
        assert!(LanguageCode::parse("fé").is_err());
    }
}
