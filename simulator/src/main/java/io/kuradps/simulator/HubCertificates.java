package io.kuradps.simulator;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.util.Mapping;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Picks the hub endpoint's server certificate by the host name the client asks for (SNI), as one IoT Hub front
 * end serves many hubs: a hub the simulator serves gets a certificate naming exactly that hub, issued by the
 * simulator's CA on first use; any other name, or none, gets the loopback certificate ({@code localhost},
 * {@code 127.0.0.1}, {@code ::1} and the listen address), which a client checking another name rejects.
 */
final class HubCertificates implements Mapping<String, SslContext> {

    private final CertificateAuthority authority;
    private final Predicate<String> servedHubs;
    private final SslContext loopback;
    private final Map<String, SslContext> byHub = new ConcurrentHashMap<>();

    HubCertificates(CertificateAuthority authority, String host, Predicate<String> servedHubs) {
        this.authority = authority;
        this.servedHubs = servedHubs;
        this.loopback = context(authority.issueServerCertificate(host));
    }

    @Override
    public SslContext map(String serverName) {
        if (serverName == null || !servedHubs.test(serverName)) {
            return loopback;
        }
        return byHub.computeIfAbsent(serverName.toLowerCase(Locale.ROOT),
                hub -> context(authority.issueHubCertificate(hub)));
    }

    private static SslContext context(CertificateAuthority.IssuedCertificate issued) {
        return ServerTls.build(SslContextBuilder.forServer(issued.key(), issued.certificate(), issued.issuer()));
    }
}
