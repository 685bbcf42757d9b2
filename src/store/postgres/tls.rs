//! TLS to PostgreSQL as libpq does it, so that a URL means what it means to `psql`:
//! `sslmode=disable` is plain; `allow` and `prefer` (the default) try TLS without checking the
//! server's certificate, and fall back to plain when the server has none; `require` insists
//! on TLS without checking the certificate (so a server's self-signed one works), unless
//! `sslrootcert=CA.pem` is given, which makes it `verify-ca`; `verify-ca` checks that the
//! certificate comes from the CA (the file given, else the public webpki roots), and
//! `verify-full` that it also names the host. (`allow` tries TLS first where libpq tries
//! plain first; the driver knows no other order.)
//!
//! The driver knows only disable/prefer/require and no `sslrootcert`: both are read here and
//! the URL is given to it without them, its other parameters exactly as written.

use crate::store::StoreError;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
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
            MakeRustlsConnect::new(config(Check::Nothing, None)?),
        ));
    }
    let (url, mode) = take_param(url, "sslmode")?;
    let (url, root_cert) = take_param(&url, "sslrootcert")?;
    let (driver_mode, check) = match mode.as_deref().unwrap_or("prefer") {
        "disable" => ("disable", Check::Nothing),
        "allow" | "prefer" => ("prefer", Check::Nothing),
        "require" if root_cert.is_some() => ("require", Check::Issuer),
        "require" => ("require", Check::Nothing),
        "verify-ca" => ("require", Check::Issuer),
        "verify-full" => ("require", Check::IssuerAndName),
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
    let config = config(check, root_cert.as_deref())?;
    Ok((url, MakeRustlsConnect::new(config)))
}

/// What of the server's certificate is checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Check {
    Nothing,
    /// That a trusted CA issued it (`verify-ca`).
    Issuer,
    /// That, and that it names the host (`verify-full`).
    IssuerAndName,
}

/// rustls's settings for `check`, trusting `root_cert`'s CAs (else the public roots).
fn config(check: Check, root_cert: Option<&str>) -> Result<rustls::ClientConfig, StoreError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .expect("ring supports the default protocol versions");
    let verifier: Arc<dyn ServerCertVerifier> = match check {
        Check::Nothing => Arc::new(Unverified(provider)),
        Check::Issuer | Check::IssuerAndName => {
            let webpki =
                WebPkiServerVerifier::builder_with_provider(Arc::new(roots(root_cert)?), provider)
                    .build()
                    .map_err(|e| StoreError::DatabaseUrl {
                        what: format!("its CA certificates cannot be used ({e})"),
                    })?;
            if check == Check::Issuer {
                Arc::new(AnyName(webpki))
            } else {
                webpki
            }
        }
    };
    Ok(builder
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth())
}

/// The CA certificates of `file` (PEM) when given, else the public webpki roots.
fn roots(file: Option<&str>) -> Result<rustls::RootCertStore, StoreError> {
    let Some(path) = file else {
        return Ok(rustls::RootCertStore::from_iter(
            webpki_roots::TLS_SERVER_ROOTS.iter().cloned(),
        ));
    };
    // As libpq: the file's CAs alone.
    let mut roots = rustls::RootCertStore::empty();
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

/// `verify-ca`: the certificate must come from a trusted CA, whatever name it carries.
#[derive(Debug)]
struct AnyName(Arc<WebPkiServerVerifier>);

impl ServerCertVerifier for AnyName {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        use rustls::{CertificateError, Error};
        match self
            .0
            .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
        {
            Err(Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.0.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.supported_verify_schemes()
    }
}

/// The URL before its query, and the query's `key=value` pairs as written.
fn split(url: &str) -> (&str, Vec<&str>) {
    match url.split_once('?') {
        Some((base, query)) => (base, query.split('&').filter(|p| !p.is_empty()).collect()),
        None => (url, Vec::new()),
    }
}

fn join(base: &str, pairs: &[&str]) -> String {
    if pairs.is_empty() {
        base.to_string()
    } else {
        format!("{base}?{}", pairs.join("&"))
    }
}

/// The URL without parameter `key`, its other parameters exactly as written, and that
/// parameter's value, decoded (the last, if given twice).
fn take_param(url: &str, key: &str) -> Result<(String, Option<String>), StoreError> {
    let (base, pairs) = split(url);
    let (mut value, mut kept) = (None, Vec::new());
    for pair in pairs {
        let decoded: Vec<(String, String)> =
            serde_urlencoded::from_str(pair).map_err(|e| StoreError::DatabaseUrl {
                what: format!("its parameters cannot be read ({e})"),
            })?;
        match decoded.into_iter().next() {
            Some((k, v)) if k == key => value = Some(v),
            _ => kept.push(pair),
        }
    }
    Ok((join(base, &kept), value))
}

/// The URL with parameter `key` set to `value` (a plain word).
fn with_param(url: &str, key: &str, value: &str) -> String {
    let (base, mut pairs) = split(url);
    pairs.retain(|p| p.split_once('=').map_or(*p, |(k, _)| k) != key);
    let set = format!("{key}={value}");
    pairs.push(&set);
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
        // Other parameters pass exactly as written (a space stays %20, not "+").
        let (url, _) = take_param(
            "postgres://u@h/db?options=-c%20statement_timeout%3D5000&sslmode=require",
            "sslmode",
        )
        .unwrap();
        assert_eq!(
            url,
            "postgres://u@h/db?options=-c%20statement_timeout%3D5000"
        );
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
