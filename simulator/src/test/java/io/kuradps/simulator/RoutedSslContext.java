package io.kuradps.simulator;

import java.security.KeyManagementException;
import java.security.SecureRandom;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;

/**
 * An SSLContext whose socket factory is the hub's loopback route, for clients that take an SSLContext rather than
 * a socket factory (the Azure IoT device SDK passes {@code sslContext.getSocketFactory()} to Paho): the hub's real
 * name and port 8883 or 443 reach the simulated hub on its ephemeral ports, everything else is the given context's.
 */
final class RoutedSslContext extends SSLContext {

    RoutedSslContext(SSLContext tls, SSLSocketFactory route) {
        super(new SSLContextSpi() {
            @Override
            protected void engineInit(KeyManager[] keys, TrustManager[] trust, SecureRandom random)
                    throws KeyManagementException {
                throw new KeyManagementException("already initialised");
            }

            @Override
            protected SSLSocketFactory engineGetSocketFactory() {
                return route;
            }

            @Override
            protected SSLServerSocketFactory engineGetServerSocketFactory() {
                return tls.getServerSocketFactory();
            }

            @Override
            protected SSLEngine engineCreateSSLEngine() {
                return tls.createSSLEngine();
            }

            @Override
            protected SSLEngine engineCreateSSLEngine(String host, int port) {
                return tls.createSSLEngine(host, port);
            }

            @Override
            protected SSLSessionContext engineGetServerSessionContext() {
                return tls.getServerSessionContext();
            }

            @Override
            protected SSLSessionContext engineGetClientSessionContext() {
                return tls.getClientSessionContext();
            }
        }, tls.getProvider(), tls.getProtocol());
    }
}
