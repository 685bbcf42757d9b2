//! TLS to PostgreSQL as libpq does it, so that a URL means what it means to `psql`:
//! `sslmode=disable` is plain; `prefer` (the default) and `require` encrypt without checking
//! the server's certificate (so a server's self-signed certificate works, as with libpq),
//! and `require` refuses a server without TLS; `verify-ca` and `verify-full` check the
//! certificate against the public (webpki) roots, or the CA file given as
//! `sslrootcert=CA.pem`, and its name. As with libpq, `require` with `sslrootcert` checks too.
//!
//! The driver knows only disable/prefer/require and no `sslrootcert`: both are read here and
//! the URL is given to it without them.

use crate::store::StoreError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::{pem::PemObject, CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use std::sync::Arc;
use tokio_postgres_rustls::MakeRustlsConnect;

/// The URL as the driver takes it, and the TLS connector its `sslmode` asks for.
pub(super) fn from_url(url: &str) -> Result<(String, MakeRustlsConnect), StoreError> {
    // A `key=value` connection string goes to the driver as it is (its sslmode: disable,
    // prefer or require), without checking certificates.
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Ok((
            url.to_string(),
            MakeRustlsConnect::new(config(false, None)?),
        ));
    }
    let (url, mode) = take_param(url, "sslmode")?;
    let (url, root_cert) = take_param(&url, "sslrootcert")?;
    let (driver_mode, verify) = match mode.as_deref().unwrap_or("prefer") {
        "disable" | "allow" => ("disable", false),
        "prefer" => ("prefer", root_cert.is_some()),
        "require" => ("require", root_cert.is_some()),
        "verify-ca" | "verify-full" => ("require", true),
        other => {
            return Err(StoreError::DatabaseUrl {
                what: format!(
                    "sslmode={other} is not one of disable, allow, prefer, require, verify-ca, \
                     verify-full"
                ),
            })
        }
    };
    let url = with_param(&url, "sslmode", driver_mode);
    let config = config(verify, root_cert.as_deref())?;
    Ok((url, MakeRustlsConnect::new(config)))
}

/// rustls's settings: checking the certificate against the roots (and `root_cert`), or not.
fn config(verify: bool, root_cert: Option<&str>) -> Result<rustls::ClientConfig, StoreError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions");
    Ok(if verify {
        builder
            .with_root_certificates(roots(root_cert)?)
            .with_no_client_auth()
    } else {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(Unverified(provider)))
            .with_no_client_auth()
    })
}

/// The webpki roots, and the CA certificates of `file` (PEM) when given.
fn roots(file: Option<&str>) -> Result<rustls::RootCertStore, StoreError> {
    let mut roots =
        rustls::RootCertStore::from_iter(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let Some(path) = file else {
        return Ok(roots);
    };
    let bad = |what: String| StoreError::DatabaseUrl {
        what: format!("sslrootcert={path}: {what}"),
    };
    let pem = std::fs::read(path).map_err(|e| bad(format!("cannot read it ({e})")))?;
    let mut added = 0;
    for cert in CertificateDer::pem_slice_iter(&pem) {
        let cert = cert.map_err(|e| bad(format!("not a PEM certificate file ({e})")))?;
        roots
            .add(cert)
            .map_err(|e| bad(format!("not a CA certificate ({e})")))?;
        added += 1;
    }
    if added == 0 {
        return Err(bad("no certificate in it".into()));
    }
    Ok(roots)
}

/// `prefer` and `require` as libpq means them: the connection is encrypted and the
/// handshake's signatures are checked, the certificate's issuer and name are not.
#[derive(Debug)]
struct Unverified(Arc<CryptoProvider>);

impl ServerCertVerifier for Unverified {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// A URL's query parameters, decoded, in order.
type Params = Vec<(String, String)>;

/// The URL before its query, and its parameters.
fn params(url: &str) -> Result<(&str, Params), StoreError> {
    let Some((base, query)) = url.split_once('?') else {
        return Ok((url, Vec::new()));
    };
    let pairs = serde_urlencoded::from_str(query).map_err(|e| StoreError::DatabaseUrl {
        what: format!("its parameters cannot be read ({e})"),
    })?;
    Ok((base, pairs))
}

fn join(base: &str, pairs: &[(String, String)]) -> String {
    if pairs.is_empty() {
        return base.to_string();
    }
    let query = serde_urlencoded::to_string(pairs).expect("pairs of strings encode");
    format!("{base}?{query}")
}

/// The URL without parameter `key`, and its (last) value.
fn take_param(url: &str, key: &str) -> Result<(String, Option<String>), StoreError> {
    let (base, pairs) = params(url)?;
    let (taken, kept): (Vec<_>, Vec<_>) = pairs.into_iter().partition(|(k, _)| k == key);
    Ok((
        join(base, &kept),
        taken.into_iter().next_back().map(|(_, v)| v),
    ))
}

/// The URL with parameter `key` set to `value`.
fn with_param(url: &str, key: &str, value: &str) -> String {
    let (base, mut pairs) = params(url).unwrap_or((url, Vec::new()));
    pairs.retain(|(k, _)| k != key);
    pairs.push((key.to_string(), value.to_string()));
    join(base, &pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn libpq_parameters_are_taken_and_the_rest_kept() {
        let (url, v) = take_param(
            "postgres://u@h/db?application_name=x&sslrootcert=%2Fa%2Fca.pem",
            "sslrootcert",
        )
        .unwrap();
        assert_eq!(v.as_deref(), Some("/a/ca.pem"));
        assert_eq!(url, "postgres://u@h/db?application_name=x");
        assert_eq!(
            with_param("postgres://u@h/db", "sslmode", "require"),
            "postgres://u@h/db?sslmode=require"
        );
        assert!(from_url("postgres://u@h/db?sslmode=verify-full").is_ok());
        let e = from_url("postgres://u@h/db?sslmode=sometimes")
            .err()
            .unwrap()
            .to_string();
        assert!(e.contains("sslmode=sometimes is not one of"), "{e}");
    }
}
