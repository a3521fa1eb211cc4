package io.kuradps.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The first registration of a fresh JVM, in a JVM of its own (started by {@link ColdStartBench}): CPU time (user +
 * system, every thread of the process, JIT compiler and GC included) and wall time from before the client's first
 * class is touched until it returns the assignment. Prints one line starting with {@value #RESULT}.
 *
 * <p>Arguments: {@code ours} or {@code sdk}, host, port, id scope, registration id, device key, CA file.
 */
public final class ColdStartProbe {

    static final String RESULT = "COLD-START-PROBE";

    private ColdStartProbe() {
    }

    public static void main(String[] args) throws Exception {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        String client = args[0];
        long cpuStart = os.getProcessCpuTime();
        long wallStart = System.nanoTime();
        List<X509Certificate> ca = new ArrayList<>();
        try (InputStream in = Files.newInputStream(Path.of(args[6]))) {
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                ca.add((X509Certificate) certificate);
            }
        }
        Registrar registrar = client.equals("ours") ? new OurRegistrar(args[3], args[1], Integer.parseInt(args[2]), ca)
                : new SdkRegistrar(args[3], args[1], () -> BenchDps.trusting(ca));
        registrar.register(args[4], args[5]);
        long cpuEnd = os.getProcessCpuTime();
        long wallEnd = System.nanoTime();
        System.out.printf(Locale.ROOT, "%s client=%s cpuMs=%.1f wallMs=%.1f%n", RESULT, client, (cpuEnd - cpuStart) / 1e6,
                (wallEnd - wallStart) / 1e6);
        System.exit(0);
    }
}
