//! HMAC request signatures (seeds 000 and 004): `X-Signature: t=<unix seconds>,v1=<hex>`
//! where the hex is HMAC-SHA256, keyed with the API key's signing secret, of
//! `"{t}.{METHOD}.{path and query}.{hex SHA-256 of the body}"`.
//!
//! This module is pure: parsing the header, building the signed string, checking the
//! timestamp window and the MAC (in constant time, through `hmac`'s `verify_slice`).
//! Replay detection needs shared state and lives in the service, over the
//! [`SeenSignatureStore`](crate::ports::SeenSignatureStore) port.

use hmac::{Hmac, Mac as _};
use sha2::{Digest as _, Sha256};
use time::{Duration, OffsetDateTime};

type HmacSha256 = Hmac<Sha256>;

/// How far a signature's timestamp may be from the gateway's clock, either way.
pub const TOLERANCE: Duration = Duration::seconds(300);

/// The longest signature header accepted (`t=` + 20 digits + `,v1=` + 64 hex, with room).
const MAX_HEADER_LEN: usize = 200;

/// Why a request signature was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// No `X-Signature` (or `X-Bizzlink-Signature`) header.
    #[error(
        "this API key requires signed requests: send X-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256>"
    )]
    Missing,
    /// The header is not `t=<digits>,v1=<64 hex digits>`.
    #[error("the signature header must be t=<unix seconds>,v1=<64 hex digits>")]
    Malformed,
    /// The timestamp is more than [`TOLERANCE`] away from the gateway's clock.
    #[error("the signature timestamp is more than 300 seconds away from the gateway's clock")]
    Timestamp,
    /// The MAC does not match the request.
    #[error(
        "the signature does not match this request (method, path and query, body) and the key's signing secret"
    )]
    Mismatch,
    /// The same signature was already used within the tolerance window.
    #[error("this signature was already used; sign every request afresh")]
    Replay,
}

impl SignatureError {
    /// Stable error code.
    pub const fn code(self) -> &'static str {
        match self {
            Self::Missing => "signature_missing",
            Self::Malformed => "signature_malformed",
            Self::Timestamp => "signature_timestamp",
            Self::Mismatch => "signature_mismatch",
            Self::Replay => "signature_replayed",
        }
    }
}

/// A parsed signature header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SignatureHeader {
    /// `t`: unix seconds.
    pub timestamp: i64,
    /// `v1`: the MAC.
    pub mac: [u8; 32],
}

impl SignatureHeader {
    /// Parses `t=<digits>,v1=<64 hex>` (elements in any order, spaces around them
    /// ignored; unknown elements such as a future `v2` are ignored).
    pub fn parse(header: &str) -> Result<Self, SignatureError> {
        if header.len() > MAX_HEADER_LEN {
            return Err(SignatureError::Malformed);
        }
        let mut timestamp = None;
        let mut mac = None;
        for element in header.split(',') {
            let (name, value) = element
                .trim()
                .split_once('=')
                .ok_or(SignatureError::Malformed)?;
            match name {
                "t" => {
                    if value.is_empty()
                        || value.len() > 19
                        || !value.bytes().all(|b| b.is_ascii_digit())
                    {
                        return Err(SignatureError::Malformed);
                    }
                    let parsed: i64 = value.parse().map_err(|_| SignatureError::Malformed)?;
                    if timestamp.replace(parsed).is_some() {
                        return Err(SignatureError::Malformed);
                    }
                }
                "v1" => {
                    let mut bytes = [0_u8; 32];
                    hex::decode_to_slice(value, &mut bytes)
                        .map_err(|_| SignatureError::Malformed)?;
                    if mac.replace(bytes).is_some() {
                        return Err(SignatureError::Malformed);
                    }
                }
                _ => {}
            }
        }
        match (timestamp, mac) {
            (Some(timestamp), Some(mac)) => Ok(Self { timestamp, mac }),
            _ => Err(SignatureError::Malformed),
        }
    }
}

/// The string that is signed: `"{t}.{METHOD}.{path and query}.{hex SHA-256 of body}"`.
pub fn signed_payload(timestamp: i64, method: &str, path_and_query: &str, body: &[u8]) -> String {
    format!(
        "{timestamp}.{method}.{path_and_query}.{}",
        hex::encode(Sha256::digest(body))
    )
}

/// The hex MAC of a request (what a client puts in `v1`).
pub fn sign(
    secret: &str,
    timestamp: i64,
    method: &str,
    path_and_query: &str,
    body: &[u8],
) -> String {
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(signed_payload(timestamp, method, path_and_query, body).as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// A request as far as its signature covers it.
#[derive(Debug, Clone, Copy)]
pub struct SignedRequest<'a> {
    /// The HTTP method, upper case as sent (`POST`).
    pub method: &'a str,
    /// The path and query as sent (`/api/v1/tenants?page%5Bsize%5D=5`).
    pub path_and_query: &'a str,
    /// The raw body (empty when there is none).
    pub body: &'a [u8],
}

/// Checks a parsed header against the request, the secret and the time: first the
/// timestamp window, then the MAC in constant time.
pub fn verify(
    header: &SignatureHeader,
    secret: &str,
    request: SignedRequest<'_>,
    now: OffsetDateTime,
) -> Result<(), SignatureError> {
    let skew = i128::from(header.timestamp) - i128::from(now.unix_timestamp());
    if skew.abs() > i128::from(TOLERANCE.whole_seconds()) {
        return Err(SignatureError::Timestamp);
    }
    let mut mac = HmacSha256::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(
        signed_payload(
            header.timestamp,
            request.method,
            request.path_and_query,
            request.body,
        )
        .as_bytes(),
    );
    mac.verify_slice(&header.mac)
        .map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of docs/API.md.
    #[test]
    fn documented_test_vector() {
        let body = br#"{"data":{"type":"tenants","attributes":{"companyName":"Kunde GmbH"}}}"#;
        assert_eq!(
            signed_payload(1_767_225_600, "POST", "/api/v1/tenants", body),
            "1767225600.POST./api/v1/tenants.\
             00232bbc3f65bc60f50783150b40f0101ef45745484b126016afa581ec737d4e"
        );
        let mac = sign(
            "eig_secret_example",
            1_767_225_600,
            "POST",
            "/api/v1/tenants",
            body,
        );
        assert_eq!(
            mac,
            "5863bfd945c33b3c06022b457d579ef229c6e6f00293eafb67dc9d6ec205ee5d"
        );
        assert_eq!(
            sign(
                "eig_secret_example",
                1_767_225_600,
                "GET",
                "/api/v1/tenants?page%5Bsize%5D=5",
                b"",
            ),
            "3c21c923c9f49d1fdfa3af364a14d283190193216aa3385b5557ef5489b8143b"
        );
        let header = SignatureHeader::parse(&format!("t=1767225600,v1={mac}")).unwrap();
        let request = SignedRequest {
            method: "POST",
            path_and_query: "/api/v1/tenants",
            body,
        };
        let now = OffsetDateTime::from_unix_timestamp(1_767_225_600).unwrap();
        assert_eq!(verify(&header, "eig_secret_example", request, now), Ok(()));
    }

    #[test]
    fn header_shapes() {
        let mac = "ab".repeat(32);
        assert!(SignatureHeader::parse(&format!("t=1,v1={mac}")).is_ok());
        assert!(SignatureHeader::parse(&format!(" v1={mac} , t=1 ")).is_ok());
        assert!(SignatureHeader::parse(&format!("t=1,v1={mac},v2=xyz")).is_ok());
        for bad in [
            String::new(),
            "t=1".to_owned(),
            format!("v1={mac}"),
            format!("t=-1,v1={mac}"),
            format!("t=1,v1={}", "ab".repeat(31)),
            format!("t=1,v1={}", "zz".repeat(32)),
            format!("t=1,t=2,v1={mac}"),
            format!("t=1;v1={mac}"),
        ] {
            assert_eq!(
                SignatureHeader::parse(&bad),
                Err(SignatureError::Malformed),
                "{bad}"
            );
        }
    }
}
