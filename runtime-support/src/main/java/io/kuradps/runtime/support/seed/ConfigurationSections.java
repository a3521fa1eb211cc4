package io.kuradps.runtime.support.seed;

import java.io.IOException;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.regex.Pattern;

import org.eclipse.kura.configuration.ConfigurationService;

/**
 * The configurations of one properties file: each line {@code kura.service.pid=...} starts the section of that
 * PID, so one file configures several components (the provisioning component and the hub link, say). Sections
 * of the same PID merge, the later value winning, so that a launcher can append an override. A file with one
 * section reads as the plain properties file it is.
 */
final class ConfigurationSections {

    /** A property line naming a PID: the key, then {@code =}, {@code :} or white space, as Properties reads it. */
    private static final Pattern PID_LINE = Pattern.compile(
            "^\\s*" + Pattern.quote(ConfigurationService.KURA_SERVICE_PID) + "\\s*[=:\\s].*");

    private ConfigurationSections() {
    }

    /**
     * @return PID to its properties (the {@code kura.service.pid} key included), in the order the PIDs first
     *         appear
     * @throws IllegalArgumentException when a property comes before the first {@code kura.service.pid}, or a
     *         section names no PID, naming the file
     */
    static Map<String, Properties> read(String source, String text) throws IOException {
        List<StringBuilder> sections = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean continued = false;
        for (String line : text.split("\\r?\\n|\\r", -1)) {
            // A line ending in an odd number of backslashes continues the previous property, as Properties reads it.
            if (!continued && PID_LINE.matcher(line).matches()) {
                sections.add(current);
                current = new StringBuilder();
            }
            current.append(line).append('\n');
            continued = !isComment(line, continued) && endsWithOddBackslashes(line);
        }
        sections.add(current);
        Map<String, Properties> byPid = new LinkedHashMap<>();
        for (int i = 0; i < sections.size(); i++) {
            Properties properties = new Properties();
            properties.load(new StringReader(sections.get(i).toString()));
            if (i == 0) {
                if (!properties.isEmpty()) {
                    throw new IllegalArgumentException(source + ": '" + properties.stringPropertyNames().iterator()
                            .next() + "' comes before the first " + ConfigurationService.KURA_SERVICE_PID);
                }
                continue;
            }
            String pid = properties.getProperty(ConfigurationService.KURA_SERVICE_PID, "").trim();
            if (pid.isEmpty()) {
                throw new IllegalArgumentException(source + ": empty " + ConfigurationService.KURA_SERVICE_PID);
            }
            properties.setProperty(ConfigurationService.KURA_SERVICE_PID, pid);
            Properties merged = byPid.get(pid);
            if (merged == null) {
                byPid.put(pid, properties);
            } else {
                merged.putAll(properties);
            }
        }
        if (byPid.isEmpty()) {
            throw new IllegalArgumentException(source + ": missing " + ConfigurationService.KURA_SERVICE_PID);
        }
        return Collections.unmodifiableMap(byPid);
    }

    private static boolean isComment(String line, boolean continued) {
        String start = line.trim();
        return !continued && (start.startsWith("#") || start.startsWith("!"));
    }

    private static boolean endsWithOddBackslashes(String line) {
        int count = 0;
        for (int i = line.length() - 1; i >= 0 && line.charAt(i) == '\\'; i--) {
            count++;
        }
        return count % 2 == 1;
    }
}
