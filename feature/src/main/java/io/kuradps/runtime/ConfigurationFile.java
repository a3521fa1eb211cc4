package io.kuradps.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * The configuration file the runtime seeds: the user's (or the demo's) text as it is, then sections the runtime
 * appends for this start. Each {@code kura.service.pid} line starts a section, and a later section of a PID
 * overrides its earlier values (runtime-support's ConfigurationSections reads it so), so the user's file is never
 * rewritten, only followed.
 */
final class ConfigurationFile {

    private final StringBuilder text;

    private ConfigurationFile(String text) {
        this.text = new StringBuilder(text);
        if (this.text.length() > 0 && this.text.charAt(this.text.length() - 1) != '\n') {
            this.text.append('\n');
        }
    }

    static ConfigurationFile of(String text) {
        return new ConfigurationFile(text);
    }

    static ConfigurationFile read(Path file) throws IOException {
        return new ConfigurationFile(Files.readString(file, StandardCharsets.UTF_8));
    }

    /** Appends a section for {@code pid}; its values override those given before for that PID. */
    ConfigurationFile override(String why, String pid, Map<String, String> values) {
        this.text.append("\n# ").append(why).append('\n');
        line("kura.service.pid", pid);
        values.forEach(this::line);
        return this;
    }

    private void line(String key, String value) {
        this.text.append(key).append('=').append(escaped(value)).append('\n');
    }

    /** As java.util.Properties reads a value: backslashes escaped, a leading blank kept. */
    private static String escaped(String value) {
        String text = value.replace("\\", "\\\\").replace("\n", "\\n");
        return text.startsWith(" ") ? "\\" + text : text;
    }

    Path write(Path file) throws IOException {
        Files.writeString(file, this.text, StandardCharsets.UTF_8);
        return file;
    }
}
