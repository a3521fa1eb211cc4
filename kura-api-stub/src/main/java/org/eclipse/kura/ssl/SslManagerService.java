package org.eclipse.kura.ssl;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

import org.osgi.annotation.versioning.ProviderType;

/**
 * Every method of Kura 5.0's SslManagerService: TLS contexts built from the keystore the service is configured
 * with. The keyAlias forms present only the client key stored under that alias.
 */
@ProviderType
public interface SslManagerService {

    SSLContext getSSLContext() throws GeneralSecurityException, IOException;

    SSLContext getSSLContext(String keyAlias) throws GeneralSecurityException, IOException;

    SSLSocketFactory getSSLSocketFactory() throws GeneralSecurityException, IOException;

    SSLSocketFactory getSSLSocketFactory(String keyAlias) throws GeneralSecurityException, IOException;

    @Deprecated
    SSLSocketFactory getSSLSocketFactory(String protocol, String cipherSuites, String trustStorePath,
            String keyStorePath, char[] keyStorePassword, String keyAlias) throws GeneralSecurityException, IOException;

    @Deprecated
    SSLSocketFactory getSSLSocketFactory(String protocol, String cipherSuites, String trustStorePath,
            String keyStorePath, char[] keyStorePassword, String keyAlias, boolean hostnameVerification)
            throws GeneralSecurityException, IOException;

    @Deprecated
    X509Certificate[] getTrustCertificates() throws GeneralSecurityException, IOException;

    @Deprecated
    void installTrustCertificate(String alias, X509Certificate x509crt) throws GeneralSecurityException, IOException;

    @Deprecated
    void deleteTrustCertificate(String alias) throws GeneralSecurityException, IOException;

    @Deprecated
    void installPrivateKey(String alias, PrivateKey privateKey, char[] password, Certificate[] publicCerts)
            throws GeneralSecurityException, IOException;
}
