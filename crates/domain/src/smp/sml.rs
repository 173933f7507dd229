//! SML DNS names of participants.
//!
//! The Service Metadata Locator publishes, for every registered participant, a DNS
//! name under its zone that leads to the participant's SMP:
//!
//! - classic (CNAME, Peppol SML 1.x; the EC zones answered it until their retirement):
//!   `B-` + lower-case hex MD5 of the identifier value + `.` + identifier scheme + `.` +
//!   zone;
//! - NAPTR (Peppol SML 2.0, the BDXL-style lookup): base32 (RFC 4648 alphabet, no
//!   padding, lower case) of SHA-256 of the identifier value + `.` + identifier scheme +
//!   `.` + zone, holding a NAPTR record with service `Meta:SMP` and flag `U` whose
//!   regular expression yields the SMP base URL.
//!
//! In both, the hashed value is the participant identifier value **without** its scheme
//! (`0088:123abc`, not `iso6523-actorid-upis::0088:123abc`), lower-cased first, because
//! Peppol participant identifiers are case-insensitive (Policy for use of Identifiers,
//! POLICY 7).

use md5::Md5;
use sha2::{Digest, Sha256};

use crate::participant::ParticipantId;

/// A DNS zone an SML publishes participants in.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SmlZone {
    /// The production SML operated by the Peppol network (`participant.sml.prod.tech.peppol.org`).
    Production,
    /// The test SML operated by the Peppol network (`participant.sml.test.tech.peppol.org`).
    Test,
    /// The European Commission's production SML zone (`edelivery.tech.ec.europa.eu`),
    /// retired on 31 August 2026; kept because published vectors and older records use it.
    EcProduction,
    /// The European Commission's test SML zone, "SMK" (`acc.edelivery.tech.ec.europa.eu`).
    EcTest,
    /// Another zone, e.g. a local DNS server's in tests.
    Custom(String),
}

impl SmlZone {
    /// The zone name, without a trailing dot.
    pub fn name(&self) -> &str {
        match self {
            Self::Production => "participant.sml.prod.tech.peppol.org",
            Self::Test => "participant.sml.test.tech.peppol.org",
            Self::EcProduction => "edelivery.tech.ec.europa.eu",
            Self::EcTest => "acc.edelivery.tech.ec.europa.eu",
            Self::Custom(zone) => zone.trim_end_matches('.'),
        }
    }
}

/// The classic SML host name: `B-<md5 hex>.iso6523-actorid-upis.<zone>`.
pub fn classic_name(participant: &ParticipantId, zone: &SmlZone) -> String {
    classic_name_of_value(&participant.to_string(), zone)
}

/// The NAPTR SML name: `<base32 sha256>.iso6523-actorid-upis.<zone>`.
pub fn naptr_name(participant: &ParticipantId, zone: &SmlZone) -> String {
    naptr_name_of_value(&participant.to_string(), zone)
}

/// [`classic_name`] of an identifier value given as text (`scheme:value`), for values
/// that are not checked participant ids.
pub fn classic_name_of_value(value: &str, zone: &SmlZone) -> String {
    let digest = Md5::digest(value.to_lowercase().as_bytes());
    join(&format!("B-{}", hex::encode(digest)), zone)
}

/// [`naptr_name`] of an identifier value given as text (`scheme:value`).
pub fn naptr_name_of_value(value: &str, zone: &SmlZone) -> String {
    let digest = Sha256::digest(value.to_lowercase().as_bytes());
    let label = data_encoding::BASE32_NOPAD
        .encode(&digest)
        .to_ascii_lowercase();
    join(&label, zone)
}

fn join(label: &str, zone: &SmlZone) -> String {
    let zone = zone.name();
    if zone.is_empty() {
        format!("{label}.{}", ParticipantId::IDENTIFIER_SCHEME)
    } else {
        format!("{label}.{}.{zone}", ParticipantId::IDENTIFIER_SCHEME)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // Vectors published in phax/peppol-commons, `PeppolURLProviderTest`
    // (classic names) and `PeppolNaptrURLProviderTest` (NAPTR names; the last one is the
    // example of the Peppol SML specification, the `0088:123abc` pair the example of the
    // Policy for use of Identifiers, POLICY 7). Their values are hashed as given there:
    // `scheme:value`, lower-cased, without `iso6523-actorid-upis::`.

    #[test]
    fn classic_names_match_the_published_vectors() {
        assert_eq!(
            classic_name_of_value("0088:123abc", &SmlZone::EcProduction),
            "B-f5e78500450d37de5aabe6648ac3bb70.iso6523-actorid-upis.edelivery.tech.ec.europa.eu"
        );
        assert_eq!(
            classic_name_of_value("0088:123ABC", &SmlZone::EcProduction),
            "B-f5e78500450d37de5aabe6648ac3bb70.iso6523-actorid-upis.edelivery.tech.ec.europa.eu"
        );
        assert_eq!(
            classic_name_of_value("9915:test", &SmlZone::EcTest),
            "B-85008b8279e07ab0392da75fa55856a2.iso6523-actorid-upis.acc.edelivery.tech.ec.europa.eu"
        );
        assert_eq!(
            classic_name_of_value("0088:123ABC", &SmlZone::Custom("at.".to_owned())),
            "B-f5e78500450d37de5aabe6648ac3bb70.iso6523-actorid-upis.at"
        );
        assert_eq!(
            classic_name_of_value("0088:123ABC", &SmlZone::Custom(String::new())),
            "B-f5e78500450d37de5aabe6648ac3bb70.iso6523-actorid-upis"
        );
    }

    #[test]
    fn naptr_names_match_the_published_vectors() {
        let cases = [
            (
                "9915:test",
                "eh5boavaktmbgzyh2a63dz4qov33fvp5nsdvqklucfraayoodw6a",
            ),
            (
                "0088:1234567890123",
                "sjsyvccmqyjxk3weuapffq4x3umcrf4qryherj4vovhmonh7gccq",
            ),
            (
                "0088:123abc",
                "y7dzfxaf3d4cjz4kcgrxtec6twvcga4ky7zwa5boif6mswd4tdrq",
            ),
            (
                "0088:123ABC",
                "y7dzfxaf3d4cjz4kcgrxtec6twvcga4ky7zwa5boif6mswd4tdrq",
            ),
            (
                "0010:5798000000001",
                "xukhfqabqziki3ykvr2fhr4snfa3pf5vpq6k4tonv3lmvsy5arvq",
            ),
        ];
        for (value, label) in cases {
            assert_eq!(
                naptr_name_of_value(value, &SmlZone::EcTest),
                format!("{label}.iso6523-actorid-upis.acc.edelivery.tech.ec.europa.eu"),
                "{value}"
            );
        }
    }

    #[test]
    fn checked_participant_ids_hash_their_scheme_and_value_in_lower_case() {
        let upper =
            ParticipantId::parse("iso6523-actorid-upis::9925:BE0123456749").expect("valid id");
        let lower = ParticipantId::parse("9925:be0123456749").expect("valid id");
        assert_eq!(
            naptr_name(&upper, &SmlZone::EcProduction),
            naptr_name(&lower, &SmlZone::EcProduction)
        );
        assert_eq!(
            naptr_name(&upper, &SmlZone::EcProduction),
            naptr_name_of_value("9925:be0123456749", &SmlZone::EcProduction)
        );
        assert_eq!(
            classic_name(&upper, &SmlZone::EcTest),
            classic_name_of_value("9925:be0123456749", &SmlZone::EcTest)
        );
        let label = naptr_name(&lower, &SmlZone::Custom(String::new()));
        assert_eq!(
            naptr_name(&lower, &SmlZone::Production),
            format!("{label}.participant.sml.prod.tech.peppol.org")
        );
        assert_eq!(
            naptr_name(&lower, &SmlZone::Test),
            format!("{label}.participant.sml.test.tech.peppol.org")
        );
    }
}
