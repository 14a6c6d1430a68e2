//! A throw-away CA and server certificate made at start, so a station's client can be tested
//! against real TLS: trusted CA, unknown CA, wrong host name.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, CertifiedIssuer, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose,
};
use tokio_rustls::rustls::pki_types::{PrivateKeyDer, PrivatePkcs8KeyDer};
use tokio_rustls::rustls::{self, ServerConfig};

/// Certificates of one simulator run.
pub struct TlsMaterial {
    /// The CA certificate (PEM) the client must trust.
    pub ca_pem: String,
    /// The server certificate (PEM), signed by the CA.
    pub cert_pem: String,
    /// rustls configuration for the listener.
    pub config: Arc<ServerConfig>,
    /// With client authentication: a client certificate and its private key (PEM, one
    /// string) signed by the CA, for the station under test.
    pub client_identity_pem: Option<String>,
}

/// Why TLS could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    /// Certificate generation failed.
    #[error("certificate generation failed: {0}")]
    Certificate(#[from] rcgen::Error),
    /// rustls refused the configuration.
    #[error("tls configuration refused: {0}")]
    Config(#[from] rustls::Error),
    /// The client-certificate verifier could not be built.
    #[error("client certificate verifier: {0}")]
    Verifier(String),
}

/// Makes a CA and a server certificate for `names` (DNS names or IP addresses); with
/// `client_auth`, also a client certificate, and the listener then requires one from the CA.
/// With `expired`, the server certificate's validity ended in 2021 (a server whose certificate
/// nobody renewed).
pub fn generate(
    names: &[String],
    client_auth: bool,
    expired: bool,
) -> Result<TlsMaterial, TlsError> {
    let ca_key = KeyPair::generate()?;
    let mut ca_params = CertificateParams::new(Vec::<String>::new())?;
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    // A name of its own, so two runs' CAs are told apart by issuer name (a client trusting
    // another run's CA then sees "unknown issuer", as with any foreign CA).
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default();
    ca_params.distinguished_name.push(
        DnType::CommonName,
        format!("cetak-server-sim test CA {nonce:x}"),
    );
    ca_params.key_usages = vec![
        KeyUsagePurpose::KeyCertSign,
        KeyUsagePurpose::CrlSign,
        KeyUsagePurpose::DigitalSignature,
    ];
    let ca = CertifiedIssuer::self_signed(ca_params, ca_key)?;

    let key = KeyPair::generate()?;
    let mut params = CertificateParams::new(names.to_vec())?;
    params
        .distinguished_name
        .push(DnType::CommonName, "cetak-server-sim");
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    if expired {
        params.not_before = rcgen::date_time_ymd(2020, 1, 1);
        params.not_after = rcgen::date_time_ymd(2021, 1, 1);
    }
    let cert = params.signed_by(&key, &ca)?;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()?;
    let (builder, client_identity_pem) = if client_auth {
        let ckey = KeyPair::generate()?;
        let mut cparams = CertificateParams::new(vec!["cetak-station".to_string()])?;
        cparams
            .distinguished_name
            .push(DnType::CommonName, "cetak-station");
        cparams.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        cparams.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        let ccert = cparams.signed_by(&ckey, &ca)?;
        let mut roots = rustls::RootCertStore::empty();
        roots.add(ca.der().clone())?;
        let verifier =
            rustls::server::WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider)
                .build()
                .map_err(|e| TlsError::Verifier(e.to_string()))?;
        (
            builder.with_client_cert_verifier(verifier),
            Some(format!("{}{}", ckey.serialize_pem(), ccert.pem())),
        )
    } else {
        (builder.with_no_client_auth(), None)
    };
    let config = builder.with_single_cert(
        vec![cert.der().clone(), ca.der().clone()],
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der())),
    )?;
    Ok(TlsMaterial {
        ca_pem: ca.pem(),
        cert_pem: cert.pem(),
        config: Arc::new(config),
        client_identity_pem,
    })
}
